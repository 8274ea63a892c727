"""AT engine from tables of literal bytes in and out (no pty)."""

from __future__ import annotations

import time

import pytest

from modem_doctor.sim.at import AtModem, split_args

# (profile, scenario, [(bytes in, bytes out), ...]) -- each dialogue runs on a fresh modem.
DIALOGUES = [
    ("mu609", "ready", [
        (b"AT\r", b"AT\r\r\nOK\r\n"),
        (b"ATE0\r", b"ATE0\r\r\nOK\r\n"),
        (b"AT\r", b"\r\nOK\r\n"),
        (b"\r", b""),
        (b"\n", b""),
        (b"garbage\r", b""),
        (b"AT+CSQ\r", b"\r\n+CSQ: 21,99\r\n\r\nOK\r\n"),
        (b"AT+CGMI;+CGMM\r", b"\r\nHuawei Technologies Co., Ltd.\r\nMU609\r\n\r\nOK\r\n"),
        (b"AT+CEREG?\r", b"\r\nERROR\r\n"),  # no LTE on the MU609
        (b"AT+CREG=2;+CREG?\r", b'\r\n+CREG: 2,1,"1234","01234567",6\r\n\r\nOK\r\n'),
        (b"AT+CGREG?\r", b"\r\n+CGREG: 0,1\r\n\r\nOK\r\n"),
        (b"AT^SETPORT?\r", b"\r\n^SETPORT:A1,A2;1,3,2,5,6,7\r\n\r\nOK\r\n"),
        (b'AT^SETPORT="A1,A2;1,99"\r', b"\r\nERROR\r\n"),
        (b"AT^SYSCFG?\r", b"\r\n^SYSCFG:2,0,3FFFFFFF,1,2\r\n\r\nOK\r\n"),
        (b"AT^SYSCFG=14,2,3FFFFFFF,1,2\r", b"\r\nOK\r\n"),
        (b"AT^SYSCFGEX?\r", b'\r\n^SYSCFGEX: "02",3FFFFFFF,1,2,7FFFFFFFFFFFFFFF\r\n\r\nOK\r\n'),
        (b"AT+BOGUS\r", b"\r\nERROR\r\n"),
        (b"ATV0\r", b"0\r"),
        (b"AT+BOGUS\r", b"4\r"),
        (b"ATV1\r", b"\r\nOK\r\n"),
    ]),
    ("mu609", "ready", [
        (b"A", b"A"), (b"T", b"T"), (b"X\x08", b"X\x08"), (b"+CGSN\r", b"+CGSN\r\r\n353123456789012\r\n\r\nOK\r\n"),
    ]),
    ("ec25", "sim-absent", [
        (b"ATE0+CMEE=2\r", b"ATE0+CMEE=2\r\r\nOK\r\n"),
        (b"AT+CPIN?\r", b"\r\n+CME ERROR: SIM not inserted\r\n"),
        (b"AT+CMEE=1;+CIMI\r", b"\r\n+CME ERROR: 10\r\n"),
        (b"AT+QCCID\r", b"\r\n+CME ERROR: 10\r\n"),
        (b"AT+CEREG?\r", b"\r\n+CEREG: 0,0\r\n\r\nOK\r\n"),
    ]),
    ("ec25", "puk-required", [
        (b"ATE0\r", b"ATE0\r\r\nOK\r\n"),
        (b"AT+CMEE=1\r", b"\r\nOK\r\n"),
        (b"AT+CPIN?\r", b"\r\n+CPIN: SIM PUK\r\n\r\nOK\r\n"),
        (b"AT+QPINC?\r", b'\r\n+QPINC: "SC",0,10\r\n+QPINC: "P2",3,10\r\n\r\nOK\r\n'),
        (b'AT+CPIN="11111111","4321"\r', b"\r\n+CME ERROR: 16\r\n"),
        (b'AT+CPIN="12345678","4321"\r', b"\r\nOK\r\n\r\n+CPIN: READY\r\n"),
        (b"AT+CPIN?\r", b"\r\n+CPIN: READY\r\n\r\nOK\r\n"),
    ]),
    ("ec25", "registration-denied", [
        (b"ATE0;+CEREG=3;+CGREG=2\r", b"ATE0;+CEREG=3;+CGREG=2\r\r\nOK\r\n"),
        (b"AT+CEREG?\r", b'\r\n+CEREG: 3,3,"1235","01234567",7,0,11\r\n\r\nOK\r\n'),
        (b"AT+CGREG?\r", b'\r\n+CGREG: 2,3,"1235","01234567",7,"01"\r\n\r\nOK\r\n'),
        (b"AT+CEER\r", b'\r\n+CEER: "EMM",11,"PLMN not allowed"\r\n\r\nOK\r\n'),
        (b"AT+QNWINFO\r", b"\r\n+QNWINFO: No Service\r\n\r\nOK\r\n"),
    ]),
    ("em7455", "no-coverage", [
        (b"ATE0\r", b"ATE0\r\r\nOK\r\n"),
        (b"AT+CSQ\r", b"\r\n+CSQ: 99,99\r\n\r\nOK\r\n"),
        (b"AT+CESQ\r", b"\r\n+CESQ: 99,99,255,255,255,255\r\n\r\nOK\r\n"),
        (b"AT+CEREG?\r", b"\r\n+CEREG: 0,2\r\n\r\nOK\r\n"),
        (b"AT+COPS?\r", b"\r\n+COPS: 0\r\n\r\nOK\r\n"),
    ]),
    ("mu609", "ipv6-refused", [
        (b"ATE0\r", b"ATE0\r\r\nOK\r\n"),
        (b'AT^NDISDUP=1,1,"internet"\r',
         b'\r\nOK\r\n\r\n^NDISSTAT:1,,,"IPV4"\r\n\r\n^NDISSTAT:0,50,,"IPV6"\r\n'),
        (b"AT^NDISSTATQRY?\r", b'\r\n^NDISSTATQRY: 1,,,"IPV4",0,,,"IPV6"\r\n\r\nOK\r\n'),
        (b'AT+CEER\r', b'\r\n+CEER: "SM",50,"PDP type IPv4 only allowed"\r\n\r\nOK\r\n'),
    ]),
]


@pytest.mark.parametrize("profile,scenario,dialogue", DIALOGUES)
def test_dialogue(profile: str, scenario: str, dialogue) -> None:
    modem = AtModem(profile, scenario)
    for sent, expected in dialogue:
        assert modem.feed(sent) == expected, sent


def test_split_args() -> None:
    assert split_args('1,"IP","a,b",,x') == ["1", "IP", "a,b", "", "x"]
    assert split_args(' 2 ') == ["2"]


def test_composition_changes_only_after_reset() -> None:
    modem = AtModem("ec25", "ready")
    modem.feed(b'AT+QCFG="usbnet",1\r')
    assert modem.state.composition == "qmi" and not modem.reset_requested
    assert modem.feed(b'AT+QCFG="usbnet"\r').endswith(b'+QCFG: "usbnet",1\r\n\r\nOK\r\n')
    modem.feed(b"AT+CFUN=1,1\r")
    assert modem.reset_requested and modem.state.composition == "ecm"
    assert modem.echo  # settings back to defaults after the reboot


def test_boot_urcs_arrive_after_the_reset() -> None:
    modem = AtModem("ec25", "ready", overrides=None)
    modem.at_conf["boot_delay"] = 0.05
    modem.feed(b"ATE0\r")
    assert modem.feed(b"AT+CFUN=1,1\r") == b"\r\nOK\r\n"
    time.sleep(0.1)
    assert modem.take_unsolicited().startswith(b"\r\nRDY\r\n")


def test_getportmode_hangs_the_mu609_port() -> None:
    modem = AtModem("mu609", "ready")
    modem.at_conf["hangs"] = {"^GETPORTMODE": 0.2}
    assert modem.feed(b"AT^GETPORTMODE\r") == b"AT^GETPORTMODE\r"
    assert modem.feed(b"AT\r") == b""
    time.sleep(0.25)
    assert modem.feed(b"AT\r") == b"AT\r\r\nOK\r\n"


def test_huawei_rssi_urc_when_registration_changes() -> None:
    modem = AtModem("mu609", "lte-only-mode-on-3g-module")
    modem.feed(b"ATE0\r")
    out = modem.feed(b'AT^SYSCFGEX="00",3FFFFFFF,1,2,7FFFFFFFFFFFFFFF\r')
    assert out == b"\r\nOK\r\n\r\n^RSSI:21\r\n"


def test_timed_event_changes_registration_and_raises_urc() -> None:
    events = [{"after": 0.2, "set": {"registration.state": "home"}}]
    modem = AtModem("ec25", "slow-registration", overrides={"events": events})
    modem.feed(b"ATE0;+CEREG=1\r")
    assert modem.feed(b"AT+CEREG?\r") == b"\r\n+CEREG: 1,2\r\n\r\nOK\r\n"
    time.sleep(0.25)
    assert modem.take_unsolicited() == b"\r\n+CEREG: 1\r\n"
    assert modem.feed(b"AT+CEREG?\r") == b"\r\n+CEREG: 1,1\r\n\r\nOK\r\n"


def test_change_made_on_another_port_raises_urc() -> None:
    from modem_doctor.sim import SimModem
    modem = SimModem("ec25", "pin-required")
    modem.at.feed(b"ATE0;+CEREG=1\r")
    modem.state.verify_pin("1234")  # as if entered over QMI
    assert modem.at.take_unsolicited() == b"\r\n+CEREG: 1\r\n"
