"""``python -m modem_doctor.sim {at,qmi,mbim} --profile P --scenario S [--link PATH]``.

Serves one simulator on a raw pty until SIGTERM/SIGINT, printing the pty path (and the
link) on the first line of stdout so scripts can read it. ``modem --at PATH --qmi PATH``
serves several ports of one modem sharing its state, one line per port
(``kind pty link``). ``list`` shows the profiles and scenarios. See docs/simulators.md.
"""

from __future__ import annotations

import argparse
import os
import select
import signal
import sys
from typing import Any, Dict, List, Optional

from ..errors import KnowledgeError
from .profiles import load_profile, load_scenario, parse_value, profile_names, scenario_names
from .pty import KINDS, PtySimulator, make_engine, start_modem


def _overrides(pairs: List[str]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise SystemExit(f"--set wants KEY=VALUE, got {pair!r}")
        out[key.strip()] = parse_value(value)
    return out


def _trace(direction: str, data: bytes) -> None:
    arrow = "<<" if direction == "in" else ">>"
    sys.stderr.write(f"{arrow} {data!r}\n")
    sys.stderr.flush()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m modem_doctor.sim",
                                     description="Serve a simulated modem (AT, QMI or MBIM) on a pty.")
    sub = parser.add_subparsers(dest="kind", metavar="KIND")
    for kind in KINDS:
        p = sub.add_parser(kind, help=f"serve the {kind.upper()} simulator")
        p.add_argument("--profile", default="mu609", help="modem profile (default mu609)")
        p.add_argument("--scenario", default="ready", help="scenario, 'a+b' merges b over a (default ready)")
        p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                       help="override one scenario value, e.g. registration.reject_cause=15 (repeatable)")
        p.add_argument("--link", help="create this symlink to the pty slave (removed on exit)")
        p.add_argument("--trace", action="store_true", help="log every byte in and out on stderr")
    m = sub.add_parser("modem", help="serve several ports of one modem (shared state)")
    m.add_argument("--profile", default="mu609", help="modem profile (default mu609)")
    m.add_argument("--scenario", default="ready", help="scenario, 'a+b' merges b over a (default ready)")
    m.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override one scenario value (repeatable)")
    for kind in KINDS:
        m.add_argument(f"--{kind}", metavar="PATH", help=f"serve the {kind.upper()} port, linked at PATH")
    m.add_argument("--trace", action="store_true", help="log every byte in and out on stderr")
    sub.add_parser("list", help="list profiles and scenarios")
    args = parser.parse_args(argv)

    if args.kind == "list":
        for name in profile_names():
            print(f"profile  {name:28} {load_profile(name).data.get('description', '')}")
        for name in scenario_names():
            print(f"scenario {name:28} {load_scenario(name).description}")
        return 0
    if args.kind == "modem":
        return _serve_modem(args)
    if args.kind not in KINDS:
        parser.print_help()
        return 2
    try:
        engine = make_engine(args.kind, args.profile, args.scenario, overrides=_overrides(args.overrides))
    except KnowledgeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    sim = PtySimulator(args.kind, engine, link=args.link, trace=_trace if args.trace else None)

    def stop(signum: int, frame: object) -> None:
        sim.request_stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(sim.path + (f" {args.link}" if args.link else ""), flush=True)
    try:
        sim.serve_forever()
    finally:
        sim.stop()
    return 0


def _serve_modem(args: argparse.Namespace) -> int:
    links = {kind: getattr(args, kind) for kind in KINDS if getattr(args, kind)}
    if not links:
        print("error: give at least one of --at, --qmi, --mbim", file=sys.stderr)
        return 2
    try:
        sims = start_modem(args.profile, args.scenario, links, overrides=_overrides(args.overrides),
                           trace=_trace if args.trace else None)
    except KnowledgeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    stop_r, stop_w = os.pipe()

    def stop(signum: int, frame: object) -> None:
        os.write(stop_w, b"x")

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for simulator in sims:
        print(f"{simulator.kind} {simulator.path} {simulator.link}", flush=True)
    try:
        while not select.select([stop_r], [], [], 1.0)[0]:
            if any(s.thread is not None and not s.thread.is_alive() for s in sims):
                break  # a port died: stop the others rather than serve half a modem
    finally:
        for simulator in sims:
            simulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
