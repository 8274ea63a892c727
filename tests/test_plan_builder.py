"""The plan for the case thread, and hostile values staying inert all the way through."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from modem_doctor.diagnosis import diagnose
from modem_doctor.load import load_example, load_text

EXAMPLE = Path(__file__).resolve().parents[1] / "src" / "modem_doctor" / "examples" / "we826-mu609.txt"


def _plan(doc: dict) -> dict:
    return doc["plan"]


def test_case_thread_plan_has_everything_the_thread_needed() -> None:
    doc = diagnose(load_example("we826-mu609")).to_json()
    plan = _plan(doc)
    assert {"kmod-usb-net-qmi-wwan", "uqmi", "kmod-usb-serial-option"} <= set(plan["packages"])
    kinds = [step["kind"] for step in plan["steps"]]
    assert kinds[:2] == ["install", "image"] and kinds[-1] == "verify"
    assert {"switch", "configure", "firewall"} <= set(kinds)
    image = next(s for s in plan["steps"] if s["kind"] == "image")
    assert image["alternative"] is True
    assert any("PROFILE=zbtlink_zbt-we826-32m" in c for c in image["commands"])
    assert any("/ramips/mt7620/" in c for c in image["commands"])
    switch = next(s for s in plan["steps"] if s["kind"] == "switch")
    assert any("/etc/hotplug.d/usb/" in c and "cat >" in c for c in switch["commands"])
    assert any("/etc/sysupgrade.conf" in c for c in switch["commands"])
    configure = next(s for s in plan["steps"] if s["kind"] == "configure")
    batch = configure["commands"][0]
    for line in ("set network.wwan.proto='qmi'", "set network.wwan.pdptype='ipv4'",
                 "set network.wwan.modes='umts,gsm'", "set network.wwan.device='/dev/cdc-wdm0'"):
        assert line in batch
    firewall = next(s for s in plan["steps"] if s["kind"] == "firewall")
    assert any("network=wwan" in c for c in firewall["commands"])


UCI_WITH_HOSTILE_APN = """root@OpenWrt:~# cat /etc/config/network

config interface 'lan'
\toption proto 'static'
\toption ipaddr '192.168.1.1'
\toption netmask '255.255.255.0'

config interface 'wwan'
\toption proto 'qmi'
\toption device '/dev/cdc-wdm0'
\toption apn 'a'\\''b;reboot'
\toption pdptype 'ipv4v6'
"""


@pytest.mark.skipif(shutil.which("busybox") is None, reason="busybox-static not installed")
def test_hostile_apn_from_the_users_config_stays_a_string(tmp_path: Path) -> None:
    text = EXAMPLE.read_text() + "\n" + UCI_WITH_HOSTILE_APN
    doc = diagnose(load_text(text, "thread+config")).to_json()
    configure = next(s for s in doc["plan"]["steps"] if s["kind"] == "configure")
    batch = configure["commands"][0]
    assert "set network.wwan.apn='a'\\''b;reboot'" in batch
    # Run the batch through ash with a stand-in uci that records what it was fed:
    # the here-document must reach uci byte for byte, and nothing may run 'reboot'.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fed = tmp_path / "fed"
    (bin_dir / "uci").write_text(f"#!/bin/sh\ncat > {fed}\n")
    (bin_dir / "reboot").write_text(f"#!/bin/sh\ntouch {tmp_path / 'rebooted'}\n")
    for tool in ("uci", "reboot"):
        (bin_dir / tool).chmod(0o755)
    subprocess.run(["busybox", "ash", "-c", batch], env={"PATH": f"{bin_dir}:/usr/bin:/bin"}, check=True)
    assert "set network.wwan.apn='a'\\''b;reboot'" in fed.read_text()
    assert not (tmp_path / "rebooted").exists()
    assert "The APN" in configure["why"]  # and the user is told it is not a valid APN
