"""configfs gadget composition, run inside the lab VM (libcomposite + dummy_hcd)."""

from __future__ import annotations

import os
from typing import Dict, List, Optional, Sequence, Tuple

ROOT = "/sys/kernel/config/usb_gadget"
UDC = "dummy_udc.0"


def _write(path: str, value: str) -> None:
    with open(path, "w") as handle:
        handle.write(value)


class Gadget:
    """A configfs gadget: device identity, functions and numbered configurations."""

    def __init__(self, name: str, vid: int, pid: int, manufacturer: str, product: str,
                 serial: str = "", bcd_device: int = 0) -> None:
        self.name = name
        self.path = os.path.join(ROOT, name)
        os.makedirs(self.path, exist_ok=True)
        _write(self._p("idVendor"), f"0x{vid:04x}")
        _write(self._p("idProduct"), f"0x{pid:04x}")
        _write(self._p("bcdDevice"), f"0x{bcd_device:04x}")
        _write(self._p("bcdUSB"), "0x0200")
        strings = self._p("strings/0x409")
        os.makedirs(strings, exist_ok=True)
        _write(os.path.join(strings, "manufacturer"), manufacturer)
        _write(os.path.join(strings, "product"), product)
        if serial:
            _write(os.path.join(strings, "serialnumber"), serial)

    def _p(self, rel: str) -> str:
        return os.path.join(self.path, rel)

    def function(self, kind_name: str, attrs: Optional[Dict[str, str]] = None) -> str:
        """Create functions/<kind.name> (e.g. ``ecm.usb0``, ``ffs.c1``) with attributes."""
        path = self._p(f"functions/{kind_name}")
        os.makedirs(path, exist_ok=True)
        for key, value in (attrs or {}).items():
            _write(os.path.join(path, key), value)
        return path

    def config(self, number: int, functions: Sequence[str], max_power_ma: int = 500,
               attributes: int = 0xE0, label: str = "") -> None:
        """configs/c.N with the functions linked in order (first function = interface 0)."""
        path = self._p(f"configs/c.{number}")
        os.makedirs(path, exist_ok=True)
        _write(os.path.join(path, "MaxPower"), str(max_power_ma))
        _write(os.path.join(path, "bmAttributes"), f"0x{attributes:02x}")
        if label:
            os.makedirs(os.path.join(path, "strings/0x409"), exist_ok=True)
            _write(os.path.join(path, "strings/0x409/configuration"), label)
        for kind_name in functions:
            link = os.path.join(path, kind_name)
            if not os.path.lexists(link):
                os.symlink(self._p(f"functions/{kind_name}"), link)

    def bind(self, udc: str = UDC) -> None:
        _write(self._p("UDC"), udc)

    def unbind(self) -> None:
        _write(self._p("UDC"), "\n")

    def set_ids(self, vid: int, pid: int) -> None:
        _write(self._p("idVendor"), f"0x{vid:04x}")
        _write(self._p("idProduct"), f"0x{pid:04x}")


def usb_devices(bus_root: str = "/sys/bus/usb/devices") -> List[Tuple[str, str, str]]:
    """(sysfs name, idVendor, idProduct) for every device (not interface) present."""
    found: List[Tuple[str, str, str]] = []
    try:
        names = sorted(os.listdir(bus_root))
    except OSError:
        return found
    for name in names:
        if ":" in name:
            continue
        base = os.path.join(bus_root, name)
        try:
            with open(os.path.join(base, "idVendor")) as v, open(os.path.join(base, "idProduct")) as p:
                found.append((name, v.read().strip(), p.read().strip()))
        except OSError:
            continue
    return found


MODULE_DIR = "/tmp/mdlab/modules"


def load_modules(names: Sequence[str]) -> List[str]:
    """insmod modules the initramfs carried but did not load (rig.DEFERRED), in order;
    returns the error lines (empty when all loaded or were loaded already)."""
    import subprocess

    errors = []
    for name in names:
        path = os.path.join(MODULE_DIR, f"{name}.ko")
        done = subprocess.run(["insmod", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
        text = done.stdout.decode(errors="replace").strip()
        if done.returncode != 0 and "File exists" not in text:
            errors.append(f"insmod {name}: {text}")
    return errors


class UsbipLink:
    """USB/IP without a network: the virtual UDC (usbip-vudc) and the virtual host
    controller (vhci_hcd) joined by a socketpair. Unlike dummy_hcd, vudc has fifteen IN and
    fifteen OUT endpoints with distinct numbers, enough for the MU609's six interfaces."""

    UDC = "usbip-vudc.0"

    def __init__(self) -> None:
        import socket

        self.device_end, self.host_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)

    @staticmethod
    def drop_spare_controllers() -> List[str]:
        """vhci_hcd always makes eight controllers (sixteen buses); unbind all but the
        first so that captures show one USB/IP bus pair, not eight."""
        base = "/sys/bus/platform/drivers/vhci_hcd"
        dropped = []
        for name in sorted(os.listdir(base)) if os.path.isdir(base) else []:
            if name.startswith("vhci_hcd.") and name != "vhci_hcd.0":
                _write(os.path.join(base, "unbind"), name)
                dropped.append(name)
        return dropped

    def connect(self, port: int = 0, speed: int = 3, devid: int = 0x00010002) -> None:
        """After a gadget is bound to UDC: hand one end to vudc, the other to vhci (port 0
        of its high-speed root hub; speed 3 = high speed)."""
        _write(f"/sys/devices/platform/{self.UDC}/usbip_sockfd", str(self.device_end.fileno()))
        _write("/sys/devices/platform/vhci_hcd.0/attach",
               f"{port} {self.host_end.fileno()} {devid} {speed}")
