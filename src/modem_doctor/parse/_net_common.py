"""Small pieces shared by the UCI and network-state parsers.

Pasted blocks arrive with the shell prompt that produced them, markdown backticks glued
to their first or last line, and forum software's curly quotes. These helpers recognise
those so each parser can skip or use them instead of reporting them as unreadable.
"""

from __future__ import annotations

import re
from typing import Optional, Sequence, Tuple

from ..errors import InputError
from ..model.common import Line, number_lines

# 'root@OpenWrt:~# cmd', 'root@OpenWrt:/tmp# cmd', '[root@host ~]# cmd', 'user@host:~$ cmd'.
_USER_PROMPT = re.compile(r"^\s*\[?[\w.-]+@[\w.()-]+(?:[: ][^#$\]]*)?\]?\s*[#$]\s*(.*?)\s*$")
# A bare '# cmd' or '$ cmd' counts only for commands this project reads, because a
# bare '#' also starts comments in UCI files.
_BARE_PROMPT = re.compile(r"^\s*[#$]\s+(.*?)\s*$")
_KNOWN_COMMANDS = re.compile(
    r"^(?:sudo\s+)?(?:cat|uci|ifstatus|ubus|ip|ifconfig|ls|busybox|ifup|ifdown|route|"
    r"logread|dmesg|lsusb|opkg|apk|echo|grep|service|/etc/init\.d/\S+)\b"
)

_FENCE = re.compile(r"^`+|`+$")
_CURLY = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def to_lines(kind: str, text: object) -> Tuple[Line, ...]:
    """Number a whole text from 1, refusing anything that is not text."""
    if not isinstance(text, str):
        raise InputError(kind, f"expected text, got {type(text).__name__}")
    return number_lines(text)


def check_lines(kind: str, lines: object) -> Sequence[Line]:
    """The given lines, or InputError when they are not a sequence of ``Line``."""
    if isinstance(lines, (str, bytes)) or not isinstance(lines, Sequence):
        raise InputError(kind, f"expected a sequence of numbered lines, got {type(lines).__name__}")
    for line in lines:
        if not isinstance(line, Line) or not isinstance(line.text, str):
            raise InputError(kind, f"expected numbered lines, got {type(line).__name__}")
    return lines


def shell_command(text: str) -> Optional[str]:
    """The command of a prompt line ('root@OpenWrt:~# ls -l /dev' -> 'ls -l /dev'), else None.

    A prompt with nothing after it gives ''."""
    stripped = strip_fence(text)
    match = _USER_PROMPT.match(stripped)
    if match:
        return match.group(1)
    match = _BARE_PROMPT.match(stripped)
    if match and _KNOWN_COMMANDS.match(match.group(1)):
        return match.group(1)
    return None


def strip_fence(text: str) -> str:
    """Drop markdown backticks glued to the start or end of a line ('```4: wwan0: ...')."""
    return _FENCE.sub("", text)


def uncurl(text: str) -> str:
    """Straight quotes for the curly ones forum software substitutes."""
    return text.translate(_CURLY)
