"""LuCI's rendering of netifd interface errors, as users copy it from the interface overview:

    Error: PIN code rejected
    Error: Unknown error (NO_REGISTRATION)

LuCI prints the message a code was registered with (luci-base's table, a protocol's own
``registerErrorCode``) and ``Unknown error (CODE)`` for any other code, so each line maps back
to the netifd error code that ``ifstatus`` would show in its ``errors`` array. The result is
the same model as the ``ifstatus`` parser's (one interface whose name the paste does not
give), so rules read both alike. The message table is ``data/openwrt/luci-errors.json``.
"""

from __future__ import annotations

import functools
import json
import os
import re
from typing import Dict, List, Sequence, Tuple

from ..model.common import Line, Parsed, UnparsedCollector, line_span
from ..model.network import IfError, IfStatus, IfStatusList
from ._net_common import check_lines, strip_fence, to_lines

KIND = "luci_errors"
TITLE = "LuCI interface errors (Error: ...)"

_DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "openwrt", "luci-errors.json")
_UNKNOWN = re.compile(r"^Unknown error \((?P<code>[A-Za-z0-9_]+)\)$")
_LINE = re.compile(r"^\s*Error:\s*(?P<message>\S.*?)\s*$")


@functools.lru_cache(maxsize=1)
def messages() -> Dict[str, Tuple[str, ...]]:
    """LuCI message (lower case) -> the netifd codes it stands for (usually one)."""
    with open(_DATA, encoding="utf-8") as handle:
        table = json.load(handle)
    return {str(row["message"]).lower(): tuple(str(code) for code in row["codes"]) for row in table["messages"]}


@functools.lru_cache(maxsize=1)
def line_pattern() -> str:
    """A regular expression for one LuCI error line (for the extractor's signature)."""
    known = "|".join(re.escape(message) for message in sorted(messages(), key=len, reverse=True))
    return r"Error:\s*(?:Unknown error \([A-Za-z0-9_]+\)|(?i:" + known + r"))\s*$"


def codes_of(message: str) -> Tuple[str, ...]:
    """The netifd codes a LuCI error message stands for; () when it is not one."""
    unknown = _UNKNOWN.match(message)
    if unknown:
        return (unknown.group("code"),)
    return messages().get(message.lower(), ())


def parse(text: str) -> Parsed[IfStatusList]:
    return parse_lines(to_lines(KIND, text))


def parse_lines(lines: Sequence[Line]) -> Parsed[IfStatusList]:
    check_lines(KIND, lines)
    unparsed = UnparsedCollector()
    errors: List[IfError] = []
    for line in lines:
        text = strip_fence(line.text).strip()
        if not text:
            continue
        match = _LINE.match(text)
        codes = codes_of(match.group("message")) if match else ()
        if not codes:
            unparsed.add(line, "not a LuCI interface error line")
            continue
        # a message two codes share keeps the first as the code and names the other
        data = (match.group("message"),) + tuple("or " + code for code in codes[1:]) if match else ()
        errors.append(IfError("", codes[0], data, line.number))  # LuCI does not show the handler
    first, last = line_span(lines)
    statuses: Tuple[IfStatus, ...] = ()
    if errors:
        statuses = (IfStatus(errors=tuple(errors), line=errors[0].line, last_line=errors[-1].line),)
    return Parsed(KIND, IfStatusList(statuses), unparsed.freeze(), first, last)
