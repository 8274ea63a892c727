"""dmesg parser: golden expectations on real captured kernel logs (see fixtures/log/SOURCE.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modem_doctor.model.common import Line, number_lines, to_jsonable
from modem_doctor.model.log import LogEventKind as K
from modem_doctor.model.log import LogSource
from modem_doctor.parse import dmesg, parse

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "log"
THREAD = Path(__file__).resolve().parents[3] / "shared" / "cases" / "we826-mu609" / "thread.txt"  # ../shared beside the checkout


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_case_thread_cdc_ether_register_and_unregister() -> None:
    result = dmesg.parse(read("case-we826-dmesg-grep.txt"))
    log = result.value
    assert log.source is LogSource.DMESG
    register, unregister = log.events_of(K.NETDEV_REGISTER, K.NETDEV_UNREGISTER)
    assert register.kind is K.NETDEV_REGISTER and unregister.kind is K.NETDEV_UNREGISTER
    assert (register.time, unregister.time) == (20.091055, 25.118090)
    for event in (register, unregister):
        assert event.device == "1-1.2"
        assert event.interface == "1-1.2:2.0"
        assert event.driver == "cdc_ether"
        assert event.subject == "eth1"
        # the forum broke 'ehci' into 'eh ci' / 'ehc i'; bus info is rebuilt without the space
        assert event.attr("bus_info") == "usb-101c0000.ehci-1.2"
        assert event.attr("description") == "CDC Ethernet Device"
    assert register.attr("mac") == "00:a0:c6:10:05:70"
    assert unregister.attr("mac") == ""
    (registered,) = log.events_of(K.DRIVER_REGISTERED)
    assert registered.driver == "cdc_ether" and registered.time == 20.102841
    # the 'dmesg | grep cdc_ether' command line above the output is not a log line
    assert [u.line for u in result.unparsed] == [1]


def test_case_thread_lines_keep_their_original_numbers() -> None:
    lines = number_lines(THREAD.read_text(encoding="utf-8"))[87:90]  # lines 88-90
    result = dmesg.parse_lines(lines)
    assert [e.line for e in result.value.events] == [88, 89, 90]
    assert (result.first_line, result.last_line) == (88, 90)
    assert result.unparsed == ()


def test_forum_paste_with_collapsed_stamps_and_prose() -> None:
    result = dmesg.parse(read("forum-26730-dmesg-grep-usb.txt"))
    log = result.value
    new = log.events_of(K.NEW_DEVICE)
    assert [(e.device, e.attr("devnum"), e.time) for e in new] == [
        ("1-1", "2", 3.91),
        ("1-1.2", "3", 5.09),
        ("1-1.2", "4", 1306.35),
    ]
    assert new[0].attr("speed") == "high-speed" and new[0].attr("hcd") == "ehci-platform"
    (gone,) = log.events_of(K.DISCONNECT)
    assert (gone.device, gone.attr("devnum"), gone.time) == ("1-1.2", "3", 769.52)
    assert [e.driver for e in log.events_of(K.DRIVER_REGISTERED)] == [
        "usbfs", "hub", "usb", "usbserial", "usbserial_generic", "option",
    ]
    assert {u.line: u.text for u in result.unparsed} == {
        1: "root@OpenWrt:~# dmesg | grep usb",
        13: "Plugging the modem in:",
    }


def test_qmi_modem_appears_with_cdc_wdm_and_wwan0() -> None:
    log = dmesg.parse(read("github-rpi-1880-dmesg-ec21.txt")).value
    (ids,) = log.events_of(K.DEVICE_IDS)
    assert (ids.device, ids.attr("vid"), ids.attr("pid")) == ("1-1.4", "2c7c", "0121")
    (wdm,) = log.events_of(K.CDC_WDM)
    assert (wdm.interface, wdm.driver, wdm.subject) == ("1-1.4:1.4", "qmi_wwan", "cdc-wdm0")
    (net,) = log.events_of(K.NETDEV_REGISTER)
    assert (net.device, net.interface, net.driver, net.subject) == ("1-1.4", "1-1.4:1.4", "qmi_wwan", "wwan0")
    assert net.attr("description") == "WWAN/QMI device"
    strings = {e.attrs[0] for e in log.events_of(K.DEVICE_STRING)}
    assert strings == {("product", "Android"), ("manufacturer", "Android")}


def test_mode_change_from_qmi_to_rndis() -> None:
    log = dmesg.parse(read("github-omr-3761-dmesg-qmi-rndis.txt")).value
    nets = log.events_of(K.NETDEV_REGISTER, K.NETDEV_UNREGISTER)
    assert [(e.kind, e.driver, e.subject, e.interface) for e in nets] == [
        (K.NETDEV_REGISTER, "qmi_wwan", "wwan2", "3-1.5:1.2"),
        (K.NETDEV_UNREGISTER, "qmi_wwan", "wwan2", "3-1.5:1.2"),
        (K.NETDEV_REGISTER, "rndis_host", "usb0", "3-1.5:1.0"),
        (K.NETDEV_UNREGISTER, "rndis_host", "usb0", "3-1.5:1.0"),
    ]
    assert {e.device for e in log.events} == {"3-1.5"}


def test_serial_converters_ttys_and_cdrom() -> None:
    result = dmesg.parse(read("github-solus-100-dmesg-huawei-e398.txt"))
    log = result.value
    assert [(e.device, e.subject) for e in log.events_of(K.TTY_ATTACHED)] == [("2-2", "ttyUSB1"), ("2-2", "ttyUSB2")]
    (converter,) = log.events_of(K.SERIAL_CONVERTER)
    assert (converter.interface, converter.driver) == ("2-2:1.2", "option")
    assert "GSM modem (1-port)" in converter.detail
    (storage,) = log.events_of(K.STORAGE)
    assert (storage.interface, storage.driver) == ("2-2:1.3", "usb-storage")
    cdroms = log.events_of(K.CDROM)
    assert "HUAWEI" in cdroms[0].detail and cdroms[0].attr("scsi") == "9:0:0:0"
    assert cdroms[1].subject == "sr0"
    assert [u.text for u in result.unparsed] == ["$ dmesg | tail"]


def test_qcserial_converter_and_descriptor_notes() -> None:
    log = dmesg.parse(read("github-pirouter-1-dmesg-em7565.txt")).value
    (new,) = log.events_of(K.NEW_DEVICE)
    assert new.attr("speed") == "SuperSpeed"
    assert len(log.events_of(K.CONFIG_NOTE)) == 5
    (converter,) = log.events_of(K.SERIAL_CONVERTER)
    assert converter.driver == "qcserial" and converter.interface == "2-3:1.0"
    (tty,) = log.events_of(K.TTY_ATTACHED)
    assert (tty.device, tty.subject) == ("2-3", "ttyUSB0")
    (ids,) = log.events_of(K.DEVICE_IDS)
    assert ids.attr("bcd") == "0.06"


def test_option_disconnect_after_at_session() -> None:
    result = dmesg.parse(read("github-openwrt-10577-dmesg-option-disconnect.txt"))
    kinds = [(e.kind, e.device, e.driver, e.subject) for e in result.value.events]
    assert kinds == [
        (K.DISCONNECT, "2-1", "", ""),
        (K.TTY_DETACHED, "", "option", "ttyUSB0"),
        (K.INTERFACE_DISCONNECTED, "2-1", "option", ""),
    ]
    assert [u.text for u in result.unparsed] == ["AT+CFUN=1,1", "OK"]


def test_enumeration_errors_71() -> None:
    log = dmesg.parse(read("github-aioc-122-dmesg-error-71.txt")).value
    errors = log.events_of(K.USB_ERROR)
    assert {e.error_code for e in errors} == {-71, None}
    assert sum(1 for e in errors if e.error_code == -71) == 5
    (failed,) = log.events_of(K.ENUMERATION_FAILED)
    # 'usb usb2-port3' is port 3 of root hub 2: the device that failed is 2-3
    assert failed.device == "2-3" and failed.time == 88.136789
    assert {e.device for e in log.events} == {"2-3"}


def test_enumeration_errors_110_behind_a_hub() -> None:
    log = dmesg.parse(read("github-hmdiag-142-dmesg-error-110.txt")).value
    assert all(e.error_code == -110 for e in log.events_of(K.USB_ERROR) if "read/" in e.detail)
    (failed,) = log.events_of(K.ENUMERATION_FAILED)
    assert failed.device == "1-1.3.1"  # 'usb 1-1.3-port1'


def test_no_time_stamps_dmesg_t() -> None:
    result = dmesg.parse(read("github-dasharo-1132-dmesg-t-err.txt"))
    log = result.value
    assert all(e.time is None for e in log.entries)
    assert len(log.events_of(K.USB_ERROR)) == 12
    assert [e.device for e in log.events_of(K.ENUMERATION_FAILED)] == ["2-1.1", "2-1.1"]
    assert [u.line for u in result.unparsed] == [1]  # the shell prompt


def test_quoted_paste_after_unquoting_keeps_line_numbers() -> None:
    raw = number_lines(read("github-qualcommlte-1-dmesg-quoted.txt"))
    unquoted = [Line(line.number, line.text[2:]) for line in raw]
    result = dmesg.parse_lines(unquoted)
    log = result.value
    assert result.unparsed == ()
    (storage_detected, host) = log.events_of(K.STORAGE)
    assert storage_detected.interface == "1-1.5:1.0" and host.subject == "host0"
    assert [e.subject for e in log.events_of(K.CDROM)] == ["0:0:0:0", "sr0", "sr0"]
    assert [e.driver for e in log.events_of(K.DRIVER_REGISTERED)] == ["uas", "cdc_wdm", "qmi_wwan"]
    (gone,) = log.events_of(K.DISCONNECT)
    assert gone.line == 17 and gone.device == "1-1.5"


@pytest.mark.parametrize(
    "name",
    ["host-dmesg.txt", "host-dmesg-T.txt", "host-dmesg-x.txt", "host-dmesg-r.txt", "host-dmesg-iso.txt", "host-dmesg-d.txt"],
)
def test_every_flavour_of_this_machines_dmesg(name: str) -> None:
    result = dmesg.parse(read(name))
    plain = dmesg.parse(read("host-dmesg.txt")).value
    log = result.value
    assert result.unparsed == ()
    assert len(log.entries) == 118
    # the message is the same whatever decoration the flavour adds
    assert [e.message for e in log.entries] == [e.message for e in plain.entries]
    if name == "host-dmesg-T.txt":
        assert log.entries[0].time is None and log.entries[0].wallclock == "Tue Nov 24 02:37:31 2026"
    elif name == "host-dmesg-iso.txt":
        assert log.entries[0].time is None and log.entries[0].wallclock == "2026-11-24T02:37:31,000000+00:00"
    else:
        assert log.entries[-1].time == plain.entries[-1].time and plain.entries[-1].time is not None
    if name in ("host-dmesg-x.txt", "host-dmesg-r.txt"):
        assert (log.entries[0].facility, log.entries[0].level) == ("kern", "notice")
        assert log.entries[1].level == "warn"  # [Firmware Bug] line


def test_this_machines_dmesg_t_keeps_subsystem_lines() -> None:
    result = dmesg.parse(read("host-dmesg-t.txt"))
    plain = dmesg.parse(read("host-dmesg.txt")).value
    accepted = {e.line for e in result.value.entries}
    rejected = {u.line for u in result.unparsed}
    assert accepted | rejected == set(range(1, 119)) and not accepted & rejected
    # free-form boot lines cannot be told from prose without a stamp; 'subsystem: text' lines can
    assert len(accepted) > 80
    by_line = {e.line: e.message for e in plain.entries}
    assert all(by_line[e.line] == e.message for e in result.value.entries)


def test_registry_and_json() -> None:
    result = parse("dmesg", read("case-we826-dmesg-grep.txt"))
    data = json.loads(json.dumps(to_jsonable(result)))
    first = data["value"]["events"][0]
    assert first["kind"] == "netdev_register" and first["time"] == 20.091055
    assert first["attrs"][1] == ["bus_info", "usb-101c0000.ehci-1.2"]


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "\n\n\n",
        "That looks good, except it should not have unregistered.\nroot@OpenWrt:~# run dmesg",
        "\x00\x01\x02 binary \xff\ufffd",
        "[ 12.5",
        "[abc] usb 1-1: new",
        "[ 20.091055]",
        "[ 1.0] usb 1-1.2: new high-speed USB device number using",
        "[ 1.0] cdc_ether 1-1.2:2.0 eth1: register '",
        "T: Bus=01 Lev=00 Prnt=00 Port=00 Cnt=00 Dev#= 1 Spd=480 MxCh= 1",
    ],
)
def test_junk_is_unparsed_not_an_exception(junk: str) -> None:
    result = dmesg.parse(junk)
    assert result.value.events == () or all(e.line >= 1 for e in result.value.events)
    lines = [line for line in junk.splitlines() if line.strip()]
    assert len(result.value.entries) + len(result.unparsed) == len(lines)


def test_prose_is_rejected() -> None:
    text = THREAD.read_text(encoding="utf-8").splitlines()[0]
    result = dmesg.parse(text)
    assert result.value.entries == () and len(result.unparsed) == 1


def test_over_current_on_hub_ports() -> None:
    result = dmesg.parse(read("github-re4son-6-dmesg-over-current.txt"))
    events = result.value.events
    assert len(events) == 15 and all(e.kind is K.OVER_CURRENT for e in events)
    # 'usb 1-1-port2' is port 2 of hub 1-1: the device behind it would be 1-1.2
    assert [e.device for e in events[:4]] == ["1-1.2", "1-1.1.3", "1-1.3", "1-1.1.2"]
    assert [u.text for u in result.unparsed] == ["$ dmesg | tail"]


def test_configuration_set_from_user_space() -> None:
    # grep -rn output: strip the 'path:line:' prefix, as paste extraction does for grep pastes
    raw = number_lines(read("github-displaylink-116-grep-sets-config.txt"))
    kernel = [Line(line.number, line.text.split(":", 2)[2]) for line in raw[:2]]
    result = dmesg.parse_lines(kernel)
    assert result.unparsed == ()
    first, second = result.value.events
    assert first.kind is K.CONFIG_CHANGE and first.device == "1-4.7.3.2" and first.time == 289.040729
    assert (first.driver, first.attr("config"), first.attr("program")) == ("usb-storage", "1", "DeviceManager_0")
    assert result.value.entries[0].level == "warn"  # the '<4>' of dmesg -r
    assert second.device == "1-4.2.2"


def test_records_glued_onto_one_line_are_split() -> None:
    # the case thread's three records as a paste that lost its newlines would show them
    glued = " ".join(read("case-we826-dmesg-grep.txt").splitlines()[1:])
    result = dmesg.parse(glued)
    log = result.value
    assert result.unparsed == ()
    assert [e.kind for e in log.events] == [K.NETDEV_REGISTER, K.DRIVER_REGISTERED, K.NETDEV_UNREGISTER]
    assert [e.time for e in log.events] == [20.091055, 20.102841, 25.118090]
    assert {e.line for e in log.events} == {1}
    assert log.events[0].attr("mac") == "00:a0:c6:10:05:70"


def test_netdev_history() -> None:
    case = dmesg.parse(read("case-we826-dmesg-grep.txt")).value
    ((name, last),) = case.netdevs()
    assert name == "eth1" and last.kind is K.NETDEV_UNREGISTER and last.time == 25.118090
    switch = dmesg.parse(read("github-omr-3761-dmesg-qmi-rndis.txt")).value
    assert [(n, e.kind) for n, e in switch.netdevs()] == [("wwan2", K.NETDEV_UNREGISTER), ("usb0", K.NETDEV_UNREGISTER)]
    ec21 = dmesg.parse(read("github-rpi-1880-dmesg-ec21.txt")).value
    assert [(n, e.kind, e.driver) for n, e in ec21.netdevs()] == [("wwan0", K.NETDEV_REGISTER, "qmi_wwan")]


def test_tty_takes_the_interface_of_the_converter_line_before_it() -> None:
    log = dmesg.parse(read("github-solus-100-dmesg-huawei-e398.txt")).value
    first, second = log.events_of(K.TTY_ATTACHED)
    # the excerpt starts after ttyUSB1's converter line: nothing to pair it with
    assert (first.subject, first.interface) == ("ttyUSB1", "")
    assert (second.subject, second.interface, second.driver) == ("ttyUSB2", "2-2:1.2", "option")
    assert second.attr("interface_from_line") == "3"


def test_cant_set_config_error_32() -> None:
    log = dmesg.parse(read("github-quecpython-4-dmesg-cant-set-config-32.txt")).value
    (error,) = log.events_of(K.USB_ERROR)
    assert (error.device, error.error_code, error.time) == ("1-1", -32, 507.517081)
    assert error.detail == "can't set config #1, error -32"
    assert [e.detail for e in log.events_of(K.CONFIG_NOTE)] == [
        "config 1 has an invalid interface number: 32 but max is 8",
        "config 1 has no interface number 8",
    ]


# --- the delta and reltime stamps (fixtures in tests/fixtures/pastes/, see its SOURCE.md) ---

PASTES = FIXTURES.parent / "pastes"


@pytest.mark.parametrize(
    "name, first, wallclocks",
    [
        ("host-dmesg-T-d.txt", "Tue Nov 24 02:37:31 2026", {"Tue Nov 24 02:37:31 2026"}),
        ("host-dmesg-delta.txt", "", {""}),
        ("host-dmesg-e.txt", "Nov24 02:37", {"Nov24 02:37", ""}),  # the minute on its first record only
    ],
)
def test_delta_and_reltime_stamps_from_boot(name: str, first: str, wallclocks: set) -> None:
    result = dmesg.parse((PASTES / name).read_text(encoding="utf-8"))
    plain = dmesg.parse(read("host-dmesg.txt")).value.entries[:40]
    log = result.value
    assert result.unparsed == () and len(log.entries) == 40
    assert [e.message for e in log.entries] == [e.message for e in plain]
    assert {e.wallclock for e in log.entries} == wallclocks
    assert log.entries[0].wallclock == first
    # The paste starts with 'Linux version', so the deltas add up to the time since boot.
    # The capture left out the boot command line (between lines 15 and 16) and its delta of
    # 13 microseconds with it: from there on the sum is that much short.
    assert [e.time for e in log.entries[:15]] == [e.time for e in plain[:15]]
    assert {round(p.time - e.time, 6) for p, e in zip(plain[15:], log.entries[15:])} == {0.000013}
    assert log.entries[-1].time == 0.002431


@pytest.mark.parametrize("name", ["host-dmesg-T-d.txt", "host-dmesg-delta.txt", "host-dmesg-e.txt"])
def test_delta_stamps_of_an_excerpt_give_no_time_since_boot(name: str) -> None:
    lines = number_lines((PASTES / name).read_text(encoding="utf-8"))[20:30]
    result = dmesg.parse_lines(lines)
    assert result.unparsed == ()
    assert [e.line for e in result.value.entries] == list(range(21, 31))
    # deltas from an unknown start: no time since boot is made up
    assert {e.time for e in result.value.entries} == {None}
    if name == "host-dmesg-T-d.txt":
        assert {e.wallclock for e in result.value.entries} == {"Tue Nov 24 02:37:31 2026"}


def test_delta_stamps_glued_by_a_lost_newline_are_split() -> None:
    for name in ("host-dmesg-delta.txt", "host-dmesg-e.txt"):
        lines = (PASTES / name).read_text(encoding="utf-8").splitlines()[16:19]
        log = dmesg.parse_lines([Line(7, " ".join(lines))]).value
        assert [e.message.split(":")[0] for e in log.entries] == ["tsc", "e820", "e820"], name


# https://github.com/yc-adi/ble_auto_testing README.md (commit 472e22bd): 'dmesg -wH' while an
# FTDI cable is plugged in; the same shapes as a modem's serial ports.
DMESG_H_FTDI = """\
[Aug26 14:03] usb 1-1.4.4.2: new full-speed USB device number 8 using ehci-pci
[  +0.244200] usb 1-1.4.4.2: New USB device found, idVendor=0403, idProduct=6015, bcdDevice=10.00
[  +0.000011] usb 1-1.4.4.2: New USB device strings: Mfr=1, Product=2, SerialNumber=3
[  +0.000003] usb 1-1.4.4.2: Product: FT230X Basic UART
[  +0.000003] usb 1-1.4.4.2: Manufacturer: FTDI
[  +0.000002] usb 1-1.4.4.2: SerialNumber: DT03O9WB
[  +0.003359] ftdi_sio 1-1.4.4.2:1.0: FTDI USB Serial Device converter detected
[  +0.000041] usb 1-1.4.4.2: Detected FT-X
[  +0.001068] usb 1-1.4.4.2: FTDI USB Serial Device converter now attached to ttyUSB1
"""


def test_reltime_stamps_give_the_same_events() -> None:
    result = dmesg.parse(DMESG_H_FTDI)
    log = result.value
    assert result.unparsed == () and len(log.entries) == 9
    assert [(e.kind, e.line) for e in log.events] == [
        (K.NEW_DEVICE, 1), (K.DEVICE_IDS, 2), (K.DEVICE_STRING, 4), (K.DEVICE_STRING, 5),
        (K.DEVICE_STRING, 6), (K.SERIAL_CONVERTER, 7), (K.TTY_ATTACHED, 9),
    ]  # fmt: skip
    tty = log.events[-1]
    assert (tty.subject, tty.interface, tty.driver) == ("ttyUSB1", "1-1.4.4.2:1.0", "ftdi_sio")
    assert (log.events[0].wallclock, log.events[0].time) == ("Aug26 14:03", None)
    # the same lines without any stamp ('dmesg -t') read as the same events
    bare = dmesg.parse("\n".join(line.split("] ", 1)[1] for line in DMESG_H_FTDI.splitlines())).value
    strip = lambda e: (e.kind, e.device, e.interface, e.driver, e.subject, e.detail, e.attrs)  # noqa: E731
    assert [strip(e) for e in log.events] == [strip(e) for e in bare.events]
