"""``ubus call system board``: the board and release as JSON.

    {
            "kernel": "5.15.137",
            "hostname": "OpenWrt",
            "system": "MediaTek MT7620A ver:2 eco:6",
            "model": "Zbtlink ZBT-WE826 (32M)",
            "board_name": "zbtlink,zbt-we826-32m",
            "rootfs_type": "squashfs",
            "release": { "distribution": "OpenWrt", "version": "23.05.2", ... }
    }

Pasted JSON is often damaged: whitespace collapsed (harmless), lines elided with '....',
or cut off mid-value. Whole JSON is read with ``json``; otherwise a token scanner reads
every complete ``"key": value`` pair it can, tracking nesting, and reports the rest unparsed.
"""

from __future__ import annotations

import json
import re
from typing import Dict, List, Optional, Sequence, Tuple

from ..model.common import Line, Parsed, UnparsedCollector, line_span, number_lines
from ..model.system import SystemInfo
from ._log_common import check_lines, check_text

KIND = "ubus_board"
TITLE = "board and release (ubus call system board)"

_FIELDS = {
    "kernel": "kernel",
    "hostname": "hostname",
    "system": "system",
    "model": "model",
    "board_name": "board_name",
    "rootfs_type": "rootfs_type",
    "release.distribution": "distribution",
    "release.version": "release",
    "release.revision": "revision",
    "release.target": "target",
    "release.description": "description",
    "release.builddate": "builddate",
}
_TOKEN = re.compile(
    r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<punct>[{}\[\]:,])|'
    r"(?P<lit>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)|(?P<junk>\S+))"
)

Pairs = List[Tuple[str, str, int]]  # dotted key, value, line


def _flatten(value: object, prefix: str, out: Dict[str, str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}{key}.", out)
    elif isinstance(value, list):
        out[prefix[:-1]] = json.dumps(value)
    elif value is None:
        out[prefix[:-1]] = ""
    elif isinstance(value, bool):
        out[prefix[:-1]] = "true" if value else "false"
    else:
        out[prefix[:-1]] = str(value)


def _whole_json(lines: Sequence[Line]) -> Optional[Tuple[Pairs, int, int]]:
    """Pairs when the block holds one complete JSON object; with the index range it spans."""
    start = next((i for i, line in enumerate(lines) if line.text.lstrip().startswith("{")), None)
    end = next((i for i in range(len(lines) - 1, -1, -1) if lines[i].text.rstrip().endswith("}")), None)
    if start is None or end is None or end < start:
        return None
    try:
        data = json.loads("\n".join(line.text for line in lines[start : end + 1]))
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    flat: Dict[str, str] = {}
    _flatten(data, "", flat)
    pairs: Pairs = []
    for dotted, value in flat.items():
        leaf = json.dumps(dotted.rsplit(".", 1)[-1])
        number = next((line.number for line in lines[start : end + 1] if leaf in line.text), lines[start].number)
        pairs.append((dotted, value, number))
    return pairs, start, end


def _string(token: str) -> Optional[str]:
    try:
        value = json.loads(token)
    except ValueError:  # a bad escape in a damaged paste
        return None
    return value if isinstance(value, str) else None


def _scan(lines: Sequence[Line], unparsed: UnparsedCollector) -> Pairs:
    """Every complete '"key": value' pair, keeping track of nested objects."""
    pairs: Pairs = []
    stack: List[str] = []  # one entry per open object: its key, '' for the root and array items
    pending_key: Optional[str] = None  # a string that may turn out to be a key
    value_key: Optional[str] = None  # the key whose value comes next (after ':')
    for line in lines:
        if not line.text.strip():
            continue
        good = bad = False
        position = 0
        text = line.text
        while position < len(text):
            match = _TOKEN.match(text, position)
            if match is None or match.end() == position:
                break
            position = match.end()
            punct = match.group("punct")
            if match.group("junk"):
                bad = True
                pending_key = value_key = None
            elif punct == ":":
                if pending_key is None:
                    bad = True
                else:
                    value_key, pending_key = pending_key, None
            elif punct == "{":
                stack.append(value_key or "")
                value_key = pending_key = None
                good = True
            elif punct == "}":
                if stack:
                    stack.pop()
                value_key = pending_key = None
                good = True
            elif punct:
                value_key = pending_key = None
                good = True
            elif value_key is not None:
                raw = match.group("str") or match.group("lit")
                value = _string(raw) if match.group("str") else raw
                if value is None:
                    bad = True
                else:
                    dotted = ".".join([key for key in stack if key] + [value_key])
                    pairs.append((dotted, "" if value == "null" else value, line.number))
                    good = True
                value_key = None
            elif match.group("str"):
                pending_key = _string(match.group("str"))
                if pending_key is None:
                    bad = True
            else:
                bad = True
        if pending_key is not None or value_key is not None:
            if position >= len(text.rstrip()) and value_key is not None:
                pass  # '"release": ' with its '{' on the next line
            else:
                bad = True
        if bad and any(number == line.number for _, _, number in pairs):
            unparsed.add(line, "partly read: damaged or truncated JSON around the complete pairs")
        elif bad:
            unparsed.add(line, "not a complete JSON key/value line (damaged or truncated)")
        elif not good and not bad and value_key is None:
            unparsed.add(line, "not JSON")
    return pairs


def parse_lines(lines: Sequence[Line]) -> Parsed[SystemInfo]:
    lines = check_lines(KIND, lines)
    unparsed = UnparsedCollector()
    whole = _whole_json(lines)
    if whole is not None:
        pairs, start, end = whole
        for index, line in enumerate(lines):
            if (index < start or index > end) and line.text.strip():
                unparsed.add(line, "outside the JSON object")
    else:
        pairs = _scan(lines, unparsed)
    values: Dict[str, str] = {}
    where: Dict[str, int] = {}
    for dotted, value, number in pairs:
        name = _FIELDS.get(dotted)
        if name and value and name not in values:
            values[name] = value
            where[name] = number
    first, last = line_span(lines)
    info = SystemInfo(
        fields=tuple((dotted, value) for dotted, value, _ in pairs), lines=tuple(where.items()), **values
    )
    return Parsed(kind=KIND, value=info, unparsed=unparsed.freeze(), first_line=first, last_line=last)


def parse(text: str) -> Parsed[SystemInfo]:
    return parse_lines(number_lines(check_text(KIND, text)))
