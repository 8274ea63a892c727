"""The virtual lab with Debian's real kernel: each scenario boots one QEMU VM (TCG).

Skipped, with the reason, when qemu-system-x86_64, busybox or the kernel package cannot be
had. The VM runs the scenario with ``quick`` (no usb-devices capture, ~18 s saved).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from modem_doctor.lab.vm import process_alive

pytestmark = pytest.mark.lab


def _facts(lab_run, name, *options):  # type: ignore[no-untyped-def]
    facts, out = lab_run(name, "quick", *options)
    vm = facts["vm"]
    assert not vm["killed"], f"{name}: VM killed after timeout; see {vm['console']}"
    assert vm["guest_rc"] is not None, f"{name}: the guest never finished; see {out}/console.log"
    assert "error" not in facts, f"{name}: {facts.get('error')} (see {out}/guest.log)"
    return facts, out


def _engine_or_skip(facts, key):  # type: ignore[no-untyped-def]
    note = str(facts.get(key, ""))
    if "has no" in note or "failed" in note:
        pytest.skip(f"simulator engine not available: {note}")


# -- MU609: the case ---------------------------------------------------------------------

# The tests' mu609 run skips the ModemManager timing (about 75 s under TCG); set
# MODEM_DOCTOR_LAB_MM=1 to include it and its test.
MU609 = () if os.environ.get("MODEM_DOCTOR_LAB_MM") == "1" else ("no-mm",)


def test_mu609_kernel_picks_config2_and_cdc_ether_binds(lab_run) -> None:  # type: ignore[no-untyped-def]
    facts, out = _facts(lab_run, "mu609", *MU609)
    assert facts["config2.bConfigurationValue"] == "2"
    drivers = facts["config2.drivers"]
    assert drivers["1-1:2.0"] == "cdc_ether"
    assert [drivers[f"1-1:2.{n}"] for n in (2, 3, 4)] == ["option"] * 3
    debugfs = (out / "config2" / "debugfs-usb-devices.txt").read_text()
    assert "Vendor=12d1 ProdID=1573" in debugfs
    assert "C:* #Ifs= 5 Cfg#= 2" in debugfs and "C:  #Ifs= 4 Cfg#= 1" in debugfs
    assert "register 'cdc_ether'" in (out / "config2" / "dmesg.txt").read_text()


def test_mu609_config1_binds_qmi_wwan_and_option(lab_run) -> None:  # type: ignore[no-untyped-def]
    facts, out = _facts(lab_run, "mu609", *MU609)
    assert facts["config1.bConfigurationValue"] == "1"
    drivers = facts["config1.drivers"]
    assert drivers["1-1:1.3"] == "qmi_wwan"
    assert [drivers[f"1-1:1.{n}"] for n in (0, 1, 2)] == ["option"] * 3
    dev = (out / "config1" / "dev.txt").read_text()
    for node in ("/dev/cdc-wdm0", "/dev/ttyUSB0", "/dev/ttyUSB1", "/dev/ttyUSB2"):
        assert node in dev
    dmesg = (out / "config1" / "dmesg.txt").read_text()
    assert "unregister 'cdc_ether'" in dmesg
    assert "qmi_wwan 1-1:1.3: cdc-wdm0: USB WDM device" in dmesg
    assert "wwan0/qmi/raw_ip=" in (out / "config1" / "sysfs.txt").read_text()


def test_mu609_qmicli_reads_the_simulated_imei(lab_run) -> None:  # type: ignore[no-untyped-def]
    facts, out = _facts(lab_run, "mu609", *MU609)
    _engine_or_skip(facts, "engine.c1.if3")
    from modem_doctor.sim import load_profile

    imei = load_profile("mu609").identity["imei"]
    assert facts["qmicli.dms_get_ids.rc"] == 0, (out / "config1" / "qmicli-dms-get-ids.txt").read_text()
    assert facts["qmicli.imei"] == imei
    assert "Fake Tel." in (out / "config1" / "qmicli-nas-get-serving-system.txt").read_text()
    assert "raw-ip" in (out / "config1" / "qmicli-wda-get-data-format.txt").read_text()


def test_mu609_at_port_answers(lab_run) -> None:  # type: ignore[no-untyped-def]
    facts, _ = _facts(lab_run, "mu609", *MU609)
    _engine_or_skip(facts, "engine.c1.if2")
    transcript = str(facts["at.ttyUSB2"])
    assert "OK" in transcript and "+CSQ:" in transcript


def test_mu609_modemmanager_reference_timing(lab_run) -> None:  # type: ignore[no-untyped-def]
    if MU609:
        pytest.skip("ModemManager timing is opt-in: MODEM_DOCTOR_LAB_MM=1")
    if not os.path.exists("/usr/sbin/ModemManager"):
        pytest.skip("ModemManager is not installed (Debian modemmanager): no reference timing")
    facts, out = _facts(lab_run, "mu609", *MU609)
    _engine_or_skip(facts, "engine.c1.if3")
    assert facts["mm.seconds_to_qmi_port_after_switch"] is not None, (out / "mm").iterdir()
    detail = (out / "mm" / "mmcli-m-any.txt").read_text()
    assert "cdc-wdm0 (qmi)" in detail


def test_mu609_all_six_interfaces_on_usbip_vudc(lab_run) -> None:  # type: ignore[no-untyped-def]
    facts, out = _facts(lab_run, "mu609", "udc=vudc", "no-mm", "no-collect")
    dev = facts["dev"]
    assert facts["udc"] == "usbip-vudc" and facts["config2.bConfigurationValue"] == "2"
    c2 = facts["config2.drivers"]
    assert c2[f"{dev}:2.0"] == "cdc_ether" and [c2[f"{dev}:2.{n}"] for n in range(2, 7)] == ["option"] * 5
    c1 = facts["config1.drivers"]
    assert [c1[f"{dev}:1.{n}"] for n in range(6)] == ["option"] * 5 + ["qmi_wwan"]
    debugfs = (out / "config1" / "debugfs-usb-devices.txt").read_text()
    # configuration 1 carries the real MU609's endpoint addresses
    assert "Ad=87(I) Atr=03(Int.)" in debugfs and "Ad=88(I) Atr=02(Bulk)" in debugfs
    assert "/dev/ttyUSB4" in (out / "config1" / "dev.txt").read_text()
    _engine_or_skip(facts, "engine.c1.if5")
    from modem_doctor.sim import load_profile

    assert facts["qmicli.imei"] == load_profile("mu609").identity["imei"]


# -- MBIM ------------------------------------------------------------------------------------

def test_mbim_cdc_mbim_binds_and_mbimcli_reads_caps(lab_run) -> None:  # type: ignore[no-untyped-def]
    facts, out = _facts(lab_run, "mbim")
    assert facts["mbim.drivers"]["1-1:1.0"] == "cdc_mbim"
    assert "cdc_mbim 1-1:1.0: cdc-wdm0: USB WDM device" in (out / "mbim" / "dmesg.txt").read_text()
    _engine_or_skip(facts, "engine.mbim")
    from modem_doctor.sim import load_profile

    assert facts["mbimcli.device_caps.rc"] == 0
    assert facts["mbimcli.device_id"] == load_profile("em7455").identity["imei"]
    assert facts["mbimcli.proxy.rc"] == 0


# -- storage stick ----------------------------------------------------------------------------

def test_storage_stick_switched_by_usb_modeswitch(lab_run) -> None:  # type: ignore[no-untyped-def]
    facts, out = _facts(lab_run, "storage-stick")
    assert facts["cdrom.idProduct"] == "1f01"
    assert facts["cdrom.drivers"]["1-1:1.0"] == "usb-storage"
    assert "/dev/sr0" in (out / "cdrom" / "dev.txt").read_text()
    assert facts["usb_modeswitch.rc"] == 0
    assert facts["storage.switch_seen"] is True
    assert facts["modem.idProduct"] == "14dc"
    assert facts["modem.drivers"]["1-1:1.0"] == "cdc_ether"
    assert "12d1:14dc" in (out / "modem" / "lsusb.txt").read_text()


# -- clean-up: last in this file on purpose -----------------------------------------------------

def test_zz_nothing_left_running(lab_runs) -> None:  # type: ignore[no-untyped-def]
    if not lab_runs:
        pytest.skip("no lab scenario ran")
    for key, entry in lab_runs.items():
        facts = entry["facts"]
        assert not process_alive(int(facts["vm"]["qemu_pid"])), f"{key}: QEMU still running"
        for proc in facts.get("processes", []):
            assert proc["alive_after_stop"] is False, f"{key}: {proc['name']} survived in the VM"
    # No QEMU of ours anywhere: every VM was given a share under pytest's tmp dirs.
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"qemu-system" in cmdline and b"mount_tag=mdsrc" in cmdline:
            share = [str(e["out"]) for e in lab_runs.values()]
            assert not any(s.encode() in cmdline for s in share), f"stray QEMU {pid}"


# -- issue 6: the collector against the real kernel -------------------------------------------

def _diagnose(bundle: Path) -> str:
    import contextlib
    import io

    from modem_doctor.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        main(["diagnose", str(bundle)])
    return err.getvalue() + out.getvalue()


def test_mu609_collector_bundles_in_both_configurations(lab_run) -> None:  # type: ignore[no-untyped-def]
    facts, out = _facts(lab_run, "mu609", *MU609)
    if "collect.config2.rc" not in facts:
        pytest.skip("modem_doctor.collect not available: no bundles")
    assert facts["collect.config2.rc"] == 0 and facts["collect.config1-nodebugfs.rc"] == 0
    assert facts["collect.debugfs_unmounted"] is True
    config2 = _diagnose(out / "bundles" / "config2.tar.gz")
    assert "usb.debugfs" in config2 and "12d1:1573" in config2
    assert "configuration 2: data path ecm [active" in config2
    assert "bound cdc_ether" in config2
    config1 = _diagnose(out / "bundles" / "config1-nodebugfs.tar.gz")
    assert "usb.sysfs" in config1 and "usb.debugfs" not in config1  # the sysfs walk
    assert "12d1:1573" in config1 and "bound qmi_wwan" in config1
    assert "configuration 1: data path" in config1 and "[active" in config1.split("configuration 1:")[1].split("\n")[0]


def test_mu609_collector_under_busybox_ash_matches_the_lab_captures(lab_run) -> None:  # type: ignore[no-untyped-def]
    """The bundles the collector wrote in the VM (run by BusyBox ash, as on OpenWrt) read
    the same modem as the lab's own captures of the same state; the sysfs walk (debugfs
    unmounted) sees the same active configuration, drivers and endpoints."""
    from modem_doctor.collect.bundle import read_bundle
    from modem_doctor.load import load_bundle, load_paths

    facts, out = _facts(lab_run, "mu609", *MU609)
    if "collect.config2.rc" not in facts:
        pytest.skip("modem_doctor.collect not available: no bundles")

    def modem(host):  # type: ignore[no-untyped-def]
        (device,) = [d for _, d in host.usb_devices() if d.vid_pid == "12d1:1573" and d.configs]
        return device

    def current(device):  # type: ignore[no-untyped-def]
        return [(i.number, i.cls, i.subclass, i.protocol, i.driver,
                 sorted((e.address, e.transfer, e.max_packet) for e in i.endpoints))
                for i in device.active_config.interfaces if i.active or len(device.configs) == 1]

    # The quick run (tests) collects with debugfs in configuration 2 only.
    states = [(s, a) for s, a in (("config2", 2), ("config1", 1)) if (out / "bundles" / f"{s}.tar.gz").exists()]
    assert states[0][0] == "config2"
    for state, active in states:
        bundle = read_bundle(str(out / "bundles" / f"{state}.tar.gz"))
        assert bundle.capture("usb.debugfs") is not None and bundle.capture("dmesg") is not None
        live = modem(load_bundle(bundle))
        pasted = modem(load_paths([str(out / state / "debugfs-usb-devices.txt")]))
        assert [c.number for c in live.configs] == [1, 2] and live.active_config.number == active
        assert current(live) == current(pasted)
    walked = read_bundle(str(out / "bundles" / "config1-nodebugfs.tar.gz"))
    assert walked.capture("usb.debugfs") is None
    assert walked.capture("usb.sysfs").text().startswith("# modem-doctor: rebuilt from /sys/bus/usb/devices")
    fallback = modem(load_bundle(walked))
    assert [c.number for c in fallback.configs] == [1]  # sysfs shows only the active configuration
    assert current(fallback) == current(modem(load_paths([str(out / "config1" / "debugfs-usb-devices.txt")])))
