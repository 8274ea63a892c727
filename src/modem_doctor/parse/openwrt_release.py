"""``/etc/openwrt_release`` (and ``/etc/os-release``, as ``cat /etc/*release`` shows both).

Lines are shell assignments: ``DISTRIB_TARGET='ramips/mt7620'``; old releases used double
quotes. Known keys fill ``SystemInfo``; other assignments are kept in ``fields``; lines
that are not assignments are unparsed.
"""

from __future__ import annotations

import re
from typing import Dict, List, Sequence, Tuple

from ..model.common import Line, Parsed, UnparsedCollector, line_span, number_lines
from ..model.system import SystemInfo
from ._log_common import check_lines, check_text

KIND = "openwrt_release"
TITLE = "OpenWrt release (/etc/openwrt_release)"

_ASSIGN = re.compile(r"^(?:export\s+)?(?P<key>[A-Z][A-Z0-9_]*)=(?P<value>.*)$")

# key -> SystemInfo field; /etc/openwrt_release first, /etc/os-release as a fall-back.
_PRIMARY = {
    "DISTRIB_ID": "distribution",
    "DISTRIB_RELEASE": "release",
    "DISTRIB_REVISION": "revision",
    "DISTRIB_TARGET": "target",
    "DISTRIB_ARCH": "arch",
    "DISTRIB_DESCRIPTION": "description",
    "DISTRIB_CODENAME": "codename",
}
_SECONDARY = {
    "NAME": "distribution",
    "VERSION_ID": "release",  # '23.05.5', 'snapshot'; VERSION may carry a codename: '12 (bookworm)'
    "BUILD_ID": "revision",
    "OPENWRT_BOARD": "target",
    "OPENWRT_ARCH": "arch",
    "OPENWRT_RELEASE": "description",
    "PRETTY_NAME": "description",
    "VERSION_CODENAME": "codename",
}


def unquote(value: str) -> str:
    """The value of a shell word: 'a', "a", a, and 'it'\\''s' forms."""
    value = value.strip()
    out = []
    index = 0
    while index < len(value):
        char = value[index]
        if char in "'\"":
            end = value.find(char, index + 1)
            if end < 0:  # unbalanced quote, e.g. a truncated paste: keep the rest
                out.append(value[index + 1 :])
                break
            out.append(value[index + 1 : end])
            index = end + 1
        elif char == "\\" and index + 1 < len(value):
            out.append(value[index + 1])
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)


def parse_lines(lines: Sequence[Line]) -> Parsed[SystemInfo]:
    lines = check_lines(KIND, lines)
    values: Dict[str, str] = {}
    where: Dict[str, int] = {}
    fields: List[Tuple[str, str]] = []
    unparsed = UnparsedCollector()
    secondary: Dict[str, Tuple[str, int]] = {}
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        match = _ASSIGN.match(text)
        if match is None:
            unparsed.add(line, "not a KEY=value line")
            continue
        key, value = match.group("key"), unquote(match.group("value"))
        fields.append((key, value))
        if key in _PRIMARY and value:
            name = _PRIMARY[key]
            values.setdefault(name, value)
            where.setdefault(name, line.number)
        elif key in _SECONDARY and value:
            secondary.setdefault(_SECONDARY[key], (value, line.number))
    for name, (value, number) in secondary.items():
        if name not in values:
            values[name] = value
            where[name] = number
    first, last = line_span(lines)
    info = SystemInfo(fields=tuple(fields), lines=tuple(where.items()), **values)
    return Parsed(kind=KIND, value=info, unparsed=unparsed.freeze(), first_line=first, last_line=last)


def parse(text: str) -> Parsed[SystemInfo]:
    return parse_lines(number_lines(check_text(KIND, text)))
