#!/usr/bin/env python3
"""Generate ``src/modem_doctor/data/openwrt/wwan.json`` from OpenWrt's ``wwan`` package
device records (``package/network/utils/wwan/files/data/VVVV-PPPP``), as harvested into
the shared material at ``../shared/data/openwrt-wwan/`` (beside the repository).

    scripts/gen_openwrt_wwan.py                 # write the JSON
    scripts/gen_openwrt_wwan.py --check         # diff against the committed file
    scripts/gen_openwrt_wwan.py --source DIR    # records somewhere else

Five records end their object with a trailing comma (OpenWrt's jshn accepts it, Python's
json does not), so a trailing comma before the closing brace is dropped before parsing.
The records are facts (ID, name, tty indexes, data type), kept with their provenance.
Exit status of --check: 0 identical, 1 different, 2 inputs unavailable.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from typing import Any, Dict, List, Optional

from _generated import check, read_committed, write

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SOURCE = os.path.join(os.path.dirname(REPO), "shared", "data", "openwrt-wwan")
OUTPUT = os.path.join(REPO, "src", "modem_doctor", "data", "openwrt", "wwan.json")
NAME_RE = re.compile(r"^([0-9a-f]{4})-([0-9a-f]{4})$")
TRAILING_COMMA_RE = re.compile(r",\s*}\s*$")

# Provenance as stated in the harvest's README.md (checked by the generator).
PROVENANCE = {
    "repository": "openwrt/openwrt",
    "path": "package/network/utils/wwan/files/data/",
    "commit": "3d1645ee26d6a2e20be71d7fa1716721bac78e53",
    "branch": "main",
    "tree": "aea051c3768e88b1d82ba2f24a5720d0581238bd",
    "licence": "GPL-2.0 (package Makefile); records kept as facts",
    "installed_on_router_as": "/lib/network/wwan/VVVV:PPPP",
    "only_in_main": ["1eac:1001", "1eac:1002", "2c7c:0620", "2c7c:0801"],
    "branches": {"23.05": 352, "24.10": 352, "25.12": 352, "main": 356},
    "generator": "scripts/gen_openwrt_wwan.py",
}


def parse_record(text: str) -> Dict[str, Any]:
    """One record; lenient about a trailing comma, strict about everything else."""
    cleaned = TRAILING_COMMA_RE.sub("}", text.strip())
    value = json.loads(cleaned)
    if not isinstance(value, dict):
        raise ValueError("record is not an object")
    return value


def build(source: str) -> Dict[str, Any]:
    devices: Dict[str, Dict[str, Any]] = {}
    digest = hashlib.sha256()
    lenient: List[str] = []
    for name in sorted(os.listdir(source)):
        match = NAME_RE.match(name)
        if not match:
            continue
        with open(os.path.join(source, name), encoding="utf-8") as handle:
            text = handle.read()
        digest.update(name.encode() + b"\0" + text.encode() + b"\0")
        key = f"{match.group(1)}:{match.group(2)}"
        if TRAILING_COMMA_RE.search(text.strip()) and not text.strip().endswith(",}"):
            try:
                json.loads(text)
            except ValueError:
                lenient.append(key)
        record = parse_record(text)
        entry: Dict[str, Any] = {"desc": record.get("desc", "")}
        for field in ("control", "data"):
            if field in record:
                entry[field] = int(record[field])
        data_type = record.get("type") or record.get("mode")
        if data_type:
            entry["type"] = str(data_type)
        for flag in ("acm", "generic"):
            if record.get(flag):
                entry[flag] = True
        entry["handler"] = _handler(entry)
        devices[key] = entry
    provenance = dict(PROVENANCE)
    provenance["records"] = len(devices)
    provenance["lenient_records"] = sorted(lenient)
    provenance["input_sha256"] = digest.hexdigest()
    return {"source": provenance, "devices": devices}


def _handler(entry: Dict[str, Any]) -> str:
    """What wwan.sh does with such a device: control+data means comgt (proto 3g over
    ttys); otherwise it looks for a wwan*/usb* netdev and dispatches on its driver."""
    if "control" in entry and "data" in entry:
        return "3g"
    return "netdev"


def render(data: Dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--source", default=DEFAULT_SOURCE)
    parser.add_argument("--output", default=OUTPUT)
    args = parser.parse_args(argv)
    if not os.path.isdir(args.source):
        print(f"gen_openwrt_wwan: no records at {args.source}", file=sys.stderr)
        return 2
    text = render(build(args.source))
    if args.check:
        return check("gen_openwrt_wwan", args.output, read_committed(args.output), text)
    write(args.output, text)
    print(f"gen_openwrt_wwan: wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
