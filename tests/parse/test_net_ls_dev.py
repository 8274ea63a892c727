"""Directory listing parser on real ``ls`` output of /dev and /sys/class/net."""

from __future__ import annotations

from pathlib import Path

from modem_doctor.parse import ls_dev

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "net"


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_gnu_ls_l_dev() -> None:
    parsed = ls_dev.parse(read("ls_l_dev_host.txt"))
    assert parsed.unparsed == ()
    listing = parsed.value
    assert listing.long_format and len(listing.entries) == 108
    null = listing.entry("null")
    assert null is not None and (null.kind, null.major, null.minor, null.mode) == ("c", 1, 3, "crw-rw-rw-")
    loop0 = listing.entry("loop0")
    assert loop0 is not None and (loop0.kind, loop0.major) == ("b", 7)
    fd = listing.entry("fd")
    assert fd is not None and fd.kind == "l" and fd.link_target == "/proc/self/fd"
    cpu = listing.entry("cpu")
    assert cpu is not None and cpu.kind == "d" and cpu.size == "80" and cpu.major is None
    assert listing.modem_nodes() == ()  # this machine has no modem


def test_plain_and_column_listings_agree() -> None:
    plain = ls_dev.parse(read("ls_dev_host.txt"))
    columns = ls_dev.parse(read("ls_dev_columns_host.txt"))
    longer = ls_dev.parse(read("ls_l_dev_host.txt"))
    assert plain.unparsed == () and columns.unparsed == ()
    names = sorted(e.name for e in plain.value.entries)
    assert sorted(e.name for e in columns.value.entries) == names
    assert sorted(e.name for e in longer.value.entries) == names


def test_openwrt_busybox_ls_lh_dev_with_cdc_wdm() -> None:
    parsed = ls_dev.parse(read("ls_lh_dev_openwrt_luci3586.txt"))
    listing = parsed.value
    assert listing.directory == "/dev" and len(listing.entries) == 20
    (wdm,) = listing.modem_nodes()
    assert (wdm.path, wdm.kind, wdm.major, wdm.minor, wdm.modem_role, wdm.line) == (
        "/dev/cdc-wdm0", "c", 180, 176, "cdc-wdm", 3,
    )  # fmt: skip
    log = listing.entry("log")
    assert log is not None and log.kind == "s"
    assert [u.line for u in parsed.unparsed] == [22]  # the line cut short


def test_openwrt_ls_la_skips_dot_entries() -> None:
    parsed = ls_dev.parse(read("ls_la_dev_openwrt15344.txt"))
    names = [e.name for e in parsed.value.entries]
    assert "." not in names and ".." not in names and names[0] == "bus"
    assert parsed.value.entry("fit0").major == 259  # type: ignore[union-attr]
    assert [u.line for u in parsed.unparsed] == [21]


def test_single_nodes_with_paths() -> None:
    wwan = ls_dev.parse(read("ls_l_wwan_nodes_openwrt18932.txt")).value
    assert [(e.path, e.minor, e.modem_role) for e in wwan.entries] == [
        ("/dev/wwan0at0", 2, "wwan-port"),
        ("/dev/wwan0mbim0", 1, "wwan-port"),
        ("/dev/wwan0qcdm0", 0, "wwan-port"),
    ]
    (wdm,) = ls_dev.parse(read("ls_l_cdcwdm_forum248352.txt")).value.entries
    assert (wdm.directory, wdm.name, wdm.major, wdm.minor, wdm.owner) == ("/dev", "cdc-wdm0", 180, 176, "root")


def test_grep_ttyusb() -> None:
    parsed = ls_dev.parse(read("ls_dev_grep_ttyusb_forum171787.txt"))
    assert parsed.unparsed == ()
    listing = parsed.value
    assert listing.directory == "/dev"
    assert [e.path for e in listing.modem_nodes()] == [f"/dev/ttyUSB{i}" for i in range(6)]
    assert {e.modem_role for e in listing.entries} == {"tty-usb"}


def test_sys_class_net_symlinks_reveal_usb_path() -> None:
    parsed = ls_dev.parse(read("ls_l_sys_class_net_sriov.txt"))
    assert parsed.unparsed == ()
    listing = parsed.value
    assert listing.directory == "/sys/class/net" and len(listing.entries) == 21
    wwan0 = listing.entry("wwan0")
    assert wwan0 is not None and wwan0.modem_role == "wwan-net"
    assert (wwan0.usb_path, wwan0.usb_interface, wwan0.usb_config, wwan0.usb_interface_number) == (
        "1-1.3", "1-1.3:2.0", 2, 0,
    )  # fmt: skip
    eno0 = listing.entry("eno0")
    assert eno0 is not None and eno0.usb_path == "" and eno0.usb_config is None
    host = ls_dev.parse(read("ls_l_sys_class_net_host.txt")).value
    assert host.entry("eth0").link_target.endswith("/virtio2/net/eth0")  # type: ignore[union-attr]
    plain = ls_dev.parse(read("ls_sys_class_net_host.txt")).value
    assert [e.name for e in plain.entries] == ["eth0", "ifb0", "ifb1", "lo"]


def test_prose_is_unparsed() -> None:
    parsed = ls_dev.parse("I have 2 modems here\nThanks, any help?\nls is not working\n")
    assert parsed.value.entries == ()
    assert [u.line for u in parsed.unparsed] == [1, 2, 3]


def test_ls_saying_nodes_are_missing() -> None:
    gnu = ls_dev.parse(read("ls_missing_gnu_host.txt"))
    busybox = ls_dev.parse(read("ls_missing_busybox_host.txt"))
    for parsed in (gnu, busybox):
        assert parsed.unparsed == () and parsed.value.entries == ()
        assert [(e.path, e.line) for e in parsed.value.missing] == [("/dev/ttyUSB*", 1), ("/dev/cdc-wdm0", 2)]


def test_localised_date() -> None:
    parsed = ls_dev.parse(read("ls_l_german_date_wicked940.txt"))
    assert parsed.unparsed == ()
    (entry,) = parsed.value.entries
    assert (entry.directory, entry.name, entry.kind, entry.size) == (
        "/etc/wicked/scripts", "wwan-qmicli-raw-ipv4", "-", "1802",
    )  # fmt: skip
