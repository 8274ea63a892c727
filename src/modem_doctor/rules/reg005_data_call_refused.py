"""REG005 data-call-refused

## What it detects
The data call does not start and nothing else explains why: qmi.sh's ``Unable to connect
IPv4`` / ``Unable to connect`` (netifd ``CALL_FAILED``), with no call-end cause, no SIM
problem, no registration problem and no control-channel timeout in what was posted (those
have their own rules: REG003 APN, REG004 IP type, SIM001-003, REG001-002, CTL001). A ``--start-network`` answered
``"No effect"`` (uqmi; qmicli ``NoEffect``) is named: the modem says a call is already up.

## Why it matters
qmi.sh takes any answer to ``--start-network`` but a packet data handle as a failure and
takes the interface down, so the interface retries for ever while the log only says
``Unable to connect``. ``No effect`` means the modem already holds a call (its own
autoconnect, or a session left by an earlier run); an old qmi.sh/uqmi does not stop it
first (LEDE issue 238: the uqmi of Chaos Calmer worked, the newer one did not).

## Evidence
The handler's ``Unable to connect`` lines and the ``No effect`` answer.

## Fix
With ``No effect``: stop the call the modem holds and its autoconnect, ``uqmi -d
/dev/cdc-wdm0 --stop-network 0xffffffff --autoconnect``, then ``ifup IFACE``; newer qmi.sh
does this before it starts a call. Without a cause: run the call by hand to read the modem's
reason (``qmicli -d /dev/cdc-wdm0 --wds-start-network=apn=APN,ip-type=4`` prints the call-end
reason) and check registration, APN, pdptype and authentication.
"""

from __future__ import annotations

import re
from typing import Iterator, List

from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.modem import cellular_interfaces, facts, host_registration, host_sim, iface_name, proto_events
from . import Rule
from .context import Context

_V6 = re.compile(r"IPv6", re.I)
_NO_EFFECT = re.compile(r"^\"?No ?effect\"?$", re.I)


def _start_command(ctx: Context, artifact: str) -> bool:
    found = ctx.host.artifact(artifact) if hasattr(ctx.host, "artifact") else None
    return "--start-network" in (getattr(found, "command", None) or "")


def check(ctx: Context) -> Iterator[Finding]:
    failed = [(a, e) for a, e in proto_events(ctx.host, "CALL_FAILED") if not _V6.search(e.detail or "")]
    if not failed:
        return
    # explained elsewhere: a decoded call-end cause, a SIM or registration problem
    if any(end.reason_code is not None or end.verbose_code is not None or end.reason
           for _, end in facts(ctx.host, "call_ends")):
        return
    sim = host_sim(ctx.host)
    if sim is not None and sim[1].state not in ("ready", "other"):
        return
    registration = host_registration(ctx.host)
    if registration is not None and registration[1].state in ("denied", "searching", "not-registered", "idle"):
        return
    if facts(ctx.host, "transport") or proto_events(ctx.host, "TIMEOUT"):
        return  # the control channel did not answer: CTL001's ground, not a refused call
    if proto_events(ctx.host, "SIM_ILLEGAL_STATE", "PIN_STATUS_FAILED", "PIN_FAILED", "NO_REGISTRATION",
                    "NO_NETWORK", "RAW_IP_UNSUPPORTED"):
        return
    no_effect: List[Evidence] = []
    for artifact, end in facts(ctx.host, "call_ends"):
        if _NO_EFFECT.match(end.protocol_error.strip()):
            no_effect.append(ctx.cite(artifact, end.line, end.text))
    for artifact, error in facts(ctx.host, "errors"):
        if _NO_EFFECT.match(error.error.strip()) and ("--start-network" in error.command or _start_command(ctx, artifact)):
            no_effect.append(ctx.cite(artifact, error.line, error.text))
    iface = "IFACE"
    device = "/dev/cdc-wdm0"
    for _, section in cellular_interfaces(ctx.host, ("qmi",)):
        iface = iface_name(section)
        value = section.get("device") or ""
        if re.match(r"^/dev/cdc-wdm\d+$", value):
            device = value
    evidence = [ctx.cite(a, e.line, e.text) for a, e in failed[:2]] + no_effect[-1:]
    if no_effect:
        title = 'The data call does not start: --start-network answers "No effect" (the modem already holds a call)'
        fix = ("Stop the call the modem holds and its autoconnect, then bring the interface up: uqmi -d %s "
               "--stop-network 0xffffffff --autoconnect; ifup %s. qmi.sh of newer releases does this before it starts a call; an old "
               "uqmi/qmi.sh pair does not (in LEDE issue 238 the uqmi of Chaos Calmer worked)." % (device, iface))
    else:
        title = "The data call is refused and no cause is shown (%s)" % (failed[0][1].detail or "Unable to connect")
        fix = ("Run the call by hand to read the modem's reason: qmicli -d %s --wds-start-network=apn=APN,ip-type=4 "
               "(or uqmi -d %s --start-network APN) prints the call-end reason; check registration "
               "(uqmi -d %s --get-serving-system), the APN, pdptype and authentication; then give modem-doctor "
               "that output." % (device, device, device))
    yield Finding(
        code=RULE.code,
        severity=Severity.ERROR if no_effect else Severity.WARNING,
        title=title,
        evidence=tuple(evidence),
        why=("qmi.sh takes any answer to --start-network but a packet data handle as a failure and takes the "
             "interface down; it then retries for ever."),
        fix=fix,
        rule=RULE.name,
    )


RULE = Rule(
    code="REG005",
    name="data-call-refused",
    severity=Severity.ERROR,
    summary="the data call does not start (Unable to connect) and nothing else explains it; 'No effect': a call is already up",
    check=check,
)
