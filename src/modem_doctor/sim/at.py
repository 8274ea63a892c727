"""AT modem simulator: bytes from the host in, bytes to the host out.

API (transport-independent; no threads, no file descriptors)::

    from modem_doctor.sim.at import AtModem
    modem = AtModem("mu609", "ready")          # or AtModem(state=shared_state)
    out = modem.feed(b"ATE0\\r")                # echo (if on) + responses + queued URCs
    later = modem.take_unsolicited()           # URCs raised since, for a poll loop
    modem.reset_requested, modem.state.composition   # after AT^RESET, AT+CFUN=1,1, AT!RESET

Behaviour: characters are echoed while E1 (the default); a command line ends with CR;
LF and empty lines are ignored; backspace edits the line. Several commands may share a
line (``ATE0V1+CMEE=2;+CREG?``); the first failure ends the line. Results are V1 text
(``\\r\\nOK\\r\\n``) or, after ATV0, numeric codes. Errors follow AT+CMEE: 0 ``ERROR``,
1 ``+CME ERROR: <n>``, 2 ``+CME ERROR: <text>`` (3GPP TS 27.007 section 9.2). Unknown
commands answer ``ERROR``. Registration URCs (+CREG/+CGREG/+CEREG) follow the n set with
``AT+CxREG=n``: 1 stat, 2 with location and AcT, 3 with the reject cause where TS 27.007
defines it; Huawei ^RSSI follows ``AT^CURC``.

Vendor dialects (profile ``at.dialect``): huawei (^SETPORT, ^SYSCFG, ^SYSCFGEX, ^SYSINFO,
^SYSINFOEX, ^HCSQ, ^CPIN, ^ICCID, ^NDISDUP, ^NDISSTATQRY, ^DHCP, ^CURC, ^RESET), quectel
(+QCFG "usbnet"/"nwscanmode", +QNWINFO, +QCSQ, +QENG "servingcell", +QPINC, +QCCID) and
sierra (!ENTERCND, !USBCOMP, !RESET, !GSTATUS, !SELRAT, !PINREM, !ICCID). Output of
vendor commands follows their manuals' shape; details a real modem adds are left out.
``+CEER`` answers ``+CEER: "<domain>",<cause>,"<text>"`` (our own compact form).
"""

from __future__ import annotations

import ipaddress
import re
import time
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from .profiles import Profile, Scenario, causes
from .state import MODE_TECHS, ModemState

Result = Tuple[List[str], Any]  # (information lines, "OK" | "ERROR" | ("CME", code) | raw final text)
OK = "OK"
ERROR = "ERROR"

ACT_27007 = {"gsm": 3, "umts": 6, "lte": 7}
REG_STAT = {"idle": 0, "home": 1, "searching": 2, "denied": 3, "roaming": 5}


def cme(code: int) -> Tuple[str, int]:
    return ("CME", code)


def split_args(text: str) -> List[str]:
    """Split ``1,"IP","a,b"`` into ['1', 'IP', 'a,b'] (quotes removed, spaces trimmed)."""
    args: List[str] = []
    cur: List[str] = []
    quoted, had_quotes = False, False
    for ch in text:
        if ch == '"':
            quoted = not quoted
            had_quotes = True
        elif ch == "," and not quoted:
            args.append("".join(cur) if had_quotes else "".join(cur).strip())
            cur, had_quotes = [], False
        else:
            cur.append(ch)
    args.append("".join(cur) if had_quotes else "".join(cur).strip())
    return args


def _int(text: str, default: Optional[int] = None) -> Optional[int]:
    try:
        return int(text, 10)
    except (TypeError, ValueError):
        return default


def _clamp(value: float, low: int, high: int) -> int:
    return int(max(low, min(high, round(value))))


class AtModem:
    """A simulated AT command port."""

    def __init__(self, profile: Union[str, Profile] = "mu609", scenario: Union[str, Scenario] = "ready",
                 state: Optional[ModemState] = None, overrides: Optional[Dict[str, Any]] = None) -> None:
        self.state = state if state is not None else ModemState(profile, scenario, overrides)
        self.profile = self.state.profile
        self.dialect = self.profile.dialect
        self.at_conf: Dict[str, Any] = dict(self.profile.data.get("at", {}))
        self.log: List[str] = []
        self._line = bytearray()
        self._pending = bytearray()
        self._hung_until = 0.0
        self._delayed: Optional[Tuple[float, bytes]] = None  # boot URCs: (not before, bytes)
        self._defaults()
        self._snapshot = self._reg_snapshot()
        self.state.on_reset.append(self._after_reset)
        self.commands = self._command_table()

    def _defaults(self) -> None:
        self.echo = True
        self.verbose = True
        self.quiet = False
        self.cmee = int(self.at_conf.get("cmee", 0))
        self.reg_n = {"CREG": 0, "CGREG": 0, "CEREG": 0}
        self.curc = 1
        self.cops_format = 0
        self.unlocked = False

    # --- public API ---------------------------------------------------------------------------
    @property
    def reset_requested(self) -> bool:
        return self.state.reset_requested

    def feed(self, data: bytes) -> bytes:
        """Process host bytes; returns echo, responses and any URCs now due."""
        if time.monotonic() < self._hung_until or self.state.port_silent("at"):
            return b""  # a crashed firmware: no echo, no answer
        out = bytearray()
        for byte in bytes(data):
            if self.echo:
                out.append(byte)
            if byte == 0x0D:
                line = self._line.decode("latin-1")
                self._line.clear()
                out += self._run_line(line)
                if time.monotonic() < self._hung_until:
                    break
            elif byte == 0x0A:
                continue
            elif byte in (0x08, 0x7F):
                if self._line:
                    del self._line[-1]
            else:
                self._line.append(byte)
                if len(self._line) > 2048:  # modems drop overlong lines
                    self._line.clear()
        out += self.take_unsolicited()
        return bytes(out)

    def take_unsolicited(self) -> bytes:
        """URCs raised since the last call (empty while the host is typing a line)."""
        if not self._line:
            self._check_registration()  # changes made through another port or by a timed event
        if self._delayed and time.monotonic() >= self._delayed[0]:
            self._pending += self._delayed[1]
            self._delayed = None
        if self._line or not self._pending:
            return b""
        data = bytes(self._pending)
        self._pending.clear()
        return data

    def urc(self, text: str) -> None:
        """Queue an unsolicited result line."""
        self._pending += f"\r\n{text}\r\n".encode("latin-1")

    # --- line handling ---------------------------------------------------------------------------
    def _run_line(self, raw: str) -> bytes:
        line = raw.strip()
        if not line:
            return b""
        if line.upper() == "A/":
            line = getattr(self, "_last_line", "AT")
        if not line[:2].upper() == "AT":
            return b""
        self._last_line = line
        body = line[2:]
        lines: List[str] = []
        final: Any = OK
        for command in self._split_commands(body):
            if command is None:
                final = ERROR
                break
            self.log.append(command)
            info, final = self._execute(command)
            lines.extend(info)
            if final != OK:
                break
        self._check_registration()
        return self._format(lines, final)

    @staticmethod
    def _split_commands(body: str) -> List[Optional[str]]:
        commands: List[Optional[str]] = []
        i = 0
        while i < len(body):
            ch = body[i]
            if ch in " ;":
                i += 1
                continue
            if ch in "+^!$%#*":
                j, quoted = i, False
                while j < len(body) and (quoted or body[j] != ";"):
                    if body[j] == '"':
                        quoted = not quoted
                    j += 1
                commands.append(body[i:j])
                i = j + 1
                continue
            if ch == "&" or ch.isalpha():
                j = i + (2 if ch == "&" else 1)
                if ch.upper() == "S" and ch != "&":
                    match = re.match(r"[Ss]\d+(=\d*|\?)?", body[i:])
                    j = i + (match.end() if match else 1)
                else:
                    while j < len(body) and body[j].isdigit():
                        j += 1
                commands.append(body[i:j])
                i = j
                continue
            commands.append(None)
            break
        return commands

    def _format(self, lines: List[str], final: Any) -> bytes:
        if isinstance(final, tuple) and final[0] == "CME":
            if self.cmee == 0:
                final_text = ERROR
            elif self.cmee == 1:
                final_text = f"+CME ERROR: {final[1]}"
            else:
                final_text = "+CME ERROR: " + causes().get("cme", {}).get(str(final[1]), "unknown")
        else:
            final_text = str(final)
        if self.quiet:
            final_text = ""
        if self.verbose:
            out = "".join(f"\r\n{text}" for text in lines) + ("\r\n" if lines else "")
            if final_text:
                out += f"\r\n{final_text}\r\n"
        else:
            out = "".join(f"{text}\r\n" for text in lines)
            codes = {OK: "0", ERROR: "4", "NO CARRIER": "3", "CONNECT": "1"}
            if final_text:
                out += (codes.get(final_text, final_text) + "\r") if final_text in codes else final_text + "\r\n"
        return out.encode("latin-1", "replace")

    def _execute(self, command: str) -> Result:
        upper = command.upper()
        if command[0] == "&" or command[0].isalpha():
            return self._basic(upper)
        match = re.match(r"([+^!$%#*][A-Z0-9_]+)(=\?|\?|=)?(.*)$", command, re.IGNORECASE)
        if not match:
            return [], ERROR
        name = match.group(1).upper()
        sep = match.group(2) or ""
        mode = {"": "exec", "?": "read", "=?": "test", "=": "set"}[sep]
        handler = self.commands.get(name)
        if handler is None:
            return [], ERROR
        hang = self.at_conf.get("hangs", {}).get(name)
        if hang:  # e.g. AT^GETPORTMODE on MU609 firmware: the port stops answering
            self._hung_until = time.monotonic() + float(hang)
            return [], ""
        try:
            return handler(mode, match.group(3) if mode == "set" else "")
        except (ValueError, IndexError, KeyError, TypeError) as error:
            # A malformed argument must give ERROR, never kill the port's serving loop.
            self.log.append(f"{command}: {error!r}")
            return [], ERROR

    def _basic(self, cmd: str) -> Result:
        letter = cmd[:2] if cmd.startswith("&") else cmd[:1]
        value = cmd[len(letter):]
        number = _int(value, 0) if value and value.isdigit() else 0
        if letter == "E":
            self.echo = number == 1
        elif letter == "V":
            self.verbose = number == 1
        elif letter == "Q":
            self.quiet = number == 1
        elif letter in ("Z", "&F"):
            self._defaults()
        elif letter == "I":
            return [self.state.format(line) for line in self.profile.data.get("ati", [])], OK
        elif letter in ("X", "&C", "&D", "&W", "H", "L", "M", "&V", "S"):
            if letter == "S" and value.endswith("?"):
                return ["013" if value.startswith("3") else "000"], OK
        else:
            return [], ERROR
        return [], OK

    # --- registration bookkeeping ----------------------------------------------------------------
    def _reg_snapshot(self) -> Tuple[str, Optional[str]]:
        return self.state.registration()[0], self.state.serving_tech()

    def _check_registration(self) -> None:
        snap = self._reg_snapshot()
        if snap == self._snapshot:
            return
        self._snapshot = snap
        for name, n in self.reg_n.items():
            if n and self._reg_supported(name):
                self.urc(f"+{name}: " + self._reg_fields(name, n, urc=True))
        if self.dialect == "huawei" and self.curc:
            self.urc(f"^RSSI:{self._csq()[0]}")

    def _after_reset(self, state: ModemState) -> None:
        self._defaults()
        self._line.clear()
        # The module reboots: its start-up URCs arrive a little after the OK.
        lines = [self.state.format(t) for t in self.at_conf.get("boot_urcs", [])]
        if lines:
            data = "".join(f"\r\n{line}\r\n" for line in lines).encode("latin-1")
            self._delayed = (time.monotonic() + float(self.at_conf.get("boot_delay", 0.5)), data)

    # --- shared value helpers -----------------------------------------------------------------------
    def sim_gate(self, allow_pin: bool = False) -> Optional[Tuple[str, int]]:
        """The CME error that stops a SIM-dependent command, or None."""
        sim = self.state.sim_state()
        if sim == "ready":
            return None
        if sim == "absent":
            return cme(10)
        if sim == "pin":
            return None if allow_pin else cme(11)
        if sim == "puk":
            return None if allow_pin else cme(12)
        return cme(13)

    def _csq(self) -> Tuple[int, int]:
        sig = self.state.signal()
        if "rssi" not in sig:
            return 99, 99
        return _clamp((int(sig["rssi"]) + 113) / 2, 0, 31), 99

    def _reg_supported(self, name: str) -> bool:
        return name != "CEREG" or "lte" in self.profile.technologies

    def _reg_fields(self, name: str, n: int, urc: bool) -> str:
        reg, cause = self.state.registration()
        tech = self.state.serving_tech()
        stat = REG_STAT.get(reg, 4)
        if name == "CEREG" and reg in ("home", "roaming") and tech != "lte":
            stat = 0
        fields = [] if urc else [str(n)]
        fields.append(str(stat))
        if n >= 2:
            net = self.state.s["network"]
            if stat in (1, 5) or (stat == 3 and tech):
                area = int(net.get("tac" if tech == "lte" else "lac", 0))
                fields += [f'"{area:04X}"', f'"{int(net.get("cell_id", 0)):08X}"', str(ACT_27007.get(tech or "", 0))]
                if name == "CGREG":
                    fields.append(f'"{int(net.get("rac", 0)):02X}"')
            elif n >= 3 and stat == 3:
                fields += ["", "", ""] + ([""] if name == "CGREG" else [])
        if n >= 3 and stat == 3 and cause is not None:
            fields += ["0", str(cause)]
        return ",".join(fields)

    # --- command table -------------------------------------------------------------------------------
    def _command_table(self) -> Dict[str, Callable[[str, str], Result]]:
        table: Dict[str, Callable[[str, str], Result]] = {
            "+CGMI": self._ident("manufacturer"), "+GMI": self._ident("manufacturer"),
            "+CGMM": self._ident("model"), "+GMM": self._ident("model"),
            "+CGMR": self._ident("revision"), "+GMR": self._ident("revision"),
            "+CGSN": self._ident("imei"), "+GSN": self._ident("imei"),
            "+GCAP": self.c_gcap, "+CIMI": self.c_cimi, "+CCID": self.c_ccid, "+CNUM": self.c_cnum,
            "+CPIN": self.c_cpin, "+CPINR": self.c_cpinr, "+CLCK": self.c_clck,
            "+CSQ": self.c_csq, "+CESQ": self.c_cesq,
            "+CREG": self._reg("CREG"), "+CGREG": self._reg("CGREG"),
            "+COPS": self.c_cops, "+CGDCONT": self.c_cgdcont, "+CGACT": self.c_cgact,
            "+CGATT": self.c_cgatt, "+CGAUTH": self.c_cgauth, "+CGPADDR": self.c_cgpaddr, "+CEER": self.c_ceer,
            "+CFUN": self.c_cfun, "+CMEE": self.c_cmee, "+CSCS": self.c_cscs,
        }
        if "lte" in self.profile.technologies:
            table["+CEREG"] = self._reg("CEREG")
        if self.dialect == "huawei":
            table.update({
                "^SETPORT": self.h_setport, "^SYSCFG": self.h_syscfg, "^SYSCFGEX": self.h_syscfgex,
                "^SYSINFO": self.h_sysinfo, "^SYSINFOEX": self.h_sysinfoex, "^HCSQ": self.h_hcsq,
                "^CPIN": self.h_cpin, "^ICCID": self.h_iccid, "^NDISDUP": self.h_ndisdup,
                "^NDISSTATQRY": self.h_ndisstatqry, "^DHCP": self.h_dhcp, "^CURC": self.h_curc,
                "^RESET": self._reset_cmd, "^GETPORTMODE": self.h_getportmode,
            })
        elif self.dialect == "quectel":
            table.update({
                "+QCFG": self.q_qcfg, "+QNWINFO": self.q_qnwinfo, "+QCSQ": self.q_qcsq,
                "+QENG": self.q_qeng, "+QPINC": self.q_qpinc, "+QCCID": self.q_qccid,
                "+QGMR": self._ident("revision"),
            })
        elif self.dialect == "sierra":
            table.update({
                "!ENTERCND": self.s_entercnd, "!USBCOMP": self.s_usbcomp, "!RESET": self._reset_cmd,
                "!GSTATUS": self.s_gstatus, "!SELRAT": self.s_selrat, "!PINREM": self.s_pinrem,
                "!ICCID": self.s_iccid,
            })
        return table

    # --- generic 27.007 ---------------------------------------------------------------------------------
    def _ident(self, key: str) -> Callable[[str, str], Result]:
        def handler(mode: str, args: str) -> Result:
            if mode == "test":
                return [], OK
            if mode != "exec":
                return [], ERROR
            return [self.state.ident(key)], OK
        return handler

    def c_gcap(self, mode: str, args: str) -> Result:
        return [str(self.profile.data.get("gcap", "+GCAP: +CGSM"))], OK

    def c_cimi(self, mode: str, args: str) -> Result:
        if mode == "test":
            return [], OK
        gate = self.sim_gate()
        if gate:
            return [], gate
        return [str(self.state.sim.get("imsi", ""))], OK

    def _iccid(self) -> Tuple[Optional[str], Any]:
        gate = self.sim_gate(allow_pin=True)
        if gate:
            return None, gate
        return str(self.state.sim.get("iccid", "")), OK

    def c_ccid(self, mode: str, args: str) -> Result:
        iccid, final = self._iccid()
        return ([f"+CCID: {iccid}"] if iccid else []), final

    def c_cnum(self, mode: str, args: str) -> Result:
        gate = self.sim_gate()
        if gate:
            return [], gate
        number = self.state.sim.get("msisdn")
        return ([f'+CNUM: ,"{number}",145'] if number else []), OK

    def c_cpin(self, mode: str, args: str) -> Result:
        sim = self.state.sim_state()
        if mode == "test":
            return [], OK
        if mode == "read":
            if sim == "absent":
                return [], cme(10)
            if sim == "blocked":
                return [], cme(13)
            code = {"ready": "READY", "pin": "SIM PIN", "puk": "SIM PUK"}.get(sim, "READY")
            return [f"+CPIN: {code}"], OK
        if mode != "set":
            return [], ERROR
        values = split_args(args)
        if sim == "absent":
            return [], cme(10)
        if sim == "blocked":
            return [], cme(13)
        if sim == "pin":
            ok, _ = self.state.verify_pin(values[0])
        elif sim == "puk":
            if len(values) < 2:
                return [], cme(12)
            ok, _ = self.state.unblock_pin(values[0], values[1])
        else:
            return [], cme(3)  # nothing to enter
        if ok:
            if self.dialect == "quectel":
                self.urc("+CPIN: READY")
            return [], OK
        return [], cme(16)

    def c_cpinr(self, mode: str, args: str) -> Result:
        if mode == "test":
            return [], OK
        sim = self.state.sim
        if self.state.sim_state() == "absent":
            return [], cme(10)
        rows = [("SIM PIN", sim.get("pin_retries", 3), 3), ("SIM PUK", sim.get("puk_retries", 10), 10),
                ("SIM PIN2", sim.get("pin2_retries", 3), 3), ("SIM PUK2", sim.get("puk2_retries", 10), 10)]
        pattern = split_args(args)[0].replace("*", ".*") if mode == "set" and args else ".*"
        return [f"+CPINR: {c},{r},{d}" for c, r, d in rows if re.fullmatch(pattern, c, re.IGNORECASE)], OK

    def c_clck(self, mode: str, args: str) -> Result:
        if mode == "test":
            return ['+CLCK: ("SC","PN")'], OK
        values = split_args(args) if mode == "set" else []
        if len(values) < 2 or values[0].upper() != "SC":
            return [], cme(50) if values else ERROR
        gate = self.sim_gate()
        if gate:
            return [], gate
        op = _int(values[1])
        if op == 2:
            return [f"+CLCK: {1 if self.state.sim.get('pin_enabled') else 0}"], OK
        if op in (0, 1) and len(values) >= 3:
            return [], (OK if self.state.set_pin_enabled(op == 1, values[2]) else cme(16))
        return [], cme(50)

    def c_csq(self, mode: str, args: str) -> Result:
        if mode == "test":
            return ["+CSQ: (0-31,99),(0-7,99)"], OK
        rssi, ber = self._csq()
        return [f"+CSQ: {rssi},{ber}"], OK

    def c_cesq(self, mode: str, args: str) -> Result:
        if mode == "test":
            return ["+CESQ: (0-63,99),(0-7,99),(0-96,255),(0-49,255),(0-34,255),(0-97,255)"], OK
        tech = self.state.serving_tech()
        sig = self.state.signal()
        rxlev, ber, rscp, ecno, rsrq, rsrp = 99, 99, 255, 255, 255, 255
        if tech == "gsm":
            rxlev = _clamp(int(sig.get("rssi", -80)) + 111, 0, 63)
        elif tech == "umts":
            rscp = _clamp(int(sig.get("rscp", -90)) + 121, 0, 96)
            ecno = _clamp((float(sig.get("ecio", -6)) + 24.5) * 2, 0, 49)
        elif tech == "lte":
            rsrq = _clamp((float(sig.get("rsrq", -10)) + 20) * 2, 0, 34)
            rsrp = _clamp(int(sig.get("rsrp", -100)) + 141, 0, 97)
        return [f"+CESQ: {rxlev},{ber},{rscp},{ecno},{rsrq},{rsrp}"], OK

    def _reg(self, name: str) -> Callable[[str, str], Result]:
        def handler(mode: str, args: str) -> Result:
            if mode == "test":
                return [f"+{name}: (0-3)"], OK
            if mode == "read":
                return [f"+{name}: " + self._reg_fields(name, self.reg_n[name], urc=False)], OK
            if mode == "set":
                n = _int(split_args(args)[0] or "0")
                if n is None or not 0 <= n <= 3:
                    return [], cme(50)
                self.reg_n[name] = n
                return [], OK
            return [], ERROR
        return handler

    def _operator(self, fmt: int) -> str:
        net = self.state.s["network"]
        if fmt == 2:
            return self.state.plmn()
        if fmt == 1:
            return str(net.get("operator_short", net.get("operator", "")))
        return str(net.get("operator", ""))

    def c_cops(self, mode: str, args: str) -> Result:
        if mode == "read":
            reg, _ = self.state.registration()
            if reg not in ("home", "roaming"):
                return ["+COPS: 0"], OK
            tech = self.state.serving_tech() or "gsm"
            return [f'+COPS: 0,{self.cops_format},"{self._operator(self.cops_format)}",{ACT_27007[tech]}'], OK
        if mode == "test":
            if self.state.cfun != 1 or self.state.sim_state() != "ready":
                return [], cme(30)
            found = []
            for tech in self.state.technologies():
                if self.state.s["signal"].get(tech):
                    found.append(f'(2,"{self._operator(0)}","{self._operator(1)}","{self.state.plmn()}",{ACT_27007[tech]})')
            return [f"+COPS: {','.join(found)},,(0-4),(0-2)"], OK
        if mode == "set":
            values = split_args(args)
            op = _int(values[0])
            if op == 3 and len(values) > 1:
                fmt = _int(values[1])
                if fmt not in (0, 1, 2):
                    return [], cme(50)
                self.cops_format = fmt
                return [], OK
            if op in (0, 1, 2, 4):
                if op in (1, 4) and len(values) >= 3 and values[2] not in (self.state.plmn(), self._operator(0)):
                    return [], cme(30)
                return [], OK
            return [], cme(50)
        return [], ERROR

    def _contexts(self) -> List[Dict[str, Any]]:
        return self.state.data.setdefault("contexts", [])

    @staticmethod
    def _pdp_name(value: str) -> str:
        value = value.upper()
        return "IP" if value in ("IP", "IPV4") else value

    def c_cgdcont(self, mode: str, args: str) -> Result:
        if mode == "test":
            return ['+CGDCONT: (1-16),"IP",,,(0-2),(0-4)', '+CGDCONT: (1-16),"IPV6",,,(0-2),(0-4)',
                    '+CGDCONT: (1-16),"IPV4V6",,,(0-2),(0-4)'], OK
        if mode == "read":
            return [f'+CGDCONT: {c["cid"]},"{self._pdp_name(str(c.get("type", "IP")))}","{c.get("apn", "")}","",0,0'
                    for c in sorted(self._contexts(), key=lambda c: int(c["cid"]))], OK
        if mode != "set":
            return [], ERROR
        values = split_args(args)
        cid = _int(values[0])
        if cid is None or not 1 <= cid <= 16:
            return [], cme(50)
        contexts = [c for c in self._contexts() if int(c["cid"]) != cid]
        if len(values) >= 2 and values[1]:
            pdp = self._pdp_name(values[1])
            if pdp not in ("IP", "IPV6", "IPV4V6", "PPP"):
                return [], cme(50)
            contexts.append({"cid": cid, "type": pdp, "apn": values[2] if len(values) > 2 else ""})
        self.state.data["contexts"] = contexts
        return [], OK

    @staticmethod
    def _ip_type(pdp: str) -> str:
        return {"IP": "ipv4", "IPV4": "ipv4", "IPV6": "ipv6", "IPV4V6": "ipv4v6"}.get(pdp.upper(), "ipv4")

    def c_cgact(self, mode: str, args: str) -> Result:
        if mode == "test":
            return ["+CGACT: (0,1)"], OK
        if mode == "read":
            active = 1 if self.state.connected() else 0
            return [f"+CGACT: {c['cid']},{active if int(c['cid']) == 1 else 0}"
                    for c in sorted(self._contexts(), key=lambda c: int(c["cid"]))], OK
        if mode != "set":
            return [], ERROR
        values = split_args(args)
        on = _int(values[0])
        cid = _int(values[1]) if len(values) > 1 else 1
        if on == 0:
            self.state.stop_call()
            return [], OK
        gate = self.sim_gate()
        if gate:
            return [], gate
        ctx = next((c for c in self._contexts() if int(c["cid"]) == cid), None)
        if ctx is None:
            return [], cme(50)
        if not self.state.registered():
            return [], cme(30)
        result = self.state.start_call(str(ctx.get("apn", "")), self._ip_type(str(ctx.get("type", "IP"))),
                                       ctx.get("username"), ctx.get("password"))
        if result.ok:
            return [], OK
        table = causes().get("session_to_cme", {})
        return [], cme(int(table.get(str(result.cause), 148)) if result.cause is not None else 148)

    def c_cgauth(self, mode: str, args: str) -> Result:
        if mode == "test":
            return ["+CGAUTH: (1-16),(0-2),,"], OK
        if mode == "read":
            return [f'+CGAUTH: {c["cid"]},{c.get("auth", 0)},"{c.get("username", "")}"'
                    for c in sorted(self._contexts(), key=lambda c: int(c["cid"]))], OK
        if mode != "set":
            return [], ERROR
        values = split_args(args) + ["", "", ""]
        cid, auth = _int(values[0]), _int(values[1] or "0")
        ctx = next((c for c in self._contexts() if int(c["cid"]) == cid), None)
        if ctx is None or auth not in (0, 1, 2):
            return [], cme(50)
        ctx["auth"] = auth
        ctx["username"] = values[2] if auth else None
        ctx["password"] = values[3] if auth else None
        return [], OK

    def c_cgatt(self, mode: str, args: str) -> Result:
        if mode == "test":
            return ["+CGATT: (0,1)"], OK
        if mode == "read":
            return [f"+CGATT: {1 if self.state.attached() else 0}"], OK
        if mode == "set":
            want = _int(split_args(args)[0])
            if want == 1 and not self.state.registered():
                return [], cme(30)
            if want in (0, 1):
                self.state.s["packet"]["attached"] = bool(want)
                if not want:
                    self.state.stop_call()
                return [], OK
        return [], cme(50)

    def c_cgpaddr(self, mode: str, args: str) -> Result:
        if mode == "test":
            return ["+CGPADDR: (" + ",".join(str(c["cid"]) for c in self._contexts()) + ")"], OK
        wanted = [_int(v) for v in split_args(args)] if mode == "set" and args else None
        out = []
        for ctx in sorted(self._contexts(), key=lambda c: int(c["cid"])):
            cid = int(ctx["cid"])
            if wanted and cid not in wanted:
                continue
            addresses = []
            if cid == 1:
                if "ipv4" in self.state.sessions:
                    addresses.append(f'"{self.state.data.get("ipv4", {}).get("address", "")}"')
                if "ipv6" in self.state.sessions:
                    addresses.append(f'"{self.state.data.get("ipv6", {}).get("address", "")}"')
            out.append(f"+CGPADDR: {cid}" + ("," + ",".join(addresses) if addresses else ""))
        return out, OK

    def c_ceer(self, mode: str, args: str) -> Result:
        if mode == "test":
            return [], OK
        table = causes()
        error = self.state.last_call_error
        if error is not None and error.cause is not None:
            text = table["session"].get(str(error.cause), "unknown cause")
            return [f'+CEER: "SM",{error.cause},"{text}"'], OK
        reg, cause = self.state.registration()
        if reg == "denied" and cause is not None:
            domain = "EMM" if "lte" in self.state.technologies() else "MM"
            return [f'+CEER: "{domain}",{cause},"{table["reject"].get(str(cause), "unknown cause")}"'], OK
        if error is not None:
            return [f'+CEER: "CM",0,"{error.reason}"'], OK
        return ['+CEER: "NONE",0,"no cause information available"'], OK

    def c_cfun(self, mode: str, args: str) -> Result:
        if mode == "test":
            return ["+CFUN: (0,1,4),(0-1)"], OK
        if mode == "read":
            return [f"+CFUN: {self.state.cfun}"], OK
        if mode != "set":
            return [], ERROR
        values = split_args(args)
        fun = _int(values[0])
        rst = _int(values[1], 0) if len(values) > 1 else 0
        if fun not in (0, 1, 4) or rst not in (0, 1):
            return [], cme(50)
        if rst == 1:
            if fun != 1:
                return [], cme(50)
            return self._reset_cmd("exec", "")
        self.state.set_cfun(fun)
        return [], OK

    def _reset_cmd(self, mode: str, args: str) -> Result:
        if mode not in ("exec", "set"):
            return [], ERROR
        # Answer OK first (a real modem does, then drops off the bus).
        self.state.reset()
        return [], OK

    def c_cmee(self, mode: str, args: str) -> Result:
        if mode == "test":
            return ["+CMEE: (0-2)"], OK
        if mode == "read":
            return [f"+CMEE: {self.cmee}"], OK
        if mode == "set":
            value = _int(split_args(args)[0] or "0")
            if value in (0, 1, 2):
                self.cmee = value
                return [], OK
        return [], cme(50)

    def c_cscs(self, mode: str, args: str) -> Result:
        if mode == "read":
            return ['+CSCS: "IRA"'], OK
        if mode == "test":
            return ['+CSCS: ("IRA","GSM","UCS2")'], OK
        return [], OK

    # --- Huawei --------------------------------------------------------------------------------------
    def h_setport(self, mode: str, args: str) -> Result:
        codes = self.profile.data.get("usb_mode", {}).get("codes", {})
        if mode == "read":
            return [f"^SETPORT:{self.state.usb_setting or ''}"], OK
        if mode == "test":
            return [f"^SETPORT:{code}: {name}" for code, name in codes.items()], OK
        if mode != "set":
            return [], ERROR
        value = split_args(args)[0].upper().replace(" ", "")
        parts = [p for chunk in value.split(";") for p in chunk.split(",") if p]
        if not parts or value.count(";") > 1 or any(p not in {c.upper() for c in codes} for p in parts):
            return [], cme(50)
        if not self.state.set_usb_setting(value):
            self.state.usb_setting = value
            self.state.pending_composition = "custom:" + value
        return [], OK

    def h_getportmode(self, mode: str, args: str) -> Result:
        return [], ERROR

    SYSCFG_MODES = {"auto": 2, "gsm-only": 13, "umts-only": 14}
    SYSCFGEX_ACQ = {"auto": "00", "gsm-only": "01", "umts-only": "02", "lte-only": "03",
                    "gsm-umts": "0201", "umts-lte": "0302"}
    HUAWEI_TECH = {"01": "gsm", "02": "umts", "03": "lte"}

    def h_syscfg(self, mode: str, args: str) -> Result:
        if mode == "test":
            return ['^SYSCFG:(2,13,14,16),(0-3),((400380,"GSM900/GSM1800/WCDMA2100"),(3fffffff,"All bands")),(0-2),(0-4)'], OK
        if mode == "read":
            return [f"^SYSCFG:{self.SYSCFG_MODES.get(self.state.mode, 2)},0,3FFFFFFF,1,2"], OK
        if mode != "set":
            return [], ERROR
        value = _int(split_args(args)[0])
        names = {v: k for k, v in self.SYSCFG_MODES.items()}
        if value == 16:
            return [], OK
        if value not in names:
            return [], cme(50)
        self.state.set_mode(names[value])
        return [], OK

    def h_syscfgex(self, mode: str, args: str) -> Result:
        if mode == "test":
            return ['^SYSCFGEX: ("00","01","02","03","0201","0302"),((3fffffff,"All bands")),(0-2),(0-4),((7fffffffffffffff,"All bands"))'], OK
        if mode == "read":
            acq = self.SYSCFGEX_ACQ.get(self.state.mode, "00")
            return [f'^SYSCFGEX: "{acq}",3FFFFFFF,1,2,7FFFFFFFFFFFFFFF'], OK
        if mode != "set":
            return [], ERROR
        acq = split_args(args)[0]
        if acq == "99":
            return [], OK
        pairs = [acq[i:i + 2] for i in range(0, len(acq), 2)]
        if not pairs or len(acq) % 2 or any(p not in self.HUAWEI_TECH and p != "00" for p in pairs):
            return [], cme(50)
        if pairs == ["00"]:
            self.state.set_mode("auto")
            return [], OK
        techs = {self.HUAWEI_TECH[p] for p in pairs if p in self.HUAWEI_TECH}
        for name, allowed in MODE_TECHS.items():
            if set(allowed) == techs:
                self.state.set_mode(name)
                return [], OK
        return [], cme(50)

    def _huawei_service(self) -> Tuple[int, int]:
        reg, _ = self.state.registration()
        if reg in ("home", "roaming"):
            return 2, 3 if self.state.attached() else 1
        if reg == "denied":
            return 1, 0
        if self.state.cfun != 1:
            return 4, 0
        return 0, 4 if reg == "searching" else 0

    def _huawei_sim(self) -> int:
        return {"absent": 255, "ready": 1}.get(self.state.sim_state(), 1)

    def h_sysinfo(self, mode: str, args: str) -> Result:
        if mode != "exec":
            return [], OK if mode == "test" else ERROR
        status, domain = self._huawei_service()
        reg, _ = self.state.registration()
        tech = self.state.serving_tech() if status == 2 else None
        sys_mode = {"gsm": 3, "umts": 5, "lte": 17}.get(tech or "", 0)
        submode = {"gsm": 3, "umts": 7, "lte": ""}.get(tech or "", 0)
        roam = 1 if reg == "roaming" else 0
        return [f"^SYSINFO:{status},{domain},{roam},{sys_mode},{self._huawei_sim()},,{submode}"], OK

    def h_sysinfoex(self, mode: str, args: str) -> Result:
        if mode != "exec":
            return [], OK if mode == "test" else ERROR
        status, domain = self._huawei_service()
        reg, _ = self.state.registration()
        tech = self.state.serving_tech() if status == 2 else None
        names = {"gsm": (1, "GSM", 3, "EDGE"), "umts": (3, "WCDMA", 46, "HSPA+"), "lte": (6, "LTE", 101, "LTE")}
        sysmode, name, sub, subname = names.get(tech or "", (0, "NO SERVICE", 0, "NO SERVICE"))
        roam = 1 if reg == "roaming" else 0
        return [f'^SYSINFOEX:{status},{domain},{roam},{self._huawei_sim()},,{sysmode},"{name}",{sub},"{subname}"'], OK

    def h_hcsq(self, mode: str, args: str) -> Result:
        if mode == "test":
            return ['^HCSQ: "NOSERVICE","GSM","WCDMA","LTE"'], OK
        tech = self.state.serving_tech()
        sig = self.state.signal()
        if tech == "gsm":
            return [f'^HCSQ:"GSM",{_clamp(int(sig.get("rssi", -80)) + 120, 0, 96)}'], OK
        if tech == "umts":
            return [f'^HCSQ:"WCDMA",{_clamp(int(sig.get("rssi", -80)) + 120, 0, 96)},'
                    f'{_clamp(int(sig.get("rscp", -90)) + 121, 0, 96)},'
                    f'{_clamp((float(sig.get("ecio", -6)) + 32) * 2, 0, 65)}'], OK
        if tech == "lte":
            return [f'^HCSQ:"LTE",{_clamp(int(sig.get("rssi", -70)) + 120, 0, 96)},'
                    f'{_clamp(int(sig.get("rsrp", -100)) + 141, 0, 97)},'
                    f'{_clamp((float(sig.get("sinr", 10)) + 20) * 5, 0, 251)},'
                    f'{_clamp((float(sig.get("rsrq", -10)) + 20) * 2, 0, 34)}'], OK
        return ['^HCSQ:"NOSERVICE"'], OK

    def h_cpin(self, mode: str, args: str) -> Result:
        if mode != "read":
            return ([], OK) if mode == "test" else ([], ERROR)
        sim_state = self.state.sim_state()
        if sim_state == "absent":
            return [], cme(10)
        sim = self.state.sim
        pin, puk = int(sim.get("pin_retries", 3)), int(sim.get("puk_retries", 10))
        pin2, puk2 = int(sim.get("pin2_retries", 3)), int(sim.get("puk2_retries", 10))
        code, times = {"ready": ("READY", ""), "pin": ("SIM PIN", str(pin)), "puk": ("SIM PUK", str(puk))}.get(
            sim_state, ("SIM PUK", "0"))
        return [f"^CPIN: {code},{times},{puk},{pin},{puk2},{pin2}"], OK

    def h_iccid(self, mode: str, args: str) -> Result:
        if mode != "read":
            return ([], OK) if mode == "test" else ([], ERROR)
        iccid, final = self._iccid()
        return ([f"^ICCID: {iccid}"] if iccid else []), final

    def h_ndisdup(self, mode: str, args: str) -> Result:
        if mode == "test":
            return ["^NDISDUP: (1-16),(0-1)"], OK
        if mode != "set":
            return [], ERROR
        values = split_args(args)
        cid, on = _int(values[0]), _int(values[1] if len(values) > 1 else "")
        if cid is None or on not in (0, 1):
            return [], cme(50)
        if on == 0:
            for family in sorted(self.state.sessions):
                self.urc(f'^NDISSTAT:0,,,"{family.upper()}"')
            self.state.stop_call()
            return [], OK
        gate = self.sim_gate()
        if gate:
            return [], gate
        ctx = next((c for c in self._contexts() if int(c["cid"]) == cid), {"type": "IP", "apn": ""})
        apn = values[2] if len(values) > 2 and values[2] else str(ctx.get("apn", ""))
        user = values[3] if len(values) > 3 and values[3] else ctx.get("username")
        password = values[4] if len(values) > 4 and values[4] else ctx.get("password")
        ip_type = self._ip_type(str(ctx.get("type", "IP")))
        families = ("ipv4", "ipv6") if ip_type == "ipv4v6" else (ip_type,)
        for family in families:
            result = self.state.start_call(apn, family, user, password)
            if result.ok:
                self.urc(f'^NDISSTAT:1,,,"{family.upper()}"')
            else:
                self.urc(f'^NDISSTAT:0,{result.cause if result.cause is not None else ""},,"{family.upper()}"')
        return [], OK

    def h_ndisstatqry(self, mode: str, args: str) -> Result:
        if mode not in ("read", "exec"):
            return ([], OK) if mode == "test" else ([], ERROR)
        v4 = 1 if "ipv4" in self.state.sessions else 0
        v6 = 1 if "ipv6" in self.state.sessions else 0
        return [f'^NDISSTATQRY: {v4},,,"IPV4",{v6},,,"IPV6"'], OK

    def h_dhcp(self, mode: str, args: str) -> Result:
        if mode != "read":
            return ([], OK) if mode == "test" else ([], ERROR)
        if "ipv4" not in self.state.sessions:
            return [], cme(100)
        v4 = self.state.data.get("ipv4", {})

        def hexle(address: str) -> str:
            return ipaddress.IPv4Address(address).packed[::-1].hex()
        prefix = int(v4.get("prefix", 30))
        mask = str(ipaddress.IPv4Network(f"0.0.0.0/{prefix}").netmask)
        dns = list(v4.get("dns", [])) + ["0.0.0.0", "0.0.0.0"]
        fields = [hexle(v4["address"]), hexle(mask), hexle(v4["gateway"]), hexle(v4["gateway"]),
                  hexle(dns[0]), hexle(dns[1]), "21600000", "5760000"]
        return ["^DHCP:" + ",".join(fields)], OK

    def h_curc(self, mode: str, args: str) -> Result:
        if mode == "read":
            return [f"^CURC: {self.curc}"], OK
        if mode == "set":
            value = _int(split_args(args)[0])
            if value in (0, 1):
                self.curc = value
                return [], OK
            return [], cme(50)
        return ([], OK) if mode == "test" else ([], ERROR)

    # --- Quectel --------------------------------------------------------------------------------------
    NWSCANMODE = {"auto": 0, "gsm-only": 1, "umts-only": 2, "lte-only": 3}

    def q_qcfg(self, mode: str, args: str) -> Result:
        if mode == "test":
            return ['+QCFG: "usbnet",(0-3)', '+QCFG: "nwscanmode",(0-3),(0,1)'], OK
        if mode != "set":
            return [], ERROR
        values = split_args(args)
        key = values[0].lower()
        if key == "usbnet":
            if len(values) == 1:
                return [f'+QCFG: "usbnet",{self.state.usb_setting or 0}'], OK
            if not self.state.set_usb_setting(values[1]):
                return [], cme(50)
            return [], OK
        if key == "nwscanmode":
            if len(values) == 1:
                return [f'+QCFG: "nwscanmode",{self.NWSCANMODE.get(self.state.mode, 0)}'], OK
            names = {v: k for k, v in self.NWSCANMODE.items()}
            value = _int(values[1])
            if value not in names:
                return [], cme(50)
            self.state.set_mode(names[value])
            return [], OK
        return [], cme(50)

    def q_qnwinfo(self, mode: str, args: str) -> Result:
        if mode == "test":
            return [], OK
        tech = self.state.serving_tech() if self.state.registered() else None
        if tech is None:
            return ["+QNWINFO: No Service"], OK
        net = self.state.s["network"]
        act = {"gsm": "EDGE", "umts": "HSPA+", "lte": "FDD LTE"}[tech]
        band = net.get("band", {}).get(tech, "")
        channel = net.get("channel", {}).get(tech, 0)
        return [f'+QNWINFO: "{act}","{self.state.plmn()}","{band}",{channel}'], OK

    def q_qcsq(self, mode: str, args: str) -> Result:
        if mode == "test":
            return ['+QCSQ: ("NOSERVICE","GSM","WCDMA","LTE")'], OK
        tech = self.state.serving_tech()
        sig = self.state.signal()
        if tech == "gsm":
            return [f'+QCSQ: "GSM",{int(sig.get("rssi", -80))}'], OK
        if tech == "umts":
            return [f'+QCSQ: "WCDMA",{int(sig.get("rssi", -80))},{int(sig.get("rscp", -90))},'
                    f'{int(round(float(sig.get("ecio", -6)) * 10))}'], OK
        if tech == "lte":
            sinr = _clamp((float(sig.get("sinr", 10)) + 20) * 5, 0, 250)
            return [f'+QCSQ: "LTE",{int(sig.get("rssi", -70))},{int(sig.get("rsrp", -100))},{sinr},'
                    f'{int(sig.get("rsrq", -10))}'], OK
        return ['+QCSQ: "NOSERVICE"'], OK

    def q_qeng(self, mode: str, args: str) -> Result:
        if mode == "test":
            return ['+QENG: ("servingcell","neighbourcell")'], OK
        if mode != "set" or split_args(args)[0].lower() != "servingcell":
            return [], cme(50)
        tech = self.state.serving_tech()
        reg, _ = self.state.registration()
        net = self.state.s["network"]
        sig = self.state.signal()
        if tech is None or reg not in ("home", "roaming"):
            return ['+QENG: "servingcell","SEARCH"'], OK
        mcc, mnc = net.get("mcc", "001"), net.get("mnc", "01")
        cell = f'{int(net.get("cell_id", 0)):X}'
        if tech == "lte":
            return [f'+QENG: "servingcell","NOCONN","LTE","FDD",{mcc},{mnc},{cell},123,'
                    f'{net.get("channel", {}).get("lte", 1300)},3,5,5,{int(net.get("tac", 0)):X},'
                    f'{int(sig.get("rsrp", -100))},{int(sig.get("rsrq", -10))},{int(sig.get("rssi", -70))},'
                    f'{int(round(float(sig.get("sinr", 10))))},-,-,-'], OK
        if tech == "umts":
            return [f'+QENG: "servingcell","NOCONN","WCDMA",{mcc},{mnc},{int(net.get("lac", 0)):X},{cell},'
                    f'{net.get("channel", {}).get("umts", 10700)},291,1,{int(sig.get("rscp", -90))},'
                    f'{int(round(float(sig.get("ecio", -6))))},-,-,-,-,-'], OK
        return [f'+QENG: "servingcell","NOCONN","GSM",{mcc},{mnc},{int(net.get("lac", 0)):X},{cell},'
                f'1,{net.get("channel", {}).get("gsm", 62)},0,{int(sig.get("rssi", -80))},-,-,-,-,-'], OK

    def q_qpinc(self, mode: str, args: str) -> Result:
        if mode == "test":
            return ['+QPINC: ("SC","P2")'], OK
        if self.state.sim_state() == "absent":
            return [], cme(10)
        sim = self.state.sim
        rows = {"SC": (sim.get("pin_retries", 3), sim.get("puk_retries", 10)),
                "P2": (sim.get("pin2_retries", 3), sim.get("puk2_retries", 10))}
        wanted = [split_args(args)[0].upper()] if mode == "set" else ["SC", "P2"]
        if any(w not in rows for w in wanted):
            return [], cme(50)
        return [f'+QPINC: "{w}",{rows[w][0]},{rows[w][1]}' for w in wanted], OK

    def q_qccid(self, mode: str, args: str) -> Result:
        if mode == "test":
            return [], OK
        iccid, final = self._iccid()
        return ([f"+QCCID: {iccid}"] if iccid else []), final

    # --- Sierra ---------------------------------------------------------------------------------------
    def s_entercnd(self, mode: str, args: str) -> Result:
        if mode != "set":
            return [], ERROR
        if split_args(args)[0] == str(self.at_conf.get("password", "A710")):
            self.unlocked = True
            return [], OK
        return [], ERROR

    def _mask_text(self, setting: str) -> str:
        bits = self.profile.data.get("usb_mode", {}).get("mask_bits", {})
        value = int(setting, 16) if setting else 0
        names = [name for bit, name in sorted(bits.items(), key=lambda kv: int(kv[0])) if value & int(bit)]
        return f"{setting} ({','.join(names)})"

    def s_usbcomp(self, mode: str, args: str) -> Result:
        if not self.unlocked:
            return [], ERROR
        if mode == "read":
            setting = self.state.usb_setting or "00000000"
            return ["Config Index: 1", "Config Type:  1 (Generic)", f"Interface bitmask: {self._mask_text(setting)}"], OK
        if mode == "test":
            return ["!USBCOMP: ", "AT!USBCOMP=<Config Index>,<Config Type>,<Interface bitmask>",
                    "  <Config Index>      - configuration index to which the composition applies, should be 1",
                    "  <Config Type>       - 1:Generic, 2:USBIF-MBIM, 3:RNDIS",
                    "  <Interface bitmask> - DIAG 0x00000001, NMEA 0x00000004, MODEM 0x00000008, "
                    "RMNET0 0x00000100, MBIM 0x00001000"], OK
        if mode != "set":
            return [], ERROR
        values = split_args(args)
        if len(values) != 3 or values[0] != "1":
            return [], ERROR
        try:
            mask = f"{int(values[2], 16):08X}"
        except ValueError:
            return [], ERROR
        if not self.state.set_usb_setting(mask):
            return [], ERROR
        return [], OK

    def s_gstatus(self, mode: str, args: str) -> Result:
        if mode not in ("read", "exec"):
            return ([], OK) if mode == "test" else ([], ERROR)
        reg, _ = self.state.registration()
        tech = self.state.serving_tech() if reg in ("home", "roaming") else None
        sig = self.state.signal()
        net = self.state.s["network"]
        system = {"gsm": "GSM", "umts": "WCDMA", "lte": "LTE"}.get(tech or "", "NO SERVICE")
        ps = "Attached" if self.state.attached() else "Not attached"
        emm = {"home": "Registered", "roaming": "Registered", "denied": "Deregistered",
               "searching": "Deregistered"}.get(reg, "Deregistered")
        service = {"home": "Normal Service", "roaming": "Normal Service", "denied": "Limited Service",
                   "searching": "No Service"}.get(reg, "No Service")
        lines = ["!GSTATUS: ",
                 f"Current Time:  {int(time.monotonic()) % 100000}\t\tTemperature: 37",
                 f"Reset Counter: {self.state.reset_count + 1}\t\tMode:        {'ONLINE' if self.state.cfun == 1 else 'LOW POWER MODE'}",
                 f"System mode:   {system}\t\tPS state:    {ps}"]
        if tech == "lte":
            lines += [f"LTE band:      {str(net.get('band', {}).get('lte', '')).replace('LTE BAND ', 'B')}\t\tLTE bw:      20 MHz",
                      f"LTE Rx chan:   {net.get('channel', {}).get('lte', 0)}\t\tLTE Tx chan: 19300",
                      f"EMM state:     {emm}\t\t{service}",
                      "RRC state:     RRC Idle",
                      f"PCC RxM RSSI:  {sig.get('rssi', '')}\t\tRSRP (dBm):  {sig.get('rsrp', '')}",
                      f"Tx Power:      0\t\tTAC:         {int(net.get('tac', 0)):04X} ({net.get('tac', 0)})",
                      f"RSRQ (dB):     {float(sig.get('rsrq', 0)):.1f}\t\tCell ID:     {int(net.get('cell_id', 0)):08X} ({net.get('cell_id', 0)})",
                      f"SINR (dB):     {float(sig.get('sinr', 0)):.1f}"]
        elif tech:
            lines += [f"{system} band:    {net.get('band', {}).get(tech, '')}",
                      f"{system} channel: {net.get('channel', {}).get(tech, 0)}",
                      f"GMM (PS) state:{emm}\t\t{service}",
                      f"RSSI (dBm):    {sig.get('rssi', '')}"]
        else:
            lines += [f"EMM state:     {emm}\t\t{service}"]
        return lines, OK

    SELRAT = {"auto": ("00", "Automatic"), "umts-only": ("01", "UMTS 3G Only"), "gsm-only": ("02", "GSM 2G Only"),
              "gsm-umts": ("05", "GSM and UMTS Only"), "lte-only": ("06", "LTE Only"),
              "umts-lte": ("08", "UMTS and LTE Only")}

    def s_selrat(self, mode: str, args: str) -> Result:
        if mode == "read":
            code, label = self.SELRAT.get(self.state.mode, ("00", "Automatic"))
            return [f"!SELRAT: {code}, {label}"], OK
        if mode == "test":
            return [f"{code}, {label}" for code, label in self.SELRAT.values()], OK
        if mode != "set" or not self.unlocked:
            return [], ERROR
        wanted = split_args(args)[0].zfill(2)
        for name, (code, _) in self.SELRAT.items():
            if code == wanted:
                self.state.set_mode(name)
                return [], OK
        return [], ERROR

    def s_pinrem(self, mode: str, args: str) -> Result:
        if mode not in ("read", "exec"):
            return ([], OK) if mode == "test" else ([], ERROR)
        if self.state.sim_state() == "absent":
            return [], cme(10)
        sim = self.state.sim
        return [f"!PINREM: PIN1,{sim.get('pin_retries', 3)},PUK1,{sim.get('puk_retries', 10)},"
                f"PIN2,{sim.get('pin2_retries', 3)},PUK2,{sim.get('puk2_retries', 10)}"], OK

    def s_iccid(self, mode: str, args: str) -> Result:
        if mode not in ("read", "exec"):
            return ([], OK) if mode == "test" else ([], ERROR)
        iccid, final = self._iccid()
        return ([f"ICCID: {iccid}"] if iccid else []), final
