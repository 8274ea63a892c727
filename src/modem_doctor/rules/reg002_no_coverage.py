"""REG002 no-coverage

## What it detects
The modem has a usable SIM but finds no network it may use: registration ``searching`` or
``not registered`` (AT stat 0/2, qmicli ``not-registered-searching``, uqmi ``searching``,
mbimcli ``searching``, mmcli ``searching``/``idle``), no signal (``+CSQ: 99,99``,
``^HCSQ: "NOSERVICE"``, ``+QNWINFO: "No Service"``), ``+CME ERROR: 30`` no network
service, a data call ended ``generic-no-service``, and qmi.sh's
``NETWORK_REGISTRATION_FAILED`` (which on 23.05 also blocks the interface from restarting).

## Why it matters
Without registration no data call can start, whatever the APN. The causes are physical
(antenna, coverage, bands) or a radio-mode setting the network cannot serve (an LTE-only
mode on a 3G module, UMTS-only where 3G is switched off).

## Evidence
The registration or signal lines, the modem's mode setting when shown, and the handler's
error.

## Fix
Connect both antennas (main and diversity) firmly, place the router where a phone has
signal, allow every radio mode the module and the local network share (``modes`` unset, or
``AT^SYSCFGEX="00"``, ``AT+QCFG="nwscanmode",0``), and check the bands; on 23.05 run
``ifup`` after fixing, because the interface is blocked after the timeout.
"""

from __future__ import annotations

from typing import Iterator, List

from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.modem import facts, host_sim, ifstatus_errors, proto_events
from . import Rule
from .context import Context


def check(ctx: Context) -> Iterator[Finding]:
    evidence: List[Evidence] = []
    modes: List[str] = []
    no_signal = False
    chosen = host_sim(ctx.host)
    sim_blocked = chosen is not None and chosen[1].state != "ready"  # SIM001-SIM003 explain it better
    reports = facts(ctx.host, "registrations")
    latest = reports[-1][1] if reports else None
    registered = latest is not None and latest.state in ("home", "roaming")
    denied = any(fact.state == "denied" for _, fact in reports)  # REG001
    if not sim_blocked and not denied and not registered:
        searching = [(a, f) for a, f in reports if f.state in ("searching", "not-registered", "idle")]
        evidence.extend(ctx.cite(a, f.line, f.text) for a, f in searching[-3:])
        silent = [(a, f) for a, f in facts(ctx.host, "signals") if f.no_signal]
        if silent:
            no_signal = True
            evidence.append(ctx.cite(silent[-1][0], silent[-1][1].line, silent[-1][1].text))
        for artifact, error in facts(ctx.host, "errors"):
            if error.code == 30 and error.error.lower().startswith("no network"):
                evidence.append(ctx.cite(artifact, error.line, error.text))
        for artifact, end in facts(ctx.host, "call_ends"):
            if end.reason.endswith("no-service"):
                evidence.append(ctx.cite(artifact, end.line, end.text))
        if evidence:
            for artifact, setting in facts(ctx.host, "settings"):
                if setting.kind == "mode" and setting.techs and len(setting.techs) < 3:
                    modes.append("%s (%s)" % (setting.meaning or setting.value, setting.name))
                    evidence.append(ctx.cite(artifact, setting.line, setting.text))
    handler = list(proto_events(ctx.host, "NETWORK_REGISTRATION_FAILED"))
    for artifact, event in handler:
        evidence.append(ctx.cite(artifact, event.line, event.text))
    for artifact, status, error in ifstatus_errors(ctx.host, "NETWORK_REGISTRATION_FAILED", "NO_REGISTRATION"):
        evidence.append(ctx.cite(artifact, error.line or status.line))
    if not evidence or (sim_blocked and not handler):
        return
    blocked = ctx.release_series == "23.05" and bool(handler)
    title = "The modem finds no network to register on" + (" (no signal)" if no_signal else "")
    fix = ("Check both antennas and the router's position (a phone on the same operator should have signal there); "
           "allow all radio modes the module and the network share (remove the modes option, AT^SYSCFGEX=\"00\" on "
           "Huawei, AT+QCFG=\"nwscanmode\",0 on Quectel); check the operator's bands against the module's.")
    if modes:
        fix = "The modem is restricted to %s: allow the technologies the local network offers. " % ", ".join(modes) + fix
    if blocked:
        fix += " OpenWrt 23.05's qmi.sh blocks the interface after this timeout: run ifup on it once fixed."
    yield Finding(
        code=RULE.code,
        severity=Severity.ERROR,
        title=title,
        evidence=tuple(evidence),
        why="Without registration no data call can start, whatever the APN or protocol.",
        fix=fix,
        rule=RULE.name,
    )


RULE = Rule(
    code="REG002",
    name="no-coverage",
    severity=Severity.ERROR,
    summary="the modem keeps searching: no coverage, no signal or a radio mode the network cannot serve",
    check=check,
)
