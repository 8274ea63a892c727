"""``lsusb -v``: every descriptor of every device, nested by indentation::

    Bus 002 Device 008: ID 413c:81a3 Dell Computer Corp.
    Device Descriptor:
      idVendor           0x413c Dell Computer Corp.
      bNumConfigurations      2
      Configuration Descriptor:
        bConfigurationValue     1
        Interface Association:          (IAD)
        Interface Descriptor:
          bInterfaceNumber        0
          CDC Header: / CDC Union: / CDC Ethernet: / CDC MBIM: / CDC NCM: ...
          Endpoint Descriptor:
            bEndpointAddress     0x81  EP 1 IN
    Device Qualifier (for other device speed):
    Device Status:     0x0000

All configurations are listed, not only the active one, but nothing says which one is
active or which altsetting is current, and there are no drivers: interfaces get
``DriverState.NOT_SHOWN`` and a configuration is marked active only when it is the
device's only one. Class-specific (functional) descriptors become ``FunctionalDescriptor``
values with their fields as printed; ``UNRECOGNIZED CDC:`` and ``** UNRECOGNIZED:`` lines
(descriptors usbutils could not decode, e.g. MBIM on old versions) are kept with their
raw bytes.

The reader keys on descriptor headers and field names rather than on exact columns, so a
paste that lost or changed its indentation (forums, mail quoting) still reads; inside a
device block, indented lines it has no use for (power flags, hub port status...) are
understood as detail, not junk.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Sequence, Tuple, cast

from ..errors import InputError
from ..model.common import Line, Parsed, Unparsed, line_span, number_lines
from ..model.usb import Endpoint, FunctionalDescriptor, InterfaceAssociation, ListingFormat, UsbListing
from ._usb_common import ConfigBuilder, DeviceBuilder, InterfaceBuilder, clean_text, leading_int, to_hex, to_int

KIND = "lsusb_verbose"
TITLE = "USB descriptors (lsusb -v)"

_QUOTE = re.compile(r"^(?:[ \t]*>)+")
_BUS = re.compile(r"Bus\s+(\d{1,3})\s+Device\s+(\d{1,3})\s*:\s*ID\s+([0-9A-Fa-f]{4}):([0-9A-Fa-f]{4})\b\s*(.*)$")
# 'bLength   18', 'idVendor  0x12d1 Huawei', 'Transfer Type  Bulk', 'MaxPower  500mA'
_FIELD = re.compile(
    r"(b[A-Z]\w*|w[A-Z]\w*|i[A-Z]\w*|id[A-Z]\w*|bm[A-Z]\w*|bcd[A-Z]\w*|dw[A-Z]\w*|MaxPower|"
    r"Transfer Type|Synch Type|Usage Type)\s+(.*)$"
)
_TRANSFER = ("control", "isochronous", "bulk", "interrupt")

# Top-level sections after the configurations whose fields describe something else
# (the other speed, status, capabilities): read as understood, kept out of the model.
_OTHER_SECTIONS = (
    "Device Qualifier",
    "Device Status:",
    "Binary Object Store Descriptor:",
    "Hub Descriptor:",
    "Hub Port Status:",
    "Debug descriptor:",
    "Debug Descriptor:",
    "OTG Descriptor:",
)
# A line shorter than this was not wrapped by a mail client (they wrap at 60-80 columns).
_WRAP_MIN = 50
# Headers an excerpt cut from the middle of an lsusb -v may start with.
_FRAGMENT_START = ("Configuration Descriptor:", "Interface Association:", "Interface Descriptor:")
# Notes lsusb prints when it lacks permissions or a descriptor is missing.
_NOTES = ("Couldn't open device", "can't get ", "cannot read ", "Warning:")


def parse(text: str) -> Parsed[UsbListing]:
    """Parse a whole ``lsusb -v`` output; lines are numbered from 1."""
    if not isinstance(text, str):
        raise InputError(KIND, f"expected text, got {type(text).__name__}")
    return parse_lines(number_lines(text))


def _first_int(value: str) -> int:
    return to_int(value.split(None, 1)[0], -1) if value.strip() else -1


def _after_index(value: str) -> str:
    """'2 Dell Wireless 5570 HSPA+' -> 'Dell Wireless 5570 HSPA+' (string descriptor text)."""
    parts = value.split(None, 1)
    text = clean_text(parts[1]) if len(parts) > 1 else ""
    return "" if text == "(error)" else text


class _Reader:
    """The state of one pass over the lines."""

    def __init__(self) -> None:
        self.devices: List[DeviceBuilder] = []
        self.device: Optional[DeviceBuilder] = None
        self.has_descriptor = False
        self.config: Optional[ConfigBuilder] = None
        self.interface: Optional[InterfaceBuilder] = None
        self.endpoint: Optional[Dict[str, str]] = None
        self.endpoint_line = 0
        self.iad: Optional[List[int]] = None
        self.functional: Optional[Tuple[str, List[Tuple[str, str]], int]] = None
        self.context = ""  # device, config, iad, interface, endpoint, functional, other
        self.vendor_name = ""
        self.product_name = ""
        self.base_indent = 0

    # -- closing nested descriptors ------------------------------------------------

    def close_parts(self) -> None:
        if self.endpoint is not None and self.interface is not None:
            fields = self.endpoint
            address_text = fields.get("bEndpointAddress", "0")
            address = to_hex(address_text.split(None, 1)[0]) if address_text.strip() else 0
            if " IN" in address_text:
                direction = "in"
            elif " OUT" in address_text:
                direction = "out"
            else:
                direction = "in" if address & 0x80 else "out"
            transfer_text = fields.get("Transfer Type", "").strip().lower()
            transfer = transfer_text if transfer_text in _TRANSFER else _TRANSFER[_first_int(fields.get("bmAttributes", "0")) & 3]
            packet_text = fields.get("wMaxPacketSize", "0").split(None, 1)
            packet = to_hex(packet_text[0]) & 0x7FF if packet_text and packet_text[0].startswith("0x") else (
                to_int(packet_text[0]) if packet_text else 0
            )
            self.interface.endpoints.append(
                Endpoint(
                    address=address,
                    direction=direction,
                    transfer=transfer,
                    max_packet=packet,
                    interval=fields.get("bInterval", "").strip(),
                    line=self.endpoint_line,
                )
            )
        self.endpoint = None
        if self.functional is not None and self.interface is not None:
            name, fields_list, line = self.functional
            self.interface.functional.append(FunctionalDescriptor(name=name, fields=tuple(fields_list), line=line))
        self.functional = None
        if self.iad is not None and self.config is not None:
            first, count, cls, sub, prot, line = self.iad
            self.config.associations.append(
                InterfaceAssociation(first_interface=first, count=count, cls=cls, subclass=sub, protocol=prot, line=line)
            )
        self.iad = None

    def finish_device(self) -> None:
        self.close_parts()
        device = self.device
        if device is not None and not device.ids_name:
            device.ids_name = " ".join(part for part in (self.vendor_name, self.product_name) if part)
        self.config = None
        self.interface = None
        self.context = ""

    def new_device(self, number: int) -> DeviceBuilder:
        self.finish_device()
        device = DeviceBuilder(number)
        self.devices.append(device)
        self.device = device
        self.has_descriptor = False
        self.vendor_name = ""
        self.product_name = ""
        return device

    # -- fields ----------------------------------------------------------------------

    def field(self, key: str, value: str) -> None:
        context = self.context
        if context == "device" and self.device is not None:
            self.device_field(self.device, key, value)
        elif context == "config" and self.config is not None:
            if key == "bConfigurationValue":
                self.config.number = _first_int(value)
            elif key == "bNumInterfaces":
                self.config.num_interfaces = _first_int(value)
            elif key == "bmAttributes":
                self.config.attributes = to_hex(value.split(None, 1)[0]) if value.strip() else 0
            elif key == "MaxPower":
                self.config.max_power_ma = leading_int(value)
        elif context == "iad" and self.iad is not None:
            slot = {"bFirstInterface": 0, "bInterfaceCount": 1, "bFunctionClass": 2,
                    "bFunctionSubClass": 3, "bFunctionProtocol": 4}.get(key)
            if slot is not None:
                self.iad[slot] = _first_int(value)
        elif context == "interface" and self.interface is not None:
            item = self.interface
            if key == "bInterfaceNumber":
                item.number = _first_int(value)
            elif key == "bAlternateSetting":
                item.alt = _first_int(value)
            elif key == "bNumEndpoints":
                item.num_endpoints = _first_int(value)
            elif key == "bInterfaceClass":
                item.cls = _first_int(value)
            elif key == "bInterfaceSubClass":
                item.subclass = _first_int(value)
            elif key == "bInterfaceProtocol":
                item.protocol = _first_int(value)
            elif key == "iInterface":
                item.name = _after_index(value)
        elif context == "endpoint" and self.endpoint is not None:
            self.endpoint.setdefault(key, value)
        elif context == "functional" and self.functional is not None:
            self.functional[1].append((key, value.strip()))

    def device_field(self, device: DeviceBuilder, key: str, value: str) -> None:
        if key == "idVendor":
            parts = value.split(None, 1)
            device.vendor_id = to_hex(parts[0]) if parts else 0
            self.vendor_name = parts[1].strip() if len(parts) > 1 else ""
        elif key == "idProduct":
            parts = value.split(None, 1)
            device.product_id = to_hex(parts[0]) if parts else 0
            self.product_name = parts[1].strip() if len(parts) > 1 else ""
        elif key == "bcdUSB":
            device.usb_version = value.strip()
        elif key == "bcdDevice":
            device.revision = value.strip()
        elif key == "bDeviceClass":
            device.cls = max(_first_int(value), 0)
        elif key == "bDeviceSubClass":
            device.subclass = max(_first_int(value), 0)
        elif key == "bDeviceProtocol":
            device.protocol = max(_first_int(value), 0)
        elif key == "bNumConfigurations":
            device.num_configs = max(_first_int(value), 0)
        elif key == "iManufacturer":
            device.manufacturer = _after_index(value)
        elif key == "iProduct":
            device.product = _after_index(value)
        elif key == "iSerial":
            device.serial = _after_index(value)


def parse_lines(lines: Sequence[Line]) -> Parsed[UsbListing]:
    """Parse pre-numbered lines (a block cut from a paste)."""
    reader = _Reader()
    unparsed: List[Unparsed] = []
    after_blank = False
    # the last field or raw-bytes line, and the length of the line before, to re-join the
    # tail of a long line a mail client wrapped (it arrives unindented)
    last: Optional[Tuple[str, str, str]] = None
    previous_length = 0
    for line in lines:
        raw = _QUOTE.sub("", line.text, count=1).rstrip()
        body = raw.lstrip()
        if not body:
            after_blank = True
            continue
        indent = len(raw) - len(body)
        number = line.number
        if after_blank and reader.context and _FIELD.match(body) is None and not body.endswith(":"):
            # lsusb -v has no blank lines inside a device: after one, only a descriptor
            # header or field continues it (double-spaced pastes); anything else is text
            reader.finish_device()
        after_blank = False
        in_device = reader.device is not None and reader.context != ""
        wrapped_tail = (
            last is not None and in_device and indent <= reader.base_indent and previous_length >= _WRAP_MIN
            and _FIELD.match(body) is None and not body.endswith(":") and not body.startswith(("Bus ", "Device "))
        )
        previous_length = len(raw)
        if wrapped_tail and last is not None and reader.device is not None:
            what, key, value = last
            value = f"{value} {body}"
            if what == "field":
                reader.field(key, value)
            elif reader.interface is not None and reader.interface.functional:
                done = reader.interface.functional[-1]
                reader.interface.functional[-1] = FunctionalDescriptor(done.name, (("bytes", value),), done.line)
            last = (what, key, value)
            reader.device.last_line = number
            continue
        last = None

        if body.startswith("Bus ") and _BUS.match(body):
            bus, devnum, vendor, product, name = _BUS.match(body).groups()  # type: ignore[union-attr]
            device = reader.new_device(number)
            device.bus = int(bus)
            device.devnum = int(devnum)
            device.vendor_id = int(vendor, 16)
            device.product_id = int(product, 16)
            device.has_ids = True
            device.ids_name = clean_text(name)
            device.path = f"usb{device.bus}" if device.devnum == 1 else ""
            device.path_exact = device.devnum == 1
            reader.base_indent = indent
            reader.context = "bus"
            continue
        if body == "Device Descriptor:":
            if reader.device is None or reader.has_descriptor:
                reader.new_device(number)
                reader.base_indent = indent
            reader.has_descriptor = True
            reader.context = "device"
            reader.device.last_line = number  # type: ignore[union-attr]
            continue
        if reader.device is None or (reader.context == "" and body in _FRAGMENT_START):
            if body not in _FRAGMENT_START:
                unparsed.append(Unparsed(number, line.text, "not part of an lsusb -v listing"))
                continue
            # an excerpt that starts below its Device Descriptor: keep what it shows
            reader.new_device(number)
            reader.base_indent = 0
            reader.context = "device"
        device = cast(DeviceBuilder, reader.device)  # opened just above when there was none
        if reader.config is None and body in ("Interface Association:", "Interface Descriptor:"):
            config = ConfigBuilder(number)  # bConfigurationValue not shown: 0
            device.configs.append(config)
            reader.config = config
        if body == "Configuration Descriptor:":
            reader.close_parts()
            config = ConfigBuilder(number)
            device.configs.append(config)
            reader.config = config
            reader.interface = None
            reader.context = "config"
        elif body == "Interface Association:" and reader.config is not None:
            reader.close_parts()
            reader.iad = [0, 0, 0, 0, 0, number]
            reader.context = "iad"
        elif body == "Interface Descriptor:" and reader.config is not None:
            reader.close_parts()
            interface = InterfaceBuilder(number)
            reader.config.interfaces.append(interface)
            reader.interface = interface
            reader.context = "interface"
        elif body == "Endpoint Descriptor:" and reader.interface is not None:
            reader.close_parts()
            reader.endpoint = {}
            reader.endpoint_line = number
            reader.context = "endpoint"
        elif body.startswith(("CDC ", "UNRECOGNIZED CDC", "** UNRECOGNIZED")) and reader.interface is not None:
            reader.close_parts()
            head, _, rest = body.partition(":")
            name = head.lstrip("* ").strip()
            fields = [("bytes", rest.strip())] if rest.strip() else []
            reader.functional = (name, fields, number)
            reader.context = "functional"
            if rest.strip():
                reader.close_parts()  # one-line descriptor (raw bytes)
                reader.context = "interface"
                last = ("bytes", "", rest.strip())
        elif body.startswith(_OTHER_SECTIONS):
            reader.close_parts()
            reader.context = "other"
        elif body.startswith(_NOTES) and in_device:
            pass  # lsusb's own notes about what it could not read
        elif body.endswith(":") and indent > reader.base_indent and in_device:
            # a class-specific descriptor we do not model (HID, audio, video...)
            reader.close_parts()
            reader.context = "other"
        else:
            match = _FIELD.match(body)
            if match is not None and in_device:
                reader.field(match.group(1), match.group(2))
                last = ("field", match.group(1), match.group(2))
            elif reader.context == "functional" and reader.functional is not None and indent > reader.base_indent:
                # decoded flags under a field ('line coding and serial state')
                reader.functional[1].append((body, ""))
            elif not (in_device and indent > reader.base_indent):
                # neither a field nor indented detail of a descriptor: prose
                unparsed.append(Unparsed(number, line.text, "not part of an lsusb -v listing"))
                continue
        device.last_line = number
    reader.finish_device()

    first_line, last_line = line_span(lines)
    listing = UsbListing(
        format=ListingFormat.LSUSB_VERBOSE,
        devices=tuple(item.freeze(ListingFormat.LSUSB_VERBOSE, False) for item in reader.devices),
    )
    return Parsed(kind=KIND, value=listing, unparsed=tuple(unparsed), first_line=first_line, last_line=last_line)
