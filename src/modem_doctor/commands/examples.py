"""`modem-doctor examples`: the bundled examples, with the first line that says what each is."""

from __future__ import annotations

import argparse
import os

from ..load import EXAMPLES_DIR, example_names

HELP = "list the bundled examples"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults(handler=run)


def _describe(name: str) -> str:
    """The example's row in examples/README.md, if it has one."""
    try:
        with open(os.path.join(EXAMPLES_DIR, "README.md"), encoding="utf-8") as handle:
            for line in handle:
                cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
                if len(cells) >= 2 and cells[0].strip("`") == name:
                    return cells[1]
    except OSError:
        pass
    return ""


def run(args: argparse.Namespace) -> int:
    for name in example_names():
        description = _describe(name)
        print(f"{name:<16} {description}".rstrip())
    print("\nrun one with: modem-doctor diagnose --example NAME")
    return 0
