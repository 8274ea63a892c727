"""explain on real inputs: the case thread's must-shows, the diagnosis contract's `modems`
shape, the command line, and every corpus listing."""

from __future__ import annotations

import io
import json
import os
import re
from contextlib import redirect_stdout

from modem_doctor import cli
from modem_doctor.knowledge.explain import explain_host, render_text, to_json
from modem_doctor.load import load_example, load_paths, load_text

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
USB = os.path.join(REPO, "tests", "fixtures", "usb")
CORPUS = os.path.join(REPO, "tests", "fixtures", "corpus", "usb-listings")


def case_modem():
    (modem,) = explain_host(load_example("we826-mu609"))
    return modem


def config(modem, number):
    return next(c for c in modem.configs if c.number == number)


def test_case_identity():
    modem = case_modem()
    assert (modem.vid, modem.pid, modem.vendor, modem.model, modem.radio) == ("12d1", "1573", "Huawei", "MU609", "3g")
    assert modem.usb_path == "1-1.2"
    assert [c.number for c in modem.configs] == [1, 2]


def test_case_configuration_1_offers_qmi_on_interface_5():
    first = config(case_modem(), 1)
    assert first.data_path == "qmi"
    qmi = next(i for i in first.interfaces if i.number == 5)
    assert (qmi.cls, qmi.subclass, qmi.protocol) == (0xFF, 0x01, 0x07)
    assert qmi.role == "qmi"
    assert qmi.driver_expected == "qmi_wwan"
    assert qmi.package == "kmod-usb-net-qmi-wwan"
    others = {i.number: i for i in first.interfaces if i.number != 5}
    assert all(i.driver_expected == "option" and i.package == "kmod-usb-serial-option" for i in others.values())
    assert {n: i.role for n, i in others.items()} == {0: "modem", 1: "diag", 2: "at", 3: "gps", 4: "gps"}


def test_case_configuration_2_offers_ecm_through_cdc_ether_and_linux_picks_it():
    modem = case_modem()
    second = config(modem, 2)
    assert second.data_path == "ecm"
    ecm = [i for i in second.interfaces if i.role == "ecm"]
    assert [i.number for i in ecm] == [0, 1]
    assert all(i.driver_expected == "cdc_ether" and i.package == "kmod-usb-net-cdc-ether" for i in ecm)
    assert modem.linux_config == 2 and second.linux_picks and not config(modem, 1).linux_picks


def test_case_recommendation_is_qmi_in_configuration_1():
    recommended = case_modem().recommended
    assert (recommended.data_path, recommended.config, recommended.netifd_proto) == ("qmi", 1, "qmi")
    for package in ("kmod-usb-net-qmi-wwan", "uqmi", "kmod-usb-serial-option"):
        assert package in recommended.packages


def test_active_configuration_follows_the_listing():
    # The thread's last listing was taken after `echo 1 > bConfigurationValue`.
    assert case_modem().active_config == 1
    (before,) = explain_host(load_paths([os.path.join(USB, "we826-listing1-L4-78.txt")]))
    assert before.active_config == 2
    bound = {i.number: i.driver_bound for i in config(before, 2).interfaces}
    assert bound[0] is None and bound[2] == "option"  # Driver=(none) is not a bound driver


def test_json_follows_the_diagnosis_contract():
    data = to_json(case_modem())
    for key in ("vid", "pid", "vendor", "model", "usb_path", "active_config", "configs", "recommended"):
        assert key in data
    assert re.fullmatch(r"[0-9a-f]{4}", data["vid"]) and re.fullmatch(r"[0-9a-f]{4}", data["pid"])
    assert set(data["recommended"]) >= {"data_path", "config", "netifd_proto"}
    paths = {"qmi", "mbim", "ncm", "ecm", "rndis", "hilink", "ppp", "directip", "storage", "none", "unknown"}
    for item in data["configs"]:
        assert set(item) >= {"number", "active", "data_path", "interfaces"}
        assert item["data_path"] in paths
        for interface in item["interfaces"]:
            assert set(interface) >= {"number", "class", "subclass", "protocol", "role", "driver_bound", "driver_expected", "package"}
            for field in ("class", "subclass", "protocol"):
                assert re.fullmatch(r"[0-9a-f]{2}", interface[field])
    interface5 = next(i for i in data["configs"][0]["interfaces"] if i["number"] == 5)
    assert interface5 == {**interface5, "class": "ff", "subclass": "01", "protocol": "07", "role": "qmi",
                          "driver_expected": "qmi_wwan", "package": "kmod-usb-net-qmi-wwan"}
    assert data["recommended"]["netifd_proto"] in {"qmi", "mbim", "ncm", "3g", "dhcp", "directip", "modemmanager"}
    json.dumps(data)


def test_text_output_marks_active_and_linux_choice():
    text = render_text((case_modem(),))
    assert "configuration 1 [active]" in text
    assert "configuration 2 [Linux picks it]" in text
    assert "recommended: qmi in configuration 1, netifd proto 'qmi'" in text


def run_cli(*args):
    out = io.StringIO()
    with redirect_stdout(out):
        status = cli.main(list(args))
    return status, out.getvalue()


def test_command_line_json_and_text():
    status, out = run_cli("explain", "--example", "we826-mu609", "--format", "json")
    assert status == 0
    document = json.loads(out)
    assert document["modems"][0]["recommended"] == {**document["modems"][0]["recommended"], "data_path": "qmi", "config": 1, "netifd_proto": "qmi"}
    status, out = run_cli("explain", os.path.join(USB, "we826-listing3-L185-259.txt"))
    assert status == 0 and "12d1:1573  Huawei MU609" in out


def test_command_line_refuses_input_without_usb_listing(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("root@OpenWrt:~# uptime\n 10:00:00 up 1 day\n")
    status, _ = run_cli("explain", str(path))
    assert status == 2


def test_every_corpus_listing_explains():
    count = 0
    for name in sorted(os.listdir(CORPUS)):
        if not name.endswith(".txt"):
            continue
        with open(os.path.join(CORPUS, name), encoding="utf-8") as handle:
            text = handle.read()
        modems = explain_host(load_text(text, name))
        vid_pid = f"{name[0:4]}:{name[5:9]}"
        found = [m for m in modems if f"{m.vid}:{m.pid}" == vid_pid]
        assert found, name
        json.dumps([to_json(m) for m in modems])
        count += 1
    assert count > 250


def explain_file(path):
    return explain_host(load_paths([path]))


def test_case_switch_is_a_usb_configuration_with_usb_mode_json():
    switch = case_modem().switch
    assert switch.kind == "usb-config"
    assert switch.commands == ("echo 0 > /sys/bus/usb/devices/1-1.2/bConfigurationValue",
                               "echo 1 > /sys/bus/usb/devices/1-1.2/bConfigurationValue")
    assert switch.usb_mode_json == {"messages": [], "devices": {"12d1:1573": {"*": {"config": 1}}}}
    assert not switch.persistent and "sysupgrade.conf" in switch.caveat
    data = to_json(case_modem())
    assert data["openwrt_wwan"] is None  # OpenWrt's wwan package has no 12d1:1573 record
    assert data["usb_modeswitch"][0]["configuration"] == 0


def test_quectel_in_ecm_mode_can_switch_to_qmi_with_at():
    (modem,) = explain_file(os.path.join(CORPUS, "2c7c_0125_linux-usb-20200829-dynamic-quectel.txt"))
    assert modem.recommended.data_path == "ecm" and modem.recommended.netifd_proto == "ncm"
    assert modem.switch.kind == "vendor-mode"
    assert modem.switch.commands == ('AT+QCFG="usbnet",0', "AT+CFUN=1,1")
    assert to_json(modem)["openwrt_wwan"]["type"] == "qmi"


def test_lsusb_only_listing_recommends_from_the_catalog():
    (modem,) = explain_file(os.path.join(USB, "lsusb-ec25-rpi-github-344.txt"))
    assert modem.configs == ()
    assert (modem.recommended.data_path, modem.recommended.config) == ("qmi", None)
    assert modem.switch.commands == ('AT+QCFG="usbnet"',)


def test_storage_mode_modem_gets_a_usb_mode_json_entry():
    (modem,) = explain_file(os.path.join(REPO, "tests", "fixtures", "pastes", "forum-26730-mdm9200.txt"))
    assert modem.storage_mode and modem.recommended.data_path == "storage"
    assert modem.switch.kind == "storage-eject"
    entry = modem.switch.usb_mode_json["devices"]["05c6:f000"]["*"]
    assert entry["mode"] == "StandardEject" and entry["msg"] == [0]


def test_lsusb_verbose_with_two_configurations_and_qcserial_layout():
    (modem,) = explain_file(os.path.join(USB, "lsusb-v-dell-dw5570-forum-20131006.txt"))
    assert modem.linux_config == 2
    first = config(modem, 1)
    assert [i.number for i in first.interfaces] == sorted(i.number for i in first.interfaces)
    assert {i.number: i.role for i in first.interfaces} == {0: "diag", 2: "gps", 3: "at", 8: "qmi"}
    assert config(modem, 2).data_path == "mbim"
    assert (modem.recommended.data_path, modem.recommended.config) == ("qmi", 1)


def test_install_plan_for_the_case():
    from modem_doctor.knowledge.explain import install_plan

    modem = explain_host(load_example("we826-mu609"), release="23.05.0")[0]
    assert modem.recommended.release == "23.05"
    # the thread says kmod-usb-net-cdc-ether is installed; nothing of the QMI path is
    plan = install_plan(modem, ("kmod-usb-net-cdc-ether", "kmod-usb-net"))
    assert plan["missing"] == ["kmod-usb-serial-option", "luci-proto-qmi"]
    assert plan["commands"] == ["opkg update", "opkg install kmod-usb-serial-option luci-proto-qmi"]
    newer = explain_host(load_example("we826-mu609"), release="25.12.1")[0]
    assert install_plan(newer, ())["commands"][0] == "apk update"


def test_each_listing_of_the_thread_can_be_explained_on_its_own():
    host = load_example("we826-mu609")
    listings = [artifact for artifact, _ in host.usb_listings()]
    assert len(listings) == 3
    active = [explain_host(host, artifact=artifact)[0].active_config for artifact in listings]
    assert active == [2, 2, 1]  # two listings before the manual switch, one after
