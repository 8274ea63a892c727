"""NET005 ppp-wrong-port

## What it detects
A serial-dialing interface (proto ``3g``, ``ppp``, ``ncm`` or ``directip``) whose ``device``
is a tty that belongs to the modem's DIAG or GPS/NMEA port, or to no interface of the
modem at all; and dial-script failures in the log: chat's ``alarm`` / ``Failed``, pppd's
``Connect script failed``, ``NO CARRIER``, gcom/comgt's ``Could not write to COM device``
and ``***SIM ERROR***``.

The tty is mapped to its USB interface through the kernel log (``option 1-1.2:1.1: GSM
modem (1-port) converter detected`` followed by ``... converter now attached to
ttyUSB1``), else through the order of the serial-driver interfaces of the modem's latest
listing (the first one bound by ``option`` is ``ttyUSB0``), and the interface's role
comes from the modem knowledge base.

## Why it matters
Only the modem (PPP) port - and for ``ncm``/``3g`` scripts the AT/PCUI port - answers the
chat script. A DIAG port takes Qualcomm's binary protocol and a GPS port only streams
NMEA, so chat waits for ``OK`` until its alarm fires and the interface never comes up.
The numbering is not fixed: switching a Huawei MU609 from configuration 2 to 1 moves
``ttyUSB0`` from the modem port to the DIAG port.

## Evidence
The interface's ``device`` line, the kernel line that attached that tty (or the listing's
interface line), and the chat/pppd/comgt failure lines.

## Fix
Point ``device`` at the modem's AT or modem port (try ``ATI`` on each tty; Huawei:
``Prot=01`` modem, ``Prot=02`` PCUI), or better use the modem's own data path instead of
PPP (qmi, mbim or ncm with the right kmod); fix the SIM/PIN or APN when chat reports
``+CME ERROR`` or ``SIM ERROR``.
"""

from __future__ import annotations

import re
from typing import Dict, Iterator, List, Optional, Tuple

from ..model.common import Evidence
from ..model.findings import Finding, Severity
from ..model.log import LogEventKind
from . import Rule
from .context import Context, ModemFacts

DIAL_PROTOS = frozenset({"3g", "ppp", "ncm", "directip"})
WRONG_ROLES = {"diag": "the DIAG port", "gps": "the GPS/NMEA port", "adb": "the ADB port"}
SERIAL_DRIVERS = frozenset({"option", "qcserial", "sierra", "usbserial_generic", "usb_serial_simple"})
_TTY = re.compile(r"^(?:/dev/)?(tty(?:USB|ACM)\d+)$")
_USB_IFACE = re.compile(r"^([\d.-]+):(\d+)\.(\d+)$")  # '1-1.2:1.4' -> path, config, interface
# Dial-script failures (chat, pppd, gcom/comgt as netifd relays them).
_DIAL_FAILURE = re.compile(
    r"\balarm\b|^Failed\b|Connect script failed|NO CARRIER|SIM ERROR|Could not write to COM device|"
    r"Error @\d+, line \d+|\+CME ERROR"
)
# chat echoing its own script ('abort on (NO CARRIER)', 'expect (OK)') is not a failure.
_CHAT_SCRIPT_ECHO = re.compile(r"^(?:abort on|report|send|expect|timeout set|-- got it)\b")
MAX_FAILURE_LINES = 4


def _tty_map(ctx: Context) -> Dict[str, Tuple[str, int, int, str, int]]:
    """tty name -> (usb path, configuration, interface, artifact, line) from the kernel log;
    the latest attachment of each name wins (numbers are reused after a re-enumeration)."""
    found: Dict[str, Tuple[str, int, int, str, int]] = {}
    for artifact, event in ctx.host.log_events(LogEventKind.TTY_ATTACHED):
        match = _USB_IFACE.match(event.interface or "")
        if event.subject and match:
            found[event.subject] = (match.group(1), int(match.group(2)), int(match.group(3)), artifact, event.line)
    return found


def _from_listing(ctx: Context, tty: str) -> Optional[Tuple[ModemFacts, int, int, str, int]]:
    """(modem, configuration, interface, artifact, I: line) for ttyUSBn counted over the
    serial-bound interfaces of the only modem's latest listing; None when that is not sound."""
    if not tty.startswith("ttyUSB") or len(ctx.modems) != 1:
        return None
    modem = ctx.modems[0]
    artifact, device = modem.last
    config = device.active_config
    if config is None:
        return None
    serial = [i for i in config.interfaces if i.driver in SERIAL_DRIVERS]
    index = int(tty[len("ttyUSB"):])
    if index >= len(serial):
        return None
    iface = serial[index]
    return modem, config.number, iface.number, artifact, iface.line


def _role(modem: ModemFacts, config: int, interface: int) -> Optional[str]:
    for view in modem.explanation.configs:
        if view.number == config:
            for iface in view.interfaces:
                if iface.number == interface:
                    return iface.role
    return None


def _modem_at(ctx: Context, usb_path: str) -> Optional[ModemFacts]:
    for modem in ctx.modems:
        if modem.explanation.usb_path == usb_path:
            return modem
    return None


def _dial_failures(ctx: Context) -> List[Evidence]:
    cited: List[Evidence] = []
    for item in ctx.host.logs:
        for entry in getattr(item.value, "entries", ()) or ():
            process = (entry.process or "").lower()
            message = entry.message.strip()
            if process in ("chat", "pppd") or "comgt" in message or "gcom" in message:
                if _DIAL_FAILURE.search(message) and not _CHAT_SCRIPT_ECHO.match(message):
                    cited.append(ctx.cite(item.artifact, entry.line, entry.text))
    return cited


def _dial_interfaces(ctx: Context) -> List[Tuple[str, object, str, str, int]]:
    """(artifact, section, proto, tty, device option line) for each dialing interface."""
    found = []
    for artifact, section in ctx.host.uci_sections():
        if getattr(section, "config", "") not in ("network", "") or getattr(section, "type", "") != "interface":
            continue
        options = {getattr(o, "name", ""): o for o in getattr(section, "options", ()) or ()}
        proto = (getattr(options.get("proto"), "values", None) or ("",))[0]
        device = (getattr(options.get("device"), "values", None) or ("",))[0]
        match = _TTY.match(str(device).strip())
        if proto in DIAL_PROTOS and match:
            found.append((artifact, section, proto, match.group(1), getattr(options["device"], "line", 0)))
    return found


def check(ctx: Context) -> Iterator[Finding]:
    failures = _dial_failures(ctx)
    ttys = _tty_map(ctx)
    reported = False
    for artifact, section, proto, tty, device_line in _dial_interfaces(ctx):
        name = getattr(section, "name", None) or "the interface"
        evidence: List[Evidence] = [ctx.cite(artifact, device_line)] if device_line else []
        where = ""
        modem: Optional[ModemFacts] = None
        role: Optional[str] = None
        if tty in ttys:
            path, config, number, log_artifact, line = ttys[tty]
            modem = _modem_at(ctx, path)
            evidence.append(ctx.cite(log_artifact, line))
            where = f"the kernel attached {tty} to interface {number} of configuration {config} at USB {path}"
        else:
            mapped = _from_listing(ctx, tty)
            if mapped is not None:
                modem, config, number, listing_artifact, line = mapped
                if line:
                    evidence.append(ctx.cite(listing_artifact, line))
                where = (
                    f"{tty} is interface {number} of configuration {config}, counting the serial-driver "
                    "interfaces of the latest listing (no kernel log names it)"
                )
        if modem is not None:
            role = _role(modem, config, number)
        if modem is None or role not in WRONG_ROLES:  # a role is only known with its modem
            continue
        reported = True
        evidence.extend(failures[:MAX_FAILURE_LINES])
        ports = _good_ports(ctx, modem, config, ttys)
        yield Finding(
            code=RULE.code,
            severity=Severity.ERROR,
            title=f"Interface '{name}' (proto {proto}) dials on {tty}, which is {WRONG_ROLES[role]} of the {modem.label}",
            evidence=tuple(evidence),
            why=(
                f"Here {where}, and that interface is {WRONG_ROLES[role]}. "
                "It does not answer AT commands, so the chat script waits for OK until its alarm fires."
            ),
            fix=(
                f"Set network.{name}.device to the modem's AT/modem port{ports}; better, use the modem's own "
                f"data path (proto '{modem.explanation.recommended.netifd_proto or 'qmi'}') instead of PPP."
            ),
            modem=modem.key,
            rule=RULE.name,
        )
    if failures and not reported:
        yield Finding(
            code=RULE.code,
            severity=Severity.WARNING,
            title="The dial script failed (chat/pppd/comgt)",
            evidence=tuple(failures[:MAX_FAILURE_LINES]),
            why=(
                "PPP dialing stopped before a link came up. A wrong tty (DIAG or GPS port, or a number that "
                "moved after a re-plug) gives chat alarms and 'Could not write to COM device'; '+CME ERROR' "
                "or 'SIM ERROR' point at the SIM, PIN or APN instead."
            ),
            fix=(
                "Check which tty is the AT/modem port (ATI on each, or the modem's port map), set it as "
                "device, and check SIM, PIN and APN; where the modem has a QMI/MBIM/NCM data path, use it instead of PPP."
            ),
            modem=None,
            rule=RULE.name,
        )


def _good_ports(ctx: Context, modem: ModemFacts, config: int, ttys: Dict[str, Tuple[str, int, int, str, int]]) -> str:
    """' (ttyUSB0 is the modem port; ttyUSB2 is the AT port)': from the kernel log when it
    names the ttys, else counted over the latest listing like ``_from_listing``."""
    named = []
    candidates = [(tty, cfg, number) for tty, (path, cfg, number, _, _) in ttys.items()
                  if path == modem.explanation.usb_path]
    if not candidates:
        for index in range(16):
            mapped = _from_listing(ctx, f"ttyUSB{index}")
            if mapped is None:
                break
            candidates.append((f"ttyUSB{index}", mapped[1], mapped[2]))
    for tty, cfg, number in sorted(candidates):
        role = _role(modem, cfg, number) if cfg == config else None
        if role in ("modem", "at"):
            named.append(f"{tty} is the {'modem' if role == 'modem' else 'AT'} port")
    return f" ({'; '.join(named)})" if named else ""


RULE = Rule(
    code="NET005",
    name="ppp-wrong-port",
    severity=Severity.ERROR,
    summary="PPP/3g/ncm dialing on the DIAG or GPS tty, or a failing dial script",
    check=check,
)
