"""Collection over SSH against a real dropbear on 127.0.0.1 whose session shell is BusyBox
ash, serving a fake OpenWrt root (tests/collect/rig.py): right captures and diagnoses,
exactly one SSH session, and one clear line for every failure."""

from __future__ import annotations

import gzip
import json
import os
import pwd
import re
import sys
import tarfile
import time
from pathlib import Path
from typing import List, Tuple

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import rig  # noqa: E402

from modem_doctor.cli import main  # noqa: E402
from modem_doctor.collect import collect_ssh  # noqa: E402
from modem_doctor.collect.bundle import read_bundle  # noqa: E402
from modem_doctor.diagnosis import diagnose  # noqa: E402
from modem_doctor.errors import CollectError  # noqa: E402
from modem_doctor.load import load_bundle, load_paths  # noqa: E402

pytestmark = [pytest.mark.tools,
              pytest.mark.skipif(bool(rig.missing_tools()), reason=f"needs {', '.join(rig.missing_tools())}")]


@pytest.fixture
def router():  # type: ignore[no-untyped-def]
    made = rig.FakeRouter()
    yield made
    made.cleanup()


def cli(capsys: pytest.CaptureFixture, *args: str) -> Tuple[int, str, List[str]]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, [line for line in err.splitlines() if line.strip()]


def placeless(value: object) -> object:
    """A diagnosis part without where its evidence sits (artifact ids and line numbers
    differ between a capture and a pasted file; the cited text does not)."""
    if isinstance(value, dict):
        return {k: placeless(v) for k, v in value.items() if k not in ("artifact", "line", "first_line", "last_line")}
    if isinstance(value, list):
        return [placeless(v) for v in value]
    return value


def codes(doc: dict) -> List[Tuple[str, str]]:
    return [(f["code"], f["severity"]) for f in doc["findings"]]


def test_case_router_diagnoses_like_the_paste_in_one_session(router, capsys) -> None:
    rig.case_we826(router)
    router.start()
    code, out, err = cli(capsys, "diagnose", *router.cli_args(), "--format", "json")
    live = json.loads(out)
    # the same two outputs pasted as files: the same diagnosis, finding for finding
    paste = diagnose(load_paths(rig.case_we826_files())).to_json()
    assert codes(live) == codes(paste)
    for key in ("modems", "plan"):
        assert placeless(live[key]) == placeless(paste[key]), key
    # the evidence is the same lines; only the wording may differ, because the paste shows
    # `dmesg | grep cdc_ether` (a filtered log) where the collector ran plain `dmesg`
    assert [placeless(f["evidence"]) for f in live["findings"]] == [placeless(f["evidence"]) for f in paste["findings"]]
    assert "filtered with grep" in paste["findings"][1]["title"] and "grep" not in live["findings"][1]["title"]
    # and what the forum thread's first listing showed: configuration 2 instead of the QMI
    # configuration 1, cdc_ether dropped; the whole thread (after the manual switch) adds more
    thread = diagnose(load_paths([str(rig.FIXTURES / "pastes/we826-mu609.txt")])).to_json()
    assert ("USB002", "error") in codes(live) and ("USB004", "warning") in codes(live)
    assert set(codes(live)) <= set(codes(thread))
    assert code == 1
    # exactly one SSH session (the forced-command wrapper counts them) on one connection
    assert router.sessions() == [router.sessions()[0]] and router.sessions()[0].endswith(" sh -s")
    assert router.connections() == 1
    # this router has no logread, opkg, uci, ubus...: each is one note line, none fatal
    notes = [line for line in err if line.startswith("modem-doctor: note: ")]
    assert any(line.startswith("modem-doctor: note: board: 'ubus call system board' is not available") for line in notes)
    assert any(line.startswith("modem-doctor: note: packages.opkg: 'opkg list-installed' is not available")
               for line in notes)
    assert any("uci.network: 'uci show network' is not available" in line for line in notes)


def test_openwrt_lab_bundle_round_trip(router, capsys, tmp_path: Path) -> None:
    rig.openwrt_lab(router, "config2")
    router.start()
    out_file = tmp_path / "router.tar.gz"
    code, _, err = cli(capsys, "collect", *router.cli_args(), "-o", str(out_file))
    assert code == 0 and out_file.exists() and len(router.sessions()) == 1
    assert err[-1].startswith(f"wrote {out_file}: ")
    manifest = json.loads(tarfile.open(out_file).extractfile("manifest.json").read())  # type: ignore[union-attr]
    kinds = {entry["id"]: (entry["kind"], entry["status"]) for entry in manifest["captures"]}
    assert kinds["usb.debugfs"] == ("usb_debugfs", "ok") and "usb.sysfs" not in kinds
    assert kinds["packages.opkg"] == ("opkg_list", "ok") and "packages.apk" not in kinds
    assert kinds["ifstatus.wwanx"] == ("ifstatus", "ok")  # proto qmi in /etc/config/network
    assert kinds["uci.network"] == ("uci_show", "missing")
    assert manifest["transport"] == "ssh" and manifest["bytes_received"] > 10000
    # the saved bundle diagnoses exactly like the live run
    code_b, saved, _ = cli(capsys, "diagnose", str(out_file), "--format", "json")
    code_l, live, _ = cli(capsys, "diagnose", *router.cli_args(), "--format", "json")
    saved_doc, live_doc = json.loads(saved), json.loads(live)
    for key in ("findings", "modems", "plan", "system"):
        assert placeless(saved_doc[key]) == placeless(live_doc[key]), key
    # /etc/openwrt_release (23.05.5) and `ubus call system board` (a SNAPSHOT board) were
    # both read: they come from different real routers, so only their presence is checked
    assert live_doc["system"]["release"] in ("23.05.5", "SNAPSHOT") and live_doc["system"]["board_name"]
    assert [m.get("usb_id") or m.get("vid_pid") for m in live_doc["modems"]]
    # USB and kernel facts agree with the lab's own files read the paste way
    host = load_bundle(read_bundle(str(out_file)))
    pasted = load_paths(rig.paste_files("config2"))
    assert [d.vid_pid for _, d in host.usb_devices()] == [d.vid_pid for _, d in pasted.usb_devices()]
    assert not host.problems


def test_sysfs_fallback_without_debugfs(router, capsys) -> None:
    rig.openwrt_lab(router, "config1", debugfs=False)
    router.start()
    bundle = collect_ssh(router.target, **router.ssh_options())
    assert bundle.capture("usb.debugfs") is None
    walk = bundle.capture("usb.sysfs")
    assert walk is not None and walk.text().startswith("# modem-doctor: rebuilt from /sys/bus/usb/devices; only the active")
    assert "I:  If#= 3 Alt= 0 #EPs= 3 Cls=ff(vend.) Sub=01 Prot=07 Driver=qmi_wwan" in walk.text()
    host = load_bundle(bundle)
    (modem,) = [d for _, d in host.usb_devices() if d.vid_pid == "12d1:1573"]
    assert modem.active_config is not None and modem.active_config.number == 1
    assert [i.driver for i in modem.active_config.interfaces] == ["option", "option", "option", "qmi_wwan"]
    assert bundle.capture("raw_ip").text() == "/sys/class/net/wwan0/qmi/raw_ip=N\n"
    assert len(router.sessions()) == 1


def _leftovers(user: str) -> List[str]:
    uid = pwd.getpwnam(user).pw_uid
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.stat(f"/proc/{entry}").st_uid != uid:
                continue
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if cmdline.strip() and "dropbear" not in cmdline:  # an empty command line is a zombie
            found.append(cmdline)
    return found


def test_hang_huge_and_binary_are_bounded_and_kept(router) -> None:
    rig.case_we826(router)
    router.stub("logread", "", script="echo 'Mon Nov 24 03:00:00 2026 kern.info kernel: started'\nsleep 600\n")
    router.stub("ubus", "call system board", script="printf 'binary\\000\\001\\002\\000 board'\n")
    router.stub("opkg", "list-installed", script="yes 'kmod-usb-net-qmi-wwan - 5.15.137-1' | head -c 3000000\n")
    router.start()
    started = time.monotonic()
    bundle = collect_ssh(router.target, settings={"MD_TIMEOUT": "2", "MD_MAX": "262144"}, **router.ssh_options())
    took = time.monotonic() - started
    assert took < 8, took
    hung = bundle.capture("logread")
    assert hung.status == "timeout" and hung.rc is None
    assert hung.text().startswith("Mon Nov 24 03:00:00 2026")  # what came before the hang is kept
    huge = bundle.capture("packages.opkg")
    assert huge.status == "truncated" and len(huge.data) == 262144
    binary = bundle.capture("board")
    assert binary.status == "binary"
    lines = bundle.capture_problems()
    assert len([line for line in lines if line.startswith(("logread:", "packages.opkg:", "board:"))]) == 3
    assert all("\n" not in line for line in lines)
    # the rest of the collection is intact and still diagnoses the case
    doc = diagnose(load_bundle(bundle)).to_json()
    assert ("USB002", "error") in codes(doc)
    assert len(router.sessions()) == 1
    time.sleep(0.3)
    assert _leftovers(router.user) == []  # the watchdog ended the hanging stand-in's whole tree


def test_unreachable_host_is_one_line(capsys, tmp_path: Path) -> None:
    port = rig.free_port()
    code, out, err = cli(capsys, "diagnose", "--ssh", f"root@127.0.0.1:{port}", "--known-hosts",
                         str(tmp_path / "kh"), "--connect-timeout", "3")
    assert code == 2 and out == ""
    assert err == [f"modem-doctor: cannot reach [127.0.0.1]:{port}: connection refused (is SSH running on port {port}?)"]


def test_refused_login_is_one_line(router, capsys, tmp_path: Path) -> None:
    router.start()
    other = tmp_path / "other_key"
    os.system(f"ssh-keygen -q -t ed25519 -N '' -f {other}")
    out_file = tmp_path / "x.tar.gz"
    code, _, err = cli(capsys, "collect", "--ssh", router.target, "-i", str(other), "--known-hosts",
                       str(router.known_hosts), "--accept-new-host-key", "-o", str(out_file))
    assert code == 2 and not out_file.exists()
    assert len(err) == 1 and err[0].startswith(f"modem-doctor: login refused for {router.user}@[127.0.0.1]:{router.port}")
    assert router.sessions() == []


def test_host_keys_first_contact_and_change(router, capsys, tmp_path: Path) -> None:
    router.start()
    base = ["--ssh", router.target, "-i", str(router.client_key), "--known-hosts", str(router.known_hosts)]
    out_file = tmp_path / "b.tar.gz"
    # first contact without a choice (not a terminal): refused, one line saying what to do
    code, _, err = cli(capsys, "collect", *base, "-o", str(out_file))
    assert code == 2 and len(err) == 1 and "is not known (ssh-ed25519 SHA256:" in err[0]
    assert "--accept-new-host-key" in err[0] and not out_file.exists()
    # accepted once: remembered, and the next run needs no flag
    code, _, _ = cli(capsys, "collect", *base, "--accept-new-host-key", "-o", str(out_file))
    assert code == 0 and router.known_hosts.read_text().startswith(f"[127.0.0.1]:{router.port} ssh-ed25519 ")
    out_file.unlink()
    code, _, _ = cli(capsys, "collect", *base, "-o", str(out_file))
    assert code == 0 and out_file.exists()
    # the router is "reinstalled": new host key, same address -> hard refusal naming both
    known = re.search(r"SHA256:\S+", read_fingerprint(router.known_hosts)).group(0)  # type: ignore[union-attr]
    router.stop()
    port = router.port
    router.start()
    if router.port != port:  # keep the address: rewrite the known line for the new port
        router.known_hosts.write_text(router.known_hosts.read_text().replace(f"]:{port} ", f"]:{router.port} "))
    out_file.unlink()
    sessions_before = len(router.sessions())
    code, _, err = cli(capsys, "collect", "--ssh", router.target, "-i", str(router.client_key), "--known-hosts",
                       str(router.known_hosts), "--accept-new-host-key", "-o", str(out_file))
    assert code == 2 and len(err) == 1 and not out_file.exists()
    assert "has CHANGED" in err[0] and known in err[0] and err[0].count("SHA256:") == 2
    assert len(router.sessions()) == sessions_before


def read_fingerprint(path: Path) -> str:
    import asyncssh

    key = asyncssh.import_public_key(" ".join(path.read_text().split()[1:3]))
    return key.get_fingerprint("sha256")


def test_share_redacts_before_writing(router, capsys, tmp_path: Path) -> None:
    rig.openwrt_lab(router, "config2")
    router.start()
    raw_text = (rig.FIXTURES / "net/busybox_ip_addr_host.txt").read_text()
    macs = set(re.findall(r"link/ether ([0-9a-f:]{17})", raw_text)) - {"00:00:00:00:00:00"}
    assert macs
    out_file = tmp_path / "shared.tar.gz"
    code, _, err = cli(capsys, "collect", *router.cli_args(), "--share", "-o", str(out_file))
    assert code == 0 and "(redacted)" in err[-1]
    unpacked = gzip.decompress(out_file.read_bytes()).decode("utf-8", "replace")
    assert not [mac for mac in macs if mac in unpacked]
    assert "[MAC-1]" in unpacked


def test_dropbear_with_only_an_ed25519_host_key(router) -> None:
    """docs/virtual-lab.md §5: dropbear 2022.83 with only an Ed25519 host key aborts
    (rsa.c assertion) when asyncssh offers its default host key algorithms; the
    transport asks for Ed25519 first and gets through the same server."""
    import asyncio

    import asyncssh

    router.start()

    async def plain() -> str:
        try:
            async with asyncssh.connect("127.0.0.1", port=router.port, username=router.user,
                                        client_keys=[str(router.client_key)], known_hosts=None) as conn:
                return (await conn.run("echo hi")).stdout
        except (asyncssh.Error, OSError) as error:
            return type(error).__name__

    assert asyncio.run(plain()) == "ConnectionLost"
    assert "Failed assertion (rsa.c" in (router.base / "dropbear.log").read_text()
    bundle = collect_ssh(router.target, **router.ssh_options())
    assert bundle.capture("dmesg") is not None and bundle.problems == ()


def test_login_through_the_ssh_agent(router, monkeypatch, tmp_path: Path) -> None:
    """No -i: the key comes from a running ssh-agent (SSH_AUTH_SOCK), as on a desktop."""
    import shutil
    import subprocess

    if not shutil.which("ssh-agent") or not shutil.which("ssh-add"):
        pytest.skip("needs ssh-agent and ssh-add (openssh-client)")
    router.start()
    sock = tmp_path / "agent.sock"
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", str(sock)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 5
        while not sock.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        env = dict(os.environ, SSH_AUTH_SOCK=str(sock))
        subprocess.run(["ssh-add", "-q", str(router.client_key)], env=env, check=True, capture_output=True)
        monkeypatch.setenv("SSH_AUTH_SOCK", str(sock))
        monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.ssh/id_* keys to fall back on
        options = router.ssh_options()
        options["identity"] = ()
        bundle = collect_ssh(router.target, **options)
        assert bundle.capture("dmesg") is not None and len(router.sessions()) == 1
    finally:
        agent.terminate()  # by its own PID
        agent.wait(timeout=5)


def test_uci_present_decides_the_modem_interfaces(router) -> None:
    """With uci on the router, modem interfaces come from `uci -q show network` (a real
    OpenWrt 23.05.5 one: lan/wan/wan6 only, so no ifstatus is taken), not from the file."""
    rig.case_we826(router)
    shown = rig.fixture_text("uci/uci_show_network_openwrt_23.05.5.txt")
    router.stub("uci", "show network", shown)
    router.stub("uci", "-q show network", shown)
    router.file("etc/config/network", rig.fixture_text("uci/network_qmi_aligned_luci840.conf"))
    router.start()
    bundle = collect_ssh(router.target, **router.ssh_options())
    assert bundle.capture("uci.network").status == "ok"
    assert not [c.id for c in bundle.captures if c.id.startswith("ifstatus.")]
    host = load_bundle(bundle)
    assert host.uci and not host.problems
