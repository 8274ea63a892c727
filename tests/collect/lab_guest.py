"""Runs INSIDE the lab VM (python3, chrooted in this machine's root): the ``mu609`` scenario
unchanged, plus the collector at each state it captures.

At every ``Guest.capture(state)`` (config2, then config1), the collector runs locally under
BusyBox ash against the real kernel, twice: with debugfs mounted (``bundle.tar.gz``) and
with debugfs unmounted, so the sysfs walk has to rebuild the listing
(``bundle-nodebugfs.tar.gz``); debugfs is mounted again afterwards. Started by
tests/collect/test_lab_collect.py in place of ``python3 -m modem_doctor.lab.guest``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from modem_doctor.collect import collect_local
from modem_doctor.lab import guest as lab_guest

BUSYBOX = next(p for p in ("/bin/busybox", "/usr/bin/busybox") if Path(p).exists())
DEBUGFS = "/sys/kernel/debug"
_capture = lab_guest.Guest.capture


def capture(self, state, extra=()):  # type: ignore[no-untyped-def]
    target = _capture(self, state, extra)
    bundle = collect_local(shell=[BUSYBOX, "sh"])
    bundle.write(str(target / "bundle.tar.gz"))
    self.fact(f"collect.{state}.captures", [c.id for c in bundle.captures])
    self.fact(f"collect.{state}.seconds", bundle.meta.get("seconds"))
    done = subprocess.run(["umount", DEBUGFS], capture_output=True, text=True)
    self.fact(f"collect.{state}.umount_rc", done.returncode)
    try:
        bundle = collect_local(shell=[BUSYBOX, "sh"])
        bundle.write(str(target / "bundle-nodebugfs.tar.gz"))
        self.fact(f"collect.{state}.nodebugfs_captures", [c.id for c in bundle.captures])
    finally:
        subprocess.run(["mount", "-t", "debugfs", "debugfs", DEBUGFS], capture_output=True)
    return target


lab_guest.Guest.capture = capture  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(lab_guest.main(sys.argv[1:]))
