"""REG001 registration-denied

## What it detects
The network refuses the modem: AT ``+CREG/+CGREG/+CEREG`` stat 3 (with the reject cause of
the n=3 form), ``+CEER: "MM",<cause>``, Huawei ``^SYSINFO`` restricted service, qmicli
``registration-denied``, uqmi ``registering_denied``, mbimcli ``Register state: 'denied'``
with its ``Network error``, mmcli ``registration: denied``, and qmi.sh's ``Network
registration failed (reason: 'registration_denied')``. The 3GPP cause (TS 24.008 /
24.301: #2 IMSI unknown, #3 illegal MS, #6 illegal ME, #7 no data service, #11 PLMN not
allowed, #13 roaming not allowed, #15 no suitable cells, ...) is decoded into advice.

## Why it matters
A denied registration is decided by the network, not by the router: APNs, drivers and
protocols cannot help until the subscription, the IMEI or the operator choice is right.
The cause number tells who must act (operator, user configuration, coverage).

## Evidence
The registration line that says denied, and the line carrying the cause when shown.

## Fix
What the cause says (see the finding); without a cause: test the SIM in a phone, use
automatic operator selection (``plmn`` unset), and ask the operator whether the SIM and data
are active and whether this device's IMEI is allowed.
"""

from __future__ import annotations

import re
from typing import Iterator, List, Optional

from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.modem import facts, proto_messages
from ..parse._modem_common import reject_cause
from . import Rule
from .context import Context

_LOG = re.compile(r"registration failed \(reason: '?(?:registration_denied|registering_denied|denied)", re.I)


def check(ctx: Context) -> Iterator[Finding]:
    evidence: List[Evidence] = []
    cause: Optional[int] = None
    cause_line: Optional[Evidence] = None
    reports = facts(ctx.host, "registrations")
    denied = [(artifact, fact) for artifact, fact in reports if fact.state == "denied"]
    # a later report of home/roaming means it registered after all
    if denied and reports[-1][1].state not in ("home", "roaming"):
        for artifact, fact in denied:
            if fact.reject_cause is not None:
                cause = fact.reject_cause
                cause_line = ctx.cite(artifact, fact.line, fact.text)
            elif len(evidence) < 4:
                evidence.append(ctx.cite(artifact, fact.line, fact.text))
    for artifact, event in proto_messages(ctx.host, _LOG):
        evidence.append(ctx.cite(artifact, event.line, event.text))
    if not evidence and cause_line is None:
        return
    if cause_line is not None:
        evidence.append(cause_line)
    entry = reject_cause(cause, "mm")
    if entry and cause is not None:  # an entry is only found for a cause
        title = "The network refuses registration: cause #%d %s" % (cause, entry["name"])
        fix = entry["advice"]
        who = {"operator": "Only the operator can change this.", "subscription": "It is a matter of the subscription.",
               "coverage": "It depends on coverage and the radio modes allowed.",
               "network": "It is the network's side, usually temporary."}.get(entry.get("who", ""), "")
    else:
        title = "The network refuses registration" + (" (cause #%d)" % cause if cause is not None else "")
        fix = ("Test the SIM in a phone; use automatic operator selection (remove plmn); ask the operator whether the "
               "SIM and mobile data are active and whether this modem's IMEI is allowed. AT+CEER (or AT+CEREG=3 then "
               "AT+CEREG?) shows the reject cause.")
        who = ""
    yield Finding(
        code=RULE.code,
        severity=Severity.ERROR,
        title=title,
        evidence=tuple(evidence),
        why=("The network decided: no APN, driver or protocol setting on the router gets past a refused "
             "registration. " + who).strip(),
        fix=fix,
        rule=RULE.name,
    )


RULE = Rule(
    code="REG001",
    name="registration-denied",
    severity=Severity.ERROR,
    summary="the network refuses the modem's registration (3GPP reject cause decoded)",
    check=check,
)
