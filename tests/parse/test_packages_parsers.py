"""opkg list-installed, apk list and opkg/apk error output, on real text (fixtures/packages/SOURCE.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modem_doctor.model.common import to_jsonable
from modem_doctor.model.packages import PackageManager
from modem_doctor.model.packages import ProblemKind as P
from modem_doctor.parse import apk_list, opkg_errors, opkg_list, parse
from modem_doctor.parse.apk_list import split_name_version

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "packages"


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


# --- opkg list-installed -----------------------------------------------------------------


def test_opkg_list_installed_19_07() -> None:
    result = opkg_list.parse(read("github-packages-10565-opkg-list-installed.txt"))
    packages = result.value
    assert packages.manager is PackageManager.OPKG and result.unparsed == ()
    assert len(packages.packages) == 54
    assert packages.get("kernel").version == "4.14.156-1-e1dd7676581672f6f0bdb1363506dee1"  # type: ignore[union-attr]
    assert packages.kernel_version == "4.14.156-1-e1dd7676581672f6f0bdb1363506dee1"
    assert packages.get("fwtool").version == "2"  # type: ignore[union-attr]
    assert packages.get("firewall").version == "2019-11-22-8174814a-1"  # type: ignore[union-attr]
    assert packages.has("kmod-mii") and not packages.has("kmod-usb-net-qmi-wwan")
    assert packages.packages[0].line == 1 and packages.packages[-1].line == 54


def test_opkg_list_installed_with_prompt() -> None:
    result = opkg_list.parse(read("github-pcapdnsproxy-8-opkg-list-installed.txt"))
    assert [u.text for u in result.unparsed] == ["root@OpenWrt:~# opkg list-installed"]
    packages = result.value
    assert packages.names[:3] == ("aiccu", "base-files", "busybox")
    assert packages.get("ddns-scripts_no-ip_com").version == "2.4.3-2"  # type: ignore[union-attr]
    assert packages.get("kmod-cfg80211").version == "3.18.23+2015-03-09-3"  # type: ignore[union-attr]


def test_opkg_list_does_not_read_apk_lines() -> None:
    result = opkg_list.parse(read("github-openwrt-4294-apk-list-installed.txt"))
    assert result.value.packages == () and len(result.unparsed) == 15


# --- apk list --installed ------------------------------------------------------------------


def test_apk_list_current_format() -> None:
    result = apk_list.parse(read("github-openwrt-16907-apk-list-line.txt"))
    (package,) = result.value.packages
    assert result.value.manager is PackageManager.APK
    assert (package.name, package.version, package.arch, package.origin, package.license) == (
        "rpcd-mod-rpcsys", "2024.09.17~9f4b86e7-r1", "aarch64_cortex-a53", "feeds/base/system/rpcd", "ISC",
    )
    assert package.line == 2
    assert [u.line for u in result.unparsed] == [1]


def test_apk_list_early_openwrt_format() -> None:
    result = apk_list.parse(read("github-openwrt-4294-apk-list-installed.txt"))
    packages = result.value
    assert result.unparsed == () and len(packages.packages) == 15
    assert packages.get("kmod-r8169").version == "5.15.91-r1"  # type: ignore[union-attr]
    blob = packages.get("libblobmsg-json20220927")
    assert blob is not None and blob.version == "2022-09-27-ea560134-1" and blob.origin == "package/libs/libubox"
    assert packages.kernel_version == "5.15.91-r1"


def test_apk_info_names_only() -> None:
    result = apk_list.parse(read("github-openwrt-19874-apk-info.txt"))
    packages = result.value
    assert [u.line for u in result.unparsed] == [1]
    assert len(packages.packages) == 85
    assert packages.has("kmod-usb-net-cdc-ether") and packages.has("kmod-usb-serial-option")
    assert not packages.has("kmod-usb-net-qmi-wwan")
    assert all(p.version == "" for p in packages.packages)


@pytest.mark.parametrize(
    "token, expected",
    [
        # tokens from the fixtures and the 5gmodem issue's 'required by' line
        ("uqmi-2025.07.30~7914da43-r2", ("uqmi", "2025.07.30~7914da43-r2")),
        ("luci-app-5gmodem-2.4.67-r1", ("luci-app-5gmodem", "2.4.67-r1")),
        ("kmod-ath9k-6.6.69.6.12.6-r1", ("kmod-ath9k", "6.6.69.6.12.6-r1")),
        ("rpcd-mod-rpcsys-2024.09.17~9f4b86e7-r1", ("rpcd-mod-rpcsys", "2024.09.17~9f4b86e7-r1")),
        ("kmod-usb-net", None),
        ("libblobmsg-json20241219", None),
    ],
)
def test_apk_name_version_split(token: str, expected: object) -> None:
    assert split_name_version(token) == expected


# --- opkg update / install, apk add output ------------------------------------------------


def test_kernel_mismatch_and_arch_incompatible() -> None:
    result = opkg_errors.parse(read("github-packages-17083-opkg-kernel-arch.txt"))
    output = result.value
    kernel = output.problems_of(P.KERNEL_MISMATCH)
    assert [p.package for p in kernel] == [
        "kmod-nfnetlink", "kmod-nf-reject", "kmod-nf-ipt", "kmod-ipt-core", "kmod-nf-conntrack", "kmod-ipt-conntrack",
    ]
    assert {p.dependency for p in kernel} == {"kernel (= 5.4.143-1-81b5fa8a3bdde9109c65df5b7a2d086e)"}
    (arch,) = output.problems_of(P.ARCH_INCOMPATIBLE)
    assert arch.package == "kmod-nfnetlink" and arch.line == 6
    assert [(a.action, a.package, a.version) for a in output.actions] == [("installing", "netifyd", "2020-09-15-v3.05-2")]
    assert output.downloads == (
        "https://downloads.openwrt.org/releases/21.02.0/packages/mipsel_24kc/packages/netifyd_2020-09-15-v3.05-2_mipsel_24kc.ipk",
    )
    assert [u.line for u in result.unparsed] == [1]  # the prompt


@pytest.mark.parametrize(
    "name, package, kernel",
    [
        ("github-packages-2029-opkg-kernel-dep.txt", "kmod-bridge", "kernel (= 3.18.23-1-850eeef46d4d0634e4ac4f2726f33165)"),
        ("github-luci-1736-opkg-kernel-dep-tabs.txt", "luci-app-nlbwmon", "kernel (= 4.9.91-1-32f977e15ddea593ee4fcb1dca2e5862)"),
        ("github-mrhaav-1-opkg-malformed-and-kernel.txt", "kmod-usb-serial", "kernel (= 4.14.241-1-d92769dc5268e102503ae83fe968a56c)"),
        ("github-scapi-3-opkg-markdown-bullets.txt", "kmod-ipt-iprange", "kernel (= 3.18.21-1-049e9c79b7cf8fcdd356b59bc1084716)"),
    ],
)
def test_satisfy_dependencies_for_kernel(name: str, package: str, kernel: str) -> None:
    output = opkg_errors.parse(read(name)).value
    (mismatch,) = output.problems_of(P.KERNEL_MISMATCH)  # repeated dependencies count once
    assert (mismatch.package, mismatch.dependency) == (package, kernel)
    (failed,) = output.problems_of(P.INSTALL_FAILED)
    assert failed.package == package


def test_malformed_package_and_postinst() -> None:
    output = opkg_errors.parse(read("github-mrhaav-1-opkg-malformed-and-kernel.txt")).value
    (malformed,) = output.problems_of(P.MALFORMED_PACKAGE)
    assert malformed.package == "uqmi" and malformed.detail == "/tmp/uqmi_2021-12-22-0.2_mipsel_24kc.ipk"
    scapi = opkg_errors.parse(read("github-scapi-3-opkg-markdown-bullets.txt")).value
    (script,) = scapi.problems_of(P.SCRIPT_FAILED)
    assert (script.package, script.detail) == ("kmod-ipt-conntrack-extra", "postinst returned 255")
    assert ("configuring", "kmod-ipt-conntrack-extra") in [(a.action, a.package) for a in scapi.actions]


def test_feeds_unreachable() -> None:
    result = opkg_errors.parse(read("forum-23225-opkg-update-no-connection.txt"))
    output = result.value
    assert len(output.problems_of(P.NETWORK_ERROR)) == 3
    failed = output.problems_of(P.DOWNLOAD_FAILED)
    assert [p.url for p in failed] == [
        "http://downloads.openwrt.org/snapshots/targets/brcm63xx/generic/packages/Packages.gz",
        "http://downloads.openwrt.org/snapshots/targets/brcm63xx/generic/kmods/4.14.97-1-dee606e894727d3ef691b82bff6114a0/Packages.gz",
    ]
    assert len(output.downloads) == 3
    assert [u.line for u in result.unparsed] == [1]


def test_wget_exit_codes() -> None:
    output = opkg_errors.parse(read("github-lede-9970-opkg-update-wget8.txt")).value
    wget = [p for p in output.problems if p.detail.startswith("wget returned")]
    assert [(p.kind, p.detail) for p in wget] == [(P.DOWNLOAD_FAILED, "wget returned 8")] * 2
    assert wget[0].url == "https://github.com/GenzPN/AutoBuild-op/targets/ramips/mt7621/packages/Packages.gz"
    assert len(output.problems_of(P.DOWNLOAD_FAILED)) == 7


def test_wget_returned_4_is_a_network_error() -> None:
    # opkg's own line shape (as in the wget-8 fixtures), with exit status 4: wget's network failure
    line = " * opkg_download: Failed to download https://downloads.openwrt.org/releases/23.05.2/targets/ramips/mt7620/packages/Packages.gz, wget returned 4."
    (problem,) = opkg_errors.parse("Collected errors:\n" + line).value.problems
    assert problem.kind is P.NETWORK_ERROR and problem.line == 2
    assert problem.url.endswith("/mt7620/packages/Packages.gz")


def test_unknown_packages() -> None:
    result = opkg_errors.parse(read("github-gargoyle-297-opkg-unknown-package.txt"))
    output = result.value
    assert [(p.kind, p.package) for p in output.problems] == [(P.UNKNOWN_PACKAGE, "socat"), (P.INSTALL_FAILED, "socat")]
    assert output.feeds_updated == ("packages",)
    busybox = opkg_errors.parse(read("github-busybox-29-opkg-wget1-unknown.txt")).value
    assert [p.package for p in busybox.problems_of(P.UNKNOWN_PACKAGE)] == ["libseccomp", "ca-certificates"]
    assert [p.package for p in busybox.problems_of(P.INSTALL_FAILED)] == ["libseccomp", "ca-certificates"]
    assert [p.detail for p in busybox.problems_of(P.DOWNLOAD_FAILED)][:2] == ["server returned HTTP/1.1 404 Not Found"] * 2


def test_stale_feed_install() -> None:
    output = opkg_errors.parse(read("github-luci-8113-opkg-install-wget8.txt")).value
    assert [(p.kind, p.package) for p in output.problems] == [
        (P.DOWNLOAD_FAILED, ""),
        (P.DOWNLOAD_FAILED, "luci-proto-wireguard"),
        (P.INSTALL_FAILED, "luci-proto-wireguard"),
    ]


def test_apk_no_such_package() -> None:
    result = opkg_errors.parse(read("github-5gmodem-19-apk-no-such-package.txt"))
    output = result.value
    assert output.manager is PackageManager.APK
    (unknown,) = output.problems
    assert (unknown.kind, unknown.package, unknown.line) == (P.UNKNOWN_PACKAGE, "kmod-usb-net-qmi-wwan", 3)
    assert "required by: uqmi-2025.07.30~7914da43-r2" in unknown.detail


def test_apk_network_error() -> None:
    output = opkg_errors.parse(read("github-openwrt-17490-apk-network-error.txt")).value
    assert output.manager is PackageManager.APK
    urls = [p.url for p in output.problems_of(P.NETWORK_ERROR) if p.url]
    assert urls == [
        "https://downloads.openwrt.org/snapshots/targets/ath79/generic/packages/packages.adb",
        "https://downloads.openwrt.org/snapshots/packages/mips_24kc/base/packages.adb",
        "https://downloads.openwrt.org/snapshots/packages/mips_24kc/luci/packages.adb",
    ]
    assert len(output.downloads) == 3


def test_registry_and_json() -> None:
    result = parse("opkg_errors", read("github-packages-2029-opkg-kernel-dep.txt"))
    data = json.loads(json.dumps(to_jsonable(result)))
    assert data["value"]["manager"] == "opkg"
    assert data["value"]["problems"][0]["kind"] == "kernel_mismatch"
    listing = json.loads(json.dumps(to_jsonable(parse("apk_list", read("github-openwrt-16907-apk-list-line.txt")))))
    assert listing["value"]["packages"][0]["name"] == "rpcd-mod-rpcsys"


JUNK = [
    "",
    "\n \n",
    "That looks good, except it should not have unregistered.",
    "\x00\x01\xff\ufffd" * 30,
    " * ",
    " * satisfy_dependencies_for: Cannot satisfy the following dependencies for",
    "kmod-usb-net -",
    "T: Bus=01 Lev=00 Prnt=00 Port=00 Cnt=00 Dev#= 1 Spd=480 MxCh= 1",
    "[ 20.091055] cdc_ether 1-1.2:2.0 eth1: register 'cdc_ether'",
]


@pytest.mark.parametrize("junk", JUNK)
@pytest.mark.parametrize("module", [opkg_list, apk_list, opkg_errors])
def test_junk_gives_unparsed_lines(module, junk: str) -> None:  # type: ignore[no-untyped-def]
    result = module.parse(junk)
    nonblank = [line for line in junk.splitlines() if line.strip()]
    if module is opkg_errors:
        # a bullet line with an unknown message is kept as an OTHER problem, never dropped
        others = result.value.problems_of(P.OTHER)
        assert len(result.value.problems) == len(others)
        assert len(result.unparsed) + len(others) == len(nonblank)
    else:
        assert result.value.packages == ()
        assert [u.line for u in result.unparsed] == [n for n, line in enumerate(junk.splitlines(), 1) if line.strip()]


@pytest.mark.parametrize(
    "name, package, kernel",
    [
        ("github-awg-138-apk-kernel-breaks.txt", "kmod-amneziawg", "kernel=6.12.85~bcaa08c25321cf83e5aa78ef3f965153-r1"),
        ("github-oaf-339-apk-kernel-breaks-satisfies.txt", "kmod-oaf", "kernel=6.12.71~9aa78420ad5a02b13026a1936e68b01c-r1"),
    ],
)
def test_apk_kernel_breaks_kmod(name: str, package: str, kernel: str) -> None:
    result = opkg_errors.parse(read(name))
    output = result.value
    assert output.manager is PackageManager.APK
    (mismatch,) = output.problems
    assert (mismatch.kind, mismatch.package, mismatch.dependency, mismatch.line) == (P.KERNEL_MISMATCH, package, kernel, 4)
    assert mismatch.detail.startswith("kernel-6.12.")
    assert [u.line for u in result.unparsed] == [1]  # the command line


def test_no_space_left_on_device_mid_install() -> None:
    # tests/fixtures/rules/pkg002 (SOURCE.md there): opkg on a 1.7M overlay, Chaos Calmer
    text = (FIXTURES.parent / "rules" / "pkg002" / "github-respeaker-43-opkg-no-space.txt").read_text()
    body = text.split("opkg install git git-http\n", 1)[1]
    output = opkg_errors.parse(body).value
    assert [(p.kind, p.package) for p in output.problems] == [
        (P.NO_SPACE, "git"), (P.NO_SPACE, "git"), (P.NO_SPACE, "git"), (P.NO_SPACE, ""),
    ]
    assert output.problems[0].detail == "wfopen: no space left on device"
    assert output.problems[-1].detail == "extract_archive: no space left on device"
    assert [a.package for a in output.actions if a.action == "installing"] == ["git", "git-http"]
