"""QMUX framing: the byte layout of QMI messages on a cdc-wdm (or pty) control channel.

A frame is::

    u8  0x01                 QMUX marker
    u16 length               bytes after the marker (header + SDU)
    u8  flags                0x00 from the host, 0x80 from the modem
    u8  service              0 CTL, 1 WDS, 2 DMS, 3 NAS, 0x0b UIM, 0x1a WDA ...
    u8  client id
    SDU:
      CTL:     u8 flags (0 request, 1 response, 2 indication), u8 transaction id
      others:  u8 flags (0 request, 2 response, 4 indication), u16 transaction id
      u16 message id, u16 TLV length, TLVs (u8 type, u16 length, value)

Everything is little-endian. ``QmiMessage`` is the decoded form; ``encode``/``decode`` convert,
``FrameSplitter`` cuts a byte stream (a pty) into whole frames.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Tuple

SERVICE_CTL = 0x00
SERVICE_WDS = 0x01
SERVICE_DMS = 0x02
SERVICE_NAS = 0x03
SERVICE_QOS = 0x04
SERVICE_WMS = 0x05
SERVICE_PDS = 0x06
SERVICE_VOICE = 0x09
SERVICE_UIM = 0x0B
SERVICE_PBM = 0x0C
SERVICE_LOC = 0x10
SERVICE_WDA = 0x1A

SERVICE_NAMES: Dict[str, int] = {
    "ctl": SERVICE_CTL, "wds": SERVICE_WDS, "dms": SERVICE_DMS, "nas": SERVICE_NAS,
    "qos": SERVICE_QOS, "wms": SERVICE_WMS, "pds": SERVICE_PDS, "voice": SERVICE_VOICE,
    "uim": SERVICE_UIM, "pbm": SERVICE_PBM, "loc": SERVICE_LOC, "wda": SERVICE_WDA,
}

FLAG_REQUEST = 0x00
FLAG_RESPONSE = 0x01  # the response/indication flags are per-kind, see kind_flags()
FLAG_INDICATION = 0x02

# QMI protocol error codes (result TLV 0x02 second half).
ERR_NONE = 0x0000
ERR_MALFORMED_MESSAGE = 0x0001
ERR_NO_MEMORY = 0x0002
ERR_INTERNAL = 0x0003
ERR_CLIENT_IDS_EXHAUSTED = 0x0005
ERR_NO_EFFECT = 0x001A
ERR_CALL_FAILED = 0x000E
ERR_OUT_OF_CALL = 0x000F
ERR_MISSING_ARGUMENT = 0x0011
ERR_INCORRECT_PIN = 0x000C
ERR_INVALID_CLIENT_ID = 0x0007
ERR_INVALID_ARGUMENT = 0x0030
ERR_NO_NETWORK_FOUND = 0x000D
ERR_NOT_PROVISIONED = 0x0010
ERR_PIN_BLOCKED = 0x0023
ERR_PIN_PERMANENTLY_BLOCKED = 0x0024
ERR_UIM_UNINITIALIZED = 0x0025
ERR_DEVICE_NOT_READY = 0x0034
ERR_NOT_SUPPORTED = 0x005E
ERR_INVALID_QMI_COMMAND = 0x0047


class FrameError(ValueError):
    """Bytes that are not a QMUX frame."""


@dataclass
class QmiMessage:
    """One decoded QMI message. ``tlvs`` keeps order; types are unique within a message."""

    service: int
    client: int
    message: int
    transaction: int
    kind: str = "request"  # request | response | indication
    tlvs: Dict[int, bytes] = field(default_factory=dict)
    from_modem: bool = False

    def tlv(self, tlv_type: int) -> Optional[bytes]:
        return self.tlvs.get(tlv_type)

    def u8(self, tlv_type: int, default: Optional[int] = None) -> Optional[int]:
        value = self.tlvs.get(tlv_type)
        return value[0] if value else default

    def u16(self, tlv_type: int, default: Optional[int] = None) -> Optional[int]:
        value = self.tlvs.get(tlv_type)
        return struct.unpack_from("<H", value)[0] if value and len(value) >= 2 else default

    def u32(self, tlv_type: int, default: Optional[int] = None) -> Optional[int]:
        value = self.tlvs.get(tlv_type)
        return struct.unpack_from("<I", value)[0] if value and len(value) >= 4 else default

    def text(self, tlv_type: int, default: Optional[str] = None) -> Optional[str]:
        value = self.tlvs.get(tlv_type)
        return value.decode("utf-8", "replace") if value is not None else default


def kind_flags(service: int, kind: str) -> int:
    """The SDU flags byte for a message kind (CTL and services number them differently)."""
    if kind == "request":
        return 0x00
    if service == SERVICE_CTL:
        return 0x01 if kind == "response" else 0x02
    return 0x02 if kind == "response" else 0x04


def _kind_of(service: int, flags: int) -> str:
    if service == SERVICE_CTL:
        return {0x00: "request", 0x01: "response", 0x02: "indication"}.get(flags & 0x03, "request")
    if flags & 0x04:
        return "indication"
    if flags & 0x02:
        return "response"
    return "request"


def encode_tlvs(tlvs: Dict[int, bytes]) -> bytes:
    return b"".join(struct.pack("<BH", t, len(v)) + v for t, v in tlvs.items())


def decode_tlvs(data: bytes) -> Dict[int, bytes]:
    tlvs: Dict[int, bytes] = {}
    pos = 0
    while pos < len(data):
        if pos + 3 > len(data):
            raise FrameError(f"truncated TLV header at offset {pos}")
        tlv_type, length = struct.unpack_from("<BH", data, pos)
        pos += 3
        if pos + length > len(data):
            raise FrameError(f"TLV 0x{tlv_type:02x} claims {length} bytes, {len(data) - pos} left")
        tlvs[tlv_type] = bytes(data[pos:pos + length])
        pos += length
    return tlvs


def encode(msg: QmiMessage) -> bytes:
    """The complete QMUX frame for ``msg``."""
    body = encode_tlvs(msg.tlvs)
    flags = kind_flags(msg.service, msg.kind)
    if msg.service == SERVICE_CTL:
        sdu = struct.pack("<BBHH", flags, msg.transaction & 0xFF, msg.message, len(body)) + body
    else:
        sdu = struct.pack("<BHHH", flags, msg.transaction & 0xFFFF, msg.message, len(body)) + body
    header = struct.pack("<BHBBB", 0x01, 5 + len(sdu), 0x80 if msg.from_modem else 0x00, msg.service, msg.client)
    return header + sdu


def decode(frame: bytes) -> QmiMessage:
    """Decode one complete frame; FrameError if it is not one."""
    if len(frame) < 6 or frame[0] != 0x01:
        raise FrameError("not a QMUX frame (marker 0x01 missing or too short)")
    length, qflags, service, client = struct.unpack_from("<HBBB", frame, 1)
    if length + 1 != len(frame):
        raise FrameError(f"QMUX length {length} does not match {len(frame) - 1} bytes")
    if service == SERVICE_CTL:
        if len(frame) < 12:
            raise FrameError("CTL SDU too short")
        flags, tid, msg_id, tlv_len = struct.unpack_from("<BBHH", frame, 6)
        body = frame[12:]
    else:
        if len(frame) < 13:
            raise FrameError("service SDU too short")
        flags, tid, msg_id, tlv_len = struct.unpack_from("<BHHH", frame, 6)
        body = frame[13:]
    if tlv_len != len(body):
        raise FrameError(f"TLV length {tlv_len} does not match {len(body)} bytes")
    return QmiMessage(service=service, client=client, message=msg_id, transaction=tid,
                      kind=_kind_of(service, flags), tlvs=decode_tlvs(body),
                      from_modem=bool(qflags & 0x80))


def result_tlv(error: int = ERR_NONE) -> bytes:
    """TLV 0x02 value: u16 status (0 success, 1 failure) + u16 error code."""
    return struct.pack("<HH", 1 if error else 0, error)


class FrameSplitter:
    """Cuts a byte stream into QMUX frames; bytes before a 0x01 marker are dropped."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> Iterator[bytes]:
        self._buf.extend(data)
        while self._buf:
            if self._buf[0] != 0x01:
                start = self._buf.find(b"\x01")
                del self._buf[:start if start >= 0 else len(self._buf)]
                continue
            if len(self._buf) < 3:
                return
            length = struct.unpack_from("<H", self._buf, 1)[0]
            if length < 5:
                del self._buf[:1]
                continue
            if len(self._buf) < length + 1:
                return
            frame = bytes(self._buf[:length + 1])
            del self._buf[:length + 1]
            yield frame


def split_frames(data: bytes) -> List[bytes]:
    """All complete frames in ``data`` (for tests)."""
    return list(FrameSplitter().feed(data))


def describe(frame: bytes) -> Tuple[int, int, str]:
    """(service, message id, kind) of a frame, for logs."""
    msg = decode(frame)
    return msg.service, msg.message, msg.kind
