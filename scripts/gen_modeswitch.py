#!/usr/bin/env python3
"""Generate ``src/modem_doctor/data/modeswitch/usb-modeswitch-data.json`` from Debian's
``usb-modeswitch-data`` package: the config pack (one file per storage-mode device) and
the udev rules that decide which devices usb_modeswitch is run for.

    scripts/gen_modeswitch.py            # apt-get download the package, write the JSON
    scripts/gen_modeswitch.py --check    # regenerate in memory and diff against the committed file
    scripts/gen_modeswitch.py --deb FILE # use a .deb already on disk (no network)
    scripts/gen_modeswitch.py --system   # use the package installed on this machine

The output is deterministic: keys sorted, no timestamps, the package version recorded.
Exit status of --check: 0 identical, 1 different, 2 inputs unavailable.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from typing import Any, Dict, List, Optional, Tuple

from _generated import check, read_committed, write

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT = os.path.join(REPO, "src", "modem_doctor", "data", "modeswitch", "usb-modeswitch-data.json")
PACKAGE = "usb-modeswitch-data"
CONFIG_PACK = "usr/share/usb_modeswitch/configPack.tar.gz"
RULES = "lib/udev/rules.d/40-usb_modeswitch.rules"

# usb_modeswitch keys whose value is a number (hex or decimal) in the config files.
NUMERIC_KEYS = {
    "TargetVendor", "TargetProduct", "TargetClass", "Configuration", "Interface", "AltSetting",
    "MessageEndpoint", "ResponseEndpoint", "WaitBefore", "ReleaseDelay", "CheckSuccess",
    "InquireDevice", "PantechMode",
}
BOOL_KEYS = {
    "StandardEject", "NeedResponse", "DetachStorageOnly", "ResetUSB", "NoDriverLoading",
    "NoMBIMCheck",
}
ID_RE = re.compile(r"^([0-9a-f]{4}):([0-9a-f]{4})(?::(uMa|uPr|uSe|sVe|sMo)=(.+))?$")
RULE_RE = re.compile(r'ATTRS?\{idVendor\}=="([0-9a-f]{4})",\s*ATTRS?\{idProduct\}=="([0-9a-f]{4})"')


def _number(text: str) -> int:
    text = text.strip().strip('"')
    return int(text, 16) if text.lower().startswith("0x") else int(text, 10)


def parse_config(text: str) -> Dict[str, Any]:
    """One config-pack file: its comment lines (device names) and its key=value settings."""
    names: List[str] = []
    keys: Dict[str, Any] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            name = line.lstrip("#").strip()
            if name:
                names.append(name)
            continue
        if "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip()
        value = value.split("#", 1)[0].strip() if not value.strip().startswith('"') else value.strip()
        if value.startswith('"'):
            value = value[1:].split('"', 1)[0]
        if key in NUMERIC_KEYS:
            keys[key] = _number(value)
        elif key in BOOL_KEYS:
            keys[key] = value.strip() not in ("0", "")
        elif key == "TargetProductList":
            keys[key] = [int(item, 16) for item in value.split(",") if item.strip()]
        elif key.endswith("Mode"):
            keys[key] = _number(value)
        else:
            keys[key] = value
    return {"names": names, "keys": keys}


def _entry(match: str, parsed: Dict[str, Any]) -> Dict[str, Any]:
    keys = parsed["keys"]
    targets: List[str] = []
    vendor = keys.get("TargetVendor")
    products: List[int] = []
    if "TargetProduct" in keys:
        products.append(keys["TargetProduct"])
    products.extend(keys.get("TargetProductList", []))
    if vendor is not None:
        targets = [f"{vendor:04x}:{product:04x}" for product in products]
    messages = [keys[name].lower() for name in ("MessageContent", "MessageContent2", "MessageContent3") if name in keys]
    methods = sorted(key for key, value in keys.items() if key.endswith("Mode") and value)
    if keys.get("StandardEject"):
        methods.append("StandardEject")
    if "Configuration" in keys:
        methods.append("Configuration")
    if messages and not any(m.endswith("Mode") for m in methods):
        methods.append("MessageContent")
    return {
        "match": match,
        "names": parsed["names"],
        "target_vendor": f"{vendor:04x}" if vendor is not None else None,
        "target_products": [f"{product:04x}" for product in products],
        "targets": targets,
        "target_class": keys.get("TargetClass"),
        "messages": messages,
        "methods": methods,
        "configuration": keys.get("Configuration"),
        "keys": {key: keys[key] for key in sorted(keys)},
    }


def build(config_pack: bytes, rules_text: str, version: str, deb_sha256: str) -> Dict[str, Any]:
    devices: Dict[str, List[Dict[str, Any]]] = {}
    with tarfile.open(fileobj=io.BytesIO(config_pack), mode="r:gz") as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            if not member.isfile():
                continue
            name = os.path.basename(member.name)
            match = ID_RE.match(name)
            if not match:
                continue
            handle = tar.extractfile(member)
            if handle is None:
                continue
            text = handle.read().decode("utf-8", errors="replace")
            key = f"{match.group(1)}:{match.group(2)}"
            selector = f"{match.group(3)}={match.group(4)}" if match.group(3) else "*"
            devices.setdefault(key, []).append(_entry(selector, parse_config(text)))
    udev_ids = sorted({f"{v}:{p}" for v, p in RULE_RE.findall(rules_text)})
    generic = []
    for line in rules_text.splitlines():
        if "usb_modeswitch" in line and "RUN+=" in line and "idProduct" not in line:
            if 'bInterfaceClass}=="08"' in line and 'idVendor}=="12d1"' in line:
                generic.append({
                    "vendor": "12d1",
                    "interface": 0,
                    "interface_class": "08",
                    "exclude_manufacturer": "Android",
                    "meaning": "any Huawei device whose interface 0 is mass storage is handed to usb_modeswitch",
                })
    for entries in devices.values():
        entries.sort(key=lambda entry: (entry["match"] != "*", entry["match"]))
    return {
        "source": {
            "package": PACKAGE,
            "version": version,
            "deb_sha256": deb_sha256,
            "files": [CONFIG_PACK, RULES],
            "upstream": "https://www.draisberghof.de/usb_modeswitch/",
            "licence": "GPL-2.0-or-later (facts extracted; no file copied)",
            "generator": "scripts/gen_modeswitch.py",
        },
        "devices": {key: devices[key] for key in sorted(devices)},
        "udev": {"ids": udev_ids, "generic_rules": generic},
    }


def _read_deb(path: str) -> Tuple[bytes, str, str, str]:
    with open(path, "rb") as handle:
        sha = hashlib.sha256(handle.read()).hexdigest()
    version = subprocess.run(
        ["dpkg-deb", "-f", path, "Version"], check=True, capture_output=True, text=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["dpkg-deb", "-x", path, tmp], check=True)
        with open(os.path.join(tmp, CONFIG_PACK), "rb") as handle:
            pack = handle.read()
        with open(os.path.join(tmp, RULES), encoding="utf-8") as handle:
            rules = handle.read()
    return pack, rules, version, sha


def _read_system() -> Tuple[bytes, str, str, str]:
    version = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Version}", PACKAGE], check=True, capture_output=True, text=True
    ).stdout.strip()
    with open("/" + CONFIG_PACK, "rb") as handle:
        pack = handle.read()
    with open("/" + RULES, encoding="utf-8") as handle:
        rules = handle.read()
    return pack, rules, version, ""


def _download_and_read() -> Tuple[bytes, str, str, str]:
    """``apt-get download`` into a temporary directory, read it, leave nothing behind."""
    with tempfile.TemporaryDirectory(prefix="modeswitch-") as tmp:
        subprocess.run(["apt-get", "download", PACKAGE], check=True, cwd=tmp, capture_output=True)
        for name in sorted(os.listdir(tmp)):
            if name.endswith(".deb"):
                return _read_deb(os.path.join(tmp, name))
    raise FileNotFoundError("apt-get download produced no .deb")


def render(data: Dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="diff against the committed file instead of writing")
    parser.add_argument("--deb", help="a usb-modeswitch-data .deb already downloaded")
    parser.add_argument("--system", action="store_true", help="read the package installed on this machine")
    parser.add_argument("--output", default=OUTPUT)
    args = parser.parse_args(argv)
    try:
        if args.deb:
            inputs = _read_deb(args.deb)
        elif args.system:
            inputs = _read_system()
        else:
            inputs = _download_and_read()
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"gen_modeswitch: inputs unavailable: {error}", file=sys.stderr)
        return 2
    pack, rules, version, sha = inputs
    data = build(pack, rules, version, sha)
    text = render(data)
    if args.check:
        committed = read_committed(args.output)
        if not sha:
            # --system has no .deb to hash; compare everything else.
            committed_data = json.loads(committed) if committed else {}
            committed_data.get("source", {})["deb_sha256"] = ""
            committed = render(committed_data) if committed_data else ""
        return check("gen_modeswitch", args.output, committed, text, f"{PACKAGE} {version}")
    write(args.output, text)
    print(f"gen_modeswitch: wrote {args.output}: {len(data['devices'])} devices from {PACKAGE} {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
