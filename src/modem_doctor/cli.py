"""The command line: wiring only. Each sub-command lives in ``commands/<name>.py`` and
defines ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``; adding one is one
module plus one line in ``COMMANDS``. Modules load only when their command runs."""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import List, Optional

from . import __version__
from .errors import ModemDoctorError

COMMANDS = {
    "parse": "parse",  # show what was read from pasted or saved output
    "explain": "explain",  # what the kernel and OpenWrt will do with each modem
    "diagnose": "diagnose",  # findings with evidence and a fix plan
    "examples": "examples",  # list bundled examples
    "collect": "collect",  # gather a bundle from this host or a router over SSH
    "modem": "modem",  # talk to the modem (AT, QMI, MBIM)
}

# One-line help for every command, kept here so `--help` need not import them all.
SUMMARIES = {
    "parse": "show what was recognised in pasted or saved output",
    "explain": "for each modem: configurations, interface roles, drivers and packages",
    "diagnose": "find what is wrong, with evidence, and plan the fix",
    "examples": "list the bundled examples",
    "collect": "gather a bundle from this host or a router over SSH",
    "modem": "talk to the modem (AT, QMI, MBIM) and find why a connection fails",
}


def build_parser(only: Optional[str] = None) -> argparse.ArgumentParser:
    """The argument parser; sub-command arguments are added for ``only`` (or all)."""
    parser = argparse.ArgumentParser(
        prog="modem-doctor",
        description="Gets cellular modems working on OpenWrt and Linux, and explains why they don't.",
    )
    parser.add_argument("--version", action="version", version=f"modem-doctor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        command_parser = sub.add_parser(name, help=SUMMARIES[name], description=SUMMARIES[name])
        if only is None or only == name:
            module = _command_module(module_name)
            if module is not None:
                module.add_arguments(command_parser)
    return parser


def _command_module(module_name: str):
    try:
        return importlib.import_module(f"{__package__}.commands.{module_name}")
    except ModuleNotFoundError as error:
        if error.name and error.name.endswith(f"commands.{module_name}"):
            return None  # command not built yet
        raise


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point; returns the exit status (0 fine, 1 problems found, 2 usage or input error)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    chosen = next((arg for arg in args_list if arg in COMMANDS), None)
    parser = build_parser(only=chosen)
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if not args.command:
        parser.print_help(sys.stderr)
        return 2
    module = _command_module(COMMANDS[args.command])
    if module is None:
        print(f"modem-doctor: '{args.command}' is not available in this version", file=sys.stderr)
        return 2
    try:
        return int(module.run(args))
    except ModemDoctorError as error:
        print(f"modem-doctor: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("modem-doctor: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
