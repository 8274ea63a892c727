"""qmicli (libqmi) text output, one or several commands, with or without the shell lines.

    [/dev/cdc-wdm0] Successfully got serving system:
            Registration state: 'registration-denied'
    error: couldn't start network: QMI protocol error (14): 'CallFailed'
    call end reason (1018): gsm-wcdma-option-unsubscribed
    verbose call end reason (6,33): [3gpp] option-unsubscribed

Read: --dms-get-ids/-model/-revision/-manufacturer, --uim-get-card-status,
--dms-uim-get-pin-status, --nas-get-signal-strength, --nas-get-signal-info,
--nas-get-serving-system, --nas-get-system-selection-preference, --wda-get-data-format,
--wds-start-network (handle, or the protocol error and call-end reasons),
--wds-get-packet-service-status, --wds-get-current-settings, and any 'error: couldn't ...'.
--get-expected-data-format answers (``802-3``, ``raw-ip``) are qmi_wwan's raw_ip flag read
through libqmi, so they become ``RawIpFlag`` readings, named by the netdev an earlier
--get-wwan-iface gave for the same device; the modem's own format is --wda-get-data-format.
A shell line running qmicli tells which IP family a --wds-start-network was for
(``ip-type=6``).
"""

from __future__ import annotations

import re
from typing import Any, Dict, Optional, Sequence

from ..model.common import Line, Parsed, number_lines
from ..model.modem import (
    BearerFact,
    CallEndFact,
    DataFormatFact,
    ErrorFact,
    ModemCommand,
    ModemSession,
    OperatorFact,
    PinFact,
    RawIpFlag,
    RegistrationFact,
    SettingFact,
    SignalFact,
    SimFact,
    TransportFact,
)
from ._log_common import check_lines, check_text
from ._modem_common import TRANSPORT, Collector, as_int, tech_of, unquote

KIND = "qmicli"
TITLE = "qmicli output"

_DEVICE = r"\[(?=[^\]]*[A-Za-z/])[\w./:-]+\]"  # '[/dev/cdc-wdm0]', never a list index '[0]' 
_HEADER = re.compile(rf"^{_DEVICE}\s*(?P<what>.*)$")
_SHELL = re.compile(r"(?:^|[\s/])qmicli\s+(?P<args>.*)$")
_ERROR = re.compile(r"^error:\s*(?P<msg>.*?)(?::\s*QMI protocol error \((?P<code>\d+)\):\s*'(?P<name>[^']+)')?\s*$")
_CALL_END = re.compile(r"^call end reason \((?P<code>\d+)\):\s*(?P<name>\S+)")
_VERBOSE = re.compile(r"^verbose call end reason \((?P<type>\d+),\s*(?P<code>-?\d+)\):\s*\[(?P<tname>[^\]]+)\]\s*(?P<name>\S+)")
_KV = re.compile(r"^(?P<key>[A-Za-z0-9][\w /()+-]*?):\s*(?P<value>.*)$")
# qmi_wwan-specific options: libqmi reads (and writes) the driver's sysfs flags for them, so
# their answers are the kernel's framing, not the modem's (--wda-get-data-format is that).
_EXPECTED = re.compile(r"(?:^|\s)(?:--get-expected-data-format|-e)(?:\s|$)")
_WWAN_IFACE = re.compile(r"(?:^|\s)(?:--get-wwan-iface|-w)(?:\s|$)")
_DEVICE_ARG = re.compile(r"(?:^|\s)(?:-d\s*|--device[=\s]\s*)(?P<dev>[^\s'\"]+)")
_FORMAT_ANSWER = re.compile(r"^(?P<v>802-3|raw-ip|qmap-pass-through|unknown)$")
# qmap-pass-through needs raw_ip=Y as well (qmi_wwan refuses pass_through otherwise)
_FORMAT_RAW_IP = {"802-3": False, "raw-ip": True, "qmap-pass-through": True}
_NETWORK_VALUE = re.compile(r"^Network '(?P<net>[^']+)':\s*'(?P<value>-?[\d.]+)\s*(?P<unit>dBm|dB)?'")

_PIN_STATUS = {
    "disabled": "disabled", "enabled-verified": "verified", "enabled-not-verified": "not-verified",
    "blocked": "blocked", "permanently-blocked": "permanently-blocked", "not-initialized": "not-initialized",
    "enabled-unverified": "not-verified",
}
_REG = {
    "registered": "home", "not-registered": "not-registered", "not-registered-searching": "searching",
    "registration-denied": "denied", "unknown": "unknown",
}
_APP_SIM = {
    "ready": "ready", "pin1-or-upin-pin-required": "pin", "puk1-or-upin-puk-required": "puk",
    "detected": "not-initialized", "illegal": "failure", "unknown": "other",
    "check-personalization-state": "pin",
}


def _number(value: str) -> Optional[float]:
    match = re.search(r"-?\d+(?:\.\d+)?", value)
    return float(match.group(0)) if match else None


class _Walk:
    def __init__(self, c: Collector) -> None:
        self.c = c
        self.section = ""  # what the last '[dev] ...' header announced
        self.sub = ""  # a sub-heading inside it ('PIN1:', 'RSSI:', 'LTE:', 'Current PLMN:')
        self.ip_family: Optional[int] = None
        self.command = ""
        self.pin_label = ""
        self.pin_status = ""
        self.pin_line: Optional[Line] = None
        self.pin_retries: Optional[int] = None
        self.puk_retries: Optional[int] = None
        self.upin_replaces = False
        self.plmn = ["", ""]
        self.signal_net = ""
        self.device = ""  # the -d argument of the last qmicli command
        self.wwan: Dict[str, str] = {}  # cdc-wdm device -> netdev, from --get-wwan-iface answers

    def flush_pin(self) -> None:
        if self.pin_line is not None and (self.pin_status or self.pin_retries is not None):
            line = self.pin_line
            self.c.pins.append(PinFact(self.pin_status, self.pin_retries, self.puk_retries, line.number, line.text))
        self.pin_line = None
        self.pin_status = ""
        self.pin_retries = self.puk_retries = None


def _on_header(w: _Walk, what: str, line: Line) -> bool:
    w.flush_pin()
    w.section = what.lower()
    w.sub = ""
    c = w.c
    match = re.match(r"^Connection status:\s*'(?P<s>[^']+)'", what)
    if match:
        state = match.group("s")
        c.bearers.append(BearerFact(state == "connected", line=line.number, text=line.text))
        return True
    if what.startswith("PIN1:") or what.startswith("PIN2:") or what.startswith("UPIN:"):
        w.pin_label = what.rstrip(":")
        w.section = "pin status"
        if w.pin_label in ("PIN1", "UPIN"):
            w.pin_line = line
        return True
    return bool(what)


def _on_field(w: _Walk, key: str, value: str, line: Line) -> bool:
    c = w.c
    k = key.strip().lower()
    v = unquote(value.strip())
    section = w.section
    if "device ids" in section or "device model" in section or "device revision" in section \
            or "manufacturer" in section:
        field = {"imei": "imei", "model": "model", "revision": "revision", "manufacturer": "manufacturer"}.get(k)
        if field:
            c.ident(field, v, line)
        return True
    if "card status" in section:
        if k == "card state":
            if v == "absent":
                c.sim.append(SimFact("absent", "card state 'absent'", line.number, line.text))
            elif v == "error":
                c.sim.append(SimFact("failure", "card state 'error'", line.number, line.text))
        elif k == "error state":
            c.sim.append(SimFact("failure" if v not in ("no-atr-received",) else "absent", "error state '%s'" % v,
                                 line.number, line.text))
        elif k == "upin replaces pin1":
            w.upin_replaces = v == "yes"
        elif k == "application state":
            state = _APP_SIM.get(v)
            if state:
                c.sim.append(SimFact(state, "application state '%s'" % v, line.number, line.text))
        elif k in ("pin1 state", "upin state"):
            w.flush_pin()
            if k == "pin1 state" or w.upin_replaces:
                w.pin_line = line
                w.pin_status = _PIN_STATUS.get(v, v)
            w.pin_label = "PIN1" if k == "pin1 state" else "UPIN"
        elif k in ("pin1 retries", "upin retries") and w.pin_line is not None:
            w.pin_retries = as_int(v)
        elif k in ("puk1 retries", "upuk retries") and w.pin_line is not None:
            w.puk_retries = as_int(v)
            w.flush_pin()
        return True
    if section == "pin status":
        if w.pin_line is not None:
            if k == "status":
                w.pin_status = _PIN_STATUS.get(v, v)
            elif k == "verify":
                w.pin_retries = as_int(v)
            elif k == "unblock":
                w.puk_retries = as_int(v)
                w.flush_pin()
        return True
    if "serving system" in section:
        if k == "registration state":
            c.registrations.append(RegistrationFact("any", _REG.get(v, "unknown"), line=line.number, text=line.text))
        elif k == "roaming status" and v == "on" and c.registrations and c.registrations[-1].state == "home":
            last = c.registrations[-1]
            c.registrations[-1] = RegistrationFact(last.domain, "roaming", last.tech, last.reject_cause,
                                                   last.reject_source, last.lac, last.cell, last.line, last.text)
        elif k.startswith("[") and w.sub == "radio interfaces" and c.registrations:
            tech = tech_of(v)
            last = c.registrations[-1]
            if tech and not last.tech:
                c.registrations[-1] = RegistrationFact(last.domain, last.state, tech, last.reject_cause,
                                                       last.reject_source, last.lac, last.cell, last.line, last.text)
        elif k == "radio interfaces":
            w.sub = "radio interfaces"
        elif k in ("data service capabilities", "cs", "ps", "selected network", "roaming status"):
            w.sub = ""
        elif k == "mcc":
            w.plmn[0] = v
        elif k == "mnc":
            w.plmn[1] = v
        elif k == "description":
            mcc, mnc = w.plmn
            plmn = "%03d%02d" % (int(mcc), int(mnc)) if mcc.isdigit() and mnc.isdigit() else ""
            tech = c.registrations[-1].tech if c.registrations else ""
            c.operators.append(OperatorFact(v, plmn, tech, "", line.number, line.text))
        return True
    if "selection preference" in section:
        if k == "mode preference":
            techs = tuple(t for t in (tech_of(part) for part in v.split(",")) if t)
            c.settings.append(SettingFact("mode", "mode-preference", v, v, techs, line.number, line.text))
        return True
    if "data format" in section:
        if k == "link layer protocol":
            c.data_formats.append(DataFormatFact(v, line.number, line.text))
        return True
    if "current settings" in section:
        if k == "ipv4 address" or k == "ipv6 address":
            c.bearers.append(BearerFact(True, address=v.split("/")[0], ip_type=k.split()[0],
                                        line=line.number, text=line.text))
        return True
    if "network started" in section:
        return True
    if "signal" in section:
        return True
    return "client id" in section or "service" == k or "cid" == k or bool(section)


def _signal_line(w: _Walk, text: str, line: Line) -> bool:
    """Lines of --nas-get-signal-strength / --nas-get-signal-info."""
    c = w.c
    match = _NETWORK_VALUE.match(text)
    if match:
        tech = tech_of(match.group("net"))
        value = float(match.group("value"))
        sub = w.sub
        if sub in ("", "current", "rssi"):
            c.signals.append(SignalFact(tech, rssi_dbm=value, line=line.number, text=line.text))
        elif sub == "rsrq":
            c.signals.append(SignalFact(tech, rsrq_db=value, line=line.number, text=line.text))
        return True
    heading = re.match(r"^(?P<h>[A-Za-z0-9 ]+):\s*$", text)
    if heading:
        w.sub = heading.group("h").strip().lower()
        if w.sub in ("lte", "umts", "gsm", "5g", "nr5g", "wcdma", "cdma", "hdr", "tdma"):
            w.signal_net = tech_of(w.sub) or w.sub
        return True
    kv = _KV.match(text)
    if kv:
        key = kv.group("key").strip().lower()
        number = _number(kv.group("value"))
        tech = w.signal_net or tech_of(w.sub)
        field = {"rssi": "rssi_dbm", "rsrp": "rsrp_dbm", "rsrq": "rsrq_db", "snr": "snr_db", "sinr": "snr_db",
                 "rscp": "rscp_dbm"}.get(key)
        if field and number is not None:
            measured: Dict[str, Any] = {field: number}  # one of the float fields named above
            c.signals.append(SignalFact(tech, line=line.number, text=line.text, **measured))
        return True
    bare = re.match(r"^'(?P<v>-?[\d.]+)\s*(?:dBm|dB)?'$", text)
    if bare:  # 'LTE SNR:' / 'LTE RSRP:' followed by the value alone
        number = float(bare.group("v"))
        if "rsrp" in w.sub:
            c.signals.append(SignalFact("lte", rsrp_dbm=number, line=line.number, text=line.text))
        elif "snr" in w.sub:
            c.signals.append(SignalFact("lte", snr_db=number, line=line.number, text=line.text))
        return True
    return False


def _parse(lines: Sequence[Line]) -> Parsed[ModemSession]:
    c = Collector(KIND, "qmicli", lines)
    w = _Walk(c)
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        shell = _SHELL.search(text)
        if shell and "--" in shell.group("args"):
            w.flush_pin()
            args = shell.group("args")
            w.command = args
            ip = re.search(r"ip-type=(\d)", args)
            w.ip_family = int(ip.group(1)) if ip else (4 if "--wds-start-network" in args else None)
            c.commands.append(ModemCommand("qmicli " + args, line.number, line.text))
            w.section = ""
            device = _DEVICE_ARG.search(" " + args)
            w.device = device.group("dev") if device else ""
            continue
        answer = _FORMAT_ANSWER.match(text)
        # a bare '802-3'/'raw-ip' is only ever this option's answer: the extractor hands the
        # answer over without the command line, so no command shown is accepted as well
        if answer and (_EXPECTED.search(w.command) or (not w.command and text != "unknown")):
            value = text
            c.raw_ip_flags.append(RawIpFlag(w.wwan.get(w.device, ""), _FORMAT_RAW_IP.get(value), value,
                                            line.number, line.text))
            continue
        if _WWAN_IFACE.search(w.command) and re.match(r"^[\w.@-]+$", text) and w.device:
            w.wwan[w.device] = text
            continue
        if "-Warning **" in text or "transport type" in text:
            continue  # qmicli's own warnings about the port, harmless
        header = _HEADER.match(text)
        if header:
            what = header.group("what").strip()
            if TRANSPORT.search(what):
                c.transport.append(TransportFact(what, line.number, line.text))
                continue
            _on_header(w, what, line)
            continue
        error = _ERROR.match(text)
        if error:
            w.flush_pin()
            msg = error.group("msg")
            name = error.group("name") or ""
            w.section = "error"
            if TRANSPORT.search(msg) and not name:
                c.transport.append(TransportFact(msg, line.number, line.text))
            elif "start network" in msg:
                c.call_ends.append(CallEndFact(name or msg, ip_family=w.ip_family, line=line.number, text=line.text))
            else:
                if msg.startswith("cannot get expected data format"):
                    # the flag could not be read (no qmi_wwan behind the port): unknown, not 802.3
                    reason = msg.split(":", 1)[1].strip() if ":" in msg else msg
                    c.raw_ip_flags.append(RawIpFlag(w.wwan.get(w.device, ""), None, reason, line.number, line.text))
                code = error.group("code")
                c.errors.append(ErrorFact(msg.replace("couldn't ", ""), name or msg, int(code) if code else None,
                                          line.number, line.text))
                if name == "UimUninitialized":
                    c.sim.append(SimFact("not-initialized", name, line.number, line.text))
            continue
        end = _CALL_END.match(text)
        if end and c.call_ends:
            last = c.call_ends[-1]
            c.call_ends[-1] = CallEndFact(last.protocol_error, int(end.group("code")), end.group("name"),
                                          last.verbose_type, last.verbose_code, last.verbose_reason, last.ip_family,
                                          last.line, last.text)
            continue
        verbose = _VERBOSE.match(text)
        if verbose and c.call_ends:
            last = c.call_ends[-1]
            c.call_ends[-1] = CallEndFact(last.protocol_error, last.reason_code, last.reason, int(verbose.group("type")),
                                          int(verbose.group("code")), verbose.group("name"), last.ip_family,
                                          last.line, last.text)
            continue
        if "signal" in w.section and _signal_line(w, text, line):
            continue
        if text.startswith("Provisioning applications") or text.startswith("Slot [") \
                or text.startswith("Application [") or text.startswith("Primary") or text.startswith("Secondary"):
            continue
        if "card status" in w.section and re.match(r"^[0-9A-F]{2}(?::[0-9A-F]{2})+$", text):
            continue  # application ID bytes
        kv = _KV.match(text)
        if kv and _on_field(w, kv.group("key"), kv.group("value"), line):
            if kv.group("key").strip().lower() in ("current plmn",):
                w.sub = "current plmn"
            continue
        index = re.match(r"^\[\d+\]:\s*'(?P<v>[^']*)'", text)
        if index:
            if w.sub == "radio interfaces" and c.registrations:
                tech, reg = tech_of(index.group("v")), c.registrations[-1]
                if tech and not reg.tech:
                    c.registrations[-1] = RegistrationFact(reg.domain, reg.state, tech, reg.reject_cause,
                                                           reg.reject_source, reg.lac, reg.cell, reg.line, reg.text)
            continue
        c.unparsed.add(line, "not a qmicli line this parser knows")
    w.flush_pin()
    return c.result()


def parse(text: str) -> Parsed[ModemSession]:
    return _parse(number_lines(check_text(KIND, text)))


def parse_lines(lines: Sequence[Line]) -> Parsed[ModemSession]:
    return _parse(check_lines(KIND, lines))
