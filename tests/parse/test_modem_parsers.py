"""The modem-output parsers on real text: qmicli and mbimcli run against the simulators,
pyserial AT sessions with the AT simulator, uqmi and mmcli output from public issues (see
tests/fixtures/modem/SOURCE.md). Every fact keeps the line it came from."""

from __future__ import annotations

import os

import pytest

from modem_doctor.errors import InputError
from modem_doctor.load import load_example, load_text
from modem_doctor.model.common import Line
from modem_doctor.model.modem import ModemSession, facts, host_sim, sessions
from modem_doctor.parse import PARSERS, parse, parse_lines
from modem_doctor.parse._modem_common import call_end, cme_error, reject_cause

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "modem")


def _text(relative: str) -> str:
    with open(os.path.join(FIXTURES, relative), encoding="utf-8") as handle:
        return handle.read()


def _session(kind: str, relative: str) -> ModemSession:
    result = parse(kind, _text(relative))
    assert result.unparsed == (), [(u.line, u.text) for u in result.unparsed]
    return result.value


def _line(relative: str, number: int) -> str:
    return _text(relative).splitlines()[number - 1]


# ---------------------------------------------------------------- AT


def test_at_ready_huawei_every_fact_with_its_line() -> None:
    s = _session("at_transcript", "at/mu609-ready.txt")
    assert s.ident("model") == "MU609" and s.ident("imei") == "353123456789012"
    assert s.ident("iccid") == "8900100000000000001"
    assert [f.state for f in s.sim] == ["ready", "ready"]  # +CPIN and ^CPIN; ^SYSINFO 'valid' is no PIN proof
    assert (s.pins[0].pin_retries, s.pins[0].puk_retries) == (3, 10)
    csq = s.signals[0]
    assert csq.rssi_dbm == -71.0 and _line("at/mu609-ready.txt", csq.line) == "+CSQ: 21,99"
    creg = s.registrations[0]
    assert (creg.domain, creg.state, creg.tech, creg.lac) == ("cs", "home", "umts", "1234")
    assert s.operators[0].name == "Fake Tel." and s.operators[0].selection == "automatic"
    assert s.contexts[0].pdp_type == "IPV4V6" and s.contexts[0].apn == "internet"
    assert [c.address for c in s.contexts if c.address] == ["10.45.67.89"]
    usb = s.settings_of("usb")[0]
    assert (usb.name, usb.value) == ("SETPORT", "A1,A2;1,3,2,5,6,7")
    modes = {m.name: m.meaning for m in s.settings_of("mode")}
    assert modes == {"SYSCFG": "auto", "SYSCFGEX": "auto"}
    assert [e.command for e in s.errors] == ["AT+CEREG?"]  # the MU609 has no LTE: plain ERROR
    assert s.call_ends == ()


def test_at_registration_denied_cause_from_ceer() -> None:
    s = _session("at_transcript", "at/mu609-registration-denied.txt")
    denied = [f for f in s.registrations if f.state == "denied"]
    assert [f.domain for f in denied] == ["cs", "ps", "any", "any"]
    (with_cause,) = [f for f in denied if f.reject_cause is not None]
    assert with_cause.reject_cause == 11 and with_cause.reject_source == "ceer"
    assert with_cause.text == '+CEER: "MM",11,"PLMN not allowed"'
    assert reject_cause(11)["mbim"] == "plmn-not-allowed"


def test_at_wrong_apn_quectel_cme_text_and_ceer_sm_cause() -> None:
    s = _session("at_transcript", "at/ec25-wrong-apn.txt")
    first, second = s.call_ends
    assert first.protocol_error == "+CME ERROR" and (first.verbose_type, first.verbose_code) == (6, 33)
    assert first.text == "+CME ERROR: requested service option not subscribed"
    assert second.verbose_code == 33 and second.text.startswith('+CEER: "SM",33')
    assert call_end(None, "", 6, 33)["class"] == "apn"
    assert {(m.name, m.meaning) for m in s.settings} >= {("usbnet", "qmi (rmnet)"), ("nwscanmode", "auto")}
    eps = [f for f in s.registrations if f.domain == "eps"][0]
    assert (eps.state, eps.tech, eps.lac) == ("home", "lte", "1235")  # AT+CEREG=2 read form
    assert s.operators[-1].plmn == "00101" and s.operators[-1].tech == "lte"  # +QNWINFO


def test_at_sim_states_and_cme_codes() -> None:
    absent = _session("at_transcript", "at/mu609-sim-absent.txt")
    assert absent.sim[0].state == "absent" and absent.sim[0].text == "+CME ERROR: SIM not inserted"
    assert absent.errors[0].code == 10  # verbose CME text mapped back to its number
    assert cme_error(None, "SIM PUK required")[0] == 12
    puk = _session("at_transcript", "at/mu609-puk-required.txt")
    assert puk.sim[0].state == "puk" and puk.pins[0].pin_retries == 0 and puk.pins[0].puk_retries == 10
    sierra = _session("at_transcript", "at/em7455-pin-required.txt")
    assert sierra.sim[0].state == "pin"
    assert (sierra.pins[0].pin_retries, sierra.pins[0].puk_retries) == (3, 10)  # !PINREM
    usbcomp = sierra.settings_of("usb")[0]
    assert usbcomp.value == "0000010D" and usbcomp.meaning == "qmi (rmnet)"


def test_at_pin_entered_makes_the_sim_ready() -> None:
    s = _session("at_transcript", "at/chan-dongle-79-pin-entered.txt")
    assert [(f.state, f.line) for f in s.sim] == [("pin", 4), ("ready", 8)]
    assert s.errors[0].command == 'AT+CLCK="SC",0,"11111"' and s.errors[0].code == 13


def test_at_creg_n3_reject_cause_and_urc_forms() -> None:
    # 27.007 n=3 read form and the URC without <n>, as modems print them
    text = "AT+CEREG?\n+CEREG: 3,3,\"1A2B\",\"01A2D001\",7,0,15\nOK\n+CEREG: 2\n+CREG: 1,\"00C3\",\"1234\",2\n"
    s = parse("at_transcript", text).value
    first, urc, creg = s.registrations
    assert (first.state, first.tech, first.reject_cause) == ("denied", "lte", 15)
    assert urc.state == "searching" and urc.line == 4
    assert (creg.state, creg.lac, creg.tech) == ("home", "00C3", "umts")


def test_at_prose_lines_are_left_unparsed_not_guessed() -> None:
    result = parse("at_transcript", "AT+CSQ\nthe signal seems weak to me here\n+CSQ: 9,99\nOK\n")
    assert result.value.signals[0].rssi_dbm == -95.0
    assert [u.line for u in result.unparsed] == [2]


# ---------------------------------------------------------------- qmicli


def test_qmicli_ready() -> None:
    s = _session("qmicli", "qmicli/mu609-ready.txt")
    assert s.ident("model") == "MU609" and s.ident("imei") == "353123456789012"
    assert s.sim[0].state == "ready"
    assert s.pins[0].status == "disabled" and (s.pins[0].pin_retries, s.pins[0].puk_retries) == (3, 10)
    assert s.registrations[0].state == "home" and s.registrations[0].tech == "umts"
    assert s.operators[0].name == "Fake Tel." and s.operators[0].plmn == "00101"
    assert s.data_formats[0].link_layer == "raw-ip"
    assert s.signals[0].rssi_dbm == -71.0 and s.signals[0].tech == "umts"
    assert s.call_ends == ()
    assert s.bearers[0].connected is True and s.bearers[-1].address == "10.45.67.89"


def test_qmicli_call_end_reasons_with_the_family_from_the_command() -> None:
    s = _session("qmicli", "qmicli/mu609-ipv6-refused.txt")
    (end,) = s.call_ends
    assert (end.protocol_error, end.reason_code, end.reason) == ("CallFailed", 1014, "gsm-wcdma-unknown-pdp")
    assert (end.verbose_type, end.verbose_code, end.verbose_reason) == (6, 50, "ipv4-only-allowed")
    assert end.ip_family == 6  # from the '# qmicli ... ip-type=6' line
    assert call_end(end.reason_code, end.reason, 6, 50)["class"] == "pdp-type"
    wrong = _session("qmicli", "qmicli/mu609-wrong-apn.txt")
    assert [e.reason for e in wrong.call_ends] == ["gsm-wcdma-option-unsubscribed"] * 2


def test_qmicli_sim_pin_puk_and_errors() -> None:
    absent = _session("qmicli", "qmicli/mu609-sim-absent.txt")
    assert absent.sim[0].state == "absent" and absent.sim[0].text.strip() == "Card state: 'absent'"
    assert ("UimUninitialized", 37) in [(e.error, e.code) for e in absent.errors]
    assert absent.call_ends[0].reason == "generic-no-service"
    pin = _session("qmicli", "qmicli/mu609-pin-required.txt")
    assert pin.sim[0].state == "pin" and pin.pins[-1].status == "not-verified"
    puk = _session("qmicli", "qmicli/mu609-puk-required.txt")
    assert puk.pins[-1].status == "blocked" and puk.pins[-1].pin_retries == 0
    denied = _session("qmicli", "qmicli/mu609-registration-denied.txt")
    assert denied.registrations[0].state == "denied"
    searching = _session("qmicli", "qmicli/mu609-no-coverage.txt")
    assert searching.registrations[0].state == "searching"


# ---------------------------------------------------------------- mbimcli


def test_mbimcli_ready_and_denied_with_network_error() -> None:
    ready = _session("mbimcli", "mbimcli/em7455-ready.txt")
    assert ready.ident("imei") == "353123456789037" and ready.ident("iccid") == "8900100000000000001"
    assert ready.sim[0].state == "ready" and ready.registrations[0].state == "home"
    assert ready.registrations[0].tech == "lte" and ready.operators[0].name == "Fake Tel."
    assert ready.signals[0].rssi_dbm == -65.0  # RSSI index 24
    assert ready.bearers[0].connected is True and ready.bearers[0].ip_type == "ipv4v6"
    denied = _session("mbimcli", "mbimcli/em7455-registration-denied.txt")
    (reg,) = denied.registrations
    assert (reg.state, reg.reject_cause, reg.reject_source) == ("denied", 11, "mbim-nw-error")
    assert "plmn-not-allowed" in reg.text
    absent = _session("mbimcli", "mbimcli/em7455-sim-absent.txt")
    assert [f.state for f in absent.sim] == ["absent", "absent", "absent"]
    pin = _session("mbimcli", "mbimcli/em7455-pin-required.txt")
    assert pin.sim[0].state == "pin" and pin.pins[0].pin_retries == 3


# ---------------------------------------------------------------- uqmi


def test_uqmi_pin_status_single_line_json() -> None:
    s = _session("uqmi", "uqmi/openwrt-9501-pin-status.txt")
    assert [(p.status, p.pin_retries, p.puk_retries) for p in s.pins] == [("disabled", 3, 10)] * 2
    assert [c.command.split()[-1] for c in s.commands] == ["--get-pin-statu", "--uim-get-sim-state"]


def test_uqmi_pretty_printed_objects_and_strings() -> None:
    s = _session("uqmi", "uqmi/openwrt-wiki-ltedongle.txt")
    assert s.registrations[0].state == "home"
    assert (s.operators[0].name, s.operators[0].plmn) == ("OperatorName", "12345")
    sig = s.signals[0]
    assert (sig.tech, sig.rssi_dbm, sig.rsrp_dbm, sig.rsrq_db) == ("lte", -71.0, -94.0, -9.0)
    assert (s.contexts[0].pdp_type, s.contexts[0].apn) == ("IPV4V6", "internet")
    assert s.bearers[0].connected is False and s.bearers[0].text == '"disconnected"'


def test_uqmi_start_network_error_with_family() -> None:
    s = _session("uqmi", "uqmi/lede-238-no-effect.txt")
    (end,) = s.call_ends
    assert end.protocol_error == "No effect" and end.ip_family == 4 and end.line == 4


def test_uqmi_data_format_unknown_with_packet_dump() -> None:
    s = _session("uqmi", "uqmi/openwrt-9664-data-format-unknown.txt")
    (fmt,) = s.data_formats
    assert fmt.link_layer == "unknown" and fmt.line == 6
    host = load_text(_text("uqmi/openwrt-9664-data-format-unknown.txt"), "paste.txt")
    assert [(a.kind, a.first_line, a.last_line) for a in host.artifacts] == [("uqmi", 2, 8)]


def test_uqmi_processes_from_a_ps_listing() -> None:
    s = _session("uqmi", "uqmi/openwrt-10472-hung-uqmi-ps.txt")
    assert [p.command.split()[0] for p in s.processes] == ["{qmi.sh}", "uqmi"]
    assert s.processes[1].line == 2 and not s.is_empty


def test_uqmi_transport_errors() -> None:
    s = parse("uqmi", 'root@OpenWrt:~# uqmi -d /dev/cdc-wdm0 --get-signal-info\nRequest timed out\n'
                      '"Failed to connect to service"\n').value
    assert [t.message for t in s.transport] == ["Request timed out", '"Failed to connect to service"']


# ---------------------------------------------------------------- mmcli


def test_mmcli_failed_sim_missing() -> None:
    s = _session("mmcli", "mmcli/xmm7360-227-sim-missing.txt")
    (state,) = s.manager
    assert (state.state, state.failed_reason, state.power_state) == ("failed", "sim-missing", "low")
    assert s.sim[0].state == "absent" and s.ident("manufacturer") == "Fibocom"


def test_mmcli_status_lock_and_signal() -> None:
    s = _session("mmcli", "mmcli/openmptcprouter-3979-status.txt")
    assert s.manager[0].state == "connected" and s.signals[0].quality_percent == 38
    assert s.operators[0].tech == "lte" and s.sim == ()  # a sim-pin2 lock does not stop data


def test_mmcli_connected_modem_and_its_bearer() -> None:
    s = _session("mmcli", "mmcli/howto-rm500q-connected.txt")
    assert s.ident("model") == "RM500Q-GL" and s.manager[0].state == "connected"
    assert s.registrations[0].state == "home"
    assert [(o.name, o.plmn) for o in s.operators if o.name] == [("Verizon", "311480")]
    assert (s.contexts[0].apn, s.contexts[0].pdp_type) == ("ims", "IPV4V6")  # the initial EPS bearer
    (bearer,) = s.bearers
    assert (bearer.connected, bearer.apn, bearer.address) == (True, "fast.t-mobile.com", "25.21.113.165")
    host = load_text(_text("mmcli/howto-rm500q-connected.txt"), "paste.txt")
    assert [a.command for a in host.artifacts] == ["mmcli -m 0", "mmcli --bearer 1"]


def test_mmcli_old_format_with_quoted_values() -> None:
    s = _session("mmcli", "mmcli/orange-be-old-quoted.txt")
    assert (s.ident("manufacturer"), s.ident("revision")) == ("Sierra", "FIH7160_V1.2_WW_01.1415.07")
    assert s.manager[0].state == "registered" and s.manager[0].power_state == "on"
    assert s.sim[0].state == "ready" and s.registrations[0].state == "home"
    assert [(o.name, o.plmn) for o in s.operators if o.name] == [("B Mobistar", "20610")]
    assert s.signals[0].quality_percent == 0
    (bearer,) = s.bearers
    assert (bearer.connected, bearer.apn, bearer.address) == (True, "mworld.be", "10.226.10.47")


# ---------------------------------------------------------------- pastes and robustness


def test_pasted_transcripts_land_in_the_modem_area() -> None:
    host = load_text(_text("qmicli/mu609-wrong-apn.txt"), "paste.txt")
    assert {a.kind for a in host.artifacts} == {"qmicli"}
    assert len(sessions(host)) == len(host.artifacts)
    assert host_sim(host)[1].state == "ready"  # type: ignore[index]
    assert [f.reason for _, f in facts(host, "call_ends")] == ["gsm-wcdma-option-unsubscribed"] * 2
    at = load_text(_text("at/mu609-registration-denied.txt"), "at.txt")
    assert [a.kind for a in at.artifacts] == ["at_transcript"]


def test_forum_post_ati_answer_without_command_and_usbcomp() -> None:
    # bundled example mc7455-usbcomp (OpenWrt forum 125706): an ATI answer pasted without
    # 'ATI', then AT!USBCOMP? before and after the switch; the sentence after it stays prose
    host = load_example("mc7455-usbcomp")
    at = [(a.first_line, a.last_line) for a in host.artifacts if a.kind == "at_transcript"]
    assert at == [(7, 15), (23, 37)]
    ident, comp = [s for _, s in sessions(host)]
    assert (ident.ident("model"), ident.ident("imei")) == ("MC7455", "359072062755802")
    assert [(f.value, f.meaning) for f in comp.settings] == [("0000100D", "mbim"), ("0000010D", "qmi (rmnet)")]
    assert host.unparsed == ()


@pytest.mark.parametrize("kind", ["at_transcript", "qmicli", "uqmi", "mbimcli", "mmcli"])
def test_registered_and_refuses_non_text(kind: str) -> None:
    assert kind in PARSERS
    with pytest.raises(InputError):
        parse(kind, b"AT+CSQ")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        parse_lines(kind, "AT+CSQ")  # type: ignore[arg-type]
    assert parse_lines(kind, (Line(7, ""),)).value.is_empty


def test_uqmi_survives_absurd_nesting() -> None:
    result = parse("uqmi", '{"a":' * 50000 + "1" + "}" * 50000)
    assert result.value.is_empty and result.unparsed[0].reason == "broken JSON"
