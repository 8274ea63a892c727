"""``modem-doctor explain FILE ...|- [--format text|json] [--example NAME] [--release R]``:
for each modem, every configuration with its interfaces' roles, bound and expected
drivers, OpenWrt packages and data path, and the recommended data path."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

from ..errors import InputError
from ..knowledge.explain import explain_host, install_plan, render_text, to_json
from ..load import load_example, load_paths
from .share import share_json, share_text

HELP = "for each modem: configurations, interface roles, drivers and packages"
SCHEMA = "modem-doctor/explain/1"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE", help="text to read; '-' for standard input")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.add_argument("--example", metavar="NAME", help="read a bundled example instead of FILE")
    parser.add_argument("--share", action="store_true",
                        help="remove IMEI, IMSI, ICCID, phone numbers, serials, MACs, public IPs, passwords and PINs")
    parser.add_argument("--release", metavar="VERSION", help="OpenWrt release to plan packages for (default: as shown in the input)")


def run(args: argparse.Namespace) -> int:
    if args.example and args.files:
        raise InputError(args.example, "give either FILE or --example, not both")
    if args.example:
        host = load_example(args.example)
        names: Sequence[str] = (f"example:{args.example}",)
    else:
        host = load_paths(args.files or ["-"])
        names = args.files or ["-"]
    if not host.usb_listings():
        raise InputError(", ".join(names), "no USB listing found (cat /sys/kernel/debug/usb/devices, usb-devices or lsusb -v)")
    explanations = explain_host(host, release=args.release)
    installed = host.installed_packages() if host.has_package_list else None
    if args.format == "json":
        modems = []
        for item in explanations:
            data = to_json(item)
            if installed is not None:
                data["install"] = install_plan(item, installed)
            modems.append(data)
        document = {"schema": SCHEMA, "release": host.release(), "modems": modems}
        text = share_json(document) if args.share else json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    else:
        text = render_text(explanations)
        if installed is not None:
            for item in explanations:
                plan = install_plan(item, installed)
                if plan["missing"]:
                    text += f"{item.vid}:{item.pid} needs: " + "; ".join(plan["commands"]) + "\n"
        if args.share:
            text = share_text(text)
    sys.stdout.write(text)
    return 0
