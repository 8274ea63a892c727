"""REG003 apn-mismatch

## What it detects
A data call refused because of the APN or its credentials: QMI call-end reasons
``unknown-apn``, ``option-unsubscribed``, ``ggsn-reject``, ``activation-reject``,
``authentication-failed`` (qmicli's verbose 3GPP reason, uqmi's ``Call failed`` with
reasons), AT ``+CME ERROR`` 127/133/149 or ``+CEER: "SM",27`` / ``29`` / ``33``, mbim.sh's ``No APN specified`` (NO_APN); and, as supporting evidence, the APN in
UCI against the modem's own PDP context (``+CGDCONT?``, ``--get-profile-settings``, mmcli's
initial bearer) and against the APN the user says the operator gives.

## Why it matters
The operator accepts only its own APN(s) for a SIM; with another one the network refuses the
session (TS 24.008 cause #27 unknown APN, #33 service option not subscribed) although the
modem is registered and everything on the router is right. LuCI fills in no APN for you and
some SIMs need a specific one (``fast.t-mobile.com``, ``internet.telekom``).

## Evidence
The failed call with its reason, the UCI ``apn`` option, and the modem's context or the
APN the user names when they differ.

## Fix
Set the operator's APN on the interface (``uci set network.IFACE.apn='...'``, then ``ifup``);
if the operator publishes a user name and password, set ``auth``, ``username``,
``password`` too. If the APN is right, ask the operator whether data is enabled for the SIM.
"""

from __future__ import annotations

from typing import Iterator, List, Optional

from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.modem import cellular_interfaces, facts, iface_name, ifstatus_errors, option_line, proto_events
from ..parse._modem_common import call_end
from . import Rule
from .context import Context


def check(ctx: Context) -> Iterator[Finding]:
    evidence: List[Evidence] = []
    advice = ""
    cause = ""
    credentials = False
    for artifact, end in facts(ctx.host, "call_ends"):
        decoded = call_end(end.reason_code, end.reason, end.verbose_type, end.verbose_code, end.verbose_reason)
        if decoded.get("class") in ("apn", "auth"):
            evidence.append(ctx.cite(artifact, end.line, end.text))
            advice = decoded.get("advice", advice)
            cause = decoded.get("cause", cause) or end.verbose_reason or end.reason
            credentials = credentials or decoded.get("class") == "auth"
    no_apn = list(proto_events(ctx.host, "NO_APN")) + [(a, e) for a, s, e in ifstatus_errors(ctx.host, "NO_APN")]
    for artifact, event in no_apn:
        evidence.append(ctx.cite(artifact, getattr(event, "line", 0), getattr(event, "text", None)))
    if not evidence:
        return
    configured: Optional[str] = None
    iface = "IFACE"
    support: List[Evidence] = []
    for artifact, section in cellular_interfaces(ctx.host):
        value = section.get("apn")
        if value is not None:
            configured = value
            iface = iface_name(section)
            support.append(ctx.cite(artifact, option_line(section, "apn")))
    notes: List[str] = []
    contexts = [(a, c) for a, c in facts(ctx.host, "contexts") if c.apn]
    if contexts:
        artifact, held = contexts[-1]
        if configured is not None and held.apn.lower() != configured.lower():
            notes.append("the modem's context %d holds '%s'" % (held.cid, held.apn))
            support.append(ctx.cite(artifact, held.line, held.text))
    stated = ctx.host.facts_of("apn")
    if stated and (configured is None or stated[-1].value.lower() != configured.lower()):
        notes.append("you name the APN '%s'" % stated[-1].value)
    if no_apn:
        title = "No APN is configured for the data call"
    elif credentials:
        title = "The APN refuses the user name and password of the data call" + (" (%s)" % cause if cause else "")
    elif configured is not None:
        title = "The network refuses the APN '%s'%s" % (configured, " (%s)" % cause if cause else "")
    else:
        title = "The network refuses the APN of the data call" + (" (%s)" % cause if cause else "")
    fix = advice or "Set the operator's APN on the cellular interface."
    if notes:
        fix += " Note: " + "; ".join(notes) + "."
    fix += " Then: uci set network.%s.apn='OPERATOR_APN'; uci commit network; ifup %s." % (iface, iface)
    yield Finding(
        code=RULE.code,
        severity=Severity.ERROR,
        title=title,
        evidence=tuple(evidence + support),
        why=("The operator accepts only its own APN(s) for this SIM; with another the session is refused although "
             "the modem is registered and the router is set up right."),
        fix=fix,
        rule=RULE.name,
    )


RULE = Rule(
    code="REG003",
    name="apn-mismatch",
    severity=Severity.ERROR,
    summary="the data call is refused because of the APN (unknown, not subscribed, missing, wrong credentials)",
    check=check,
)
