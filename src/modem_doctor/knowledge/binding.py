"""Which kernel driver binds each USB interface, predicted the way Linux 6.1 decides it.

Input is only the USB model (``model/usb.py``); output is one prediction per interface of
every configuration (active or not) and the configuration Linux picks by itself.

How the kernel decides, and how this module mirrors it (each step names its kernel function;
the same name is put in the prediction's ``rule`` so a reader can check the source):

1. ``usb_choose_configuration()`` (drivers/usb/core/generic.c) picks the configuration.
2. For each interface of that configuration, in descriptor order, the driver core offers
   the interface to every registered USB driver in registration order
   (``bus_for_each_drv`` → ``usb_device_match``). A driver is a candidate when its id table
   matches (``usb_match_id`` → ``usb_match_one_id``, first matching entry wins, altsetting 0
   is the current one at probe time); dynamic ids (``new_id``) come first but the model
   has none. The first driver whose probe accepts binds; drivers whose probe refuses
   (``-ENODEV``) let the next one try.
3. Probes refuse for driver-specific reasons, emulated per driver below:
   ``option_probe``, ``qcprobe``, ``sierra_probe`` (behind ``usb_serial_probe``),
   ``qmi_wwan_probe``, ``usbnet_probe`` with each driver's ``bind``, ``acm_probe``,
   ``storage_probe``. A bind that finds a CDC Union claims the data interface too
   (``usb_driver_claim_interface``), so that interface is never offered to anyone else.

Registration order is what the kernel cannot tell us: it is the module load order. On
OpenWrt ``kmodloader`` (ubox) loads ``/etc/modules-boot.d`` first (usb-storage is there),
then every module of ``/etc/modules.d`` in passes over its AVL tree, which is sorted by module
name with '_' and '-' equal, loading each module whose dependencies are already loaded.
``OPENWRT_LOAD_ORDER`` is computed by replaying that with the dependencies ``modinfo``
prints for Debian's 6.1.192 modules. The corpus benchmark counts the interfaces where the
order matters (a later driver's probe would accept too): none of the corpus listings has
one, because the tables are written to avoid overlaps (RSVD, blacklists, interface
numbers), so the corpus neither confirms nor contradicts the order. Where it matters the
prediction says so (``also_accepted``); ``predict(device, order=...)`` takes another order
(a desktop where udev loads modules as devices appear registers them in that order).

Interface descriptors in listings lack the CDC functional descriptors; the CDC Union is
taken from ``lsusb -v`` when present, else inferred (interface association, else the next
interface when it is CDC data). Where a listing carries no endpoint lines the endpoint
checks are skipped and the prediction says so.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ..errors import KnowledgeError
from ..model.usb import Endpoint, ListingFormat, UsbConfig, UsbDevice, UsbInterface
from ._data import load_json

TABLES_FILE = "kernel/usb-tables.json"

# usb_device_id.match_flags bits (include/linux/mod_devicetable.h)
MATCH_VENDOR = 0x0001
MATCH_PRODUCT = 0x0002
MATCH_DEV_LO = 0x0004
MATCH_DEV_HI = 0x0008
MATCH_DEV_CLASS = 0x0010
MATCH_DEV_SUBCLASS = 0x0020
MATCH_DEV_PROTOCOL = 0x0040
MATCH_INT_CLASS = 0x0080
MATCH_INT_SUBCLASS = 0x0100
MATCH_INT_PROTOCOL = 0x0200
MATCH_INT_NUMBER = 0x0400
MATCH_INT_ANY = MATCH_INT_CLASS | MATCH_INT_SUBCLASS | MATCH_INT_PROTOCOL | MATCH_INT_NUMBER

CLASS_AUDIO = 0x01
CLASS_COMM = 0x02
CLASS_HID = 0x03
CLASS_MASS_STORAGE = 0x08
CLASS_HUB = 0x09
CLASS_CDC_DATA = 0x0A
CLASS_WIRELESS = 0xE0
CLASS_MISC = 0xEF
CLASS_VENDOR = 0xFF

# Module dependencies as ``modinfo -F depends`` prints them for Debian's
# linux-image-6.1.0-56-amd64 (6.1.192-2), the same kernel release as the tables.
MODULE_DEPENDS: Dict[str, Tuple[str, ...]] = {
    "cdc-acm": ("usbcore",),
    "cdc-wdm": ("usbcore",),
    "cdc_ether": ("usbcore", "usbnet"),
    "cdc_mbim": ("usbcore", "cdc_ncm", "usbnet", "cdc-wdm"),
    "cdc_ncm": ("usbcore", "cdc_ether", "usbnet"),
    "cdc_subset": ("usbcore", "usbnet"),
    "hso": ("usbcore", "rfkill"),
    "huawei_cdc_ncm": ("usbcore", "cdc_ncm", "usbnet", "cdc-wdm"),
    "ipheth": ("usbcore",),
    "mii": (),
    "option": ("usbserial", "usbcore", "usb_wwan"),
    "qcserial": ("usbserial", "usbcore", "usb_wwan"),
    "qmi_wwan": ("usbcore", "usbnet", "cdc-wdm"),
    "rfkill": (),
    "rndis_host": ("usbcore", "cdc_ether", "usbnet"),
    "sierra": ("usbserial", "usbcore"),
    "sierra_net": ("usbnet", "usbcore"),
    "uas": ("usbcore", "scsi_mod", "scsi_common", "usb-storage"),
    "usb_wwan": ("usbcore", "usbserial"),
    "usbnet": ("usbcore", "mii"),
    "usbserial": ("usbcore", "usb-common"),
    "zaurus": ("cdc_ether", "usbnet", "usbcore"),
}
# Loaded before /etc/modules.d: usbcore (AutoLoad 20), usb-storage (AutoProbe ...,1 puts it
# in /etc/modules-boot.d), and the SCSI core it needs.
OPENWRT_BOOT_MODULES = ("usbcore", "usb-common", "scsi_common", "scsi_mod", "usb-storage")

# Module file name -> the USB driver name listings show (Driver=...).
MODULE_DRIVER = {"cdc-acm": "cdc_acm", "cdc-wdm": "cdc_wdm"}


def _kmod_key(name: str) -> str:
    # kmodloader's avl_modcmp weighs '_' as '-'
    return name.replace("_", "-")


def kmodloader_order(boot: Sequence[str], probe: Sequence[str],
                     depends: Dict[str, Tuple[str, ...]]) -> Tuple[str, ...]:
    """Replay ubox kmodloader's ``load_modprobe()``: passes over the modules sorted by name,
    each pass loading those whose dependencies are loaded, until a pass loads nothing."""
    loaded: List[str] = list(boot)
    pending = sorted(set(probe) - set(boot), key=_kmod_key)
    while True:
        progress = False
        for module in list(pending):
            if all(dep in loaded for dep in depends.get(module, ())):
                loaded.append(module)
                pending.remove(module)
                progress = True
        if not progress:
            break
    return tuple(loaded)


def _openwrt_driver_order() -> Tuple[str, ...]:
    modules = kmodloader_order(OPENWRT_BOOT_MODULES, tuple(MODULE_DEPENDS), MODULE_DEPENDS)
    order = [MODULE_DRIVER.get(m, m) for m in modules]
    return tuple(d for d in order if d in _DRIVER_NAMES)


# Every driver this module predicts; ones without an extracted table bind by class rules.
_TABLE_DRIVERS = ("option", "qcserial", "sierra", "qmi_wwan", "cdc_ether", "cdc_ncm",
                  "huawei_cdc_ncm", "cdc_mbim", "rndis_host", "sierra_net", "zaurus",
                  "cdc_subset", "hso", "ipheth", "cdc_acm", "cdc_wdm")
_DRIVER_NAMES = frozenset(_TABLE_DRIVERS + ("usb-storage", "uas"))

# Drivers outside the emulated set that listings still show on modems; matched by class only.
CLASS_DRIVERS = (
    ("hub", CLASS_HUB, "hub_probe: every hub-class interface"),
    ("usbhid", CLASS_HID, "usbhid: hid_usb_ids matches every HID-class interface"),
    ("snd-usb-audio", CLASS_AUDIO, "usb_audio_probe: audio-class interfaces"),
)


@functools.lru_cache(maxsize=1)
def driver_order() -> Tuple[str, ...]:
    """Drivers in the registration order assumed for OpenWrt (see module docstring)."""
    return _openwrt_driver_order()


# ------------------------------------------------------------------ results


@dataclass(frozen=True)
class TableMatch:
    """The device-table entry that matched: where it is in the kernel tree and what it says."""

    driver: str
    file: str  # path in the kernel tree, e.g. drivers/usb/serial/option.c
    line: int
    summary: str  # the entry rebuilt as the kernel macro would read, e.g. USB_DEVICE(0x12d1, 0x1573)
    driver_info: str = ""  # flags or the structure it points to, e.g. 'RSVD(4)' or 'qmi_wwan_info'

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class InterfacePrediction:
    number: int
    alt: int
    driver: Optional[str]
    rule: str  # the kernel function whose decision this is
    reason: str
    candidates: Tuple[str, ...] = ()  # drivers whose id table matched, in registration order
    match: Optional[TableMatch] = None
    claimed_by: Optional[int] = None  # interface whose driver claimed this one (CDC Union)
    skipped_checks: Tuple[str, ...] = ()  # checks that needed data the listing lacks
    package: Optional[str] = None  # OpenWrt kmod shipping the driver
    rejected: Tuple[Tuple[str, str], ...] = ()  # (driver, why its probe refused)
    also_accepted: Tuple[str, ...] = ()  # later drivers whose probe would accept too: the
    # registration (module load) order decided between them
    creates: str = ""  # what binding gives user space: 'ttyUSB%d', 'wwan%d + /dev/cdc-wdm%d (QMI)'


@dataclass(frozen=True)
class ConfigPrediction:
    number: int
    interfaces: Tuple[InterfacePrediction, ...]
    active: bool = False

    def interface(self, number: int, alt: int = 0) -> Optional[InterfacePrediction]:
        for item in self.interfaces:
            if item.number == number and item.alt == alt:
                return item
        return None


@dataclass(frozen=True)
class DevicePrediction:
    vid_pid: str
    chosen_config: Optional[int]
    chosen_rule: str
    configs: Tuple[ConfigPrediction, ...]
    chosen_reason: str = ""
    kernel: str = ""
    load_order: Tuple[str, ...] = ()

    def config(self, number: int) -> Optional[ConfigPrediction]:
        for item in self.configs:
            if item.number == number:
                return item
        return None


# ------------------------------------------------------------------ tables


@dataclass(frozen=True)
class _Entry:
    driver: str
    index: int
    line: int
    flags: int
    vendor: int
    product: int
    bcd_lo: int
    bcd_hi: int
    dev_class: int
    dev_subclass: int
    dev_protocol: int
    cls: int
    subclass: int
    protocol: int
    number: int
    info: Any  # int, {"symbol": name} or None


class _Tables:
    def __init__(self, data: Dict[str, Any]) -> None:
        self.data = data
        kernel = data.get("kernel", {})
        self.kernel = "Linux %s (Debian %s %s)" % (
            kernel.get("version", "?"), kernel.get("package", "?"), kernel.get("package_version", "?"))
        self.drivers: Dict[str, Dict[str, Any]] = data["drivers"]
        self.by_vendor: Dict[str, Dict[int, List[_Entry]]] = {}
        self.generic: Dict[str, List[_Entry]] = {}
        for name, driver in self.drivers.items():
            vendors: Dict[int, List[_Entry]] = {}
            generic: List[_Entry] = []
            for index, raw in enumerate(driver["entries"]):
                entry = _Entry(
                    name, index, int(raw.get("line", 0)), int(raw.get("match_flags", 0)),
                    _int(raw.get("idVendor")), _int(raw.get("idProduct")),
                    _int(raw.get("bcdDevice_lo")), _int(raw.get("bcdDevice_hi")),
                    _int(raw.get("bDeviceClass")), _int(raw.get("bDeviceSubClass")),
                    _int(raw.get("bDeviceProtocol")), _int(raw.get("bInterfaceClass")),
                    _int(raw.get("bInterfaceSubClass")), _int(raw.get("bInterfaceProtocol")),
                    _int(raw.get("bInterfaceNumber")), raw.get("driver_info"))
                if entry.flags & MATCH_VENDOR:
                    vendors.setdefault(entry.vendor, []).append(entry)
                else:
                    generic.append(entry)
            self.by_vendor[name] = vendors
            self.generic[name] = generic
        self._candidates: Dict[Tuple[str, int], Tuple[_Entry, ...]] = {}
        self.storage: List[Dict[str, Any]] = [
            dict(item, file=path) for path, items in sorted(data.get("storage", {}).items()) for item in items
        ]

    def constant(self, driver: str, name: str) -> int:
        try:
            return int(self.drivers[driver]["constants"][name])
        except (KeyError, TypeError, ValueError):
            raise KnowledgeError(f"{TABLES_FILE}: constant {name} of {driver} missing") from None

    def symbol(self, driver: str, name: str) -> Dict[str, Any]:
        found = self.drivers[driver].get("symbols", {}).get(name)
        return found if isinstance(found, dict) else {}

    def candidates(self, driver: str, vendor: int) -> Tuple[_Entry, ...]:
        """Entries that could match a device of ``vendor``, in table order.

        Built once per (driver, vendor): a listing asks for the same lists for every
        interface of every configuration."""
        key = (driver, vendor)
        found = self._candidates.get(key)
        if found is None:
            items = self.by_vendor[driver].get(vendor, []) + self.generic[driver]
            items.sort(key=lambda e: e.index)
            found = self._candidates[key] = tuple(items)
        return found


def _int(value: Any) -> int:
    return value if isinstance(value, int) else 0


@functools.lru_cache(maxsize=1)
def tables() -> _Tables:
    data = load_json(TABLES_FILE)
    if not isinstance(data, dict) or "drivers" not in data:
        raise KnowledgeError(f"{TABLES_FILE} has no driver tables")
    missing = [name for name in _TABLE_DRIVERS if name not in data["drivers"]]
    if missing:
        raise KnowledgeError(f"{TABLES_FILE} lacks tables for {', '.join(missing)}")
    return _Tables(data)


# ------------------------------------------------------------------ matching


def _bcd(revision: str) -> Optional[int]:
    """bcdDevice from the listing's 'Rev= 3.18' (printed as %2x.%02x)."""
    text = (revision or "").strip()
    if "." not in text:
        return None
    major, _, minor = text.partition(".")
    try:
        return (int(major, 16) << 8) | int(minor[:2], 16)
    except ValueError:
        return None


def usb_match_device(entry: _Entry, device: UsbDevice, notes: List[str]) -> bool:
    """Mirror of usb_match_device(): the device-descriptor half of the match."""
    f = entry.flags
    if f & MATCH_VENDOR and entry.vendor != device.vendor_id:
        return False
    if f & MATCH_PRODUCT and entry.product != device.product_id:
        return False
    if f & (MATCH_DEV_LO | MATCH_DEV_HI):
        bcd = _bcd(device.revision)
        if bcd is None:
            notes.append("bcdDevice range of %s:%d not checked (revision not shown)" % (entry.driver, entry.line))
        else:
            if f & MATCH_DEV_LO and entry.bcd_lo > bcd:
                return False
            if f & MATCH_DEV_HI and entry.bcd_hi < bcd:
                return False
    if f & MATCH_DEV_CLASS and entry.dev_class != device.cls:
        return False
    if f & MATCH_DEV_SUBCLASS and entry.dev_subclass != device.subclass:
        return False
    if f & MATCH_DEV_PROTOCOL and entry.dev_protocol != device.protocol:
        return False
    return True


def usb_match_one_id_intf(entry: _Entry, device: UsbDevice, intf: UsbInterface) -> bool:
    """Mirror of usb_match_one_id_intf(): the interface half, against altsetting 0."""
    f = entry.flags
    # A vendor-specific device class hides its interfaces from matches that do not name the vendor.
    if device.cls == CLASS_VENDOR and not f & MATCH_VENDOR and f & MATCH_INT_ANY:
        return False
    if f & MATCH_INT_CLASS and entry.cls != intf.cls:
        return False
    if f & MATCH_INT_SUBCLASS and entry.subclass != intf.subclass:
        return False
    if f & MATCH_INT_PROTOCOL and entry.protocol != intf.protocol:
        return False
    if f & MATCH_INT_NUMBER and entry.number != intf.number:
        return False
    return True


def usb_match_id(driver: str, device: UsbDevice, intf: UsbInterface, notes: List[str]) -> Optional[_Entry]:
    """Mirror of usb_match_id(): the first entry of the driver's table that matches."""
    for entry in tables().candidates(driver, device.vendor_id):
        if usb_match_device(entry, device, notes) and usb_match_one_id_intf(entry, device, intf):
            return entry
    return None


# (entry, device half matched, note the device half left) for each candidate, in table order
_Screen = Tuple[Tuple[_Entry, bool, Optional[str]], ...]


def _screen(driver: str, device: UsbDevice) -> _Screen:
    """The device half of usb_match_id() for every candidate entry, done once per device.

    The interface half is all that differs between interfaces, so ``_match_screened``
    replays usb_match_id() from this, notes included, with the same result."""
    out = []
    for entry in tables().candidates(driver, device.vendor_id):
        notes: List[str] = []
        ok = usb_match_device(entry, device, notes)
        out.append((entry, ok, notes[0] if notes else None))
    return tuple(out)


def _match_screened(screen: _Screen, device: UsbDevice, intf: UsbInterface, notes: List[str]) -> Optional[_Entry]:
    for entry, ok, note in screen:
        if note is not None:
            notes.append(note)
        if ok and usb_match_one_id_intf(entry, device, intf):
            return entry
    return None


# ------------------------------------------------------------------ describing entries


def _describe(entry: _Entry) -> TableMatch:
    f = entry.flags
    dev = f & (MATCH_VENDOR | MATCH_PRODUCT)
    ints = f & (MATCH_INT_CLASS | MATCH_INT_SUBCLASS | MATCH_INT_PROTOCOL)
    triple = "0x%02x, 0x%02x, 0x%02x" % (entry.cls, entry.subclass, entry.protocol)
    if f == MATCH_VENDOR | MATCH_PRODUCT:
        text = "USB_DEVICE(0x%04x, 0x%04x)" % (entry.vendor, entry.product)
    elif dev == MATCH_VENDOR | MATCH_PRODUCT and f & MATCH_INT_NUMBER and not ints:
        text = "USB_DEVICE_INTERFACE_NUMBER(0x%04x, 0x%04x, %d)" % (entry.vendor, entry.product, entry.number)
    elif dev == MATCH_VENDOR | MATCH_PRODUCT and ints == MATCH_INT_CLASS:
        text = "USB_DEVICE_INTERFACE_CLASS(0x%04x, 0x%04x, 0x%02x)" % (entry.vendor, entry.product, entry.cls)
    elif dev == MATCH_VENDOR | MATCH_PRODUCT and ints == MATCH_INT_PROTOCOL:
        text = "USB_DEVICE_INTERFACE_PROTOCOL(0x%04x, 0x%04x, 0x%02x)" % (entry.vendor, entry.product, entry.protocol)
    elif dev == MATCH_VENDOR | MATCH_PRODUCT and ints == MATCH_INT_CLASS | MATCH_INT_SUBCLASS | MATCH_INT_PROTOCOL:
        text = "USB_DEVICE_AND_INTERFACE_INFO(0x%04x, 0x%04x, %s)" % (entry.vendor, entry.product, triple)
    elif dev == MATCH_VENDOR and ints == MATCH_INT_CLASS | MATCH_INT_SUBCLASS | MATCH_INT_PROTOCOL:
        text = "USB_VENDOR_AND_INTERFACE_INFO(0x%04x, %s)" % (entry.vendor, triple)
    elif not dev and ints == MATCH_INT_CLASS | MATCH_INT_SUBCLASS | MATCH_INT_PROTOCOL and not f & ~MATCH_INT_ANY:
        text = "USB_INTERFACE_INFO(%s)" % triple
    else:
        parts = []
        if f & MATCH_VENDOR:
            parts.append("idVendor=0x%04x" % entry.vendor)
        if f & MATCH_PRODUCT:
            parts.append("idProduct=0x%04x" % entry.product)
        if f & MATCH_DEV_LO:
            parts.append("bcdDevice>=0x%04x" % entry.bcd_lo)
        if f & MATCH_DEV_HI:
            parts.append("bcdDevice<=0x%04x" % entry.bcd_hi)
        if f & MATCH_DEV_CLASS:
            parts.append("bDeviceClass=0x%02x" % entry.dev_class)
        if f & MATCH_INT_CLASS:
            parts.append("bInterfaceClass=0x%02x" % entry.cls)
        if f & MATCH_INT_SUBCLASS:
            parts.append("bInterfaceSubClass=0x%02x" % entry.subclass)
        if f & MATCH_INT_PROTOCOL:
            parts.append("bInterfaceProtocol=0x%02x" % entry.protocol)
        if f & MATCH_INT_NUMBER:
            parts.append("bInterfaceNumber=%d" % entry.number)
        text = "{%s}" % ", ".join(parts)
    driver = tables().drivers[entry.driver]
    return TableMatch(entry.driver, driver["source"], entry.line, text, _describe_info(entry))


def _describe_info(entry: _Entry) -> str:
    info = entry.info
    if isinstance(info, dict):
        return str(info.get("symbol") or info.get("name") or "")
    if not isinstance(info, int) or info == 0:
        return "0" if info == 0 and entry.driver in ("cdc_ether", "qmi_wwan") else ""
    if entry.driver == "option":
        t = tables()
        parts = ["RSVD(%d)" % n for n in range(8) if info & (1 << n)]
        parts += ["NCTRL(%d)" % n for n in range(8) if info & (1 << (n + 8))]
        if info & t.constant("option", "NUMEP2"):
            parts.append("NUMEP2")
        if info & t.constant("option", "ZLP"):
            parts.append("ZLP")
        return " | ".join(parts)
    if entry.driver == "qcserial":
        names = {v: k for k, v in tables().drivers["qcserial"]["constants"].items() if k.startswith("QCSERIAL_")}
        return names.get(info, str(info))
    if entry.driver == "cdc_acm":
        names = tables().drivers["cdc_acm"]["constants"]
        found = [k for k, v in sorted(names.items()) if isinstance(v, int) and info & v]
        return " | ".join(found) or hex(info)
    return hex(info)


# ------------------------------------------------------------------ the configuration


class _Config:
    """An interface-number view of one configuration, with CDC Union inference."""

    def __init__(self, device: UsbDevice, config: UsbConfig) -> None:
        self.device = device
        self.config = config
        self.alts: Dict[int, List[UsbInterface]] = {}
        self.order: List[int] = []
        for intf in config.interfaces:
            if intf.number not in self.alts:
                self.alts[intf.number] = []
                self.order.append(intf.number)
            self.alts[intf.number].append(intf)
        for number in self.alts:
            self.alts[number].sort(key=lambda i: i.alt)
        self._screens: Dict[str, _Screen] = {}

    def screen(self, driver: str) -> _Screen:
        found = self._screens.get(driver)
        if found is None:
            found = self._screens[driver] = _screen(driver, self.device)
        return found

    @property
    def num_interfaces(self) -> int:
        return self.config.num_interfaces or len(self.order)

    def alt0(self, number: int) -> Optional[UsbInterface]:
        alts = self.alts.get(number)
        if not alts:
            return None
        for intf in alts:
            if intf.alt == 0:
                return intf
        return alts[0]

    def union_slave(self, intf: UsbInterface) -> Tuple[Optional[int], str]:
        """The data interface a CDC Union would name for control interface ``intf``.

        With class-specific descriptors shown (lsusb -v) the Union is read, including one an
        old usbutils printed as raw 'UNRECOGNIZED' bytes (bFunctionLength, 0x24, 0x06,
        master, slave). debugfs and usb-devices listings do not show them, and old lsusb
        drops some, so without one the Union is inferred."""
        for desc in intf.functional:
            fields = dict(desc.fields)
            if "union" in desc.name.lower():
                for key in ("bSlaveInterface", "bSlaveInterface0", "bSubordinateInterface0"):
                    if key in fields:
                        try:
                            return int(fields[key].split()[0], 0), "CDC Union descriptor"
                        except ValueError:
                            break
            raw = fields.get("bytes", "").split()
            if len(raw) >= 5 and raw[1].lower() == "24" and raw[2] == "06":
                try:
                    return int(raw[4], 16), "CDC Union descriptor (raw bytes)"
                except ValueError:
                    pass
        for assoc in self.config.associations:
            if assoc.first_interface == intf.number and assoc.count >= 2:
                return intf.number + 1, "interface association (IAD) of %d interfaces" % assoc.count
        following = self.alt0(intf.number + 1)
        if following is not None and following.cls == CLASS_CDC_DATA:
            return intf.number + 1, "next interface is CDC data (union inferred)"
        if following is not None and intf.cls == CLASS_VENDOR and following.triple == intf.triple \
                and len(self.alts.get(intf.number + 1, ())) > 1:
            # vendor NCM (Huawei ff/02/16): the data interface repeats the control's triple
            # and has the usual data altsettings
            return intf.number + 1, "next interface repeats the vendor triple with data altsettings (union inferred)"
        return None, "no CDC Union: no association and the next interface is not CDC data"

    def in_association_of_two(self, intf: UsbInterface) -> bool:
        return any(a.first_interface == intf.number and a.count == 2 for a in self.config.associations)


def _endpoints(intf: UsbInterface) -> Optional[Tuple[Endpoint, ...]]:
    """The endpoints, or None when the listing did not show them all (no E: lines, or
    fewer than the interface's bNumEndpoints: a truncated paste)."""
    if len(intf.endpoints) == intf.num_endpoints or (intf.endpoints and not intf.num_endpoints):
        return intf.endpoints
    return None


def _has_bulk_pair(alts: Sequence[UsbInterface]) -> Optional[bool]:
    """usbnet_get_endpoints(): some altsetting with a bulk IN and a bulk OUT endpoint."""
    unknown = False
    for intf in alts:
        eps = _endpoints(intf)
        if eps is None:
            unknown = True
            continue
        ins = any(e.transfer == "bulk" and e.direction == "in" for e in eps)
        outs = any(e.transfer == "bulk" and e.direction == "out" for e in eps)
        if ins and outs:
            return True
    return None if unknown else False


def _has_int_in(intf: UsbInterface) -> Optional[bool]:
    eps = _endpoints(intf)
    if eps is None:
        return None
    return any(e.transfer == "interrupt" and e.direction == "in" for e in eps)


# ------------------------------------------------------------------ probes


@dataclass(frozen=True)
class _Probe:
    ok: bool
    rule: str
    reason: str
    claims: Tuple[int, ...] = ()
    skipped: Tuple[str, ...] = ()


def _accept(rule: str, reason: str, claims: Tuple[int, ...] = (), skipped: Tuple[str, ...] = ()) -> _Probe:
    return _Probe(True, rule, reason, claims, skipped)


def _reject(rule: str, reason: str, skipped: Tuple[str, ...] = ()) -> _Probe:
    return _Probe(False, rule, reason, (), skipped)


def option_probe(cfg: _Config, intf: UsbInterface, entry: _Entry) -> _Probe:
    """Mirror of option_probe() (drivers/usb/serial/option.c), reached via usb_serial_probe()."""
    t = tables()
    flags = entry.info if isinstance(entry.info, int) else 0
    if intf.cls == CLASS_MASS_STORAGE:
        return _reject("option_probe", "option never binds the CD-ROM/mass-storage interface")
    if intf.number <= t.constant("option", "FLAG_IFNUM_MAX") and flags & (1 << intf.number):
        return _reject("option_probe", "interface %d is reserved by RSVD(%d) in the option entry "
                       "(left for a network driver)" % (intf.number, intf.number))
    if flags & t.constant("option", "NUMEP2") and intf.num_endpoints != 2:
        return _reject("option_probe", "entry has NUMEP2 and the interface has %d endpoints, not 2"
                       % intf.num_endpoints)
    # usb_serial_probe() asks nothing more of option's endpoints (its driver sets no
    # num_bulk_in/out); a port without bulk endpoints fails later in usb_wwan_port_probe()
    # but the interface stays bound.
    return _accept("option_probe", "serial port (ttyUSB) via option")


def qcprobe(cfg: _Config, intf: UsbInterface, entry: _Entry) -> _Probe:
    """Mirror of qcprobe() (drivers/usb/serial/qcserial.c)."""
    t = tables()
    if intf.cls != CLASS_VENDOR:
        return _reject("qcprobe", "qcserial serves only vendor-specific (ff) interfaces")
    nintf = cfg.num_interfaces
    ifnum = intf.number
    if nintf == 1:
        alts = cfg.alts.get(ifnum, [intf])
        if len(alts) > 2:
            return _reject("qcprobe", "QDL mode with more than two altsettings")
        target = alts[1] if len(alts) == 2 else alts[0]
        eps = _endpoints(target)
        if eps is None:
            return _accept("qcprobe", "QDL (download) port; endpoint layout not shown",
                           skipped=("qcprobe QDL endpoint check",))
        if len(eps) == 2 and eps[0].transfer == "bulk" and eps[0].direction == "in" \
                and eps[1].transfer == "bulk" and eps[1].direction == "out":
            return _accept("qcprobe", "QDL (download) port")
        return _reject("qcprobe", "single interface without the QDL bulk in/out pair")
    layout = entry.info if isinstance(entry.info, int) else 0
    if layout == t.constant("qcserial", "QCSERIAL_G1K"):
        if nintf < 3 or nintf > 4:
            return _reject("qcprobe", "Gobi 1K layout expects 3 or 4 interfaces, device has %d" % nintf)
        if ifnum in (0, 2):
            return _accept("qcprobe", "Gobi 1K layout: %s" % ("DM/DIAG" if ifnum == 0 else "AT modem port"))
        return _reject("qcprobe", "Gobi 1K layout serves interfaces 0 and 2 only")
    if layout == t.constant("qcserial", "QCSERIAL_G2K"):
        if nintf == 5 and cfg.device.product_id == t.constant("qcserial", "QUECTEL_EC20_PID"):
            if ifnum == 4:
                return _reject("qcprobe", "Quectel EC20 layout: interface 4 is QMI/net, left to qmi_wwan")
            return _accept("qcprobe", "Quectel EC20 layout: serial function on interface %d" % ifnum)
        if nintf < 3 or nintf > 4:
            return _reject("qcprobe", "Gobi 2K+ layout expects 3 or 4 interfaces, device has %d" % nintf)
        if ifnum == 0:
            return _reject("qcprobe", "Gobi 2K+ layout: interface 0 is QMI/net, left to qmi_wwan")
        return _accept("qcprobe", "Gobi 2K+ layout: serial function on interface %d" % ifnum)
    if layout == t.constant("qcserial", "QCSERIAL_SWI"):
        if ifnum in (0, 2, 3):
            return _accept("qcprobe", "Sierra layout: %s" % {0: "DM/DIAG", 2: "NMEA", 3: "AT modem port"}[ifnum])
        return _reject("qcprobe", "Sierra layout serves interfaces 0, 2 and 3 only")
    if layout == t.constant("qcserial", "QCSERIAL_HWI"):
        if intf.protocol in (0x07, 0x37, 0x67, 0x08, 0x38, 0x68, 0x09, 0x39, 0x69, 0x16, 0x46, 0x76):
            return _reject("qcprobe", "Huawei layout: protocol %02x is QMI or NCM, not serial" % intf.protocol)
        return _accept("qcprobe", "Huawei layout: serial function (protocol %02x)" % intf.protocol)
    return _reject("qcprobe", "unsupported qcserial layout %r" % layout)


def sierra_probe(cfg: _Config, intf: UsbInterface, entry: _Entry) -> _Probe:
    """Mirror of sierra_probe() (drivers/usb/serial/sierra.c): its ignore lists."""
    info = entry.info
    if isinstance(info, dict) and "symbol" in info:
        listing = tables().symbol("sierra", info["symbol"])
        nums_ref = listing.get("fields", {}).get("nums")
        nums: List[int] = []
        if isinstance(nums_ref, dict) and "name" in nums_ref:
            values = tables().symbol("sierra", nums_ref["name"]).get("values", [])
            nums = [v for v in values if isinstance(v, int)]
        if intf.number in nums:
            return _reject("sierra_probe", "interface %d is on sierra's %s list (a Direct IP network "
                           "interface)" % (intf.number, info["symbol"]))
    return _accept("sierra_probe", "serial port (ttyUSB) via sierra")


def _usbnet_info(driver: str, entry: _Entry) -> Tuple[Optional[str], Dict[str, Any]]:
    info = entry.info
    if isinstance(info, dict) and "symbol" in info:
        return info["symbol"], tables().symbol(driver, info["symbol"]).get("fields", {})
    return None, {}


def _claim_union(cfg: _Config, intf: UsbInterface, rule: str, need_data_class: bool,
                 what: str) -> _Probe:
    """The CDC pairing common to usbnet_generic_cdc_bind() and cdc_ncm_bind_common():
    find the data interface, check it, claim it, require its bulk endpoints."""
    slave, how = cfg.union_slave(intf)
    if slave is not None and slave not in cfg.alts and len(cfg.order) < cfg.num_interfaces:
        # The configuration declares more interfaces than the listing shows: the data
        # interface was cut from the paste, not missing from the device.
        return _accept(rule, "%s; control %d + data %d (%s; interface %d is not in the listing)" % (
            what, intf.number, slave, how, slave), (slave,),
            ("data interface %d checks (not in the listing)" % slave,))
    if slave is None or slave not in cfg.alts:
        return _reject(rule, "bad CDC descriptors: %s" % how)
    data = cfg.alt0(slave)
    assert data is not None
    if need_data_class and data.cls != CLASS_CDC_DATA:
        return _reject(rule, "bad CDC descriptors: interface %d is class %02x, not CDC data" % (slave, data.cls))
    bulk = _has_bulk_pair(cfg.alts[slave])
    skipped: Tuple[str, ...] = ()
    if bulk is False:
        return _reject(rule, "data interface %d has no bulk IN/OUT pair (usbnet_get_endpoints)" % slave)
    if bulk is None:
        skipped = ("usbnet_get_endpoints on interface %d (endpoints not shown)" % slave,)
    return _accept(rule, "%s; control %d + data %d (%s)" % (what, intf.number, slave, how), (slave,), skipped)


def usbnet_probe(driver: str, cfg: _Config, intf: UsbInterface, entry: _Entry) -> _Probe:
    """Mirror of usbnet_probe() (drivers/net/usb/usbnet.c) with each driver's bind()."""
    symbol, info = _usbnet_info(driver, entry)
    if entry.info in (0, None) and symbol is None:
        return _reject("usbnet_probe", "blacklisted: the %s entry has driver_info 0, leaving the "
                       "interface to a vendor driver" % driver)
    bind = info.get("bind", {}).get("name", "") if isinstance(info.get("bind"), dict) else ""
    if driver == "qmi_wwan":
        return _qmi_wwan_bind(cfg, intf)
    if driver == "cdc_ether":
        if bind == "usbnet_cdc_zte_bind" or bind == "usbnet_cdc_bind":
            return _claim_union(cfg, intf, bind, True, "CDC ECM (%s)" % symbol)
        return _claim_union(cfg, intf, "usbnet_generic_cdc_bind", True, "CDC (%s)" % symbol)
    if driver == "cdc_ncm":
        if _mbim_alt(cfg, intf):
            return _reject("cdc_ncm_bind", "NCM/MBIM function and prefer_mbim is set (CONFIG_USB_NET_CDC_MBIM): "
                           "cdc_ncm_select_altsetting() leaves it to cdc_mbim")
        return _ncm_common(cfg, intf, "cdc_ncm_bind", "CDC NCM")
    if driver == "cdc_mbim":
        if not (_is_mbim(intf) or _mbim_alt(cfg, intf)):
            return _reject("cdc_mbim_bind", "not an MBIM function (no MBIM altsetting; cdc_ncm_comm_intf_is_mbim)")
        return _ncm_common(cfg, intf, "cdc_mbim_bind", "MBIM")
    if driver == "huawei_cdc_ncm":
        return _ncm_common(cfg, intf, "huawei_cdc_ncm_bind", "Huawei NCM")
    if driver == "rndis_host":
        return _rndis_bind(cfg, intf)
    if driver == "sierra_net":
        if intf.num_endpoints != 3:
            return _reject("sierra_net_bind", "Direct IP interface needs 3 endpoints, has %d" % intf.num_endpoints)
        return _accept("sierra_net_bind", "Sierra Direct IP network interface")
    # zaurus, cdc_subset: their binds use the matched interface as it is
    return _accept("usbnet_probe", "%s network interface (%s)" % (driver, symbol or "driver_info"))


def _is_mbim(intf: UsbInterface) -> bool:
    # cdc_ncm_comm_intf_is_mbim(): subclass MBIM (0e) with protocol 0 or 2
    return intf.cls == CLASS_COMM and intf.subclass == 0x0E and intf.protocol in (0x00, 0x02)


def _mbim_alt(cfg: _Config, intf: UsbInterface) -> bool:
    """cdc_ncm_select_altsetting(): altsetting 1 of the control interface is MBIM."""
    for alt in cfg.alts.get(intf.number, []):
        if alt.alt == 1 and _is_mbim(alt):
            return True
    return False


def _ncm_common(cfg: _Config, intf: UsbInterface, rule: str, what: str) -> _Probe:
    """cdc_ncm_bind_common(): union (or a 2-interface IAD), data claimed, then the data
    interface's bulk pair and the control interface's interrupt endpoint."""
    slave, _how = cfg.union_slave(intf)
    if slave is None and intf.cls == CLASS_VENDOR and intf.num_endpoints >= 3:
        # a vendor NCM function on one interface: its Union names itself as master and
        # slave, so cdc_ncm_bind_common() uses it for control and data alike
        bulk = _has_bulk_pair([intf])
        if bulk is False:
            return _reject(rule, "combined NCM interface without a bulk pair")
        return _accept(rule, "%s on one combined interface (control = data)" % what,
                       skipped=() if bulk else ("endpoint checks (not shown)",))
    result = _claim_union(cfg, intf, rule, False, what)
    if not result.ok:
        return result
    status = _has_int_in(intf)
    if status is False:
        return _reject(rule, "control interface %d has no interrupt IN (status) endpoint" % intf.number)
    skipped = result.skipped + (() if status else ("status endpoint of interface %d (not shown)" % intf.number,))
    return _Probe(True, rule, result.reason, result.claims, skipped)


def _qmi_wwan_bind(cfg: _Config, intf: UsbInterface) -> _Probe:
    """qmi_wwan_bind() + qmi_wwan_register_subdriver(): separate data interface only with a
    CDC Union; bulk pair on the data interface and an interrupt endpoint on the control one."""
    claims: Tuple[int, ...] = ()
    data_alts = cfg.alts.get(intf.number, [intf])
    how = "combined QMI interface"
    if intf.cls == CLASS_COMM:
        slave, union_how = cfg.union_slave(intf)
        if slave is not None and slave in cfg.alts:
            claims = (slave,)
            data_alts = cfg.alts[slave]
            how = "control %d + data %d (%s)" % (intf.number, slave, union_how)
    bulk = _has_bulk_pair(data_alts)
    status = _has_int_in(intf)
    skipped: List[str] = []
    if bulk is False:
        return _reject("qmi_wwan_bind", "no bulk IN/OUT pair for the network data (usbnet_get_endpoints)")
    if status is False:
        return _reject("qmi_wwan_register_subdriver", "no interrupt endpoint for the QMI control channel")
    if bulk is None or status is None:
        skipped.append("qmi_wwan endpoint checks (endpoints not shown)")
    return _accept("qmi_wwan_bind", "QMI (cdc-wdm + wwan netdev), %s" % how, claims, tuple(skipped))


def qmi_wwan_probe(cfg: _Config, intf: UsbInterface, entry: _Entry) -> _Probe:
    """Mirror of qmi_wwan_probe() (drivers/net/usb/qmi_wwan.c) before usbnet_probe()."""
    if entry.flags & MATCH_INT_NUMBER and intf.cls != CLASS_VENDOR:
        return _reject("qmi_wwan_probe", "interface-number match on a class %02x interface: qmi_wwan binds "
                       "numbered matches only on vendor-specific interfaces" % intf.cls)
    if cfg.device.vendor_id == 0x05C6 and cfg.device.product_id == 0x9215 and cfg.num_interfaces == 5 \
            and intf.number == 0:
        return _reject("qmi_wwan_probe", "Quectel EC20 quirk: QMI is on interface 4, not 0")
    if intf.num_endpoints == 2:
        return _reject("qmi_wwan_probe", "2 endpoints: the DIAG/serial function, not QMI (QMI has 3 or 1)")
    return usbnet_probe("qmi_wwan", cfg, intf, entry)


def _rndis_bind(cfg: _Config, intf: UsbInterface) -> _Probe:
    """generic_rndis_bind() → usbnet_generic_cdc_bind() with rndis set: the union if any,
    else interfaces 0 and 1 hard-wired; a status (interrupt) endpoint is required."""
    slave, how = cfg.union_slave(intf)
    if slave is None:
        if intf.number != 0 or 1 not in cfg.alts:
            return _reject("usbnet_generic_cdc_bind", "RNDIS without union needs control 0 and data 1")
        slave, how = 1, "RNDIS hard-wired interfaces 0 and 1"
    if slave not in cfg.alts:
        return _reject("usbnet_generic_cdc_bind", "RNDIS data interface %d does not exist" % slave)
    status = _has_int_in(intf)
    if status is False:
        return _reject("usbnet_generic_cdc_bind", "missing RNDIS status endpoint")
    bulk = _has_bulk_pair(cfg.alts[slave])
    if bulk is False:
        return _reject("usbnet_get_endpoints", "RNDIS data interface %d has no bulk pair" % slave)
    skipped = () if (status and bulk) else ("RNDIS endpoint checks (endpoints not shown)",)
    return _accept("rndis_bind", "RNDIS; control %d + data %d (%s)" % (intf.number, slave, how), (slave,), skipped)


def acm_probe(cfg: _Config, intf: UsbInterface, entry: _Entry) -> _Probe:
    """Mirror of acm_probe() (drivers/usb/class/cdc-acm.c), the parts a listing can decide."""
    t = tables()
    quirks = entry.info if isinstance(entry.info, int) else 0
    if quirks == t.constant("cdc_acm", "IGNORE_DEVICE"):
        return _reject("acm_probe", "IGNORE_DEVICE quirk in cdc-acm's table")
    if quirks == t.constant("cdc_acm", "NO_UNION_NORMAL"):
        if 1 not in cfg.alts:
            return _reject("acm_probe", "NO_UNION_NORMAL quirk but no interface 1")
        return _accept("acm_probe", "ACM (NO_UNION_NORMAL: data interface 1)", (1,) if intf.number != 1 else ())
    if quirks == t.constant("cdc_acm", "NO_UNION_12"):
        if 2 not in cfg.alts:
            return _reject("acm_probe", "NO_UNION_12 quirk but no interface 2")
        return _accept("acm_probe", "ACM (NO_UNION_12: data interface 2)", (2,))
    if intf.cls == CLASS_COMM:
        slave, how = cfg.union_slave(intf)
        if slave is None:
            if intf.num_endpoints == 3:
                return _accept("acm_probe", "ACM with collapsed control+data interface")
            return _reject("acm_probe", "no union and not a collapsed 3-endpoint interface")
        data = cfg.alt0(slave)
        if data is None or (data.cls != CLASS_CDC_DATA and not quirks & t.constant("cdc_acm", "VENDOR_CLASS_DATA_IFACE")):
            return _reject("acm_probe", "union data interface %d is not CDC data" % slave)
        if data.num_endpoints < 2:
            return _reject("acm_probe", "data interface %d has fewer than 2 endpoints" % slave)
        return _accept("acm_probe", "ACM serial port (ttyACM), data interface %d (%s)" % (slave, how), (slave,))
    return _accept("acm_probe", "ACM serial port (ttyACM)")


def wdm_probe(cfg: _Config, intf: UsbInterface, entry: _Entry) -> _Probe:
    """Mirror of wdm_probe(): needs an interrupt IN endpoint."""
    status = _has_int_in(intf)
    if status is False:
        return _reject("wdm_probe", "no interrupt IN endpoint")
    return _accept("wdm_probe", "CDC WDM device (cdc-wdm)", skipped=() if status else ("wdm endpoint check",))


def hso_probe(cfg: _Config, intf: UsbInterface, entry: _Entry) -> _Probe:
    """Mirror of hso_probe(): Option's HSO devices expose their ports on vendor interfaces only."""
    if intf.cls != CLASS_VENDOR:
        return _reject("hso_probe", "hso binds vendor-specific (ff) interfaces only")
    return _accept("hso_probe", "Option HSO port (its function is read from the device at probe time)")


def generic_probe(driver: str) -> Callable[[_Config, UsbInterface, _Entry], _Probe]:
    def probe(cfg: _Config, intf: UsbInterface, entry: _Entry) -> _Probe:
        return _accept("%s probe" % driver, "%s accepts the matched interface" % driver)
    return probe


PROBES: Dict[str, Callable[[_Config, UsbInterface, _Entry], _Probe]] = {
    "option": option_probe,
    "qcserial": qcprobe,
    "sierra": sierra_probe,
    "qmi_wwan": qmi_wwan_probe,
    "cdc_ether": lambda c, i, e: usbnet_probe("cdc_ether", c, i, e),
    "cdc_ncm": lambda c, i, e: usbnet_probe("cdc_ncm", c, i, e),
    "huawei_cdc_ncm": lambda c, i, e: usbnet_probe("huawei_cdc_ncm", c, i, e),
    "cdc_mbim": lambda c, i, e: usbnet_probe("cdc_mbim", c, i, e),
    "rndis_host": lambda c, i, e: usbnet_probe("rndis_host", c, i, e),
    "sierra_net": lambda c, i, e: usbnet_probe("sierra_net", c, i, e),
    "zaurus": lambda c, i, e: usbnet_probe("zaurus", c, i, e),
    "cdc_subset": lambda c, i, e: usbnet_probe("cdc_subset", c, i, e),
    "hso": hso_probe,
    "ipheth": generic_probe("ipheth"),
    "cdc_acm": acm_probe,
    "cdc_wdm": wdm_probe,
}


# ------------------------------------------------------------------ usb-storage


def _storage_ignored(device: UsbDevice, notes: List[str]) -> Optional[Dict[str, Any]]:
    """An unusual_devs.h entry with US_FL_IGNORE_DEVICE for this device, if any."""
    bcd = _bcd(device.revision)
    for item in tables().storage:
        if "US_FL_IGNORE_DEVICE" not in item.get("flags", ()):
            continue
        if item.get("idVendor") != device.vendor_id or item.get("idProduct") != device.product_id:
            continue
        if bcd is None:
            notes.append("usb-storage IGNORE_DEVICE bcdDevice range not checked (revision not shown)")
            return item
        if item.get("bcdDevice_lo", 0) <= bcd <= item.get("bcdDevice_hi", 0xFFFF):
            return item
    return None


# unusual_devs.h initialisers that switch a modem out of its CD-ROM personality
# (initializers.c, option_ms.c, sierra_ms.c)
STORAGE_SWITCH_INITS = ("usb_stor_huawei_e220_init", "option_ms_init", "sierra_ms_init")


def _storage_switcher(device: UsbDevice) -> Optional[Dict[str, Any]]:
    bcd = _bcd(device.revision)
    for item in tables().storage:
        if item.get("init") not in STORAGE_SWITCH_INITS or "US_FL_IGNORE_DEVICE" in item.get("flags", ()):
            continue
        if item.get("idVendor") != device.vendor_id or item.get("idProduct") != device.product_id:
            continue
        if bcd is None or item.get("bcdDevice_lo", 0) <= bcd <= item.get("bcdDevice_hi", 0xFFFF):
            return item
    return None


def storage_probe(device: UsbDevice, intf: UsbInterface, notes: List[str]) -> Tuple[Optional[str], _Probe]:
    """usb-storage's storage_probe() / uas_probe() for mass-storage class interfaces
    (usual-tables.c matches class 08 with the SCSI-family subclasses and the CB, CBI,
    Bulk-only and UAS protocols)."""
    if intf.cls != CLASS_MASS_STORAGE:
        return None, _reject("storage_probe", "not mass storage")
    ignored = _storage_ignored(device, notes)
    if ignored is not None:
        return None, _reject("usb_usual_ignore_device", "unusual_devs.h:%d sets US_FL_IGNORE_DEVICE for %s %s"
                             % (ignored.get("line", 0), ignored.get("vendor_name", ""), ignored.get("product_name", "")))
    if intf.protocol == 0x62:
        return "uas", _accept("uas_probe", "USB Attached SCSI")
    if intf.subclass in range(0x01, 0x07) and intf.protocol in (0x00, 0x01, 0x50):
        reason = "mass storage (CD-ROM / SD card of the modem)"
        switcher = _storage_switcher(device)
        if switcher is not None:
            reason += ("; unusual_devs.h:%d has usb-storage run %s on it, which asks the modem to "
                       "leave storage mode by itself" % (switcher.get("line", 0), switcher.get("init")))
        return "usb-storage", _accept("storage_probe", reason)
    return None, _reject("storage_probe", "mass-storage subclass/protocol %02x/%02x not handled"
                         % (intf.subclass, intf.protocol))


# ------------------------------------------------------------------ per configuration


SERIAL_NODES = {"option": "ttyUSB%d", "qcserial": "ttyUSB%d", "sierra": "ttyUSB%d", "cdc_acm": "ttyACM%d",
                "hso": "ttyHS%d (and hso%d for data)", "cdc_wdm": "/dev/cdc-wdm%d",
                "usb-storage": "SCSI disk or CD-ROM (sdX / srX)", "uas": "SCSI disk (sdX)"}
WDM_CHANNEL = {"qmi_wwan": "QMI", "cdc_mbim": "MBIM", "huawei_cdc_ncm": "AT"}


def _netdev_name(flags: int) -> str:
    """usbnet_probe(): the name template its driver_info flags give the network interface."""
    named = tables().data.get("usbnet_flags", {})
    if flags & named.get("FLAG_WWAN", 0x400):
        return "wwan%d"
    if flags & named.get("FLAG_WLAN", 0x80):
        return "wlan%d"
    if flags & named.get("FLAG_ETHER", 0x20):
        if flags & named.get("FLAG_POINTTOPOINT", 0x1000):
            return "eth%d (usb%d when the device reports a locally administered MAC)"
        return "eth%d"
    return "usb%d"


def _creates(driver: str, entry: Optional[_Entry]) -> str:
    if driver in SERIAL_NODES:
        return SERIAL_NODES[driver]
    flags = 0
    if entry is not None:
        _symbol, info = _usbnet_info(driver, entry)
        value = info.get("flags")
        flags = value if isinstance(value, int) else 0
    name = _netdev_name(flags)
    if driver in WDM_CHANNEL:
        return "%s + /dev/cdc-wdm%%d (%s)" % (name, WDM_CHANNEL[driver])
    return name


def _kmod(driver: Optional[str]) -> Optional[str]:
    if not driver:
        return None
    try:
        from . import packages
        return packages.kmod_for_driver(driver)
    except Exception:  # the package table is optional for binding
        return None


def predict_config(device: UsbDevice, config: UsbConfig, order: Optional[Sequence[str]] = None) -> ConfigPrediction:
    """Every interface of ``config`` as if Linux had made it the active configuration."""
    cfg = _Config(device, config)
    order = tuple(order) if order is not None else driver_order()
    unknown = [name for name in order if name not in _DRIVER_NAMES]
    if unknown:
        raise KnowledgeError("unknown drivers in the registration order: %s" % ", ".join(unknown))
    decided: Dict[int, InterfacePrediction] = {}
    for number in cfg.order:
        if number in decided:
            continue
        intf = cfg.alt0(number)
        assert intf is not None
        decided[number] = _decide(cfg, intf, order, decided)
    out: List[InterfacePrediction] = []
    for intf in config.interfaces:
        base = decided[intf.number]
        if intf.alt == base.alt:
            out.append(base)
        else:
            out.append(InterfacePrediction(
                intf.number, intf.alt, base.driver, base.rule,
                "altsetting %d of interface %d: drivers bind the interface, not an altsetting" % (intf.alt, intf.number),
                base.candidates, base.match, base.claimed_by, base.skipped_checks, base.package, base.rejected,
                base.also_accepted, base.creates))
    return ConfigPrediction(config.number, tuple(out), config.active)


def _decide(cfg: _Config, intf: UsbInterface, order: Tuple[str, ...],
            decided: Dict[int, InterfacePrediction]) -> InterfacePrediction:
    device = cfg.device
    notes: List[str] = []
    for name, cls, rule in CLASS_DRIVERS:
        if intf.cls == cls:
            return InterfacePrediction(intf.number, intf.alt, name, rule.split(":")[0], rule, (name,))
    matches: List[Tuple[str, _Entry]] = []
    storage_driver: Optional[str] = None
    storage_result: Optional[_Probe] = None
    if intf.cls == CLASS_MASS_STORAGE and "usb-storage" in order:
        storage_driver, storage_result = storage_probe(device, intf, notes)
        if storage_driver == "uas" and "uas" not in order:
            storage_driver, storage_result = None, _reject("uas_probe", "uas is not loaded")
    for driver in order:
        if driver in ("usb-storage", "uas"):
            continue
        entry = _match_screened(cfg.screen(driver), device, intf, notes)
        if entry is not None:
            matches.append((driver, entry))
    candidates = tuple(d for d, _ in matches)
    if storage_result is not None:
        candidates = ("usb-storage",) + candidates
    rejected: List[Tuple[str, str]] = []
    skipped: List[str] = list(notes)
    # usb-storage is registered first on OpenWrt (modules-boot.d), so it is offered first;
    # a custom order keeps it first too (desktops load it from the initramfs).
    if storage_result is not None:
        if storage_result.ok and storage_driver:
            return InterfacePrediction(
                intf.number, intf.alt, storage_driver, storage_result.rule, storage_result.reason,
                candidates, None, None, tuple(skipped), _kmod(storage_driver), (), (),
                _creates(storage_driver, None))
        rejected.append(("usb-storage", storage_result.reason))
    for driver, entry in matches:
        result = PROBES[driver](cfg, intf, entry)
        skipped.extend(result.skipped)
        if not result.ok:
            rejected.append((driver, "%s: %s" % (result.rule, result.reason)))
            continue
        match = _describe(entry)
        later = tuple(other for other, other_entry in matches[matches.index((driver, entry)) + 1:]
                      if PROBES[other](cfg, intf, other_entry).ok)
        reason = result.reason
        if rejected:
            reason += " (after %s)" % "; ".join("%s refused" % d for d, _ in rejected)
        if later:
            reason += " (%s would accept too but registers later)" % ", ".join(later)
        prediction = InterfacePrediction(
            intf.number, intf.alt, driver, result.rule, reason,
            candidates, match, None, tuple(skipped), _kmod(driver), tuple(rejected), later,
            _creates(driver, entry))
        for claimed in result.claims:
            if claimed != intf.number and claimed not in decided:
                data = cfg.alt0(claimed)
                if data is None:
                    continue
                decided[claimed] = InterfacePrediction(
                    claimed, data.alt, driver, "usb_driver_claim_interface",
                    "claimed by %s together with interface %d (%s)" % (driver, intf.number, result.reason),
                    candidates, match, intf.number, tuple(skipped), _kmod(driver), (), (),
                    "(data interface of %d)" % intf.number)
        return prediction
    if rejected:
        reason = "every matching driver refused: " + "; ".join("%s (%s)" % (d, why) for d, why in rejected)
        rule = rejected[-1][1].split(":")[0] if ":" in rejected[-1][1] else "usb_probe_interface"
        first = matches[0][1] if matches else None
        return InterfacePrediction(intf.number, intf.alt, None, rule, reason, candidates,
                                   _describe(first) if first else None, None, tuple(skipped), None, tuple(rejected))
    return InterfacePrediction(
        intf.number, intf.alt, None, "usb_match_id",
        "no device-table entry of the emulated drivers matches %s interface %d (%s)" % (
            device.vid_pid, intf.number, intf.triple),
        (), None, None, tuple(skipped), None, ())


# ------------------------------------------------------------------ configuration choice


def _is_rndis(intf: UsbInterface) -> bool:
    return intf.cls == CLASS_COMM and intf.subclass == 0x02 and intf.protocol == 0xFF


def _is_activesync(intf: UsbInterface) -> bool:
    return intf.cls == CLASS_MISC and intf.subclass == 0x01 and intf.protocol == 0x01


def usb_choose_configuration(device: UsbDevice, bus_ma: Optional[int] = None) -> Tuple[Optional[int], str, str]:
    """Mirror of usb_choose_configuration() (drivers/usb/core/generic.c, Linux 6.1).

    Returns (bConfigurationValue or None, rule, reason). ``bus_ma`` is the current the
    port offers; unknown in listings, so 500 mA (USB 2) or 900 mA (USB 3) is assumed.
    """
    rule = "usb_choose_configuration"
    configs = list(device.configs)
    if not configs:
        return None, rule, "the listing shows no configuration"
    total = device.num_configs
    if not total:
        if device.listing_format in (ListingFormat.DEBUGFS, ListingFormat.LSUSB_VERBOSE):
            total = len(configs)  # these formats list every configuration
        else:
            return None, rule, ("the listing shows neither bNumConfigurations nor the inactive "
                                "configurations; the choice cannot be replayed")
    if total > len(configs):
        if total == 1 or len(configs) == 0:
            pass
        else:
            active = device.active_config
            return None, rule, ("the device has %d configurations but the listing shows %d; the "
                                "choice cannot be replayed%s" % (
                                    total, len(configs),
                                    " (configuration %d is active)" % active.number if active else ""))
    if bus_ma is None:
        speed = device.speed.strip()
        bus_ma = 900 if speed.isdigit() and int(speed) >= 5000 else 500
    best: Optional[UsbConfig] = None
    why = ""
    insufficient = 0
    for index, config in enumerate(configs):
        first = _first_interface(config)
        if config.max_power_ma > bus_ma:
            insufficient += 1
            continue
        if first is not None and first.cls == CLASS_AUDIO:
            if first.protocol == 0x30:  # UAC3
                best, why = config, "first UAC3 audio configuration"
                break
            if index == 0:
                best, why = config, "audio device: the first configuration"
            continue
        if index == 0 and total > 1 and first is not None and (_is_rndis(first) or _is_activesync(first)):
            # CONFIG_USB_NET_RNDIS_HOST is enabled (module) on OpenWrt and Debian: keep it as
            # a fallback, but a later non-vendor configuration still wins.
            best, why = config, "RNDIS first configuration kept unless a later one is non-vendor"
        elif device.cls != CLASS_VENDOR and first is not None and first.cls != CLASS_VENDOR:
            best, why = config, ("the first configuration whose first interface is not vendor-specific "
                                 "(interface %d is %s)" % (first.number, first.triple))
            break
        elif best is None:
            best, why = config, "all configurations so far are vendor-specific: the first one"
    if insufficient:
        why += "; %d configuration(s) rejected for drawing more than %d mA" % (insufficient, bus_ma)
    if best is None:
        return None, rule, "no configuration chosen" + why
    return best.number, rule, why


def _first_interface(config: UsbConfig) -> Optional[UsbInterface]:
    """intf_cache[0]->altsetting: the first interface in descriptor order, altsetting 0."""
    if not config.interfaces:
        return None
    number = config.interfaces[0].number
    for intf in config.interfaces:
        if intf.number == number and intf.alt == 0:
            return intf
    return config.interfaces[0]


# ------------------------------------------------------------------ entry point


def predict(device: UsbDevice, order: Optional[Sequence[str]] = None) -> DevicePrediction:
    """Driver of every interface of every configuration, and the configuration Linux picks.

    ``order`` is the driver registration order (default: OpenWrt's, ``driver_order()``);
    drivers left out of it are taken as not loaded."""
    chosen, rule, reason = usb_choose_configuration(device)
    used = tuple(order) if order is not None else driver_order()
    configs = tuple(predict_config(device, config, used) for config in device.configs)
    return DevicePrediction(device.vid_pid, chosen, rule, configs, reason, tables().kernel, used)
