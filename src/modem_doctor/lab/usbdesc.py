"""USB descriptor bytes for the lab's simulated devices (FunctionFS and gadgetfs).

Only what the lab's devices use: device, configuration, interface, endpoint and the
CDC functional descriptors an MBIM function needs. All fields little-endian as on the wire.
"""

from __future__ import annotations

import struct
from typing import Iterable, List, Optional, Sequence, Tuple

DT_DEVICE = 1
DT_CONFIG = 2
DT_INTERFACE = 4
DT_ENDPOINT = 5
DT_CS_INTERFACE = 0x24

BULK = 2
INTERRUPT = 3

# FunctionFS (include/uapi/linux/usb/functionfs.h)
FFS_DESCRIPTORS_MAGIC_V2 = 3
FFS_STRINGS_MAGIC = 2
FFS_HAS_FS_DESC = 1
FFS_HAS_HS_DESC = 2


class Endpoint:
    """One endpoint: address (0x8N for IN), transfer type, sizes and intervals per speed."""

    def __init__(self, address: int, kind: int, hs_interval: int = 0) -> None:
        self.address = address
        self.kind = kind
        self.hs_interval = hs_interval

    @property
    def is_in(self) -> bool:
        return bool(self.address & 0x80)

    def descriptor(self, high_speed: bool) -> bytes:
        if self.kind == INTERRUPT:
            size = 64 if high_speed else 16
            # HS: 2**(n-1) microframes, 5 -> 2 ms; FS: frames.
            interval = (self.hs_interval or 5) if high_speed else 2
        else:
            size = 512 if high_speed else 64
            interval = self.hs_interval if high_speed else 0
        return struct.pack("<BBBBHB", 7, DT_ENDPOINT, self.address, self.kind, size, interval)


class Interface:
    """One interface (alternate setting 0 unless told) with its endpoints and extra
    (class-specific) descriptors placed before the endpoints."""

    def __init__(
        self,
        number: int,
        cls: int,
        sub: int,
        proto: int,
        endpoints: Sequence[Endpoint] = (),
        alt: int = 0,
        extra: bytes = b"",
        role: str = "idle",
    ) -> None:
        self.number = number
        self.cls = cls
        self.sub = sub
        self.proto = proto
        self.endpoints = list(endpoints)
        self.alt = alt
        self.extra = extra
        self.role = role

    def descriptors(self, high_speed: bool) -> List[bytes]:
        head = struct.pack(
            "<BBBBBBBBB", 9, DT_INTERFACE, self.number, self.alt, len(self.endpoints),
            self.cls, self.sub, self.proto, 0,
        )
        out = [head]
        if self.extra:
            out.append(self.extra)
        out.extend(ep.descriptor(high_speed) for ep in self.endpoints)
        return out


def bulk_out_interval_hs() -> int:
    """Bulk OUT NAK interval used by the real MU609 (debugfs shows Ivl=4ms): 32 microframes."""
    return 32


def serial_port(number: int, proto: int, first_in: int, first_out: int, with_int: bool,
                role: str = "at", int_first: bool = False) -> Interface:
    """A Huawei vendor serial interface ff/01/<proto> (option binds these).

    On dummy_hcd the interrupt endpoint comes after the bulk pair: its first bulk-capable
    endpoint (ep1in-bulk) would otherwise be taken by it, and the generic endpoints that
    would then be needed get numbers that collide (docs/lab.md, "Endpoint budget"). On
    usbip-vudc every endpoint can do everything, and the real device's order is kept."""
    bulk = [Endpoint(0x80 | first_in, BULK), Endpoint(first_out, BULK, bulk_out_interval_hs())]
    if not with_int:
        return Interface(number, 0xFF, 0x01, proto, bulk, role=role)
    if int_first:
        eps = [Endpoint(0x80 | first_in, INTERRUPT), Endpoint(0x80 | (first_in + 1), BULK),
               Endpoint(first_out, BULK, bulk_out_interval_hs())]
    else:
        eps = bulk + [Endpoint(0x80 | (first_in + 1), INTERRUPT)]
    return Interface(number, 0xFF, 0x01, proto, eps, role=role)


def ffs_descriptors(interfaces: Iterable[Interface]) -> bytes:
    """FunctionFS v2 descriptor blob with full- and high-speed copies."""
    interfaces = list(interfaces)
    fs = [d for i in interfaces for d in i.descriptors(False)]
    hs = [d for i in interfaces for d in i.descriptors(True)]
    count = lambda descs: sum(_count_descs(d) for d in descs)  # noqa: E731
    body = struct.pack("<II", count(fs), count(hs)) + b"".join(fs) + b"".join(hs)
    head_len = 12
    return struct.pack(
        "<III", FFS_DESCRIPTORS_MAGIC_V2, head_len + len(body), FFS_HAS_FS_DESC | FFS_HAS_HS_DESC
    ) + body


def _count_descs(blob: bytes) -> int:
    """How many descriptors a concatenation holds (extra class blobs may hold several)."""
    n = 0
    pos = 0
    while pos < len(blob):
        n += 1
        pos += blob[pos]
    return n


def ffs_strings() -> bytes:
    """An empty FunctionFS string table (no interface strings)."""
    return struct.pack("<IIII", FFS_STRINGS_MAGIC, 16, 0, 0)


def ffs_endpoint_order(interfaces: Iterable[Interface]) -> List[Tuple[Interface, Endpoint]]:
    """FunctionFS names endpoint files ep1..epN in descriptor order."""
    return [(i, ep) for i in interfaces for ep in i.endpoints]


def device_descriptor(vid: int, pid: int, bcd_device: int = 0, cls: int = 0,
                      configs: int = 1, manufacturer: int = 1, product: int = 2,
                      serial: int = 0) -> bytes:
    return struct.pack(
        "<BBHBBBBHHHBBBB", 18, DT_DEVICE, 0x0200, cls, 0, 0, 64, vid, pid, bcd_device,
        manufacturer, product, serial, configs,
    )


def config_descriptor(value: int, interfaces: Sequence[Interface], high_speed: bool,
                      max_power_ma: int = 500, attributes: int = 0xE0,
                      n_interfaces: Optional[int] = None) -> bytes:
    body = b"".join(d for i in interfaces for d in i.descriptors(high_speed))
    if n_interfaces is None:
        n_interfaces = len({i.number for i in interfaces})
    head = struct.pack(
        "<BBHBBBBB", 9, DT_CONFIG, 9 + len(body), n_interfaces, value, 0, attributes,
        max_power_ma // 2,
    )
    return head + body


def cdc_header(bcd: int = 0x0110) -> bytes:
    return struct.pack("<BBBH", 5, DT_CS_INTERFACE, 0x00, bcd)


def cdc_union(master: int, slave: int) -> bytes:
    return struct.pack("<BBBBB", 5, DT_CS_INTERFACE, 0x06, master, slave)


def cdc_mbim_functional(max_control: int = 4096, max_segment: int = 1500) -> bytes:
    """MBIM functional descriptor (subtype 0x1b), MBIM 1.0."""
    return struct.pack(
        "<BBBHHBBHB", 12, DT_CS_INTERFACE, 0x1B, 0x0100, max_control, 16, 0x20, max_segment, 0x20
    )


def cdc_mbim_extended(mtu: int = 1500) -> bytes:
    """MBIM extended functional descriptor (subtype 0x1c)."""
    return struct.pack("<BBBHBH", 8, DT_CS_INTERFACE, 0x1C, 0x0100, 32, mtu)
