"""Plan snippets run for real: the hotplug script under BusyBox ash against a sysfs tree,
the uci batch and file installers through a real shell."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from modem_doctor.plan.snippets import (
    UciChange,
    config_switch_hotplug,
    install_file_commands,
    interface_changes,
    keep_on_upgrade,
    uci_batch_command,
    wan_zone_commands,
)

ASH = shutil.which("busybox")
needs_ash = pytest.mark.skipif(ASH is None, reason="busybox (Debian busybox-static) is not installed")


def _run_hotplug(tmp_path: Path, env: dict, current: str) -> str:
    device = tmp_path / "devices" / "platform" / "101c0000.ehci" / "usb1" / "1-1" / "1-1.2"
    device.mkdir(parents=True, exist_ok=True)
    (device / "bConfigurationValue").write_text(current + "\n")
    script = tmp_path / "20-modem-config"
    script.write_text(config_switch_hotplug(0x12D1, 0x1573, 1, "Huawei MU609", sysfs=str(tmp_path)))
    full_env = {"PATH": os.environ["PATH"], "DEVPATH": "/devices/platform/101c0000.ehci/usb1/1-1/1-1.2", **env}
    subprocess.run([ASH, "ash", str(script)], env=full_env, check=True, capture_output=True)
    return (device / "bConfigurationValue").read_text().strip()


@needs_ash
def test_hotplug_switches_the_mu609_to_configuration_1(tmp_path: Path) -> None:
    env = {"ACTION": "add", "DEVTYPE": "usb_device", "PRODUCT": "12d1/1573/0"}
    assert _run_hotplug(tmp_path, env, "2") == "1"


@needs_ash
@pytest.mark.parametrize(
    "env",
    [
        {"ACTION": "remove", "DEVTYPE": "usb_device", "PRODUCT": "12d1/1573/0"},
        {"ACTION": "add", "DEVTYPE": "usb_interface", "PRODUCT": "12d1/1573/0"},
        {"ACTION": "add", "DEVTYPE": "usb_device", "PRODUCT": "12d1/1506/102"},
    ],
)
def test_hotplug_leaves_other_events_alone(tmp_path: Path, env: dict) -> None:
    assert _run_hotplug(tmp_path, env, "2") == "2"


@needs_ash
def test_file_install_and_sysupgrade_keep_are_idempotent(tmp_path: Path) -> None:
    target = tmp_path / "etc" / "hotplug.d" / "usb" / "20-modem-config"
    content = "#!/bin/sh\necho '$HOME' \"$(id)\"\n"
    conf = tmp_path / "sysupgrade.conf"
    conf.write_text("/etc/example\n")
    commands = list(install_file_commands(str(target), content))
    commands += [c.replace("/etc/sysupgrade.conf", str(conf)) for c in keep_on_upgrade([str(target)]) * 2]
    subprocess.run([ASH, "ash", "-e", "-c", "\n".join(commands)], check=True)
    assert target.read_text() == content  # no expansion inside the here-document
    assert conf.read_text().splitlines() == ["/etc/example", str(target)]


def test_uci_batch_quotes_hostile_values() -> None:
    changes = interface_changes("wwan", [("proto", "qmi"), ("apn", "a'b;reboot")])
    command = uci_batch_command(changes, ["network"])
    assert "set network.wwan.apn='a'\\''b;reboot'" in command
    assert command.startswith("uci batch <<'EOF'\n") and command.endswith("\ncommit network\nEOF")
    assert UciChange("delete", "network.wan6").render() == "delete network.wan6"


@needs_ash
def test_wan_zone_lookup_finds_the_zone_by_name(tmp_path: Path) -> None:
    # A stand-in 'uci' that prints real `uci show firewall` lines and logs other calls.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls"
    (bin_dir / "uci").write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = show ]; then printf "%s\\n" "firewall.@zone[0]=zone" "firewall.@zone[0].name=\'lan\'" '
        "\"firewall.cfg03dc81=zone\" \"firewall.cfg03dc81.name='wan'\"; exit 0; fi\n"
        f'echo "$*" >> {log}\n'
    )
    (bin_dir / "uci").chmod(0o755)
    (bin_dir / "service").write_text("#!/bin/sh\nexit 0\n")
    (bin_dir / "service").chmod(0o755)
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}"}
    subprocess.run([ASH, "ash", "-c", "\n".join(wan_zone_commands("wwan", None))], env=env, check=True)
    assert log.read_text().splitlines() == [
        "-q del_list firewall.cfg03dc81.network=wwan",
        "add_list firewall.cfg03dc81.network=wwan",
        "commit firewall",
    ]


def test_image_route_for_the_case_router() -> None:
    # The plan takes its Image Builder commands from knowledge.packages (board -> profile).
    from modem_doctor.knowledge.packages import imagebuilder

    build = imagebuilder("zbtlink,zbt-we826-32m", ["uqmi", "kmod-usb-serial-option"], "23.05.2")
    assert build is not None and build.profile == "zbtlink_zbt-we826-32m"
    assert build.commands[0].endswith("openwrt-imagebuilder-23.05.2-ramips-mt7620.Linux-x86_64.tar.xz")
    assert build.commands[-1] == (
        'make image PROFILE=zbtlink_zbt-we826-32m PACKAGES="uqmi kmod-usb-serial-option" FILES=files/'
    )
    newer = imagebuilder("zbtlink,zbt-we826-32m", ["uqmi"], "24.10.1")
    assert newer is not None and "tar --zstd" in newer.commands[1]
