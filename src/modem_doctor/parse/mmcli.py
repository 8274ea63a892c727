"""``mmcli -m N`` (and ``mmcli -b N``) output: sections of ``key: value`` lines.

      Status   |             state: failed
               |     failed reason: sim-missing
               |       power state: low
      3GPP     |            operator name: Fake Tel.
               |             registration: denied

Read: hardware identity, Status (state, failed reason, power state, access tech, signal
quality, lock and unlock retries), 3GPP (IMEI, operator id/name, registration, packet
service state), 3GPP EPS initial bearer, SIM path, and a bearer's connection, APN, IP type
and address. A value continued on the next line (``|   cdma-evdo, lte``) joins the key above.
"""

from __future__ import annotations

import re
from typing import Dict, Optional, Sequence

from ..model.common import Line, Parsed, number_lines
from ..model.modem import (
    BearerFact,
    ErrorFact,
    ManagerStateFact,
    ModemCommand,
    ModemSession,
    OperatorFact,
    PdpContextFact,
    PinFact,
    RegistrationFact,
    SignalFact,
    SimFact,
)
from ._log_common import check_lines, check_text
from ._modem_common import TRANSPORT, Collector, as_int, tech_of

KIND = "mmcli"
TITLE = "mmcli modem status"

_ROW = re.compile(r"^(?P<section>[A-Za-z0-9][\w ]*?)?\s*\|\s*(?:(?P<key>[\w .()-]+?):\s*(?P<value>.*)|(?P<cont>\S.*))?$")
_SHELL = re.compile(r"(?:^|[\s/>])mmcli\s+(?P<args>.*)$")
_QUOTED = re.compile(r"^'([^']*)'(.*)$")  # mmcli before 1.10 quoted every value: state: 'registered'
_HEADER = re.compile(r"^(?:/org/freedesktop/ModemManager1/\S+ \(device id|Bearer '/org/freedesktop/|Found \d+ )")
_FAILED_SIM = {"sim-missing": "absent", "sim-error": "failure"}
_LOCK_SIM = {"sim-pin": "pin", "sim-puk": "puk", "ph-sim-pin": "pin", "ph-net-pin": "pin"}
_REG = {"home": "home", "roaming": "roaming", "searching": "searching", "denied": "denied", "idle": "idle",
        "unknown": "unknown", "emergency-services": "denied", "home-sms-only": "home", "roaming-sms-only": "roaming",
        "home-csfb-not-preferred": "home", "roaming-csfb-not-preferred": "roaming", "attached-rlos": "home"}


def _parse(lines: Sequence[Line]) -> Parsed[ModemSession]:
    c = Collector(KIND, "mmcli", lines)
    section = ""
    key = ""
    state: Optional[ManagerStateFact] = None
    state_index = -1
    bearer: Dict[str, str] = {}
    bearer_line: Optional[Line] = None
    for line in lines:
        text = line.text.strip()
        if not text or set(text) <= set("-"):
            continue
        shell = _SHELL.search(text)
        if shell and not text.startswith("|"):
            c.commands.append(ModemCommand("mmcli " + shell.group("args"), line.number, line.text))
            continue
        if _HEADER.match(text):
            continue  # the object path line old mmcli prints above the table
        if text.startswith("error:") or TRANSPORT.search(text):
            c.errors.append(ErrorFact("mmcli", text, None, line.number, line.text))
            continue
        row = _ROW.match(text)
        if not row:
            c.unparsed.add(line, "not an mmcli row")
            continue
        if row.group("section"):
            section = row.group("section").strip().lower()
        if row.group("cont") is not None:
            continue  # a continued list value: nothing a diagnosis reads from it
        if row.group("key") is None:
            continue
        key = row.group("key").strip().lower()
        value = row.group("value").strip()
        quoted = _QUOTED.match(value)
        if quoted:
            value = (quoted.group(1) + quoted.group(2)).strip()
        if value in ("--", "", "none", "unknown") and key not in ("lock",):
            continue
        if section == "hardware":
            field = {"manufacturer": "manufacturer", "model": "model", "firmware revision": "revision",
                     "revision": "revision", "equipment id": "imei"}.get(key)
            if field:
                c.ident(field, value, line)
        elif section == "status":
            if key == "state":
                state = ManagerStateFact(value.split()[0].strip("'"), "", "", line.number, line.text)
                c.manager.append(state)
                state_index = len(c.manager) - 1
            elif key == "failed reason" and state is not None:
                state = ManagerStateFact(state.state, value, state.power_state, state.line, state.text)
                c.manager[state_index] = state
                if value in _FAILED_SIM:
                    c.sim.append(SimFact(_FAILED_SIM[value], "failed reason: " + value, line.number, line.text))
            elif key == "power state" and state is not None:
                state = ManagerStateFact(state.state, state.failed_reason, value, state.line, state.text)
                c.manager[state_index] = state
            elif key == "lock":
                sim_state = _LOCK_SIM.get(value)
                if sim_state:
                    c.sim.append(SimFact(sim_state, "lock: " + value, line.number, line.text))
                elif value == "none":
                    c.sim.append(SimFact("ready", "lock: none", line.number, line.text))
            elif key == "unlock retries":
                retries = dict(re.findall(r"([\w-]+) \((\d+)\)", value))
                if "sim-pin" in retries or "sim-puk" in retries:
                    c.pins.append(PinFact("", as_int(retries.get("sim-pin", "")), as_int(retries.get("sim-puk", "")),
                                          line.number, line.text))
            elif key == "access tech":
                techs = [tech_of(part) for part in value.split(",")]
                best = next((t for t in ("nr5g", "lte", "umts", "gsm") if t in techs), "")
                if best:
                    c.operators.append(OperatorFact("", "", best, "", line.number, line.text))
            elif key == "signal quality":
                percent = re.match(r"^(\d+)%?", value)  # '38% (cached)'; old mmcli: '0' (cached)
                if percent:
                    c.signals.append(SignalFact("", quality_percent=int(percent.group(1)),
                                                no_signal=percent.group(1) == "0", line=line.number, text=line.text))
        elif section == "3gpp":
            if key == "imei":
                c.ident("imei", value, line)
            elif key == "registration":
                c.registrations.append(RegistrationFact("any", _REG.get(value, "unknown"), line=line.number,
                                                        text=line.text))
            elif key == "operator id":
                c.operators.append(OperatorFact("", value, "", "", line.number, line.text))
            elif key == "operator name":
                if c.operators and c.operators[-1].plmn and not c.operators[-1].name:
                    last = c.operators[-1]
                    c.operators[-1] = OperatorFact(value, last.plmn, last.tech, last.selection, last.line, last.text)
                else:
                    c.operators.append(OperatorFact(value, "", "", "", line.number, line.text))
        elif section == "3gpp eps":
            if key == "initial bearer apn":
                c.contexts.append(PdpContextFact(0, "", value, None, "", line.number, line.text))
            elif key == "initial bearer ip type" and c.contexts and c.contexts[-1].cid == 0:
                initial = c.contexts[-1]
                c.contexts[-1] = PdpContextFact(0, value.upper().replace("IPV4", "IP") if value != "ipv4v6" else "IPV4V6",
                                                initial.apn, None, "", initial.line, initial.text)
        elif section == "sim" and key in ("primary sim path", "path", "dbus path"):
            pass
        elif section in ("status", "properties", "ipv4 configuration", "ipv6 configuration") or section.startswith("bearer"):
            pass
        if section in ("status", "properties", "ipv4 configuration", "ipv6 configuration") and key in (
                "connected", "apn", "ip type", "address"):
            if key == "connected" or bearer_line is None:
                bearer_line = line
            bearer[key if section != "ipv6 configuration" else "address6"] = value
    if bearer_line is not None and "connected" in bearer:
        c.bearers.append(BearerFact(bearer.get("connected") == "yes", bearer.get("apn", ""), bearer.get("ip type", ""),
                                    bearer.get("address", ""), bearer_line.number, bearer_line.text))
    return c.result()


def parse(text: str) -> Parsed[ModemSession]:
    return _parse(number_lines(check_text(KIND, text)))


def parse_lines(lines: Sequence[Line]) -> Parsed[ModemSession]:
    return _parse(check_lines(KIND, lines))
