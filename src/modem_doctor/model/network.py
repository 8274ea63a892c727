"""Network state as facts: interfaces and addresses, routes, netifd's interface status,
and device nodes.

The same interface shows up in several outputs (``ip addr``, ``ip -br addr``, BusyBox or
net-tools ``ifconfig``); ``NetInterface.source`` says which one, because each shows a
different subset (``ifconfig`` has no operational state, ``ip -br`` no MTU).

netifd's ``ifstatus IFACE`` / ``ubus call network.interface.IFACE status`` is where a
protocol handler's failure becomes visible (``errors: [{subsystem: qmi, code: NO_IFACE}]``);
``IfStatus.complete`` is False when a pasted JSON was cut short and only its beginning
could be read.

``DevEntry`` is one name in a directory listing (``ls -l /dev``, ``ls /sys/class/net``).
The properties classify the names a modem creates (ttyUSB*, ttyACM*, cdc-wdm*, wwan*) and
read the USB port path out of a ``/sys/class/net`` symlink target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Tuple

_USB_PORT = re.compile(r"^\d+-\d+(?:\.\d+)*$")
_USB_INTERFACE = re.compile(r"^(\d+-\d+(?:\.\d+)*):(\d+)\.(\d+)$")


@dataclass(frozen=True)
class Address:
    """An IPv4 or IPv6 address with its prefix length when shown."""

    family: str  # 'inet' or 'inet6'
    address: str
    prefix: Optional[int] = None
    peer: str = ""  # point-to-point peer ('peer' in ip, 'P-t-P' in ifconfig)
    broadcast: str = ""
    scope: str = ""  # 'global', 'link', 'host' (ip) / 'Global', 'Link' (ifconfig)
    label: str = ""
    flags: Tuple[str, ...] = ()  # 'dynamic', 'noprefixroute', 'nodad', ...
    line: int = 0

    @property
    def cidr(self) -> str:
        return f"{self.address}/{self.prefix}" if self.prefix is not None else self.address


@dataclass(frozen=True)
class NetInterface:
    """One network device as ``ip`` or ``ifconfig`` shows it."""

    name: str
    index: Optional[int] = None
    parent: str = ""  # 'eth0' of 'eth0.2@eth0'
    flags: Tuple[str, ...] = ()  # UP, LOWER_UP, NO-CARRIER, POINTOPOINT, RUNNING, ...
    state: str = ""  # operational state from ip: UP, DOWN, UNKNOWN, LOWERLAYERDOWN
    mtu: Optional[int] = None
    qdisc: str = ""
    master: str = ""  # the bridge or bond it belongs to
    link_type: str = ""  # ip: 'ether', 'none', 'loopback', 'ppp'; ifconfig: 'Ethernet', 'UNSPEC'
    mac: str = ""  # lower case as printed (':' for Ethernet, '-' for ifconfig's UNSPEC)
    addresses: Tuple[Address, ...] = ()
    rx_bytes: Optional[int] = None
    tx_bytes: Optional[int] = None
    source: str = ""  # 'ip', 'ip-brief', 'ifconfig-busybox', 'ifconfig-nettools'
    line: int = 0
    last_line: int = 0

    @property
    def is_up(self) -> bool:
        """Administratively up (the UP flag, or state UP in brief output)."""
        return "UP" in self.flags or (not self.flags and self.state == "UP")

    @property
    def has_carrier(self) -> Optional[bool]:
        """LOWER_UP / RUNNING when the output shows flags; None when it does not."""
        if not self.flags:
            return None
        if "NO-CARRIER" in self.flags:
            return False
        return "LOWER_UP" in self.flags or "RUNNING" in self.flags

    @property
    def ipv4(self) -> Tuple[Address, ...]:
        return tuple(address for address in self.addresses if address.family == "inet")

    @property
    def ipv6(self) -> Tuple[Address, ...]:
        return tuple(address for address in self.addresses if address.family == "inet6")


@dataclass(frozen=True)
class Route:
    """One route (``ip route``, ``ip -6 route``) or one ``route`` entry of netifd's status."""

    destination: str  # 'default', '192.168.1.0/24', '10.0.0.2', 'fe80::/64'
    family: str = "inet"
    type: str = ""  # only when shown: 'local', 'broadcast', 'multicast', 'unreachable', ...
    via: str = ""
    dev: str = ""
    proto: str = ""
    scope: str = ""
    src: str = ""
    metric: Optional[int] = None
    table: str = ""
    pref: str = ""
    flags: Tuple[str, ...] = ()  # 'linkdown', 'onlink', 'dead', ...
    nexthops: Tuple[Tuple[str, str], ...] = ()  # multipath: (via, dev) pairs
    line: int = 0

    @property
    def is_default(self) -> bool:
        return self.destination in ("default", "0.0.0.0/0", "::/0")


@dataclass(frozen=True)
class IfError:
    """One entry of netifd's ``errors``: which handler failed, and its code."""

    subsystem: str
    code: str
    data: Tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class IfStatus:
    """netifd's view of one logical interface (``ifstatus wan``)."""

    interface: str = ""  # from the command ('ifstatus wwan') or the dump's 'interface' key
    up: Optional[bool] = None
    pending: Optional[bool] = None
    available: Optional[bool] = None
    autostart: Optional[bool] = None
    dynamic: Optional[bool] = None
    uptime: Optional[int] = None
    proto: str = ""
    device: str = ""
    l3_device: str = ""
    metric: Optional[int] = None
    ipv4_addresses: Tuple[Address, ...] = ()
    ipv6_addresses: Tuple[Address, ...] = ()
    ipv6_prefixes: Tuple[Address, ...] = ()
    routes: Tuple[Route, ...] = ()
    dns_servers: Tuple[str, ...] = ()
    errors: Tuple[IfError, ...] = ()
    # The handler's 'data' object, plain values only: qmi.sh records its data sessions there
    # (cid_4, pdh_4, cid_6, pdh_6) and, when it sets the addresses itself, the firewall zone.
    data: Tuple[Tuple[str, str], ...] = ()
    complete: bool = True  # False when the JSON was cut short and only its start was read
    exists: bool = True  # False for 'Interface wwan not found' (no such interface in netifd)
    line: int = 0
    last_line: int = 0

    def error_codes(self) -> Tuple[str, ...]:
        return tuple(error.code for error in self.errors)

    @property
    def zone(self) -> str:
        """The firewall zone a protocol handler recorded in 'data' (qmi.sh does, from
        'fw3 -q network IFACE', when it configures the addresses itself), else ''."""
        for key, value in self.data:
            if key == "zone":
                return value
        return ""


# Names a modem's drivers create, with the role each plays.
_ROLES = (
    (re.compile(r"^ttyUSB\d+$"), "tty-usb"),  # usb-serial: option, qcserial, sierra
    (re.compile(r"^ttyACM\d+$"), "tty-acm"),  # cdc-acm
    (re.compile(r"^cdc-wdm\d+$"), "cdc-wdm"),  # QMI/MBIM control (usbmisc)
    (re.compile(r"^wwan\d+(?:at|qmi|mbim|qcdm|firehose|xmmrpc|fastboot|adb|mipc|nmea)\d+$"), "wwan-port"),
    (re.compile(r"^wwan\d+(?:_\d+)?$"), "wwan-net"),  # qmi_wwan, cdc_mbim netdevs
)


@dataclass(frozen=True)
class DevEntry:
    """One name in a directory listing, with what ``ls -l`` adds when shown."""

    name: str
    directory: str = ""  # '/dev', '/sys/class/net' when the listing shows which
    kind: str = ""  # first letter of the mode: 'c', 'b', 'd', 'l', 's', 'p', '-'; '' for plain ls
    mode: str = ""  # 'crw-------'
    owner: str = ""
    group: str = ""
    major: Optional[int] = None
    minor: Optional[int] = None
    size: str = ""  # as printed ('60', '4.0K')
    link_target: str = ""
    line: int = 0

    @property
    def path(self) -> str:
        return f"{self.directory.rstrip('/')}/{self.name}" if self.directory else self.name

    @property
    def modem_role(self) -> str:
        """'tty-usb', 'tty-acm', 'cdc-wdm', 'wwan-port' (kernel WWAN subsystem node) or
        'wwan-net' (a wwan netdev); '' for anything else."""
        for pattern, role in _ROLES:
            if pattern.match(self.name):
                return role
        return ""

    @property
    def usb_interface(self) -> str:
        """'1-1.3:2.0' when the symlink target passes through a USB interface."""
        for part in reversed(self.link_target.split("/")):
            if _USB_INTERFACE.match(part):
                return part
        return ""

    @property
    def usb_path(self) -> str:
        """The USB port path ('1-1.3') the symlink target runs through, else ''."""
        match = _USB_INTERFACE.match(self.usb_interface)
        if match:
            return match.group(1)
        for part in reversed(self.link_target.split("/")):
            if _USB_PORT.match(part):
                return part
        return ""

    @property
    def usb_config(self) -> Optional[int]:
        """The configuration value in '1-1.3:2.0' (2): which configuration created it."""
        match = _USB_INTERFACE.match(self.usb_interface)
        return int(match.group(2)) if match else None

    @property
    def usb_interface_number(self) -> Optional[int]:
        match = _USB_INTERFACE.match(self.usb_interface)
        return int(match.group(3)) if match else None


@dataclass(frozen=True)
class DevListing:
    """What one ``ls`` showed."""

    directory: str = ""  # the path the command listed, when shown ('/dev', '/dev/cdc-wdm0')
    long_format: bool = False
    entries: Tuple[DevEntry, ...] = ()
    missing: Tuple[DevEntry, ...] = ()  # paths ls said do not exist ('/dev/ttyUSB*', a glob as typed)

    def modem_nodes(self) -> Tuple[DevEntry, ...]:
        return tuple(entry for entry in self.entries if entry.modem_role)

    def entry(self, name: str) -> Optional[DevEntry]:
        for candidate in self.entries:
            if candidate.name == name:
                return candidate
        return None


@dataclass(frozen=True)
class InterfaceList:
    """What one ``ip addr`` / ``ip link`` / ``ifconfig`` showed."""

    interfaces: Tuple[NetInterface, ...] = ()

    def interface(self, name: str) -> Optional[NetInterface]:
        for candidate in self.interfaces:
            if candidate.name == name:
                return candidate
        return None


@dataclass(frozen=True)
class RouteTable:
    """What one ``ip route`` / ``ip -6 route`` showed."""

    routes: Tuple[Route, ...] = ()

    def defaults(self) -> Tuple[Route, ...]:
        return tuple(route for route in self.routes if route.is_default)


@dataclass(frozen=True)
class IfStatusList:
    """Every interface status in one block: one per ``ifstatus`` output, all of a dump."""

    statuses: Tuple[IfStatus, ...] = ()

    def status(self, interface: str) -> Optional[IfStatus]:
        for candidate in self.statuses:
            if candidate.interface == interface:
                return candidate
        return None
