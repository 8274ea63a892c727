"""logread parser: golden expectations on real syslog text (see fixtures/log/SOURCE.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from modem_doctor.model.common import Line, number_lines
from modem_doctor.model.log import LogEventKind as K
from modem_doctor.model.log import LogSource
from modem_doctor.parse import dmesg, logread

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "log"


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_qmi_handler_failure_sequence() -> None:
    result = logread.parse(read("github-lede-238-logread-uqmi.txt"))
    log = result.value
    assert log.source is LogSource.LOGREAD and result.unparsed == ()
    first = log.entries[0]
    assert (first.wallclock, first.facility, first.level, first.process) == (
        "Fri Aug 5 12:19:40 2016", "daemon", "notice", "netifd",
    )
    kinds = [(e.kind, e.subject) for e in log.events]
    assert kinds[0] == (K.INTERFACE_SETUP, "wan")
    errors = log.events_of(K.PROTO_ERROR)
    assert [(e.detail, e.attr("code"), e.attr("pid")) for e in errors] == [
        ("Unable to connect IPv4", "CALL_FAILED", "2704"),
        ("Unable to connect", "CALL_FAILED", "2704"),
    ]
    messages = [e.detail for e in log.events_of(K.PROTO_MESSAGE)]
    assert messages == [
        "Waiting for network registration",
        "Starting network internet",
        "Stopping network",
        "Command failed: Permission denied",
    ]


def test_modemmanager_proto_errors_and_interface_cycling() -> None:
    log = logread.parse(read("github-openwrt-11729-logread-mm.txt")).value
    codes = [e.attr("code") for e in log.events_of(K.PROTO_ERROR)]
    assert codes.count("DEVICE_NOT_MANAGED") == 2
    assert codes.count("") == 5  # 'error: couldn't find modem' has no netifd code
    assert len(log.events_of(K.INTERFACE_DOWN)) == 2
    assert len(log.events_of(K.INTERFACE_SETUP)) == 2


def test_modemmanager_lines_without_a_process_name() -> None:
    log = logread.parse(read("github-istoreos-1474-logread-mm.txt")).value
    mm = [e for e in log.entries if e.pid == 10720]
    assert len(mm) == 4 and all(e.process == "" for e in mm)
    states = log.events_of(K.MODEM_STATE)
    assert [(e.subject, e.attr("from"), e.attr("to")) for e in states] == [
        ("modem0", "registered", "disabling"),
        ("modem0", "disabling", "disabled"),
    ]
    assert all(e.subject == "wwan" for e in log.events_of(K.PROTO_MESSAGE))
    # ddnsto's 'dial ipv4 failed' is not a modem event
    assert not [e for e in log.events if "ddnsto" in e.text]


def test_modemmanager_warning() -> None:
    log = logread.parse(read("github-openwrt-ipq-3-logread-mm-warn.txt")).value
    (warning,) = log.events_of(K.MODEM_WARNING)
    assert warning.subject == "modem0" and "Missing +CRSM prefix" in warning.detail
    assert log.entries[-1].process == "odhcpd" and log.entries[-1].level == "warn"


def test_kernel_lines_carry_time_since_boot_and_wallclock() -> None:
    log = logread.parse(read("github-packages-15893-logread-kernel.txt")).value
    new = log.events_of(K.NEW_DEVICE)
    assert [(e.time, e.device, e.attr("devnum")) for e in new] == [
        (472.469602, "1-1", "2"), (561.153312, "1-1", "3"), (562.353384, "1-1", "4"),
    ]
    assert new[0].wallclock == "Tue Sep 21 13:42:02 2021"
    (cdrom,) = log.events_of(K.CDROM)
    assert "HUAWEI" in cdrom.detail and cdrom.time == 473.686998
    assert len(log.events_of(K.DISCONNECT)) == 2


def test_logread_and_dmesg_agree_on_kernel_events() -> None:
    text = read("github-omr-1686-logread-e8372.txt")
    from_logread = logread.parse(text).value
    stripped = [line.text.split("kernel: ", 1)[1] for line in number_lines(text)]
    from_dmesg = dmesg.parse("\n".join(stripped)).value
    def key(event):  # type: ignore[no-untyped-def]
        return (event.kind, event.time, event.device, event.interface, event.subject, event.detail)
    assert [key(e) for e in from_logread.events] == [key(e) for e in from_dmesg.events]
    kinds = [e.kind for e in from_logread.events]
    assert kinds == [K.NEW_DEVICE, K.STORAGE, K.STORAGE, K.CDROM, K.STORAGE]


def test_bsd_syslog_with_host_names() -> None:
    log = logread.parse(read("forum-30002-syslog-pppd-chat.txt")).value
    assert len(log.entries) == 11
    assert {e.host for e in log.entries} == {"wrt350n"}
    assert log.entries[0].process == "pppd" and log.entries[0].pid == 4396
    assert log.entries[1].facility == "local2" and log.entries[1].process == "chat"
    assert log.entries[-1].message == " -- got it"


def test_debian_syslog_kernel_lines() -> None:
    log = logread.parse(read("github-rpi-2544-syslog-debian.txt")).value
    assert {e.host for e in log.entries} == {"raspberrypi"}
    registered = log.events_of(K.DRIVER_REGISTERED)
    assert [(e.driver, e.time) for e in registered] == [("usbserial", 15.721276), ("usbserial_generic", 15.721408)]


def test_journalctl_short_format() -> None:
    log = logread.parse(read("github-openstick-20-journal-mm.txt")).value
    assert [e.process for e in log.entries[:2]] == ["ModemManager", "ModemManager"]
    (state,) = log.events_of(K.MODEM_STATE)
    assert (state.attr("from"), state.attr("to")) == ("connecting", "connected")


@pytest.mark.parametrize(
    "line, code",
    [
        ("Sat Jan 20 10:00:00 2024 daemon.notice netifd: wwan (3333): PIN verification failed", "PIN_FAILED"),
        ("Sat Jan 20 10:00:00 2024 daemon.notice netifd: wwan (3333): Failed to connect to service", "QMI_SERVICE_FAILED"),
        ("Sat Jan 20 10:00:00 2024 daemon.notice netifd: wwan (3333): No data link!", "CALL_FAILED"),
        ("Sat Jan 20 10:00:00 2024 daemon.notice netifd: wwan (3333): Unable to connect IPv6", "CALL_FAILED"),
    ],
)
def test_qmi_sh_error_strings(line: str, code: str) -> None:
    # The strings are qmi.sh's and uqmi's own (openwrt-stack.md §2.1); the syslog frame is the
    # one every real netifd line above has.
    (event,) = logread.parse(line).value.events
    assert event.kind is K.PROTO_ERROR and event.attr("code") == code and event.subject == "wwan"


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "hello world",
        "[ 20.091055] cdc_ether 1-1.2:2.0 eth1: register 'cdc_ether'",
        "Tue Nov 21 10:00:00 2023",
        "Tue Nov 21 10:00:00 2023 kern.info",
        "\x00\xff\ufffd" * 40,
        "DISTRIB_ID='OpenWrt'",
    ],
)
def test_junk_is_unparsed(junk: str) -> None:
    result = logread.parse(junk)
    assert result.value.entries == ()
    assert len(result.unparsed) == len([line for line in junk.splitlines() if line.strip()])


def test_configuration_set_in_syslog_lines() -> None:
    raw = number_lines(read("github-displaylink-116-grep-sets-config.txt"))
    syslog = [Line(line.number, line.text.split(":", 2)[2]) for line in raw[3:]]
    log = logread.parse_lines(syslog).value
    assert [(e.kind, e.device, e.line) for e in log.events] == [
        (K.CONFIG_CHANGE, "1-4.2.2", 4), (K.CONFIG_CHANGE, "1-4.7.3.2", 5), (K.CONFIG_CHANGE, "1-4.2.2", 6),
    ]
    assert log.entries[0].host == "ats" and log.entries[0].wallclock == "Feb 27 06:53:01"


def test_huawei_stick_with_cdrom_and_tf_card() -> None:
    log = logread.parse(read("github-omr-1519-logread-e8372-sdb.txt")).value
    (cdrom,) = log.events_of(K.CDROM)
    assert cdrom.attr("scsi") == "2:0:0:0"
    disks = [e.subject for e in log.events_of(K.STORAGE)]
    assert disks == ["", "host2", "2:0:0:1", "sdb"]
    assert log.events_of(K.NEW_DEVICE)[0].device == "2-1.3"
