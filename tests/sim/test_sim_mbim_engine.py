"""MBIM engine from literal message bytes (the requests are what mbimcli 1.28 sends)."""

from __future__ import annotations

import struct

from modem_doctor.sim import mbim
from modem_doctor.sim.mbim import MbimModem

H = bytes.fromhex
OPEN = H("01000000100000000100000000100000")  # MaxControlTransfer 4096
CAPS = H("0300000030000000020000000100000000000000a289cc33bcbb8b4fb6b0133ec2aae6df"
         "010000000000000000000000")
CLOSE = H("020000000c00000003000000")


def test_open_caps_close_exchange() -> None:
    modem = MbimModem("em7455", "ready")
    assert modem.handle(OPEN) == [H("01000080100000000100000000000000")]
    (done,) = modem.handle(CAPS)
    mtype, length, tid, total, current = struct.unpack_from("<IIIII", done)
    assert (mtype, length, tid, total, current) == (0x80000003, len(done), 2, 1, 0)
    assert done[20:36] == mbim.UUID_BASIC_CONNECT
    cid, status, buflen = struct.unpack_from("<III", done, 36)
    assert (cid, status, buflen) == (1, 0, len(done) - 48)
    info = done[48:]
    assert struct.unpack_from("<8I", info) == (1, 1, 1, 2, 0x3F, 3, 1, 8)
    assert mbim.read_string(info, 40) == "353123456789037"  # device id pair after custom data class
    assert modem.handle(CLOSE) == [H("02000080100000000300000000000000")]


def test_command_before_open_is_not_opened_error() -> None:
    assert MbimModem().handle(CAPS) == [H("04000080100000000200000005000000")]


def test_unknown_service_is_no_device_support() -> None:
    modem = MbimModem()
    modem.handle(OPEN)
    other = CAPS[:20] + bytes(16) + CAPS[36:]
    (done,) = modem.handle(other)
    assert struct.unpack_from("<I", done, 40)[0] == mbim.STATUS_NO_DEVICE_SUPPORT


def test_length_mismatch() -> None:
    modem = MbimModem()
    assert struct.unpack_from("<I", modem.handle(OPEN[:12] + b"\x00\x10")[0])[0] == mbim.FUNCTION_ERROR


def test_replies_are_fragmented_to_max_control_transfer() -> None:
    big, small = MbimModem("em7455"), MbimModem("em7455")
    big.handle(OPEN)
    small.handle(H("01000000100000000100000040000000"))  # MaxControlTransfer 64
    (whole,) = big.handle(CAPS)
    fragments = small.handle(CAPS)
    assert len(fragments) > 1
    assert all(len(f) <= 64 for f in fragments)
    assert [struct.unpack_from("<II", f, 12) for f in fragments] == [(len(fragments), i) for i in range(len(fragments))]
    assert b"".join(f[20:] for f in fragments) == whole[20:]


def test_fragmented_request_is_reassembled() -> None:
    modem = MbimModem("em7455")
    modem.handle(OPEN)
    payload = CAPS[20:]
    first, second = payload[:10], payload[10:]
    frag0 = struct.pack("<IIIII", 3, 20 + len(first), 7, 2, 0) + first
    frag1 = struct.pack("<IIIII", 3, 20 + len(second), 7, 2, 1) + second
    assert modem.handle(frag0) == []
    (done,) = modem.handle(frag1)
    assert struct.unpack_from("<III", done, 36)[:2] == (1, 0)


def test_stream_is_cut_by_length() -> None:
    modem = MbimModem()
    stream = OPEN + CAPS + CLOSE
    replies = []
    for i in range(0, len(stream), 7):
        replies += modem.feed_stream(stream[i:i + 7])
    assert [struct.unpack_from("<I", r)[0] for r in replies] == [0x80000001, 0x80000003, 0x80000002]


def test_register_state_denied_carries_cause() -> None:
    modem = MbimModem("em7455", "registration-denied")
    modem.handle(OPEN)
    query = CAPS[:36] + struct.pack("<III", 9, 0, 0)
    (done,) = modem.handle(query)
    nw_error, state = struct.unpack_from("<II", done, 48)
    assert (nw_error, state) == (11, 6)


def test_buffer_builder_pads_and_offsets() -> None:
    data = mbim.Buffer().u32(5).string("ab").string("").string("xyz").build()
    assert struct.unpack_from("<I2I2I2I", data) == (5, 28, 4, 0, 0, 32, 6)
    assert mbim.read_string(data, 4) == "ab" and mbim.read_string(data, 20) == "xyz"
    assert len(data) % 4 == 0
