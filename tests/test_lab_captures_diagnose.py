"""The QEMU lab's real-kernel captures (tests/fixtures/lab/, see its SOURCE.md) diagnosed
end to end: identity, active configuration, bound drivers, findings and plan for each
state, read both ways a user gives them: one paste of every command with its output
(the commands from the state's ``commands.txt``), and the capture files loaded side by
side through ``load_paths``.

Where the diagnosis of a lab state is still wrong, the expectation is written down as a
strict xfail naming the rule or module that gets it wrong, so it turns into a failure
the day it is fixed and the marker has to go."""

from __future__ import annotations

import os
from typing import Any, Dict, List

import pytest

from modem_doctor.diagnosis import diagnose
from modem_doctor.load import load_paths, load_text

LAB = os.path.join(os.path.dirname(__file__), "fixtures", "lab")
MODES = ("paste", "files")


def _commands(state: str) -> List[List[str]]:
    """[file, command] for every capture of the state, in the order it was taken."""
    out = []
    with open(os.path.join(LAB, state, "commands.txt"), encoding="utf-8") as handle:
        for line in handle:
            name, _, rest = line.rstrip("\n").partition(": ")
            out.append([name, rest.rsplit("  [exit", 1)[0]])
    return out


def _paste(state: str) -> str:
    """What a user posts: each command after a shell prompt, then its output."""
    parts = []
    for name, command in _commands(state):
        with open(os.path.join(LAB, state, name), encoding="utf-8") as handle:
            parts.append(f"root@lab:~# {command}\n{handle.read()}")
    return "\n".join(parts)


def _diagnosis(state: str, mode: str) -> Dict[str, Any]:
    if mode == "paste":
        host = load_text(_paste(state), state)
    else:
        host = load_paths([os.path.join(LAB, state, name) for name, _command in _commands(state)])
    return diagnose(host).to_json()


def _codes(doc: Dict[str, Any]) -> List[str]:
    return [f["code"] for f in doc["findings"]]


def _config(modem: Dict[str, Any], number: int) -> Dict[str, Any]:
    (config,) = [c for c in modem["configs"] if c["number"] == number]
    return config


def _bound(config: Dict[str, Any]) -> List[Any]:
    return [(i["number"], i["role"], i["driver_bound"]) for i in config["interfaces"]]


def _step(doc: Dict[str, Any], kind: str) -> List[Dict[str, Any]]:
    return [s for s in doc["plan"]["steps"] if s["kind"] == kind]


QMI_PACKAGES = ["kmod-usb-serial-option", "kmod-usb-net-qmi-wwan", "uqmi", "luci-proto-qmi"]


# ---------------------------------------------------------------- MU609, configuration 2


@pytest.mark.parametrize("mode", MODES)
def test_mu609_config2_one_modem_in_ecm_with_qmi_in_configuration_1(mode: str) -> None:
    doc = _diagnosis("mu609/config2", mode)
    assert doc["system"]["kernel"] == "6.1.0"  # the dummy_hcd root hub's 'Linux 6.1.0-...'
    # debugfs, usb-devices and lsusb -v show one device: one modem, not one per listing
    (modem,) = doc["modems"]
    assert (modem["vid"], modem["pid"], modem["vendor"], modem["model"]) == ("12d1", "1573", "Huawei", "MU609")
    assert modem["radio"] == "3g" and modem["usb_path"] == "1-1"
    assert modem["active_config"] == 2 and modem["linux_config"] == 2
    config2 = _config(modem, 2)
    assert config2["active"] and config2["data_path"] == "ecm"
    assert _bound(config2) == [(0, "ecm", "cdc_ether"), (1, "ecm", "cdc_ether"), (2, "modem", "option"),
                               (3, "diag", "option"), (4, "at", "option")]
    # configuration 1 as the lab offers it: the QMI function (ff/01/07) is interface 3, not
    # 5 as on the real module, and its protocol code says so
    config1 = _config(modem, 1)
    assert not config1["active"] and config1["data_path"] == "qmi"
    assert [(i["number"], i["protocol"], i["role"], i["driver_expected"]) for i in config1["interfaces"]][3] == \
        (3, "07", "qmi", "qmi_wwan")
    rec = modem["recommended"]
    assert (rec["data_path"], rec["config"], rec["netifd_proto"]) == ("qmi", 1, "qmi")


@pytest.mark.parametrize("mode", MODES)
def test_mu609_config2_findings_and_plan(mode: str) -> None:
    doc = _diagnosis("mu609/config2", mode)
    assert _codes(doc) == ["USB002"]
    (usb002,) = doc["findings"]
    assert usb002["severity"] == "error"
    assert "comes up in USB configuration 2 (ecm)" in usb002["title"]
    assert "QMI function is in configuration 1" in usb002["title"]
    assert "switched by hand" not in usb002["title"]
    texts = [e["text"] for e in usb002["evidence"]]
    assert texts[0].startswith("C:* #Ifs= 5 Cfg#= 2")  # the active configuration
    assert texts[1].startswith("C:  #Ifs= 4 Cfg#= 1")
    assert "Prot=07" in texts[2]  # its QMI interface
    assert "echo 1 > /sys/bus/usb/devices/1-1/bConfigurationValue" in usb002["fix"]

    assert doc["plan"]["packages"] == QMI_PACKAGES
    assert [s["kind"] for s in doc["plan"]["steps"]] == ["install", "switch", "configure", "firewall", "verify"]
    (switch,) = _step(doc, "switch")
    assert "echo 1 > /sys/bus/usb/devices/1-1/bConfigurationValue" in switch["commands"]
    assert any("/etc/hotplug.d/usb/" in c and "12d1/1573/*" in c for c in switch["commands"])  # kept at boot
    (configure,) = _step(doc, "configure")
    assert "set network.wwan.proto='qmi'" in configure["commands"][0]
    assert "set network.wwan.device='/dev/cdc-wdm0'" in configure["commands"][0]
    assert "set network.wwan.modes='umts,gsm'" in configure["commands"][0]  # a 3G module: no LTE mode


# ---------------------------------------------------------------- MU609, configuration 1


@pytest.mark.parametrize("mode", MODES)
def test_mu609_config1_qmi_wwan_and_option_bound(mode: str) -> None:
    doc = _diagnosis("mu609/config1", mode)
    (modem,) = doc["modems"]
    assert (modem["vid"], modem["pid"], modem["model"], modem["usb_path"]) == ("12d1", "1573", "MU609", "1-1")
    assert modem["active_config"] == 1
    assert modem["linux_config"] == 2  # what Linux would pick again at the next boot
    config1 = _config(modem, 1)
    assert config1["active"] and config1["data_path"] == "qmi"
    assert _bound(config1) == [(0, "modem", "option"), (1, "diag", "option"), (2, "at", "option"),
                               (3, "qmi", "qmi_wwan")]
    assert all(i["driver_bound"] is None for i in _config(modem, 2)["interfaces"])  # not instantiated
    rec = modem["recommended"]
    assert (rec["data_path"], rec["config"], rec["netifd_proto"]) == ("qmi", 1, "qmi")
    # every port has its driver and package: no driver finding, no composition finding
    assert not [code for code in _codes(doc) if code.startswith(("DRV", "MOD", "USB001", "USB003"))]
    assert doc["plan"]["packages"] == QMI_PACKAGES
    (configure,) = _step(doc, "configure")
    assert "set network.wwan.proto='qmi'" in configure["commands"][0]
    # the selection by hand does not survive a reboot: the hotplug script is still planned
    (switch,) = _step(doc, "switch")
    assert any("/etc/hotplug.d/usb/" in c for c in switch["commands"])


@pytest.mark.parametrize("mode", MODES)
def test_mu609_config1_usb002_is_no_error_about_the_active_configuration(mode: str) -> None:
    doc = _diagnosis("mu609/config1", mode)
    assert not [f for f in doc["findings"] if f["code"] == "USB002" and f["severity"] == "error"]
    assert not [f for f in doc["findings"] if "later listing" in f["title"]]


@pytest.mark.parametrize("mode", MODES)
def test_mu609_config1_the_configuration_switch_is_not_a_dropped_netdev(mode: str) -> None:
    assert "USB004" not in _codes(_diagnosis("mu609/config1", mode))


@pytest.mark.parametrize("mode", MODES)
def test_mu609_config1_switch_step_only_keeps_the_selection(mode: str) -> None:
    (switch,) = _step(_diagnosis("mu609/config1", mode), "switch")
    assert not any(c.startswith("echo ") and "bConfigurationValue" in c for c in switch["commands"])


def test_mu609_config1_with_the_clients_output_adds_no_modem_finding() -> None:
    # the same configuration with what qmicli and the AT port printed (simulator scenario 'ready')
    clients = os.path.join(LAB, "mu609", "clients")
    host = load_paths([os.path.join(LAB, "mu609", "config1", "debugfs-usb-devices.txt")]
                      + [os.path.join(clients, name) for name in sorted(os.listdir(clients))])
    assert {item.kind for item in host.modem} == {"at_transcript", "qmicli"}
    doc = diagnose(host).to_json()
    assert _codes(doc) == ["USB002"]  # only the configuration Linux picks at boot (see the xfail above)
    assert doc["modems"][0]["active_config"] == 1


def test_mu609_config1_with_modemmanager_registered_adds_no_modem_finding() -> None:
    # ModemManager 1.20.4 in the same boot as clients/: listed, enabled and registered
    mm = os.path.join(LAB, "mu609", "mm")
    host = load_paths([os.path.join(LAB, "mu609", "config1", "debugfs-usb-devices.txt")]
                      + [os.path.join(mm, name) for name in ("mmcli-L.txt", "mmcli-m-any-after-enable.txt")])
    (session,) = [item.value for item in host.modem]  # 'mmcli -L' alone says nothing of the modem
    assert session.tool == "mmcli" and session.ident("model") == "MU609"
    assert session.latest_registration().state == "home"
    doc = diagnose(host).to_json()
    assert [m["model"] for m in doc["modems"]] == ["MU609"]
    assert _codes(doc) == ["USB002"]


# ---------------------------------------------------------------- the MBIM modem


@pytest.mark.parametrize("mode", MODES)
def test_mbim_modem_bound_by_cdc_mbim_needs_no_switch(mode: str) -> None:
    doc = _diagnosis("mbim/mbim", mode)
    (modem,) = doc["modems"]
    assert (modem["vid"], modem["pid"], modem["model"], modem["active_config"]) == ("1199", "9079", "EM7455", 1)
    assert _bound(_config(modem, 1)) == [(0, "mbim", "cdc_mbim"), (1, "mbim", "cdc_mbim")]
    assert (modem["recommended"]["data_path"], modem["recommended"]["netifd_proto"]) == ("mbim", "mbim")
    assert modem["switch"]["kind"] == "none"
    assert _codes(doc) == []
    assert doc["plan"]["packages"] == ["kmod-usb-net-cdc-mbim", "umbim", "luci-proto-mbim"]
    assert [s["kind"] for s in doc["plan"]["steps"]] == ["install", "configure", "firewall", "verify"]


def test_mbim_modem_with_the_mbimcli_output() -> None:
    state = os.path.join(LAB, "mbim", "mbim")
    names = [name for name, _command in _commands("mbim/mbim")] + \
        sorted(n for n in os.listdir(state) if n.startswith("mbimcli-"))
    host = load_paths([os.path.join(state, name) for name in names])
    assert [item.kind for item in host.modem] == ["mbimcli"] * 4
    doc = diagnose(host).to_json()
    assert [m["model"] for m in doc["modems"]] == ["EM7455"]
    assert _codes(doc) == []


# ---------------------------------------------------------------- the storage stick


@pytest.mark.parametrize("mode", MODES)
def test_storage_stick_in_cdrom_mode(mode: str) -> None:
    doc = _diagnosis("storage-stick/cdrom", mode)
    (modem,) = doc["modems"]
    assert (modem["vid"], modem["pid"], modem["storage_mode"]) == ("12d1", "1f01", True)
    assert _bound(_config(modem, 1)) == [(0, "storage", "usb-storage")]
    assert modem["recommended"]["packages"] == ["usb-modeswitch"]
    assert modem["switch"]["kind"] == "storage-eject"
    assert _codes(doc) == ["USB001"]
    (usb001,) = doc["findings"]
    assert usb001["severity"] == "error"
    assert "12d1:14dc" in usb001["title"]  # where the lab's stick really went (storage-stick/modem)
    assert "usb-modeswitch" in usb001["fix"] and "kmod-usb-net-cdc-ether" in usb001["fix"]


def test_storage_stick_plan_installs_usb_modeswitch() -> None:
    doc = _diagnosis("storage-stick/cdrom", "files")
    assert "usb-modeswitch" in doc["plan"]["packages"]


@pytest.mark.parametrize("mode", MODES)
def test_storage_stick_after_the_switch_is_a_hilink_device(mode: str) -> None:
    doc = _diagnosis("storage-stick/modem", mode)
    (modem,) = doc["modems"]
    assert (modem["vid"], modem["pid"], modem["storage_mode"], modem["active_config"]) == ("12d1", "14dc", False, 1)
    assert _bound(_config(modem, 1)) == [(0, "ecm", "cdc_ether"), (1, "ecm", "cdc_ether")]
    assert (modem["recommended"]["data_path"], modem["recommended"]["netifd_proto"]) == ("hilink", "dhcp")
    assert _codes(doc) == ["MOD002"]
    assert doc["findings"][0]["severity"] == "info"
    assert doc["plan"]["packages"] == ["kmod-usb-net-cdc-ether"]
    (configure,) = _step(doc, "configure")
    assert "set network.wwan.proto='dhcp'" in configure["commands"][0]
    assert not _step(doc, "switch")
