#!/usr/bin/env python3
"""Fill the ``observed`` section of each ``src/modem_doctor/data/modems/<vendor>.json`` from
the real USB listings in ``../shared/corpus/usb-listings`` (posted with linux-usb patches).

For every VID:PID in the corpus it records what the listing itself shows: the patch
subject and product string, the lore.kernel.org URL, the class triples of the active
configuration, the drivers the author's kernel bound, and the data path those imply.
Hand-written ``models`` are never touched; only ``observed`` is rewritten, so the script is
deterministic and ``--check`` tells whether the committed files match the corpus.

    scripts/seed_catalog_observed.py            # rewrite the observed sections
    scripts/seed_catalog_observed.py --check    # exit 1 when a file would change
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
from typing import Any, Dict, List, Optional

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "src"))

from modem_doctor.parse import usb_debugfs, usb_devices  # noqa: E402

CORPUS = os.path.join(os.path.dirname(REPO), "shared", "corpus", "usb-listings")
MODEMS = os.path.join(REPO, "src", "modem_doctor", "data", "modems")

# Which vendor file an ID goes to, by USB vendor ID.
VID_FILES = {
    "0489": ("foxconn", "Foxconn"), "05c6": ("qualcomm", "Qualcomm (reference VID)"),
    "0e8d": ("mediatek", "MediaTek"), "1199": ("sierra", "Sierra Wireless"),
    "12d1": ("huawei", "Huawei"), "1435": ("wistron", "Wistron NeWeb"), "1546": ("ublox", "u-blox"),
    "1690": ("askey", "Askey"), "1782": ("unisoc", "UNISOC/Spreadtrum"), "19d2": ("zte", "ZTE"),
    "1bbb": ("tcl", "TCL/Alcatel"), "1bc7": ("telit", "Telit Cinterion"), "1c9e": ("longcheer", "LongCheer"),
    "1e0e": ("simcom", "SIMCom"), "1e2d": ("telit", "Telit Cinterion"), "2020": ("broadmobi", "BroadMobi"),
    "22b8": ("motorola", "Motorola"), "22de": ("wetelecom", "WeTelecom/Hucom"), "2949": ("neoway", "Neoway (Marvell VID)"),
    "2c7c": ("quectel", "Quectel"), "2cb7": ("fibocom", "Fibocom"), "2dee": ("meig", "MeiG Smart"),
    "2df3": ("longsung", "LongSung"), "305a": ("gosuncn", "GosunCn"), "33f8": ("rolling", "Rolling Wireless"),
    "3731": ("netprisma", "NetPrisma"), "413c": ("dell", "Dell"),
}
NAME_RE = re.compile(r"\b([A-Z]{1,5}[0-9]{2,5}[A-Z0-9]*(?:-[A-Z0-9]+)?)\b")
FIVE_G = re.compile(r"^(RM5|RG[5-6]|FM1[5-6]|FG1[5-6]|FM350|FN9[0-9]|FE9|FN92|T99W|SIM82|MV3|EM919|GM800|FG650|FM650|RW350|SRM8|LCUK|RW135|RM520|RG255|RG650|SDX)")


def _model_from(title: str, product: str) -> str:
    subject = title.split(" ; ")[0]
    subject = re.sub(r"^\S*(USB|usb|net|NET)\S*:\s*(serial:\s*)?(option|qcserial|qmi_wwan|usb|usbserial)?:?\s*", "", subject)
    for text in (subject, product):
        names = [name for name in NAME_RE.findall(text) if not re.match(r"^(USB|PID|VID|ID|LTE|QDL|MBIM|ECM|RNDIS|NCM)\b", name)]
        if names:
            return names[0]
    return product or subject[:40]


def _data_path(triples: List[str], drivers: List[Optional[str]]) -> str:
    bound = set(driver for driver in drivers if driver)
    if "qmi_wwan" in bound or any(t.endswith("/ff/50") for t in triples):
        return "qmi"
    if "cdc_mbim" in bound or any(t.startswith("02/0e") for t in triples):
        return "mbim"
    if "cdc_ncm" in bound or "huawei_cdc_ncm" in bound or any(t.startswith("02/0d") for t in triples):
        return "ncm"
    if "rndis_host" in bound or any(t in ("e0/01/03", "ef/04/01", "02/02/ff") for t in triples):
        return "rndis"
    if "cdc_ether" in bound or any(t.startswith("02/06") for t in triples):
        return "ecm"
    if any(t.startswith("08/") for t in triples):
        return "storage"
    if bound & {"option", "qcserial", "cdc_acm", "sierra"}:
        return "ppp"
    return "unknown"


def _listing(path: str) -> Any:
    with open(path, encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    header = {}
    for line in text.splitlines():
        if not line.startswith("# "):
            break
        key, _, value = line[2:].partition(":")
        header[key.strip()] = value.strip()
    body = text.split("\n\n", 1)[1] if "\n\n" in text else text
    parser = usb_debugfs if header.get("format") == "debugfs" else usb_devices
    return header, parser.parse(body).value


def observed() -> Dict[str, Dict[str, Any]]:
    by_file: Dict[str, Dict[str, Any]] = {}
    with open(os.path.join(CORPUS, "INDEX.tsv"), encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    for row in sorted(rows, key=lambda r: r["file"]):
        vid, pid = row["vid"].lower(), row["pid"].lower()
        key = f"{vid}:{pid}"
        header, listing = _listing(os.path.join(CORPUS, row["file"]))
        device = next((d for d in listing.devices if d.vid_pid == key), None)
        product = device.product if device else ""
        entry: Dict[str, Any] = {}
        config = device.active_config if device else None
        interfaces = []
        if config is not None:
            for interface in config.interfaces:
                interfaces.append({"number": interface.number, "alt": interface.alt, "class": interface.triple,
                                   "driver": interface.driver})
        triples = [item["class"] for item in interfaces]
        drivers = [item["driver"] for item in interfaces]
        record = {
            "model": _model_from(row["model"], product),
            "title": row["model"].split(" ; ")[0],
            "product": product,
            "config": config.number if config else None,
            "data_path": _data_path(triples, drivers),
            "interfaces": interfaces,
            "radio": "5g" if FIVE_G.match(_model_from(row["model"], product)) else None,
            "source": row["source"],
            "corpus_file": row["file"],
        }
        file_name, vendor = VID_FILES.get(vid, ("other", row["vendor"]))
        bucket = by_file.setdefault(file_name, {"vendor": vendor, "entries": {}})
        # Several listings can share an ID (different firmware or compositions): keep all.
        entry = bucket["entries"].setdefault(key, [])
        if not any(existing["corpus_file"] == record["corpus_file"] for existing in entry):
            entry.append(record)
    return by_file


def render(data: Dict[str, Any]) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    if not os.path.isdir(CORPUS):
        print(f"seed_catalog_observed: no corpus at {CORPUS}", file=sys.stderr)
        return 2
    changed = []
    for file_name, bucket in sorted(observed().items()):
        path = os.path.join(MODEMS, file_name + ".json")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                current_text = handle.read()
            data = json.loads(current_text)
        else:
            current_text = ""
            data = {"vendor": bucket["vendor"], "vids": sorted({k.split(":")[0] for k in bucket["entries"]}),
                    "models": [], "sources": {}}
        data["observed"] = {key: bucket["entries"][key] for key in sorted(bucket["entries"])}
        data.setdefault("sources", {})["corpus"] = (
            "shared/corpus/usb-listings: real listings posted with linux-usb patches (per-ID lore.kernel.org "
            "URLs in the observed section; written by scripts/seed_catalog_observed.py)")
        text = render(data)
        if text != current_text:
            changed.append(path)
            if not args.check:
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(text)
    if args.check:
        for path in changed:
            print(f"seed_catalog_observed: {path} differs from the corpus")
        return 1 if changed else 0
    print(f"seed_catalog_observed: {len(changed)} files written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
