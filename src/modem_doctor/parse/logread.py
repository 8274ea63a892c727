"""``logread``: syslog lines, as OpenWrt prints them and as other syslogs do.

Accepted line shapes::

    Tue Nov 21 10:00:00 2023 kern.info kernel: [   20.091055] usb 1-1.2: ...   OpenWrt logd
    Fri Aug  5 12:19:40 2016 daemon.notice netifd: wan (2704): Unable to connect IPv4
    Thu Apr 18 19:52:00 2024 daemon.info [10720]: <info>  [modem0] ...    ModemManager (no name)
    May 13 15:11:13 wrt350n daemon.notice pppd[4396]: ...                 old syslogd (host)
    May  9 02:23:22 raspberrypi kernel: [   15.72] usbcore: ...           BSD syslog / journalctl
    2023-11-21T10:00:00.123456+01:00 host proc[12]: ...                   RFC 3339 (rsyslog)
    daemon.notice netifd: wan (1234): ...                                 quoted without the date
    kern.info kernel: [   12.345678] usb 1-1: ...                         (wikis, blogs, READMEs)

A line without its date must carry the facility and level: without them 'word: text' is
any sentence with a colon, and those two words are what tells a syslog line from prose.

Kernel messages go through the same event reader as dmesg; netifd, protocol handlers
(qmi.sh, mbim.sh, ncm.sh, modemmanager.sh), pppd and ModemManager messages through the
daemon reader. A line that is not a syslog line is reported unparsed.
"""

from __future__ import annotations

import re
from typing import List, Optional, Sequence

from ..model.common import Line, Parsed, UnparsedCollector, line_span, number_lines
from ..model.log import KernelLog, LogEntry, LogEvent, LogSource
from ._log_common import check_lines, check_text, daemon_event, kernel_event, pair_ttys, split_kernel_stamp

KIND = "logread"
TITLE = "system log (logread)"

_FACILITIES = r"(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|ntp|security|console|local[0-7])"
_LEVELS = r"(?:emerg|alert|crit|err|error|warn|warning|notice|info|debug)"
_SYSLOG = re.compile(
    r"^(?P<wall>"
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+\d{1,2}\s+"
    r"\d{1,2}:\d{2}:\d{2}(?:\.\d+)?(?:\s+\d{4})?"
    r"|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"
    r")\s+"
    rf"(?:(?!{_FACILITIES}\.{_LEVELS}\s)(?P<host>[A-Za-z0-9][\w.\-]*)\s+(?=\S*(?:\[\d+\])?:|{_FACILITIES}\.))?"
    rf"(?:(?P<fac>{_FACILITIES})\.(?P<lvl>{_LEVELS})\s+)?"
    r"(?P<proc>[^\s\[:]*)(?:\[(?P<pid>\d+)\])?:(?:\s|$)(?P<msg>.*)$"
)
# The same line with the date (and host) cut off, as guides quote logread.
_DATELESS = re.compile(
    rf"^(?P<fac>{_FACILITIES})\.(?P<lvl>{_LEVELS})\s+"
    r"(?P<proc>[^\s\[:]*)(?:\[(?P<pid>\d+)\])?:(?:\s|$)(?P<msg>.*)$"
)


def _entry_and_event(line: Line) -> Optional[LogEntry]:
    text = line.text.strip()
    match = _SYSLOG.match(text)
    wallclock = host = ""
    if match:
        wallclock = " ".join(match.group("wall").split())
        host = match.group("host") or ""
    else:
        match = _DATELESS.match(text)
        if not match:
            return None
    process = match.group("proc")
    message = match.group("msg")
    time = None
    if process == "kernel":
        time, message = split_kernel_stamp(message)
    pid = match.group("pid")
    return LogEntry(
        line=line.number,
        message=message,
        text=line.text,
        time=time,
        wallclock=wallclock,
        facility=match.group("fac") or "",
        level=match.group("lvl") or "",
        host=host,
        process=process,
        pid=int(pid) if pid else None,
    )


def parse_lines(lines: Sequence[Line]) -> Parsed[KernelLog]:
    lines = check_lines(KIND, lines)
    entries: List[LogEntry] = []
    events: List[LogEvent] = []
    unparsed = UnparsedCollector()
    for line in lines:
        if not line.text.strip():
            continue
        entry = _entry_and_event(line)
        if entry is None:
            unparsed.add(line, "not a syslog line")
            continue
        entries.append(entry)
        if entry.process == "kernel":
            fields = kernel_event(entry.message)
        else:
            fields = daemon_event(entry.process, entry.message)
        if fields is not None:
            events.append(LogEvent(line=line.number, text=line.text, time=entry.time, wallclock=entry.wallclock, **fields))
    first, last = line_span(lines)
    value = KernelLog(source=LogSource.LOGREAD, entries=tuple(entries), events=tuple(pair_ttys(events)))
    return Parsed(kind=KIND, value=value, unparsed=unparsed.freeze(), first_line=first, last_line=last)


def parse(text: str) -> Parsed[KernelLog]:
    return parse_lines(number_lines(check_text(KIND, text)))
