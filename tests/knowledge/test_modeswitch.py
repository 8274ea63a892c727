"""usb_modeswitch knowledge (Debian usb-modeswitch-data) and OpenWrt usb-mode.json entries;
regenerating the generated data files reproduces the committed ones."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from modem_doctor.knowledge import modeswitch

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(os.path.dirname(REPO), "shared")


def test_source_version_recorded():
    source = modeswitch.source()
    assert source["package"] == "usb-modeswitch-data"
    assert source["version"].startswith("20191128")


def test_huawei_new_mode_storage_id():
    (entry,) = modeswitch.lookup("12d1:1f01")
    assert entry.methods == ("HuaweiNewMode",)
    assert entry.targets == ("12d1:14db", "12d1:14dc")
    assert modeswitch.is_storage_mode("12d1:1f01")
    assert "12d1:1f01" in modeswitch.switched_from("12d1:14dc")
    # Huawei storage IDs are covered by the vendor-wide rule (interface 0 of class 08)
    assert not modeswitch.has_udev_rule("12d1:1f01")
    assert modeswitch.udev_rule("12d1:1f01") == "generic"
    assert modeswitch.udev_rule("19d2:0166") == "explicit"
    assert modeswitch.udev_rule("2c7c:0125") is None


def test_message_content_and_standard_eject():
    (zte,) = modeswitch.lookup("19d2:0166")
    assert zte.messages[0].startswith("55534243")
    assert zte.targets == ("19d2:0167",)
    (eject,) = modeswitch.lookup("19d2:1225")
    assert "StandardEject" in eject.methods


def test_mu609_has_only_a_placeholder_configuration():
    (entry,) = modeswitch.lookup("12d1:1573")
    assert entry.configuration == 0 and entry.methods == ("Configuration",)
    assert not modeswitch.is_storage_mode("12d1:1573")


def test_usb_mode_json_for_a_multi_configuration_modem():
    assert modeswitch.usb_mode_json("12d1:1573", config=1) == {
        "messages": [], "devices": {"12d1:1573": {"*": {"config": 1}}}}
    # the Configuration=0 placeholder alone gives nothing to write
    assert modeswitch.usb_mode_json("12d1:1573") == {}


def test_usb_mode_json_huawei_new_mode_and_message():
    assert modeswitch.usb_mode_json("12d1:1f01") == {
        "messages": [], "devices": {"12d1:1f01": {"*": {"t_vendor": 0x12D1, "t_product": [0x14DB, 0x14DC], "mode": "HuaweiNew"}}}}
    document = modeswitch.usb_mode_json("19d2:0166")
    assert document["messages"] == [modeswitch.lookup("19d2:0166")[0].messages[0]]
    assert document["devices"]["19d2:0166"]["*"]["msg"] == [0]
    assert document["devices"]["19d2:0166"]["*"]["t_product"] == [0x0167]


def test_usb_mode_json_string_matches_and_dropped_modes():
    yota = modeswitch.lookup("0408:f000")
    assert any(entry.match == "uMa=Yota" for entry in yota)
    option_mode = [vid_pid for vid_pid in ("0af0:6711", "0af0:7011", "0af0:6971") if modeswitch.lookup(vid_pid)]
    for vid_pid in option_mode:
        if all(not entry.in_openwrt for entry in modeswitch.lookup(vid_pid)):
            assert modeswitch.usb_mode_json(vid_pid) == {}


def _run(script, *args):
    return subprocess.run([sys.executable, os.path.join(REPO, "scripts", script), *args], capture_output=True, text=True)


def test_openwrt_wwan_data_regenerates_identically():
    if not os.path.isdir(os.path.join(SHARED, "data", "openwrt-wwan")):
        pytest.skip("../shared/data/openwrt-wwan not beside the repository")
    result = _run("gen_openwrt_wwan.py", "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_modeswitch_data_regenerates_identically():
    if os.path.exists("/usr/share/usb_modeswitch/configPack.tar.gz") and shutil.which("dpkg-query"):
        installed = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "usb-modeswitch-data"],
                                   capture_output=True, text=True).stdout.strip()
        if installed != modeswitch.source()["version"]:
            pytest.skip(f"installed usb-modeswitch-data {installed} is not the committed {modeswitch.source()['version']}")
        result = _run("gen_modeswitch.py", "--check", "--system")
    else:
        debs = [name for name in os.listdir(REPO) if name.startswith("usb-modeswitch-data") and name.endswith(".deb")]
        if not debs or not shutil.which("dpkg-deb"):
            pytest.skip("usb-modeswitch-data is neither installed nor downloaded")
        result = _run("gen_modeswitch.py", "--check", "--deb", os.path.join(REPO, debs[0]))
    if result.returncode == 2:
        pytest.skip(result.stderr)
    assert result.returncode == 0, result.stdout + result.stderr
