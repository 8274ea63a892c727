"""`modem-doctor diagnose`: findings with evidence and a fix plan.

Exit status: 0 nothing wrong found, 1 problems found, 2 bad usage or unreadable input.
"""

from __future__ import annotations

import argparse
import sys

from ..diagnosis import diagnose
from ..errors import InputError
from ..load import load_example, load_paths
from ..render import RENDERERS, render
from ..render.jsonout import render_line

HELP = "find what is wrong, with evidence, and plan the fix"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE", help="pasted text, saved outputs, or - for stdin")
    parser.add_argument("--example", metavar="NAME", help="diagnose a bundled example (see 'modem-doctor examples')")
    parser.add_argument("--format", choices=sorted(RENDERERS), default="text", help="output format (default text)")
    parser.add_argument("--share", action="store_true",
                        help="remove IMEI, IMSI, ICCID, phone numbers, serials, MACs, public IPs, passwords and PINs")
    # --ssh HOST / --local: collect live first (collect/, issue 6); a saved bundle is a FILE.
    from .collect import add_source_arguments

    add_source_arguments(parser)
    # --probe-modem: also talk to the modem, read-only (commands/modem.py, issue 7).
    parser.add_argument("--probe-modem", action="store_true",
                        help="with --ssh/--local: also run the read-only modem probes (see 'modem-doctor modem')")
    from .modem import add_probe_arguments

    add_probe_arguments(parser, port_alias=False)


def run(args: argparse.Namespace) -> int:
    if args.example and args.files:
        raise InputError("--example", "give either --example or files, not both")
    live = getattr(args, "ssh", None) or getattr(args, "local", False)
    if getattr(args, "probe_modem", False) and not live:
        raise InputError("--probe-modem", "probing needs a live host: give --ssh HOST or --local")
    if live and (args.example or args.files):
        raise InputError("diagnose", "give either --ssh/--local or files/--example, not both")
    if live:
        from ..load import load_bundle
        from .collect import bundle_from_args

        bundle = bundle_from_args(args, warm=True)
        if getattr(args, "probe_modem", False):
            from .modem import host_with_probe

            hosts = [host_with_probe(args, bundle)]
        else:
            hosts = [load_bundle(bundle)]
    elif args.example:
        hosts = [load_example(args.example)]
    elif not args.files:
        raise InputError("diagnose", "no input: give FILE(s), - for standard input, or --example NAME")
    elif args.format == "json" and len(args.files) > 1:
        # Several files with JSON: one document per file, one per line.
        hosts = [load_paths([path]) for path in args.files]
    else:
        hosts = [load_paths(args.files)]
    worst = 0
    for host in hosts:
        if host.is_empty:
            raise InputError(", ".join(host.sources) or "-", "nothing recognisable: no command output, USB listing or log found")
        result = diagnose(host)
        doc = result.to_json()
        if len(hosts) > 1:
            text = render_line(doc)
            if args.share:
                from ..redact import redact_text

                text = redact_text(text)
        else:
            text = render(doc, args.format, share=args.share)
        sys.stdout.write(text)
        worst = max(worst, 1 if result.has_problems else 0)
    return worst
