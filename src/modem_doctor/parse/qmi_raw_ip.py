"""qmi_wwan's framing switch, ``/sys/class/net/<netdev>/qmi/raw_ip`` (Linux 4.5 and later).

The kernel prints a boolean attribute as ``Y`` or ``N`` (``N``, 802.3 framing, is the
default; ``Y`` is raw-IP). Read in any of the ways it reaches us::

    /sys/class/net/wwan0/qmi/raw_ip=N                   the collector and the probe (path=value)
    /sys/class/net/wwan0/qmi/raw_ip:Y                   grep . /sys/class/net/*/qmi/raw_ip
    ==> /sys/class/net/wwan0/qmi/raw_ip <==             head/tail of several files, then the value
    N                                                   cat /sys/class/net/wwan0/qmi/raw_ip
    cat: can't open '/sys/class/net/wwan0/qmi/raw_ip': No such file or directory
                                                        no such attribute (BusyBox; GNU: 'cat: PATH: ...')

A missing attribute is a fact too: qmi_wwan before 4.5, or a netdev another driver owns.
The collector writes ``path=<what cat printed>``, so an unreadable file arrives as
``path=cat: can't open ...``; the probe writes ``path=unreadable (<reason>)``.
A bare value has no netdev here; ``model.modem.raw_ip_flags`` takes it from the command.
"""

from __future__ import annotations

import re
from typing import List, Sequence

from ..model.common import Line, Parsed, UnparsedCollector, line_span, number_lines
from ..model.modem import RawIpFlag, RawIpState
from ._log_common import check_lines, check_text

KIND = "qmi_raw_ip"
TITLE = "qmi_wwan raw_ip flag (/sys/class/net/*/qmi/raw_ip)"

_PATH = r"(?:\S*?)/sys/class/net/(?P<netdev>[\w.@:-]+)/qmi/raw_ip"
_PATH_VALUE = re.compile(r"^" + _PATH + r"\s*[=:]\s?(?P<value>.*)$")
_HEADER = re.compile(r"^==>\s*" + _PATH + r"\s*<==$")
_CAT = re.compile(r"^(?:\S+[#$]\s*)?(?:sudo\s+)?cat\s+" + _PATH + r"\s*$")
_CAT_ERROR = re.compile(r"^(?:cat|head|tail|grep):\s*(?:can't open\s*)?'?" + _PATH + r"'?:\s*(?P<error>.+)$")
_BOOL = re.compile(r"^(?P<value>[YN01])$")
_MISSING = re.compile(r"No such file|not found|does not exist", re.I)


def _flag(netdev: str, value: str, line: Line) -> RawIpFlag:
    value = value.strip()
    if value in ("Y", "1"):
        return RawIpFlag(netdev, True, "Y", line.number, line.text)
    if value in ("N", "0"):
        return RawIpFlag(netdev, False, "N", line.number, line.text)
    # 'cat: can't open ...: No such file or directory', 'unreadable (Permission denied)'
    shown = "missing" if _MISSING.search(value) else value
    return RawIpFlag(netdev, None, shown, line.number, line.text)


def parse_lines(lines: Sequence[Line]) -> Parsed[RawIpState]:
    lines = check_lines(KIND, lines)
    flags: List[RawIpFlag] = []
    unparsed = UnparsedCollector()
    pending = ""  # the netdev a 'cat PATH' or '==> PATH <==' line announced
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        match = _CAT_ERROR.match(text)
        if match:
            flags.append(_flag(match.group("netdev"), match.group("error"), line))
            pending = ""
            continue
        match = _PATH_VALUE.match(text)
        if match:
            flags.append(_flag(match.group("netdev"), match.group("value"), line))
            pending = ""
            continue
        match = _HEADER.match(text) or _CAT.match(text)
        if match:
            pending = match.group("netdev")
            continue
        match = _BOOL.match(text)
        if match:
            flags.append(_flag(pending, match.group("value"), line))
            pending = ""
            continue
        unparsed.add(line, "not a raw_ip reading")
    first, last = line_span(lines)
    return Parsed(KIND, RawIpState(tuple(flags)), unparsed.freeze(), first, last)


def parse(text: str) -> Parsed[RawIpState]:
    return parse_lines(number_lines(check_text(KIND, text)))
