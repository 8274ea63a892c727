"""Reachability as facts: what ``ping`` and ``nslookup`` printed.

These are the last two steps of the data-path check (issue 7 item 5, ``probe/datapath.py``)
and what users paste when "the modem is connected but nothing loads". Neither output names
the interface it went through: a ping bound with ``-I DEV`` shows DEV only in its command,
so the rules take the binding from the artifact's command or capture id, not from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple


@dataclass(frozen=True)
class PingResult:
    """One ping run: its summary, or the error that stopped it before any packet."""

    target: str = ""  # as given ('1.1.1.1', 'openwrt.org'): the PING line or the error names it
    address: str = ""  # the address in parentheses on the PING line
    device: str = ""  # iputils names a bound device: 'PING x (x) from 100.76.75.180 wwan0: 56(84) ...'
    transmitted: Optional[int] = None
    received: Optional[int] = None
    loss_percent: Optional[int] = None
    replies: int = 0  # '64 bytes from ...' lines seen
    error: str = ""  # 'Network is unreachable', "bad address 'wwan0'", 'No such device', ...
    tool: str = ""  # 'busybox' or 'iputils' when the layout tells; '' for an error line alone
    line: int = 0  # the summary line, else the error line, else the PING line
    first_line: int = 0
    last_line: int = 0

    @property
    def answered(self) -> Optional[bool]:
        """True when any reply came back, False when none did (or ping failed), None when
        the output was cut before saying."""
        if self.received is not None:
            return self.received > 0
        if self.replies:
            return True
        if self.error:
            return False
        return None


@dataclass(frozen=True)
class PingRun:
    """Every ping of one block, in order."""

    results: Tuple[PingResult, ...] = ()


@dataclass(frozen=True)
class LookupResult:
    """One ``nslookup``: the server asked, the answers, or why there were none."""

    name: str = ""  # from 'Name:' or the error; '' when the output does not say
    server: str = ""  # 'Server:' line
    addresses: Tuple[str, ...] = ()  # answer addresses (after 'Name:')
    error: str = ""  # 'connection timed out; no servers could be reached', "can't resolve 'x'", 'NXDOMAIN'
    line: int = 0  # the error line, else the first answer, else the first line
    first_line: int = 0
    last_line: int = 0

    @property
    def resolved(self) -> Optional[bool]:
        if self.addresses:
            return True
        if self.error:
            return False
        return None


@dataclass(frozen=True)
class LookupRun:
    """Every lookup of one block, in order."""

    lookups: Tuple[LookupResult, ...] = ()
