"""``lsusb -t``: the USB tree with one line per interface of the active configuration::

    /:  Bus 01.Port 1: Dev 1, Class=root_hub, Driver=ehci-platform/1p, 480M
        |__ Port 1: Dev 2, If 0, Class=Hub, Driver=hub/4p, 480M
            |__ Port 2: Dev 3, If 0, Class=Communications, Driver=cdc_ether, 480M
            |__ Port 2: Dev 3, If 1, Class=CDC Data, Driver=cdc_ether, 480M

Newer usbutils zero-pad the numbers (``Bus 001.Port 001``, ``Port 004: Dev 004``) and
``lsusb -tv`` adds an ``ID vvvv:pppp name`` line under each entry. Ports here are
1-based, and depth is shown by indentation only, so the parent of an entry is the
nearest entry above it that is indented less; paths are rebuilt from that ('1-1.2').

What the tree does not show stays unknown: the configuration number (0 here), the
altsetting (taken as 0), subclass and protocol (-1), and the IDs unless ``-v`` was given.
Class names are turned back into class codes where usbutils' names are known. An empty
``Driver=`` or ``[none]`` is an interface nothing claimed. Lines a mail client wrapped
before ``Driver=`` are re-joined.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Sequence, Tuple

from ..errors import InputError
from ..model.common import Line, Parsed, Unparsed, line_span, number_lines
from ..model.usb import DriverState, ListingFormat, UsbConfig, UsbDevice, UsbInterface, UsbListing
from ._usb_common import child_path, class_from_name, clean_text

KIND = "lsusb_tree"
TITLE = "USB device tree (lsusb -t)"

_QUOTE = re.compile(r"^(?:[ \t]*>)+")
_ROOT = re.compile(
    r"/:\s*Bus\s+0*(\d+)\.Port\s+0*(\d+)\s*:\s*Dev\s+0*(\d+)\s*,\s*(?:Class=([^,]*),\s*)?"
    r"(?:Driver=([^,]*?)\s*(?:,\s*|$))?(?:([\d.]+)M)?"
)
_NODE = re.compile(
    r"\|__\s*Port\s+0*(\d+)\s*:\s*Dev\s+0*(\d+)\s*,\s*(?:If\s+(\d+)\s*,\s*)?(?:Class=([^,]*),\s*)?"
    r"(?:Driver=([^,]*?)\s*(?:,\s*|$))?(?:([\d.]+)M)?"
)
_ID = re.compile(r"ID\s+([0-9A-Fa-f]{4}):([0-9A-Fa-f]{4})\b\s*(.*)$")
_SPEED_END = re.compile(r"[\d.]+M\s*$")


class _Node:
    __slots__ = ("bus", "devnum", "port", "level", "path", "driver", "speed", "cls", "ifaces",
                 "vendor", "product", "ids_name", "children", "first", "last", "column", "parent")

    def __init__(self, bus: int, devnum: int, port: int, level: int, path: str, column: int, line: int) -> None:
        self.bus = bus
        self.devnum = devnum
        self.port = port
        self.level = level
        self.path = path
        self.column = column
        self.parent = 0  # the parent hub's device number
        self.driver = ""
        self.speed = ""
        self.cls = 0
        self.ifaces: List[UsbInterface] = []
        self.vendor = 0
        self.product = 0
        self.ids_name = ""
        self.children = 0
        self.first = line
        self.last = line


def parse(text: str) -> Parsed[UsbListing]:
    """Parse a whole ``lsusb -t`` output; lines are numbered from 1."""
    if not isinstance(text, str):
        raise InputError(KIND, f"expected text, got {type(text).__name__}")
    return parse_lines(number_lines(text))


def _driver(text: Optional[str]) -> Tuple[Optional[str], DriverState, int]:
    """'hub/4p' -> ('hub', BOUND, 4); '' or '[none]' -> unbound."""
    if text is None:
        return None, DriverState.NOT_SHOWN, 0
    name, _, ports = text.strip().partition("/")
    count = int(ports[:-1]) if ports.endswith("p") and ports[:-1].isdigit() else 0
    if name in ("", "[none]", "(none)"):
        return None, DriverState.UNBOUND, count
    return name, DriverState.BOUND, count


def _logical_lines(lines: Sequence[Line]) -> List[Tuple[Line, str, int]]:
    """(line, text without quoting, column of its '|__' or '/:') with wrapped tails re-joined."""
    out: List[Tuple[Line, str, int]] = []
    for line in lines:
        raw = _QUOTE.sub("", line.text, count=1).rstrip()
        body = raw.lstrip()
        if out and body and not body.startswith(("|__", "/:", "ID ")):
            previous, text, column = out[-1]
            is_entry = text.startswith(("|__", "/:"))
            if is_entry and not _SPEED_END.search(text):
                # every entry ends with its speed ('480M'): one that does not was wrapped
                out[-1] = (previous, f"{text} {body}", column)
                continue
        out.append((line, body, len(raw) - len(body)))
    return out


def parse_lines(lines: Sequence[Line]) -> Parsed[UsbListing]:
    """Parse pre-numbered lines (a block cut from a paste)."""
    nodes: List[_Node] = []
    by_id: Dict[Tuple[int, int], _Node] = {}
    unparsed: List[Unparsed] = []
    stack: List[_Node] = []  # the current branch: root first
    last: Optional[_Node] = None
    node: Optional[_Node]
    for line, body, column in _logical_lines(lines):
        if not body:
            continue
        if body.startswith("/:"):
            match = _ROOT.match(body)
            if match is None:
                unparsed.append(Unparsed(line.number, line.text, "unreadable root hub line"))
                continue
            bus, _port, dev, cls, driver, speed = match.groups()
            node = _Node(int(bus), int(dev), 0, 0, f"usb{int(bus)}", column, line.number)
            # a second tree of the same bus (the command run again) starts afresh
            for key in [key for key in by_id if key[0] == node.bus]:
                del by_id[key]
            node.cls = 0x09
            root_driver, _state, node.children = _driver(driver)
            node.driver = root_driver or ""
            node.speed = speed or ""
            nodes.append(node)
            by_id[(node.bus, node.devnum)] = node
            stack = [node]
            last = node
            continue
        if body.startswith("|__"):
            match = _NODE.match(body)
            if match is None:
                unparsed.append(Unparsed(line.number, line.text, "unreadable tree entry"))
                continue
            port_text, dev_text, iface, cls_name, driver_text, speed = match.groups()
            if not stack:
                # an excerpt without its '/:  Bus' line: the bus and the ports above are
                # unknown, so paths stay empty (path_exact False)
                stack = [_Node(0, 0, 0, 0, "", column - 1, line.number)]
            bus = stack[0].bus
            devnum = int(dev_text)
            # the parent is the nearest entry above that is indented less
            while len(stack) > 1 and stack[-1].column >= column:
                stack.pop()
            node = by_id.get((bus, devnum))
            if node is None or node.level != len(stack):
                parent = stack[-1]
                port = int(port_text)
                path = child_path(bus, parent.path, port) if stack[0].path else ""
                node = _Node(bus, devnum, port - 1, len(stack), path, column, line.number)
                node.parent = parent.devnum
                nodes.append(node)
                by_id[(bus, devnum)] = node
                node.speed = speed or ""
            stack.append(node)
            node.last = line.number
            last = node
            name, state, ports = _driver(driver_text)
            if ports:
                node.children = ports
            cls = class_from_name(cls_name) if cls_name is not None else -1
            if iface is not None:
                node.ifaces.append(
                    UsbInterface(
                        number=int(iface),
                        alt=0,
                        cls=cls,
                        subclass=-1,
                        protocol=-1,
                        driver=name,
                        driver_state=state,
                        active=True,
                        name=(cls_name or "").strip(),
                        line=line.number,
                    )
                )
            continue
        if body.startswith("ID ") and last is not None:
            match = _ID.match(body)
            if match is not None:
                last.vendor = int(match.group(1), 16)
                last.product = int(match.group(2), 16)
                last.ids_name = clean_text(match.group(3))
                last.last = line.number
                continue
        unparsed.append(Unparsed(line.number, line.text, "not part of an lsusb -t tree"))

    devices = tuple(_freeze(node) for node in nodes)
    first, end = line_span(lines)
    return Parsed(
        kind=KIND,
        value=UsbListing(format=ListingFormat.LSUSB_TREE, devices=devices),
        unparsed=tuple(unparsed),
        first_line=first,
        last_line=end,
    )


def _freeze(node: _Node) -> UsbDevice:
    configs: Tuple[UsbConfig, ...] = ()
    cls = node.cls
    if node.ifaces:
        configs = (
            UsbConfig(
                number=0,  # lsusb -t does not show bConfigurationValue
                active=True,
                num_interfaces=len({item.number for item in node.ifaces}),
                interfaces=tuple(node.ifaces),
                line=node.first,
            ),
        )
        if node.ifaces[0].cls == 0x09:
            cls = 0x09
    return UsbDevice(
        vendor_id=node.vendor,
        product_id=node.product,
        bus=node.bus,
        devnum=node.devnum,
        level=node.level,
        parent_devnum=node.parent,
        port=node.port,
        path=node.path,
        speed=node.speed,
        cls=cls,
        configs=configs,
        listing_format=ListingFormat.LSUSB_TREE,
        first_line=node.first,
        last_line=node.last,
        ids_name=node.ids_name,
        max_children=node.children,
        path_exact=bool(node.path),
    )
