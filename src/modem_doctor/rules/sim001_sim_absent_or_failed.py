"""SIM001 sim-absent-or-failed

## What it detects
The modem sees no SIM, or a SIM that does not answer: AT ``+CME ERROR: 10`` / ``SIM not
inserted`` / ``13`` ``SIM failure``, Huawei ``^SYSINFO`` SIM state 255, qmicli card state
``absent`` or ``error``, mbimcli ``sim-not-inserted`` / ``SimNotInserted`` / ``bad-sim``,
uqmi ``card_application_state`` empty or ``illegal``, mmcli ``failed reason: sim-missing``;
and the router's side of it: qmi.sh ``SIM in illegal state`` or ``PIN status failed
(... sim_not_present)``, ModemManager's ``SIM missing``.

A ``+CME ERROR: 13``/``SIM failure`` (or ``10``, ``15``) to a PIN-lock command (``AT+CLCK="SC",...``,
``AT+CPWD="SC",...``) is not read as the SIM's state by the AT parser, since most ``+CLCK``
errors are about the lock operation; but when it is the last word about the SIM (after the
last ``+CPIN: READY``) it is a warning here: a wrong PIN answers ``16`` (incorrect
password), a SIM failure means the card failed the command.

## Why it matters
Without a working SIM nothing else can work: no registration, no data call. The protocol
handler then fails with an error that often points elsewhere (``PIN_STATUS_FAILED``,
``NO_REGISTRATION``), and users change the APN or the driver for nothing.

## Evidence
The line where the modem (or the handler) says the SIM is absent or failed; a later line
that shows the SIM ready silences the rule.

## Fix
Power off, reseat the SIM (chip side and cut corner as the slot shows), clean the contacts,
try the SIM in a phone; check that the board wires a SIM slot to this modem (mini-PCIe
adapters without a slot, dual-slot boards with the other slot selected) and that the SIM
size adapter is not shorting. An eSIM-only module needs a profile.
"""

from __future__ import annotations

import re
from typing import Iterator, List, Tuple

from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.modem import SimFact, facts, host_sim, log_lines, proto_events
from . import Rule
from .context import Context

_LOG = re.compile(r"SIM (?:missing|not inserted)|sim[-_]not[-_]present|sim-missing|SIM in illegal state", re.I)


def check(ctx: Context) -> Iterator[Finding]:
    evidence: List[Evidence] = []
    states: List[str] = []
    chosen = host_sim(ctx.host)
    if chosen is not None and chosen[1].state in ("absent", "failure"):
        # every line that said so since the SIM was last seen ready: the first and the last
        said: List[Tuple[str, SimFact]] = []
        for artifact, fact in facts(ctx.host, "sim"):
            if fact.state == "ready":
                said = []
            elif fact.state in ("absent", "failure"):
                said.append((artifact, fact))
        for artifact, fact in (said[:1] + said[-1:]) if len(said) > 1 else said:
            evidence.append(ctx.cite(artifact, fact.line, fact.text))
            states.append(fact.state)
    for artifact, manager in facts(ctx.host, "manager"):
        if manager.failed_reason in ("sim-missing", "sim-error") and not (chosen and chosen[1].state == "ready"):
            evidence.append(ctx.cite(artifact, manager.line, manager.text))
    for artifact, event in proto_events(ctx.host, "SIM_ILLEGAL_STATE", "PIN_STATUS_FAILED"):
        if event.attr("code") == "SIM_ILLEGAL_STATE" or _LOG.search(event.detail):
            evidence.append(ctx.cite(artifact, event.line, event.text))
            states.append("failure" if event.attr("code") == "SIM_ILLEGAL_STATE" else "absent")
    for artifact, entry in log_lines(ctx.host, _LOG):
        if not any(e.artifact == artifact and e.line == entry.line for e in evidence):
            evidence.append(ctx.cite(artifact, entry.line, entry.text))
            states.append("absent")
    if not evidence:
        yield from _lock_failure(ctx)
        return
    absent = "absent" in states or not states
    yield Finding(
        code=RULE.code,
        severity=Severity.ERROR,
        title="The modem sees no SIM card" if absent else "The SIM card does not answer (SIM failure)",
        evidence=tuple(evidence),
        why=("Without a SIM the modem cannot register, so every later step (PIN, registration, data call) "
             "fails with errors that point elsewhere."),
        fix=("Power off, reseat the SIM (orientation as the slot shows), clean its contacts and try it in a phone; "
             "check that the slot is wired to this modem (adapters without a SIM slot, the other slot of a dual-SIM "
             "board)." if absent else
             "Reseat or replace the SIM and try it in a phone; if it works there, check the slot, the SIM adapter "
             "and the modem's SIM voltage support (old 3G modules and some new SIMs disagree)."),
        rule=RULE.name,
    )


_SIM_COMMAND = re.compile(r"^AT\+(?:CLCK|CPWD|CPIN)\b", re.I)
_LOCK_COMMAND = re.compile(r'^AT\+(?:CLCK|CPWD)=\s*"?SC"?', re.I)


def _lock_failure(ctx: Context) -> Iterator[Finding]:
    """SIM failure / not inserted / wrong to a PIN-lock command after the last READY."""
    order = {artifact.id: index for index, artifact in enumerate(getattr(ctx.host, "artifacts", ()))}

    def at(artifact: str, line: int) -> Tuple[int, int]:
        return (order.get(artifact, len(order)), line)

    ready = [at(a, f.line) for a, f in facts(ctx.host, "sim") if f.state == "ready"]
    if not ready:
        return  # a lock command right after the PIN was entered, with no READY shown: too little to say
    last_ready = max(ready)
    failed = [(a, e) for a, e in facts(ctx.host, "errors")
              if e.code in (10, 13, 15) and _LOCK_COMMAND.match(e.command) and at(a, e.line) > last_ready]
    # a later SIM command that got its answer (AT+CLCK="SC",2 -> +CLCK: 1): the card answers
    errors = {(a, e.command, e.line) for a, e in facts(ctx.host, "errors")}
    answered = [at(a, c.line) for a, c in facts(ctx.host, "commands")
                if _SIM_COMMAND.match(c.command)
                and not any(ea == a and ec == c.command and el > c.line for ea, ec, el in errors)]
    failed = [(a, e) for a, e in failed if not any(pos > at(a, e.line) for pos in answered)]
    if not failed:
        return
    evidence = [ctx.cite(a, e.line, e.text) for a, e in (failed[:1] + failed[-1:] if len(failed) > 1 else failed)]
    yield Finding(
        code=RULE.code,
        severity=Severity.WARNING,
        title="The SIM fails its PIN-lock command (%s) although it read READY" % failed[-1][1].error,
        evidence=tuple(evidence),
        why=("A wrong PIN is answered with +CME ERROR: 16 (incorrect password); SIM failure means the card (or its slot) "
             "failed the command, which would also explain a modem that does not register (NO_REGISTRATION)."),
        fix=("Power off, reseat the SIM and try it in a phone; check the board's SIM slot and, for a module on an "
             "adapter or carrier board, that the SIM slot (and its SIM-detect/enable line) is wired to this module. "
             "Leave the PIN lock alone until AT+CPIN? and AT+CLCK=\"SC\",2 answer without errors."),
        rule=RULE.name,
    )


RULE = Rule(
    code="SIM001",
    name="sim-absent-or-failed",
    severity=Severity.ERROR,
    summary="no SIM card is seen, or the SIM does not answer",
    check=check,
)
