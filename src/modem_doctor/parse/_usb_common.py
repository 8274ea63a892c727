"""Helpers shared by the USB listing parsers, and format detection others can use.

Public helpers for other modules (paste extraction, collectors):

* ``looks_like_usb_line(text)`` - is this one line part of any USB listing we read?
* ``usb_line_kind(text)`` - which parser kind a single line most likely belongs to.
* ``detect_usb_format(lines)`` - the parser kind for a whole block, or ``None``.
* ``unquote(text)`` - a line without mail quoting (``> ``, ``>> ``, ``> > ``) and indentation.
* ``path_matches(pattern, path)`` - compare port paths when a listing only gave part of one.

The builders (``DeviceBuilder`` ...) are mutable scratch objects a parser fills while it
walks the lines; ``freeze()`` turns them into the frozen model values at the end, which is
both simpler and faster than rebuilding frozen dataclasses on every line.
"""

from __future__ import annotations

import re
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Union

from ..model.common import Line
from ..model.usb import (
    DriverState,
    Endpoint,
    FunctionalDescriptor,
    InterfaceAssociation,
    ListingFormat,
    UsbConfig,
    UsbDevice,
    UsbInterface,
)

# Record letters of /sys/kernel/debug/usb/devices and usb-devices output.
RECORD_LETTERS = frozenset("TBDPSCAIE")

# The key each record line starts with, so a stray 'E: something' in prose is not a record.
_RECORD_START = re.compile(
    r"(?:T:\s*Bus=|B:\s*Alloc=|D:\s*Ver=|P:\s*Vendor=|S:\s*(?:Manufacturer|Product|SerialNumber)="
    r"|C:[\s*]\s*#Ifs=|A:\s*FirstIf#=|I:[\s*]\s*If#=|E:\s*Ad=)"
)
_LSUSB_LINE = re.compile(r"Bus\s+(\d{1,3})\s+Device\s+(\d{1,3}):\s+ID\s+([0-9A-Fa-f]{4}):([0-9A-Fa-f]{4})(?:\s+(.*))?$")
_TREE_ROOT = re.compile(r"/:\s+Bus\s+0*(\d+)\.Port\s+0*(\d+):\s+Dev\s+0*(\d+),")
_TREE_NODE = re.compile(r"\|__\s+Port\s+0*(\d+):\s+Dev\s+0*(\d+),")
_VERBOSE_HEADERS = (
    "Device Descriptor:",
    "Configuration Descriptor:",
    "Interface Descriptor:",
    "Endpoint Descriptor:",
    "Interface Association:",
)
# Descriptor fields as lsusb -v prints them ('bLength  18', 'idVendor  0x12d1 Huawei ...',
# 'wMaxPacketSize  0x0200  1x 512 bytes'): USB spec field names, then spaces and a value.
_VERBOSE_FIELD = re.compile(
    r"(?:b[A-Z][A-Za-z0-9]+|bm[A-Z][A-Za-z]+|bcd[A-Z][A-Za-z]*|w[A-Z][A-Za-z]+|i[A-Z][A-Za-z]+|id(?:Vendor|Product)"
    r"|MaxPower)\s+\S"
)
_VERBOSE_OTHER = ("Device Qualifier (for other device speed):", "Device Status:", "CDC ", "Transfer Type ",
                  "Synch Type ", "Usage Type ", "Couldn't open device", "** UNRECOGNIZED", "UNRECOGNIZED CDC")


def unquote(text: str) -> str:
    """The line without leading mail quote markers and whitespace ('>> > T: ...' -> 'T: ...').

    No-break spaces count as spaces: pages copied from a web forum are full of them."""
    return text.lstrip(" \t>\u00a0")


def clean_text(value: str) -> str:
    """A string value as shown, with web no-break spaces made plain and ends trimmed."""
    return value.replace("\u00a0", " ").strip()


def looks_like_usb_line(text: str) -> bool:
    """True when ``text`` (one line, quoted or not) is a line of a USB listing we can parse."""
    return usb_line_kind(text) is not None


def usb_line_kind(text: str) -> Optional[str]:
    """The parser kind one line most likely belongs to, or ``None``.

    Lettered records ('T:', 'I:*'...) answer 'usb_debugfs' when they carry the '*' marker
    and 'usb_devices' for 'If#=0x..'; other lettered lines answer 'usb_debugfs' (the two
    formats share them). Use ``detect_usb_format`` on a whole block for a firmer answer.
    """
    body = unquote(text).rstrip()
    if len(body) < 4:
        return None
    if body[1] == ":" and body[0] in RECORD_LETTERS:
        if _RECORD_START.match(body) is None:
            return None
        if body[2] == "*":
            return "usb_debugfs"
        if "If#=0x" in body:
            return "usb_devices"
        return "usb_debugfs"
    if body.startswith("Bus ") and _LSUSB_LINE.match(body):
        return "lsusb"
    if body.startswith("/:") and _TREE_ROOT.match(body):
        return "lsusb_tree"
    if body.startswith("|__") and _TREE_NODE.match(body):
        return "lsusb_tree"
    if body in _VERBOSE_HEADERS or _VERBOSE_FIELD.match(body) or body.startswith(_VERBOSE_OTHER):
        return "lsusb_verbose"
    return None


def detect_usb_format(source: Union[str, Sequence[Line], Iterable[str]]) -> Optional[str]:
    """The parser kind for a whole block of lines (text, ``Line`` values or strings).

    debugfs and usb-devices share their letters: debugfs marks the active configuration
    and altsettings with '*', has 'B:' lines on root hubs and may list inactive
    configurations (empty 'Driver='); usb-devices never does any of that.
    """
    if isinstance(source, str):
        texts: Iterable[str] = source.splitlines()
    else:
        texts = (item.text if isinstance(item, Line) else item for item in source)
    lettered = star = lsusb = tree = verbose = 0
    for text in texts:
        body = unquote(text)
        if len(body) < 3:
            continue
        if body[1] == ":" and body[0] in RECORD_LETTERS:
            if _RECORD_START.match(body) is None:
                continue
            lettered += 1
            if body[2] == "*" or body[0] == "B":
                star += 1
        elif body.startswith("Bus ") and _LSUSB_LINE.match(body):
            lsusb += 1
        elif (body.startswith("/:") and _TREE_ROOT.match(body)) or (
            body.startswith("|__") and _TREE_NODE.match(body)
        ):
            tree += 1
        elif body in _VERBOSE_HEADERS:
            verbose += 1
    if lettered:
        # no '*' anywhere: usb-devices (hex 'If#=0x' or not); a debugfs excerpt without
        # any active configuration reads the same through either parser
        return "usb_debugfs" if star else "usb_devices"
    if verbose:
        return "lsusb_verbose"
    if tree:
        return "lsusb_tree"
    if lsusb:
        return "lsusb"
    return None


# --- numbers -------------------------------------------------------------------------


def to_int(value: str, default: int = 0) -> int:
    """Decimal (or '0x' hex) integer from listing text; ``default`` when it is not one."""
    value = value.strip()
    try:
        if value[:2] in ("0x", "0X"):
            return int(value[2:], 16)
        return int(value, 10)
    except ValueError:
        return default


def to_hex(value: str, default: int = 0) -> int:
    """Hex integer as listings print class codes and IDs ('ff', '0a', '0x12d1')."""
    value = value.strip()
    if value[:2] in ("0x", "0X"):
        value = value[2:]
    try:
        return int(value, 16)
    except ValueError:
        return default


def leading_hex(value: str, default: int = 0) -> int:
    """Hex code before a '(name)' suffix: 'ff(vend.)' -> 255, '81(I)' -> 129."""
    cut = value.find("(")
    return to_hex(value if cut < 0 else value[:cut], default)


def leading_int(value: str, default: int = 0) -> int:
    """Leading decimal number of '500mA', '32ms', ' 64'."""
    value = value.strip()
    end = 0
    while end < len(value) and value[end].isdigit():
        end += 1
    return int(value[:end]) if end else default


# --- classes named as lsusb -t and lsusb -v print them --------------------------------

# usbutils prints these names for base classes (lsusb -t 'Class=...', lsusb -v after the
# number); the codes are the USB-IF base class codes.
CLASS_NAMES: Dict[str, int] = {
    "(defined at interface level)": 0x00,
    ">ifc": 0x00,
    "audio": 0x01,
    "communications": 0x02,
    "comm.": 0x02,
    "human interface device": 0x03,
    "hid": 0x03,
    "physical interface device": 0x05,
    "imaging": 0x06,
    "printer": 0x07,
    "mass storage": 0x08,
    "hub": 0x09,
    "root_hub": 0x09,
    "cdc data": 0x0A,
    "chip/smartcard": 0x0B,
    "content security": 0x0D,
    "video": 0x0E,
    "personal healthcare": 0x0F,
    "audio/video": 0x10,
    "billboard": 0x11,
    "type-c bridge": 0x12,
    "diagnostic": 0xDC,
    "wireless": 0xE0,
    "miscellaneous device": 0xEF,
    "application specific interface": 0xFE,
    "vendor specific class": 0xFF,
    "vendor specific": 0xFF,
}


def class_from_name(name: str) -> int:
    """Class code for a printed class name; -1 when the name is empty or unknown."""
    return CLASS_NAMES.get(name.strip().lower(), -1)


# --- port paths ----------------------------------------------------------------------


def child_path(bus: int, parent_path: str, port_1based: int) -> str:
    """Kernel port path of the device on ``port_1based`` of the hub at ``parent_path``."""
    if not parent_path or parent_path.startswith("usb"):
        return f"{bus}-{port_1based}"
    return f"{parent_path}.{port_1based}"


def path_matches(pattern: str, path: str) -> bool:
    """True when ``path`` fits ``pattern``; a '?' segment in the pattern (a port a partial
    listing could not show) matches any one port number: '1-?.2' fits '1-1.2'."""
    if pattern == path:
        return True
    if "?" not in pattern or not pattern or not path:
        return False
    p_head, _, p_rest = pattern.partition("-")
    q_head, _, q_rest = path.partition("-")
    if p_head != q_head:
        return False
    p_parts = p_rest.split(".")
    q_parts = q_rest.split(".")
    if len(p_parts) != len(q_parts):
        return False
    return all(a == "?" or a == b for a, b in zip(p_parts, q_parts))


# --- builders ------------------------------------------------------------------------


class InterfaceBuilder:
    """An interface (one altsetting) while its endpoints and descriptors are read."""

    __slots__ = (
        "number", "alt", "cls", "subclass", "protocol", "driver_text", "star",
        "num_endpoints", "endpoints", "functional", "name", "line",
    )

    def __init__(self, line: int) -> None:
        self.number = 0
        self.alt = 0
        self.cls = 0
        self.subclass = 0
        self.protocol = 0
        # None: the listing has no driver field; "" : 'Driver=' empty; else as printed
        self.driver_text: Optional[str] = None
        self.star = False
        self.num_endpoints = 0
        self.endpoints: List[Endpoint] = []
        self.functional: List[FunctionalDescriptor] = []
        self.name = ""
        self.line = line

    def freeze(self, config_active: bool, current_alt_marked: bool) -> UsbInterface:
        text = self.driver_text
        if text is None:
            state = DriverState.NOT_SHOWN
            driver = None
        elif text == "":
            # the kernel leaves Driver= empty for configurations that are not active; an
            # empty field in the active one (old usb-devices) means nothing is bound
            state = DriverState.UNBOUND if config_active else DriverState.INACTIVE
            driver = None
        elif text in ("(none)", "[none]", "none") or (text.startswith("(") and "(none)".startswith(text)):
            # also '(n', '(no'...: a paste cut inside '(none)'; no driver name starts with '('
            state = DriverState.UNBOUND
            driver = None
        else:
            state = DriverState.BOUND
            driver = text
        if not config_active and state is DriverState.UNBOUND:
            # a configuration the listing shows as not active has no interfaces to bind
            state = DriverState.INACTIVE
        return UsbInterface(
            number=self.number,
            alt=self.alt,
            cls=self.cls,
            subclass=self.subclass,
            protocol=self.protocol,
            driver=driver,
            driver_state=state,
            active=self.star if current_alt_marked else config_active,
            num_endpoints=self.num_endpoints,
            endpoints=tuple(self.endpoints),
            functional=tuple(self.functional),
            name=self.name,
            line=self.line,
        )


class ConfigBuilder:
    __slots__ = ("number", "star", "num_interfaces", "attributes", "max_power_ma", "interfaces",
                 "associations", "line")

    def __init__(self, line: int) -> None:
        self.number = 0
        self.star = False
        self.num_interfaces = 0
        self.attributes = 0
        self.max_power_ma = 0
        self.interfaces: List[InterfaceBuilder] = []
        self.associations: List[InterfaceAssociation] = []
        self.line = line

    def shows_drivers(self) -> bool:
        """The kernel names drivers ('(none)' or a name) only in the active configuration."""
        return any(item.driver_text for item in self.interfaces)

    def freeze(self, active: bool, alt_marked: bool) -> UsbConfig:
        return UsbConfig(
            number=self.number,
            active=active,
            num_interfaces=self.num_interfaces,
            attributes=self.attributes,
            max_power_ma=self.max_power_ma,
            interfaces=tuple(item.freeze(active, alt_marked) for item in self.interfaces),
            associations=tuple(self.associations),
            line=self.line,
        )


class DeviceBuilder:
    """One device while its records are read; topology fields stay raw until ``freeze``."""

    __slots__ = (
        "vendor_id", "product_id", "bus", "devnum", "level", "parent_devnum", "port",
        "path", "speed", "usb_version", "cls", "subclass", "protocol", "num_configs",
        "revision", "manufacturer", "product", "serial", "configs", "first_line",
        "last_line", "has_topology", "has_ids", "ids_name", "max_children", "path_exact",
    )

    def __init__(self, line: int) -> None:
        self.vendor_id = 0
        self.product_id = 0
        self.bus = 0
        self.devnum = 0
        self.level = 0
        self.parent_devnum = 0
        self.port = 0
        self.path = ""
        self.path_exact = True
        self.speed = ""
        self.usb_version = ""
        self.cls = 0
        self.subclass = 0
        self.protocol = 0
        self.num_configs = 0
        self.revision = ""
        self.manufacturer = ""
        self.product = ""
        self.serial = ""
        self.configs: List[ConfigBuilder] = []
        self.first_line = line
        self.last_line = line
        self.has_topology = False
        self.has_ids = False
        self.ids_name = ""
        self.max_children = 0

    def freeze(self, listing_format: ListingFormat, only_config_is_active: bool) -> UsbDevice:
        configs = self.configs
        starred = any(config.star for config in configs)
        # lsusb -v prints every altsetting and never says which one is current
        alt_marked = listing_format is ListingFormat.LSUSB_VERBOSE or any(
            item.star for config in configs for item in config.interfaces
        )
        actives: List[bool] = []
        for config in configs:
            if starred:
                active = config.star
            elif listing_format is ListingFormat.LSUSB_VERBOSE:
                # every configuration is printed, none marked: only a single one is
                # known to be the active one
                active = len(configs) == 1
            elif only_config_is_active:
                # usb-devices, lsusb -t: only the active configuration is printed
                active = len(configs) == 1 or config.shows_drivers()
            else:
                # debugfs without any '*': the device is unconfigured unless the kernel
                # named drivers, which it does only for the active configuration
                active = config.shows_drivers()
            actives.append(active)
        return UsbDevice(
            vendor_id=self.vendor_id,
            product_id=self.product_id,
            bus=self.bus,
            devnum=self.devnum,
            level=self.level,
            parent_devnum=self.parent_devnum,
            port=self.port,
            path=self.path,
            speed=self.speed,
            usb_version=self.usb_version,
            cls=self.cls,
            subclass=self.subclass,
            protocol=self.protocol,
            num_configs=self.num_configs,
            revision=self.revision,
            manufacturer=self.manufacturer,
            product=self.product,
            serial=self.serial,
            configs=tuple(
                config.freeze(active, alt_marked) for config, active in zip(configs, actives)
            ),
            listing_format=listing_format,
            first_line=self.first_line,
            last_line=self.last_line,
            ids_name=self.ids_name,
            path_exact=self.path_exact,
            max_children=self.max_children,
        )


def rebuild_paths(devices: Sequence[DeviceBuilder]) -> None:
    """Fill ``path`` of every device from T: topology (Bus, Lev, Prnt = parent's Dev#,
    Port 0-based on the parent).

    Root hubs (Lev 0) are 'usb<bus>'; a device on root port p (0-based) is '<bus>-<p+1>';
    deeper ones append '.<p+1>' to their parent's path. The parent is the latest device
    shown before on the same bus with that Dev# one level up. When a listing leaves out
    the parent (mail excerpts often show one device), level 1 is still exact; deeper
    levels get '?' for each port the listing does not show ('1-?.4') and
    ``path_exact=False``; ``path_matches`` compares such paths with known ones.
    """
    known: Dict[Tuple[int, int, int], DeviceBuilder] = {}
    for device in devices:
        if not device.has_topology:
            continue
        if device.level <= 0:
            device.path = f"usb{device.bus}"
        else:
            parent = known.get((device.bus, device.level - 1, device.parent_devnum))
            if device.level == 1:
                device.path = f"{device.bus}-{device.port + 1}"
            elif parent is not None and parent.path:
                device.path = child_path(device.bus, parent.path, device.port + 1)
                device.path_exact = parent.path_exact
            else:
                unknown = ".".join(["?"] * (device.level - 1))
                device.path = f"{device.bus}-{unknown}.{device.port + 1}"
                device.path_exact = False
        known[(device.bus, device.level, device.devnum)] = device


def split_glued(body: str) -> List[str]:
    """Split a line that holds several records glued together (newlines lost in a paste:
    'T: Bus=01 ... MxCh= 1 B: Alloc= ...') into one string per record."""
    return [piece for piece in _GLUED.split(body) if piece]


_GLUED = re.compile(
    r"\s+(?=T:\s*Bus=|B:\s*Alloc=|D:\s*Ver=|P:\s*Vendor=|S:\s*(?:Manufacturer|Product|SerialNumber)="
    r"|C:[\s*]\s*#Ifs=|A:\s*FirstIf#=|I:[\s*]\s*If#=|E:\s*Ad=)"
)
