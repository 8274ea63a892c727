"""QMI engine and QMUX framing from tables of literal request/response bytes.

The requests are the bytes qmicli 1.32 sends (recorded in the virtual-lab notes); the
responses are what the engine must answer. The real-client tests (test_sim_qmicli.py)
prove qmicli accepts these layouts; these tables pin them byte for byte.
"""

from __future__ import annotations

import struct

import pytest

from modem_doctor.sim import qmux
from modem_doctor.sim.qmi import QmiModem, handled_messages
from modem_doctor.sim.state import ModemState

H = bytes.fromhex

TABLE = [
    # CTL allocate a DMS client -> client 1
    ("010f0000000000012200040001010002",
     ["011700800000010122000c00020400000000000102000201"]),
    # DMS Get IDs -> ESN "0", IMEI, IMEI SV "01"
    ("010c0000020100010025000000",
     ["012e00800201020100250022000204000000000010010030110f00"
      + b"353123456789012".hex() + "1302003031"]),
    # DMS 0x0030 (Get PRL Version) is not modelled -> NotSupported (0x5e)
    ("010c0000020100020030000000",
     ["0113008002010202003000070002040001005e00"]),
    # CTL release DMS client 1
    ("01100000000000022300050001020002 01".replace(" ", ""),
     ["011700800000010223000c00020400000000000102000201"]),
    # CTL release again: client no longer exists -> InvalidClientId (7)
    ("01100000000000032300050001020002 01".replace(" ", ""),
     ["011200800000010323000700020400010007 00".replace(" ", "")]),
]


def test_literal_exchange_table() -> None:
    modem = QmiModem("mu609", "ready")
    for request, replies in TABLE:
        assert [r.hex() for r in modem.handle(H(request))] == replies, request


def test_decode_qmicli_first_frame() -> None:
    msg = qmux.decode(H("010f0000000000012200040001010002"))
    assert (msg.service, msg.client, msg.message, msg.transaction, msg.kind) == (0, 0, 0x22, 1, "request")
    assert msg.tlvs == {0x01: b"\x02"}


def test_encode_decode_round_trip() -> None:
    msg = qmux.QmiMessage(service=3, client=7, message=0x24, transaction=0x1234, kind="response",
                          tlvs={0x02: qmux.result_tlv(), 0x10: b"\x01"}, from_modem=True)
    assert qmux.decode(qmux.encode(msg)) == msg


@pytest.mark.parametrize("bad", [b"", b"\x02\x00", H("010f00000000000122000400010100"), H("0105000000000000")])
def test_undecodable_frames_are_dropped(bad: bytes) -> None:
    assert QmiModem().handle(bad) == []


def test_unknown_service_is_invalid_command() -> None:
    reply = QmiModem().handle(H("010c0000420100010001000000"))[0]
    assert qmux.decode(reply).tlvs[0x02] == struct.pack("<HH", 1, qmux.ERR_INVALID_QMI_COMMAND)


def test_frame_splitter_handles_split_and_joined_frames() -> None:
    a = H("010f0000000000012200040001010002")
    b = H("010c0000020100010025000000")
    splitter = qmux.FrameSplitter()
    stream = b"\xff" + a + b
    got = []
    for i in range(0, len(stream), 5):
        got.extend(splitter.feed(stream[i:i + 5]))
    assert got == [a, b]


def _request(service: int, message: int, tlvs: dict, client: int = 1) -> bytes:
    return qmux.encode(qmux.QmiMessage(service=service, client=client, message=message, transaction=9, tlvs=tlvs))


def test_start_network_failure_carries_call_end_reasons() -> None:
    modem = QmiModem("ec25", "wrong-apn")
    reply = qmux.decode(modem.handle(_request(1, 0x20, {0x14: b"internet", 0x19: b"\x04"}))[0])
    assert reply.tlvs[0x02] == struct.pack("<HH", 1, qmux.ERR_CALL_FAILED)
    assert reply.tlvs[0x10] == H("fa03")  # 1018 gsm-wcdma-option-unsubscribed
    assert reply.tlvs[0x11] == H("06002100")  # type 3GPP (6), cause 33


def test_start_network_success_then_indication_and_settings() -> None:
    modem = QmiModem("ec25", "ready")
    modem.handle(H("010f0000000000012200040001010001"))  # allocate WDS client 1
    frames = modem.handle(_request(1, 0x20, {0x14: b"internet"}))
    assert qmux.decode(frames[0]).tlvs[0x02] == qmux.result_tlv()
    indication = qmux.decode(frames[1])
    assert (indication.kind, indication.message, indication.tlvs[0x01]) == ("indication", 0x22, b"\x02\x00")
    settings = qmux.decode(modem.handle(_request(1, 0x2D, {}))[0])
    assert settings.tlvs[0x1E] == struct.pack("<I", 0x0A2D4359)  # 10.45.67.89
    assert settings.tlvs[0x29] == struct.pack("<I", 1500)


def test_shared_state_pin_entered_over_one_engine_is_seen_by_another() -> None:
    from modem_doctor.sim.at import AtModem
    state = ModemState("mu609", "pin-required")
    at, qmi = AtModem(state=state), QmiModem(state=state)
    at.feed(b'AT+CPIN="1234"\r')
    reply = qmux.decode(qmi.handle(_request(3, 0x24, {}))[0])
    assert reply.tlvs[0x01][0] == 1  # registered


def test_operating_mode_reset_switches_pending_composition() -> None:
    modem = QmiModem("ec25", "ready")
    assert modem.state.set_usb_setting("2")
    modem.handle(_request(2, 0x2E, {0x01: b"\x04"}))
    assert modem.state.reset_requested and modem.state.composition == "mbim"


def test_handled_messages_cover_the_brief() -> None:
    handled = set(handled_messages())
    for needed in [(0, 0x21), (0, 0x22), (0, 0x23), (0, 0x27), (2, 0x25), (2, 0x21), (2, 0x22), (2, 0x23),
                   (2, 0x20), (2, 0x2D), (2, 0x2B), (3, 0x20), (3, 0x24), (3, 0x4D), (3, 0x4F), (0x0B, 0x2F),
                   (0x0B, 0x26), (0x1A, 0x20), (0x1A, 0x21), (1, 0x20), (1, 0x21), (1, 0x22), (1, 0x2D)]:
        assert needed in handled


def test_silent_port_answers_nothing() -> None:
    modem = QmiModem("mu609", "port-hung")
    assert modem.handle(H("010f0000000000012200040001010002")) == []


def test_sim_modem_ports_share_state_and_reset() -> None:
    from modem_doctor.sim import SimModem
    modem = SimModem("mu609", "ready")
    resets = []
    modem.on_reset(lambda state: resets.append(state.composition))
    assert [i["function"] for i in modem.interfaces(1)][-1] == "qmi"
    modem.at.feed(b'AT^SETPORT="A1,A2;1,3,2,16"\r')
    modem.qmi.handle(_request(2, 0x2E, {0x01: b"\x04"}))  # QMI reset
    assert resets == ["ncm"]
    assert [i["function"] for i in modem.interfaces(1)][-1] == "ncm"
    assert modem.at.echo  # the AT port rebooted too
