"""``lsusb``: one line per device::

    Bus 001 Device 003: ID 12d1:1573 Huawei Technologies Co., Ltd. ME909u-521 mPCIe LTE/GPS card

The name after the IDs comes from the usb.ids database on the machine that ran lsusb, not
from the device (BusyBox lsusb prints none), so it is kept as ``ids_name``. The listing
shows no configurations, interfaces or drivers, and no topology beyond the bus: only a
root hub (always device 1 of its bus) gets a path, 'usb<bus>'.

A long name wrapped by a mail client leaves its tail on a line of its own; such lines
are joined back when the next device line follows them. After the last device line
nothing tells a wrapped tail from the prose that follows, so it stays unparsed.
"""

from __future__ import annotations

import dataclasses
import re
from typing import List, Optional, Sequence

from ..errors import InputError
from ..model.common import Line, Parsed, Unparsed, line_span, number_lines
from ..model.usb import ListingFormat, UsbDevice, UsbListing
from ._usb_common import clean_text, unquote

KIND = "lsusb"
TITLE = "USB devices (lsusb)"

_LINE = re.compile(r"Bus\s+(\d{1,3})\s+Device\s+(\d{1,3})\s*:\s*ID\s+([0-9A-Fa-f]{4}):([0-9A-Fa-f]{4})\b\s*(.*)$")


def _sandwiched(bodies: List[str], matches: List[Optional["re.Match[str]"]], index: int) -> bool:
    """Is this line part of a run of non-device lines that a device line closes?"""
    for later in range(index + 1, len(bodies)):
        if matches[later] is not None:
            return True
        if not bodies[later]:
            return False
    return False


def parse(text: str) -> Parsed[UsbListing]:
    """Parse a whole ``lsusb`` output; lines are numbered from 1."""
    if not isinstance(text, str):
        raise InputError(KIND, f"expected text, got {type(text).__name__}")
    return parse_lines(number_lines(text))


def parse_lines(lines: Sequence[Line]) -> Parsed[UsbListing]:
    """Parse pre-numbered lines (a block cut from a paste)."""
    devices: List[UsbDevice] = []
    unparsed: List[Unparsed] = []
    bodies = [unquote(line.text).rstrip() for line in lines]
    matches = [_LINE.match(body) if body.startswith("Bus") else None for body in bodies]
    previous_was_device = False
    for index, line in enumerate(lines):
        body = bodies[index]
        if not body:
            previous_was_device = False
            continue
        match = matches[index]
        if match is None:
            if previous_was_device and devices and _sandwiched(bodies, matches, index):
                # the tail of a long name a mail client wrapped onto its own line
                wrapped = devices[-1]
                devices[-1] = dataclasses.replace(
                    wrapped, ids_name=clean_text(f"{wrapped.ids_name} {body}"), last_line=line.number
                )
                continue
            previous_was_device = False
            unparsed.append(Unparsed(line.number, line.text, "not an lsusb device line"))
            continue
        previous_was_device = True
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
