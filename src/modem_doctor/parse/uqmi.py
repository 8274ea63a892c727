"""uqmi output: JSON values (one line with ``-s``, pretty-printed without), bare JSON
strings and numbers, and the transport errors uqmi prints on stderr.

    root@OpenWrt:~# uqmi -s -d /dev/cdc-wdm0 --get-pin-status
    {"pin1_status":"disabled","pin1_verify_tries":3,"pin1_unblock_tries":10,...}
    root@OpenWrt:~# uqmi -d /dev/cdc-wdm0 --start-network internet
    "Call failed"
    Request timed out

Objects are recognised by their keys (pin1_status, registration, type+rssi,
link-layer-protocol, card_application_state, ipv4 settings); a bare string is read with the
command shown before it when there is one (``--get-data-status`` -> "connected",
``--wda-get-data-format`` -> "raw-ip" in uqmi before 2025, an object after). Lines of a
``ps`` listing that show uqmi, qmi.sh or ModemManager processes are kept as ``processes``:
a uqmi that is still there is a hung request holding the control port.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Sequence

from ..model.common import Line, Parsed, number_lines
from ..model.modem import (
    BearerFact,
    CallEndFact,
    DataFormatFact,
    ErrorFact,
    ModemCommand,
    ModemSession,
    OperatorFact,
    PdpContextFact,
    PinFact,
    RegistrationFact,
    SettingFact,
    SignalFact,
    SimFact,
    TransportFact,
)
from ._log_common import check_lines, check_text
from ._modem_common import PS_LINE, TRANSPORT, Collector, tech_of

KIND = "uqmi"
TITLE = "uqmi output"

_SHELL = re.compile(r"(?:^|[\s/;|&])uqmi\s+(?P<args>.*)$")
_PIN = {"disabled": "disabled", "verified": "verified", "not_verified": "not-verified", "blocked": "blocked",
        "blocked_permanently": "permanently-blocked", "not_initialized": "not-initialized",
        "enabled_not_verified": "not-verified", "enabled_verified": "verified"}
_REG = {"registered": "home", "searching": "searching", "not_registered": "not-registered",
        "registering_denied": "denied", "registration_denied": "denied", "unknown": "unknown"}
_SIM_APP = {"ready": "ready", "pin_required": "pin", "pin1_or_upin_pin_required": "pin",
            "puk_required": "puk", "puk1_or_upin_puk_required": "puk", "detected": "not-initialized",
            "illegal": "failure", "unknown": "other"}
# QmiProtocolError names as uqmi prints them (libqmi's list, spaced)
_QMI_ERRORS = frozenset((
    "Call failed", "No effect", "Invalid QMI command", "Not supported", "UIM uninitialized", "Policy mismatch",
    "Out of call", "Missing argument", "Device not ready", "No network found", "Incorrect PIN", "PIN restriction",
    "Invalid profile", "Access denied", "Information unavailable", "PIN blocked", "PIN always blocked",
    "Invalid ID", "Internal", "Malformed message", "No memory", "Unknown error", "Invalid argument",
    "Client IDs exhausted", "Invalid transaction ID", "Invalid handle", "Interface not found", "Invalid PIN ID",
    "Network not ready", "Operation in progress", "Invalid operation", "Not provisioned",
    "Device unsupported", "Authentication failed", "Denied",
))


def _int(value: Any) -> Optional[int]:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _num(value: Any) -> Optional[float]:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


class _Walk:
    def __init__(self, c: Collector) -> None:
        self.c = c
        self.args = ""
        self.ip_family: Optional[int] = None
        self.service = ""  # QMUX service of the last request a debug build printed


def _object(w: _Walk, data: Dict[str, Any], line: Line) -> bool:
    c = w.c
    if "pin1_status" in data:
        status = str(data.get("pin1_status", ""))
        c.pins.append(PinFact(_PIN.get(status, status), _int(data.get("pin1_verify_tries")),
                              _int(data.get("pin1_unblock_tries", data.get("pin1_unlock_tries"))),
                              line.number, line.text))
        if status == "not_initialized":
            c.sim.append(SimFact("not-initialized", "pin1_status not_initialized", line.number, line.text))
        if status in ("blocked", "blocked_permanently"):
            c.sim.append(SimFact("puk" if status == "blocked" else "blocked", "pin1_status " + status,
                                 line.number, line.text))
    if "card_application_state" in data:
        state = str(data.get("card_application_state") or "")
        c.sim.append(SimFact(_SIM_APP.get(state, "failure" if not state else "other"),
                             "card_application_state %s" % (state or "(empty)"), line.number, line.text))
    if "card_state" in data:
        state = str(data.get("card_state"))
        if state in ("absent", "error"):
            c.sim.append(SimFact("absent" if state == "absent" else "failure", "card_state " + state,
                                 line.number, line.text))
    if "registration" in data:
        state = _REG.get(str(data.get("registration")), "unknown")
        if state == "home" and data.get("roaming") is True:
            state = "roaming"
        c.registrations.append(RegistrationFact("any", state, line=line.number, text=line.text))
        if "plmn_description" in data or "plmn_mcc" in data:
            mcc, mnc = _int(data.get("plmn_mcc")), _int(data.get("plmn_mnc"))
            plmn = "%03d%02d" % (mcc, mnc) if mcc is not None and mnc is not None else ""
            c.operators.append(OperatorFact(str(data.get("plmn_description") or ""), plmn, "", "",
                                            line.number, line.text))
    if "type" in data and any(key in data for key in ("rssi", "rsrp", "rscp", "ecio", "rsrq", "snr", "sinr")):
        c.signals.append(SignalFact(
            tech_of(str(data.get("type"))) or str(data.get("type")), rssi_dbm=_num(data.get("rssi")),
            rsrp_dbm=_num(data.get("rsrp")), rsrq_db=_num(data.get("rsrq")),
            snr_db=_num(data.get("snr", data.get("sinr"))), rscp_dbm=_num(data.get("rscp")),
            line=line.number, text=line.text))
    if "link-layer-protocol" in data:
        c.data_formats.append(DataFormatFact(str(data.get("link-layer-protocol")), line.number, line.text))
    if "ipv4" in data and isinstance(data.get("ipv4"), dict):
        address = str(data["ipv4"].get("ip", ""))
        c.bearers.append(BearerFact(True if address else None, ip_type="ipv4", address=address,
                                    line=line.number, text=line.text))
    if "imei" in data:
        c.ident("imei", str(data.get("imei")), line)
    if "apn" in data and "pdp-type" in data:
        # --get-profile-settings: the modem's stored profile
        pdp = {"ipv4": "IP", "ipv6": "IPV6", "ipv4v6": "IPV4V6"}.get(str(data.get("pdp-type")), str(data.get("pdp-type")))
        c.contexts.append(PdpContextFact(1, pdp, str(data.get("apn", "")), None, "", line.number, line.text))
    if "error" in data:
        message = str(data.get("error"))
        if message == "Call failed" or "call_end_reason" in data:
            _call_failed(w, message, line, data)
        else:
            c.errors.append(ErrorFact(w.args or "uqmi", message, None, line.number, line.text))
    if "mode" in data and "modes" in w.args:
        c.settings.append(SettingFact("mode", "network-modes", str(data.get("mode")), "", (), line.number, line.text))
    return True


def _call_failed(w: _Walk, message: str, line: Line, data: Optional[Dict[str, Any]] = None) -> None:
    data = data or {}
    reason = data.get("call_end_reason")
    verbose = data.get("verbose_call_end_reason")
    verbose_type = verbose_code = None
    verbose_name = ""
    if isinstance(verbose, dict):
        verbose_type = _int(verbose.get("type"))
        verbose_code = _int(verbose.get("reason"))
        verbose_name = str(verbose.get("name", ""))
    w.c.call_ends.append(CallEndFact(message, _int(reason), "", verbose_type, verbose_code, verbose_name,
                                     w.ip_family, line.number, line.text))


def _string(w: _Walk, value: str, line: Line) -> None:
    c = w.c
    args = w.args
    if value in ("connected", "disconnected") or "--get-data-status" in args:
        c.bearers.append(BearerFact(value == "connected", line=line.number, text=line.text))
    elif value in ("raw-ip", "802.3") or "--wda-get-data-format" in args or (w.service == "1a" and value == "unknown"):
        c.data_formats.append(DataFormatFact(value, line.number, line.text))
    elif value == "Call failed" or ("--start-network" in args and value in _QMI_ERRORS):
        _call_failed(w, value, line)
    elif value == "UIM uninitialized":
        c.sim.append(SimFact("not-initialized", value, line.number, line.text))
        c.errors.append(ErrorFact(args or "uqmi", value, None, line.number, line.text))
    elif value in _QMI_ERRORS:
        c.errors.append(ErrorFact(args or "uqmi", value, None, line.number, line.text))
    elif "--get-serving-system" in args or value in _REG:
        c.registrations.append(RegistrationFact("any", _REG.get(value, "unknown"), line=line.number, text=line.text))
    else:
        c.unparsed.add(line, "a uqmi string this parser does not read")


def _parse(lines: Sequence[Line]) -> Parsed[ModemSession]:
    c = Collector(KIND, "uqmi", lines)
    w = _Walk(c)
    buffer: List[Line] = []
    depth = 0
    for line in lines:
        text = line.text.strip()
        if buffer:
            buffer.append(line)
            depth += text.count("{") - text.count("}")
            if depth <= 0:
                _flush_object(w, buffer)
                buffer = []
                depth = 0
            continue
        if not text:
            continue
        process = PS_LINE.match(text)
        if process:
            c.processes.append(ModemCommand(process.group("cmd"), line.number, line.text))
            continue
        shell = _SHELL.search(text)
        if shell:
            w.args = shell.group("args")
            family = re.search(r"--(?:set-)?ip-family[ =](ipv4|ipv6)", w.args)
            w.ip_family = (6 if family.group(1) == "ipv6" else 4) if family else None
            c.commands.append(ModemCommand("uqmi " + w.args, line.number, line.text))
            continue
        if TRANSPORT.search(text):
            c.transport.append(TransportFact(text, line.number, line.text))
            continue
        if text.startswith("{"):
            depth = text.count("{") - text.count("}")
            buffer = [line]
            if depth <= 0:
                _flush_object(w, buffer)
                buffer = []
                depth = 0
            continue
        if text.startswith('"') and text.endswith('"') and len(text) >= 2:
            _string(w, text[1:-1], line)
            continue
        if re.match(r"^-?\d+$", text):
            continue  # a client id or packet data handle: the call started
        packet = re.match(r"^(?:Send|Received) packet:((?:\s+[0-9a-f]{2})*)\s*$", text)
        if packet:
            # uqmi built with debug output prints every QMUX frame; byte 4 is the service
            # (0x1a WDA), which tells what a bare answer like "unknown" is about
            octets = packet.group(1).split()
            if text.startswith("Send") and len(octets) > 4:
                w.service = octets[4]
            continue
        if re.match(r"^[\w.-]+@[\w.-]+:\S*\s*[#$]\s*$", text):
            continue  # a bare shell prompt
        if text in ("true", "false", "null") or text.startswith("Usage: uqmi") or text.startswith("Options:"):
            continue
        c.unparsed.add(line, "not uqmi output")
    if buffer:
        _flush_object(w, buffer)
    return c.result()


def _flush_object(w: _Walk, buffer: List[Line]) -> None:
    raw = "\n".join(line.text for line in buffer)
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: absurdly nested text, never uqmi's
        # Cut short (a paste that ends early): read what the key/value lines say.
        data = {}
        for line in buffer:
            match = re.match(r'^\s*"(?P<k>[^"]+)"\s*:\s*(?P<v>"[^"]*"|-?\d+(?:\.\d+)?|true|false)', line.text)
            if match:
                try:
                    data[match.group("k")] = json.loads(match.group("v"))
                except ValueError:
                    pass
        if not data:
            for line in buffer:
                w.c.unparsed.add(line, "broken JSON")
            return
    if isinstance(data, dict):
        _object(w, data, buffer[0])


def parse(text: str) -> Parsed[ModemSession]:
    return _parse(number_lines(check_text(KIND, text)))


def parse_lines(lines: Sequence[Line]) -> Parsed[ModemSession]:
    return _parse(check_lines(KIND, lines))
