"""``ifconfig`` in both layouts: BusyBox / old net-tools and new net-tools.

BusyBox (what OpenWrt ships) and net-tools before 2.10 print::

    eth1      Link encap:Ethernet  HWaddr 00:A0:C6:10:05:70
              inet addr:192.168.8.100  Bcast:192.168.8.255  Mask:255.255.255.0
              inet6 addr: fe80::2a0:c6ff:fe10:570/64 Scope:Link
              UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1
              RX packets:... / RX bytes:123 (123.0 B)  TX bytes:...

net-tools 2.10 prints ``eth0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500``
followed by ``inet A  netmask M  broadcast B``, ``inet6 A  prefixlen P  scopeid ...``,
``ether MAC  txqueuelen N  (Ethernet)`` and ``RX packets N  bytes B (...)``.

Lines are recognised by what they say, since pastes lose the indentation.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

from ..model.common import Line, Parsed, UnparsedCollector, line_span
from ..model.network import Address, InterfaceList, NetInterface
from ._net_common import check_lines, shell_command, strip_fence, to_lines

KIND = "ifconfig"
TITLE = "ifconfig"

_OLD_HEADER = re.compile(r"^(\S+?)\s+Link encap:\s*(.+?)(?:\s+HWaddr\s+(\S+))?\s*$")
_NEW_HEADER = re.compile(r"^(\S+?):\s+flags=\d+<([^>]*)>\s+mtu\s+(\d+)\s*$")
_OLD_INET = re.compile(r"^inet addr:\s*(\S+)(.*)$")
_OLD_INET6 = re.compile(r"^inet6 addr:\s*(\S+)(?:\s+Scope:\s*(\S+))?\s*$")
_OLD_FLAGS = re.compile(r"^((?:[A-Z][A-Z-]*\s+)*)MTU:\s*(\d+)(?:\s+Metric:\s*\d+)?\s*$")
_OLD_BYTES = re.compile(r"^RX bytes:\s*(\d+).*?TX bytes:\s*(\d+)")
_NEW_INET = re.compile(r"^inet\s+(\S+)(.*)$")
_NEW_INET6 = re.compile(r"^inet6\s+(\S+)\s+prefixlen\s+(\d+)(?:\s+scopeid\s+\S+?<(\w+)>)?.*$")
_NEW_LINK = re.compile(r"^(ether|unspec|loop|ppp|infiniband|tunnel|ipip)\b\s*(\S*).*?(?:\(([^)]*)\))?\s*$")
_NEW_RX_TX = re.compile(r"^(RX|TX) packets\s+\d+\s+bytes\s+(\d+)")
_KNOWN = re.compile(
    r"^(?:RX packets:|TX packets:|collisions:|Interrupt:|Base address:|Memory:|"
    r"RX errors|TX errors|device interrupt|device memory|DMA chan)"
)


@dataclass
class _Builder:
    name: str
    line: int
    source: str
    link_type: str = ""
    mac: str = ""
    flags: Tuple[str, ...] = ()
    mtu: Optional[int] = None
    addresses: List[Address] = field(default_factory=list)
    rx_bytes: Optional[int] = None
    tx_bytes: Optional[int] = None
    last_line: int = 0

    def build(self) -> NetInterface:
        return NetInterface(
            name=self.name,
            flags=self.flags,
            mtu=self.mtu,
            link_type=self.link_type,
            mac=self.mac,
            addresses=tuple(self.addresses),
            rx_bytes=self.rx_bytes,
            tx_bytes=self.tx_bytes,
            source=self.source,
            line=self.line,
            last_line=max(self.last_line, self.line),
        )


def _mask_to_prefix(mask: str) -> Optional[int]:
    try:
        return ipaddress.IPv4Network(f"0.0.0.0/{mask}").prefixlen
    except ValueError:
        return None


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _old_inet(builder: _Builder, address: str, rest: str, number: int) -> bool:
    if not _is_ip(address):
        return False
    values = dict(re.findall(r"(P-t-P|Bcast|Mask):\s*(\S+)", rest))
    prefix = _mask_to_prefix(values["Mask"]) if "Mask" in values else None
    # A pasted line cut short leaves 'P-t-P:10.': keep the address, drop the broken rest.
    peer = values.get("P-t-P", "")
    broadcast = values.get("Bcast", "")
    builder.addresses.append(
        Address(
            "inet",
            address,
            prefix,
            peer=peer if _is_ip(peer) else "",
            broadcast=broadcast if _is_ip(broadcast) else "",
            line=number,
        )
    )
    return True


def _new_inet(builder: _Builder, address: str, rest: str, number: int) -> bool:
    if not _is_ip(address):
        return False
    words = rest.split()
    values = {words[i]: words[i + 1] for i in range(len(words) - 1) if words[i] in ("netmask", "broadcast", "destination")}
    prefix = _mask_to_prefix(values["netmask"]) if "netmask" in values else None
    builder.addresses.append(
        Address(
            "inet", address, prefix, peer=values.get("destination", ""), broadcast=values.get("broadcast", ""), line=number
        )
    )
    return True


def parse(text: str) -> Parsed[InterfaceList]:
    return parse_lines(to_lines(KIND, text))


def parse_lines(lines: Sequence[Line]) -> Parsed[InterfaceList]:
    check_lines(KIND, lines)
    unparsed = UnparsedCollector()
    builders: List[_Builder] = []
    current: Optional[_Builder] = None

    for line in lines:
        if not line.text.strip() or shell_command(line.text) is not None:
            continue
        text = strip_fence(line.text).strip()
        understood = True
        old_header = _OLD_HEADER.match(text)
        new_header = _NEW_HEADER.match(text) if old_header is None else None
        if old_header:
            name, encap, hwaddr = old_header.groups()
            current = _Builder(name=name, line=line.number, source="ifconfig-busybox", link_type=encap.strip())
            current.mac = hwaddr.lower() if hwaddr else ""
            builders.append(current)
        elif new_header:
            name, flags, mtu = new_header.groups()
            current = _Builder(name=name, line=line.number, source="ifconfig-nettools", mtu=int(mtu))
            current.flags = tuple(flag for flag in flags.split(",") if flag)
            builders.append(current)
        elif current is None:
            understood = False
        else:
            understood = _detail(current, text, line.number)
        if not understood:
            unparsed.add(line, "not an ifconfig line")
        elif current is not None:
            current.last_line = line.number

    first, last = line_span(lines)
    return Parsed(KIND, InterfaceList(tuple(b.build() for b in builders)), unparsed.freeze(), first, last)


def _detail(builder: _Builder, text: str, number: int) -> bool:
    match = _OLD_INET.match(text)
    if match:
        return _old_inet(builder, match.group(1), match.group(2), number)
    match = _OLD_INET6.match(text)
    if match:
        address, _, prefix = match.group(1).partition("/")
        if not _is_ip(address):
            return False
        builder.addresses.append(
            Address("inet6", address, int(prefix) if prefix.isdigit() else None, scope=(match.group(2) or "").lower(), line=number)
        )
        return True
    match = _OLD_FLAGS.match(text)
    if match:
        builder.flags = tuple(match.group(1).split())
        builder.mtu = int(match.group(2))
        return True
    match = _OLD_BYTES.match(text)
    if match:
        builder.rx_bytes, builder.tx_bytes = int(match.group(1)), int(match.group(2))
        return True
    match = _NEW_INET6.match(text)
    if match:
        if not _is_ip(match.group(1)):
            return False
        builder.addresses.append(Address("inet6", match.group(1), int(match.group(2)), scope=match.group(3) or "", line=number))
        return True
    match = _NEW_INET.match(text)
    if match:
        return _new_inet(builder, match.group(1), match.group(2), number)
    match = _NEW_LINK.match(text)
    if match:
        kind, hwaddr, description = match.groups()
        builder.link_type = description or kind
        if hwaddr and re.match(r"^[0-9a-fA-F]{2}(?:[:-][0-9a-fA-F]{2})+$", hwaddr):
            builder.mac = hwaddr.lower()
        return True
    match = _NEW_RX_TX.match(text)
    if match:
        if match.group(1) == "RX":
            builder.rx_bytes = int(match.group(2))
        else:
            builder.tx_bytes = int(match.group(2))
        return True
    return bool(_KNOWN.match(text))
