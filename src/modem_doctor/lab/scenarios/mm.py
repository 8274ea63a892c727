"""Reference timing: how long ModemManager takes to report the MU609 after the switch
to configuration 1 (issue 5 item 5). Shared by scenarios that want it."""

from __future__ import annotations

import os
import re
import time

from ..guest import Guest


def modemmanager_timing(guest: Guest, dev: str) -> None:
    """udevd + system D-Bus + ModemManager in the VM, device back in configuration 2
    first; then ``echo 1 > bConfigurationValue`` and poll ``mmcli -L`` until the modem is
    listed with its QMI port. polkitd is started by D-Bus activation for ``--enable``."""
    guest.log("--- ModemManager timing ---")
    guest.write(f"{dev}/bConfigurationValue", "2")
    name = os.path.basename(dev)
    guest.wait_for(lambda: os.path.exists(f"/sys/bus/usb/devices/{name}:2.0/driver"), 10, "back in config 2")
    os.makedirs("/run/dbus", exist_ok=True)
    os.makedirs("/run/udev", exist_ok=True)
    guest.spawn(["/lib/systemd/systemd-udevd"], "udevd")
    guest.sh("udevadm trigger --action=add && udevadm settle --timeout=20", timeout=30)
    guest.spawn(["dbus-daemon", "--system", "--nofork", "--nopidfile"], "dbus")
    guest.wait_for(lambda: os.path.exists("/run/dbus/system_bus_socket"), 10, "system bus socket")
    mm_start = time.monotonic()
    guest.spawn(["/usr/sbin/ModemManager", "--debug"], "ModemManager")
    guest.wait_for(lambda: guest.sh("mmcli -L", timeout=10).returncode == 0, 20, "ModemManager answers")
    # Let MM finish with configuration 2 (it may make a modem of its serial ports).
    time.sleep(3)
    guest.sh("mmcli -L", timeout=10, save="mm/mmcli-L-config2.txt")
    guest.fact("mm.seconds_to_answer", round(time.monotonic() - mm_start, 2))

    t0 = time.monotonic()
    switch_epoch = time.time()
    guest.write(f"{dev}/bConfigurationValue", "1")
    listed = None
    with_qmi = None
    deadline = t0 + 60
    while time.monotonic() < deadline:
        out = guest.sh("mmcli -L", timeout=10).stdout
        if "/Modem/" in out and listed is None:
            listed = time.monotonic() - t0
        if "/Modem/" in out:
            detail = guest.sh("mmcli -m any", timeout=10).stdout
            if "cdc-wdm0 (qmi)" in detail:
                with_qmi = time.monotonic() - t0
                break
        time.sleep(0.25)
    guest.fact("mm.seconds_to_list_after_switch", None if listed is None else round(listed, 2))
    guest.fact("mm.seconds_to_qmi_port_after_switch", None if with_qmi is None else round(with_qmi, 2))
    guest.sh("mmcli -L", timeout=10, save="mm/mmcli-L.txt")
    guest.sh("mmcli -m any", timeout=10, save="mm/mmcli-m-any.txt")
    enable = guest.sh("mmcli -m any -e", timeout=40, save="mm/mmcli-m-any-e.txt")
    guest.fact("mm.enable_rc", enable.returncode)
    time.sleep(1)
    guest.sh("mmcli -m any", timeout=10, save="mm/mmcli-m-any-after-enable.txt")
    guest.sh("udevadm info /dev/cdc-wdm0", timeout=10, save="mm/udevadm-info-cdc-wdm0.txt")
    _from_mm_log(guest, switch_epoch)
    # Daemons that D-Bus or ModemManager started themselves: record them so stop_all
    # ends each by its own PID.
    for suffix, name in (("/polkitd", "polkitd"), ("/qmi-proxy", "qmi-proxy"), ("/mbim-proxy", "mbim-proxy")):
        for pid in guest.pids_of(suffix):
            guest.track(pid, name)


def _from_mm_log(guest: Guest, switch_epoch: float) -> None:
    """Where ModemManager's time went, from its own --debug log: seconds from the switch
    to 'creating modem', and how long each port's probing task took (a port that answers
    neither AT nor QCDM costs MM its full probe timeouts)."""
    path = guest.out / "logs" / "ModemManager.log"
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return
    stamp = r"\[(\d+\.\d+)\]"
    probes = {}
    for match in re.finditer(stamp + r" \[plugin-manager\] task \d+,(\S+): finished in '([\d.]+)' seconds", text):
        if float(match.group(1)) >= switch_epoch:
            probes[match.group(2)] = round(float(match.group(3)), 2)
    guest.fact("mm.port_probe_seconds_after_switch", probes)
    for match in re.finditer(stamp + r" \[device [^]]+\] creating modem with plugin '([^']+)'", text):
        if float(match.group(1)) >= switch_epoch:
            guest.fact("mm.seconds_switch_to_creating_modem", round(float(match.group(1)) - switch_epoch, 2))
            guest.fact("mm.plugin", match.group(2))
            break
