"""The SSH transport's pure parts: targets, the known_hosts policy, the missing extra."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from modem_doctor.collect import ssh_asyncssh
from modem_doctor.collect.ssh_asyncssh import HostKeyPolicy, parse_target
from modem_doctor.errors import CollectError, MissingExtraError


@pytest.mark.parametrize("text, port, expected", [
    ("192.168.1.1", None, ("root", "192.168.1.1", 22)),
    ("admin@router.lan", None, ("admin", "router.lan", 22)),
    ("root@192.168.8.1:2222", None, ("root", "192.168.8.1", 2222)),
    ("openwrt:2200", None, ("root", "openwrt", 2200)),
    ("[fe80::1%br-lan]:22", None, ("root", "fe80::1%br-lan", 22)),
    ("me@[2001:db8::1]", 2022, ("me", "2001:db8::1", 2022)),
    ("fd00::1", None, ("root", "fd00::1", 22)),
    ("host", 2222, ("root", "host", 2222)),
])
def test_targets(text: str, port, expected) -> None:  # type: ignore[no-untyped-def]
    assert parse_target(text, port) == expected


@pytest.mark.parametrize("text, message", [
    ("", "no SSH host"), ("@host", "empty user"), ("host:0", "bad port"), ("host:99999", "bad port"),
    ("[::1", "unclosed"), ("host:22", "names port 22 but --port says 2222"),
])
def test_bad_targets(text: str, message: str) -> None:
    with pytest.raises(CollectError, match=message):
        parse_target(text, 2222 if "says" in message else None)


def test_known_hosts_policy(tmp_path: Path) -> None:
    asyncssh = pytest.importorskip("asyncssh")
    known = tmp_path / "ssh" / "known_hosts"
    key = asyncssh.generate_private_key("ssh-ed25519").convert_to_public()
    other = asyncssh.generate_private_key("ssh-ed25519").convert_to_public()
    asked = []
    # first contact, the user says no on the terminal: refused, nothing written
    policy = HostKeyPolicy(str(known), accept_new=False, ask=lambda prompt: asked.append(prompt) or False)
    assert not policy.check("10.0.0.1", "10.0.0.1", 22, key)
    assert "is not known" in (policy.error or "") and not known.exists()
    assert "Trust it and remember it" in asked[0] and key.get_fingerprint("sha256") in asked[0]
    # yes: remembered (directory created), the same key then passes without asking
    policy = HostKeyPolicy(str(known), accept_new=False, ask=lambda prompt: True)
    assert policy.check("10.0.0.1", "10.0.0.1", 22, key) and policy.added
    assert known.read_text().startswith("10.0.0.1 ssh-ed25519 ")
    policy = HostKeyPolicy(str(known), accept_new=False, ask=None)
    assert policy.check("10.0.0.1", "10.0.0.1", 22, key)
    assert policy.algorithms("10.0.0.1", 22)[0] == "ssh-ed25519"
    # another key for the same host: refused even with accept_new, both fingerprints named
    policy = HostKeyPolicy(str(known), accept_new=True, ask=lambda prompt: True)
    assert not policy.check("10.0.0.1", "10.0.0.1", 22, other)
    assert "CHANGED" in policy.error and key.get_fingerprint("sha256") in policy.error
    assert other.get_fingerprint("sha256") in policy.error
    # a non-default port is its own entry
    assert HostKeyPolicy(str(known), True, None).check("10.0.0.1", "10.0.0.1", 2222, other)
    assert "[10.0.0.1]:2222 ssh-ed25519" in known.read_text()


def test_missing_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "asyncssh", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'modem-doctor\[ssh\]'"):
        ssh_asyncssh.run("true", "root@127.0.0.1:1")
