"""Directory listings: ``ls -l /dev``, ``ls /dev``, ``ls /sys/class/net`` and ``ls -l`` of
single nodes (``ls -l /dev/cdc-wdm0``), from GNU coreutils or BusyBox.

A long line is mode, links, owner, group, then either ``MAJOR, MINOR`` (device nodes)
or a size, then a date and the name, with ``-> TARGET`` for a symlink. In
``/sys/class/net`` the target of each link is the device path, so it tells which USB
port and interface a netdev hangs off (``wwan0 -> ../../devices/.../1-1.3/1-1.3:2.0/net/wwan0``).

A plain listing is names only: one per line when piped (``ls /dev | grep ttyUSB``) or in
columns on a terminal. Single-space separated words are accepted as names only when at
least one of them looks like a device or interface name, so a sentence of prose is not
taken for a listing.

``ls`` saying a path does not exist (``ls: cannot access '/dev/cdc-wdm0': No such file or
directory``) is a fact too: ``DevListing.missing``.
"""

from __future__ import annotations

import re
from typing import List, Optional, Sequence, Tuple

from ..model.common import Line, Parsed, UnparsedCollector, line_span
from ..model.network import DevEntry, DevListing
from ._net_common import check_lines, shell_command, strip_fence, to_lines

KIND = "ls_dev"
TITLE = "ls /dev, ls -l /dev, ls /sys/class/net"

# The date is whatever stands between the size and a time or year: 'Nov 24 02:37',
# 'Jan  1  1970', '2026-11-24 02:37:12.1 +0000', or localised ('19. Dez 19:00').
_LONG = re.compile(
    r"^(?P<mode>[-bcdlpsDC?][-rwxsStTl?]{9})[.+@]?\s+(?P<links>\d+)\s+(?P<owner>\S+)\s+(?P<group>\S+)\s+"
    r"(?:(?P<major>\d+),\s*(?P<minor>\d+)|(?P<size>\d+(?:[.,]\d+)?[KMGTP]?))\s+"
    r"(?P<date>\S+(?:\s+\S+)??)\s+"
    r"(?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s+[+-]\d{4})?|\d{4})\s+"
    r"(?P<name>.+?)\s*$"
)
_MODE = re.compile(r"^[-bcdlpsDC?][-rwxsStTl?]{9}[.+@]?$")
# GNU: "ls: cannot access '/dev/ttyUSB*': No such file or directory"; BusyBox: "ls: /dev/x: No such..."
_MISSING = re.compile(r"^ls: (?:cannot access '(?P<quoted>.+)'|(?P<plain>.+?)): No such file or directory$")
_TOTAL = re.compile(r"^total\s+\d+(?:[.,]\d+)?[KMGTP]?$")
_LS = re.compile(r"^(?:sudo\s+)?(?:busybox\s+)?ls(?P<args>(?:\s+-[\w-]+)*(?:\s+/\S*)*)\s*(?:\|.*)?$")
_NAME = re.compile(r"^[\w.+:@-]+$")
_DEVICE_LIKE = re.compile(
    r"^(?:tty\w*|cdc-wdm\d+|wwan\w*|eth\d\S*|lo|br-\S+|wlan\d\S*|usb\d+|mtd\w*|loop\w*|"
    r"null|zero|random|urandom|console|kmsg|ptmx|pts|shm|\w*\d+)$"
)


def parse(text: str) -> Parsed[DevListing]:
    return parse_lines(to_lines(KIND, text))


def parse_lines(lines: Sequence[Line]) -> Parsed[DevListing]:
    check_lines(KIND, lines)
    unparsed = UnparsedCollector()
    entries: List[DevEntry] = []
    missing: List[DevEntry] = []
    lone: List[Tuple[Line, str]] = []
    directory = ""
    long_format = False
    for line in lines:
        raw = line.text
        if not raw.strip():
            continue
        command = shell_command(raw)
        text = command if command is not None else strip_fence(raw).strip()
        listed = _LS.match(text)
        if listed:
            directory = _directory(listed.group("args")) or directory
            continue
        if command is not None:
            continue
        gone = _MISSING.match(text)
        if gone:
            folder, base = _split_path(gone.group("quoted") or gone.group("plain"), directory)
            missing.append(DevEntry(name=base, directory=folder, line=line.number))
            continue
        if _TOTAL.match(text):
            long_format = True
            continue
        match = _LONG.match(text)
        if match:
            long_format = True
            entry = _long_entry(match, directory, line.number)
            if entry.name not in (".", ".."):
                entries.append(entry)
            continue
        names = _plain_names(raw)
        if names is None:
            unparsed.add(line, "not a directory listing line")
            continue
        if len(names) == 1 and not names[0].startswith("/") and not _DEVICE_LIKE.match(names[0]):
            lone.append((line, names[0]))  # decided at the end: a column of names, or a stray word
            continue
        for name in names:
            folder, base = _split_path(name, directory)
            entries.append(DevEntry(name=base, directory=folder, line=line.number))
    # One name per line is how a piped 'ls' prints; a single such word among other output
    # is more likely a stray word than a listing.
    plain_count = sum(1 for entry in entries if not entry.kind) + len(lone)
    for line, name in lone:
        if plain_count >= 2:
            entries.append(DevEntry(name=name, directory=directory, line=line.number))
        else:
            unparsed.add(line, "a lone word, not a listing")
    entries.sort(key=lambda entry: entry.line)
    first, last = line_span(lines)
    listing = DevListing(directory, long_format, tuple(entries), tuple(missing))
    return Parsed(KIND, listing, unparsed.freeze(), first, last)


def _directory(args: str) -> str:
    """The directory an ``ls`` command lists ('/dev' of 'ls -l /dev | grep tty')."""
    for word in args.split("|")[0].split():
        if word.startswith("/"):
            return word.rstrip("/") or "/"
    return ""


def _split_path(name: str, directory: str) -> Tuple[str, str]:
    """'/dev/cdc-wdm0' -> ('/dev', 'cdc-wdm0'); a bare name stays in ``directory``."""
    if name.startswith("/") and "/" in name[1:]:
        folder, _, base = name.rpartition("/")
        return folder, base
    return directory, name


def _long_entry(match: "re.Match[str]", directory: str, number: int) -> DevEntry:
    mode = match.group("mode")
    name = match.group("name")
    target = ""
    if mode.startswith("l") and " -> " in name:
        name, _, target = name.partition(" -> ")
    folder, base = _split_path(name.rstrip("/"), directory)
    major = match.group("major")
    minor = match.group("minor")
    return DevEntry(
        name=base,
        directory=folder,
        kind=mode[0],
        mode=mode,
        owner=match.group("owner"),
        group=match.group("group"),
        major=int(major) if major is not None else None,
        minor=int(minor) if minor is not None else None,
        size=match.group("size") or "",
        link_target=target,
        line=number,
    )


def _plain_names(raw: str) -> Optional[List[str]]:
    """Names on a plain-listing line, or None when the line does not look like one."""
    text = strip_fence(raw).strip()
    words = text.split()
    if not words:
        return None
    if _MODE.match(words[0]):
        return None  # a long-listing line cut short, not a name
    paths = [word for word in words if word.startswith("/")]
    bare = [word.rstrip("/*@|=") for word in words]  # ls -F markers
    if not all(_NAME.match(word) or word.startswith("/") for word in bare):
        return None
    if len(words) == 1 or paths:
        return bare
    columns = re.search(r"\S(?:\t| {2,})\S", text) is not None
    device_like = sum(1 for word in bare if _DEVICE_LIKE.match(word))
    if columns or device_like * 2 >= len(bare):
        return bare
    return None
