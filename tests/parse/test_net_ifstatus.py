"""netifd status parser on real ``ifstatus`` / ``ubus call`` output, whole and cut."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from modem_doctor.model.common import Line, to_jsonable
from modem_doctor.parse import ifstatus

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "net"


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_two_outputs_and_an_error_code() -> None:
    parsed = ifstatus.parse(read("ifstatus_openconnect_packages780.txt"))
    assert parsed.unparsed == ()
    before, after = parsed.value.statuses
    assert before.interface == after.interface == "moooc1"  # from '# ifstatus moooc1'
    assert (before.up, before.pending, before.available, before.autostart) == (False, False, False, True)
    assert before.errors == () and before.complete and before.data == () and before.zone == ""
    assert after.proto == "openconnect"
    (error,) = after.errors
    assert (error.subsystem, error.code, error.line) == ("interface", "NO_DEVICE", 27)
    assert after.error_codes() == ("NO_DEVICE",)
    assert (after.line, after.last_line) == (15, 30)


def test_cut_short_status_is_read_up_to_the_cut() -> None:
    parsed = ifstatus.parse(read("ifstatus_att_omr3542_truncated.txt"))
    assert parsed.unparsed == ()
    (status,) = parsed.value.statuses
    assert status.interface == "ATT" and not status.complete
    assert (status.up, status.proto, status.device, status.l3_device, status.uptime, status.metric) == (
        True, "dhcp", "eth0.4", "eth0.4", 4340, 5,
    )  # fmt: skip
    assert [a.cidr for a in status.ipv4_addresses] == ["192.168.2.73/24"]
    assert status.dns_servers == ("10.255.254.1", "1.0.0.2", "1.1.1.2")
    assert status.routes == ()


def test_dump_fragments() -> None:
    parsed = ifstatus.parse(read("ubus_dump_luci3076_fragment.txt"))
    assert parsed.unparsed == ()
    four_g, lan = parsed.value.statuses
    assert (four_g.interface, four_g.proto, four_g.up, four_g.line) == ("4G", "3g", False, 5)
    assert four_g.complete  # only the last member of a cut dump is incomplete
    assert (lan.interface, lan.l3_device, lan.line) == ("lan", "br-lan", 17)
    assert [a.cidr for a in lan.ipv4_addresses] == ["192.168.1.1/24"]
    assert not lan.complete

    qmi = ifstatus.parse(read("ubus_dump_luci3076_qmi_fragment.txt"))
    (sim2,) = qmi.value.statuses
    assert (sim2.interface, sim2.proto, sim2.l3_device, sim2.up, sim2.uptime) == ("sim2", "qmi", "wwan0", True, 209)
    assert sim2.ipv4_addresses == () and not sim2.complete
    # the closing braces of the member before it are not readable on their own
    assert [u.line for u in qmi.unparsed] == [1, 2]


def test_qmi_error_codes() -> None:
    # The real output's error object with qmi.sh's subsystem and codes put in its place
    # (proto_notify_error writes the handler name and the code; see openwrt-stack.md 2.1),
    # and a second error added the way netifd lists several.
    real = read("ifstatus_openconnect_packages780.txt").splitlines()[13:]  # the second output
    text = "\n".join(real).replace('"interface"', '"qmi"').replace("NO_DEVICE", "CALL_FAILED")
    text = text.replace('"proto": "openconnect"', '"proto": "qmi"')
    second = '                },\n                {\n                        "subsystem": "qmi",\n                        "code": "PIN_FAILED"\n'
    text = text.replace('                        "code": "CALL_FAILED"\n', '                        "code": "CALL_FAILED"\n' + second)
    parsed = ifstatus.parse(text)
    assert parsed.unparsed == ()
    (status,) = parsed.value.statuses
    assert status.interface == "moooc1" and status.proto == "qmi" and status.complete
    assert [(e.subsystem, e.code, e.line) for e in status.errors] == [("qmi", "CALL_FAILED", 14), ("qmi", "PIN_FAILED", 18)]


def test_curly_quotes_collapsed_spaces_and_json_serialisable() -> None:
    text = "".join(
        ("\u201c" if index % 2 == 1 else "\u201d") + piece if index else piece
        for index, piece in enumerate(read("ifstatus_openconnect_packages780.txt").split('"'))
    )  # every quote curled, opening and closing, as forum software does
    assert '"' not in text
    text = "\n".join(" ".join(line.split()) for line in text.splitlines())  # indentation lost
    parsed = ifstatus.parse(text)
    assert parsed.unparsed == ()
    assert [(s.interface, s.up) for s in parsed.value.statuses] == [("moooc1", False), ("moooc1", False)]
    assert parsed.value.statuses[1].errors[0].code == "NO_DEVICE"
    json.loads(json.dumps(to_jsonable(parsed)))


def test_one_line_json_as_ubus_S_prints_it() -> None:
    # 'ubus -S' prints the same object on one line: the real second output, compacted.
    real = "\n".join(read("ifstatus_openconnect_packages780.txt").splitlines()[14:])
    one_line = json.dumps(json.loads(real), separators=(",", ":"))
    text = "root@OpenWrt:~# ubus -S call network.interface.moooc1 status\n" + one_line + "\n"
    (status,) = ifstatus.parse(text).value.statuses
    assert status.interface == "moooc1" and status.complete and status.autostart is True
    assert [(e.code, e.line) for e in status.errors] == [("NO_DEVICE", 2)]


def test_original_line_numbers() -> None:
    raw = read("ifstatus_openconnect_packages780.txt").splitlines()
    parsed = ifstatus.parse_lines([Line(300 + i, text) for i, text in enumerate(raw)])
    assert parsed.value.statuses[1].errors[0].line == 326


def test_junk_is_unparsed() -> None:
    parsed = ifstatus.parse('Hi all,\n{ this is not json\n"up": true\n')
    assert parsed.value.statuses == ()
    assert [u.line for u in parsed.unparsed] == [1, 2, 3]


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=700))
def test_every_truncation_of_a_real_status_reads_its_beginning(cut: int) -> None:
    whole = read("ifstatus_att_omr3542_truncated.txt")
    parsed = ifstatus.parse(whole[:cut])
    for status in parsed.value.statuses:
        assert status.interface == "ATT"
        assert status.up in (None, True)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet='{}[]",:01 \n"abcnul-tre', max_size=300))
def test_json_like_noise_never_raises(text: str) -> None:
    ifstatus.parse(text)


def test_interface_not_found() -> None:
    # /sbin/ifstatus prints this when netifd has no such interface (see the module docstring).
    parsed = ifstatus.parse("root@OpenWrt:~# ifstatus wwan\nInterface wwan not found\n")
    (status,) = parsed.value.statuses
    assert (status.interface, status.exists, status.line) == ("wwan", False, 2)
    assert parsed.unparsed == ()


def test_interface_named_in_the_ubus_argument() -> None:
    # /sbin/ifstatus itself runs: ubus call network.interface status '{ "interface" : "NAME" }'
    body = read("ifstatus_att_omr3542_truncated.txt").splitlines()[1:]
    text = "# ubus call network.interface status '{ \"interface\" : \"ATT\" }'\n" + "\n".join(body)
    (status,) = ifstatus.parse(text).value.statuses
    assert (status.interface, status.up, status.proto, status.l3_device) == ("ATT", True, "dhcp", "eth0.4")



def test_cut_right_after_the_error_code_keeps_it() -> None:
    whole = read("ifstatus_openconnect_packages780.txt").splitlines()
    cut = "\n".join(whole[:27])  # ends with '"code": "NO_DEVICE"', before any closing brace
    parsed = ifstatus.parse(cut)
    assert parsed.unparsed == ()
    last = parsed.value.statuses[-1]
    assert not last.complete and [(e.subsystem, e.code, e.line) for e in last.errors] == [("interface", "NO_DEVICE", 27)]


def test_curly_quote_inside_a_straight_string_is_kept() -> None:
    real = read("ifstatus_att_omr3542_truncated.txt").replace('"proto": "dhcp"', '"proto": "dhcp\u201d"')
    (status,) = ifstatus.parse(real).value.statuses
    assert status.proto == "dhcp\u201d" and status.l3_device == "eth0.4"
