"""USB003 usb-electrical-errors

## What it detects
Kernel messages that say the USB link itself is failing, grouped by port: descriptor reads
and address assignment failing with ``error -71`` (protocol/CRC), ``-110`` (timeout) or
``-32`` (stall), ``can't set config #N``, ``unable to enumerate USB device``,
``over-current change``, and a device that keeps coming back (four or more
``new ... USB device`` lines on one port with disconnects between them).

## Why it matters
None of this is a driver or configuration problem: the modem never reaches the point
where a driver could bind, or drops off the bus while in use. Mini-PCIe and M.2 modems
draw current peaks of 2 A while transmitting; a router's USB port, a passive extension
cable or a weak power supply sag under them and the modem browns out, re-enumerates, or
answers garbage. Installing packages or changing the configuration does not help until
the link is sound.

## Evidence
The error lines of each affected port (the first few and the last), the
``unable to enumerate`` or over-current lines, and the repeated new-device lines of a
loop.

## Fix
Give the modem clean power: a powered USB hub or a stronger power supply, a short
cable, no passive extensions. For a module inside the router check that the board
powers it (the modem power/reset GPIO of the device tree, a ``gpio`` export or a
``usb power`` switch) and that the mini-PCIe slot carries USB at all.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Dict, Iterator, List, Optional

from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.log import LogEvent, LogEventKind
from . import Rule
from .context import Context

# What each kernel errno says about the link (include/uapi/asm-generic/errno*.h; the
# meaning in USB context is the host controller's, see Documentation/driver-api/usb/error-codes.rst).
ERRNO_MEANING = {
    -71: "EPROTO: bit-stuff/CRC errors on the wire, typical of a power dip or a poor cable",
    -110: "ETIMEDOUT: the device did not answer at all (not powered up, or browned out)",
    -32: "EPIPE: the device stalled the request (firmware refusing, or a device on the edge of a reset)",
    -62: "ETIME: the transfer timed out on the wire",
    -84: "EILSEQ: CRC mismatch on the wire",
    -108: "ESHUTDOWN: the host controller shut the port down",
}
LOOP_NEW_DEVICES = 4  # re-enumerations on one port before it counts as a loop
LOOP_DISCONNECTS = 3
MAX_CITED_ERRORS = 4


_ERROR_NUMBER = re.compile(r"\berror:?\s+(-?\d+)\b")


def _code(event: LogEvent) -> Optional[int]:
    """The errno the line prints; some hosts print it without the minus ('error 18')."""
    if event.error_code is not None:
        return event.error_code
    match = _ERROR_NUMBER.search(event.detail or event.text)
    return int(match.group(1)) if match else None


def _port(device: str) -> str:
    """'1-1.2:1.0' -> '1-1.2'."""
    return device.split(":", 1)[0]


def check(ctx: Context) -> Iterator[Finding]:
    for item in ctx.host.logs:
        events = getattr(item.value, "events", ()) or ()
        by_port: "OrderedDict[str, Dict[str, List[LogEvent]]]" = OrderedDict()
        for event in events:
            if not event.device:
                continue
            kind = event.kind
            if kind is LogEventKind.USB_ERROR:
                bucket = "error"
            elif kind is LogEventKind.ENUMERATION_FAILED:
                bucket = "enumerate"
            elif kind is LogEventKind.OVER_CURRENT:
                bucket = "over_current"
            elif kind is LogEventKind.NEW_DEVICE:
                bucket = "new"
            elif kind is LogEventKind.DISCONNECT:
                bucket = "disconnect"
            elif kind is LogEventKind.CONFIG_NOTE:
                bucket = "note"
            else:
                continue
            by_port.setdefault(_port(event.device), {}).setdefault(bucket, []).append(event)
        over_current = [e for groups in by_port.values() for e in groups.get("over_current", ())]
        if over_current:
            yield _over_current_finding(ctx, item.artifact, over_current)
        for port, groups in by_port.items():
            finding = _port_finding(ctx, item.artifact, port, groups)
            if finding is not None:
                yield finding


def _port_finding(ctx: Context, artifact: str, port: str, groups: Dict[str, List[LogEvent]]):
    # Only lines that carry an errno or say the port gave up are electrical; 'attempt power
    # cycle' and 'not responding to setup address' come with them and are cited alongside.
    errors = [e for e in groups.get("error", ()) if _code(e) is not None or "power cycle" in e.detail]
    failed = groups.get("enumerate", [])
    new = groups.get("new", [])
    gone = groups.get("disconnect", [])
    looping = len(new) >= LOOP_NEW_DEVICES and len(gone) >= LOOP_DISCONNECTS
    if not errors and not failed and not looping:
        return None
    evidence: List[Evidence] = []
    coded = [e for e in errors if _code(e) is not None]
    shown = coded[:MAX_CITED_ERRORS - 1] + coded[-1:] if len(coded) > MAX_CITED_ERRORS else coded
    codes = sorted({_code(e) for e in coded}, key=lambda c: -c)  # type: ignore[operator]
    stall_only = codes == [-32]
    for event in shown + failed[-1:]:
        evidence.append(ctx.cite(artifact, event.line, event.text))
    if stall_only:
        notes = [e for e in groups.get("note", ()) if "config" in e.detail]
        evidence.extend(ctx.cite(artifact, e.line, e.text) for e in notes[:2])
    if looping:
        for event in new[:2] + new[-1:]:
            evidence.append(ctx.cite(artifact, event.line, event.text))
    evidence.sort(key=lambda e: e.line)
    parts = []
    if coded:
        parts.append(f"{len(coded)} USB error{'s' if len(coded) != 1 else ''} ({', '.join(str(c) for c in codes)})")
    if failed:
        parts.append("the kernel gave up enumerating it")
    if looping:
        parts.append(f"it re-enumerated {len(new)} times")
    config_failed = any("set config" in e.detail for e in coded)
    meanings = "; ".join(ERRNO_MEANING[c] for c in codes if c in ERRNO_MEANING)
    why = (
        "The device on this port is not talking to the host reliably, so no driver can bind "
        "(or the bound one keeps losing the device). "
        + (f"{meanings}. " if meanings else "")
        + "Modems draw current peaks while transmitting that a router's USB port or a long passive "
        "cable often cannot deliver."
    )
    if looping and not coded and not failed:
        why = (
            f"The device on this port disconnected and came back {len(new)} times without an error line: it is "
            "resetting. A modem browning out under transmit current does that, and so does firmware that "
            "crashes in its current mode (a watchdog reset), often right after a mode or configuration change."
        )
    if stall_only and config_failed:
        why += (
            " A stall on 'set config' alone can also be the firmware refusing a configuration its "
            "descriptors describe wrongly; check the config notes above it."
        )
    severity = Severity.ERROR if (failed or looping or len(coded) >= 2) else Severity.WARNING
    return Finding(
        code=RULE.code,
        severity=severity,
        title=f"USB port {port}: " + ", ".join(parts) + _verdict(stall_only, loop_only=looping and not coded and not failed),
        evidence=tuple(evidence),
        why=why,
        fix=(
            "Power the modem from a powered USB hub or a stronger supply and use a short cable without "
            "passive extensions; for an internal module check the board's modem power/reset GPIO and that "
            "the slot carries USB. Re-check dmesg after a cold start."
            + (
                " If the resets began after a mode or configuration change, go back to the previous one."
                if looping and not coded and not failed
                else ""
            )
        ),
        modem=_modem_at(ctx, port),
        rule=RULE.name,
    )


def _verdict(stall_only: bool, loop_only: bool) -> str:
    if stall_only:
        return " - the device stalls (firmware or power)"
    if loop_only:
        return " - the modem keeps resetting (power or firmware)"
    return " - the link or its power is failing"


def _over_current_finding(ctx: Context, artifact: str, events: List[LogEvent]) -> Finding:
    ports = list(OrderedDict.fromkeys(e.device for e in events))
    cited = events[:2] + events[-1:] if len(events) > 3 else events
    return Finding(
        code=RULE.code,
        severity=Severity.ERROR,
        title=(
            f"over-current reported {len(events)} time{'s' if len(events) != 1 else ''} "
            f"on USB port{'s' if len(ports) != 1 else ''} {', '.join(ports)}"
        ),
        evidence=tuple(ctx.cite(artifact, e.line, e.text) for e in cited),
        why=(
            "The hub switched the port's power off because the device drew more current than it may. "
            "A modem behind such a port resets whenever it transmits."
        ),
        fix=(
            "Move the modem to a powered hub or give the board a stronger supply; "
            "replace a damaged cable or adapter. Repeated over-current on several ports points at the supply."
        ),
        modem=None,
        rule=RULE.name,
    )


def _modem_at(ctx: Context, port: str):
    for modem in ctx.modems:
        if modem.explanation.usb_path == port:
            return modem.key
    return None


RULE = Rule(
    code="USB003",
    name="usb-electrical-errors",
    severity=Severity.ERROR,
    summary="USB errors, failed enumeration, over-current or a re-enumeration loop: power or cabling",
    check=check,
)
