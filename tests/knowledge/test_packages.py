"""OpenWrt package knowledge: kmods, DEPENDS closure, protocols, releases (facts from
shared/docs/openwrt-stack.md sections 4 and 5)."""

from __future__ import annotations

import pytest

from modem_doctor.errors import KnowledgeError
from modem_doctor.knowledge import packages


def test_driver_to_kmod():
    assert packages.kmod_for_driver("qmi_wwan") == "kmod-usb-net-qmi-wwan"
    assert packages.kmod_for_driver("option") == "kmod-usb-serial-option"
    assert packages.kmod_for_driver("cdc_ether") == "kmod-usb-net-cdc-ether"
    assert packages.kmod_for_driver("cdc_mbim") == "kmod-usb-net-cdc-mbim"
    assert packages.kmod_for_driver("huawei_cdc_ncm") == "kmod-usb-net-huawei-cdc-ncm"
    assert packages.kmod_for_driver("qcserial") == "kmod-usb-serial-qualcomm"
    assert packages.kmod_for_driver("usb-storage") == "kmod-usb-storage"
    assert packages.kmod_for_driver("mtk_t7xx") == "kmod-mtk-t7xx"
    assert packages.kmod_for_driver("no_such_driver") is None
    assert packages.kmod_for_driver(None) is None


def test_depends_closure_of_luci_proto_qmi():
    closure = packages.closure(["luci-proto-qmi"])
    assert closure[0] == "luci-proto-qmi"
    for name in ("uqmi", "wwan", "kmod-usb-net-qmi-wwan", "kmod-usb-wdm", "kmod-usb-net", "kmod-usb-core", "kmod-mii"):
        assert name in closure
    assert len(closure) == len(set(closure))


def test_comgt_ncm_pulls_the_huawei_ncm_chain():
    closure = packages.closure(["comgt-ncm"])
    for name in ("kmod-usb-serial-option", "kmod-usb-net-huawei-cdc-ncm", "kmod-usb-net-cdc-ncm", "kmod-usb-net-cdc-ether"):
        assert name in closure


def test_missing_keeps_only_what_nothing_else_pulls_in():
    needed = ["kmod-usb-net-qmi-wwan", "uqmi", "luci-proto-qmi", "kmod-usb-serial-option"]
    assert packages.missing(needed, installed=["kmod-usb-net"]) == ("luci-proto-qmi", "kmod-usb-serial-option")
    assert packages.missing(needed, installed=needed) == ()
    assert packages.missing(["uqmi"], installed=[]) == ("uqmi",)
    full = packages.missing_closure(["uqmi"], installed=["kmod-usb-core", "kmod-mii"])
    assert "kmod-usb-wdm" in full and "kmod-usb-core" not in full


def test_protocols():
    qmi = packages.proto_packages("qmi")
    assert qmi.userland == ("uqmi",) and qmi.luci == "luci-proto-qmi" and "qmi_wwan" in qmi.drivers
    assert packages.proto_packages("mbim").userland == ("umbim",)
    assert packages.proto_packages("ncm").userland == ("comgt-ncm",)
    assert packages.proto_packages("3g").luci == "luci-proto-3g"
    assert packages.proto_packages("modemmanager").luci == "luci-proto-modemmanager"
    assert packages.proto_packages("directip").userland == ("comgt-directip",)
    assert packages.proto_packages("dhcp").userland == ()
    for proto in packages.NETIFD_PROTOS:
        packages.proto_packages(proto)
    with pytest.raises(KnowledgeError):
        packages.proto_packages("wireguard")


def test_data_path_protocols():
    assert packages.protos_for_data_path("qmi")[0] == "qmi"
    assert packages.protos_for_data_path("ppp")[0] == "3g"
    assert packages.protos_for_data_path("hilink") == ("dhcp",)
    assert packages.protos_for_data_path("storage") == ()


def test_releases_and_install_commands():
    assert packages.release("23.05.5").package_manager == "opkg"
    assert packages.release("24.10.2").package_manager == "opkg"
    assert packages.release("25.12.0").package_manager == "apk"
    assert packages.release("SNAPSHOT").version == "25.12"
    assert packages.release_key("22.03.6") == "23.05"
    assert packages.install_commands(["uqmi", "kmod-usb-serial-option"], "23.05.3") == (
        "opkg update", "opkg install uqmi kmod-usb-serial-option")
    assert packages.install_commands(["uqmi"], "25.12.1") == ("apk update", "apk add uqmi")
    assert packages.release("24.10").imagebuilder_archive == "tar.zst"
    assert packages.release("23.05").imagebuilder_archive == "tar.xz"


def test_mtk_t7xx_absent_in_23_05():
    assert not packages.available("kmod-mtk-t7xx", "23.05.2")
    assert packages.available("kmod-mtk-t7xx", "24.10.0")
    assert packages.install_commands(["kmod-mtk-t7xx"], "23.05") == ()
    assert packages.install_commands(["kmod-mtk-t7xx"], "25.12") == ("apk update", "apk add kmod-mtk-t7xx")


def test_image_builder_board_of_the_case():
    board = packages.imagebuilder_board("zbtlink,zbt-we826-32m")
    assert board["profile"] == "zbtlink_zbt-we826-32m" and board["target"] == "ramips/mt7620"
    assert packages.imagebuilder_board("zbtlink_zbt-we826-32m")["profile"] == "zbtlink_zbt-we826-32m"
    assert packages.imagebuilder_board("unknown,board") is None


def test_image_builder_commands_per_release():
    build = packages.imagebuilder("zbtlink,zbt-we826-32m", ["uqmi", "luci-proto-qmi", "kmod-usb-serial-option"], "23.05.5")
    assert build.profile == "zbtlink_zbt-we826-32m"
    assert build.archive == "openwrt-imagebuilder-23.05.5-ramips-mt7620.Linux-x86_64.tar.xz"
    assert build.commands[-1] == 'make image PROFILE=zbtlink_zbt-we826-32m PACKAGES="uqmi luci-proto-qmi kmod-usb-serial-option" FILES=files/'
    newer = packages.imagebuilder("zbtlink,zbt-we826-32m", ["uqmi"], "24.10.2")
    assert newer.archive.endswith(".tar.zst") and newer.commands[1].startswith("tar --zstd")
    assert packages.imagebuilder("unknown,board", ["uqmi"], "23.05.5") is None
