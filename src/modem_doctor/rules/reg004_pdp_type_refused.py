"""REG004 pdp-type-refused

## What it detects
The IP type asked for is not offered: a call ending ``ipv4-only-allowed`` (cause #50),
``ipv6-only-allowed`` (#51), ``unknown-pdp`` (#28) or ``option-not-supported`` (#32),
typically on the IPv6 call; netifd's ``Unable to connect IPv6`` (CALL_FAILED) while the
interface has ``pdptype 'ipv4v6'`` or ``'ipv6'``; and, as a warning, ``pdptype 'ipv4v6'`` on a
3G-only module, whose networks rarely offer dual-stack contexts.

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


def check(ctx: Context) -> Iterator[Finding]:
    evidence: List[Evidence] = []
    advice = ""
    cause = ""
    families = set()
    for artifact, end in facts(ctx.host, "call_ends"):
        decoded = call_end(end.reason_code, end.reason, end.verbose_type, end.verbose_code, end.verbose_reason)
        if decoded.get("class") == "pdp-type":
            evidence.append(ctx.cite(artifact, end.line, end.text))
            advice = decoded.get("advice", advice)
            cause = decoded.get("cause", cause) or end.verbose_reason
            families.add(call_family(ctx.host, artifact, end))
    if families == {6} and "IPv6" not in cause:
        cause += " on the IPv6 call"  # the IPv4 call went through: only the IPv6 half is refused
    pdptype: Optional[str] = None
    iface = "IFACE"
    support: List[Evidence] = []
    for artifact, section in cellular_interfaces(ctx.host, ("qmi", "mbim", "ncm", "modemmanager", "wwan")):
        value = section.get("pdptype") or section.get("iptype")
        if value:
            pdptype = value.lower()
            iface = iface_name(section)
            support.append(ctx.cite(artifact, option_line(section, "pdptype" if section.get("pdptype") else "iptype")))
    for artifact, event in proto_events(ctx.host, "CALL_FAILED"):
        if _V6.search(event.detail):
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
