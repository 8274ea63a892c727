"""openwrt_release, ubus call system board, uname and /proc/version on real text (fixtures/system/SOURCE.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modem_doctor.model.common import number_lines, to_jsonable
from modem_doctor.model.system import SystemInfo, merge_system_info, release_series
from modem_doctor.parse import openwrt_release, parse, ubus_board, uname

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "system"


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


# --- /etc/openwrt_release ------------------------------------------------------------------


def test_openwrt_release_23_05_with_os_release() -> None:
    result = openwrt_release.parse(read("github-v2ray-199-etc-release-23.05.5.txt"))
    info = result.value
    assert (info.distribution, info.release, info.revision, info.target, info.arch) == (
        "OpenWrt", "23.05.5", "r24106-10cc5fcd00", "ramips/mt7620", "mipsel_24kc",
    )
    assert info.description == "OpenWrt 23.05.5 r24106-10cc5fcd00"
    assert info.series == "23.05" and info.is_openwrt
    assert info.line_of("target") == 5  # DISTRIB_TARGET wins over OPENWRT_BOARD (line 20)
    assert ("OPENWRT_DEVICE_PRODUCT", "Generic") in info.fields
    assert [u.line for u in result.unparsed] == [1]


def test_openwrt_release_named_release_in_double_quotes() -> None:
    info = openwrt_release.parse(read("github-frp-32-openwrt-release-bb.txt")).value
    assert info.release == "Barrier Breaker" and info.codename == "barrier_breaker"
    assert info.target == "ramips/generic" and info.arch == ""
    assert info.series == "14.07"  # from the description


def test_openwrt_release_21_02_on_the_we826() -> None:
    info = openwrt_release.parse(read("github-tgpt-353-openwrt-release-21.02.txt")).value
    assert (info.release, info.target, info.series) == ("21.02.7", "ramips/mt7620", "21.02")


def test_openwrt_release_head_is_snapshot_and_stray_version_line_unparsed() -> None:
    lines = number_lines(read("github-ubootmod-233-uname-and-release.txt"))[4:]  # lines 5-12
    result = openwrt_release.parse_lines(lines)
    assert result.value.release == "HEAD" and result.value.series == "snapshot"
    assert result.value.line_of("release") == 6
    assert [(u.line, u.text) for u in result.unparsed] == [(12, "r2094")]


def test_os_release_of_a_non_openwrt_host() -> None:
    info = openwrt_release.parse(read("host-os-release.txt")).value
    assert info.distribution == "Debian GNU/Linux" and info.release == "12"
    assert info.codename == "bookworm" and not info.is_openwrt and info.series == ""


# --- ubus call system board ------------------------------------------------------------------


def test_ubus_board_complete_json() -> None:
    result = ubus_board.parse(read("github-luci-1646-ubus-board.txt"))
    info = result.value
    assert (info.kernel, info.hostname, info.model, info.board_name) == ("4.9.82", "adb2go", "GL.iNet GL-AR750", "gl-ar750")
    assert info.target == "ar71xx/generic"  # the '\/' escape is read as JSON
    assert (info.release, info.series) == ("SNAPSHOT", "snapshot")
    assert info.line_of("board_name") == 7 and info.line_of("target") == 12
    assert [u.text for u in result.unparsed] == ["ubus call system board"]


def test_ubus_board_truncated_json_keeps_what_was_shown() -> None:
    result = ubus_board.parse(read("github-luci-8113-ubus-board-truncated.txt"))
    info = result.value
    assert (info.board_name, info.model, info.kernel, info.rootfs_type) == (
        "glinet,gl-mt6000", "GL.iNet GL-MT6000", "6.6.110", "squashfs",
    )
    assert (info.release, info.revision, info.series) == ("24.10.4", "r28959-29397011cc", "24.10")
    assert info.target == ""  # cut off mid-value: not guessed
    assert [u.line for u in result.unparsed] == [1, 13]


def test_ubus_board_with_elided_lines() -> None:
    result = ubus_board.parse(read("github-openwrt-15987-ubus-board-elided.txt"))
    info = result.value
    assert (info.target, info.revision, info.builddate) == ("x86/64", "r0+27157-e8661255fe", "1721382861")
    assert ("release.image_name", "TDT-LW") in info.fields
    assert ("board_version", "unknown") in info.fields
    assert [u.line for u in result.unparsed] == [9, 12]  # '....' and the '--->' marker
    assert result.unparsed[1].reason.startswith("partly read")


def test_ubus_board_collapsed_onto_one_line() -> None:
    # a paste that lost its newlines: the same real JSON on one line
    one_line = " ".join(line.strip() for line in read("github-luci-1646-ubus-board.txt").splitlines()[1:])
    info = ubus_board.parse(one_line).value
    assert (info.board_name, info.target, info.kernel) == ("gl-ar750", "ar71xx/generic", "4.9.82")


def test_ubus_board_collapsed_and_truncated() -> None:
    text = " ".join(line.strip() for line in read("github-luci-8113-ubus-board-truncated.txt").splitlines()[1:])
    result = ubus_board.parse(text)
    assert result.value.board_name == "glinet,gl-mt6000" and result.value.release == "24.10.4"
    (partial,) = result.unparsed  # the one line held complete pairs and a cut tail
    assert partial.line == 1 and partial.reason.startswith("partly read")


# --- uname -a, /proc/version --------------------------------------------------------------


def test_uname_a_busybox_on_the_we826() -> None:
    result = uname.parse(read("github-tgpt-353-uname-we826.txt"))
    info = result.value
    assert (info.kernel, info.hostname, info.machine) == ("5.4.238", "ZBT-WE826", "mips")
    assert info.kernel_build == "#0 Mon Apr 17 13:15:36 2023"
    assert [u.text for u in result.unparsed] == ["uname -a"]


def test_uname_a_gnu_and_proc_version_of_this_machine() -> None:
    a = uname.parse(read("host-uname-a.txt")).value
    proc = uname.parse(read("host-proc-version.txt")).value
    r = uname.parse(read("host-uname-r.txt")).value
    assert a.kernel == proc.kernel == r.kernel == "6.18.44-fc-v595"
    assert a.machine == "x86_64" and a.hostname == "vm"
    assert proc.kernel_builder == "builder@sandboxing" and proc.compiler.startswith("gcc (GCC) 15.3.0")
    assert proc.kernel_build == a.kernel_build == "#1 SMP PREEMPT_DYNAMIC @0"
    assert proc.revision == ""  # not an OpenWrt toolchain


@pytest.mark.parametrize(
    "name, kernel, revision",
    [
        ("github-openwrt-10508-dmesg-linux-version.txt", "5.15.62", "r20375-d6994c53cd"),
        ("stackoverflow-72098691-dmesg-linux-version.txt", "5.4.188", "r16554-1d4dea6d4f"),
    ],
)
def test_proc_version_from_dmesg_first_line(name: str, kernel: str, revision: str) -> None:
    result = uname.parse(read(name))
    info = result.value
    assert result.unparsed == ()
    assert (info.kernel, info.revision, info.distribution) == (kernel, revision, "OpenWrt")
    assert info.kernel_build.startswith("#0 ")


# --- merging and series -------------------------------------------------------------------


def test_merge_sources_like_a_real_report() -> None:
    text = read("github-ubootmod-233-uname-and-release.txt")
    lines = number_lines(text)
    merged = merge_system_info(
        openwrt_release.parse_lines(lines[4:]).value,
        uname.parse_lines(lines[:2]).value,
    )
    assert (merged.target, merged.kernel, merged.hostname, merged.machine) == ("ar71xx/generic", "4.4.30", "74-44-balkon", "mips")
    assert merged.line_of("target") == 9 and merged.line_of("kernel") == 2


@pytest.mark.parametrize(
    "version, description, series",
    [
        ("23.05.2", "", "23.05"),
        ("24.10.4", "", "24.10"),
        ("25.12.0-rc1", "", "25.12"),
        ("24.10-SNAPSHOT", "", "24.10"),
        ("SNAPSHOT", "", "snapshot"),
        ("snapshot", "", "snapshot"),
        ("HEAD", "OpenWrt Reboot r2094", "snapshot"),
        ("Barrier Breaker", "OpenWrt Barrier Breaker 14.07 (std-200218)", "14.07"),
        ("0.2.0", "Freifunk Berlin kathleen 0.2.0", ""),
        ("", "", ""),
    ],
)
def test_release_series(version: str, description: str, series: str) -> None:
    assert release_series(version, description) == series
    assert SystemInfo(release=version, description=description).series == series


def test_registry_and_json() -> None:
    result = parse("ubus_board", read("github-luci-8113-ubus-board-truncated.txt"))
    data = json.loads(json.dumps(to_jsonable(result)))
    assert data["value"]["board_name"] == "glinet,gl-mt6000"
    assert data["unparsed"][1]["line"] == 13


JUNK = [
    "",
    "\n\n",
    "That looks good, except it should not have unregistered.",
    "\x00\x01\xff\ufffd" * 30,
    "{",
    '{"kernel": ',
    '"kernel": "5.15.137"}}}}]]',
    "Linux",
    "DISTRIB_ID='OpenWrt",
    "[ 20.091055] cdc_ether 1-1.2:2.0 eth1: register 'cdc_ether'",
    "{ \"release\": { \"version\": \"\\q\" } }",
]


def _silent_json(module, text: str) -> bool:  # type: ignore[no-untyped-def]
    """ubus_board reads braces and a key waiting for its value on the next line without complaint."""
    stripped = text.strip()
    return module is ubus_board and (set(stripped) <= set("{}[], ") or stripped.endswith(":"))


@pytest.mark.parametrize("junk", JUNK)
@pytest.mark.parametrize("module", [openwrt_release, ubus_board, uname])
def test_junk_never_raises_and_never_invents(module, junk: str) -> None:  # type: ignore[no-untyped-def]
    result = module.parse(junk)
    info = result.value
    assert info.board_name == info.target == info.release == ""
    unparsed = {u.line for u in result.unparsed}
    sources = {line for _, line in info.lines}
    for number, text in enumerate(junk.splitlines(), 1):
        if text.strip() and not _silent_json(module, text):
            assert number in unparsed or number in sources, (number, text)


def test_ubus_board_snapshot_on_a_router() -> None:
    result = ubus_board.parse(read("github-buildbot-37-ubus-board-snapshot.txt"))
    info = result.value
    assert (info.board_name, info.model, info.target, info.rootfs_type) == (
        "linksys,e8450", "Linksys E8450", "mediatek/mt7622", "initramfs",
    )
    assert (info.release, info.series, info.revision) == ("SNAPSHOT", "snapshot", "r26463-a1a9572f43")
    assert [u.line for u in result.unparsed] == [1]
