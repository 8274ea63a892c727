"""An MBIM modem (Sierra EM7455 identity, 1199:9079) described whole on gadgetfs and
bound by the kernel's cdc_mbim; the real mbimcli talks to the MBIM engine through
cdc-wdm. Capture state ``mbim``."""

from __future__ import annotations

import os
import re

from ..engines import mbim_engine
from ..gadgetfs import CdcControlDevice, ntb_parameters
from ..guest import Guest
from ..usbdesc import BULK, INTERRUPT, Endpoint, Interface, cdc_header, cdc_mbim_functional, cdc_union
from ..vmtools import read

VID, PID = 0x1199, 0x9079
PROFILE = "em7455"


def interfaces():
    # wMaxControlMessage 256: gadgetfs clips IN control transfers to 256 bytes (RBUF_SIZE
    # in legacy/inode.c), so the device says so and the host's MBIM_OPEN asks for 256;
    # the engine then fragments longer answers as MBIM allows.
    extra = cdc_header() + cdc_union(0, 1) + cdc_mbim_functional(max_control=256)
    return [
        Interface(0, 0x02, 0x0E, 0x00, [Endpoint(0x85, INTERRUPT)], extra=extra, role="mbim"),
        Interface(1, 0x0A, 0x00, 0x02, [], alt=0),
        Interface(1, 0x0A, 0x00, 0x02, [Endpoint(0x81, BULK), Endpoint(0x02, BULK)], alt=1),
    ]


def run(guest: Guest) -> int:
    scenario = next((a.split("=", 1)[1] for a in guest.args if a.startswith("scenario=")), "ready")
    guest.fact("profile", PROFILE)
    guest.fact("scenario", scenario)
    engine, note = mbim_engine(PROFILE, scenario)
    guest.fact("engine.mbim", note)
    device = CdcControlDevice(
        VID, PID, interfaces(), engine, guest.log,
        ep_names={0x85: "ep5in-int", 0x81: "ep1in-bulk", 0x02: "ep2out-bulk"},
        class_in={0x80: ntb_parameters()},
        strings=("Sierra Wireless, Incorporated", "EM7455"),
    )
    device.start()
    ok = guest.wait_for(
        lambda: os.path.basename(os.readlink("/sys/bus/usb/devices/1-1:1.0/driver")) == "cdc_mbim"
        and os.path.exists("/dev/cdc-wdm0"), 20, "cdc_mbim bound, /dev/cdc-wdm0")
    guest.fact("mbim.bConfigurationValue", read("/sys/bus/usb/devices/1-1/bConfigurationValue"))
    guest.capture("mbim")
    if engine is None:
        guest.log("no MBIM engine: mbimcli not run")
        return 0 if ok else 1
    caps = guest.sh("mbimcli -d /dev/cdc-wdm0 --query-device-caps", timeout=30,
                    save="mbim/mbimcli-query-device-caps.txt")
    match = re.search(r"Device ID: '([^']*)'", caps.stdout)
    guest.fact("mbimcli.device_caps.rc", caps.returncode)
    guest.fact("mbimcli.device_id", match.group(1) if match else "")
    for option, name in (("--query-subscriber-ready-status", "query-subscriber-ready-status"),
                         ("--query-registration-state", "query-registration-state")):
        done = guest.sh(f"mbimcli -d /dev/cdc-wdm0 {option}", timeout=20, save=f"mbim/mbimcli-{name}.txt")
        guest.fact(f"mbimcli.{name}.rc", done.returncode)
    # Through mbim-proxy too: the proxy outlives mbimcli, so it is ended by its PID.
    proxied = guest.sh("mbimcli -p -d /dev/cdc-wdm0 --query-device-caps", timeout=30,
                       save="mbim/mbimcli-p-query-device-caps.txt")
    guest.fact("mbimcli.proxy.rc", proxied.returncode)
    for pid in guest.pids_of("/mbim-proxy"):
        guest.track(pid, "mbim-proxy")
    guest.fact("gadgetfs.requests", device.requests[:40])
    return 0 if ok else 1
