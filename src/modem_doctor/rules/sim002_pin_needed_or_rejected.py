"""SIM002 pin-needed-or-rejected

## What it detects
The SIM waits for its PIN (AT ``+CPIN: SIM PIN``, ``+CME ERROR: 11``, qmicli PIN1
``enabled-not-verified``, uqmi ``not_verified``, mbimcli ``pin1 locked`` / ``PinRequired``,
mmcli ``lock: sim-pin``) or the router's handler refused to go on: qmi.sh ``PIN not
specified but required`` (PIN_NOT_SPECIFIED), ``Unable to verify PIN`` / ``PIN code
rejected`` (PIN_FAILED), ``PIN verify count value is N this is below the limit of 3``
(PIN_TRIES_BELOW_LIMIT), and the same codes in ``ifstatus`` errors. PIN_FAILED while the
SIM's PIN is disabled is called out: the configured PIN is the problem, not the SIM; on an
mbim interface without a PIN it is mbim.sh reading the PIN state while the SIM still
initialises (openwrt#15660).

## Why it matters
A SIM that waits for its PIN never registers. A wrong ``pincode`` costs one of three tries
at every ``ifup``; OpenWrt's qmi.sh stops at fewer than three tries left so that the SIM is
not locked into PUK, and the interface stays down until someone looks.

## Evidence
The modem's PIN state line and the handler's log or ifstatus error.

## Fix
Set the SIM's PIN as ``pincode`` on the cellular interface, or disable the PIN in a phone and
remove ``pincode``. After a refused PIN, check the remaining tries before trying again; with
fewer than three left, enter the right PIN once by hand (``uqmi --verify-pin1``,
``AT+CPIN="1234"``) so the counter resets.
"""

from __future__ import annotations

from typing import Iterator, List

from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.modem import cellular_interfaces, facts, host_sim, iface_name, ifstatus_errors, option_line, proto_events
from . import Rule
from .context import Context

_CODES = ("PIN_NOT_SPECIFIED", "PIN_FAILED", "PIN_TRIES_BELOW_LIMIT")


def check(ctx: Context) -> Iterator[Finding]:
    evidence: List[Evidence] = []
    waits = False
    pin_disabled = False
    not_initialized = False
    tries = None
    chosen = host_sim(ctx.host)
    fact = chosen[1] if chosen else None
    if chosen is not None and fact is not None and fact.state == "pin":
        waits = True
        evidence.append(ctx.cite(chosen[0], fact.line, fact.text))
    pins = facts(ctx.host, "pins")
    if pins:
        artifact, pin = pins[-1]
        tries = next((p.pin_retries for _, p in reversed(pins) if p.pin_retries is not None), None)
        if pin.status == "not-verified" and not (fact and fact.state in ("ready", "puk", "blocked")):
            waits = True
            if not any(e.line == pin.line and e.artifact == artifact for e in evidence):
                evidence.append(ctx.cite(artifact, pin.line, pin.text))
        pin_disabled = pin.status == "disabled"
        not_initialized = pin.status == "not-initialized"
    codes: List[str] = []
    for artifact, event in proto_events(ctx.host, *_CODES):
        codes.append(event.attr("code"))
        evidence.append(ctx.cite(artifact, event.line, event.text))
    for artifact, status, error in ifstatus_errors(ctx.host, *_CODES):
        codes.append(error.code)
        evidence.append(ctx.cite(artifact, error.line or status.line))
    if not evidence:
        return
    pincode = ""
    pincode_ev: List[Evidence] = []
    iface = "IFACE"
    for artifact, section in cellular_interfaces(ctx.host):
        iface = iface_name(section)
        value = section.get("pincode")
        if value:
            pincode = value
            pincode_ev.append(ctx.cite(artifact, option_line(section, "pincode")))
    protos = {section.get("proto") for _, section in cellular_interfaces(ctx.host)}
    if "PIN_FAILED" in codes and "mbim" in protos and not pincode and not waits:
        # mbim.sh reads the PIN state right after the caps; some 5G modules (RM520N-GL) answer
        # 'locked' while the SIM still initialises (openwrt#15660, fixed by openwrt PR 24260)
        title = "mbim.sh reports a PIN failure although no PIN is configured (SIM still initialising)"
        fix = ("Give the SIM time before the PIN check: set option delay '10' (or more) on the mbim interface, or "
               "update umbim/mbim.sh to a version that waits for the SIM; check with mbimcli "
               "--query-subscriber-ready-status that the SIM is 'initialized'.")
    elif "PIN_FAILED" in codes and (pin_disabled or not_initialized) and not waits:
        title = "The router tries a PIN the SIM does not ask for, and the handler gives up (PIN_FAILED)"
        fix = ("Remove the pincode option from the cellular interface: the SIM's PIN is %s. On OpenWrt 23.05 a "
               "pin1_status of not_initialized is not handled by qmi.sh either; wait for the SIM to initialise or "
               "update uqmi/qmi.sh." % ("disabled" if pin_disabled else "not initialised yet"))
    elif "PIN_TRIES_BELOW_LIMIT" in codes or "PIN_FAILED" in codes:
        title = "The configured SIM PIN was refused" + (" (%d tries left)" % tries if tries is not None else "")
        fix = ("Correct pincode to the SIM's PIN. With fewer than three tries left qmi.sh will not try again: "
               "enter the right PIN once by hand (uqmi -d /dev/cdc-wdm0 --verify-pin1 PIN, or AT+CPIN=\"PIN\") so "
               "the counter resets, then ifup the interface.")
    elif "PIN_NOT_SPECIFIED" in codes or (waits and not pincode):
        title = "The SIM waits for its PIN and none is configured"
        fix = ("Set the SIM's PIN as option pincode on the cellular interface (uci set network.%s.pincode='PIN'), "
               "or disable the PIN in a phone." % iface)
    else:
        title = "The SIM waits for its PIN"
        fix = "Check that pincode is the SIM's PIN; enter it once by hand and look at the tries left."
    yield Finding(
        code=RULE.code,
        severity=Severity.ERROR,
        title=title,
        evidence=tuple(evidence + pincode_ev),
        why=("A SIM that waits for its PIN never registers; every wrong PIN costs one of three tries, and after "
             "three the SIM needs its PUK."),
        fix=fix,
        rule=RULE.name,
    )


RULE = Rule(
    code="SIM002",
    name="pin-needed-or-rejected",
    severity=Severity.ERROR,
    summary="the SIM waits for its PIN, or the configured PIN was refused",
    check=check,
)
