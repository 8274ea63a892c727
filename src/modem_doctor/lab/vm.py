"""Boots one lab VM (QEMU, TCG) and waits for it to power off.

The VM sees this machine's root read-only (9p tag ``hostroot``), the project's ``src``
(tag ``mdsrc``, so the code under test is the checkout's even when it lives under /tmp)
and a writable share (tag ``share``) where the guest writes its captures. QEMU is the
only process started here; it is ended by its own PID if it outlives the timeout.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
from pathlib import Path
from typing import Dict, List, Optional

from .rig import LAB_DIR, LabError

SRC_DIR = LAB_DIR.parents[1]  # .../src, holds the modem_doctor package

GUEST_SH = """\
# Written by modem_doctor.lab.vm; runs chrooted in the host root inside the VM.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
export PYTHONPATH=/tmp/mdlab/src SYSTEMD_IGNORE_CHROOT=1
cd /tmp
python3 -m modem_doctor.lab.guest {args} > /tmp/mdlab/share/guest.log 2>&1
echo $? > /tmp/mdlab/share/guest.rc
"""


def qemu_binary() -> Optional[str]:
    return shutil.which("qemu-system-x86_64")


def boot(
    rig: Dict[str, str],
    share: Path,
    guest_args: List[str],
    timeout: float = 240.0,
    memory_mb: int = 768,
    guest_script: Optional[Path] = None,
) -> Dict[str, object]:
    """Run ``python3 -m modem_doctor.lab.guest GUEST_ARGS`` in a fresh VM.

    ``guest_script``: a Python file run instead (``python3 FILE GUEST_ARGS``), copied into
    the share first so that it is visible in the VM wherever it lives on the host; it can
    import ``modem_doctor`` and wrap ``modem_doctor.lab.guest.main``.

    Returns a record with the QEMU PID, wall time, the guest's exit status and whether
    the VM had to be killed. The console goes to ``share/console.log``.
    """
    qemu = qemu_binary()
    if qemu is None:
        raise LabError("qemu-system-x86_64 is not installed (Debian qemu-system-x86)")
    share.mkdir(parents=True, exist_ok=True)
    for stale in ("guest.rc", "guest.log", "console.log"):
        if (share / stale).exists():
            (share / stale).unlink()
    script = GUEST_SH
    if guest_script is not None:
        shutil.copy2(guest_script, share / "guest_hook.py")
        script = script.replace("python3 -m modem_doctor.lab.guest {args}",
                                "python3 /tmp/mdlab/share/guest_hook.py {args}")
    (share / "guest.sh").write_text(
        script.format(args=" ".join(shlex.quote(a) for a in guest_args))
    )
    console = share / "console.log"
    cmd = [
        qemu,
        "-accel", "tcg",
        "-m", str(memory_mb),
        "-smp", "1",
        "-display", "none",
        "-monitor", "none",
        "-serial", f"file:{console}",
        "-no-reboot",
        "-nic", "none",
        "-kernel", rig["vmlinuz"],
        "-initrd", rig["initrd"],
        "-append", "console=ttyS0 quiet loglevel=4 panic=-1 oops=panic",
        "-virtfs", "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap",
        "-virtfs", f"local,path={share},mount_tag=share,security_model=none,multidevs=remap",
        "-virtfs", f"local,path={SRC_DIR},mount_tag=mdsrc,security_model=none,readonly=on,multidevs=remap",
    ]
    started = time.monotonic()
    proc = subprocess.Popen(
        cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    killed = False
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        killed = True
        proc.kill()  # by its own PID: Popen.kill signals exactly this child
        out, _ = proc.communicate()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    elapsed = time.monotonic() - started
    rc_file = share / "guest.rc"
    guest_rc: Optional[int] = None
    if rc_file.exists():
        text = rc_file.read_text().strip()
        guest_rc = int(text) if text.isdigit() else None
    return {
        "qemu_pid": proc.pid,
        "qemu_exit": proc.returncode,
        "qemu_output": out.decode("utf-8", "replace")[-2000:],
        "killed": killed,
        "seconds": round(elapsed, 1),
        "guest_rc": guest_rc,
        "console": str(console),
    }


def process_alive(pid: int) -> bool:
    """Whether a process with this PID still exists (and is not a zombie)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


__all__ = ["boot", "qemu_binary", "process_alive", "SRC_DIR"]

