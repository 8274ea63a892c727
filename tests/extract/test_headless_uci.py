"""UCI options pasted without their 'config' line, found in prose: the uqmi-no-connect
example (LEDE issue 238, lines 3-5 'option proto qmi', 'option apn internet',
'option device /dev/cdc-wdm0') reaches the rules as an inferred qmi interface."""

from __future__ import annotations

from modem_doctor.load import load_example, load_text, read_example
from modem_doctor.model.modem import cellular_interfaces


def test_example_options_become_the_cellular_interface() -> None:
    host = load_example("uqmi-no-connect")
    (found,) = [a for a in host.artifacts if a.kind == "uci_config"]
    assert (found.first_line, found.last_line) == (3, 5)
    ((artifact, section),) = cellular_interfaces(host)
    assert artifact == found.id
    assert section.inferred and section.config == "network" and section.type == "interface"
    assert {o.name: (o.value, o.line) for o in section.options} == {
        "proto": ("qmi", 3), "apn": ("internet", 4), "device": ("/dev/cdc-wdm0", 5)}


def test_one_option_line_in_prose_is_not_a_config() -> None:
    # line 3 alone between sentences: one line is not enough to call it a file
    lines = read_example("uqmi-no-connect").splitlines()
    host = load_text("\n".join(lines[:3] + ["", "That is all I changed."]), "post.txt")
    assert not [a for a in host.artifacts if a.kind == "uci_config"]
    assert cellular_interfaces(host) == ()
