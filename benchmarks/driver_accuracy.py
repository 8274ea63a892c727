#!/usr/bin/env python3
"""Predicted vs listed kernel drivers over the real USB listing corpus.

For every listing, the active configuration's interfaces whose ``Driver=`` shows a driver
(BOUND) or ``(none)`` (UNBOUND) are compared with ``knowledge.binding.predict``. Every
disagreement is printed with its class:

- ``untrustworthy``: the listing shows a driver that is not a kernel driver of the 6.1 tree
  (an out-of-tree driver such as ``qmi_wwan_simcom``), or its header says its ``Driver=``
  fields are not to be trusted; the whole listing is set aside. ``usbfs`` is not such a
  driver: it is a user-space program (adb, ModemManager's QDL tools) holding an interface
  no kernel driver took, so it is compared as "no driver".
- ``newer``: the listing was posted with a patch (its subject names the driver) after
  Linux 6.1 was released (2022-12-11) and the driver's 6.1.192 table either lacks the
  device or still has the entry the patch changes: the listing shows a later kernel.
- ``unmerged``: posted before 6.1 but the device is absent from the driver's 6.1 table
  (the patch never went in, or went into a different driver).
- ``miss``: none of the above: the emulation is wrong (or the kernel did something the
  listing cannot show); these are the ones to fix.

    python benchmarks/driver_accuracy.py [--corpus DIR] [--quiet]

Aim (issue 3): at least 98 % of the trustworthy interfaces right (``miss`` counts
against it; ``newer``/``unmerged``/``untrustworthy`` interfaces are left out).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from modem_doctor.knowledge import binding  # noqa: E402
from modem_doctor.model.common import number_lines  # noqa: E402
from modem_doctor.model.usb import DriverState, UsbDevice, UsbInterface  # noqa: E402
from modem_doctor.parse import parser_module  # noqa: E402

CORPORA = (ROOT / "tests" / "fixtures" / "corpus" / "usb-listings",
           Path("/work/shared/corpus/usb-listings"))
KIND_OF_FORMAT = {"debugfs": "usb_debugfs", "usb-devices": "usb_devices"}
LINUX_6_1_RELEASE = "20221211"
AIM = 0.98
# Disagreement classes where the listing does not show what 6.1.192 would do.
SET_ASIDE = ("untrustworthy", "newer", "unmerged", "before-patch", "not-offered")

# In-tree drivers a modem listing can legitimately show; anything else is out of tree
# (or user space) and makes the listing's Driver= fields untrustworthy as binding truth.
IN_TREE = set(binding._DRIVER_NAMES) | {name for name, _cls, _rule in binding.CLASS_DRIVERS}
# How a patch subject names a driver ("USB: serial: option: ...", "net: usb: qmi_wwan: ...").
SUBJECT_NAMES = {
    "option": ("option",), "qcserial": ("qcserial",), "sierra": ("sierra:",),
    "qmi_wwan": ("qmi_wwan",), "cdc_ether": ("cdc_ether",), "cdc_ncm": ("cdc_ncm",),
    "cdc_mbim": ("cdc_mbim", "mbim"), "rndis_host": ("rndis",), "cdc_acm": ("cdc-acm", "cdc_acm"),
    "huawei_cdc_ncm": ("huawei_cdc_ncm",), "sierra_net": ("sierra_net",),
}


def headers(text: str) -> Dict[str, str]:
    found: Dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("# "):
            break
        key, _, value = line[2:].partition(":")
        found[key.strip()] = value.strip()
    return found


USERSPACE = "usbfs"
UNTRUSTED_WORDS = ("untrust", "out-of-tree", "out of tree", "not binding truth", "wrong driver")


def untrusted_header(head: Dict[str, str]) -> str:
    """The header line that flags the listing's Driver= fields, if one does."""
    for key, value in head.items():
        if key in ("source", "source-url", "source-locator", "model"):
            continue
        if any(word in value.lower() for word in UNTRUSTED_WORDS):
            return "%s: %s" % (key, value)
    return ""


def listing_date(name: str) -> str:
    match = re.search(r"-(\d{8})-", name)
    return match.group(1) if match else ""


def devices_of(path: Path) -> Tuple[Dict[str, str], List[UsbDevice]]:
    text = path.read_text(encoding="utf-8")
    head = headers(text)
    kind = KIND_OF_FORMAT.get(head.get("format", ""))
    if kind is None:
        raise SystemExit(f"{path.name}: unknown format {head.get('format')!r}")
    lines = [line for line in number_lines(text) if not line.text.startswith("# ")]
    listing = parser_module(kind).parse_lines(lines).value
    return head, [d for d in listing.devices if not d.is_hub]


def table_has_device(driver: str, vid: int, pid: int) -> bool:
    """Does ``driver``'s 6.1 table name this exact VID:PID (any entry)?"""
    if driver not in binding.tables().drivers:
        return False
    for raw in binding.tables().drivers[driver]["entries"]:
        flags = raw.get("match_flags", 0)
        if flags & binding.MATCH_VENDOR and flags & binding.MATCH_PRODUCT \
                and raw.get("idVendor") == vid and raw.get("idProduct") == pid:
            return True
    return False


def classify(name: str, head: Dict[str, str], device: UsbDevice, intf: UsbInterface,
             listed: Optional[str], predicted: Optional[str], bound_in_listing: Set[str]) -> Tuple[str, str]:
    """Why the listing and the prediction differ, when the listing does not show 6.1.192."""
    date = listing_date(name)
    subject = head.get("model", "").lower()
    after = date > LINUX_6_1_RELEASE
    when = "posted %s, %s Linux 6.1" % (date, "after" if after else "before")
    if listed and listed in binding.tables().drivers:
        if binding.usb_match_id(listed, device, intf, []) is None:
            return ("newer" if after else "unmerged"), (
                "%s; no entry of %s's 6.1.192 table matches this interface, so the author's kernel "
                "had an entry 6.1.192 lacks (a later patch, one never merged, or new_id)" % (when, listed))
    if listed is None and predicted and predicted not in bound_in_listing:
        # replay without that driver: the listing must then agree on this interface
        without = tuple(d for d in binding.driver_order() if d != predicted)
        active = device.active_config
        replay = binding.predict(device, order=without).config(active.number) if active else None
        again = replay.interface(intf.number, intf.alt) if replay else None
        if again is not None and again.driver is not None:
            return "miss", "even without %s the emulation binds %s" % (predicted, again.driver)
        if names(subject, predicted):
            return "before-patch", ("%s bound nothing in the listing and the patch posted with it adds "
                                    "%s to %s: the listing shows the kernel before the patch; "
                                    "without it the emulation agrees" % (predicted, device.vid_pid, predicted))
        return "not-offered", ("%s bound nothing on this device in the listing (the author's kernel "
                               "lacked its entry or the module was not loaded); without it the "
                               "emulation agrees" % predicted)
    if after and any(names(subject, d) for d in (listed, predicted) if d):
        return "newer", "%s; the patch posted with it changes the %s entry for this device" % (
            when, " / ".join(d for d in (listed, predicted) if d and names(subject, d)))
    return "miss", ""


def names(subject: str, driver: str) -> bool:
    return any(k in subject for k in SUBJECT_NAMES.get(driver, (driver,)))


def alias_only(device: UsbDevice, intf: UsbInterface) -> Optional[str]:
    """What modalias matching alone would say: the first registered driver whose id table
    matches, with no probe rules and no claimed interfaces (the baseline the issue quotes)."""
    if intf.cls == 0x08:
        return "usb-storage"
    for driver in binding.driver_order():
        if driver in binding.tables().drivers and binding.usb_match_id(driver, device, intf, []):
            return driver
    for name, cls, _rule in binding.CLASS_DRIVERS:
        if intf.cls == cls:
            return name
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--quiet", action="store_true", help="figures only")
    args = parser.parse_args()
    corpus = args.corpus or next((c for c in CORPORA if c.is_dir()), None)
    if corpus is None:
        raise SystemExit("no corpus found")

    totals = Counter()
    classes: Counter = Counter()
    listings_right = 0
    listings = 0
    untrusted_listings = 0
    disagreements: List[str] = []
    config_checks = Counter()
    order_notes: List[str] = []
    alias_right = 0
    per_driver: Dict[str, List[int]] = defaultdict(lambda: [0, 0])  # listed driver -> [right, total]
    foreign_drivers: Counter = Counter()
    for path in sorted(corpus.glob("*.txt")):
        head, devices = devices_of(path)
        for device in devices:
            active = device.active_config
            if active is None:
                continue
            compared = [i for i in active.interfaces
                        if i.driver_state in (DriverState.BOUND, DriverState.UNBOUND)]
            if not compared:
                continue
            listings += 1
            foreign = sorted({i.driver for i in compared
                              if i.driver and i.driver not in IN_TREE and i.driver != USERSPACE})
            if untrusted_header(head):
                foreign.append("(header: %s)" % untrusted_header(head))
            prediction = binding.predict(device)
            if device.num_configs == 1:
                config_checks["single-config devices where the choice is 1"] += int(prediction.chosen_config == active.number)
                config_checks["single-config devices"] += 1
            else:
                config_checks["multi-config devices (listing shows only the active one, choice not replayable)"] += 1
                config_checks["multi-config devices where usb_choose_configuration says so"] += int(
                    prediction.chosen_config is None)
            predicted_config = prediction.config(active.number)
            assert predicted_config is not None
            if foreign:
                untrusted_listings += 1
                foreign_drivers.update(foreign)
            all_right = True
            bound_in_listing = {i.driver for i in compared if i.driver}
            verdicts: Dict[int, str] = {}
            for intf in compared:
                guess = predicted_config.interface(intf.number, intf.alt)
                predicted = guess.driver if guess else None
                listed = intf.driver if intf.driver_state == DriverState.BOUND else None
                if listed == USERSPACE:
                    listed = None
                totals["interfaces"] += 1
                per_driver[listed or "(none)"][1] += 1
                per_driver[listed or "(none)"][0] += int(predicted == listed)
                if guess is not None and guess.also_accepted and not foreign:
                    totals["order-sensitive"] += 1
                    if listed == predicted:
                        totals["order-sensitive, listing agrees"] += 1
                    elif listed in guess.also_accepted:
                        order_notes.append("%s if%d: listed %s, assumed order gives %s" % (
                            path.name, intf.number, listed, predicted))
                if predicted == listed:
                    totals["right"] += 1
                    if foreign:
                        totals["untrustworthy right"] += 1
                    continue
                all_right = False
                if foreign:
                    kind, why = "untrustworthy", "listing shows %s, not a 6.1 in-tree driver" % ", ".join(foreign)
                else:
                    kind, why = classify(path.name, head, device, intf, listed, predicted, bound_in_listing)
                    if kind == "miss" and guess and guess.claimed_by is not None \
                            and verdicts.get(guess.claimed_by, "miss") != "miss":
                        kind, why = verdicts[guess.claimed_by], "claimed with interface %d (%s)" % (
                            guess.claimed_by, verdicts[guess.claimed_by])
                verdicts[intf.number] = kind
                classes[kind] += 1
                disagreements.append("%-13s %s %s if%d %s: listed %s, predicted %s [%s] %s%s" % (
                    kind, path.name, device.vid_pid, intf.number, intf.triple, listed or "(none)",
                    predicted or "(none)", guess.rule if guess else "?",
                    (guess.reason[:160] if guess else ""), ("; " + why) if why else ""))
            listings_right += int(all_right)
            alias_right += int(all(alias_only(device, i) == (
                None if i.driver in (None, USERSPACE) or i.driver_state != DriverState.BOUND else i.driver)
                for i in compared))

    total = totals["interfaces"]
    set_aside = sum(classes[k] for k in SET_ASIDE) + totals["untrustworthy right"]
    trusted = total - set_aside
    trusted_right = totals["right"] - totals["untrustworthy right"]
    print("corpus: %s" % corpus)
    print("kernel tables: %s" % binding.tables().kernel)
    print("assumed driver registration order (OpenWrt kmodloader): %s" % " > ".join(binding.driver_order()))
    print("listings compared: %d (%d fully right, %.1f%%); %d set aside as untrustworthy" % (
        listings, listings_right, 100.0 * listings_right / max(listings, 1), untrusted_listings))
    print("alias matching alone (first driver whose table matches, no probe rules): %d listings fully "
          "right (%.1f%%)" % (alias_right, 100.0 * alias_right / max(listings, 1)))
    print("interfaces compared: %d, right: %d (%.2f%%)" % (total, totals["right"], 100.0 * totals["right"] / max(total, 1)))
    print("disagreements: %s" % ", ".join("%s %d" % (k, classes[k]) for k in SET_ASIDE + ("miss",)))
    accuracy = trusted_right / max(trusted, 1)
    print("trustworthy interfaces: %d, right: %d (%.2f%%; aim %.0f%%)" % (
        trusted, trusted_right, 100.0 * accuracy, 100 * AIM))
    print("per listed driver (right/compared, all listings): %s" % ", ".join(
        "%s %d/%d" % (name, right, count) for name, (right, count) in sorted(per_driver.items())))
    print("drivers outside the 6.1 tree seen (listings set aside): %s" % ", ".join(
        "%s %d" % item for item in sorted(foreign_drivers.items())))
    print("interfaces where several drivers accept (load order decides): %d, listing agrees with the "
          "assumed OpenWrt order: %d" % (totals["order-sensitive"], totals["order-sensitive, listing agrees"]))
    for note in order_notes:
        print("  order disagreement: " + note)
    for key, value in sorted(config_checks.items()):
        print("%s: %d" % (key, value))
    if not args.quiet:
        print()
        for line in disagreements:
            print(line)
    return 0 if accuracy >= AIM else 1


if __name__ == "__main__":
    sys.exit(main())
