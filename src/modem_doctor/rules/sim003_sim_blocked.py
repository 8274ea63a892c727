"""SIM003 sim-blocked

## What it detects
A SIM whose PIN was entered wrongly too often: AT ``+CPIN: SIM PUK`` or ``+CME ERROR: 12``,
qmicli/uqmi PIN1 ``blocked`` or ``permanently-blocked``, mbimcli ``PinBlocked`` / PUK
locked, mmcli ``lock: sim-puk``, and qmi.sh ``SIM locked PUK required`` (PUK_NEEDED).

## Why it matters
A blocked SIM accepts nothing but its PUK; the router cannot fix it, and after ten wrong
PUKs the SIM is dead for good.

## Evidence
The line that shows the PUK state, and the PUK tries left when shown.

## Fix
Unblock the SIM with its PUK (from the operator) in a phone, or
``AT+CPIN="PUK","newPIN"``; then set (or remove) ``pincode`` so the router does not block it
again. Permanently blocked: ask the operator for a new SIM.
"""

from __future__ import annotations

from typing import Iterator, List, Optional

from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.modem import facts, host_sim, ifstatus_errors, proto_events
from . import Rule
from .context import Context


def check(ctx: Context) -> Iterator[Finding]:
    evidence: List[Evidence] = []
    permanent = False
    puk_left: Optional[int] = None
    chosen = host_sim(ctx.host)
    fact = chosen[1] if chosen else None
    pins = facts(ctx.host, "pins")
    puk_left = next((p.puk_retries for _, p in reversed(pins) if p.puk_retries is not None), None)
    if chosen is not None and fact is not None and fact.state in ("puk", "blocked"):
        evidence.append(ctx.cite(chosen[0], fact.line, fact.text))
        permanent = fact.state == "blocked"
    elif pins and pins[-1][1].status in ("blocked", "permanently-blocked") and not (fact and fact.state == "ready"):
        artifact, pin = pins[-1]
        evidence.append(ctx.cite(artifact, pin.line, pin.text))
        permanent = pin.status == "permanently-blocked"
    for artifact, event in proto_events(ctx.host, "PUK_NEEDED"):
        evidence.append(ctx.cite(artifact, event.line, event.text))
    for artifact, status, error in ifstatus_errors(ctx.host, "PUK_NEEDED"):
        evidence.append(ctx.cite(artifact, error.line or status.line))
    if not evidence:
        return
    if permanent or puk_left == 0:
        title, fix = ("The SIM is permanently blocked",
                      "The PUK tries are used up: ask the operator for a replacement SIM.")
    else:
        title = "The SIM is blocked and needs its PUK" + (" (%d PUK tries left)" % puk_left if puk_left else "")
        fix = ("Unblock it with the PUK from the operator, in a phone or with AT+CPIN=\"PUK\",\"newPIN\"; then set "
               "pincode to the new PIN (or disable the PIN) so the router does not block it again.")
    yield Finding(
        code=RULE.code,
        severity=Severity.ERROR,
        title=title,
        evidence=tuple(evidence),
        why="A blocked SIM accepts nothing but its PUK, and ten wrong PUKs destroy it for good.",
        fix=fix,
        rule=RULE.name,
    )


RULE = Rule(
    code="SIM003",
    name="sim-blocked",
    severity=Severity.ERROR,
    summary="the SIM is blocked (PUK needed) or permanently blocked",
    check=check,
)
