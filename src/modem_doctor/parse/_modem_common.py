"""Shared by the modem-output parsers (at_transcript, qmicli, uqmi, mbimcli, mmcli): a fact
collector, the decode tables of ``data/modem/`` and the normalisers that make the five
tools speak one vocabulary (see ``model/modem.py``)."""

from __future__ import annotations

import functools
import json
import os
import re
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..model.common import Line, Parsed, UnparsedCollector, line_span
from ..model.modem import (
    BearerFact,
    CallEndFact,
    DataFormatFact,
    ErrorFact,
    IdentityFact,
    ManagerStateFact,
    ModemCommand,
    ModemSession,
    OperatorFact,
    PdpContextFact,
    PinFact,
    RawIpFlag,
    RegistrationFact,
    SettingFact,
    SignalFact,
    SimFact,
    TransportFact,
)

_DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "modem")


@functools.lru_cache(maxsize=None)
def _table(name: str) -> Dict[str, Any]:
    # Read here rather than through knowledge._data so that parsers stay free of the
    # knowledge package; a damaged table makes decoding silent, never a crash.
    try:
        with open(os.path.join(_DATA_DIR, name), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def reject_cause(code: Optional[int], kind: str = "mm") -> Dict[str, str]:
    """The entry of a 3GPP cause ('mm' registration or 'sm' session) or {}."""
    if code is None:
        return {}
    entry = _table("3gpp-causes.json").get(kind, {}).get(str(code))
    return dict(entry) if isinstance(entry, dict) else {}


def cause_by_mbim_name(name: str) -> Optional[int]:
    """The MM cause number for mbimcli's Network error name ('plmn-not-allowed' -> 11)."""
    for code, entry in _table("3gpp-causes.json").get("mm", {}).items():
        if entry.get("mbim") == name:
            return int(code)
    return None


def cme_error(code: Optional[int] = None, text: str = "") -> Tuple[Optional[int], Dict[str, str]]:
    """(code, entry) for a +CME ERROR given as a number or as its verbose text."""
    codes = _table("cme-errors.json").get("codes", {})
    if code is not None:
        entry = codes.get(str(code))
        return code, dict(entry) if isinstance(entry, dict) else {}
    wanted = text.strip().lower()
    for number, entry in codes.items():
        if entry.get("text", "").lower() == wanted:
            return int(number), dict(entry)
    return None, {}


def call_end(reason_code: Optional[int], reason: str = "", verbose_type: Optional[int] = None,
             verbose_code: Optional[int] = None, verbose_reason: str = "") -> Dict[str, str]:
    """What a failed QMI call means: {'class', 'advice', 'cause'} from the most precise part."""
    table = _table("qmi-call-end.json")
    out: Dict[str, str] = {}
    if verbose_type == 6 and verbose_code is not None:
        cause = reject_cause(verbose_code, "sm")
        if cause:
            out["cause"] = "#%d %s" % (verbose_code, cause.get("name", ""))
            out["advice"] = cause.get("advice", "")
            out["class"] = table.get("by_name", {}).get(cause.get("qmi_verbose", ""), "")
    if not out.get("class") and verbose_reason:
        out["class"] = table.get("by_name", {}).get(verbose_reason, "")
    entry = table.get("reasons", {}).get(str(reason_code)) if reason_code is not None else None
    if not entry and reason:
        entry = next((e for e in table.get("reasons", {}).values() if e.get("name") == reason), None)
    if isinstance(entry, dict):
        out.setdefault("advice", entry.get("advice", ""))
        if not out.get("class"):
            out["class"] = entry.get("class", "")
    if not out.get("class") and reason:
        for suffix, klass in table.get("by_name", {}).items():
            if reason.endswith(suffix):
                out["class"] = klass
                break
    return out


# ---------------------------------------------------------------- normalisers

_TECH_WORDS = (
    (re.compile(r"\b(?:nr5g|nr|5g)\b", re.I), "nr5g"),
    (re.compile(r"\b(?:lte|e-?utran?|4g|fdd lte|tdd lte|cat-?m|nb-?iot)\b", re.I), "lte"),
    (re.compile(r"\b(?:umts|wcdma|utran|hspa\+?|hsdpa|hsupa|hspa|3g|td-scdma|tdscdma)\b", re.I), "umts"),
    (re.compile(r"\b(?:gsm|gprs|edge|2g)\b", re.I), "gsm"),
)


def tech_of(text: str) -> str:
    """'lte', 'umts', 'gsm', 'nr5g' or '' for a technology word as any tool prints it."""
    for pattern, tech in _TECH_WORDS:
        if pattern.search(text.replace("_", " ")):
            return tech
    return ""


# 27.007 <AcT> values of +CREG/+CGREG/+CEREG/+COPS
ACT_TECH: Dict[int, str] = {0: "gsm", 1: "gsm", 2: "umts", 3: "gsm", 4: "umts", 5: "umts", 6: "umts", 7: "lte",
                            8: "lte", 9: "lte", 10: "lte", 11: "nr5g", 12: "nr5g", 13: "nr5g"}

# 27.007 <stat> of +CREG/+CGREG/+CEREG
STAT_STATE: Dict[int, str] = {0: "not-registered", 1: "home", 2: "searching", 3: "denied", 4: "unknown", 5: "roaming",
                              6: "home", 7: "roaming", 8: "unknown", 9: "home", 10: "roaming", 11: "unknown"}


def as_int(value: str) -> Optional[int]:
    try:
        return int(value.strip().strip('"'), 10)
    except (ValueError, AttributeError):
        return None


def split_fields(text: str) -> List[str]:
    """Comma-separated AT fields, commas inside quotes kept; quotes removed."""
    fields: List[str] = []
    current: List[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
            current.append(char)
        elif char == "," and not quoted:
            fields.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    fields.append("".join(current).strip())
    return fields


def unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


# ---------------------------------------------------------------- collector


class Collector:
    """Facts gathered while a parser walks its lines; ``result`` freezes them."""

    def __init__(self, kind: str, tool: str, lines: Sequence[Line]) -> None:
        self.kind = kind
        self.tool = tool
        self.lines = lines
        self.unparsed = UnparsedCollector()
        self.commands: List[ModemCommand] = []
        self.identity: List[IdentityFact] = []
        self.sim: List[SimFact] = []
        self.pins: List[PinFact] = []
        self.signals: List[SignalFact] = []
        self.registrations: List[RegistrationFact] = []
        self.operators: List[OperatorFact] = []
        self.contexts: List[PdpContextFact] = []
        self.data_formats: List[DataFormatFact] = []
        self.call_ends: List[CallEndFact] = []
        self.bearers: List[BearerFact] = []
        self.errors: List[ErrorFact] = []
        self.transport: List[TransportFact] = []
        self.settings: List[SettingFact] = []
        self.manager: List[ManagerStateFact] = []
        self.processes: List[ModemCommand] = []
        self.raw_ip_flags: List[RawIpFlag] = []

    def ident(self, field: str, value: str, line: Line) -> None:
        value = value.strip()
        if value and value.lower() not in ("unknown", "n/a", "--"):
            self.identity.append(IdentityFact(field, value, line.number, line.text))

    def result(self) -> Parsed[ModemSession]:
        first, last = line_span(self.lines)
        session = ModemSession(
            self.tool, tuple(self.commands), tuple(self.identity), tuple(self.sim), tuple(self.pins),
            tuple(self.signals), tuple(self.registrations), tuple(self.operators), tuple(self.contexts),
            tuple(self.data_formats), tuple(self.call_ends), tuple(self.bearers), tuple(self.errors),
            tuple(self.transport), tuple(self.settings), tuple(self.manager), tuple(self.processes),
            tuple(self.raw_ip_flags),
        )
        return Parsed(self.kind, session, self.unparsed.freeze(), first, last)


# A BusyBox/procps `ps` line of a process that talks to the modem: PID USER VSZ STAT COMMAND
PS_LINE = re.compile(
    r"^\s*(?P<pid>\d+)\s+\S+\s+(?:\d+[mMkK]?\s+)?[RSDTZIW][\w<+]*\s+(?P<cmd>(?:\{(?:qmi|mbim)\.sh\}|\S*/?(?:uqmi|umbim|qmicli|mbimcli|qmi-proxy|mbim-proxy|ModemManager)\b).*)$"
)

# Transport failures every QMI/MBIM tool prints (uqmi on stderr; qmicli/mbimcli 'error:').
TRANSPORT = re.compile(
    r"Failed to connect to service|Request timed out|Failed to open device|couldn't open the (?:Qmi|Mbim)Device"
    r"|Transaction timed out|operation timed out|Resource temporarily unavailable|Device or resource busy",
    re.I,
)
