#!/usr/bin/env python3
"""End-to-end ``modem-doctor diagnose --ssh`` against a local fake OpenWrt router.

The router is tests/collect/rig.py: a real dropbear on 127.0.0.1 whose sessions run
BusyBox ash over a fake root built from captured outputs (the QEMU lab's MU609 in
configuration 2, OpenWrt configuration files, opkg, logread, ubus). Each run is a fresh
``python -m modem_doctor diagnose --ssh ...`` process, so the figure includes interpreter
start, imports, the SSH handshake, the collector, parsing, rules and rendering: what a
user waits for. Bytes are the script sent and the output received, from the manifest of
a bundle collected the same way.

    python benchmarks/ssh_diagnose.py [--runs N] [--root case|lab]

Needs root (to create the unprivileged account dropbear serves), dropbear-bin,
busybox-static, openssh-client, asyncssh. Aim (issue 6): median <= 1.0 s.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
AIM_S = 1.0


def load_rig():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("collect_rig", ROOT / "tests" / "collect" / "rig.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs (default 10)")
    parser.add_argument("--root", choices=("lab", "case"), default="lab",
                        help="fake root: the lab MU609 OpenWrt router (default) or the forum case")
    args = parser.parse_args()
    rig = load_rig()
    missing = rig.missing_tools()
    if missing:
        print(f"ssh_diagnose: cannot run, needs {', '.join(missing)}", file=sys.stderr)
        return 2
    router = rig.FakeRouter()
    (rig.openwrt_lab if args.root == "lab" else rig.case_we826)(router)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    try:
        router.start()
        base = [sys.executable, "-m", "modem_doctor", "diagnose", *router.cli_args(), "--format", "json"]
        warm = subprocess.run(base, capture_output=True, env=env)  # first contact: records the host key
        if warm.returncode not in (0, 1):
            print(f"ssh_diagnose: diagnose failed: {warm.stderr.decode(errors='replace').strip()}", file=sys.stderr)
            return 2
        findings = [f["code"] for f in json.loads(warm.stdout)["findings"]]
        times = []
        sessions_before = len(router.sessions())
        for _ in range(args.runs):
            started = time.perf_counter()
            done = subprocess.run(base, capture_output=True, env=env)
            times.append(time.perf_counter() - started)
            assert done.returncode in (0, 1), done.stderr
        sessions = (len(router.sessions()) - sessions_before) / max(args.runs, 1)
        with tempfile.TemporaryDirectory() as scratch:
            bundle_path = Path(scratch) / "b.tar.gz"
            subprocess.run([sys.executable, "-m", "modem_doctor", "collect", *router.cli_args(), "-o", str(bundle_path)],
                           capture_output=True, env=env, check=True)
            import tarfile

            manifest = json.loads(tarfile.open(bundle_path).extractfile("manifest.json").read())  # type: ignore[union-attr]
            bundle_size = bundle_path.stat().st_size
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import modem_doctor.cli"], env=env, check=True)
        python_start = time.perf_counter() - started
    finally:
        router.cleanup()
    median = statistics.median(times)
    print(f"diagnose --ssh ({args.root} root), {args.runs} runs, each a new process:")
    print(f"  median {median:.3f} s   min {min(times):.3f} s   max {max(times):.3f} s   (aim <= {AIM_S:.1f} s: "
          f"{'met' if median <= AIM_S else 'NOT met'})")
    print(f"  of which Python start + import of the CLI: {python_start:.3f} s; the collector on the router: "
          f"{manifest.get('collector_ms', 0) / 1000:.3f} s; the SSH session: {manifest.get('seconds', 0):.3f} s")
    print(f"  SSH sessions per run: {sessions:g}")
    print(f"  bytes: {manifest['bytes_sent']} sent (the collector script), {manifest['bytes_received']} received; "
          f"bundle on disk {bundle_size} bytes, {len(manifest['captures'])} captures")
    print(f"  findings: {', '.join(findings) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
