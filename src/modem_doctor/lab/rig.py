"""Builds the lab's boot material: Debian's 6.1 kernel and a BusyBox initramfs.

The kernel comes from Debian's own package (``apt-get download``), resolved at build time
through ``apt-cache depends linux-image-amd64`` and recorded in ``rig.json``. The
initramfs holds only BusyBox, the closure of the modules the lab needs and ``init.sh``;
everything else (python3, qmicli, mbimcli, ModemManager, lsusb, usb_modeswitch, the
project's source) comes from this machine's root, mounted read-only over 9p in the VM.

Everything is cached (``.lab-cache/`` in a checkout, else ``~/.cache/modem-doctor-lab``),
so a second build takes well under a second.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from ..errors import ModemDoctorError

#: Modules loaded at boot, in this order (dependencies come first through modprobe's
#: --show-depends). Gadget side, host side, storage and the 9p transport.
MODULES: Tuple[str, ...] = (
    "virtio_pci",
    "9pnet_virtio",
    "9p",
    "configfs",
    "dummy_hcd",
    "libcomposite",
    "usb_f_ecm",
    "usb_f_fs",
    "usb_f_mass_storage",
    "gadgetfs",
    "usbserial",
    "usb_wwan",
    "option",
    "cdc-wdm",
    "qmi_wwan",
    "cdc_ether",
    "cdc_ncm",
    "cdc_mbim",
    "cdrom",
    "sr_mod",
    "usb-storage",
    "usbip-vudc",
    "vhci-hcd",
)

#: Modules put in the initramfs but not loaded at boot; a scenario insmods them from
#: /tmp/mdlab/modules when it wants them (``configfs.load_modules``). USB/IP's virtual
#: UDC and host controller would add buses to every capture, so they wait.
DEFERRED: Tuple[str, ...] = ("usbip-core", "usbip-vudc", "vhci-hcd")

LAB_DIR = Path(__file__).resolve().parent
INIT_SCRIPT = LAB_DIR / "init.sh"


class LabError(ModemDoctorError):
    """The lab cannot be built or booted (missing tool, package, or a VM that hung)."""


def cache_dir() -> Path:
    """Where downloads and built images live; ignored by git."""
    override = os.environ.get("MODEM_DOCTOR_LAB_CACHE")
    if override:
        return Path(override)
    repo = LAB_DIR.parents[2]
    if (repo / ".git").exists() and os.access(repo, os.W_OK):
        return repo / ".lab-cache" / "lab"
    return Path.home() / ".cache" / "modem-doctor-lab"


def _run(cmd: List[str], cwd: Optional[Path] = None) -> str:
    try:
        done = subprocess.run(
            cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False
        )
    except FileNotFoundError as error:
        raise LabError(f"{cmd[0]} is not installed ({error})") from error
    if done.returncode != 0:
        raise LabError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    return done.stdout


def resolve_kernel_package() -> str:
    """Name of the kernel image package Debian's meta package points at now."""
    out = _run(["apt-cache", "depends", "linux-image-amd64"])
    match = re.search(r"Depends:\s*(linux-image-[0-9][\w.+-]*-amd64)", out)
    if not match:
        raise LabError("apt-cache depends linux-image-amd64 names no kernel (run apt-get update)")
    return match.group(1)


def _cached_kernels(root: Path) -> List[Path]:
    return sorted(root.glob("kernel/linux-image-*/rig-kernel.json"))


def fetch_kernel_after_update(cache: Path) -> Dict[str, str]:
    """Second try after ``apt-get update``; no further fallback."""
    return _fetch_package(cache, resolve_kernel_package())


def fetch_kernel(cache: Path) -> Dict[str, str]:
    """Download and unpack the kernel package; returns its record (name, version, paths)."""
    try:
        package = resolve_kernel_package()
    except LabError:
        cached = _cached_kernels(cache)
        if not cached and os.geteuid() == 0 and shutil.which("apt-get"):
            # A fresh machine may have no package lists yet (apt-cache then knows nothing).
            subprocess.run(["apt-get", "update", "-qq"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)
            return fetch_kernel_after_update(cache)
        if not cached:
            raise
        # Offline: use the newest kernel already unpacked rather than fail.
        return json.loads(cached[-1].read_text())
    return _fetch_package(cache, package)


def _fetch_package(cache: Path, package: str) -> Dict[str, str]:
    kdir = cache / "kernel" / package
    record_path = kdir / "rig-kernel.json"
    if record_path.exists():
        return json.loads(record_path.read_text())
    debs = cache / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    found = sorted(debs.glob(f"{package}_*.deb"))
    if not found:
        _run(["apt-get", "download", package], cwd=debs)
        found = sorted(debs.glob(f"{package}_*.deb"))
        if not found:
            raise LabError(f"apt-get download {package} left no .deb in {debs}")
    deb = found[-1]
    version = _run(["dpkg-deb", "-f", str(deb), "Version"]).strip()
    root = kdir / "root"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    _run(["dpkg-deb", "-x", str(deb), str(root)])
    kver = package[len("linux-image-"):]
    vmlinuz = root / "boot" / f"vmlinuz-{kver}"
    if not vmlinuz.exists():
        raise LabError(f"{deb.name} has no boot/vmlinuz-{kver}")
    # The package ships no modules.dep; modprobe needs one to resolve the closure.
    _run(["depmod", "-b", str(root), kver])
    record = {
        "package": package,
        "version": version,
        "kernel_release": kver,
        "deb": deb.name,
        "root": str(root),
        "vmlinuz": str(vmlinuz),
    }
    record_path.write_text(json.dumps(record, indent=2) + "\n")
    return record


def module_closure(kernel: Dict[str, str], modules: Tuple[str, ...] = MODULES) -> List[Tuple[str, str]]:
    """(module name, path) pairs in load order, dependencies first, without duplicates."""
    order: List[Tuple[str, str]] = []
    seen = set()
    for module in modules:
        out = _run(
            ["modprobe", "-d", kernel["root"], "-S", kernel["kernel_release"], "--show-depends", module]
        )
        for line in out.splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0] == "insmod":
                path = parts[1]
                name = Path(path).name.split(".ko")[0]
                if name not in seen:
                    seen.add(name)
                    order.append((name, path))
    return order


def _busybox() -> Path:
    for candidate in ("/bin/busybox", "/usr/bin/busybox"):
        if Path(candidate).exists():
            return Path(candidate)
    raise LabError("busybox (Debian busybox-static) is not installed")


def build(force: bool = False) -> Dict[str, str]:
    """Prepare kernel and initramfs; returns the rig record (also kept in rig.json)."""
    for tool in ("cpio", "gzip", "depmod", "modprobe", "dpkg-deb"):
        if shutil.which(tool) is None:
            raise LabError(f"{tool} is not installed (Debian packages cpio, kmod, dpkg)")
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    kernel = fetch_kernel(cache)
    closure = module_closure(kernel)
    busybox = _busybox()
    init_text = INIT_SCRIPT.read_bytes()
    key = hashlib.sha256()
    key.update(kernel["package"].encode() + kernel["version"].encode())
    key.update(init_text)
    key.update(busybox.read_bytes()[:4096] + str(busybox.stat().st_size).encode())
    key.update(repr(closure).encode() + repr(DEFERRED).encode())
    digest = key.hexdigest()[:16]
    initrd = cache / f"initrd-{digest}.gz"
    rig_path = cache / "rig.json"
    if initrd.exists() and rig_path.exists() and not force:
        record = json.loads(rig_path.read_text())
        if record.get("initrd") == str(initrd):
            return record
    with tempfile.TemporaryDirectory(prefix="mdlab-initrd-", dir=str(cache)) as staging_name:
        staging = Path(staging_name)
        for sub in ("bin", "proc", "sys", "dev", "host", "lib/modules", "tmp"):
            (staging / sub).mkdir(parents=True, exist_ok=True)
        shutil.copy2(busybox, staging / "bin" / "busybox")
        shutil.copy2(INIT_SCRIPT, staging / "init")
        os.chmod(staging / "init", 0o755)
        lines = []
        for name, path in closure:
            shutil.copy2(path, staging / "lib" / "modules" / f"{name}.ko")
            if name.replace("_", "-") not in {d.replace("_", "-") for d in DEFERRED}:
                lines.append(name)
        (staging / "modules.order").write_text("\n".join(lines) + "\n")
        (staging / "modules.all").write_text("\n".join(n for n, _ in closure) + "\n")
        tmp_initrd = initrd.with_suffix(".tmp")
        with open(tmp_initrd, "wb") as sink:
            find = subprocess.Popen(
                ["find", ".", "-print0"], cwd=staging, stdout=subprocess.PIPE
            )
            cpio = subprocess.Popen(
                ["cpio", "--null", "-o", "-H", "newc", "--quiet"],
                cwd=staging,
                stdin=find.stdout,
                stdout=subprocess.PIPE,
            )
            assert find.stdout is not None
            find.stdout.close()
            gz = subprocess.Popen(["gzip", "-1"], stdin=cpio.stdout, stdout=sink)
            assert cpio.stdout is not None
            cpio.stdout.close()
            codes = (gz.wait(), cpio.wait(), find.wait())
        if any(codes) or tmp_initrd.stat().st_size < 100000:
            raise LabError(f"building the initramfs failed (exit codes {codes})")
        tmp_initrd.rename(initrd)
    for old in cache.glob("initrd-*.gz"):
        if old != initrd:
            old.unlink()
    record = dict(kernel)
    record.update(
        {
            "initrd": str(initrd),
            "modules": " ".join(n for n, _ in closure),
            "busybox": str(busybox),
        }
    )
    rig_path.write_text(json.dumps(record, indent=2) + "\n")
    return record
