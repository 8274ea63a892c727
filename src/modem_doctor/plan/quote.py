"""Quoting for the three languages a plan writes: POSIX shell, UCI and AT commands.

Every user-supplied value (APN, PIN, user name, password, interface name) passes through
one of these before it lands in a command, so that an APN such as ``a'b;reboot`` stays a
string and never becomes a second command.
"""

from __future__ import annotations

import re

from ..errors import InputError

_SHELL_SAFE = re.compile(r"^[A-Za-z0-9_@%+=:,./-]+$")
_UCI_NAME = re.compile(r"^[A-Za-z0-9_]+$")
# 3GPP TS 23.003 section 9.1: APN labels are letters, digits and hyphens, joined by dots.
_APN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$")
_PIN = re.compile(r"^[0-9]{4,8}$")


def shell_quote(value: str) -> str:
    """Quote for POSIX sh (BusyBox ash included): single quotes, with ' spelled '\\''."""
    if value and _SHELL_SAFE.match(value):
        return value
    return "'" + value.replace("'", "'\\''") + "'"


def uci_value(value: str) -> str:
    """Quote a value for a ``uci batch`` line or a /etc/config file.

    UCI's tokenizer concatenates adjacent quoted pieces like the shell does, and takes
    single-quoted text literally, so the same spelling is inert there too.
    """
    return "'" + value.replace("'", "'\\''") + "'"


def uci_name(value: str, what: str = "UCI section name") -> str:
    """Check a UCI section or option name; UCI allows only [A-Za-z0-9_]."""
    if not _UCI_NAME.match(value):
        raise InputError(what, f"{value!r} is not a valid UCI name (letters, digits and _ only)")
    return value


def is_valid_apn(value: str) -> bool:
    """True when ``value`` is a well-formed APN (TS 23.003), up to 100 characters."""
    return len(value) <= 100 and bool(_APN.match(value))


def is_valid_pin(value: str) -> bool:
    return bool(_PIN.match(value))


def at_string(value: str) -> str:
    """A V.250 string constant for an AT command: double-quoted, no way to escape '"'.

    AT has no escape for quotes or control characters, so anything outside printable
    ASCII without '"' and '\\' is refused rather than mangled.
    """
    if any(ch in value for ch in '"\\') or any(not (32 <= ord(ch) < 127) for ch in value):
        raise InputError("AT command", f"{value!r} cannot be written safely inside an AT string")
    return f'"{value}"'
