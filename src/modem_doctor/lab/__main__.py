"""``python -m modem_doctor.lab build | run SCENARIO --out DIR | list``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import List, Optional

from . import SCENARIOS, run_scenario
from .rig import LabError, build, cache_dir


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m modem_doctor.lab",
                                     description="The QEMU virtual modem lab (see docs/lab.md).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    b = sub.add_parser("build", help="download the kernel and build the initramfs (cached)")
    b.add_argument("--force", action="store_true", help="rebuild the initramfs")
    sub.add_parser("list", help="list the scenarios")
    r = sub.add_parser("run", help="boot a VM, run a scenario, leave its captures in --out")
    r.add_argument("scenario", choices=sorted(SCENARIOS))
    r.add_argument("--out", required=True, type=Path, help="directory for the captures")
    r.add_argument("--timeout", type=float, default=300.0, help="seconds before the VM is killed")
    r.add_argument("-O", "--option", dest="extra", action="append", default=[],
                   help="scenario option, repeatable, e.g. -O no-mm or -O scenario=wrong-apn")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            record = build(force=args.force)
            print(json.dumps(record, indent=2))
            print(f"cache: {cache_dir()}", file=sys.stderr)
            return 0
        if args.command == "list":
            for name, what in SCENARIOS.items():
                print(f"{name:14} {what}")
            return 0
        if args.command == "run":
            facts = run_scenario(args.scenario, args.out, args.extra, timeout=args.timeout)
            vm = facts.get("vm", {})
            print(json.dumps(facts, indent=2, sort_keys=True))
            ok = isinstance(vm, dict) and vm.get("guest_rc") == 0 and not vm.get("killed")
            print(f"{args.scenario}: {'ok' if ok else 'FAILED'}; outputs in {args.out}", file=sys.stderr)
            return 0 if ok else 1
    except LabError as error:
        print(f"lab: {error}", file=sys.stderr)
        return 2
    parser.print_help(sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
