"""Captures of real kernel and tool output, taken inside the lab VM for one state.

Each state directory gets one file per source, named after it, so parser tests can load
them as they would a user's paste (see tests/fixtures/lab/SOURCE.md).
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Dict, List, Tuple

#: Captures that take long in the VM (usb-devices forks a cat per attribute over 9p:
#: about 18 s under TCG); skipped when a scenario runs with the ``quick`` option.
SLOW = ("usb-devices.txt",)

#: file name -> shell command; run in this order.
COMMANDS: Tuple[Tuple[str, str], ...] = (
    ("debugfs-usb-devices.txt", "cat /sys/kernel/debug/usb/devices"),
    ("usb-devices.txt", "usb-devices"),
    ("lsusb.txt", "lsusb"),
    ("lsusb-t.txt", "lsusb -t"),
    ("lsusb-v.txt", "lsusb -v"),
    ("dmesg.txt", "dmesg"),
    ("dev.txt", "ls -l /dev/cdc-wdm* /dev/ttyUSB* /dev/ttyACM* /dev/sr* /dev/sg* 2>/dev/null; true"),
    ("ip-link.txt", "ip -d link show 2>/dev/null || cat /proc/net/dev"),
)

USB_DEVICE_ATTRS = ("idVendor", "idProduct", "bcdDevice", "manufacturer", "product", "speed",
                    "bNumConfigurations", "bConfigurationValue", "bNumInterfaces", "devnum")
USB_IF_ATTRS = ("bInterfaceNumber", "bAlternateSetting", "bInterfaceClass", "bInterfaceSubClass",
                "bInterfaceProtocol", "bNumEndpoints")


def _read(path: str) -> str:
    try:
        with open(path, errors="replace") as handle:
            return handle.read().strip()
    except OSError as error:
        return f"<{error.strerror}>"


def sysfs_report(root: str = "/sys") -> str:
    """The USB, tty, usbmisc and net parts of sysfs that a diagnosis reads, as path=value."""
    lines: List[str] = []
    bus = os.path.join(root, "bus/usb/devices")
    for name in sorted(os.listdir(bus)) if os.path.isdir(bus) else []:
        base = os.path.join(bus, name)
        attrs = USB_IF_ATTRS if ":" in name else USB_DEVICE_ATTRS
        for attr in attrs:
            if os.path.exists(os.path.join(base, attr)):
                lines.append(f"/sys/bus/usb/devices/{name}/{attr}={_read(os.path.join(base, attr))}")
        if ":" in name:
            driver = os.path.join(base, "driver")
            bound = os.path.basename(os.readlink(driver)) if os.path.islink(driver) else ""
            lines.append(f"/sys/bus/usb/devices/{name}/driver={bound}")
            for child in sorted(os.listdir(base)):
                if child.startswith(("ttyUSB", "ttyACM", "host")):
                    lines.append(f"/sys/bus/usb/devices/{name}/{child}")
                elif child in ("net", "usbmisc", "tty"):
                    for entry in sorted(os.listdir(os.path.join(base, child))):
                        lines.append(f"/sys/bus/usb/devices/{name}/{child}/{entry}")
    net = os.path.join(root, "class/net")
    for iface in sorted(os.listdir(net)) if os.path.isdir(net) else []:
        base = os.path.join(net, iface)
        device = os.path.join(base, "device")
        target = os.path.basename(os.path.realpath(device)) if os.path.exists(device) else ""
        lines.append(f"/sys/class/net/{iface}/device={target}")
        driver = os.path.join(device, "driver")
        if os.path.islink(driver):
            lines.append(f"/sys/class/net/{iface}/device/driver={os.path.basename(os.readlink(driver))}")
        raw_ip = os.path.join(base, "qmi/raw_ip")
        if os.path.exists(raw_ip):
            lines.append(f"/sys/class/net/{iface}/qmi/raw_ip={_read(raw_ip)}")
        lines.append(f"/sys/class/net/{iface}/address={_read(os.path.join(base, 'address'))}")
    for cls in ("usbmisc", "tty"):
        cdir = os.path.join(root, "class", cls)
        for entry in sorted(os.listdir(cdir)) if os.path.isdir(cdir) else []:
            if cls == "tty" and not entry.startswith(("ttyUSB", "ttyACM")):
                continue
            dev = os.path.join(cdir, entry, "device")
            target = os.path.basename(os.path.realpath(dev)) if os.path.exists(dev) else ""
            lines.append(f"/sys/class/{cls}/{entry}/device={target}")
    return "\n".join(lines) + "\n"


def drivers_by_interface(root: str = "/sys") -> Dict[str, str]:
    """'1-1:2.0' -> bound driver name ('' when none), for the facts file and the tests."""
    out: Dict[str, str] = {}
    bus = os.path.join(root, "bus/usb/devices")
    for name in sorted(os.listdir(bus)) if os.path.isdir(bus) else []:
        if ":" in name and not name.startswith("usb"):
            driver = os.path.join(bus, name, "driver")
            out[name] = os.path.basename(os.readlink(driver)) if os.path.islink(driver) else ""
    return out


def capture_state(out_dir: Path, extra: Tuple[Tuple[str, str], ...] = (),
                  quick: bool = False) -> Dict[str, str]:
    """Run every capture command into ``out_dir``; returns file -> exit status text."""
    out_dir.mkdir(parents=True, exist_ok=True)
    status: Dict[str, str] = {}
    commands = tuple((f, c) for f, c in COMMANDS + tuple(extra) if not (quick and f in SLOW))
    for file_name, command in commands:
        started = time.monotonic()
        try:
            done = subprocess.run(["sh", "-c", command], stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, timeout=30, check=False)
            (out_dir / file_name).write_bytes(done.stdout)
            status[file_name] = f"exit {done.returncode}"
        except subprocess.TimeoutExpired:
            status[file_name] = "timeout"
        status[file_name] += f", {time.monotonic() - started:.2f} s"
    (out_dir / "sysfs.txt").write_text(sysfs_report())
    (out_dir / "commands.txt").write_text(
        "".join(f"{name}: {cmd}  [{status[name]}]\n" for name, cmd in commands)
    )
    return status
