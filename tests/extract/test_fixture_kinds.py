"""Every real fixture the parser tests use, given to the extractor whole: a raw output comes
back as one block of the right kind, a post with several outputs as several, and the
damage of mail and forums changes none of that."""

from __future__ import annotations

from pathlib import Path
from typing import List, Tuple

import pytest
from paste_damage import DAMAGES

from modem_doctor.extract import extract

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

# path under tests/fixtures -> kinds of the blocks found, in order. Empty where the text has
# no output we can recognise without its command: 'ls /dev' in columns, 'uname -r', a
# Debian os-release, 'apk info' (names only).
KINDS = {
    "log/case-we826-dmesg-grep.txt": ('dmesg',),
    "log/forum-26730-dmesg-grep-usb.txt": ('dmesg', 'dmesg'),
    "log/forum-30002-syslog-pppd-chat.txt": ('logread',),
    "log/github-aioc-122-dmesg-error-71.txt": ('dmesg',),
    "log/github-dasharo-1132-dmesg-t-err.txt": ('dmesg',),
    "log/github-displaylink-116-grep-sets-config.txt": ('dmesg', 'logread'),
    "log/github-hmdiag-142-dmesg-error-110.txt": ('dmesg',),
    "log/github-istoreos-1474-logread-mm.txt": ('logread',),
    "log/github-lede-238-logread-uqmi.txt": ('logread',),
    "log/github-omr-1519-logread-e8372-sdb.txt": ('logread',),
    "log/github-omr-1686-logread-e8372.txt": ('logread',),
    "log/github-omr-3761-dmesg-qmi-rndis.txt": ('dmesg',),
    "log/github-openstick-20-journal-mm.txt": ('logread',),
    "log/github-openwrt-10577-dmesg-option-disconnect.txt": ('dmesg',),
    "log/github-openwrt-11729-logread-mm.txt": ('logread',),
    "log/github-openwrt-ipq-3-logread-mm-warn.txt": ('logread',),
    "log/github-packages-15893-logread-kernel.txt": ('logread',),
    "log/github-pirouter-1-dmesg-em7565.txt": ('dmesg',),
    "log/github-qualcommlte-1-dmesg-quoted.txt": ('dmesg',),
    "log/github-quecpython-4-dmesg-cant-set-config-32.txt": ('dmesg',),
    "log/github-re4son-6-dmesg-over-current.txt": ('dmesg',),
    "log/github-rpi-1880-dmesg-ec21.txt": ('dmesg',),
    "log/github-rpi-2544-syslog-debian.txt": ('logread',),
    "log/github-solus-100-dmesg-huawei-e398.txt": ('dmesg',),
    "log/host-dmesg-T.txt": ('dmesg',),
    "log/host-dmesg-d.txt": ('dmesg',),
    "log/host-dmesg-iso.txt": ('dmesg',),
    "log/host-dmesg-r.txt": ('dmesg',),
    "log/host-dmesg-t.txt": ('dmesg',),
    "log/host-dmesg-x.txt": ('dmesg',),
    "log/host-dmesg.txt": ('dmesg',),
    "net/busybox_ifconfig_a_host.txt": ('ifconfig',),
    "net/busybox_ip6_route_host.txt": ('ip_route',),
    "net/busybox_ip_addr_host.txt": ('ip_addr',),
    "net/busybox_ip_link_host.txt": ('ip_addr',),
    "net/busybox_ip_route_host.txt": ('ip_route',),
    "net/ifconfig_wwan0_omr598_fragment.txt": ('ifconfig',),
    "net/ifstatus_att_omr3542_truncated.txt": ('ifstatus',),
    "net/ifstatus_openconnect_packages780.txt": ('ifstatus', 'ifstatus'),
    "net/ip4_addr_host.txt": ('ip_addr',),
    "net/ip4_route_openwrt_packages16837.txt": ('ip_route',),
    "net/ip6_addr_host.txt": ('ip_addr',),
    "net/ip6_route_host.txt": ('ip_route',),
    "net/ip_addr_host.txt": ('ip_addr',),
    "net/ip_addr_wwan0_xmm7360_145_fragment.txt": ('ip_addr',),
    "net/ip_br_addr_host.txt": ('ip_addr',),
    "net/ip_br_link_host.txt": ('ip_addr',),
    "net/ip_link_host.txt": ('ip_addr',),
    "net/ip_link_show_openwrt_nss64_fragment.txt": ('ip_addr',),
    "net/ip_o_addr_host.txt": ('ip_addr',),
    "net/ip_o_link_host.txt": ('ip_addr',),
    "net/ip_route_host.txt": ('ip_route',),
    "net/ip_route_table_all_host.txt": ('ip_route',),
    "net/ip_route_wwan0_openwrt10791.txt": ('ip_route',),
    "net/ip_route_wwan0_raspap1277.txt": ('ip_route',),
    "net/ip_s_link_host.txt": ('ip_addr',),
    "net/ls_dev_columns_host.txt": (),
    "net/ls_dev_grep_ttyusb_forum171787.txt": ('ls_dev',),
    "net/ls_dev_host.txt": (),
    "net/ls_l_cdcwdm_forum248352.txt": ('ls_dev',),
    "net/ls_l_dev_host.txt": ('ls_dev',),
    "net/ls_l_sys_class_net_host.txt": ('ls_dev',),
    "net/ls_l_sys_class_net_sriov.txt": ('ls_dev',),
    "net/ls_l_wwan_nodes_openwrt18932.txt": ('ls_dev',),
    "net/ls_la_dev_openwrt15344.txt": ('ls_dev',),
    "net/ls_lh_dev_openwrt_luci3586.txt": ('ls_dev',),
    "net/ls_missing_busybox_host.txt": (),
    "net/ls_missing_gnu_host.txt": (),
    "net/ls_sys_class_net_host.txt": (),
    "net/nettools_ifconfig_a_host.txt": ('ifconfig',),
    "net/route6_n_nettools_host.txt": ('ip_route',),
    "net/route_n_busybox_host.txt": ('ip_route',),
    "net/route_n_nettools_host.txt": ('ip_route',),
    "net/ubus_dump_luci3076_fragment.txt": ('ifstatus',),
    "net/ubus_dump_luci3076_qmi_fragment.txt": ('ifstatus',),
    "packages/forum-23225-opkg-update-no-connection.txt": ('opkg_errors',),
    "packages/github-5gmodem-19-apk-no-such-package.txt": ('opkg_errors',),
    "packages/github-awg-138-apk-kernel-breaks.txt": ('opkg_errors',),
    "packages/github-busybox-29-opkg-wget1-unknown.txt": ('opkg_errors',),
    "packages/github-gargoyle-297-opkg-unknown-package.txt": ('opkg_errors', 'opkg_errors'),
    "packages/github-lede-9970-opkg-update-wget8.txt": ('opkg_errors',),
    "packages/github-luci-1736-opkg-kernel-dep-tabs.txt": ('opkg_errors',),
    "packages/github-luci-8113-opkg-install-wget8.txt": ('opkg_errors',),
    "packages/github-mrhaav-1-opkg-malformed-and-kernel.txt": ('opkg_errors', 'opkg_errors'),
    "packages/github-oaf-339-apk-kernel-breaks-satisfies.txt": ('opkg_errors',),
    "packages/github-openwrt-16907-apk-list-line.txt": ('apk_list',),
    "packages/github-openwrt-17490-apk-network-error.txt": ('opkg_errors',),
    "packages/github-openwrt-19874-apk-info.txt": (),
    "packages/github-openwrt-4294-apk-list-installed.txt": ('apk_list',),
    "packages/github-packages-10565-opkg-list-installed.txt": ('opkg_list',),
    "packages/github-packages-17083-opkg-kernel-arch.txt": ('opkg_errors',),
    "packages/github-packages-2029-opkg-kernel-dep.txt": ('opkg_errors',),
    "packages/github-pcapdnsproxy-8-opkg-list-installed.txt": ('opkg_list',),
    "packages/github-scapi-3-opkg-markdown-bullets.txt": ('opkg_errors',),
    "system/github-buildbot-37-ubus-board-snapshot.txt": ('ubus_board',),
    "system/github-frp-32-openwrt-release-bb.txt": ('openwrt_release',),
    "system/github-luci-1646-ubus-board.txt": ('ubus_board',),
    "system/github-luci-8113-ubus-board-truncated.txt": ('ubus_board',),
    "system/github-openwrt-10508-dmesg-linux-version.txt": ('dmesg',),
    "system/github-openwrt-15987-ubus-board-elided.txt": ('ubus_board',),
    "system/github-tgpt-353-openwrt-release-21.02.txt": ('openwrt_release',),
    "system/github-tgpt-353-uname-we826.txt": ('uname',),
    "system/github-ubootmod-233-uname-and-release.txt": ('uname', 'openwrt_release'),
    "system/github-v2ray-199-etc-release-23.05.5.txt": ('openwrt_release',),
    "system/host-os-release.txt": (),
    "system/host-proc-version.txt": ('uname',),
    "system/host-uname-a.txt": ('uname',),
    "system/host-uname-r.txt": (),
    "system/stackoverflow-72098691-dmesg-linux-version.txt": ('dmesg',),
    "uci/base_files_network_276de79.conf": ('uci_config',),
    "uci/export_network_netjsonconfig316.txt": ('uci_config',),
    "uci/firewall4_default_ac35028.conf": ('uci_config',),
    "uci/network_ncm_openwrt10791.conf": ('uci_config',),
    "uci/network_qmi_aligned_luci840.conf": ('uci_config',),
    "uci/network_qmi_luci5283.conf": ('uci_config',),
    "uci/network_we826_t2_forum190811.conf": ('uci_config',),
    "uci/uci_show_firewall_openwrt_23.05.5.txt": ('uci_show',),
    "uci/uci_show_network_k8s_labs.txt": ('uci_show',),
    "uci/uci_show_network_openwrt_23.05.5.txt": ('uci_show',),
    "uci/uci_show_omr1004_fragment.txt": ('uci_show',),
    "usb/lsusb-ec25-armbian-9456.txt": ('lsusb',),
    "usb/lsusb-ec25-rpi-github-344.txt": ('lsusb',),
    "usb/lsusb-t-cinterion-quoted-linux-usb-20240620.txt": ('lsusb_tree', 'lsusb_tree', 'lsusb'),
    "usb/lsusb-t-rm520n-linux-usb-20250808.txt": ('lsusb_tree',),
    "usb/lsusb-tv-gentoo-wiki.txt": ('lsusb_tree',),
    "usb/lsusb-v-cinterion-1e2d0065-mbim-linux-usb-20240620.txt": ('lsusb_verbose',),
    "usb/lsusb-v-cinterion-plsx3-linux-usb-20210118.txt": ('lsusb_verbose',),
    "usb/lsusb-v-dell-dw5570-forum-20131006.txt": ('lsusb_verbose',),
    "usb/simcom-8230c-linux-usb-20250808.txt": ('usb_debugfs', 'usb_debugfs', 'usb_debugfs'),
    "usb/tozed-lt70c-usb-devices-and-lsusb-v-linux-usb-20230417.txt": ('usb_devices', 'lsusb_verbose'),
    "usb/we826-listing1-L4-78.txt": ('usb_debugfs',),
    "usb/we826-listing2-L105-179.txt": ('usb_debugfs',),
    "usb/we826-listing3-L185-259.txt": ('usb_debugfs',),
    "usb/we826-mu609-thread.txt": ('usb_debugfs', 'dmesg', 'usb_debugfs', 'usb_debugfs'),
}


def _read(path: str) -> str:
    return (FIXTURES / path).read_text(encoding="utf-8", errors="replace")


@pytest.mark.parametrize("path", sorted(KINDS))
def test_kinds_found(path: str) -> None:
    assert tuple(block.kind for block in extract(_read(path), path).blocks) == KINDS[path]


def _all_fixtures() -> List[str]:
    """Every fixture of the parser tests, including ones added after this table was written."""
    return sorted(
        str(path.relative_to(FIXTURES))
        for path in FIXTURES.glob("*/*.*")
        if path.parent.name not in ("pastes", "corpus") and path.suffix != ".md"
    )


def test_table_is_current() -> None:
    """Every fixture listed still exists (a renamed one must be renamed here too)."""
    assert not sorted(set(KINDS) - set(_all_fixtures()))


@pytest.mark.parametrize("path", _all_fixtures())
def test_damage_changes_nothing(path: str) -> None:
    text = _read(path)
    original: Tuple[Tuple[str, object], ...] = tuple((b.kind, b.command) for b in extract(text, path).blocks)
    for name, damage in sorted(DAMAGES.items()):
        found = tuple((b.kind, b.command) for b in extract(damage(text), path).blocks)
        assert found == original, name


# Damage applied in a different order than ``everything``: a client wrapping the text and
# a forum squeezing its spaces afterwards (the wrapped pieces then look too short to have
# been cut), or quoting before wrapping (the pieces lose the quote marks).
COMBINED = {
    "wrap_then_squeeze": lambda text: DAMAGES["collapse_whitespace"](DAMAGES["wrap_72"](text)),
    "quote_then_wrap": lambda text: DAMAGES["wrap_72"](DAMAGES["mail_quote"](text)),
    "quote_wrap_squeeze": lambda text: DAMAGES["collapse_whitespace"](DAMAGES["wrap_72"](DAMAGES["mail_quote"](text))),
}


@pytest.mark.parametrize("path", _all_fixtures())
@pytest.mark.parametrize("combined", sorted(COMBINED))
def test_combined_damage_changes_nothing(path: str, combined: str) -> None:
    # e.g. a journal line's own '[1662677478.9376]' stamp, wrapped onto a line of its own
    # without the quote mark, must not read as a dmesg line
    text = _read(path)
    original = tuple((b.kind, b.command) for b in extract(text, path).blocks)
    assert tuple((b.kind, b.command) for b in extract(COMBINED[combined](text), path).blocks) == original
