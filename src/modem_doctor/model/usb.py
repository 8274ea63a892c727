"""The USB side of a host: devices, every configuration they offer, interfaces, endpoints.

Listings differ in what they show. ``/sys/kernel/debug/usb/devices`` lists every
configuration of a device but instantiates only the active one (``C:*``); ``usb-devices``
and ``lsusb -t`` show only the active one; ``lsusb -v`` shows all descriptors but no drivers.
The model keeps those differences explicit instead of guessing: ``DriverState`` says
whether a driver was shown, shown as unbound, or not applicable because the
configuration is inactive.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Optional, Tuple


class DriverState(str, enum.Enum):
    """What a listing says about an interface's driver."""

    BOUND = "bound"  # Driver=<name>
    UNBOUND = "unbound"  # Driver=(none): active interface that nothing claimed
    INACTIVE = "inactive"  # Driver= empty: interface of a configuration that is not active
    NOT_SHOWN = "not_shown"  # the listing format carries no driver (lsusb, lsusb -v)


class ListingFormat(str, enum.Enum):
    DEBUGFS = "debugfs"  # /sys/kernel/debug/usb/devices or /proc/bus/usb/devices
    USB_DEVICES = "usb-devices"
    LSUSB = "lsusb"
    LSUSB_TREE = "lsusb-t"
    LSUSB_VERBOSE = "lsusb-v"
    SYSFS = "sysfs"  # rebuilt by our collector from /sys/bus/usb/devices


@dataclass(frozen=True)
class Endpoint:
    address: int  # bEndpointAddress, e.g. 0x81
    direction: str  # "in" or "out"
    transfer: str  # "control", "isochronous", "bulk", "interrupt"
    max_packet: int
    interval: str = ""  # as printed, e.g. "2ms"
    line: int = 0


@dataclass(frozen=True)
class FunctionalDescriptor:
    """A CDC class-specific descriptor (lsusb -v), e.g. 'CDC Ether', 'CDC MBIM', 'CDC Union'."""

    name: str
    fields: Tuple[Tuple[str, str], ...] = ()
    line: int = 0


@dataclass(frozen=True)
class UsbInterface:
    """One altsetting of an interface. ``cls``/``subclass``/``protocol`` are -1 when the
    listing does not show them (``lsusb -t`` prints only a class name, for instance)."""

    number: int
    alt: int
    cls: int
    subclass: int
    protocol: int
    driver: Optional[str]  # the bound driver's name, only when DriverState.BOUND
    driver_state: DriverState
    # the current altsetting: debugfs marks it '*'; usb-devices and lsusb -t show only
    # current ones; lsusb -v cannot tell (False)
    active: bool = False
    num_endpoints: int = 0
    endpoints: Tuple[Endpoint, ...] = ()
    functional: Tuple[FunctionalDescriptor, ...] = ()
    name: str = ""  # iInterface string when shown
    line: int = 0

    @property
    def triple(self) -> str:
        """Class/subclass/protocol as 'ff/01/07' ('??' for a part the listing did not show)."""
        return "/".join(f"{v:02x}" if v >= 0 else "??" for v in (self.cls, self.subclass, self.protocol))


@dataclass(frozen=True)
class InterfaceAssociation:
    """An 'A:' line / IAD: groups interfaces of one function (ECM, MBIM, RNDIS...)."""

    first_interface: int
    count: int
    cls: int
    subclass: int
    protocol: int
    line: int = 0


@dataclass(frozen=True)
class UsbConfig:
    number: int  # bConfigurationValue; 0 when the listing does not show it (lsusb -t)
    active: bool  # True when the listing marks it active ('C:*' or the only one shown)
    num_interfaces: int
    attributes: int = 0
    max_power_ma: int = 0
    interfaces: Tuple[UsbInterface, ...] = ()
    associations: Tuple[InterfaceAssociation, ...] = ()
    line: int = 0

    def interface(self, number: int, alt: int = 0) -> Optional[UsbInterface]:
        for candidate in self.interfaces:
            if candidate.number == number and candidate.alt == alt:
                return candidate
        return None


@dataclass(frozen=True)
class UsbDevice:
    vendor_id: int
    product_id: int
    bus: int = 0
    devnum: int = 0
    level: int = 0
    parent_devnum: int = 0
    port: int = 0  # 0-based port on the parent, as in the T: line
    path: str = ""  # kernel port path: 'usb1' for a root hub, '1-1.2' below it
    speed: str = ""  # Mbit/s as printed: '480', '5000'
    usb_version: str = ""
    cls: int = 0
    subclass: int = 0
    protocol: int = 0
    num_configs: int = 0
    revision: str = ""  # bcdDevice as printed
    manufacturer: str = ""
    product: str = ""
    serial: str = ""
    configs: Tuple[UsbConfig, ...] = ()
    listing_format: ListingFormat = ListingFormat.DEBUGFS
    first_line: int = 0
    last_line: int = 0
    ids_name: str = ""  # the usb.ids name lsusb prints after 'ID vvvv:pppp' (not a device string)
    path_exact: bool = True  # False when a partial listing hid a parent hub: path has '?' ports
    max_children: int = 0  # MxCh= of the T: line (ports of a hub)

    @property
    def vid_pid(self) -> str:
        """'12d1:1573'."""
        return f"{self.vendor_id:04x}:{self.product_id:04x}"

    @property
    def active_config(self) -> Optional[UsbConfig]:
        for config in self.configs:
            if config.active:
                return config
        return None

    @property
    def is_hub(self) -> bool:
        return self.cls == 0x09


@dataclass(frozen=True)
class UsbListing:
    """One listing as the user ran it: the devices in the order shown."""

    format: ListingFormat
    devices: Tuple[UsbDevice, ...] = ()
