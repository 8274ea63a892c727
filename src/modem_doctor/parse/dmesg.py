"""``dmesg``: the kernel ring buffer, in every flavour users paste.

Accepted line shapes::

    [   20.091055] cdc_ether 1-1.2:2.0 eth1: register ...     plain dmesg
    [ 20.091055] cdc_ether ...                                forum paste, spaces collapsed
    [Tue Nov 24 02:37:31 2026] usb 1-1: ...                   dmesg -T
    2026-11-24T02:37:31,000000+00:00 usb 1-1: ...             dmesg --time-format iso
    [    7.055116 <    0.002000>] usb 1-1: ...                dmesg -d
    <6>[   20.091055] usb 1-1: ...                            dmesg -r
    kern  :info  : [   20.091055] usb 1-1: ...                dmesg -x
    usb 1-1.2: new high-speed USB device ...                  dmesg -t (no stamp at all)

Records glued onto one line by a paste that lost its newlines are split apart again
(each keeps the line's number). When some lines of a block carry a time stamp, a line without one is not a dmesg line
(prose, a prompt, a wrapped tail) and is reported unparsed. When no line does, every line
that reads like a kernel message ('subsystem: text', 'driver 1-1.2:1.0: text') counts.
"""

from __future__ import annotations

import re
from typing import List, Optional, Sequence, Tuple

from ..model.common import Line, Parsed, UnparsedCollector, line_span, number_lines
from ..model.log import KernelLog, LogEntry, LogEvent, LogSource
from ._log_common import HUMAN_STAMP, ISO_STAMP, KERNEL_STAMP, check_lines, check_text, kernel_event, pair_ttys

KIND = "dmesg"
TITLE = "kernel log (dmesg)"

_RAW_PRIORITY = re.compile(r"^<(\d{1,3})>")
_LEVEL_PREFIX = re.compile(
    r"^(?P<fac>kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|local[0-7])\s*:"
    r"(?P<lvl>emerg|alert|crit|err|warn|notice|info|debug)\s*:\s?"
)
# A kernel message without a stamp: 'subsystem: text' or 'driver device[ netdev]: text'.
# Up to four words before the colon covers 'NX (Execute Disable) protection: active' and
# 'BIOS-provided physical RAM map:'; prose rarely has that shape, prompts never do.
_KERNELISH = re.compile(r"^[\w\[(][^\s:]*(?: [^\s:#$]+(?::\d+\.\d+|:\d+)?){0,3}:(?:\s|$)")
_LEVEL_NAMES = ("emerg", "alert", "crit", "err", "warn", "notice", "info", "debug")
_FACILITY_NAMES = ("kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp")


def _split(text: str) -> Tuple[Optional[float], str, str, str, str]:
    """(time, wallclock, facility, level, message) of one line."""
    body = text.strip()
    facility = level = ""
    raw = _RAW_PRIORITY.match(body)
    if raw:
        number = int(raw.group(1))
        facility = _FACILITY_NAMES[number >> 3] if number >> 3 < len(_FACILITY_NAMES) else ""
        level = _LEVEL_NAMES[number & 7]
        body = body[raw.end() :]
    prefix = _LEVEL_PREFIX.match(body)
    if prefix:
        facility, level = prefix.group("fac"), prefix.group("lvl")
        body = body[prefix.end() :]
    stamp = KERNEL_STAMP.match(body)
    if stamp:
        return float(stamp.group(1)), "", facility, level, body[stamp.end() :]
    human = HUMAN_STAMP.match(body) or ISO_STAMP.match(body)
    if human:
        return None, " ".join(human.group(1).split()), facility, level, body[human.end() :]
    return None, "", facility, level, body


# A paste that lost its newlines glues records: '... CDC Ethernet Device [ 25.118090] cdc_ether ...'.
# printk always prints six decimals, which keeps this from splitting at a '[1.5]' in a message.
_GLUED = re.compile(r"(?<=\S)\s+(?=\[\s*\d{1,10}\.\d{6}\]\s)")


def _unglue(lines: Sequence[Line]) -> List[Line]:
    """Lines holding several stamped records become one Line per record (same number)."""
    out: List[Line] = []
    for line in lines:
        text = line.text
        # the line's own decoration ('<6>', 'kern  :info  : ') is not a glued record
        head = _RAW_PRIORITY.match(text.lstrip()) or _LEVEL_PREFIX.match(text.lstrip())
        start = len(text) - len(text.lstrip()) + (head.end() if head else 0)
        if "]" in text and _GLUED.search(text, start):
            parts = _GLUED.split(text[start:])
            parts[0] = text[:start] + parts[0]
            out.extend(Line(line.number, part) for part in parts)
        else:
            out.append(line)
    return out


def parse_lines(lines: Sequence[Line]) -> Parsed[KernelLog]:
    lines = check_lines(KIND, lines)
    split = [(line, _split(line.text)) for line in _unglue(lines)]
    stamped = any(parts[0] is not None or parts[1] for _, parts in split)
    entries: List[LogEntry] = []
    events: List[LogEvent] = []
    unparsed = UnparsedCollector()
    for line, (time, wallclock, facility, level, message) in split:
        if not line.text.strip():
            continue
        has_stamp = time is not None or bool(wallclock)
        if stamped and not has_stamp:
            unparsed.add(line, "no time stamp in a time-stamped dmesg block")
            continue
        fields = kernel_event(message)
        if not has_stamp and fields is None and not _KERNELISH.match(message):
            unparsed.add(line, "does not read like a kernel message")
            continue
        entries.append(
            LogEntry(
                line=line.number,
                message=message,
                text=line.text,
                time=time,
                wallclock=wallclock,
                facility=facility,
                level=level,
                process="kernel",
            )
        )
        if fields is not None:
            events.append(LogEvent(line=line.number, text=line.text, time=time, wallclock=wallclock, **fields))
    first, last = line_span(lines)
    value = KernelLog(source=LogSource.DMESG, entries=tuple(entries), events=tuple(pair_ttys(events)))
    return Parsed(kind=KIND, value=value, unparsed=unparsed.freeze(), first_line=first, last_line=last)


def parse(text: str) -> Parsed[KernelLog]:
    return parse_lines(number_lines(check_text(KIND, text)))
