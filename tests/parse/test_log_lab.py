"""dmesg of the virtual lab's simulated MU609 (real kernel 6.1, real drivers; see
fixtures/lab/SOURCE.md): the same story the forum thread tells, read from a whole boot log."""

from __future__ import annotations

from pathlib import Path

from modem_doctor.model.log import LogEventKind as K
from modem_doctor.parse import dmesg

LAB = Path(__file__).resolve().parent.parent / "fixtures" / "lab" / "mu609"


def parse(state: str):  # type: ignore[no-untyped-def]
    return dmesg.parse((LAB / state / "dmesg.txt").read_text(encoding="utf-8"))


def test_config2_ecm_and_serial_ports_after_enumeration() -> None:
    result = parse("config2")
    log = result.value
    assert result.unparsed == () and len(log.entries) == 420
    (new,) = log.events_of(K.NEW_DEVICE)
    assert (new.device, new.attr("hcd"), new.time) == ("1-1", "dummy_hcd", 7.055116)
    ids = [(e.device, e.detail) for e in log.events_of(K.DEVICE_IDS)]
    assert ids == [("usb1", "1d6b:0002"), ("1-1", "12d1:1573")]
    (ecm,) = log.events_of(K.NETDEV_REGISTER)
    assert (ecm.interface, ecm.driver, ecm.subject) == ("1-1:2.0", "cdc_ether", "usb1")
    ttys = log.events_of(K.TTY_ATTACHED)
    # each tty is tied to the interface whose 'converter detected' line came just before it
    assert [(e.subject, e.interface, e.driver) for e in ttys] == [
        ("ttyUSB0", "1-1:2.2", "option"), ("ttyUSB1", "1-1:2.3", "option"), ("ttyUSB2", "1-1:2.4", "option"),
    ]
    assert ttys[0].attr("interface_from_line") == "415"
    assert "qmi_wwan" in {e.driver for e in log.events_of(K.DRIVER_REGISTERED)}
    assert not log.events_of(K.CDC_WDM)


def test_config1_switch_unbinds_ecm_and_binds_qmi() -> None:
    result = parse("config1")
    log = result.value
    assert result.unparsed == ()
    (gone,) = log.events_of(K.NETDEV_UNREGISTER)
    assert (gone.interface, gone.subject, gone.time) == ("1-1:2.0", "usb1", 27.250048)
    assert [e.subject for e in log.events_of(K.TTY_DETACHED)] == ["ttyUSB0", "ttyUSB1", "ttyUSB2"]
    assert [e.interface for e in log.events_of(K.INTERFACE_DISCONNECTED)] == ["1-1:2.2", "1-1:2.3", "1-1:2.4"]
    after = [e for e in log.events_of(K.TTY_ATTACHED) if e.time and e.time > 27]
    assert [(e.subject, e.interface) for e in after] == [("ttyUSB0", "1-1:1.0"), ("ttyUSB1", "1-1:1.1"), ("ttyUSB2", "1-1:1.2")]
    (wdm,) = log.events_of(K.CDC_WDM)
    assert (wdm.interface, wdm.driver, wdm.subject) == ("1-1:1.3", "qmi_wwan", "cdc-wdm0")
    assert [(name, event.kind, event.driver) for name, event in log.netdevs()] == [
        ("usb1", K.NETDEV_UNREGISTER, "cdc_ether"),
        ("wwan0", K.NETDEV_REGISTER, "qmi_wwan"),
    ]


def test_lab_and_forum_agree_on_the_ecm_netdev() -> None:
    # the forum user's eth1 and the lab's usb1 are the same function: cdc_ether on interface 0 of config 2
    forum = dmesg.parse((Path(__file__).resolve().parent.parent / "fixtures" / "log" / "case-we826-dmesg-grep.txt").read_text()).value
    lab = parse("config1").value
    forum_ecm = forum.events_of(K.NETDEV_REGISTER)[0]
    lab_ecm = lab.events_of(K.NETDEV_REGISTER)[0]
    assert forum_ecm.interface.split(":")[1] == lab_ecm.interface.split(":")[1] == "2.0"
    assert forum_ecm.attr("description") == lab_ecm.attr("description") == "CDC Ethernet Device"
