"""collector.sh run locally, without SSH: under BusyBox ash and dash, as root and not, the
sysfs walk against real sysfs values from the QEMU lab, and the read-only rule."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import rig  # noqa: E402

from modem_doctor import parse  # noqa: E402
from modem_doctor.collect import collect_local  # noqa: E402
from modem_doctor.collect.specs import CAPTURES, SCRIPT_PATH, spec_for  # noqa: E402

SHELLS = [pytest.param([rig.BUSYBOX, "sh"], id="busybox-ash"), pytest.param(["/bin/dash"], id="dash")]


def _shell_or_skip(shell):  # type: ignore[no-untyped-def]
    if not shell[0] or not os.path.exists(shell[0]):
        pytest.skip(f"{shell[0] or 'busybox'} is not installed")


def _summary(listing):  # type: ignore[no-untyped-def]
    out = []
    for device in listing.devices:
        config = device.active_config
        out.append((device.vid_pid, device.path, config.number if config else None,
                    [(i.number, i.alt, i.cls, i.subclass, i.protocol, i.driver) for i in config.interfaces] if config else []))
    return out


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("state", ["config1", "config2"])
def test_sysfs_walk_rebuilds_what_usb_devices_printed(shell, state: str, tmp_path: Path) -> None:
    _shell_or_skip(shell)
    router = rig.FakeRouter(tmp_path / "r")
    router.sysfs(rig.fixture_text(f"lab/mu609/{state}/sysfs.txt"))
    debugfs = rig.fixture_text(f"lab/mu609/{state}/debugfs-usb-devices.txt")
    router.endpoints(debugfs, "1-1")
    bundle = collect_local(settings={"MD_ROOT": str(router.root)}, shell=shell)
    assert bundle.capture("usb.debugfs") is None  # no debugfs in this root
    walk = bundle.capture("usb.sysfs")
    assert walk.status == "ok" and walk.text().startswith("# modem-doctor: rebuilt from /sys/bus/usb/devices;")
    ours = parse.parse("usb_devices", walk.text()).value
    # usbutils' usb-devices, run in the VM on the same state, read the same sysfs
    theirs = parse.parse("usb_devices", rig.fixture_text(f"lab/mu609/{state}/usb-devices.txt")).value
    assert _summary(ours) == _summary(theirs)
    # endpoints: the same as the kernel's own debugfs listing for the active configuration
    real = parse.parse("usb_debugfs", debugfs).value
    (modem_real,) = [d for d in real.devices if d.vid_pid == "12d1:1573"]
    (modem_ours,) = [d for d in ours.devices if d.vid_pid == "12d1:1573"]
    current = [i for i in modem_real.active_config.interfaces if i.active]
    assert [sorted((e.address, e.direction, e.transfer, e.max_packet, e.interval) for e in i.endpoints) for i in current] == \
        [sorted((e.address, e.direction, e.transfer, e.max_packet, e.interval) for e in i.endpoints)
         for i in modem_ours.active_config.interfaces]


@pytest.mark.parametrize("shell", SHELLS)
def test_this_host_under_each_shell(shell) -> None:
    _shell_or_skip(shell)
    bundle = collect_local(shell=shell)
    assert bundle.problems == ()
    assert bundle.meta["exit_status"] == 0 and bundle.meta["collector_ms"] is not None
    ids = [c.id for c in bundle.captures]
    assert ("usb.debugfs" in ids) != ("usb.sysfs" in ids) or ids.count("usb.sysfs") == 1
    assert all(spec_for(i) is not None for i in ids)
    assert {"dmesg", "ip.addr", "dev", "processes", "hotplug.usb"} <= set(ids)
    for capture in bundle.captures:
        assert capture.problem() is None or "\n" not in capture.problem()


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv to drop to nobody")
def test_not_root_falls_back_to_sysfs() -> None:
    # debugfs exists but is root-only (as on a desktop): a normal user walks sysfs instead
    router = rig.FakeRouter()  # under /tmp, readable by nobody
    try:
        _not_root(router)
    finally:
        router.cleanup()


def _not_root(router) -> None:  # type: ignore[no-untyped-def]
    rig.openwrt_lab(router, "config1")
    debug = router.root / "sys/kernel/debug"
    debug.chmod(0o700)
    shell = [shutil.which("setpriv"), "--reuid=65534", "--regid=65534", "--clear-groups", rig.BUSYBOX or "/bin/sh", "sh"]
    bundle = collect_local(settings={"MD_ROOT": str(router.root)}, shell=shell)
    assert bundle.meta["collector"]["uid"] == 65534
    assert bundle.capture("usb.debugfs") is None
    assert "Driver=qmi_wwan" in bundle.capture("usb.sysfs").text()
    as_root = collect_local(settings={"MD_ROOT": str(router.root)}, shell=[rig.BUSYBOX, "sh"])
    assert as_root.capture("usb.debugfs").status == "ok" and as_root.capture("usb.sysfs") is None


def test_collector_only_writes_its_scratch_directory() -> None:
    """Strictly read-only: every redirection writes /dev/null or a file in "$W", the only
    removal is of "$W", and nothing mounts, writes sysfs or runs a package manager verb
    that changes state."""
    text = Path(SCRIPT_PATH).read_text()
    code = "\n".join(line.split(" #")[0] for line in text.splitlines() if not line.lstrip().startswith("#"))
    code = re.sub(r"'[^'\n]*'", "''", code)  # quoted text is data, not redirection
    code = re.sub(r'"[^"\n]*>[^"\n]*"', '""', code)
    for target in re.findall(r"(?<![<>&0-9])[0-9]?>>?\s*(\S+)", code):
        assert target.startswith(('"$W', "/dev/null", "&")), target
    assert re.findall(r"\brm\b[^\n]*", code) == ['rm -rf "$W"']
    for word in ("mount", "umount", "uci set", "uci commit", "opkg install", "opkg remove", "apk add",
                 "modprobe", "insmod", "reboot", "echo 1 >"):
        assert word not in code, word
    for capture in CAPTURES:
        assert ">" not in capture.command and "\n" not in capture.command, capture.id


def test_printed_script_runs_by_hand_like_the_compact_one(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """`collect --print-script` (comments kept, for reading and running by hand) and the
    compact text sent over SSH collect the same."""
    import subprocess

    from modem_doctor.cli import main
    from modem_doctor.collect.bundle import split_stream

    if not rig.BUSYBOX:
        pytest.skip("busybox is not installed")
    assert main(["collect", "--print-script"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("# modem-doctor collector") and "md_run dmesg" in printed
    router = rig.FakeRouter(tmp_path / "r")
    rig.openwrt_lab(router, "config2")
    by_hand = subprocess.run([rig.BUSYBOX, "sh", "-s"], input=printed.encode(), capture_output=True,
                             env=dict(os.environ, MD_ROOT=str(router.root))).stdout
    by_hand_bundle = split_stream(by_hand)
    compact = collect_local(settings={"MD_ROOT": str(router.root)}, shell=[rig.BUSYBOX, "sh"])
    assert [(c.id, c.data) for c in by_hand_bundle.captures] == [(c.id, c.data) for c in compact.captures]


def test_cellular_processes_are_listed(tmp_path: Path) -> None:
    """A process whose name is one the stack uses (here a copy of sleep named uqmi) is
    listed with its PID and command line, read from /proc."""
    import subprocess

    fake = tmp_path / "uqmi"
    shutil.copy(shutil.which("sleep") or "/bin/sleep", fake)
    process = subprocess.Popen([str(fake), "30"])
    try:
        bundle = collect_local(shell=[rig.BUSYBOX, "sh"] if rig.BUSYBOX else None)
        text = bundle.capture("processes").text()
        assert f"{process.pid} {fake} 30" in text
    finally:
        process.terminate()  # by its own PID
        process.wait()
