"""logread parser: golden expectations on real syslog text (see fixtures/log/SOURCE.md)."""

from __future__ import annotations

import re
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


# --- lines quoted without their date, as wikis and blogs show logread ---

NBLOCK = FIXTURES.parent / "rules" / "net005" / "nblock-logread-comgt-cannot-write.txt"
_DATE = re.compile(r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4} ")


def test_logread_quoted_without_its_date() -> None:
    # nblock.org's comgt write-up: 'daemon.notice pppd[9626]: Modem hangup', no date, no host
    result = logread.parse(NBLOCK.read_text(encoding="utf-8"))
    log = result.value
    # line 8 is the tail of line 7, wrapped by the page ('Could not \' / '  write to COM device.')
    assert [(u.line, u.reason) for u in result.unparsed] == [(8, "not a syslog line")]
    assert [(e.line, e.facility, e.level, e.process, e.pid) for e in log.entries] == [
        (1, "daemon", "notice", "pppd", 9626), (2, "daemon", "info", "pppd", 9626),
        (3, "daemon", "notice", "netifd", None), (4, "daemon", "notice", "netifd", None),
        (5, "daemon", "notice", "netifd", None), (6, "daemon", "notice", "netifd", None),
        (7, "daemon", "notice", "netifd", None), (9, "daemon", "notice", "netifd", None),
        (10, "daemon", "notice", "pppd", 9873),
    ]  # fmt: skip
    assert {(e.wallclock, e.host, e.time) for e in log.entries} == {("", "", None)}
    assert [(e.kind, e.subject, e.attr("pid")) for e in log.events] == [
        (K.INTERFACE_DOWN, "provider", ""),
        (K.INTERFACE_SETUP, "provider", ""),
        (K.PROTO_MESSAGE, "provider", "9858"),
        (K.PROTO_MESSAGE, "provider", "9858"),
        (K.PROTO_MESSAGE, "provider", "9858"),
    ]
    assert log.events[-1].detail == "comgt 12:02:15 -> Error @118, line 9, Could not \\"


@pytest.mark.parametrize(
    "name", ["github-lede-238-logread-uqmi.txt", "github-packages-15893-logread-kernel.txt", "github-openwrt-11729-logread-mm.txt"]
)
def test_dateless_lines_read_as_the_dated_ones(name: str) -> None:
    # the same real lines with the date cut off, as a guide quotes them
    dated = read(name)
    assert all(_DATE.match(line) for line in dated.splitlines() if line.strip())
    bare = "\n".join(_DATE.sub("", line) for line in dated.splitlines())
    with_date, without = logread.parse(dated), logread.parse(bare)
    assert without.unparsed == with_date.unparsed == ()
    keep = lambda e: (e.line, e.message, e.time, e.facility, e.level, e.process, e.pid)  # noqa: E731
    assert [keep(e) for e in without.value.entries] == [keep(e) for e in with_date.value.entries]
    assert {e.wallclock for e in without.value.entries} == {""}
    same = lambda e: (e.kind, e.line, e.time, e.device, e.interface, e.driver, e.subject, e.detail, e.attrs)  # noqa: E731
    assert [same(e) for e in without.value.events] == [same(e) for e in with_date.value.events]
    assert without.value.events


@pytest.mark.parametrize(
    "prose",
    [
        "The daemon.notice lines are from netifd: see above.",
        "daemon.notice",
        "kern.info: nothing else",  # a level with no process and no colon after one
        "notice netifd: wan (1234): no facility",
    ],
)
def test_a_facility_in_prose_is_no_dateless_line(prose: str) -> None:
    result = logread.parse(prose)
    assert result.value.entries == () and len(result.unparsed) == 1
