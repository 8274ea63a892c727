"""The collector inside the virtual lab, against Debian's real kernel with the simulated
MU609 (src/modem_doctor/lab): configuration 2 as Linux picks it, then configuration 1
after the switch; each with debugfs and with the sysfs walk (debugfs unmounted).

The lab has no hook for an extra guest script yet, so this test starts the VM with
tests/collect/lab_guest.py in place of the guest entry point (``vm.GUEST_SH`` is
replaced for this test only); that script runs the ``mu609`` scenario unchanged.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from modem_doctor.collect.bundle import read_bundle
from modem_doctor.diagnosis import diagnose
from modem_doctor.load import load_bundle, load_paths

pytestmark = pytest.mark.lab
HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def lab_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reuse = os.environ.get("MD_LAB_COLLECT_OUT")  # a previous run's directory: no new boot
    if reuse and (Path(reuse) / "config1" / "bundle-nodebugfs.tar.gz").exists():
        return Path(reuse)
    if shutil.which("qemu-system-x86_64") is None:
        pytest.skip("lab: qemu-system-x86_64 is not installed (Debian qemu-system-x86)")
    if not os.path.exists("/usr/bin/busybox") and not os.path.exists("/bin/busybox"):
        pytest.skip("lab: busybox-static is not installed")
    from modem_doctor.lab import run_scenario, vm
    from modem_doctor.lab.rig import LabError, build

    try:
        build()
    except LabError as error:
        pytest.skip(f"lab: cannot build the rig: {error}")
    if "python3 -m modem_doctor.lab.guest {args}" not in vm.GUEST_SH:
        pytest.skip("lab: the guest entry point changed; tests/collect/lab_guest.py cannot be put in its place")
    out = tmp_path_factory.mktemp("lab_collect")
    original = vm.GUEST_SH
    vm.GUEST_SH = original.replace("python3 -m modem_doctor.lab.guest {args}", f"python3 {HERE / 'lab_guest.py'} {{args}}")
    try:
        facts = run_scenario("mu609", out, ["quick", "no-mm"], timeout=240)
    finally:
        vm.GUEST_SH = original
    assert not facts["vm"]["killed"], f"VM killed; see {out}/console.log"
    assert "error" not in facts, f"{facts.get('error')} (see {out}/guest.log)"
    return out


def _modem(host):  # type: ignore[no-untyped-def]
    (device,) = [d for _, d in host.usb_devices() if d.vid_pid == "12d1:1573"]
    return device


@pytest.mark.parametrize("state, active, drivers", [
    ("config2", 2, ["cdc_ether", "cdc_ether", "option", "option", "option"]),
    ("config1", 1, ["option", "option", "option", "qmi_wwan"]),
])
def test_collector_in_the_lab_vm(lab_out: Path, state: str, active: int, drivers: list) -> None:
    bundle = read_bundle(str(lab_out / state / "bundle.tar.gz"))
    assert bundle.capture("usb.debugfs") is not None and bundle.capture("usb.debugfs").status == "ok"
    assert bundle.capture("dmesg").status == "ok"
    host = load_bundle(bundle)
    modem = _modem(host)
    assert [c.number for c in modem.configs] == [1, 2]  # debugfs shows both configurations
    assert modem.active_config.number == active
    assert [i.driver for i in modem.active_config.interfaces if i.active] == drivers
    # the bundle diagnoses the modem as the lab's own captures of the same state do
    live = diagnose(host).to_json()
    pasted = diagnose(load_paths([str(lab_out / state / "debugfs-usb-devices.txt"),
                                  str(lab_out / state / "dmesg.txt")])).to_json()
    assert [m["model"] for m in live["modems"]] == [m["model"] for m in pasted["modems"]] == ["MU609"]
    assert live["modems"][0]["active_config"] == pasted["modems"][0]["active_config"] == active
    usb_codes = lambda doc: [f["code"] for f in doc["findings"] if f["code"].startswith(("USB", "DRV"))]  # noqa: E731
    assert usb_codes(live) == usb_codes(pasted)
    # debugfs unmounted: the sysfs walk sees the same active configuration, drivers bound
    walked = read_bundle(str(lab_out / state / "bundle-nodebugfs.tar.gz"))
    assert walked.capture("usb.debugfs") is None
    assert walked.capture("usb.sysfs").text().startswith("# modem-doctor: rebuilt from /sys/bus/usb/devices")
    fallback = _modem(load_bundle(walked))
    assert [c.number for c in fallback.configs] == [active]
    assert [i.driver for i in fallback.active_config.interfaces] == drivers
    current = [i for i in modem.active_config.interfaces if i.active]
    assert [(i.number, i.alt, i.cls, i.subclass, i.protocol) for i in fallback.active_config.interfaces] == \
        [(i.number, i.alt, i.cls, i.subclass, i.protocol) for i in current]
    # endpoints come from sysfs too: the same addresses, types and packet sizes (sysfs
    # names them ep_XX, so their order is by address, not the descriptor's)
    assert [sorted((e.address, e.transfer, e.max_packet) for e in i.endpoints) for i in fallback.active_config.interfaces] == \
        [sorted((e.address, e.transfer, e.max_packet) for e in i.endpoints) for i in current]
