"""Engines never raise on hostile bytes: the lab's USB gadget feeds them whatever the host sends."""

from __future__ import annotations

import struct

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings, strategies as st  # noqa: E402

from modem_doctor.sim import qmux  # noqa: E402
from modem_doctor.sim.at import AtModem  # noqa: E402
from modem_doctor.sim.mbim import MbimModem  # noqa: E402
from modem_doctor.sim.qmi import HANDLERS, QmiModem  # noqa: E402

FEW = settings(max_examples=150, deadline=None)


@FEW
@given(st.binary(max_size=300))
def test_at_any_bytes(data: bytes) -> None:
    modem = AtModem("ec25", "ready")
    assert isinstance(modem.feed(data + b"\r"), bytes)


AT_WORDS = st.sampled_from(["AT", "+CPIN", "+CGDCONT", "^SETPORT", "+QCFG", "!USBCOMP", "=", "?", "=?", ",",
                            '"', "1", "-5", "usbnet", "999999999999", ";", "^SYSCFGEX", "+CGACT", "+COPS",
                            "+CREG", "^NDISDUP", "!ENTERCND", "+CLCK", "+CPINR", "^DHCP", "+QENG"])


@FEW
@given(st.sampled_from(["mu609", "ec25", "em7455"]), st.lists(AT_WORDS, max_size=12))
def test_at_command_soup(profile: str, words) -> None:
    modem = AtModem(profile, "ready")
    modem.feed(b'AT!ENTERCND="A710"\r')
    modem.feed(("AT" + "".join(words) + "\r").encode())


@FEW
@given(st.sampled_from(sorted(HANDLERS)), st.dictionaries(st.integers(0, 255), st.binary(max_size=40), max_size=5))
def test_qmi_known_messages_with_random_tlvs(key, tlvs) -> None:
    service, message = key
    frame = qmux.encode(qmux.QmiMessage(service=service, client=1, message=message, transaction=1, tlvs=tlvs))
    replies = QmiModem("mu609", "ready").handle(frame)
    assert qmux.decode(replies[0]).message == message


@FEW
@given(st.binary(max_size=200))
def test_qmi_any_bytes(data: bytes) -> None:
    modem = QmiModem()
    modem.handle(data)
    modem.feed_stream(data)


@FEW
@given(st.integers(0, 30), st.integers(0, 1), st.binary(max_size=120))
def test_mbim_basic_connect_with_random_buffers(cid: int, ctype: int, info: bytes) -> None:
    from modem_doctor.sim.mbim import UUID_BASIC_CONNECT
    modem = MbimModem("em7455", "ready")
    modem.handle(bytes.fromhex("01000000100000000100000000100000"))
    payload = UUID_BASIC_CONNECT + struct.pack("<III", cid, ctype, len(info)) + info
    message = struct.pack("<IIIII", 3, 20 + len(payload), 2, 1, 0) + payload
    (reply,) = modem.handle(message)
    assert struct.unpack_from("<I", reply)[0] == 0x80000003


@FEW
@given(st.binary(max_size=200))
def test_mbim_any_bytes(data: bytes) -> None:
    modem = MbimModem()
    modem.handle(data)
    modem.feed_stream(data)
