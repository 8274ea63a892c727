"""A fake OpenWrt router on 127.0.0.1: real dropbear, BusyBox ash, a fake root.

What is real: Debian's dropbear-bin (the SSH server OpenWrt ships), started as an
unprivileged user on a free high port of 127.0.0.1; BusyBox (busybox-static) as the only
userland in the session (a bin directory of applet links, nothing else on PATH); and the
output the stand-ins print, which is captured text from tests/fixtures (real routers, the
QEMU lab's real kernel). What is fake: the root directory the collector reads files from
(``MD_ROOT``), and the commands uci, opkg, logread, ubus, dmesg, ip, ifstatus, which are
stand-ins that print a fixture for the arguments they know and fail like a missing
command otherwise.

Every session goes through a forced-command wrapper that appends one line to
``sessions.log``, so a test can count SSH sessions (docs/virtual-lab.md §5: dropbear
resets PATH, hence the wrapper). Every process started here is ended by its own PID.

Used by tests/collect and benchmarks/ssh_diagnose.py.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DROPBEAR = "/usr/sbin/dropbear"
DROPBEARKEY = shutil.which("dropbearkey") or "/usr/bin/dropbearkey"
BUSYBOX = next((p for p in ("/bin/busybox", "/usr/bin/busybox") if os.path.exists(p)), shutil.which("busybox") or "")
_COUNT = [0]


def _processes_of(uid: int) -> List[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    found.append(int(entry))
            except OSError:
                pass
    return found


def _sweep_stale_accounts() -> None:
    """Remove accounts this rig made in runs that were killed before their clean-up
    (the name carries the creating process's PID; only dead creators' accounts go)."""
    for entry in pwd.getpwall():
        match = re.fullmatch(r"mdc(\d+)x\d+", entry.pw_name)
        if match and not os.path.exists(f"/proc/{match.group(1)}") and not _processes_of(entry.pw_uid):
            subprocess.run(["userdel", "-f", entry.pw_name], capture_output=True)


def _user_name() -> str:
    """An account per rig: test runs in parallel (other sessions, xdist) never share one."""
    _COUNT[0] += 1
    return f"mdc{os.getpid()}x{_COUNT[0]}"


def missing_tools() -> List[str]:
    """What this rig needs that the machine lacks (tests skip with this list)."""
    missing = [name for name, path in (("dropbear-bin", DROPBEAR), ("dropbearkey", DROPBEARKEY),
                                       ("busybox-static", BUSYBOX)) if not path or not os.path.exists(path)]
    if not shutil.which("ssh-keygen"):
        missing.append("openssh-client (ssh-keygen)")
    if not shutil.which("setpriv"):
        missing.append("util-linux (setpriv)")
    if os.geteuid() != 0:
        missing.append("root, to create the unprivileged test account")
    return missing


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fixture_text(relative: str, skip: int = 0) -> str:
    """A fixture's text, less ``skip`` leading lines (a command line pasted above the output)."""
    text = (FIXTURES / relative).read_text(encoding="utf-8", errors="replace")
    return "".join(text.splitlines(keepends=True)[skip:])


class FakeRouter:
    """One fake root and one dropbear serving it (see the module docstring)."""

    def __init__(self, base: Optional[Path] = None, rsa_host_key: bool = False) -> None:
        self.base = Path(base or tempfile.mkdtemp(prefix="md-fakerouter-", dir="/tmp"))
        self.base.mkdir(parents=True, exist_ok=True)
        self.base.chmod(0o755)
        self.root = self.base / "root"
        self.stubs = self.base / "stubs"
        self.data = self.base / "stubdata"
        self.bb = self.base / "bb"
        self.home = self.base / "home"
        self.client_key = self.base / "client" / "id_ed25519"
        self.known_hosts = self.base / "client" / "known_hosts"
        self.port = 0
        self.process: Optional[subprocess.Popen] = None
        self.created_user = False
        self.rsa_host_key = rsa_host_key
        self.user = _user_name()
        for directory in (self.root, self.stubs, self.data, self.bb, self.home / ".ssh", self.client_key.parent):
            directory.mkdir(parents=True, exist_ok=True)

    # -- the fake root ---------------------------------------------------------------------
    def file(self, path: str, text: str) -> None:
        target = self.root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def stub(self, command: str, args: str, text: Optional[str] = None, script: Optional[str] = None) -> None:
        """``command args`` prints ``text`` (or runs the ash ``script``); other arguments fail."""
        folder = self.data / command
        folder.mkdir(parents=True, exist_ok=True)
        key = args.replace(" ", "_").replace("/", "_") or "_"
        if script is not None:
            (folder / (key + ".sh")).write_text(script, encoding="utf-8")
        else:
            (folder / key).write_text(text or "", encoding="utf-8")
        wrapper = self.stubs / command
        wrapper.write_text(
            f"#!{BUSYBOX} sh\n"
            f"# stand-in for {command}: prints captured output for the arguments it knows\n"
            f"k=$(echo \"$*\" | tr ' /' '__'); d={folder}\n"
            f"[ -n \"$k\" ] || k=_\n"
            f"[ -f \"$d/$k.sh\" ] && exec sh \"$d/$k.sh\"\n"
            f"[ -f \"$d/$k\" ] && exec cat \"$d/$k\"\n"
            f"echo \"{command}: '$*' is not supported by this stand-in\" >&2\nexit 1\n",
            encoding="utf-8")
        wrapper.chmod(0o755)

    def dev(self, ls_output: str) -> None:
        """/dev nodes as an ``ls -l`` listing shows them (character devices when possible)."""
        for line in ls_output.splitlines():
            parts = line.split()
            if len(parts) < 10 or not line.startswith("c"):
                continue
            name = parts[-1].rsplit("/", 1)[-1]
            major, minor = int(parts[4].rstrip(",")), int(parts[5])
            target = self.root / "dev" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.mknod(target, 0o600 | stat.S_IFCHR, os.makedev(major, minor))
            except OSError:
                target.write_text("")

    def endpoints(self, debugfs: str, device: str) -> None:
        """Endpoint directories (ep_XX) for ``device``'s ('1-1') active configuration, from
        the E: lines of a real debugfs listing of the same state (sysfs.txt has none)."""
        interfaces = self.root / "sys/bus/usb/devices" / device
        config, active, interface = "", False, None
        for line in debugfs.splitlines():
            fields = dict(part.split("=", 1) for part in re.sub(r"=\s+", "=", line[3:]).split() if "=" in part)
            if line.startswith("C:"):
                active, config = line.startswith("C:*"), fields.get("Cfg#", "")
            elif line.startswith("T:"):
                active = False
            elif line.startswith("I:"):
                current = line.startswith("I:*") and active
                interface = interfaces / f"{device}:{config}.{int(fields['If#'])}" if current else None
            elif line.startswith("E:") and interface is not None and interface.is_dir():
                address, attributes = fields["Ad"][:2], fields["Atr"][:2]
                folder = interface / f"ep_{address}"
                folder.mkdir(exist_ok=True)
                for name, value in (("bEndpointAddress", address), ("bmAttributes", attributes),
                                    ("wMaxPacketSize", f"{int(fields['MxPS']):04x}"), ("interval", fields["Ivl"])):
                    (folder / name).write_text(value + "\n")

    def sysfs(self, walk: str) -> None:
        """Rebuild /sys from the lab's sysfs.txt walk (``path=value`` lines; an
        interface's ``driver=`` becomes the driver link, a bare path a child directory)."""
        devices = self.root / "sys/bus/usb/devices"
        devices.mkdir(parents=True, exist_ok=True)
        for line in walk.splitlines():
            path, has_value, value = line.partition("=")
            if path.startswith("/sys/bus/usb/devices/"):
                rest = path[len("/sys/bus/usb/devices/"):]
                name, _, attr = rest.partition("/")
                if ":" in name:
                    owner = name.split(":")[0]
                    owner = f"usb{owner.split('-')[0]}" if owner.endswith("-0") else owner
                    folder = devices / owner / name
                    link = devices / name
                    folder.mkdir(parents=True, exist_ok=True)
                    if not link.exists():
                        link.symlink_to(f"{owner}/{name}")
                else:
                    folder = devices / name
                    folder.mkdir(parents=True, exist_ok=True)
                if not has_value:
                    (folder / attr).mkdir(parents=True, exist_ok=True)
                elif attr == "driver":
                    if value:
                        (self.root / "sys/bus/usb/drivers" / value).mkdir(parents=True, exist_ok=True)
                        (folder / "driver").symlink_to(f"../../../../bus/usb/drivers/{value}")
                else:
                    (folder / attr).write_text(value + "\n")
            elif path.startswith("/sys/class/net/") and has_value and "/qmi/" in path:
                target = self.root / path.lstrip("/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(value + "\n")

    # -- the server ----------------------------------------------------------------------------
    def _account(self) -> Tuple[int, int]:
        _sweep_stale_accounts()
        try:
            entry = pwd.getpwnam(self.user)
        except KeyError:
            subprocess.run(["useradd", "--system", "-M", "-d", str(self.home), "-s", "/bin/sh", self.user],
                           check=True, capture_output=True)
            self.created_user = True
            entry = pwd.getpwnam(self.user)
        return entry.pw_uid, entry.pw_gid

    def start(self) -> "FakeRouter":
        for applet in subprocess.run([BUSYBOX, "--list"], capture_output=True, text=True, check=True).stdout.split():
            link = self.bb / applet
            if not link.exists() and applet not in ("busybox",):
                link.symlink_to(BUSYBOX)
        uid, gid = self._account()
        shell = self.base / "owrt-shell"
        shell.write_text(
            f"#!{BUSYBOX} sh\n"
            f"# forced command: count the session, then run what the client asked under BusyBox ash\n"
            f"echo \"$$ $SSH_ORIGINAL_COMMAND\" >> {self.base}/sessions.log\n"
            f"export PATH={self.stubs}:{self.bb} MD_ROOT={self.root} TMPDIR={self.base}/tmp\n"
            f"if [ \"$SSH_ORIGINAL_COMMAND\" = 'sh -s' ]; then\n"
            f"  {{ cat {self.base}/stubfuncs.sh; cat; }} | exec {BUSYBOX} sh -s\n"
            f"fi\n"
            f"exec {BUSYBOX} sh -c \"$SSH_ORIGINAL_COMMAND\"\n", encoding="utf-8")
        # Debian's busybox-static prefers its own applets to PATH (FEATURE_PREFER_APPLETS);
        # OpenWrt's BusyBox does not. Shell functions come before applets, so a collector
        # script gets the stand-ins as functions put in front of it.
        (self.base / "stubfuncs.sh").write_text("".join(
            f"{name}() {{ {self.stubs / name} \"$@\"; }}\n" for name in sorted(os.listdir(self.stubs))))
        shell.chmod(0o755)
        (self.base / "tmp").mkdir(exist_ok=True)
        (self.base / "sessions.log").write_text("")
        host_keys = [self.base / "hostkey_ed25519"]
        for old in self.base.glob("hostkey_*"):
            old.unlink()  # a restart is a reinstalled router: new host keys
        subprocess.run([DROPBEARKEY, "-t", "ed25519", "-f", str(host_keys[0])], check=True, capture_output=True)
        if self.rsa_host_key:
            host_keys.append(self.base / "hostkey_rsa")
            subprocess.run([DROPBEARKEY, "-t", "rsa", "-s", "2048", "-f", str(host_keys[1])], check=True,
                           capture_output=True)
        if not self.client_key.exists():
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.client_key)], check=True)
        (self.home / ".ssh/authorized_keys").write_text(Path(str(self.client_key) + ".pub").read_text())
        for path in [self.base / "tmp", self.home, self.home / ".ssh", self.home / ".ssh/authorized_keys",
                     self.base / "sessions.log"] + host_keys:
            os.chown(path, uid, gid)
        self.home.chmod(0o700)
        (self.home / ".ssh").chmod(0o700)
        (self.home / ".ssh/authorized_keys").chmod(0o600)
        self.port = free_port()
        argv = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--init-groups", "env", f"HOME={self.home}",
                DROPBEAR, "-F", "-E", "-s", "-p", f"127.0.0.1:{self.port}", "-c", str(shell),
                "-P", str(self.base / "dropbear.pid")]
        for key in host_keys:
            argv[argv.index("-F"):argv.index("-F")] = ["-r", str(key)]
        self.log = open(self.base / "dropbear.log", "wb")
        self.process = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"dropbear did not start: {(self.base / 'dropbear.log').read_text()[-500:]}")

    @property
    def target(self) -> str:
        return f"{self.user}@127.0.0.1:{self.port}"

    def ssh_options(self) -> Dict[str, object]:
        return {"identity": (str(self.client_key),), "known_hosts": str(self.known_hosts), "accept_new": True,
                "ask": False}

    def cli_args(self) -> List[str]:
        return ["--ssh", self.target, "-i", str(self.client_key), "--known-hosts", str(self.known_hosts),
                "--accept-new-host-key"]

    def sessions(self) -> List[str]:
        return [line for line in (self.base / "sessions.log").read_text().splitlines() if line.strip()]

    def connections(self) -> int:
        """Logins dropbear accepted (the port probe in ``start`` never logs in)."""
        return (self.base / "dropbear.log").read_text(errors="replace").count("auth succeeded")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if getattr(self, "log", None):
            self.log.close()

    def cleanup(self) -> None:
        self.stop()
        if self.created_user:
            # dropbear's per-connection children may still be exiting: userdel refuses a
            # user with processes (exit 8), so wait for them briefly, then force.
            uid = pwd.getpwnam(self.user).pw_uid
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline and _processes_of(uid):
                time.sleep(0.05)
            subprocess.run(["userdel", "-f", self.user], capture_output=True)
        shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self) -> "FakeRouter":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cleanup()


# -- the fake roots the tests and the benchmark use ---------------------------------------------
def case_we826(router: FakeRouter) -> None:
    """The forum case (ZBT WE826, MU609 in configuration 2): exactly what the paste shows,
    the first debugfs listing and `dmesg | grep cdc_ether`; the router has nothing else."""
    router.file("sys/kernel/debug/usb/devices", fixture_text("usb/we826-listing1-L4-78.txt"))
    router.stub("dmesg", "", fixture_text("log/case-we826-dmesg-grep.txt", skip=1))


def case_we826_files() -> List[str]:
    """The texts ``case_we826`` serves, as files for diagnosing them the paste way."""
    return [str(FIXTURES / "usb/we826-listing1-L4-78.txt"), str(FIXTURES / "log/case-we826-dmesg-grep.txt")]


def openwrt_lab(router: FakeRouter, config: str = "config2", debugfs: bool = True) -> None:
    """An OpenWrt 23.05.5 router whose USB and kernel log are the QEMU lab's MU609 in
    ``config`` (real kernel output), with captured OpenWrt outputs for everything else."""
    lab = f"lab/mu609/{config}"
    if debugfs:
        router.file("sys/kernel/debug/usb/devices", fixture_text(f"{lab}/debugfs-usb-devices.txt"))
    router.sysfs(fixture_text(f"{lab}/sysfs.txt"))
    router.dev(fixture_text(f"{lab}/dev.txt"))
    router.stub("dmesg", "", fixture_text(f"{lab}/dmesg.txt"))
    router.file("etc/openwrt_release", "".join(
        line for line in fixture_text("system/github-v2ray-199-etc-release-23.05.5.txt", skip=1).splitlines(True)
        if line.startswith("DISTRIB_")))
    router.file("etc/config/network", fixture_text("uci/network_qmi_aligned_luci840.conf"))
    router.file("etc/config/firewall", fixture_text("uci/firewall4_default_ac35028.conf"))
    router.stub("ubus", "call system board", fixture_text("system/github-luci-1646-ubus-board.txt", skip=1))
    router.stub("opkg", "list-installed", fixture_text("packages/github-packages-10565-opkg-list-installed.txt"))
    router.stub("logread", "", fixture_text("log/github-openwrt-11729-logread-mm.txt"))
    router.stub("ip", "addr", fixture_text("net/busybox_ip_addr_host.txt"))
    router.stub("ip", "route", fixture_text("net/busybox_ip_route_host.txt"))
    router.stub("ifstatus", "wwanx", fixture_text("net/ifstatus_att_omr3542_truncated.txt", skip=1))
    router.file("etc/hotplug.d/usb/20-modeswitch", "# usbmode hotplug stand-in\n[ \"$ACTION\" = add ] || exit 0\n")
    router.file("etc/usb-mode.json", '{"messages": [], "devices": {}}\n')


def paste_files(config: str = "config2") -> Sequence[str]:
    """The same texts as files, for diagnosing them the paste way."""
    return [str(FIXTURES / f"lab/mu609/{config}/debugfs-usb-devices.txt"), str(FIXTURES / f"lab/mu609/{config}/dmesg.txt")]
