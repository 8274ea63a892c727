"""A Huawei stick that arrives as a CD-ROM (12d1:1f01, mass storage 08/06/50 on
FunctionFS so the daemon sees every CBW) and becomes a modem (12d1:14dc, HiLink: ECM,
cdc_ether) when the real usb_modeswitch sends it the message from Debian's
usb-modeswitch-data. Captures ``cdrom`` and ``modem``."""

from __future__ import annotations

import os
import tarfile
import threading
import time

from ..configfs import Gadget
from ..ffs import FfsFunction
from ..guest import Guest
from ..storage import SwitchingCdrom, huawei_new_mode
from ..usbdesc import BULK, Endpoint, Interface
from ..vmtools import read

STICK = (0x12D1, 0x1F01)
MODEM = (0x12D1, 0x14DC)
CONFIG_PACK = "/usr/share/usb_modeswitch/configPack.tar.gz"


def driver(interface: str) -> str:
    link = f"/sys/bus/usb/devices/{interface}/driver"
    return os.path.basename(os.readlink(link)) if os.path.islink(link) else ""


def run(guest: Guest) -> int:
    modem = Gadget("e3372-modem", MODEM[0], MODEM[1], "HUAWEI_MOBILE", "HUAWEI_MOBILE")
    modem.function("ecm.usb0", {"dev_addr": "02:1e:10:00:14:dc", "host_addr": "02:1e:10:00:14:dd"})
    modem.config(1, ["ecm.usb0"])

    stick = Gadget("e3372-stick", STICK[0], STICK[1], "HUAWEI_MOBILE", "HUAWEI_MOBILE")
    stick.function("ffs.msc")
    stick.config(1, ["ffs.msc"])
    switched_at = {}

    def switch() -> None:
        def later() -> None:
            time.sleep(0.3)  # let the host read the CSW first, as a real stick does
            guest.log("stick: re-enumerating as 12d1:14dc")
            switched_at["t"] = time.monotonic()
            stick.unbind()
            modem.bind()
        threading.Thread(target=later, daemon=True).start()

    cdrom = SwitchingCdrom("HUAWEI", "Mass Storage", huawei_new_mode, switch, guest.log)
    msc = Interface(0, 0x08, 0x06, 0x50, [Endpoint(0x81, BULK), Endpoint(0x01, BULK)], role="storage")
    function = FfsFunction("msc", [msc], {0: cdrom}, guest.log)
    function.start()
    stick.bind()
    ok = guest.wait_for(lambda: driver("1-1:1.0") == "usb-storage" and os.path.exists("/dev/sr0"),
                        20, "usb-storage bound and /dev/sr0")
    guest.fact("cdrom.idProduct", read("/sys/bus/usb/devices/1-1/idProduct"))
    guest.capture("cdrom")

    config = "/tmp/12d1:1f01"
    with tarfile.open(CONFIG_PACK) as pack:
        member = pack.extractfile("12d1:1f01")
        assert member is not None
        text = member.read().decode()
    with open(config, "w") as handle:
        handle.write(text)
    (guest.out / "cdrom" / "usb_modeswitch-12d1_1f01.conf").write_text(text)
    t0 = time.monotonic()
    result = guest.sh(["usb_modeswitch", "-v", "0x12d1", "-p", "0x1f01", "-c", config], timeout=60,
                      save="cdrom/usb_modeswitch.txt")
    guest.fact("usb_modeswitch.rc", result.returncode)
    ok = guest.wait_for(lambda: read("/sys/bus/usb/devices/1-1/idProduct") == "14dc"
                        and driver("1-1:1.0") == "cdc_ether", 20, "modem 12d1:14dc with cdc_ether") and ok
    guest.fact("modem.seconds_after_usb_modeswitch", round(time.monotonic() - t0, 2))
    guest.fact("modem.idProduct", read("/sys/bus/usb/devices/1-1/idProduct"))
    guest.fact("storage.switch_seen", cdrom.switched)
    guest.fact("storage.cdbs", cdrom.seen[:60])
    guest.capture("modem")
    return 0 if ok else 1
