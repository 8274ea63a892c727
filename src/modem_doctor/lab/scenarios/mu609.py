"""The case's Huawei MU609 (12d1:1573) with its two USB configurations.

Configuration 1: vendor serial ports ff/01/01 (with an interrupt endpoint), ff/01/03,
ff/01/02, ff/01/05, ff/01/06 and QMI ff/01/07, all one FunctionFS function.
Configuration 2: ECM (the kernel's f_ecm) plus the same serial ports (a second FunctionFS
function). Interface order, classes and endpoints follow the case's debugfs listing.

Two virtual buses:
- ``dummy_hcd`` (default; bus 1, device ``1-1``): its endpoint budget allows four bulk
  pairs per configuration, so ff/01/05 and ff/01/06 are left out (docs/lab.md).
- ``udc=vudc``: USB/IP's virtual UDC joined to vhci_hcd by a socketpair; fifteen IN and
  fifteen OUT endpoints, so all six interfaces are there, with the real device's
  endpoint order and addresses.

Steps: bind -> Linux picks configuration 2 and cdc_ether binds (capture ``config2``);
``echo 1 > bConfigurationValue`` -> option and qmi_wwan bind (capture ``config1``); the
real qmicli reads the simulated IMEI through qmi_wwan/cdc-wdm; an AT dialogue on the
PCUI port; issue 6's collector in both configurations; then, if ModemManager is
installed, the reference timing (``mm.py``).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import time
from typing import Dict, List, Sequence, Tuple

from ..configfs import UDC, Gadget, UsbipLink, load_modules, usb_devices
from ..engines import at_engine, qmi_engine
from ..ffs import FfsFunction
from ..guest import Guest
from ..usbdesc import INTERRUPT, Endpoint, Interface, serial_port
from ..vmtools import at_dialogue, read

VID, PID = 0x12D1, 0x1573
PROFILE = "mu609"

Port = Tuple[int, bool, str]
# (protocol, has interrupt endpoint, role) in the MU609's order.
ALL_PORTS: Tuple[Port, ...] = ((0x01, True, "at"), (0x03, False, "idle"), (0x02, False, "at"),
                               (0x05, False, "idle"), (0x06, False, "idle"))
# dummy_hcd has endpoints with distinct numbers for only four bulk IN/OUT pairs per
# configuration: ff/01/05 and ff/01/06 are left out there (docs/lab.md, "Endpoint budget").
DUMMY_PORTS: Tuple[Port, ...] = ALL_PORTS[:3]
SERIAL_PORTS = DUMMY_PORTS


def interfaces(with_qmi: bool, ports: Sequence[Port] = DUMMY_PORTS,
               int_first: bool = False) -> List[Interface]:
    out: List[Interface] = []
    ep_in, ep_out = 1, 1
    for number, (proto, with_int, role) in enumerate(ports):
        port = serial_port(number, proto, ep_in, ep_out, with_int, role, int_first=int_first)
        out.append(port)
        ep_in += len([e for e in port.endpoints if e.is_in])
        ep_out += 1
    if with_qmi:
        if int_first:
            eps = [Endpoint(0x80 | ep_in, INTERRUPT), Endpoint(0x80 | (ep_in + 1), 2), Endpoint(ep_out, 2, 32)]
        else:
            eps = [Endpoint(0x80 | ep_in, 2), Endpoint(ep_out, 2, 32), Endpoint(0x80 | (ep_in + 1), INTERRUPT)]
        out.append(Interface(len(out), 0xFF, 0x01, 0x07, eps, role="qmi"))
    return out


def engines_for(ifaces: List[Interface], scenario: str, guest: Guest, label: str) -> Dict[int, object]:
    engines: Dict[int, object] = {}
    for iface in ifaces:
        if iface.role == "at":
            engine, note = at_engine(PROFILE, scenario)
        elif iface.role == "qmi":
            engine, note = qmi_engine(PROFILE, scenario)
        else:
            continue
        guest.fact(f"engine.{label}.if{iface.number}", note)
        if engine is not None:
            engines[iface.number] = engine
    return engines


def driver(interface: str) -> str:
    link = f"/sys/bus/usb/devices/{interface}/driver"
    return os.path.basename(os.readlink(link)) if os.path.islink(link) else ""


def collect(guest: Guest, name: str) -> None:
    """Issue 6's collector against the real kernel: ``modem-doctor collect --local`` in
    this state, bundle left in OUT/bundles/NAME.tar.gz for the host to diagnose."""
    if importlib.util.find_spec("modem_doctor.collect") is None:
        guest.log("no modem_doctor.collect: no bundle")
        return
    bundle = guest.out / "bundles" / f"{name}.tar.gz"
    bundle.parent.mkdir(parents=True, exist_ok=True)
    # BusyBox ash, as on OpenWrt, when the host root has it (Debian busybox-static).
    shell = ["--shell", "busybox ash"] if shutil.which("busybox") else []
    done = guest.sh(["python3", "-m", "modem_doctor", "collect", "--local", *shell, "-o", str(bundle)],
                    timeout=120, save=f"bundles/{name}.log")
    guest.fact(f"collect.{name}.rc", done.returncode)


def qmi_checks(guest: Guest) -> None:
    """The real qmicli, auto mode, through qmi_wwan and cdc-wdm."""
    ids = guest.sh("qmicli -d /dev/cdc-wdm0 --dms-get-ids", timeout=30,
                   save="config1/qmicli-dms-get-ids.txt")
    imei = re.search(r"IMEI: '(\d+)'", ids.stdout)
    guest.fact("qmicli.dms_get_ids.rc", ids.returncode)
    guest.fact("qmicli.imei", imei.group(1) if imei else "")
    for option, name in (("--nas-get-signal-strength", "nas-get-signal-strength"),
                         ("--nas-get-serving-system", "nas-get-serving-system"),
                         ("--wda-get-data-format", "wda-get-data-format"),
                         ("--uim-get-card-status", "uim-get-card-status")):
        done = guest.sh(f"qmicli -d /dev/cdc-wdm0 {option}", timeout=20,
                        save=f"config1/qmicli-{name}.txt")
        guest.fact(f"qmicli.{name}.rc", done.returncode)


def _find_device(guest: Guest, timeout: float = 15.0) -> str:
    """Sysfs name of the simulated MU609 ('1-1' on dummy_hcd, e.g. '3-1' on vhci)."""
    found: List[str] = []

    def present() -> bool:
        found[:] = [name for name, vid, pid in usb_devices() if (vid, pid) == ("12d1", "1573")]
        return bool(found)

    guest.wait_for(present, timeout, "12d1:1573 enumerated")
    return found[0] if found else "1-1"


def run(guest: Guest) -> int:
    scenario = "ready"
    use_mm = True
    use_collect = "no-collect" not in guest.args
    vudc = "udc=vudc" in guest.args
    for arg in guest.args:
        if arg.startswith("scenario="):
            scenario = arg.split("=", 1)[1]
        elif arg == "no-mm":
            use_mm = False
    guest.fact("profile", PROFILE)
    guest.fact("scenario", scenario)
    guest.fact("udc", "usbip-vudc" if vudc else "dummy_hcd")
    ports = ALL_PORTS if vudc else DUMMY_PORTS
    n = len(ports)
    if vudc:
        errors = load_modules(("usbip-core", "usbip-vudc", "vhci-hcd"))
        if errors:
            guest.fact("error", "; ".join(errors))
            return 1
        guest.fact("vhci.dropped", UsbipLink.drop_spare_controllers())

    gadget = Gadget("mu609", VID, PID, "Huawei Technologies", "HUAWEI Mobile")
    gadget.function("ffs.c1")
    gadget.function("ffs.c2")
    gadget.function("ecm.usb0", {"dev_addr": "02:1e:10:00:15:73", "host_addr": "02:1e:10:00:15:74"})
    gadget.config(1, ["ffs.c1"])
    gadget.config(2, ["ecm.usb0", "ffs.c2"])
    c1_ifaces = interfaces(True, ports, int_first=vudc)
    c2_ifaces = interfaces(False, ports, int_first=vudc)
    c1 = FfsFunction("c1", c1_ifaces, engines_for(c1_ifaces, scenario, guest, "c1"), guest.log)
    c2 = FfsFunction("c2", c2_ifaces, engines_for(c2_ifaces, scenario, guest, "c2"), guest.log,
                     base_interface=2)
    c1.start()
    c2.start()
    t_bind = time.monotonic()
    if vudc:
        link = UsbipLink()
        gadget.bind(UsbipLink.UDC)
        link.connect()
    else:
        gadget.bind(UDC)
    dev = _find_device(guest)
    path = f"/sys/bus/usb/devices/{dev}"
    guest.fact("dev", dev)

    ok = guest.wait_for(lambda: read(f"{path}/bConfigurationValue") == "2" and driver(f"{dev}:2.0") == "cdc_ether",
                        15, "config 2 chosen and cdc_ether bound")
    guest.fact("config2.seconds_to_cdc_ether", round(time.monotonic() - t_bind, 2))
    guest.wait_for(lambda: driver(f"{dev}:2.{n + 1}") == "option", 5, "option on config 2's serial ports")
    guest.fact("config2.bConfigurationValue", read(f"{path}/bConfigurationValue"))
    guest.capture("config2")
    if use_collect:
        collect(guest, "config2")

    t_switch = time.monotonic()
    guest.write(f"{path}/bConfigurationValue", "1")
    ok = guest.wait_for(
        lambda: driver(f"{dev}:1.{n}") == "qmi_wwan" and os.path.exists("/dev/cdc-wdm0")
        and os.path.exists(f"/dev/ttyUSB{n - 1}"), 15, f"config 1: qmi_wwan, cdc-wdm0, ttyUSB0-{n - 1}"
    ) and ok
    guest.fact("config1.seconds_to_qmi_wwan", round(time.monotonic() - t_switch, 2))
    guest.fact("config1.bConfigurationValue", read(f"{path}/bConfigurationValue"))
    guest.capture("config1", extra=(
        ("raw_ip.txt", "for f in /sys/class/net/*/qmi/raw_ip; do echo \"$f=$(cat $f)\"; done"),
    ))
    if use_collect:
        if not guest.quick:  # quick (tests): debugfs is covered by config2's bundle
            collect(guest, "config1")
        # The same state as a router without debugfs: the collector must walk sysfs.
        guest.sh("umount /sys/kernel/debug")
        guest.fact("collect.debugfs_unmounted", not os.path.exists("/sys/kernel/debug/usb/devices"))
        collect(guest, "config1-nodebugfs")
        guest.sh("mount -t debugfs debugfs /sys/kernel/debug")

    if n in c1.engines:
        qmi_checks(guest)
    else:
        guest.log("no QMI engine: qmicli not run")
    if 2 in c1.engines:  # ff/01/02, the PCUI port, is ttyUSB2 in both layouts
        transcript = at_dialogue("/dev/ttyUSB2", [b"ATI", b"AT+CGSN", b"AT+CSQ"], timeout=3.0)
        (guest.out / "config1" / "at-ttyUSB2.txt").write_bytes(transcript)
        guest.fact("at.ttyUSB2", transcript.decode("latin-1"))
    else:
        guest.log("no AT engine: no AT dialogue")

    if "probe" in guest.args and importlib.util.find_spec("modem_doctor.probe.lab") is not None:
        from ...probe.lab import run_in_guest  # issue 7: probe and diagnose in configuration 1

        guest.fact("probe.ok", run_in_guest(guest))

    if use_mm and os.path.exists("/usr/sbin/ModemManager"):
        from .mm import modemmanager_timing

        modemmanager_timing(guest, path)
    return 0 if ok else 1
