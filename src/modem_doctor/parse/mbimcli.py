"""mbimcli (libmbim) text output: device caps, subscriber ready status, PIN state, radio
state, registration state, signal state, packet service and connect.

    [/dev/cdc-wdm0] Registration status:
             Network error: 'plmn-not-allowed'
            Register state: 'denied'
    error: operation failed: SimNotInserted

The Network error name is turned back into its TS 24.008 cause number (``plmn-not-allowed``
is #11) so that rules decode it like an AT or QMI reject cause.
"""

from __future__ import annotations

import re
from typing import Sequence

from ..model.common import Line, Parsed, number_lines
from ..model.modem import (
    BearerFact,
    CallEndFact,
    ErrorFact,
    ModemCommand,
    ModemSession,
    OperatorFact,
    PinFact,
    RegistrationFact,
    SettingFact,
    SignalFact,
    SimFact,
    TransportFact,
)
from ._log_common import check_lines, check_text
from ._modem_common import TRANSPORT, Collector, as_int, cause_by_mbim_name, tech_of, unquote

KIND = "mbimcli"
TITLE = "mbimcli output"

_HEADER = re.compile(r"^\[(?=[^\]]*[A-Za-z/])[\w./:-]+\]\s*(?P<what>.*)$")
_SHELL = re.compile(r"(?:^|[\s/])mbimcli\s+(?P<args>.*)$")
_ERROR = re.compile(r"^error:\s*(?P<msg>.*)$")
_KV = re.compile(r"^(?P<key>[A-Za-z][\w /\[\],()-]*?):\s*(?P<value>.*)$")
_READY = {
    "initialized": "ready", "sim-not-inserted": "absent", "not-initialized": "not-initialized",
    "bad-sim": "failure", "failure": "failure", "not-activated": "other", "device-locked": "pin",
    "no-esim-profile": "absent",
}
_REG = {"home": "home", "roaming": "roaming", "partner": "roaming", "searching": "searching", "denied": "denied",
        "deregistered": "not-registered", "unknown": "unknown"}
_STATUS_SIM = {"SimNotInserted": "absent", "PinRequired": "pin", "PinBlocked": "puk", "BadSim": "failure",
               "NotInitialized": "not-initialized", "SimBusy": "busy"}


def _parse(lines: Sequence[Line]) -> Parsed[ModemSession]:
    c = Collector(KIND, "mbimcli", lines)
    section = ""
    command = ""
    pin_type = ""
    pin_line = None
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        shell = _SHELL.search(text)
        if shell and "--" in shell.group("args"):
            command = shell.group("args")
            c.commands.append(ModemCommand("mbimcli " + command, line.number, line.text))
            section = ""
            continue
        if text.startswith("warning:") or "-Warning **" in text:
            continue
        header = _HEADER.match(text)
        if header:
            what = header.group("what").strip()
            section = what.lower()
            if TRANSPORT.search(what):
                c.transport.append(TransportFact(what, line.number, line.text))
            continue
        error = _ERROR.match(text)
        if error:
            msg = error.group("msg")
            if TRANSPORT.search(msg):
                c.transport.append(TransportFact(msg, line.number, line.text))
                continue
            status = msg.split(":")[-1].strip()
            c.errors.append(ErrorFact(command or "mbimcli", status, None, line.number, line.text))
            if status in _STATUS_SIM:
                c.sim.append(SimFact(_STATUS_SIM[status], status, line.number, line.text))
            if "connect" in command and "disconnect" not in command:
                c.call_ends.append(CallEndFact(status, line=line.number, text=line.text))
            continue
        kv = _KV.match(text)
        if not kv:
            c.unparsed.add(line, "not an mbimcli line this parser knows")
            continue
        key = kv.group("key").strip().lower()
        value = unquote(kv.group("value").strip())
        if key in ("device id",):
            c.ident("imei", value, line)
        elif key == "firmware info":
            c.ident("revision", value, line)
        elif key == "subscriber id":
            c.ident("imsi", value, line)
        elif key == "sim iccid":
            c.ident("iccid", value, line)
        elif key == "ready state":
            c.sim.append(SimFact(_READY.get(value, "other"), value, line.number, line.text))
        elif key == "pin type":
            pin_type = value
        elif key == "pin state":
            pin_line = line
            if value == "unlocked":
                c.pins.append(PinFact("verified" if pin_type else "disabled", None, None, line.number, line.text))
            elif value == "locked":
                state = "puk" if "puk" in pin_type else "pin"
                c.sim.append(SimFact(state, "%s locked" % (pin_type or "pin"), line.number, line.text))
        elif key == "remaining attempts" and pin_line is not None:
            tries = as_int(value)
            if "puk" in pin_type:
                c.pins.append(PinFact("blocked", None, tries, line.number, line.text))
            else:
                c.pins.append(PinFact("not-verified", tries, None, line.number, line.text))
        elif key == "network error" and "registration" in section:
            cause = cause_by_mbim_name(value) if value not in ("none", "unknown") else None
            if cause is not None:
                c.registrations.append(RegistrationFact("any", "denied", "", cause, "mbim-nw-error",
                                                        line=line.number, text=line.text))
        elif key == "network error" and value not in ("none", "unknown") and c.call_ends:
            last = c.call_ends[-1]
            c.call_ends[-1] = CallEndFact(last.protocol_error, None, value, 6, None, value, None, last.line, last.text)
        elif key == "register state":
            state = _REG.get(value, "unknown")
            if c.registrations and c.registrations[-1].reject_source == "mbim-nw-error" and state == "denied":
                continue  # the Network error line above already said it, with its cause
            c.registrations.append(RegistrationFact("any", state, line=line.number, text=line.text))
        elif key == "available data classes" and c.registrations:
            reg = c.registrations[-1]
            techs = [tech_of(part) for part in value.split(",")]
            best = next((t for t in ("nr5g", "lte", "umts", "gsm") if t in techs), "")
            c.registrations[-1] = RegistrationFact(reg.domain, reg.state, best, reg.reject_cause, reg.reject_source,
                                                   reg.lac, reg.cell, reg.line, reg.text)
        elif key == "provider id":
            c.operators.append(OperatorFact("", value if value != "unknown" else "", "", "", line.number, line.text))
        elif key == "provider name":
            if not c.operators or value == "unknown":
                continue
            op = c.operators[-1]
            c.operators[-1] = OperatorFact(value, op.plmn, op.tech, op.selection, op.line, op.text)
        elif key.startswith("rssi ["):
            rssi = as_int(value)
            if rssi is not None:
                c.signals.append(SignalFact("", rssi_dbm=float(-113 + 2 * rssi) if rssi != 99 else None,
                                            no_signal=rssi == 99, line=line.number, text=line.text))
        elif key in ("hardware radio state", "software radio state"):
            c.settings.append(SettingFact("cfun", key.replace(" state", ""), value,
                                          "radio %s" % value, (), line.number, line.text))
        elif key == "activation state":
            c.bearers.append(BearerFact(value == "activated", line=line.number, text=line.text))
        elif key == "ip type" and c.bearers:
            bearer = c.bearers[-1]
            c.bearers[-1] = BearerFact(bearer.connected, bearer.apn, value, bearer.address, bearer.line, bearer.text)
        elif key in ("data class", "ctrl caps", "device type", "cellular class", "voice class", "sim class", "sms caps",
                     "max sessions", "custom data class", "hardware info", "ready info", "telephone numbers",
                     "register mode", "current cellular class", "roaming text", "registration flags",
                     "error rate [0-7,99]", "signal strength interval", "rssi threshold", "error rate threshold",
                     "session id", "voice call state", "context type", "network error", "gateway", "mtu",
                     "packet service state", "uplink speed", "downlink speed", "highest available data class",
                     "pin type", "pin mode", "pin format"):
            pass
        elif re.match(r"^(?:ip|dns) \[\d+\]$", key):
            if key.startswith("ip ") and c.bearers:
                bearer = c.bearers[-1]
                if not bearer.address:
                    c.bearers[-1] = BearerFact(bearer.connected, bearer.apn, bearer.ip_type, value.split("/")[0],
                                               bearer.line, bearer.text)
        else:
            c.unparsed.add(line, "an mbimcli field this parser does not read")
    return c.result()


def parse(text: str) -> Parsed[ModemSession]:
    return _parse(number_lines(check_text(KIND, text)))


def parse_lines(lines: Sequence[Line]) -> Parsed[ModemSession]:
    return _parse(check_lines(KIND, lines))
