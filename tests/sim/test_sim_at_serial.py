"""pyserial holds AT dialogues with every AT profile in every scenario, over a real pty."""

from __future__ import annotations

import re
import time

import pytest

from modem_doctor.sim.profiles import scenario_names

serial = pytest.importorskip("serial", reason="pyserial not installed (pip install '.[serial]')")

FINAL = re.compile(rb"\r\n(OK|ERROR|\+CME ERROR: [^\r]*)\r\n$")
PROFILES = ("mu609", "ec25", "em7455")


class Port:
    def __init__(self, path: str) -> None:
        self.serial = serial.Serial(path, 115200, timeout=0.05)

    def cmd(self, text: str, timeout: float = 3.0) -> str:
        """Send one command line and read up to its final result code."""
        self.serial.write(text.encode("ascii") + b"\r")
        data = b""
        deadline = time.monotonic() + timeout
        while not FINAL.search(data):
            if time.monotonic() > deadline:
                raise AssertionError(f"no final result for {text!r}; got {data!r}")
            data += self.serial.read(self.serial.in_waiting or 1)
        return data.decode("latin-1")

    def close(self) -> None:
        self.serial.close()


@pytest.fixture
def port(sim):
    opened = []

    def make(profile: str, scenario: str = "ready", **kw: object) -> Port:
        p = Port(sim("at", profile, scenario, **kw).link)
        opened.append(p)
        return p
    yield make
    for p in opened:
        p.close()


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("scenario", [s for s in scenario_names() if s != "port-hung"])
def test_dialogue_in_every_scenario(port, profile: str, scenario: str) -> None:
    p = port(profile, scenario)
    assert p.cmd("ATE0").endswith("\r\nOK\r\n")  # echo of this line, then OK
    assert p.cmd("AT+CMEE=1") == "\r\nOK\r\n"
    ati = p.cmd("ATI")
    assert ati.endswith("\r\nOK\r\n") and profile.upper()[:4] in ati.upper().replace("-", "")
    assert re.search(r"\r\n35312345678\d{4}\r\n", p.cmd("AT+CGSN"))
    cpin = p.cmd("AT+CPIN?")
    csq = p.cmd("AT+CSQ")
    creg = p.cmd("AT+CREG?")
    assert re.search(r"\+CSQ: \d+,\d+", csq)
    if scenario == "sim-absent":
        assert cpin == "\r\n+CME ERROR: 10\r\n"
        assert "+CREG: 0,0" in creg
    elif scenario == "pin-required":
        assert "+CPIN: SIM PIN" in cpin
        assert p.cmd("AT+CIMI") == "\r\n+CME ERROR: 11\r\n"
    elif scenario == "puk-required":
        assert "+CPIN: SIM PUK" in cpin
    elif scenario == "sim-blocked":
        assert cpin == "\r\n+CME ERROR: 13\r\n"
    else:
        assert "+CPIN: READY" in cpin
        assert "001010123456789" in p.cmd("AT+CIMI")
    if scenario == "registration-denied":
        assert "+CREG: 0,3" in creg
        assert "PLMN not allowed" in p.cmd("AT+CEER")
    if scenario in ("no-coverage",):
        assert "+CREG: 0,2" in creg and "+CSQ: 99,99" in csq
    if scenario in ("ready", "roaming", "wrong-apn", "ipv6-refused", "raw-ip-only"):
        assert re.search(r"\+CREG: 0,[15]", creg)
        assert "+COPS: 0,0," in p.cmd("AT+COPS?")
    if scenario == "lte-only-mode-on-3g-module":
        assert ("+CREG: 0,2" in creg) == (profile == "mu609")
    if scenario == "no-3g-network":
        assert ("+CREG: 0,2" in creg) == (profile == "mu609")
    assert p.cmd("AT+NOSUCHCMD") == "\r\nERROR\r\n"


def test_echo_on_by_default_and_off_after_ate0(port) -> None:
    p = port("mu609")
    assert p.cmd("AT") == "AT\r\r\nOK\r\n"
    p.cmd("ATE0")
    assert p.cmd("AT") == "\r\nOK\r\n"


def test_cme_error_forms(port) -> None:
    p = port("ec25", "sim-absent")
    p.cmd("ATE0")
    assert p.cmd("AT+CMEE=0") == "\r\nOK\r\n"
    assert p.cmd("AT+CPIN?") == "\r\nERROR\r\n"
    p.cmd("AT+CMEE=1")
    assert p.cmd("AT+CPIN?") == "\r\n+CME ERROR: 10\r\n"
    p.cmd("AT+CMEE=2")
    assert p.cmd("AT+CPIN?") == "\r\n+CME ERROR: SIM not inserted\r\n"


def test_pin_entry_raises_registration_urc(port) -> None:
    p = port("ec25", "pin-required")
    p.cmd("ATE0")
    p.cmd("AT+CEREG=2")
    p.serial.write(b'AT+CPIN="1234"\r')
    data, deadline = b"", time.monotonic() + 3
    while b"+CEREG: 1," not in data and time.monotonic() < deadline:
        data += p.serial.read(p.serial.in_waiting or 1)
    # The final result first, then the URC the registration raised.
    assert data.startswith(b"\r\nOK\r\n")
    assert b'\r\n+CEREG: 1,"1235","01234567",7\r\n' in data


def test_reject_cause_reported_with_n_3(port) -> None:
    p = port("ec25", "registration-denied")
    p.cmd("ATE0")
    p.cmd("AT+CEREG=3")
    assert '+CEREG: 3,3,"1235","01234567",7,0,11' in p.cmd("AT+CEREG?")


def test_huawei_setport_changes_composition_after_reset(sim) -> None:
    simulator = sim("at", "mu609")
    p = Port(simulator.link)
    try:
        p.cmd("ATE0")
        assert "^SETPORT:A1,A2;1,3,2,5,6,7" in p.cmd("AT^SETPORT?")
        assert p.cmd('AT^SETPORT="A1,A2;1,3,2,16"') == "\r\nOK\r\n"
        assert simulator.engine.state.composition == "qmi-ecm"  # not before the reset
        assert p.cmd("AT^RESET") .endswith("OK\r\n")
        assert simulator.engine.reset_requested
        assert simulator.engine.state.composition == "ncm"
    finally:
        p.close()


def test_quectel_usbnet_applies_after_cfun_reset(sim) -> None:
    simulator = sim("at", "ec25")
    p = Port(simulator.link)
    try:
        p.cmd("ATE0")
        assert '+QCFG: "usbnet",0' in p.cmd('AT+QCFG="usbnet"')
        p.cmd('AT+QCFG="usbnet",2')
        assert simulator.engine.state.composition == "qmi"
        p.cmd("AT+CFUN=1,1")
        assert simulator.engine.state.composition == "mbim"
        data, deadline = b"", time.monotonic() + 3
        while b"+QIND: PB DONE" not in data and time.monotonic() < deadline:
            data += p.serial.read(p.serial.in_waiting or 1)
        assert data.startswith(b"\r\nRDY\r\n")
    finally:
        p.close()


def test_sierra_usbcomp_needs_unlock_and_reset(sim) -> None:
    simulator = sim("at", "em7455")
    p = Port(simulator.link)
    try:
        p.cmd("ATE0")
        assert p.cmd("AT!USBCOMP?") == "\r\nERROR\r\n"
        p.cmd('AT!ENTERCND="A710"')
        assert "0000010D (diag,nmea,modem,rmnet0)" in p.cmd("AT!USBCOMP?")
        p.cmd("AT!USBCOMP=1,1,0000100D")
        p.cmd("AT!RESET")
        assert simulator.engine.state.composition == "mbim"
    finally:
        p.close()


def test_vendor_signal_and_mode_commands(port) -> None:
    huawei = port("mu609")
    huawei.cmd("ATE0")
    assert '^HCSQ:"WCDMA",49,36,52' in huawei.cmd("AT^HCSQ?")
    assert "^SYSINFO:2,3,0,5,1,,7" in huawei.cmd("AT^SYSINFO")
    assert '^SYSCFGEX: "00"' in huawei.cmd("AT^SYSCFGEX?")
    quectel = port("ec25")
    quectel.cmd("ATE0")
    assert '+QNWINFO: "FDD LTE","00101","LTE BAND 3",1300' in quectel.cmd("AT+QNWINFO")
    assert '+QCSQ: "LTE",-65,-95,160,-9' in quectel.cmd("AT+QCSQ")
    assert '+QCFG: "nwscanmode",0' in quectel.cmd('AT+QCFG="nwscanmode"')
    sierra = port("em7455")
    sierra.cmd("ATE0")
    assert "System mode:   LTE" in sierra.cmd("AT!GSTATUS?")
    assert "!SELRAT: 00, Automatic" in sierra.cmd("AT!SELRAT?")


def test_pdp_context_and_activation(port) -> None:
    p = port("mu609", "wrong-apn")
    p.cmd("ATE0")
    p.cmd("AT+CMEE=1")
    assert '+CGDCONT: 1,"IPV4V6","internet","",0,0' in p.cmd("AT+CGDCONT?")
    assert p.cmd("AT+CGACT=1,1") == "\r\n+CME ERROR: 133\r\n"
    assert '+CEER: "SM",33,"requested service option not subscribed"' in p.cmd("AT+CEER")
    p.cmd('AT+CGDCONT=1,"IP","fake.operator.apn"')
    assert p.cmd("AT+CGACT=1,1") == "\r\nOK\r\n"
    assert '+CGPADDR: 1,"10.45.67.89"' in p.cmd("AT+CGPADDR=1")
    assert "+CGACT: 1,1" in p.cmd("AT+CGACT?")


def test_hung_port_answers_nothing(port) -> None:
    p = port("mu609", "port-hung")
    p.serial.write(b"AT\r")
    time.sleep(0.3)
    assert p.serial.in_waiting == 0


def test_apn_credentials(port) -> None:
    p = port("ec25", "apn-auth-failed")
    p.cmd("ATE0")
    p.cmd("AT+CMEE=1")
    assert p.cmd("AT+CGACT=1,1") == "\r\n+CME ERROR: 149\r\n"
    assert '"SM",29,"user authentication failed"' in p.cmd("AT+CEER")
    p.cmd('AT+CGAUTH=1,1,"fake","fake"')
    assert p.cmd("AT+CGACT=1,1") == "\r\nOK\r\n"
