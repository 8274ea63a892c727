"""Parsers: one module per kind of output, each pure (text in, model out).

Every parser module defines::

    KIND: str                                  # the registry key below
    TITLE: str                                 # what a human calls this output
    def parse(text: str) -> Parsed[...]        # whole text, lines numbered from 1
    def parse_lines(lines: Sequence[Line]) -> Parsed[...]   # pre-numbered lines (paste blocks)

``Parsed.unparsed`` lists the lines a parser could not use, with their numbers. A parser
never raises anything but ``InputError``. Adding a parser is one module plus one line in
``PARSERS``; modules are imported only when first used, which keeps start-up fast.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any, Dict, Sequence

from ..errors import InputError
from ..model.common import Line, Parsed

# kind -> module name inside this package
PARSERS: Dict[str, str] = {
    # USB
    "usb_debugfs": "usb_debugfs",  # /sys/kernel/debug/usb/devices, /proc/bus/usb/devices
    "usb_devices": "usb_devices",  # usb-devices (script from usbutils)
    "lsusb": "lsusb",
    "lsusb_tree": "lsusb_tree",  # lsusb -t
    "lsusb_verbose": "lsusb_verbose",  # lsusb -v
    # kernel and system log
    "dmesg": "dmesg",
    "logread": "logread",
    # packages
    "opkg_list": "opkg_list",  # opkg list-installed
    "apk_list": "apk_list",  # apk list --installed
    "opkg_errors": "opkg_errors",  # opkg update / install output
    # UCI
    "uci_config": "uci_config",  # cat /etc/config/X, uci export
    "uci_show": "uci_show",
    # system
    "openwrt_release": "openwrt_release",
    "ubus_board": "ubus_board",  # ubus call system board
    "uname": "uname",  # uname -a, /proc/version
    # network state
    "ip_addr": "ip_addr",  # ip addr, ip link
    "ip_route": "ip_route",
    "ifconfig": "ifconfig",
    "ifstatus": "ifstatus",  # ifstatus IFACE, ubus call network.interface.X status
    "ls_dev": "ls_dev",  # ls -l /dev, ls /dev, ls /sys/class/net
    "luci_errors": "luci_errors",  # LuCI's 'Error: PIN code rejected' (netifd interface errors)
    "ping": "ping",  # ping (BusyBox, iputils): the data path's last step
    "nslookup": "nslookup",  # nslookup (BusyBox)
    # what the modem says about itself (issue 7)
    "at_transcript": "at_transcript",  # AT command session: echo, responses, URCs, +CME ERROR
    "qmicli": "qmicli",  # qmicli text output
    "uqmi": "uqmi",  # uqmi JSON / strings / transport errors
    "mbimcli": "mbimcli",  # mbimcli text output
    "mmcli": "mmcli",  # mmcli -m N / -b N
    "qmi_raw_ip": "qmi_raw_ip",  # /sys/class/net/*/qmi/raw_ip (qmi_wwan framing: Y raw-IP, N 802.3)
}

# Inputs larger than this are refused rather than parsed slowly into a wrong answer.
MAX_INPUT_BYTES = 64 * 1024 * 1024


def parser_module(kind: str) -> ModuleType:
    """The parser module registered for ``kind``."""
    try:
        name = PARSERS[kind]
    except KeyError:
        raise InputError(kind, f"no parser for kind {kind!r}; known: {', '.join(sorted(PARSERS))}") from None
    return importlib.import_module(f"{__name__}.{name}")


def parse(kind: str, text: str) -> Parsed[Any]:
    """Parse ``text`` as output of ``kind``."""
    return parser_module(kind).parse(text)


def parse_lines(kind: str, lines: Sequence[Line]) -> Parsed[Any]:
    """Parse pre-numbered lines (a paste block) as output of ``kind``."""
    return parser_module(kind).parse_lines(lines)


def decode_input(data: bytes, source: str) -> str:
    """Bytes from a file or stdin to text, refusing what is not text."""
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(source, f"input is {len(data)} bytes; the limit is {MAX_INPUT_BYTES}")
    if b"\x00" in data[:65536]:
        raise InputError(source, "this is binary data, not text output (it contains NUL bytes)")
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if bad > 64 and bad * 20 > len(text):
        raise InputError(source, "this is not UTF-8 text (too many undecodable bytes)")
    return text
