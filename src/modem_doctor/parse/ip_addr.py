"""``ip addr`` and ``ip link`` (iproute2 and BusyBox), also ``-o``, ``-s`` and ``-br``.

The long form is a header per device (``4: wwan0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu
1500 qdisc ... state UNKNOWN ...``) followed by indented lines: ``link/TYPE [MAC]``,
``inet ADDR/PREFIX [peer P] [brd B] scope S [flags] [LABEL]``, ``inet6 ...``,
``valid_lft ...``, ``altname``, and with ``-s`` the RX:/TX: counter tables. Forum pastes
often lose the indentation, so continuation lines are recognised by what they say, not
by where they start. ``-o`` puts a device on one line with ``\\`` where the line breaks
were; ``-br`` prints ``NAME STATE ADDRESSES...`` or ``NAME STATE MAC <FLAGS>``. A header
that a mail client wrapped (``... mtu 1500 qdisc`` / ``pfifo_fast state UNKNOWN ...``) is
joined back when the next line holds only header keys and values.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from ..model.common import Line, Parsed, UnparsedCollector, line_span
from ..model.network import Address, InterfaceList, NetInterface
from ._net_common import check_lines, shell_command, strip_fence, to_lines

KIND = "ip_addr"
TITLE = "ip addr / ip link"

_HEADER = re.compile(r"^(\d+):\s+([^\s:@]+)(?:@([^\s:]+))?:\s*<([^>]*)>\s*(.*)$")
_ONELINE = re.compile(r"^(\d+):\s+([^\s:@]+)(?:@(\S+?))?\s+((?:inet6?|link/\S+)\s.*|link/\S+)$")
_BRIEF = re.compile(
    r"^([^\s@]+)(?:@(\S+))?\s+(UP|DOWN|UNKNOWN|LOWERLAYERDOWN|DORMANT|NOTPRESENT|TESTING)(?:\s+(.*))?$"
)
_MAC = re.compile(r"^[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2})+$")
_LIFETIME = re.compile(r"^valid_lft\s+\S+\s+preferred_lft\s+\S+\s*$")
_STATS_HEAD = re.compile(r"^(RX|TX)(?: errors)?:\s+(bytes|length)\b")
_NUMBERS = re.compile(r"^\d+(?:\s+\d+)*$")
_HEADER_KEYS = ("mtu", "qdisc", "master", "state", "mode", "group", "qlen", "link-netnsid", "link-netns")
_QUIET_DETAILS = re.compile(r"^(?:altname|alias|link-netnsid|prop list)\b")


@dataclass
class _Builder:
    name: str
    line: int
    index: Optional[int] = None
    parent: str = ""
    flags: Tuple[str, ...] = ()
    state: str = ""
    mtu: Optional[int] = None
    qdisc: str = ""
    master: str = ""
    link_type: str = ""
    mac: str = ""
    addresses: List[Address] = field(default_factory=list)
    rx_bytes: Optional[int] = None
    tx_bytes: Optional[int] = None
    source: str = "ip"
    last_line: int = 0

    def build(self) -> NetInterface:
        return NetInterface(
            name=self.name,
            index=self.index,
            parent=self.parent,
            flags=self.flags,
            state=self.state,
            mtu=self.mtu,
            qdisc=self.qdisc,
            master=self.master,
            link_type=self.link_type,
            mac=self.mac,
            addresses=tuple(self.addresses),
            rx_bytes=self.rx_bytes,
            tx_bytes=self.tx_bytes,
            source=self.source,
            line=self.line,
            last_line=max(self.last_line, self.line),
        )


def parse_address(family: str, words: Sequence[str], interface: str, line: int) -> Optional[Address]:
    """``inet``/``inet6`` words after the family keyword, or None when the address is not one."""
    if not words:
        return None
    address, prefix = _split_prefix(words[0])
    if address is None:
        return None
    peer = broadcast = scope = label = ""
    flags: List[str] = []
    position = 1
    while position < len(words):
        word = words[position]
        value = words[position + 1] if position + 1 < len(words) else ""
        if word == "peer" and value:
            peer_address, peer_prefix = _split_prefix(value)
            peer = peer_address or value
            if peer_prefix is not None:
                prefix = peer_prefix
            position += 2
        elif word in ("brd", "broadcast") and value:
            broadcast = value
            position += 2
        elif word == "scope" and value:
            scope = value
            position += 2
        elif word == "flags" and value:  # BusyBox prints unknown flags as 'flags 02'
            flags.append(f"flags {value}")
            position += 2
        elif word in ("metric", "proto") and value:
            position += 2
        elif family == "inet" and position == len(words) - 1 and (word == interface or word.startswith(interface + ":")):
            label = word
            position += 1
        else:
            flags.append(word)
            position += 1
    return Address(family, address, prefix, peer, broadcast, scope, label, tuple(flags), line)


def _split_prefix(text: str) -> Tuple[Optional[str], Optional[int]]:
    address, _, prefix = text.partition("/")
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None, None
    if not prefix:
        return address, None
    return (address, int(prefix)) if prefix.isdigit() and int(prefix) <= 128 else (None, None)


def _header_continuation(pending: str, text: str) -> Optional[List[str]]:
    """The words of a header line that a mail client wrapped ('... mtu 1500 qdisc' /
    'pfifo_fast state UNKNOWN ...'), or None when the line is not made of header pairs."""
    words = ([pending] if pending else []) + text.split()
    if not words or len(words) % 2:
        return None
    for position in range(0, len(words), 2):
        if words[position] not in _HEADER_KEYS:
            return None
    return words


def _apply_header_words(builder: _Builder, words: Sequence[str]) -> str:
    """Apply 'mtu 1500 qdisc noqueue ...'; returns a last key left without its value."""
    if words and words[-1] in _HEADER_KEYS:
        pending = words[-1]
        words = words[:-1]
    else:
        pending = ""
    position = 0
    while position < len(words):
        word = words[position]
        value = words[position + 1] if position + 1 < len(words) else ""
        if word in _HEADER_KEYS and value:
            if word == "mtu" and value.isdigit():
                builder.mtu = int(value)
            elif word == "qdisc":
                builder.qdisc = value
            elif word == "master":
                builder.master = value
            elif word == "state":
                builder.state = value
            position += 2
        else:
            position += 1
    return pending


def parse(text: str) -> Parsed[InterfaceList]:
    return parse_lines(to_lines(KIND, text))


def parse_lines(lines: Sequence[Line]) -> Parsed[InterfaceList]:
    check_lines(KIND, lines)
    unparsed = UnparsedCollector()
    order: List[str] = []
    builders: Dict[str, _Builder] = {}
    current: Optional[_Builder] = None
    stats: Optional[str] = None  # 'RX' or 'TX' while the next line holds its numbers
    header_open = False  # the last line was a header, which a mail client may have wrapped
    pending = ""  # a header key whose value went to the wrapped next line

    def start(name: str, number: int, source: str) -> _Builder:
        existing = builders.get(name)
        if existing is not None:
            return existing
        builder = _Builder(name=name, line=number, source=source)
        builders[name] = builder
        order.append(name)
        return builder

    for line in lines:
        if not line.text.strip() or shell_command(line.text) is not None:
            continue
        text = strip_fence(line.text).rstrip()
        # 'ip -o' joins a device's lines with backslashes; read the pieces in turn.
        pieces = [piece.strip() for piece in text.split("\\")] if "\\" in text else [text.strip()]
        for piece_index, piece in enumerate(pieces):
            if not piece:
                continue
            header = _HEADER.match(piece)
            oneline = _ONELINE.match(piece) if header is None and piece_index == 0 else None
            wrapped = _header_continuation(pending, piece) if header_open and header is None else None
            header_open = False
            if wrapped is not None and current is not None:
                _apply_header_words(current, wrapped)
                pending = ""
                current.last_line = line.number
                continue
            pending = ""
            if header:
                index, name, parent, flags, rest = header.groups()
                current = start(name, line.number, "ip")
                current.index = int(index)
                current.parent = parent or ""
                current.flags = tuple(flag for flag in flags.split(",") if flag)
                pending = _apply_header_words(current, rest.split())
                header_open = True
                stats = None
                current.last_line = line.number
                continue
            elif oneline:
                index, name, parent, rest = oneline.groups()
                current = start(name, line.number, "ip")
                current.index = int(index)
                current.parent = parent or current.parent
                stats = None
                if not _detail(current, rest, line.number):
                    unparsed.add(line, "address not understood")
            elif current is not None and stats and _NUMBERS.match(piece):
                value = int(piece.split()[0])
                if stats == "RX":
                    current.rx_bytes = value
                else:
                    current.tx_bytes = value
                stats = None
            elif current is not None and _STATS_HEAD.match(piece):
                stats = _STATS_HEAD.match(piece).group(1)  # type: ignore[union-attr]
            elif current is not None and _detail(current, piece, line.number):
                stats = None
            elif current is not None and (_LIFETIME.match(piece) or _QUIET_DETAILS.match(piece)):
                pass
            else:
                brief = _BRIEF.match(piece)
                if brief and _brief(brief, line.number, start):
                    current = None
                    continue
                unparsed.add(line, "not an ip addr/link line")
                break
            if current is not None:
                current.last_line = line.number

    first, last = line_span(lines)
    interfaces = tuple(builders[name].build() for name in order)
    return Parsed(KIND, InterfaceList(interfaces), unparsed.freeze(), first, last)


def _detail(builder: _Builder, text: str, number: int) -> bool:
    """Apply one ``link/...``, ``inet`` or ``inet6`` line; False when it is none of them."""
    words = text.split()
    if not words:
        return False
    keyword = words[0]
    if keyword.startswith("link/"):
        builder.link_type = keyword[5:]
        if len(words) > 1 and _MAC.match(words[1]):
            builder.mac = words[1].lower()
        return True
    if keyword in ("inet", "inet6"):
        address = parse_address(keyword, words[1:], builder.name, number)
        if address is None:
            return False
        builder.addresses.append(address)
        return True
    return False


def _brief(match: "re.Match[str]", number: int, start: Callable[[str, int, str], _Builder]) -> bool:
    """One ``ip -br`` line; False (nothing recorded) when its words are not addresses or a MAC."""
    name, parent, state, rest = match.groups()
    words = (rest or "").split()
    flags: Tuple[str, ...] = ()
    mac = ""
    addresses: List[Address] = []
    for word in words:
        if word.startswith("<") and word.endswith(">"):
            flags = tuple(flag for flag in word[1:-1].split(",") if flag)
        elif _MAC.match(word) and _split_prefix(word)[0] is None:
            mac = word.lower()
        else:
            address, prefix = _split_prefix(word)
            if address is None:
                return False
            family = "inet6" if ":" in address else "inet"
            addresses.append(Address(family, address, prefix, line=number))
    builder = start(name, number, "ip-brief")
    builder.parent = parent or ""
    builder.state = state
    builder.flags = flags or builder.flags
    builder.mac = mac or builder.mac
    builder.addresses.extend(addresses)
    builder.last_line = number
    return True
