"""Catalog coverage and shape: every corpus VID:PID, the case modem, the OpenWrt families."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import pytest

from modem_doctor.knowledge import catalog

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CORPUS_INDEX = os.path.join(REPO, "tests", "fixtures", "corpus", "usb-listings", "INDEX.tsv")
MODEMS_DIR = os.path.join(REPO, "src", "modem_doctor", "data", "modems")

# The families the issue names (issue 3, item 4) plus the others kept for OpenWrt users.
REQUIRED_FAMILIES = (
    "Quectel EC25", "Quectel EG25", "Quectel EP06", "Quectel EM12", "Quectel RM500Q", "Quectel RM520N",
    "Quectel RM551E", "Sierra MC7455", "Sierra EM7455", "Sierra EM7565", "Huawei E3372", "Huawei E3372 HiLink",
    "Huawei E3276", "Huawei ME906s/ME909s", "Huawei ME909u", "Huawei MU609", "Huawei MU709", "ZTE MF823",
    "ZTE MF833", "ZTE MF286", "SIMCom SIM7600", "SIMCom SIM8200", "Fibocom L850", "Fibocom L860",
    "Fibocom FM150", "Fibocom FM350", "Fibocom NL678", "Foxconn T77W968", "Foxconn T99W175", "Dell DW5811e",
    "Dell DW5821e", "Telit LE910Cx", "Telit LN940", "u-blox TOBY-L2", "u-blox LARA-R2", "u-blox LARA-R6",
)


def corpus_ids():
    with open(CORPUS_INDEX, encoding="utf-8") as handle:
        return sorted({f"{row['vid']}:{row['pid']}".lower() for row in csv.DictReader(handle, delimiter="\t")})


def test_every_corpus_id_is_in_the_catalog():
    missing = [vid_pid for vid_pid in corpus_ids() if not catalog.lookup(vid_pid)]
    assert missing == []
    assert len(corpus_ids()) > 200


def test_case_modem_is_the_3g_mu609():
    info = catalog.identify("12d1:1573")
    assert info is not None
    assert (info.vendor, info.model, info.radio) == ("Huawei", "MU609", "3g")
    assert info.is_3g_only
    qmi = info.composition("12d1:1573", 1)
    ecm = info.composition("12d1:1573", 2)
    assert qmi.data_path == "qmi" and qmi.port_role(5) == "qmi"
    assert ecm.data_path == "ecm"
    assert any("thread.txt" in source for source in qmi.sources)


def test_identify_prefers_the_model_whose_port_map_fits():
    # MU609, ME909u-521 and ME906v share 12d1:1573; the case's interface numbers fit MU609.
    shown = {1: (0, 1, 2, 3, 4, 5), 2: (0, 1, 2, 3, 4, 5, 6)}
    assert catalog.identify("12d1:1573", shown).model == "MU609"


def test_required_families_are_present():
    families = set(catalog.families())
    assert [family for family in REQUIRED_FAMILIES if family not in families] == []
    assert len(families) >= 40


def test_every_curated_model_is_complete_and_sourced():
    for info in catalog.models():
        assert info.sources, info.model
        assert info.form_factor in catalog.FORM_FACTORS, info.model
        assert info.radio in catalog.RADIOS, info.model
        assert info.compositions, info.model
        for composition in info.compositions:
            assert composition.data_path in catalog.DATA_PATHS, info.model
            assert composition.sources, (info.model, composition)
            for _, role in composition.ports:
                assert role in ("at", "modem", "diag", "gps", "qmi", "mbim", "ecm", "ncm", "rndis", "adb", "storage", "unknown")


def test_source_keys_resolve_in_every_vendor_file():
    for name in sorted(os.listdir(MODEMS_DIR)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(MODEMS_DIR, name), encoding="utf-8") as handle:
            data = json.load(handle)
        table = data.get("sources", {})
        for model in data.get("models", ()):
            for key in model["sources"]:
                assert key in table, (name, model["model"], key)
            for composition in model["compositions"]:
                for key in composition["source"]:
                    assert key in table, (name, model["model"], key)
        for entries in data.get("observed", {}).values():
            for entry in entries:
                assert entry["source"].startswith("https://lore.kernel.org/"), name


def test_mode_commands_per_vendor():
    assert catalog.identify("2c7c:0125").mode_command.set == 'AT+QCFG="usbnet",{value}'
    assert catalog.identify("2c7c:0125").mode_command.value_for("mbim") == "2"
    sierra = catalog.identify("1199:9071").mode_command
    assert sierra.set.startswith("AT!USBCOMP") and sierra.reset == "AT!RESET" and sierra.unlock
    assert catalog.identify("1e0e:9001").mode_command.set.startswith("AT+CUSBPIDSWITCH")
    assert catalog.identify("2cb7:0104").mode_command.value_for("qmi") == "32"
    assert catalog.identify("1bc7:1070").mode_command.set == "AT#USBCFG={value}"
    assert "ZCDRUN" in catalog.identify("19d2:1405").mode_command.set
    assert catalog.identify("12d1:1506").mode_command.set.startswith("AT^SETPORT")


def test_storage_ids_include_usb_modeswitch_sources():
    hilink = catalog.identify("12d1:14dc")
    assert "12d1:1f01" in catalog.storage_ids(hilink)


def test_mm_port_types():
    ports, sources = catalog.mm_ports("2c7c:0125")
    assert ports == {0: "diag", 1: "gps", 2: "at", 3: "at"}
    assert "quectel" in sources[0]


def test_observed_sections_match_the_corpus():
    script = os.path.join(REPO, "scripts", "seed_catalog_observed.py")
    if not os.path.isdir(os.path.join(os.path.dirname(REPO), "shared", "corpus", "usb-listings")):
        pytest.skip("../shared/corpus not beside the repository")
    result = subprocess.run([sys.executable, script, "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_storage_ids_lead_to_the_modem_they_become():
    assert [m.model for m in catalog.from_storage("12d1:1f01")] == ["E3372 (HiLink firmware)"]
    assert catalog.from_storage("12d1:15cd")[0].model == "E3372 (stick firmware)"
    assert catalog.from_storage("19d2:1225")[0].model == "MF823"
    assert catalog.from_storage("2c7c:0125") == ()
