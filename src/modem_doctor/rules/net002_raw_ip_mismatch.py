"""NET002 raw-ip-mismatch

## What it detects
QMI data framing out of step between the modem and qmi_wwan (failure pattern 9): the modem
reports link layer ``raw-ip`` (qmicli ``--wda-get-data-format``, uqmi), or old uqmi cannot
read the answer (``"unknown"``), while the data path fails; the kernel's ``Cannot change a running device`` (raw_ip written while wwan0 was up);
qmi.sh's ``Device only supports raw-ip mode but is missing this required driver
attribute``; and the classic signature: the call starts, ``wwan0`` comes up, then
``udhcpc: sending discover`` repeats with no lease. Silent when qmi.sh says it informed the
driver of raw-ip and a lease follows.

## Why it matters
qmi_wwan sends 802.3 (Ethernet) frames unless its ``raw_ip`` flag is set; a modem that only
does raw-IP (most Quectel, Sierra MC74xx, SIMCom, newer Qualcomm) drops them, so DHCP never
gets an answer although the call is connected. Old uqmi/qmi.sh or kernels miss the switch.

## Evidence
The data-format line, the kernel or handler line, and the DHCP discover lines.

## Fix
With the link down: ``ip link set wwan0 down; echo Y > /sys/class/net/wwan0/qmi/raw_ip;
ip link set wwan0 up`` (and ``uqmi -d /dev/cdc-wdm0 --wda-set-data-format raw-ip``), or
upgrade to a release whose qmi.sh does this (19.07 and later); a kernel without
``qmi/raw_ip`` (before 4.5) cannot do raw-IP at all.
"""

from __future__ import annotations

import re
from typing import Dict, Iterator, List

from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.modem import facts, log_lines, proto_events, proto_messages
from . import Rule
from .context import Context

_RUNNING = re.compile(r"Cannot change a running device")
_DISCOVER = re.compile(r"udhcpc: sending discover")
_LEASE = re.compile(r"udhcpc: lease of|obtained|Lease of", re.I)
_INFORMED = re.compile(r"Informing d|raw-ip only", re.I)
_QMI_SETUP = re.compile(r"Starting network|Setting up wwan|Waiting for network registration")


def check(ctx: Context) -> Iterator[Finding]:
    evidence: List[Evidence] = []
    raw = [(a, f) for a, f in facts(ctx.host, "data_formats") if "raw" in f.link_layer.lower()]
    kernel = list(log_lines(ctx.host, _RUNNING))
    handler = list(proto_events(ctx.host, "RAW_IP_UNSUPPORTED"))
    discovers: Dict[str, List[Evidence]] = {}
    for artifact, event in proto_messages(ctx.host, _DISCOVER):
        discovers.setdefault(event.subject, []).append(ctx.cite(artifact, event.line, event.text))
    leases = {event.subject for _, event in proto_messages(ctx.host, _LEASE)}
    informed = list(proto_messages(ctx.host, _INFORMED))
    qmi_parents = {event.subject for _, event in proto_messages(ctx.host, _QMI_SETUP)}
    stuck = {iface: lines for iface, lines in discovers.items()
             if len(lines) >= 3 and iface not in leases and (iface.rsplit("_", 1)[0] in qmi_parents or raw)}
    for artifact, entry in kernel:
        evidence.append(ctx.cite(artifact, entry.line, entry.text))
    for artifact, event in handler:
        evidence.append(ctx.cite(artifact, event.line, event.text))
    if not (evidence or stuck):
        return
    if informed and not handler and not kernel and not stuck:
        return
    # uqmi printing "unknown" is the old uqmi failing to read a raw-IP-only answer (openwrt#9664)
    unread = [(a, f) for a, f in facts(ctx.host, "data_formats") if f.link_layer.lower() == "unknown"]
    for artifact, fact in (raw or unread)[-1:]:
        evidence.append(ctx.cite(artifact, fact.line, fact.text))
    for lines in stuck.values():
        evidence.extend(lines[:3])
    if handler:
        title = "The modem needs raw-IP but qmi_wwan here has no raw_ip attribute"
        fix = ("Upgrade to a kernel whose qmi_wwan has /sys/class/net/wwan0/qmi/raw_ip (Linux 4.5 or later: any "
               "current OpenWrt release); until then the modem's data path cannot work.")
    else:
        title = ("DHCP gets no answer on the QMI netdev: 802.3 framing against a raw-IP modem"
                 if not kernel else "raw_ip was changed while wwan0 was up (Cannot change a running device)")
        fix = ("Set raw-IP with the link down: ip link set wwan0 down; echo Y > /sys/class/net/wwan0/qmi/raw_ip; "
               "ip link set wwan0 up (uqmi -d /dev/cdc-wdm0 --wda-set-data-format raw-ip first); or upgrade to a "
               "release whose qmi.sh does this by itself.")
    yield Finding(
        code=RULE.code,
        severity=Severity.ERROR if (handler or kernel or raw) else Severity.WARNING,
        title=title,
        evidence=tuple(evidence),
        why=("qmi_wwan frames packets as Ethernet unless raw_ip is set; a raw-IP-only modem drops them, so the call "
             "is up but DHCP never answers."),
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
