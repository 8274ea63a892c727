"""``/sys/kernel/debug/usb/devices`` and ``/proc/bus/usb/devices``.

One record per line, a letter and a colon first::

    T:  Bus=01 Lev=02 Prnt=02 Port=01 Cnt=01 Dev#=  3 Spd=480  MxCh= 0   topology
    B:  Alloc=  0/800 us ( 0%), #Int=  1, #Iso=  0                      bandwidth (root hubs)
    D:  Ver= 2.00 Cls=00(>ifc ) Sub=00 Prot=00 MxPS=64 #Cfgs=  2         device descriptor
    P:  Vendor=12d1 ProdID=1573 Rev= 0.00                                ids
    S:  Manufacturer=...  /  Product=...  /  SerialNumber=...            strings
    C:* #Ifs= 7 Cfg#= 2 Atr=e0 MxPwr=500mA                               configuration, '*' = active
    A:  FirstIf#= 0 IfCount= 2 Cls=02(comm.) Sub=06 Prot=00              interface association
    I:* If#= 0 Alt= 0 #EPs= 1 Cls=02(comm.) Sub=06 Prot=00 Driver=(none) altsetting, '*' = current
    E:  Ad=81(I) Atr=03(Int.) MxPS=  64 Ivl=2ms                          endpoint

The kernel lists every configuration but instantiates only the active one, so interfaces
of the other configurations print an empty ``Driver=``; ``(none)`` means an interface of
the active configuration that no driver claimed.

Pasted copies are damaged: mail quoting, collapsed spaces, trailing tabs, lines wrapped by
a mail client (the tail of a record on the next line), records glued on one line. The
reader takes fields by key, not by column, re-joins a wrapped tail when the record it
belongs to is missing its last field, and splits glued records. ``usb_devices`` reuses
this reader: its output has the same letters.

Port paths come from the T: lines (``rebuild_paths``): 'usb1' for a root hub, '1-1' on
its first port, '1-1.2' below that hub's second port. Mail excerpts often show one
device without the hubs above it: a device at Lev=01 still gets its exact path; deeper
ones get '?' for each port not shown ('1-?.2', ``path_exact=False``), which
``path_matches`` compares with paths from dmesg or sysfs.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Sequence, Tuple

from ..errors import InputError
from ..model.common import Line, Parsed, Unparsed, line_span, number_lines
from ..model.usb import Endpoint, InterfaceAssociation, ListingFormat, UsbListing
from ._usb_common import (
    RECORD_LETTERS,
    ConfigBuilder,
    DeviceBuilder,
    clean_text,
    InterfaceBuilder,
    leading_hex,
    leading_int,
    rebuild_paths,
    split_glued,
    to_hex,
    to_int,
    unquote,
)

KIND = "usb_debugfs"
TITLE = "USB devices (/sys/kernel/debug/usb/devices, /proc/bus/usb/devices)"

# key=value; a value may carry a parenthesised name with spaces: 'Cls=09(hub  )'
_KV = re.compile(r"([A-Za-z#]+)=\s*(\([^)]*\)|[^\s(]*(?:\([^)]*\))?)")

_KEY_FIRST = re.compile(r"[A-Za-z#]+=")
# 'E:  Ad=81(I) Atr=03(Int.) MxPS=  64 Ivl=2ms' as the kernel prints it; anything else
# (damaged, reordered) goes through the general key=value reader
_I_FAST = re.compile(
    r"I:[* ]\s*If#=\s*(0x[0-9a-fA-F]+|\d+)\s+Alt=\s*(\d+)\s+#EPs=\s*(\d+)\s+Cls=([0-9a-fA-F]{2})\([^)]*\)\s*"
    r"Sub=([0-9a-fA-F]{2})\s+Prot=([0-9a-fA-F]{2})\s+Driver=(\S*)\s*$"
)
_E_FAST = re.compile(r"E:\s*Ad=([0-9a-fA-F]{2})\(([IO])\)\s*Atr=([0-9a-fA-F]{2})\([^)]*\)\s*MxPS=\s*(\d+)\s*Ivl=(\S+)\s*$")

# The field each record ends with: a record without it was cut by a line wrap.
_LAST_KEY = {
    "T": "MxCh=",
    "B": "#Iso=",
    "D": "#Cfgs=",
    "P": "Rev=",
    "C": "MxPwr=",
    "A": "Prot=",
    "I": "Driver=",
    "E": "Ivl=",
}
_TRANSFER = ("control", "isochronous", "bulk", "interrupt")

# Lines longer than this may hold several records glued together.
_GLUE_CHECK_LENGTH = 100


def parse(text: str) -> Parsed[UsbListing]:
    """Parse a whole debugfs listing; lines are numbered from 1."""
    if not isinstance(text, str):
        raise InputError(KIND, f"expected text, got {type(text).__name__}")
    return parse_lines(number_lines(text))


def parse_lines(lines: Sequence[Line]) -> Parsed[UsbListing]:
    """Parse pre-numbered lines (a block cut from a paste)."""
    return parse_lettered(lines, KIND, ListingFormat.DEBUGFS, only_config_is_active=False)


# A logical record: letter, star, body (unquoted, wrapped tail re-joined), line number,
# the line as the user wrote it (for ``unparsed``)
_Record = Tuple[str, bool, str, int, str]


def _records(lines: Sequence[Line], unparsed: List[Unparsed]) -> List[_Record]:
    """Lines to logical records, re-joining wrapped tails; junk goes to ``unparsed``."""
    records: List[_Record] = []
    # the record whose wrapped tail may follow on the next line, as an index in records
    open_index = -1
    count = len(lines)
    for position in range(count):
        line = lines[position]
        body = unquote(line.text).rstrip()
        if not body:
            open_index = -1  # a blank line ends any wrapped record
            continue
        if len(body) > 2 and body[1] == ":" and body[0] in RECORD_LETTERS:
            pieces = split_glued(body) if len(body) > _GLUE_CHECK_LENGTH else (body,)
            for piece in pieces:
                if len(piece) > 2 and piece[1] == ":" and piece[0] in RECORD_LETTERS:
                    records.append((piece[0], piece[2] == "*", piece, line.number, line.text))
                else:
                    unparsed.append(Unparsed(line.number, line.text, "not a USB record"))
            last = records[-1] if records else None
            if last is not None and last[3] == line.number and _wants_more(last[0], last[2]):
                open_index = len(records) - 1
            else:
                open_index = -1
            continue
        if open_index >= 0:
            letter, star, previous, number, original = records[open_index]
            key = _LAST_KEY.get(letter)
            if key is not None and (
                key in body or _KEY_FIRST.match(body) or (key in previous and previous.endswith("="))
            ):
                # the tail of a wrapped record: it carries the missing last field, starts
                # with a field ('Sub=06 Prot=00' of a line wrapped twice) or is the value
                # of a padded field the wrap cut off ('#Cfgs=' / '1')
                joined = f"{previous} {body}"
                records[open_index] = (letter, star, joined, number, original)
                if not _wants_more(letter, joined):
                    open_index = -1
                continue
            if key is None and "=" not in body and _next_is_record(lines, position + 1):
                # a long S: string wrapped by a mail client, followed by more records
                records[open_index] = (letter, star, f"{previous} {body}", number, original)
                open_index = -1
                continue
        open_index = -1
        unparsed.append(Unparsed(line.number, line.text, "not part of a USB device listing"))
    return records


def _wants_more(letter: str, body: str) -> bool:
    """Could the next line be the wrapped tail of this record?"""
    key = _LAST_KEY.get(letter)
    if key is None:
        return True  # S: strings; taken only when more records follow (see _records)
    if key not in body:
        return True
    # padded values ('MxCh= 1') can be cut from their key by a wrap; 'Driver=' has no
    # padding and is legitimately empty on inactive configurations
    return key != "Driver=" and body.endswith("=")


def _next_is_record(lines: Sequence[Line], position: int) -> bool:
    if position >= len(lines):
        return False
    body = unquote(lines[position].text)
    return len(body) > 2 and body[1] == ":" and body[0] in RECORD_LETTERS


def parse_lettered(
    lines: Sequence[Line], kind: str, listing_format: ListingFormat, only_config_is_active: bool
) -> Parsed[UsbListing]:
    """The reader behind ``usb_debugfs`` and ``usb_devices``."""
    unparsed: List[Unparsed] = []
    records = _records(lines, unparsed)
    devices: List[DeviceBuilder] = []
    device: Optional[DeviceBuilder] = None
    config: Optional[ConfigBuilder] = None
    interface: Optional[InterfaceBuilder] = None
    seen_descriptor = False  # current device already had its D: line

    for letter, star, body, number, original in records:
        if letter == "S":
            key, _, value = body[2:].partition("=")
            if device is None:
                device = DeviceBuilder(number)
                devices.append(device)
                seen_descriptor = False
            key = key.strip()
            value = clean_text(value)
            if key == "Manufacturer":
                device.manufacturer = value
            elif key == "Product":
                device.product = value
            elif key == "SerialNumber":
                device.serial = value
            device.last_line = number
            continue
        if letter == "E" and interface is not None:
            # fast path for the most frequent record in its usual layout
            fast = _E_FAST.match(body)
            if fast is not None:
                ad, io, atr, mxps, ivl = fast.groups()
                interface.endpoints.append(
                    Endpoint(
                        address=int(ad, 16),
                        direction="in" if io == "I" else "out",
                        transfer=_TRANSFER[int(atr, 16) & 3],
                        max_packet=int(mxps),
                        interval=ivl,
                        line=number,
                    )
                )
                if device is not None:
                    device.last_line = number
                continue
        if letter == "I":
            fast = _I_FAST.match(body)
            if fast is not None:
                num, alt, eps, cls, sub, prot, driver_text = fast.groups()
                values = (to_int(num), int(alt), int(eps), int(cls, 16), int(sub, 16), int(prot, 16))
                driver: Optional[str] = driver_text
            else:
                found = dict(_KV.findall(body, 2))
                if "If#" not in found:
                    unparsed.append(Unparsed(number, original, "interface record without If#"))
                    continue
                values = (
                    to_int(found["If#"]),
                    to_int(found.get("Alt", "0")),
                    to_int(found.get("#EPs", "0")),
                    leading_hex(found.get("Cls", "-1"), -1),
                    to_hex(found.get("Sub", "-1"), -1),
                    to_hex(found.get("Prot", "-1"), -1),
                )
                driver = found.get("Driver")
            if device is None:
                device = DeviceBuilder(number)
                devices.append(device)
                seen_descriptor = False
            if config is None:
                # an excerpt that starts below its C: line; keep the interfaces anyway
                config = ConfigBuilder(number)
                device.configs.append(config)
            interface = InterfaceBuilder(number)
            (interface.number, interface.alt, interface.num_endpoints, interface.cls, interface.subclass,
             interface.protocol) = values
            interface.driver_text = driver
            interface.star = star
            config.interfaces.append(interface)
            device.last_line = number
            continue
        fields: Dict[str, str] = dict(_KV.findall(body, 2))
        if letter == "E":
            if interface is None or "Ad" not in fields:
                unparsed.append(Unparsed(number, original, "endpoint outside an interface"))
                continue
            address_text = fields["Ad"]
            address = leading_hex(address_text)
            if "(I)" in address_text:
                direction = "in"
            elif "(O)" in address_text:
                direction = "out"
            else:
                direction = "in" if address & 0x80 else "out"
            interface.endpoints.append(
                Endpoint(
                    address=address,
                    direction=direction,
                    transfer=_TRANSFER[leading_hex(fields.get("Atr", "0")) & 3],
                    max_packet=leading_int(fields.get("MxPS", "0")),
                    interval=fields.get("Ivl", ""),
                    line=number,
                )
            )
            if device is not None:
                device.last_line = number
            continue
        if letter == "T":
            device = DeviceBuilder(number)
            devices.append(device)
            config = None
            interface = None
            seen_descriptor = False
            device.has_topology = "Bus" in fields and "Lev" in fields
            device.bus = to_int(fields.get("Bus", "0"))
            device.level = to_int(fields.get("Lev", "0"))
            device.parent_devnum = to_int(fields.get("Prnt", "0"))
            device.port = to_int(fields.get("Port", "0"))
            device.devnum = to_int(fields.get("Dev#", "0"))
            device.speed = fields.get("Spd", "")
            device.max_children = to_int(fields.get("MxCh", "0"))
            continue
        if letter == "D":
            if device is None or seen_descriptor or device.configs or device.has_ids:
                device = DeviceBuilder(number)
                devices.append(device)
                config = None
                interface = None
            seen_descriptor = True
            device.usb_version = fields.get("Ver", "")
            device.cls = leading_hex(fields.get("Cls", "0"))
            device.subclass = to_hex(fields.get("Sub", "0"))
            device.protocol = to_hex(fields.get("Prot", "0"))
            device.num_configs = to_int(fields.get("#Cfgs", "0"))
            device.last_line = number
            continue
        if letter == "P":
            if device is None or device.has_ids or device.configs:
                device = DeviceBuilder(number)
                devices.append(device)
                config = None
                interface = None
                seen_descriptor = False
            device.has_ids = True
            device.vendor_id = to_hex(fields.get("Vendor", "0"))
            device.product_id = to_hex(fields.get("ProdID", "0"))
            device.revision = fields.get("Rev", "").strip()
            device.last_line = number
            continue
        if letter == "C":
            if device is None:
                device = DeviceBuilder(number)
                devices.append(device)
                seen_descriptor = False
            config = ConfigBuilder(number)
            config.star = star
            config.number = to_int(fields.get("Cfg#", "0"))
            config.num_interfaces = to_int(fields.get("#Ifs", "0"))
            config.attributes = to_hex(fields.get("Atr", "0"))
            config.max_power_ma = leading_int(fields.get("MxPwr", "0"))
            device.configs.append(config)
            interface = None
            device.last_line = number
            continue
        if letter == "A":
            if config is None:
                unparsed.append(Unparsed(number, original, "interface association outside a configuration"))
                continue
            config.associations.append(
                InterfaceAssociation(
                    first_interface=to_int(fields.get("FirstIf#", "0")),
                    count=to_int(fields.get("IfCount", "0")),
                    cls=leading_hex(fields.get("Cls", "0")),
                    subclass=to_hex(fields.get("Sub", "0")),
                    protocol=to_hex(fields.get("Prot", "0")),
                    line=number,
                )
            )
            if device is not None:
                device.last_line = number
            continue
        # B: bandwidth of a root hub: understood, nothing the model keeps
        if device is not None:
            device.last_line = number

    rebuild_paths(devices)
    first, last = line_span(lines)
    listing = UsbListing(
        format=listing_format,
        devices=tuple(item.freeze(listing_format, only_config_is_active) for item in devices),
    )
    unparsed.sort(key=lambda item: item.line)
    return Parsed(kind=kind, value=listing, unparsed=tuple(unparsed), first_line=first, last_line=last)
