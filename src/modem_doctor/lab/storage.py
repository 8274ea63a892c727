"""The CD-ROM half of a modem stick: a SCSI target behind USB bulk-only transport,
enough for usb-storage and sr_mod to attach /dev/sr0 (an empty drive), and a watch for
the vendor command that switches the stick into modem mode."""

from __future__ import annotations

from typing import Callable, List, Optional, Tuple

GOOD, FAILED = 0, 1
NOT_READY, ILLEGAL_REQUEST = 0x02, 0x05

Result = Tuple[int, bytes, Optional[Callable[[], None]]]


class SwitchingCdrom:
    """Answers SCSI commands as an empty CD-ROM drive; calls ``on_switch`` after the CSW
    of a command that ``is_switch(cdb)`` accepts (e.g. Huawei's 11 06 ... message)."""

    def __init__(self, vendor: str, product: str, is_switch: Callable[[bytes], bool],
                 on_switch: Callable[[], None], log: Callable[[str], None]) -> None:
        self.vendor = vendor
        self.product = product
        self.is_switch = is_switch
        self.on_switch = on_switch
        self.log = log
        self.sense = (0, 0, 0)
        self.seen: List[str] = []
        self.switched = False

    def _fail(self, key: int, asc: int, ascq: int = 0) -> Result:
        self.sense = (key, asc, ascq)
        return FAILED, b"", None

    def handle_cbw(self, cdb: bytes, length: int, data_out: bytes) -> Result:
        opcode = cdb[0] if cdb else 0xFF
        self.seen.append(cdb.hex())
        if self.is_switch(cdb):
            self.log(f"storage: switch command {cdb.hex()}")
            self.switched = True
            self.sense = (0, 0, 0)
            return GOOD, b"", self.on_switch
        if opcode == 0x12:  # INQUIRY
            if cdb[1] & 0x01:  # no vital product data pages
                return self._fail(ILLEGAL_REQUEST, 0x24)
            data = bytes([0x05, 0x80, 0x02, 0x02, 31, 0, 0, 0])
            data += self.vendor.encode().ljust(8)[:8] + self.product.encode().ljust(16)[:16] + b"2.31"
            self.sense = (0, 0, 0)
            return GOOD, data, None
        if opcode == 0x03:  # REQUEST SENSE
            key, asc, ascq = self.sense
            self.sense = (0, 0, 0)
            return GOOD, bytes([0x70, 0, key, 0, 0, 0, 0, 10, 0, 0, 0, 0, asc, ascq, 0, 0, 0, 0]), None
        if opcode == 0x00:  # TEST UNIT READY: there is no disc
            return self._fail(NOT_READY, 0x3A)
        if opcode in (0x1E, 0x1B):  # PREVENT/ALLOW MEDIUM REMOVAL, START STOP UNIT
            self.sense = (0, 0, 0)
            return GOOD, b"", None
        if opcode in (0x25, 0x28, 0x43, 0x51):  # capacity, read, TOC, disc info
            return self._fail(NOT_READY, 0x3A)
        return self._fail(ILLEGAL_REQUEST, 0x20)


def huawei_new_mode(cdb: bytes) -> bool:
    """Huawei's 'new mode' switch (usb_modeswitch HuaweiNewMode): 11 06 20 00 00 01 01 00 01."""
    return cdb[:2] == b"\x11\x06"


__all__ = ["SwitchingCdrom", "huawei_new_mode"]
