"""``usb-devices`` (the shell script shipped with usbutils).

It prints the same lettered records as ``/sys/kernel/debug/usb/devices`` but builds them
from sysfs, so it differs in what it can know:

* only the active configuration exists in sysfs, so only it is printed, without the
  ``*`` marker: the parser marks it active;
* each interface shows its current altsetting only (marked active too);
* older versions print the interface number as sysfs spells it, in hex (``If#=0x4``),
  newer ones in decimal (``If#= 4``); both are read;
* ``Driver=(none)`` for an interface nothing claimed.

The reading itself (quoting, wrapped lines, collapsed spaces) is shared with
``usb_debugfs``.
"""

from __future__ import annotations

from typing import Sequence

from ..errors import InputError
from ..model.common import Line, Parsed, number_lines
from ..model.usb import ListingFormat, UsbListing
from .usb_debugfs import parse_lettered

KIND = "usb_devices"
TITLE = "USB devices (usb-devices)"


def parse(text: str) -> Parsed[UsbListing]:
    """Parse a whole ``usb-devices`` listing; lines are numbered from 1."""
    if not isinstance(text, str):
        raise InputError(KIND, f"expected text, got {type(text).__name__}")
    return parse_lines(number_lines(text))


def parse_lines(lines: Sequence[Line]) -> Parsed[UsbListing]:
    """Parse pre-numbered lines (a block cut from a paste)."""
    return parse_lettered(lines, KIND, ListingFormat.USB_DEVICES, only_config_is_active=True)
