"""``dmesg``: the kernel ring buffer, in every flavour users paste.

Accepted line shapes::

    [   20.091055] cdc_ether 1-1.2:2.0 eth1: register ...     plain dmesg
    [ 20.091055] cdc_ether ...                                forum paste, spaces collapsed
    [Tue Nov 24 02:37:31 2026] usb 1-1: ...                   dmesg -T
    2026-11-24T02:37:31,000000+00:00 usb 1-1: ...             dmesg --time-format iso
    [    7.055116 <    0.002000>] usb 1-1: ...                dmesg -d
    [Tue Nov 24 02:37:31 2026 <    0.002000>] usb 1-1: ...    dmesg -T -d
    [<    0.002000>] usb 1-1: ...                             dmesg --time-format delta
    [Nov24 02:37] usb 1-1: ...  then  [  +0.002000] ...       dmesg -e, dmesg -H
    <6>[   20.091055] usb 1-1: ...                            dmesg -r
    kern  :info  : [   20.091055] usb 1-1: ...                dmesg -x
    usb 1-1.2: new high-speed USB device ...                  dmesg -t (no stamp at all)

The delta formats show only the time since the previous record. Summed, those give the
time since boot, but only from a known start: a paste that begins with the kernel's first
record ('Linux version ...', shown with a zero delta) starts at boot. Until then, or after
a '[Nov24 02:37]' record whose delta dmesg does not show, a line keeps its wall clock
(when shown) and no time since boot.

Records glued onto one line by a paste that lost its newlines are split apart again
(each keeps the line's number). When some lines of a block carry a time stamp, a line without one is not a dmesg line
(prose, a prompt, a wrapped tail) and is reported unparsed. When no line does, every line
that reads like a kernel message ('subsystem: text', 'driver 1-1.2:1.0: text') counts.
"""

from __future__ import annotations

import re
from typing import List, NamedTuple, Optional, Sequence, Tuple

from ..model.common import Line, Parsed, UnparsedCollector, line_span, number_lines
from ..model.log import KernelLog, LogEntry, LogEvent, LogSource
from ._log_common import (
    DELTA_STAMP,
    HUMAN_STAMP,
    ISO_STAMP,
    KERNEL_STAMP,
    MINUTE_STAMP,
    PLUS_STAMP,
    check_lines,
    check_text,
    kernel_event,
    pair_ttys,
)

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


# The kernel's first record, printed at 0.000000 (x86 and MIPS start with the version; ARM
# with 'Booting Linux', then the version).
_BOOT = re.compile(r"^(?:Linux version \d|Booting Linux on physical CPU)")


class _Split(NamedTuple):
    time: Optional[float]  # seconds since boot, as shown
    wallclock: str
    facility: str
    level: str
    message: str
    delta: Optional[float] = None  # seconds since the previous record (-d, delta, reltime)
    chained: bool = False  # a delta-format record whose delta is not shown ('[Nov24 02:37]')

    @property
    def stamped(self) -> bool:
        return self.time is not None or bool(self.wallclock) or self.delta is not None


def _split(text: str) -> _Split:
    """Time, wall clock, delta, facility, level and message of one line."""
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
        return _Split(float(stamp.group(1)), "", facility, level, body[stamp.end() :])
    human = HUMAN_STAMP.match(body)
    if human:
        delta = float(human.group(2)) if human.group(2) else None
        return _Split(None, " ".join(human.group(1).split()), facility, level, body[human.end() :], delta)
    stamp = ISO_STAMP.match(body)
    if stamp:
        return _Split(None, stamp.group(1), facility, level, body[stamp.end() :])
    stamp = DELTA_STAMP.match(body) or PLUS_STAMP.match(body)
    if stamp:
        return _Split(None, "", facility, level, body[stamp.end() :], float(stamp.group(1)))
    stamp = MINUTE_STAMP.match(body)
    if stamp:
        return _Split(None, " ".join(stamp.group(1).split()), facility, level, body[stamp.end() :], chained=True)
    return _Split(None, "", facility, level, body)


def _since_boot(split: Sequence[Tuple[Line, _Split]]) -> List[Tuple[Line, _Split]]:
    """Each delta-format record with the time since boot its deltas add up to, from a
    boot record on (see the module text); other records unchanged."""
    out: List[Tuple[Line, _Split]] = []
    running: Optional[float] = None
    for line, parts in split:
        if parts.time is not None:
            running = parts.time  # 'dmesg -d' shows both: the absolute time wins
        elif parts.delta is not None or parts.chained:
            if _BOOT.match(parts.message) and not parts.delta:
                running = 0.0
            elif running is not None and parts.delta is not None:
                # deltas are printed to the microsecond; rounding keeps the sum as exact
                running = round(running + parts.delta, 6)
            else:
                running = None  # no start yet, or a record whose delta is not shown
            if running is not None:
                parts = parts._replace(time=running)
        elif parts.stamped:
            running = None
        out.append((line, parts))
    return out


# A paste that lost its newlines glues records: '... CDC Ethernet Device [ 25.118090] cdc_ether ...'.
# printk always prints six decimals, which keeps this from splitting at a '[1.5]' in a message.
# The delta formats' '[<    0.000044>]' and '[  +0.000044]' are printed the same way.
_GLUED = re.compile(r"(?<=\S)\s+(?=\[\s*(?:<\s*|\+)?\d{1,10}\.\d{6}>?\]\s)")


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
    split = _since_boot([(line, _split(line.text)) for line in _unglue(lines)])
    stamped = any(parts.stamped for _, parts in split)
    entries: List[LogEntry] = []
    events: List[LogEvent] = []
    unparsed = UnparsedCollector()
    for line, parts in split:
        time, wallclock, facility, level, message = parts[:5]
        if not line.text.strip():
            continue
        has_stamp = parts.stamped
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
