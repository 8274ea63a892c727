"""AT command transcripts: a terminal session (picocom, minicom, socat, ``echo > /dev/ttyUSB2``)
with the modem's echo, its responses, final result codes and unsolicited result codes.

    AT+CPIN?
    +CPIN: SIM PIN
    OK
    AT+CREG?
    +CREG: 2,3,"1234","01234567",6
    OK
    AT+CEER
    +CEER: "MM",11,"PLMN not allowed"

Read: identity (ATI, +CGMI/+CGMM/+CGMR/+CGSN, +GSN), SIM (+CPIN, +CME ERROR, ^CPIN, +QPINC,
!PINREM, ICCID in its vendor forms), signal (+CSQ, +CESQ, ^HCSQ, +QCSQ), registration
(+CREG/+CGREG/+CEREG/+C5GREG in read and URC forms, with n=3 reject causes), +COPS, PDP
contexts (+CGDCONT, +CGACT, +CGPADDR), +CEER, +CFUN, and vendor settings (Huawei ^SYSINFO,
^SYSCFG, ^SYSCFGEX, ^SETPORT; Quectel +QCFG "usbnet"/"nwscanmode", +QNWINFO; Sierra
!USBCOMP, !GSTATUS). Without echo (ATE0) responses are still read by their prefix; bare
responses (ATI, +CGMM) need the echoed command to be understood.
"""

from __future__ import annotations

import re
from typing import List, Optional, Sequence, Tuple

from ..model.common import Line, Parsed, number_lines
from ..model.modem import (
    CallEndFact,
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
from ._modem_common import (
    ACT_TECH,
    STAT_STATE,
    Collector,
    as_int,
    cme_error,
    split_fields,
    tech_of,
    unquote,
)

KIND = "at_transcript"
TITLE = "AT command transcript"

# A command line: 'AT...' possibly after a terminal prompt or a shell echo into the tty.
_COMMAND = re.compile(r'^(?:[>$#]\s*)?(?P<cmd>[Aa][Tt](?:[^\s"]|"[^"]*")*)\s*$')
_SHELL_AT = re.compile(r"""(?:echo|printf|atinout|sms_tool|comgt|gcom)\b.*?["'](?P<cmd>[Aa][Tt][^"'\\]*)""")
_FINAL = re.compile(r"^(?:OK|ERROR|NO CARRIER|BUSY|NO ANSWER|NO DIALTONE|COMMAND NOT SUPPORT)$")
_CME = re.compile(r"^\+CME ERROR:\s*(?P<err>.+)$")
_CMS = re.compile(r"^\+CMS ERROR:\s*(?P<err>.+)$")
_PREFIXED = re.compile(r"^(?P<prefix>[+^!$%][A-Za-z0-9]+|\*[A-Z]+)\s*:\s?(?P<rest>.*)$")
_CPIN_STATES = {
    "READY": "ready", "SIM PIN": "pin", "SIM PUK": "puk", "PH-SIM PIN": "pin", "PH-NET PIN": "pin",
    "SIM PIN2": "ready", "SIM PUK2": "ready", "NOT INSERTED": "absent", "NOT READY": "not-initialized",
}
_ATI_KEYS = {"manufacturer": "manufacturer", "model": "model", "revision": "revision", "imei": "imei",
             "imei sv": "", "svn": "", "+gcap": "", "meid": "", "esn": "", "fsn": "", "hardware version": ""}
_IDENT_COMMANDS = {"+CGMI": "manufacturer", "+GMI": "manufacturer", "+CGMM": "model", "+GMM": "model",
                   "+CGMR": "revision", "+GMR": "revision", "+CGSN": "imei", "+GSN": "imei", "+CIMI": "imsi",
                   "+QGMR": "revision", "^HWVER": "", "+CNUM": ""}
_ICCID_PREFIXES = ("+CCID", "^ICCID", "+QCCID", "+ICCID", "!ICCID", "+CICCID", "^SCID")
_CFUN = {0: "minimum functionality (radio off)", 1: "full functionality", 4: "radio off (flight mode)",
         5: "factory test mode", 6: "reset", 7: "offline"}
_SYSCFG_MODE = {2: ("auto", ()), 13: ("GSM only", ("gsm",)), 14: ("WCDMA only", ("umts",)), 16: ("no change", ())}
_SYSCFG_ORDER = {"00": "auto", "01": "gsm", "02": "umts", "03": "lte", "04": "cdma", "99": "no change"}
_QCFG_USBNET = {0: "qmi (rmnet)", 1: "ecm", 2: "mbim", 3: "rndis", 5: "ncm"}
_QCFG_SCAN = {0: ("auto", ()), 1: ("GSM only", ("gsm",)), 2: ("UMTS only", ("umts",)), 3: ("LTE only", ("lte",))}
_SYSINFO_SIM = {0: "failure", 1: "ready", 2: "failure", 3: "failure", 4: "failure", 240: "other", 255: "absent"}
_SYSINFO_MODE = {0: "", 1: "", 2: "", 3: "gsm", 4: "", 5: "umts", 6: "", 7: "lte", 8: "", 9: "lte", 15: "umts"}
# commands that start a data session; a +CME ERROR to them is a failed call
_CALL_COMMANDS = ("+CGACT", "+CGDATA", "D", "^NDISDUP", "$QCRMCALL", "+QIACT", "!SCACT", "^NDISCONN")
# +CME ERROR codes of 27.007 §9.2.2 that carry a TS 24.008 session-management cause
_CME_SM_CAUSE = {126: 26, 127: 27, 128: 28, 129: 29, 130: 30, 131: 31, 132: 32, 133: 33, 134: 34, 149: 29}
_REG_DOMAIN = {"+CREG": "cs", "+CGREG": "ps", "+CEREG": "eps", "+C5GREG": "5gs"}


def _base(command: str) -> str:
    """'AT+CREG?' -> '+CREG'; 'ATI' -> 'I'; 'AT^SYSCFGEX?' -> '^SYSCFGEX'."""
    body = command[2:].strip()
    match = re.match(r"^([+^!$%*#][A-Za-z0-9]+|[A-Za-z&][0-9]?)", body)
    return match.group(1).upper() if match else body.upper()


class _State:
    def __init__(self) -> None:
        self.command = ""  # the full AT command being answered ('' when none seen)
        self.base = ""
        self.block: List[Line] = []  # bare response lines of the current command
        self.gstatus = False
        self.usbcomp = False


def _sim(c: Collector, state: str, detail: str, line: Line) -> None:
    c.sim.append(SimFact(state, detail, line.number, line.text))


def _registration(c: Collector, prefix: str, rest: str, line: Line, command_base: str) -> bool:
    fields = split_fields(rest)
    values = [unquote(f) for f in fields]
    if not fields or as_int(fields[0]) is None:
        return False
    quoted_at = next((i for i, f in enumerate(fields) if f.startswith('"')), None)
    # Read form (+CREG?) starts with <n>; the URC does not. A quoted LAC/TAC shows which.
    if command_base == prefix and "?" in command_base + "?":
        read_form = len(fields) >= 2 and (quoted_at is None or quoted_at == 2)
    else:
        read_form = (quoted_at == 2) or (quoted_at is None and len(fields) == 2)
    if read_form:
        values = values[1:]
        fields = fields[1:]
    stat = as_int(values[0]) if values else None
    if stat is None:
        return False
    lac = values[1] if len(values) > 1 else ""
    cell = values[2] if len(values) > 2 else ""
    act = as_int(values[3]) if len(values) > 3 else None
    cause: Optional[int] = None
    if len(values) > 5 and as_int(values[4]) == 0:  # <cause_type> 0: a 24.008/24.301 cause
        cause = as_int(values[5])
    c.registrations.append(RegistrationFact(
        _REG_DOMAIN.get(prefix, "any"), STAT_STATE.get(stat, "unknown"), ACT_TECH.get(act, "") if act is not None else "",
        cause, "creg-n3" if cause is not None else "", lac, cell, line.number, line.text))
    return True


def _signal_csq(c: Collector, rest: str, line: Line) -> None:
    values = [as_int(v) for v in split_fields(rest)]
    rssi = values[0] if values else None
    if rssi is None:
        return
    if rssi == 99:
        c.signals.append(SignalFact("", no_signal=True, line=line.number, text=line.text))
    elif 0 <= rssi <= 31:
        c.signals.append(SignalFact("", rssi_dbm=float(-113 + 2 * rssi), line=line.number, text=line.text))
    elif 100 <= rssi <= 191:  # TD-SCDMA range
        c.signals.append(SignalFact("umts", rssi_dbm=float(-216 + rssi), line=line.number, text=line.text))


def _signal_cesq(c: Collector, rest: str, line: Line) -> None:
    v = [as_int(x) for x in split_fields(rest)]
    if len(v) < 6:
        return
    rxlev, _ber, rscp, _ecno, rsrq, rsrp = v[:6]
    fact = SignalFact("", line=line.number, text=line.text)
    if rsrp is not None and rsrp != 255:
        fact = SignalFact("lte", rsrp_dbm=float(-141 + rsrp),
                          rsrq_db=(-20.0 + rsrq / 2.0) if rsrq is not None and rsrq != 255 else None,
                          line=line.number, text=line.text)
    elif rscp is not None and rscp != 255:
        fact = SignalFact("umts", rscp_dbm=float(-121 + rscp), line=line.number, text=line.text)
    elif rxlev is not None and rxlev != 99:
        fact = SignalFact("gsm", rssi_dbm=float(-111 + rxlev), line=line.number, text=line.text)
    else:
        fact = SignalFact("", no_signal=True, line=line.number, text=line.text)
    c.signals.append(fact)


def _signal_vendor(c: Collector, prefix: str, rest: str, line: Line) -> None:
    fields = split_fields(rest)
    sysmode = unquote(fields[0]).upper() if fields else ""
    if sysmode in ("NOSERVICE", "NO SERVICE", "NOSERV", ""):
        c.signals.append(SignalFact("", no_signal=True, line=line.number, text=line.text))
        return
    nums = [as_int(f) for f in fields[1:]]
    tech = tech_of(sysmode)
    if prefix == "^HCSQ":
        # Huawei indices: rssi/rscp -120+v dBm, rsrp -140+v dBm, sinr -20+v*0.2 dB
        if tech == "lte" and len(nums) >= 3:
            c.signals.append(SignalFact("lte", rssi_dbm=_off(nums[0], -120), rsrp_dbm=_off(nums[1], -140),
                                        snr_db=(-20 + nums[2] * 0.2) if nums[2] is not None else None,
                                        line=line.number, text=line.text))
        elif len(nums) >= 2:
            c.signals.append(SignalFact(tech, rssi_dbm=_off(nums[0], -120), rscp_dbm=_off(nums[1], -120),
                                        line=line.number, text=line.text))
        return
    # Quectel +QCSQ: values already in dBm; LTE SINR is reported as 5*dB+100
    if tech == "lte" and len(nums) >= 3:
        c.signals.append(SignalFact("lte", rssi_dbm=_f(nums[0]), rsrp_dbm=_f(nums[1]),
                                    snr_db=(nums[2] / 5.0 - 20) if nums[2] is not None else None,
                                    rsrq_db=_f(nums[3]) if len(nums) > 3 else None, line=line.number, text=line.text))
    elif nums:
        c.signals.append(SignalFact(tech, rssi_dbm=_f(nums[0]), line=line.number, text=line.text))


def _off(value: Optional[int], base: int) -> Optional[float]:
    if value is None or value == 255:
        return None
    return float(base + value)


def _f(value: Optional[int]) -> Optional[float]:
    return float(value) if value is not None else None


def _cops(c: Collector, rest: str, line: Line) -> None:
    v = [unquote(f) for f in split_fields(rest)]
    mode = as_int(v[0]) if v else None
    selection = {0: "automatic", 1: "manual", 2: "deregistered", 4: "manual"}.get(mode or 0, "") if mode is not None else ""
    name = v[2] if len(v) > 2 else ""
    fmt = as_int(v[1]) if len(v) > 1 else None
    act = as_int(v[3]) if len(v) > 3 else None
    c.operators.append(OperatorFact(
        name if fmt != 2 else "", name if fmt == 2 else "", ACT_TECH.get(act, "") if act is not None else "",
        selection, line.number, line.text))


def _ceer(c: Collector, rest: str, line: Line, command: str) -> None:
    fields = [unquote(f) for f in split_fields(rest)]
    domain = fields[0].upper() if fields else ""
    code = as_int(fields[1]) if len(fields) > 1 else None
    text = fields[-1] if fields else ""
    if domain in ("MM", "EMM", "GMM") and code is not None:
        c.registrations.append(RegistrationFact("any", "denied", "", code, "ceer", line=line.number, text=line.text))
    elif domain in ("SM", "ESM") and code is not None:
        c.call_ends.append(CallEndFact("", None, text, 6, code, text.lower().replace(" ", "-"), None, line.number, line.text))
    elif text and text.lower() not in ("no cause information available", "none", "no report available", "normal"):
        match = re.search(r"cause\D{0,3}(\d+)", rest, re.I)
        c.errors.append(ErrorFact(command or "AT+CEER", text, int(match.group(1)) if match else None, line.number, line.text))


def _cpin_vendor(c: Collector, prefix: str, rest: str, line: Line) -> None:
    fields = [unquote(f) for f in split_fields(rest)]
    if prefix == "^CPIN" and fields:
        # ^CPIN: <code>,[<times>],<puk_times>,<pin_times>,<puk2_times>,<pin2_times>
        code = fields[0].upper()
        if code in _CPIN_STATES:
            _sim(c, _CPIN_STATES[code], fields[0], line)
        puk = as_int(fields[2]) if len(fields) > 2 else None
        pin = as_int(fields[3]) if len(fields) > 3 else None
        c.pins.append(PinFact("", pin, puk, line.number, line.text))
    elif prefix == "+QPINC" and len(fields) >= 3 and fields[0].upper() == "SC":
        c.pins.append(PinFact("", as_int(fields[1]), as_int(fields[2]), line.number, line.text))
    elif prefix == "!PINREM":
        pairs = dict(zip(fields[0::2], fields[1::2]))
        if "PIN1" in pairs or "PUK1" in pairs:
            c.pins.append(PinFact("", as_int(pairs.get("PIN1", "")), as_int(pairs.get("PUK1", "")), line.number, line.text))


def _pdp(c: Collector, prefix: str, rest: str, line: Line) -> None:
    fields = [unquote(f) for f in split_fields(rest)]
    cid = as_int(fields[0]) if fields else None
    if cid is None:
        return
    if prefix == "+CGDCONT":
        c.contexts.append(PdpContextFact(cid, fields[1].upper() if len(fields) > 1 else "",
                                         fields[2] if len(fields) > 2 else "", None, fields[3] if len(fields) > 3 else "",
                                         line.number, line.text))
    elif prefix == "+CGACT" and len(fields) > 1:
        state = as_int(fields[1])
        c.contexts.append(PdpContextFact(cid, active=bool(state) if state is not None else None,
                                         line=line.number, text=line.text))
    elif prefix == "+CGPADDR":
        address = ",".join(f for f in fields[1:] if f)
        c.contexts.append(PdpContextFact(cid, address=address, active=True if address and address != "0.0.0.0" else None,
                                         line=line.number, text=line.text))


def _setting(c: Collector, kind: str, name: str, value: str, meaning: str, line: Line,
             techs: Tuple[str, ...] = ()) -> None:
    c.settings.append(SettingFact(kind, name, value, meaning, techs, line.number, line.text))


def _vendor(c: Collector, prefix: str, rest: str, line: Line) -> bool:
    fields = [unquote(f) for f in split_fields(rest)]
    if prefix == "^SYSINFO" and len(fields) >= 5:
        srv = as_int(fields[0])
        sim = as_int(fields[4])
        mode = as_int(fields[3])
        # 'valid' (1) is said of a SIM that still waits for its PIN: only the bad states count
        if sim is not None and _SYSINFO_SIM.get(sim, "ready") != "ready":
            _sim(c, _SYSINFO_SIM[sim], "^SYSINFO sim_state %d" % sim, line)
        if srv is not None:
            state = {0: "searching", 1: "denied", 2: "home", 3: "denied", 4: "not-registered"}.get(srv, "unknown")
            roam = as_int(fields[2]) if len(fields) > 2 else None
            if state == "home" and roam == 1:
                state = "roaming"
            c.registrations.append(RegistrationFact("any", state, _SYSINFO_MODE.get(mode or 0, ""),
                                                    line=line.number, text=line.text))
        return True
    if prefix == "^SYSCFG" and fields:
        mode = as_int(fields[0])
        order = fields[1] if len(fields) > 1 else ""
        meaning, techs = _SYSCFG_MODE.get(mode or -1, ("", ()))
        if mode == 2 and order in ("1", "2"):
            meaning = "auto, %s preferred" % ("GSM" if order == "1" else "WCDMA")
        _setting(c, "mode", "SYSCFG", rest.strip(), meaning or "mode %s" % fields[0], line, techs)
        return True
    if prefix == "^SYSCFGEX" and fields:
        order = fields[0]
        parts = [order[i:i + 2] for i in range(0, len(order), 2)]
        techs = tuple(_SYSCFG_ORDER[p] for p in parts if p in _SYSCFG_ORDER and _SYSCFG_ORDER[p] in ("gsm", "umts", "lte"))
        meaning = "auto" if order in ("00", "") else " then ".join(_SYSCFG_ORDER.get(p, p) for p in parts)
        _setting(c, "mode", "SYSCFGEX", rest.strip(), meaning, line, () if order == "00" else techs)
        return True
    if prefix == "^SIMST" and fields:
        # Huawei SIM state URC: 0 invalid, 1 valid, 255 no SIM (1 is no PIN proof: not recorded)
        simst = as_int(fields[0])
        sim_state = {0: "failure", 255: "absent"}.get(simst if simst is not None else -1)
        if sim_state:
            _sim(c, sim_state, "^SIMST " + fields[0], line)
        return True
    if prefix == "^SETPORT":
        _setting(c, "usb", "SETPORT", rest.strip(), "", line)
        return True
    if prefix == "+QCFG" and fields:
        name = fields[0].lower()
        value = as_int(fields[1]) if len(fields) > 1 else None
        if name == "usbnet":
            _setting(c, "usb", "usbnet", fields[1] if len(fields) > 1 else "", _QCFG_USBNET.get(value if value is not None else -1, ""), line)
        elif name == "nwscanmode":
            meaning, techs = _QCFG_SCAN.get(value if value is not None else -1, ("", ()))
            _setting(c, "mode", "nwscanmode", fields[1] if len(fields) > 1 else "", meaning, line, techs)
        else:
            _setting(c, "vendor", name, ",".join(fields[1:]), "", line)
        return True
    if prefix == "+QNWINFO" and fields:
        if fields[0].lower() in ("no service", "noservice"):
            c.registrations.append(RegistrationFact("any", "searching", line=line.number, text=line.text))
        else:
            c.operators.append(OperatorFact("", fields[1] if len(fields) > 1 else "", tech_of(fields[0]), "",
                                            line.number, line.text))
        return True
    if prefix == "!USBCOMP":
        return True  # the lines that follow carry the values
    return False


def _usbcomp_line(c: Collector, text: str, line: Line) -> bool:
    match = re.match(r"^Interface bitmask:\s*(?P<mask>[0-9A-Fa-f]+)\s*(?:\((?P<names>[^)]*)\))?", text)
    if match:
        names = match.group("names") or ""
        meaning = "mbim" if "mbim" in names.lower() else "qmi (rmnet)" if "rmnet" in names.lower() else names
        _setting(c, "usb", "USBCOMP", match.group("mask"), meaning, line)
        return True
    return bool(re.match(r"^Config (?:Index|Type):", text))


def _gstatus_line(c: Collector, text: str, line: Line) -> bool:
    """One line of Sierra's !GSTATUS? table: tab-separated 'Key: value' pairs."""
    pairs = re.findall(r"([A-Za-z][A-Za-z0-9 ()]*?):\s+([^\t]+?)(?=\t|$)", text)
    for key, value in pairs:
        key = key.strip().lower()
        value = value.strip()
        if key == "system mode":
            if value.upper() in ("NO SERVICE", "NONE"):
                c.registrations.append(RegistrationFact("any", "searching", line=line.number, text=line.text))
            else:
                c.operators.append(OperatorFact("", "", tech_of(value), "", line.number, line.text))
        elif key == "rsrp (dbm)" and value.split():
            number = as_int(value.split()[0])
            if number is not None:
                c.signals.append(SignalFact("lte", rsrp_dbm=float(number), line=line.number, text=line.text))
    return bool(pairs)


def _response(c: Collector, st: _State, text: str, line: Line) -> bool:
    """One non-command, non-final line. True when understood."""
    match = _PREFIXED.match(text)
    if match:
        prefix = match.group("prefix").upper()
        rest = match.group("rest")
        if prefix == "+CPIN":
            word = rest.strip().strip('"').upper()
            _sim(c, _CPIN_STATES.get(word, "other"), rest.strip(), line)
            return True
        if prefix in ("^CPIN", "+QPINC", "!PINREM"):
            _cpin_vendor(c, prefix, rest, line)
            return True
        if prefix in _ICCID_PREFIXES:
            c.ident("iccid", unquote(rest.strip()), line)
            return True
        if prefix == "+CSQ":
            _signal_csq(c, rest, line)
            return True
        if prefix == "+CESQ":
            _signal_cesq(c, rest, line)
            return True
        if prefix in ("^HCSQ", "+QCSQ"):
            _signal_vendor(c, prefix, rest, line)
            return True
        if prefix in _REG_DOMAIN:
            return _registration(c, prefix, rest, line, st.base)
        if prefix == "+COPS":
            if "(" in rest:  # AT+COPS=? scan result, not the current operator
                return True
            _cops(c, rest, line)
            return True
        if prefix == "+CEER":
            _ceer(c, rest, line, st.command)
            return True
        if prefix in ("+CGDCONT", "+CGACT", "+CGPADDR"):
            _pdp(c, prefix, rest, line)
            return True
        if prefix == "+CFUN":
            cfun = as_int(split_fields(rest)[0])
            if cfun is not None:
                _setting(c, "cfun", "CFUN", str(cfun), _CFUN.get(cfun, ""), line)
            return True
        if prefix in _IDENT_COMMANDS:
            named = _IDENT_COMMANDS[prefix]
            if named:
                c.ident(named, unquote(rest), line)
            return True
        if prefix in ("+GCAP", "+CMEE", "+CSCS", "+CMGF", "+CLCK"):
            return True
        if prefix == "!GSTATUS":
            st.gstatus = True
            return True
        if _vendor(c, prefix, rest, line):
            st.usbcomp = prefix == "!USBCOMP"
            return True
        return False
    if (st.usbcomp or st.base == "!USBCOMP") and _usbcomp_line(c, text, line):
        return True
    if (st.gstatus or st.base == "!GSTATUS") and _gstatus_line(c, text, line):
        return True
    # Bare lines: their meaning comes from the command they answer.
    if st.base == "I" or re.match(r"^I\d?$", st.base):
        key, sep, value = text.partition(":")
        field = _ATI_KEYS.get(key.strip().lower())
        if sep and field is not None:
            if field:
                c.ident(field, value, line)
            return True
        if not sep:
            # plain ATI (Quectel, Sierra): manufacturer, model, then revision lines
            st.block.append(line)
            if len(st.block) <= 2:
                c.ident(("manufacturer", "model")[len(st.block) - 1], text, line)
            return True
        return False
    if not st.base:
        # an ATI answer pasted without its command: only its 'Key: value' lines are sure
        key, sep, value = text.partition(":")
        field = _ATI_KEYS.get(key.strip().lower())
        if sep and field is not None:
            if field:
                c.ident(field, value, line)
            return True
        return False
    if st.base in _IDENT_COMMANDS:
        field = _IDENT_COMMANDS[st.base]
        if field:
            c.ident(field, text, line)
        return True
    if st.base in ("^ICCID", "+CCID", "+QCCID", "+ICCID", "!ICCID") and re.match(r"^[0-9A-Fa-f]{18,22}$", text):
        c.ident("iccid", text, line)
        return True
    return False


def _error(c: Collector, st: _State, text: str, line: Line) -> None:
    cme = _CME.match(text)
    if cme:
        raw = cme.group("err").strip()
        number = as_int(raw)
        code, entry = cme_error(number, "" if number is not None else raw)
        c.errors.append(ErrorFact(st.command, entry.get("text", raw) if number is not None else raw, code,
                                  line.number, line.text))
        sim_state = entry.get("sim")
        if sim_state and st.base in ("+CPIN", "^CPIN", "+CIMI", "^ICCID", "+CCID", "+QCCID", "+ICCID",
                                     "!ICCID", "+CRSM", "+QPINC", "!PINREM", ""):  # not +CLCK: its errors are about the lock operation
            _sim(c, sim_state, raw, line)
        if st.base in _CALL_COMMANDS:
            sm_cause = _CME_SM_CAUSE.get(code) if code is not None else None
            c.call_ends.append(CallEndFact("+CME ERROR", None, entry.get("text", raw), 6 if sm_cause else None, sm_cause,
                                           "", None, line.number, line.text))
        return
    cms = _CMS.match(text)
    if cms:
        c.errors.append(ErrorFact(st.command, cms.group("err").strip(), as_int(cms.group("err")), line.number, line.text))
        return
    if text == "ERROR" and st.command:
        c.errors.append(ErrorFact(st.command, "ERROR", None, line.number, line.text))


def _parse(lines: Sequence[Line]) -> Parsed[ModemSession]:
    c = Collector(KIND, "at", lines)
    st = _State()
    for line in lines:
        text = line.text.strip().replace("\r", "")
        if not text:
            continue
        shell = _SHELL_AT.search(text)
        command = _COMMAND.match(text)
        if command or shell:
            cmd = (command.group("cmd") if command else shell.group("cmd")).strip()  # type: ignore[union-attr]
            st = _State()
            st.command = cmd
            st.base = _base(cmd)
            c.commands.append(ModemCommand(cmd, line.number, line.text))
            continue
        if _FINAL.match(text):
            if text != "OK":
                _error(c, st, text, line)
            elif st.base == "+CPIN" and "=" in st.command:
                _sim(c, "ready", "PIN accepted (%s answered OK)" % st.command.split("=")[0], line)
            st.gstatus = st.usbcomp = False
            st.block = []
            continue
        if _CME.match(text) or _CMS.match(text):
            _error(c, st, text, line)
            continue
        if re.search(r"timed? ?out|no (?:answer|response) from|Device or resource busy|Input/output error", text, re.I) \
                and not _PREFIXED.match(text):
            c.transport.append(TransportFact(text, line.number, line.text))
            continue
        if not _response(c, st, text, line):
            if text in ("RDY", "PB DONE", "SMS DONE", "^SIMST: 1", "Call Ready", "SMS Ready") or text.startswith("^"):
                continue  # boot and status URCs that carry nothing a diagnosis needs
            c.unparsed.add(line, "not an AT response this parser knows")
    return c.result()


def parse(text: str) -> Parsed[ModemSession]:
    return _parse(number_lines(check_text(KIND, text)))


def parse_lines(lines: Sequence[Line]) -> Parsed[ModemSession]:
    return _parse(check_lines(KIND, lines))
