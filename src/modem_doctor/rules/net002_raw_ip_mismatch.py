"""NET002 raw-ip-mismatch

## What it detects
QMI data framing out of step between the modem and qmi_wwan (failure pattern 9): the modem
reports link layer ``raw-ip`` (qmicli ``--wda-get-data-format``, uqmi), or old uqmi cannot
read the answer (``"unknown"``), while the data path fails; the kernel's ``Cannot change a running device`` (raw_ip written while wwan0 was up);
qmi.sh's ``Device only supports raw-ip mode but is missing this required driver
attribute``; the driver's own flag against the modem's format (``/sys/class/net/wwan0/qmi/raw_ip``
read as ``N`` while the modem says ``raw-ip``, ``Y`` while it says ``802.3``, or no such
attribute for a raw-IP modem); and the classic signature: the call starts, ``wwan0`` comes
up, then ``udhcpc: sending discover`` repeats with no lease. Silent when qmi.sh says it
informed the driver of raw-ip and a lease follows, and when the DHCP discovers are all
there is but the driver's flag reads ``Y`` (the framing is already raw-IP: something else
keeps DHCP from answering). The last reading of each flag and of the modem's format counts
(a paste often shows ``N``, then ``echo Y``, then ``Y``), and an ``N`` read before qmi.sh's
``Informing driver of raw-ip only`` does not count.

## Why it matters
qmi_wwan sends 802.3 (Ethernet) frames unless its ``raw_ip`` flag is set; a modem that only
does raw-IP (most Quectel, Sierra MC74xx, SIMCom, newer Qualcomm) drops them, so DHCP never
gets an answer although the call is connected. Old uqmi/qmi.sh or kernels miss the switch.

## Evidence
The data-format line, the driver's raw_ip reading, the kernel or handler line, and the DHCP
discover lines.

## Fix
With the link down: ``ip link set wwan0 down; echo Y > /sys/class/net/wwan0/qmi/raw_ip;
ip link set wwan0 up`` (and ``uqmi -d /dev/cdc-wdm0 --wda-set-data-format raw-ip``), or
upgrade to a release whose qmi.sh does this (19.07 and later); a kernel without
``qmi/raw_ip`` (before 4.5) cannot do raw-IP at all.
"""

from __future__ import annotations

import re
from typing import Dict, Iterator, List, Tuple

from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.modem import RawIpFlag, facts, log_lines, proto_events, proto_messages, raw_ip_flags
from . import Rule
from .context import Context

_RUNNING = re.compile(r"Cannot change a running device")
_DISCOVER = re.compile(r"udhcpc: sending discover")
_LEASE = re.compile(r"udhcpc: lease of|obtained|Lease of", re.I)
_INFORMED = re.compile(r"Informing d|raw-ip only", re.I)
_QMI_SETUP = re.compile(r"Starting network|Setting up wwan|Waiting for network registration")


def _link_layer(value: str) -> str:
    value = value.lower().replace("-", ".")
    return "raw-ip" if "raw" in value else ("802.3" if value.startswith("802") else value)


def check(ctx: Context) -> Iterator[Finding]:
    evidence: List[Evidence] = []
    formats = facts(ctx.host, "data_formats")
    raw = [(a, f) for a, f in formats if "raw" in f.link_layer.lower()]
    known = [(a, f) for a, f in formats if _link_layer(f.link_layer) in ("raw-ip", "802.3")]
    modem_format = _link_layer(known[-1][1].link_layer) if known else ""
    # the driver's raw_ip flag: the last reading of each netdev counts
    flags: Dict[str, Tuple[str, RawIpFlag]] = {}
    for artifact, flag in raw_ip_flags(ctx.host):
        flags[flag.netdev] = (artifact, flag)
    informed = list(proto_messages(ctx.host, _INFORMED))
    order = {artifact.id: index for index, artifact in enumerate(getattr(ctx.host, "artifacts", ()))}
    told = max(((order.get(a, len(order)), e.line) for a, e in informed), default=None)
    # an N read before qmi.sh informed the driver of raw-ip is history
    driver_802 = [pair for pair in flags.values() if pair[1].raw_ip is False
                  and (told is None or (order.get(pair[0], len(order)), pair[1].line) > told)]
    driver_raw = [pair for pair in flags.values() if pair[1].raw_ip is True]
    driver_missing = [pair for pair in flags.values() if pair[1].raw_ip is None and pair[1].value == "missing"]
    kernel = list(log_lines(ctx.host, _RUNNING))
    handler = list(proto_events(ctx.host, "RAW_IP_UNSUPPORTED"))
    discovers: Dict[str, List[Evidence]] = {}
    for artifact, event in proto_messages(ctx.host, _DISCOVER):
        discovers.setdefault(event.subject, []).append(ctx.cite(artifact, event.line, event.text))
    leases = {event.subject for _, event in proto_messages(ctx.host, _LEASE)}
    qmi_parents = {event.subject for _, event in proto_messages(ctx.host, _QMI_SETUP)}
    stuck = {iface: lines for iface, lines in discovers.items()
             if len(lines) >= 3 and iface not in leases and (iface.rsplit("_", 1)[0] in qmi_parents or raw)}
    # the modem's format against the driver's flag (failure pattern 9, read from both ends)
    against = ((driver_802 if modem_format == "raw-ip" else []) + (driver_raw if modem_format == "802.3" else [])
               + (driver_missing if modem_format == "raw-ip" else []))
    if stuck and driver_raw and not driver_802 and modem_format != "802.3" and not (kernel or handler):
        stuck = {}  # the driver already frames raw-IP: the discovers have another cause
    for artifact, entry in kernel:
        evidence.append(ctx.cite(artifact, entry.line, entry.text))
    for artifact, event in handler:
        evidence.append(ctx.cite(artifact, event.line, event.text))
    if not (evidence or stuck or against):
        return
    if informed and not handler and not kernel and not stuck and not against:
        return
    # uqmi printing "unknown" is the old uqmi failing to read a raw-IP-only answer (openwrt#9664)
    unread = [(a, f) for a, f in formats if f.link_layer.lower() == "unknown"]
    for artifact, fact in (known[-1:] if against else (raw or unread)[-1:]):
        evidence.append(ctx.cite(artifact, fact.line, fact.text))
    for artifact, flag in (against or (driver_802 if stuck else [])):
        evidence.append(ctx.cite(artifact, flag.line, flag.text))
    for lines in stuck.values():
        evidence.extend(lines[:3])
    netdev = next((flag.netdev for _, flag in against if flag.netdev), "wwan0")
    set_raw = ("Set raw-IP with the link down: ip link set {0} down; echo Y > /sys/class/net/{0}/qmi/raw_ip; "
               "ip link set {0} up (uqmi -d /dev/cdc-wdm0 --wda-set-data-format raw-ip first); or upgrade to a "
               "release whose qmi.sh does this by itself.").format(netdev if against else "wwan0")
    if handler or (against and against[0][1].raw_ip is None):
        title = "The modem needs raw-IP but qmi_wwan here has no raw_ip attribute"
        fix = ("Upgrade to a kernel whose qmi_wwan has /sys/class/net/wwan0/qmi/raw_ip (Linux 4.5 or later: any "
               "current OpenWrt release); until then the modem's data path cannot work.")
    elif against and modem_format == "raw-ip":
        title = "The modem frames raw-IP but qmi_wwan on %s expects 802.3 (raw_ip=N)" % netdev
        fix = set_raw
    elif against:
        title = "qmi_wwan on %s frames raw-IP (raw_ip=Y) but the modem is set to 802.3" % netdev
        fix = ("Make the two agree: set the modem to raw-IP (uqmi -d /dev/cdc-wdm0 --wda-set-data-format raw-ip, or "
               "qmicli -d /dev/cdc-wdm0 --wda-set-data-format=raw-ip) and keep raw_ip=Y; or, with the link down, "
               "echo N > /sys/class/net/%s/qmi/raw_ip for a modem that only does 802.3." % netdev)
    else:
        title = ("DHCP gets no answer on the QMI netdev: 802.3 framing against a raw-IP modem"
                 if not kernel else "raw_ip was changed while wwan0 was up (Cannot change a running device)")
        fix = set_raw
    yield Finding(
        code=RULE.code,
        severity=Severity.ERROR if (handler or kernel or raw or against) else Severity.WARNING,
        title=title,
        evidence=tuple(evidence),
        why=("qmi_wwan frames packets as Ethernet unless raw_ip is set; a raw-IP-only modem drops them, so the call "
             "is up but DHCP never answers." if not (against and modem_format == "802.3") else
             "With raw_ip=Y qmi_wwan sends bare IP packets; a modem set to 802.3 expects Ethernet frames, so "
             "nothing passes although the call is up."),
        fix=fix,
        rule=RULE.name,
    )


RULE = Rule(
    code="NET002",
    name="raw-ip-mismatch",
    severity=Severity.ERROR,
    summary="QMI framing mismatch: raw-IP modem, 802.3 driver (DHCP never answers)",
    check=check,
)
