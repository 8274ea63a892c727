"""``nslookup`` output, as BusyBox prints it (OpenWrt's, and Debian's busybox 1.35)::

    Server:         127.0.0.1
    Address:        127.0.0.1:53

    Non-authoritative answer:
    Name:   openwrt.org
    Address: 192.0.2.10

Older BusyBox numbers the addresses (``Address 1: 1.2.3.4 host``) and says
``nslookup: can't resolve 'openwrt.org'``. Without an answering server it prints
``nslookup: write to '127.0.0.1': Connection refused`` and/or
``;; connection timed out; no servers could be reached``; a name that does not exist gives
``** server can't find openwrt.invalid: NXDOMAIN``. ``Address`` lines before the first
``Name:`` are the server's, after it the answers.
"""

from __future__ import annotations

import dataclasses
import re
from typing import List, Optional, Sequence

from ..model.common import Line, Parsed, UnparsedCollector, line_span, number_lines
from ..model.reach import LookupResult, LookupRun
from ._log_common import check_lines, check_text

KIND = "nslookup"
TITLE = "nslookup output (BusyBox)"

_SERVER = re.compile(r"^Server:\s*(?P<server>\S*)\s*$")
_ADDRESS = re.compile(r"^Address(?:\s+\d+)?:\s*(?P<address>[0-9A-Fa-f.:#%\w-]+)(?:\s+\S+)?\s*$")
_NAME = re.compile(r"^Name:\s*(?P<name>\S+)\s*$")
_NOTE = re.compile(r"^(?:Non-authoritative answer:|Authoritative answers can be found from:|Aliases:.*|\S+\s+canonical name = \S+)$")
_CANT_RESOLVE = re.compile(r"^nslookup:\s+can't resolve\s+'?(?P<name>[^'\s]*)'?")
_NSLOOKUP_ERROR = re.compile(r"^nslookup:\s+(?P<error>.+)$")
_TIMED_OUT = re.compile(r"^;;\s+(?P<error>connection timed out.*|communications error.*|no servers could be reached.*)$")
_CANT_FIND = re.compile(r"^\*\*\*?\s+(?:server\s+)?can't find\s+(?P<name>[^:\s]+):\s*(?P<error>.+)$", re.I)


def parse_lines(lines: Sequence[Line]) -> Parsed[LookupRun]:
    lines = check_lines(KIND, lines)
    lookups: List[LookupResult] = []
    current: Optional[LookupResult] = None
    in_answer = False
    unparsed = UnparsedCollector()

    def touch(at: Line, **changes: object) -> None:
        nonlocal current
        if current is None:
            current = LookupResult(line=at.number, first_line=at.number)
        current = dataclasses.replace(current, last_line=at.number, **changes)  # type: ignore[arg-type]

    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        server = _SERVER.match(text)
        if server:
            if current is not None and (current.server or current.addresses or current.error):
                lookups.append(current)
                current = None
            in_answer = False
            touch(line, server=server.group("server"))
            continue
        name = _NAME.match(text)
        if name:
            in_answer = True
            touch(line, name=name.group("name"))
            continue
        address = _ADDRESS.match(text)
        if address:
            if in_answer:
                first_answer = current is not None and not current.addresses and not current.error
                touch(line, addresses=(current.addresses if current else ()) + (address.group("address"),))
                if first_answer and current is not None:
                    current = dataclasses.replace(current, line=line.number)
            else:
                touch(line)  # the server's own address
            continue
        match = _CANT_RESOLVE.match(text) or _CANT_FIND.match(text)
        if match:
            error = match.groupdict().get("error") or "can't resolve"
            touch(line, name=(current.name if current and current.name else match.group("name")), error=error.strip(),
                  line=line.number)
            continue
        match = _TIMED_OUT.match(text)
        if match:
            touch(line, error=match.group("error"), line=line.number)
            continue
        match = _NSLOOKUP_ERROR.match(text)
        if match:
            # "write to '127.0.0.1': Connection refused": why the lookup failed; the last
            # error line ('connection timed out') is the verdict when one follows
            touch(line, error=(current.error if current and current.error else match.group("error")), line=line.number)
            continue
        if _NOTE.match(text):
            touch(line)
            continue
        unparsed.add(line, "not an nslookup line")
    if current is not None:
        lookups.append(current)
    first, last = line_span(lines)
    return Parsed(KIND, LookupRun(tuple(lookups)), unparsed.freeze(), first, last)


def parse(text: str) -> Parsed[LookupRun]:
    return parse_lines(number_lines(check_text(KIND, text)))
