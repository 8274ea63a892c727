"""netifd's interface status: ``ifstatus IFACE``, ``ubus call network.interface.IFACE
status`` and ``ubus call network.interface dump``.

The output is JSON, but a pasted copy is often not valid JSON any more: cut off part
way (forum posts, length limits), several outputs one after another with the prompts
between them, curly quotes, a markdown backtick glued on. This parser reads each
object up to where it stops being readable and closes it there: everything before the
cut is used, ``IfStatus.complete`` says the rest is missing, and lines after the cut are
reported unparsed. The interface name comes from the object itself (in a dump) or from
the command shown before it (``ifstatus wwan``).

What matters most for a modem is ``errors``: a protocol handler's failure code, e.g.
``{"subsystem": "qmi", "code": "NO_IFACE"}`` or ``CALL_FAILED``; each error keeps the
line its code is on, for citing.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..model.common import Line, Parsed, UnparsedCollector, line_span
from ..model.network import Address, IfError, IfStatus, IfStatusList, Route
from ._net_common import check_lines, shell_command, strip_fence, to_lines, uncurl

KIND = "ifstatus"
TITLE = "ifstatus / ubus call network.interface status"

_COMMAND = re.compile(
    r"^\s*(?:ifstatus\s+(?P<ifstatus>[\w.-]+)"
    r"|ubus\s+(?:-\S+\s+)*call\s+network\.interface(?:\.(?P<ubus>[\w.-]+))?\s+(?:status|dump)\b"
    r"(?:.*?[\"']interface[\"']\s*:\s*[\"'](?P<argument>[\w.-]+))?)"
)
# What /sbin/ifstatus prints for a name netifd does not know (netifd package's
# files/sbin/ifstatus: 'echo "Interface $INTERFACE not found"').
_NOT_FOUND = re.compile(r"^Interface (\S+) not found$")
_CLOSERS = {"{": "}", "[": "]"}
# An object with none of these is not an interface status (nor a dump of them).
_STATUS_KEYS = ("interface", "up", "pending", "available", "proto", "device", "l3_device", "errors")


def parse(text: str) -> Parsed[IfStatusList]:
    return parse_lines(to_lines(KIND, text))


def parse_lines(lines: Sequence[Line]) -> Parsed[IfStatusList]:
    check_lines(KIND, lines)
    unparsed = UnparsedCollector()
    statuses: List[IfStatus] = []
    interface = ""
    position = 0
    while position < len(lines):
        line = lines[position]
        text = uncurl(strip_fence(line.text)).strip()
        if not text:
            position += 1
            continue
        command = shell_command(line.text)
        named = _COMMAND.match(command if command is not None else text)
        if named:
            interface = named.group("ifstatus") or named.group("ubus") or named.group("argument") or ""
            position += 1
            continue
        if command is not None:
            position += 1
            continue
        absent = _NOT_FOUND.match(text)
        if absent:
            statuses.append(IfStatus(interface=absent.group(1), exists=False, line=line.number, last_line=line.number))
            interface = ""
            position += 1
            continue
        if not text.startswith("{"):
            unparsed.add(line, "not part of a JSON status")
            position += 1
            continue
        mangled = _curly_quoted(lines, position)
        end, value, complete, cut_line = _read_object(lines, position, mangled)
        found = _statuses(value, interface, complete, lines[position:end], mangled) if isinstance(value, dict) else []
        if found:
            statuses.extend(found)
        else:
            unparsed.add(line, "JSON not readable as an interface status")
            cut_line = position + 1
        for later in lines[cut_line:end]:
            if later.text.strip():
                unparsed.add(later, "JSON cut short before here; not read")
        interface = ""
        position = max(end, position + 1)

    first, last = line_span(lines)
    return Parsed(KIND, IfStatusList(tuple(statuses)), unparsed.freeze(), first, last)


def _curly_quoted(lines: Sequence[Line], start: int) -> bool:
    """True when forum software turned the JSON's quotes into curly ones: the first quote
    mark after the opening brace is curly. Curly quotes inside straight-quoted strings
    (a hostname "Bob’s") are then left alone."""
    for line in lines[start : start + 50]:
        for char in line.text:
            if char == '"':
                return False
            if char in "\u201c\u201d":
                return True
    return False


def _read_object(lines: Sequence[Line], start: int, mangled: bool = False) -> Tuple[int, Any, bool, int]:
    """Read the JSON object starting at ``lines[start]``.

    Returns (index after its last line, value or None, complete, index of the first line
    not used). A shell prompt ends an object that never closed. Each character is looked
    at once, so a huge paste costs linear time."""
    texts: List[str] = []
    offsets: List[int] = []
    total = 0
    end = len(lines)
    closed_at: Optional[int] = None
    depth = 0
    in_string = escaped = False
    for index in range(start, len(lines)):
        if index > start and shell_command(lines[index].text) is not None:
            end = index
            break
        text = uncurl(lines[index].text) if mangled else lines[index].text
        if index == start:
            text = strip_fence(text)
            text = text[text.index("{") :]
        offsets.append(total)
        for column, char in enumerate(text):
            if in_string:
                if escaped:
                    escaped = False
                elif char == "\\":
                    escaped = True
                elif char == '"':
                    in_string = False
            elif char == '"':
                in_string = True
            elif char in "{[":
                depth += 1
            elif char in "}]":
                depth -= 1
                if depth <= 0:
                    closed_at = total + column + 1
                    break
        texts.append(text)
        total += len(text) + 1
        if closed_at is not None:
            end = index + 1
            break
    joined = "\n".join(texts)
    if closed_at is not None:
        try:
            return end, json.loads(joined[:closed_at]), True, end
        except ValueError:
            pass
    value, used = _salvage(joined[:closed_at] if closed_at is not None else joined)
    if value is None:
        return end, None, False, start + 1
    cut_line = start + _line_of(offsets, used) + 1
    return end, value, False, min(max(cut_line, start + 1), end)


def _salvage(text: str) -> Tuple[Any, int]:
    """The longest readable beginning of a broken JSON text, closed where it breaks.

    Returns (value or None, offset in ``text`` up to which it was used)."""
    for _ in range(8):
        try:
            return json.loads(text), len(text)
        except ValueError as error:
            broken_at = getattr(error, "pos", len(text))
        safe = _last_safe_point(text[:broken_at])
        if safe is None:
            return None, 0
        offset, stack = safe
        repaired = text[:offset] + "".join(_CLOSERS[opener] for opener in reversed(stack))
        try:
            return json.loads(repaired), offset
        except ValueError:
            text = text[:offset]
    return None, 0


def _last_safe_point(text: str) -> Optional[Tuple[int, Tuple[str, ...]]]:
    """The last offset where the text so far, plus closing brackets, is valid JSON: just
    after an opening bracket, a closing one or a string value, or just before a comma."""
    stack: List[str] = []
    in_string = escaped = False
    expect_value = False  # after ':' in an object: the next string is a value, not a key
    safe: Optional[Tuple[int, Tuple[str, ...]]] = None
    for offset, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
                if expect_value or (stack and stack[-1] == "["):
                    safe = (offset + 1, tuple(stack))  # a whole string value: '"code": "NO_IFACE"'
                expect_value = False
            continue
        if char == ":":
            expect_value = True
        elif char == '"':
            in_string = True
        elif char in "{[":
            expect_value = False
            stack.append(char)
            safe = (offset + 1, tuple(stack))
        elif char in "}]":
            if not stack or _CLOSERS[stack[-1]] != char:
                break
            stack.pop()
            safe = (offset + 1, tuple(stack))
            if not stack:
                break
        elif char == "," and stack:
            safe = (offset, tuple(stack))
            expect_value = False
    return safe


def _line_of(offsets: Sequence[int], offset: int) -> int:
    index = 0
    for position, start in enumerate(offsets):
        if start <= offset:
            index = position
    return index


# ----- JSON -> model -----------------------------------------------------------------


class _LineFinder:
    """Finds the line a JSON member sits on, searching forward from a cursor so a dump of
    thousands of interfaces costs one pass, not one pass per interface."""

    def __init__(self, lines: Sequence[Line], mangled: bool = False) -> None:
        self.lines = lines
        texts = [uncurl(line.text) if mangled else line.text for line in lines]
        self.compact = [text.replace(" ", "").replace("\t", "") for text in texts]

    def find(self, needle: str, start: Tuple[int, int]) -> Tuple[int, int]:
        """(line index, offset after the match) of the first ``needle`` at or after
        ``start``; ``start`` itself when there is none."""
        compact = needle.replace(" ", "")
        index, offset = start
        while index < len(self.compact):
            found = self.compact[index].find(compact, offset)
            if found >= 0:
                return index, found + len(compact)
            index, offset = index + 1, 0
        return start

    def number(self, position: Tuple[int, int]) -> int:
        index = position[0]
        return self.lines[index].number if 0 <= index < len(self.lines) else 0


def _statuses(
    value: Dict[str, Any], interface: str, complete: bool, lines: Sequence[Line], mangled: bool = False
) -> List[IfStatus]:
    if not any(key in value for key in _STATUS_KEYS):
        return []
    finder = _LineFinder(lines, mangled)
    last = lines[-1].number if lines else 0
    members = value.get("interface")
    if isinstance(members, list):  # a dump
        result = []
        cursor = (0, 0)
        for position, member in enumerate(members):
            if isinstance(member, dict):
                name = member.get("interface") if isinstance(member.get("interface"), str) else ""
                if name:
                    cursor = finder.find(f'"interface": "{name}"', cursor)
                # A cut dump lost the end of its last member only; the ones before are whole.
                whole = complete or position < len(members) - 1
                result.append(_status(member, name or "", whole, cursor, last, finder))
        return result
    name = value.get("interface") if isinstance(value.get("interface"), str) else interface
    return [_status(value, name or "", complete, (0, 0), last, finder)]


def _status(
    data: Dict[str, Any], name: str, complete: bool, start: Tuple[int, int], last: int, finder: _LineFinder
) -> IfStatus:
    errors = []
    cursor = start
    for item in _list(data, "errors"):
        if not isinstance(item, dict):
            continue
        code = _str(item, "code")
        if code:
            cursor = finder.find(f'"{code}"', cursor)
        raw_data = item.get("data")
        details: Tuple[str, ...] = ()
        if isinstance(raw_data, list):
            details = tuple(str(entry) for entry in raw_data)
        elif raw_data is not None:
            details = (str(raw_data),)
        errors.append(IfError(_str(item, "subsystem"), code, details, finder.number(cursor)))
    return IfStatus(
        interface=name,
        up=_bool(data, "up"),
        pending=_bool(data, "pending"),
        available=_bool(data, "available"),
        autostart=_bool(data, "autostart"),
        dynamic=_bool(data, "dynamic"),
        uptime=_int(data, "uptime"),
        proto=_str(data, "proto"),
        device=_str(data, "device"),
        l3_device=_str(data, "l3_device"),
        metric=_int(data, "metric"),
        ipv4_addresses=_addresses(data, "ipv4-address", "inet"),
        ipv6_addresses=_addresses(data, "ipv6-address", "inet6"),
        ipv6_prefixes=_addresses(data, "ipv6-prefix", "inet6"),
        routes=_routes(data),
        dns_servers=tuple(str(server) for server in _list(data, "dns-server") if isinstance(server, str)),
        errors=tuple(errors),
        data=_plain_items(data.get("data")),
        complete=complete,
        line=finder.number(start),
        last_line=last,
    )


def _addresses(data: Dict[str, Any], key: str, family: str) -> Tuple[Address, ...]:
    result = []
    for item in _list(data, key):
        if isinstance(item, dict) and isinstance(item.get("address"), str):
            result.append(Address(family, item["address"], _int(item, "mask"), peer=_str(item, "ptpaddress")))
    return tuple(result)


def _routes(data: Dict[str, Any]) -> Tuple[Route, ...]:
    result = []
    for item in _list(data, "route"):
        if not isinstance(item, dict) or not isinstance(item.get("target"), str):
            continue
        target = item["target"]
        mask = _int(item, "mask")
        destination = f"{target}/{mask}" if mask is not None else target
        family = "inet6" if ":" in target else "inet"
        result.append(
            Route(
                destination=destination,
                family=family,
                via=_str(item, "nexthop"),
                src=_str(item, "source"),
                metric=_int(item, "metric"),
                table=_str(item, "table"),
            )
        )
    return tuple(result)


def _plain_items(value: Any) -> Tuple[Tuple[str, str], ...]:
    """The strings, numbers and booleans of a JSON object, as text pairs in their order."""
    if not isinstance(value, dict):
        return ()
    items = []
    for key, item in value.items():
        if isinstance(item, bool):
            items.append((str(key), "true" if item else "false"))
        elif isinstance(item, (str, int, float)):
            items.append((str(key), str(item)))
    return tuple(items)


def _list(data: Dict[str, Any], key: str) -> List[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def _str(data: Dict[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _bool(data: Dict[str, Any], key: str) -> Optional[bool]:
    value = data.get(key)
    return value if isinstance(value, bool) else None


def _int(data: Dict[str, Any], key: str) -> Optional[int]:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None
