"""``lsusb``: one line per device::

    Bus 001 Device 003: ID 12d1:1573 Huawei Technologies Co., Ltd. ME909u-521 mPCIe LTE/GPS card

The name after the IDs comes from the usb.ids database on the machine that ran lsusb, not
from the device (BusyBox lsusb prints none), so it is kept as ``ids_name``. The listing
shows no configurations, interfaces or drivers, and no topology beyond the bus: only a
root hub (always device 1 of its bus) gets a path, 'usb<bus>'.
"""

from __future__ import annotations

import re
from typing import List, Sequence

from ..errors import InputError
from ..model.common import Line, Parsed, Unparsed, line_span, number_lines
from ..model.usb import ListingFormat, UsbDevice, UsbListing
from ._usb_common import clean_text, unquote

KIND = "lsusb"
TITLE = "USB devices (lsusb)"

_LINE = re.compile(r"Bus\s+(\d{1,3})\s+Device\s+(\d{1,3})\s*:\s*ID\s+([0-9A-Fa-f]{4}):([0-9A-Fa-f]{4})\b\s*(.*)$")


def parse(text: str) -> Parsed[UsbListing]:
    """Parse a whole ``lsusb`` output; lines are numbered from 1."""
    if not isinstance(text, str):
        raise InputError(KIND, f"expected text, got {type(text).__name__}")
    return parse_lines(number_lines(text))


def parse_lines(lines: Sequence[Line]) -> Parsed[UsbListing]:
    """Parse pre-numbered lines (a block cut from a paste)."""
    devices: List[UsbDevice] = []
    unparsed: List[Unparsed] = []
    for line in lines:
        body = unquote(line.text).rstrip()
        if not body:
            continue
        match = _LINE.match(body) if body.startswith("Bus") else None
        if match is None:
            unparsed.append(Unparsed(line.number, line.text, "not an lsusb device line"))
            continue
        bus, devnum, vendor, product, name = match.groups()
        bus_number = int(bus)
        device_number = int(devnum)
        devices.append(
            UsbDevice(
                vendor_id=int(vendor, 16),
                product_id=int(product, 16),
                bus=bus_number,
                devnum=device_number,
                # the kernel numbers a bus's root hub 1; nothing else has a known path
                path=f"usb{bus_number}" if device_number == 1 else "",
                path_exact=device_number == 1,
                listing_format=ListingFormat.LSUSB,
                first_line=line.number,
                last_line=line.number,
                ids_name=clean_text(name),
            )
        )
    first, last = line_span(lines)
    return Parsed(
        kind=KIND,
        value=UsbListing(format=ListingFormat.LSUSB, devices=tuple(devices)),
        unparsed=tuple(unparsed),
        first_line=first,
        last_line=last,
    )
