"""Port choice from the knowledge base, on the QEMU lab's real captures of the MU609 in
configuration 1 (tests/fixtures/lab/mu609/config1: debugfs listing and dmesg of the real
kernel with option, qmi_wwan and cdc-wdm bound)."""

from __future__ import annotations

import os

from modem_doctor.load import load_paths
from modem_doctor.probe.ports import plan_ports
from modem_doctor.probe.run import targets_from_plans

LAB = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "lab", "mu609")


def test_mu609_configuration_1_pcui_and_cdc_wdm():
    host = load_paths([os.path.join(LAB, "config1", "debugfs-usb-devices.txt"),
                       os.path.join(LAB, "config1", "dmesg.txt")])
    (port_plan,) = plan_ports(host)
    assert port_plan.vid == "12d1" and "MU609" in port_plan.modem
    assert [(c.device, c.role) for c in port_plan.at][0] == ("/dev/ttyUSB2", "at")  # PCUI before the modem port
    assert ("/dev/ttyUSB0", "modem") in [(c.device, c.role) for c in port_plan.at]
    assert [(c.kind, c.device) for c in port_plan.control] == [("qmi", "/dev/cdc-wdm0")]
    assert any("/dev/ttyUSB1" in note and "never written" in note for note in port_plan.notes)  # DIAG
    targets = targets_from_plans((port_plan,))
    assert targets.at == ("/dev/ttyUSB2",) and targets.qmi == ("/dev/cdc-wdm0",) and targets.vendor == "huawei"


def test_configuration_2_has_no_qmi_node():
    host = load_paths([os.path.join(LAB, "config2", "debugfs-usb-devices.txt"),
                       os.path.join(LAB, "config2", "dmesg.txt")])
    targets = targets_from_plans(plan_ports(host))
    assert targets.qmi == ()
    assert targets.at  # the serial ports are there in configuration 2 as well
