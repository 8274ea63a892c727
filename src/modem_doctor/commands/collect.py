"""`modem-doctor collect`: gather a bundle from this host or a router over SSH.

    modem-doctor collect --ssh root@192.168.1.1 -o router.tar.gz
    modem-doctor collect --local -o host.tar.gz --share
    modem-doctor collect --print-script > collector.sh      # run it by hand

Nothing is installed on the router: one read-only shell script runs in one SSH session.
Every capture that failed is one line on stderr and an entry in the bundle's manifest;
the bundle keeps whatever was collected. ``--share`` redacts every capture before
anything is written. Exit status: 0 collected, 2 nothing could be collected.
``diagnose --ssh/--local`` reuse ``add_source_arguments`` and ``bundle_from_args``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Optional

from ..errors import CollectError, InputError

HELP = "gather a bundle from this host or a router over SSH"


def add_source_arguments(parser: argparse.ArgumentParser, required: bool = False) -> None:
    """--ssh/--local and the SSH options (shared with ``diagnose``)."""
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument("--ssh", metavar="[USER@]HOST[:PORT]",
                       help="collect from a router over SSH (user defaults to root)")
    group.add_argument("--local", action="store_true", help="collect from this host")
    parser.add_argument("--shell", metavar="COMMAND",
                        help="with --local: the shell that runs the collector (default sh), e.g. "
                             "'busybox ash' to run it as OpenWrt does")
    ssh = parser.add_argument_group("SSH options")
    ssh.add_argument("-i", "--identity", action="append", default=[], metavar="KEYFILE",
                     help="private key to log in with (repeatable; the agent and ~/.ssh keys are tried too)")
    ssh.add_argument("--port", type=int, help="SSH port (or HOST:PORT)")
    ssh.add_argument("--known-hosts", metavar="FILE", help="known_hosts file (default ~/.ssh/known_hosts)")
    ssh.add_argument("--accept-new-host-key", action="store_true",
                     help="trust and remember the host key of a host never seen before "
                          "(a CHANGED key is always refused)")
    ssh.add_argument("--connect-timeout", type=float, default=10.0, metavar="SECONDS",
                     help="give up connecting after this long (default 10)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_source_arguments(parser)
    parser.add_argument("--replay", metavar="BUNDLE", help="read a saved bundle instead (e.g. to redact it with --share)")
    parser.add_argument("-o", "--output", metavar="FILE.tar.gz", help="where to write the bundle")
    parser.add_argument("--share", action="store_true",
                        help="redact IMEI, IMSI, ICCID, phone numbers, serials, MACs, public IPs and secrets "
                             "in every capture before writing")
    parser.add_argument("--print-script", action="store_true",
                        help="print the collector shell script and exit (to run it by hand)")


def warm_diagnosis() -> None:
    """Import the parsers, rules and knowledge a diagnosis needs. ``diagnose --ssh`` runs
    this while it waits for the router, which hides most of its first-use cost."""
    try:
        from .. import parse
        from ..collect.specs import CAPTURES
        from ..diagnosis import diagnose
        from ..load import build_host

        for capture in CAPTURES:
            if capture.kind:
                parse.parser_module(capture.kind)
        diagnose(build_host([]))
    except Exception:  # noqa: BLE001 - only a speed-up; the real run reports any error
        pass


def bundle_from_args(args: argparse.Namespace, label: str = "collecting",
                     warm: bool = False):
    """Collect as the arguments say: --ssh, --local or --replay. Prints one line per
    failed capture on stderr; raises ``CollectError`` when nothing could be collected.
    ``warm``: prepare the diagnosis while the router works (see ``warm_diagnosis``)."""
    from ..collect import Progress, collect

    replay = getattr(args, "replay", None)
    if args.ssh:
        progress = Progress(f"{label} from {args.ssh}")
        bundle = collect("ssh", args.ssh, progress=progress, port=args.port, identity=tuple(args.identity),
                         known_hosts=args.known_hosts, accept_new=args.accept_new_host_key,
                         connect_timeout=args.connect_timeout, meanwhile=warm_diagnosis if warm else None)
    elif args.local:
        import shlex

        shell = shlex.split(args.shell) if getattr(args, "shell", None) else None
        bundle = collect("local", progress=Progress(f"{label} from this host"), shell=shell)
    elif replay:
        bundle = collect("replay", replay)
    else:
        raise InputError("collect", "say where to collect from: --ssh HOST, --local or --replay BUNDLE")
    for line in bundle.problems:
        print(f"modem-doctor: {line}", file=sys.stderr)
    if not replay:
        for line in bundle.capture_problems():
            print(f"modem-doctor: note: {line}", file=sys.stderr)
    if not bundle.captures:
        raise CollectError("nothing was collected" + (f": {bundle.problems[0]}" if bundle.problems else ""))
    return bundle


def run(args: argparse.Namespace) -> int:
    if args.print_script:
        from ..collect.specs import script

        sys.stdout.write(script())
        return 0
    if args.replay and (args.ssh or args.local):
        raise InputError("collect", "give one source: --ssh HOST, --local or --replay BUNDLE")
    if not args.output:
        raise InputError("collect", "give -o FILE.tar.gz for the bundle")
    bundle = bundle_from_args(args)
    if args.share:
        bundle = bundle.redacted()
    try:
        bundle.write(args.output)
    except OSError as error:
        raise CollectError(f"cannot write {args.output}: {error.strerror or error}") from None
    ok = sum(1 for c in bundle.captures if c.status in ("ok", "truncated"))
    sent = bundle.meta.get("bytes_sent")
    received = bundle.meta.get("bytes_received")
    traffic = f"; {sent} bytes sent, {received} received" if sent is not None else ""
    redacted: Optional[str] = " (redacted)" if args.share else ""
    print(f"wrote {args.output}{redacted}: {len(bundle.captures)} captures, {ok} with output{traffic}",
          file=sys.stderr)
    return 0
