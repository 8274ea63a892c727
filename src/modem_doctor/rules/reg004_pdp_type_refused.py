"""REG004 pdp-type-refused

## What it detects
The IP type asked for is not offered: a call ending ``ipv4-only-allowed`` (cause #50),
``ipv6-only-allowed`` (#51), ``unknown-pdp`` (#28) or ``option-not-supported`` (#32),
typically on the IPv6 call; netifd's ``Unable to connect IPv6`` (CALL_FAILED) while the
interface has ``pdptype 'ipv4v6'`` or ``'ipv6'``; and, as a warning, ``pdptype 'ipv4v6'`` on a
3G-only module, whose networks rarely offer dual-stack contexts.

Evidence is weighed against the configuration as it is now and against what came after it:
``+CEER`` keeps the cause of the last failed call, so ``#50 IPv4 only allowed`` (or a failed
IPv6 call) is history once the interface says ``pdptype 'ip'``/``'ipv4'`` (``#51`` or a
failed IPv4 call once it says ``'ipv6'``), and a refusal followed by a connected IPv6
bearer is history too. With no UCI shown, a refusal still counts.

## Why it matters
OpenWrt's qmi handler starts one call per IP family and fails the whole interface when the
IPv6 call fails, even when IPv4 is connected: the interface goes down and retries for ever.
The OpenWrt wiki's advice is not to set IPV4V6 until the operator is known to offer IPv6.

## Evidence
The failed IPv6 call or handler line and the ``pdptype`` option.

## Fix
``uci set network.IFACE.pdptype='ipv4'`` (qmi.sh writes 'ip'), ``uci commit network``,
``ifup IFACE``. Use ``ipv4v6`` only where the operator offers IPv6 on this APN.
"""

from __future__ import annotations

import re
from typing import Iterator, List, Optional

from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.modem import call_family, cellular_interfaces, facts, iface_name, option_line, proto_events
from ..parse._modem_common import call_end
from . import Rule
from .context import Context

_V6 = re.compile(r"Unable to connect IPv6", re.I)


_IPV4_ONLY = ("ip", "ipv4")


def _stale(pdptype: Optional[str], code: Optional[int], family: Optional[int]) -> bool:
    """Does the interface as configured now no longer ask for what was refused? (+CEER
    keeps the cause of the last failed call: an IPv6 call refused before the user set
    pdptype 'ip' still shows as cause #50.)"""
    if pdptype in _IPV4_ONLY:
        return code == 50 or family == 6  # 'IPv4 only allowed' answers an IPv6/IPv4v6 request
    if pdptype == "ipv6":
        return code == 51 or family == 4
    return False


def check(ctx: Context) -> Iterator[Finding]:
    evidence: List[Evidence] = []
    advice = ""
    cause = ""
    families = set()
    # the interface as configured now (the last showing of each interface wins)
    pdptype: Optional[str] = None
    iface = "IFACE"
    support: List[Evidence] = []
    for artifact, section in cellular_interfaces(ctx.host, ("qmi", "mbim", "ncm", "modemmanager", "wwan")):
        value = section.get("pdptype") or section.get("iptype")
        if value:
            pdptype = value.lower()
            iface = iface_name(section)
            support.append(ctx.cite(artifact, option_line(section, "pdptype" if section.get("pdptype") else "iptype")))
    order = {artifact.id: index for index, artifact in enumerate(getattr(ctx.host, "artifacts", ()))}
    # an IPv6-capable bearer connected after a refusal: the refusal is history
    connected_v6 = [(order.get(a, len(order)), b.line) for a, b in facts(ctx.host, "bearers")
                    if b.connected and ("6" in b.ip_type)]
    for artifact, end in facts(ctx.host, "call_ends"):
        decoded = call_end(end.reason_code, end.reason, end.verbose_type, end.verbose_code, end.verbose_reason)
        if decoded.get("class") != "pdp-type":
            continue
        family = call_family(ctx.host, artifact, end)
        code = end.verbose_code if end.verbose_type == 6 else None
        if _stale(pdptype, code, family):
            continue
        if family != 4 and any(seen > (order.get(artifact, len(order)), end.line) for seen in connected_v6):
            continue
        evidence.append(ctx.cite(artifact, end.line, end.text))
        advice = decoded.get("advice", advice)
        cause = decoded.get("cause", cause) or end.verbose_reason
        families.add(family)
    if families == {6} and "IPv6" not in cause:
        cause += " on the IPv6 call"  # the IPv4 call went through: only the IPv6 half is refused
    for artifact, event in proto_events(ctx.host, "CALL_FAILED"):
        if _V6.search(event.detail) and pdptype not in _IPV4_ONLY:
            evidence.append(ctx.cite(artifact, event.line, event.text))
            cause = cause or "the IPv6 call failed"
    severity = Severity.ERROR
    three_g = [m for m in ctx.modems if (m.explanation.radio or "").lower() in ("3g", "2g")]
    if not evidence:
        if pdptype in ("ipv4v6", "ipv6") and three_g:
            severity = Severity.WARNING
            cause = "%s is a 3G module" % three_g[0].label
        else:
            return
    if not evidence and not support:
        return
    title = "The network refuses the IP type asked for" + (" (%s)" % cause if cause else "")
    if severity is Severity.WARNING:
        title = "pdptype '%s' on a 3G module: dual-stack contexts are rarely offered on 3G" % pdptype
    command = "uci set network.%s.pdptype='ipv4'; uci commit network; ifup %s." % (iface, iface)
    fix = ("Set pdptype 'ipv4': " + command + " "
           "OpenWrt's qmi handler fails the whole interface when the IPv6 call fails, even with IPv4 connected.")
    if advice and severity is Severity.ERROR:
        fix = advice + " " + command
    yield Finding(
        code=RULE.code,
        severity=severity,
        title=title,
        evidence=tuple(evidence + support),
        why=("qmi.sh starts one call per IP family and takes the interface down when the IPv6 one fails; the "
             "network decides which IP types an APN offers."),
        fix=fix,
        rule=RULE.name,
    )


RULE = Rule(
    code="REG004",
    name="pdp-type-refused",
    severity=Severity.ERROR,
    summary="the IP type asked for (usually IPv6 in ipv4v6) is refused, or ipv4v6 is set on a 3G module",
    check=check,
)
