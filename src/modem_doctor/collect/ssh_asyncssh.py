"""Run the collector on a router over SSH with asyncssh (the optional ``ssh`` extra).

One connection, ONE session: the command is ``sh -s`` and the collector script goes on
its standard input, so nothing is installed or written on the router and the whole
collection is one round trip. The collector's output is read as it arrives (progress),
and whatever arrived is kept if the connection breaks half-way.

Host keys follow OpenSSH's known_hosts file (``~/.ssh/known_hosts`` or ``known_hosts=``):

* a known key that matches: go on;
* a host whose known key differs: refuse, naming the known and the presented
  fingerprints (never overridable from here: the user edits known_hosts);
* a host not in the file: refuse unless the user chose ``accept_new`` (the
  ``--accept-new-host-key`` flag) or answers "yes" to a prompt on a terminal; an accepted
  key is appended to the file.

Login: keys given with ``identity``, the SSH agent, the default ``~/.ssh/id_*`` keys, then
a password prompt when a terminal is there to ask on. OpenWrt's dropbear: asyncssh asks
for host key algorithms in its own order; dropbear 2022.83 with only an ed25519 host key
aborts when the client's list leads with RSA (docs/virtual-lab.md §5), so Ed25519 and
ECDSA are asked for first, and a known host's own key type before all.
"""

from __future__ import annotations

import getpass
import os
import socket
import sys
import time
from typing import Any, Callable, List, Optional, Sequence, Tuple

from ..errors import CollectError, MissingExtraError
from .runner import RunOutput

DEFAULT_USER = "root"  # OpenWrt's only login by default
DEFAULT_PORT = 22
CONNECT_TIMEOUT_S = 10.0
OUTER_TIMEOUT_S = 600.0
# Ed25519 first: see the module docstring.
HOST_KEY_ALGS = ("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
                 "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa")


def _asyncssh() -> Any:
    try:
        import asyncssh  # noqa: PLC0415 - optional extra, imported only when SSH is used
    except ImportError:
        raise MissingExtraError("ssh", "asyncssh") from None
    return asyncssh


def parse_target(target: str, port: Optional[int] = None) -> Tuple[str, str, int]:
    """'user@host:port', 'host', '[fe80::1]:2222' -> (user, host, port)."""
    text = target.strip()
    if not text:
        raise CollectError("no SSH host given")
    user = DEFAULT_USER
    if "@" in text:
        user, text = text.rsplit("@", 1)
        if not user:
            raise CollectError(f"SSH target {target!r} has an empty user name")
    found_port: Optional[int] = None
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise CollectError(f"SSH target {target!r}: unclosed '['")
        host, rest = text[1:end], text[end + 1:]
        if rest:
            if not rest.startswith(":"):
                raise CollectError(f"SSH target {target!r}: expected ':PORT' after ']'")
            found_port = _port(rest[1:], target)
    elif text.count(":") == 1:
        host, port_text = text.split(":")
        found_port = _port(port_text, target)
    else:
        host = text  # a bare IPv6 address has several colons and no port
    if not host:
        raise CollectError(f"SSH target {target!r} has no host")
    if found_port is not None and port is not None and found_port != port:
        raise CollectError(f"SSH target {target!r} names port {found_port} but --port says {port}")
    return user, host, found_port or port or DEFAULT_PORT


def _port(text: str, target: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise CollectError(f"SSH target {target!r}: bad port {text!r}")
    return int(text)


def _host_pattern(host: str, port: int) -> str:
    return host if port == DEFAULT_PORT else f"[{host}]:{port}"


class HostKeyPolicy:
    """known_hosts checking with a first-contact choice (see the module docstring)."""

    def __init__(self, path: str, accept_new: bool, ask: Optional[Callable[[str], bool]]) -> None:
        self.path = path
        self.accept_new = accept_new
        self.ask = ask
        self.error: Optional[str] = None
        self.added = False

    def known(self, host: str, addr: str, port: int) -> List[Any]:
        asyncssh = _asyncssh()
        if not os.path.exists(self.path):
            return []
        try:
            with open(self.path, encoding="utf-8", errors="replace") as handle:
                lines = handle.read().splitlines()
            if port != DEFAULT_PORT:
                # OpenSSH keeps '[host]:port' apart from 'host'; asyncssh would fall back
                # to the port-22 entry and call a second server on the same address
                # "changed". Only bracketed (or hashed) entries can match another port.
                lines = [line for line in lines if "[" in line.split(" ", 1)[0] or line.startswith("|")]
            matched = asyncssh.import_known_hosts("\n".join(lines) + "\n").match(
                host, addr, None if port == DEFAULT_PORT else port)
        except (OSError, ValueError) as error:
            raise CollectError(f"cannot read known hosts file {self.path}: {error}") from None
        # the same line can match both the name and the address: one key once
        unique: List[Any] = []
        for key in matched[0]:
            if key not in unique:
                unique.append(key)
        return unique

    def algorithms(self, host: str, port: int) -> List[str]:
        first: List[str] = []
        for key in self.known(host, host, port):
            for alg in key.sig_algorithms:
                name = alg.decode("ascii")
                if name not in first:
                    first.append(name)
        return first + [alg for alg in HOST_KEY_ALGS if alg not in first]

    def check(self, host: str, addr: str, port: int, key: Any) -> bool:
        known = self.known(host, addr, port)
        if key in known:
            return True
        presented = f"{key.get_algorithm()} {key.get_fingerprint('sha256')}"
        where = _host_pattern(host, port)
        if known:
            listed = ", ".join(f"{k.get_algorithm()} {k.get_fingerprint('sha256')}" for k in known)
            self.error = (f"host key of {where} has CHANGED: {self.path} knows {listed}, the host presented "
                          f"{presented}; refusing to connect. If the router was reinstalled, remove the old key "
                          f"with: ssh-keygen -R '{where}' -f {self.path}")
            return False
        if self.accept_new or (self.ask is not None and self.ask(
                f"The host key of {where} is not known yet: {presented}.\nTrust it and remember it in {self.path}? [yes/no] ")):
            self._remember(where, key)
            return True
        self.error = (f"host key of {where} is not known ({presented}); check it on the router "
                      f"(dropbearkey -y -f /etc/dropbear/dropbear_ed25519_host_key) and run again with "
                      f"--accept-new-host-key to trust it")
        return False

    def _remember(self, pattern: str, key: Any) -> None:
        line = key.export_public_key("openssh").decode("ascii").split()
        directory = os.path.dirname(os.path.abspath(self.path))
        try:
            os.makedirs(directory, mode=0o700, exist_ok=True)
            with open(self.path, "a", encoding="ascii") as handle:
                handle.write(f"{pattern} {line[0]} {line[1]}\n")
            self.added = True
        except OSError as error:
            raise CollectError(f"cannot record the host key in {self.path}: {error.strerror or error}") from None


def _tty_ask(prompt: str) -> bool:
    sys.stderr.write(prompt)
    sys.stderr.flush()
    try:
        answer = input()
    except EOFError:
        return False
    return answer.strip().lower() in ("yes", "y")


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


def run(script: str, target: str, *, port: Optional[int] = None, identity: Sequence[str] = (),
        known_hosts: Optional[str] = None, accept_new: bool = False, password: Optional[str] = None,
        ask: Optional[bool] = None, connect_timeout: float = CONNECT_TIMEOUT_S,
        timeout: float = OUTER_TIMEOUT_S, on_data: Optional[Callable[[bytes], None]] = None,
        meanwhile: Optional[Callable[[], None]] = None) -> RunOutput:
    """Collect over one SSH session; raises ``CollectError`` with one clear line when no
    session could be opened. ``ask`` (default: on a terminal) allows the host-key and
    password prompts. ``meanwhile`` runs in a thread while the network is waited on (the
    diagnose command warms its imports there); the caller joins nothing: it is daemonic."""
    asyncssh = _asyncssh()
    import asyncio  # noqa: PLC0415 - only the SSH transport needs it


    user, host, ssh_port = parse_target(target, port)
    if ask is None:
        ask = interactive()
    policy = HostKeyPolicy(known_hosts or os.path.expanduser("~/.ssh/known_hosts"), accept_new,
                           _tty_ask if ask else None)
    where = f"{user}@{_host_pattern(host, ssh_port)}"
    prompts = {"count": 0}

    class Client(asyncssh.SSHClient):  # type: ignore[name-defined]
        def validate_host_public_key(self, h: str, addr: str, p: int, key: Any) -> bool:
            return policy.check(host, addr, ssh_port, key)

        def password_auth_requested(self) -> Optional[str]:
            prompts["count"] += 1
            if password is not None:
                return password if prompts["count"] == 1 else None
            if not ask or prompts["count"] > 3:
                return None
            try:
                return getpass.getpass(f"{where}'s password: ")
            except (EOFError, KeyboardInterrupt):
                return None

    async def session() -> RunOutput:
        started = time.monotonic()
        options = dict(username=user, port=ssh_port, known_hosts=([], [], []),
                       server_host_key_algs=policy.algorithms(host, ssh_port),
                       connect_timeout=connect_timeout, login_timeout=connect_timeout)
        if identity:
            options["client_keys"] = list(identity)
        try:
            conn, _client = await asyncssh.create_connection(Client, host, **options)
        except asyncssh.HostKeyNotVerifiable:
            raise CollectError(policy.error or f"host key of {where} could not be verified") from None
        except asyncssh.PermissionDenied:
            tried = "the keys given with -i" if identity else "the SSH agent and ~/.ssh keys"
            pw = ("a password" if prompts["count"] and (ask or password is not None)
                  else "no password (no terminal to ask on)" if not ask else "no password")
            raise CollectError(f"login refused for {where}: tried {tried} and {pw}") from None
        except (asyncio.TimeoutError, TimeoutError):
            raise CollectError(f"cannot reach {_host_pattern(host, ssh_port)}: no answer within "
                               f"{connect_timeout:.0f} s") from None
        except ConnectionRefusedError:
            raise CollectError(f"cannot reach {_host_pattern(host, ssh_port)}: connection refused "
                               f"(is SSH running on port {ssh_port}?)") from None
        except socket.gaierror as error:
            raise CollectError(f"cannot resolve host name {host!r}: {error.strerror or error}") from None
        except OSError as error:
            raise CollectError(f"cannot reach {_host_pattern(host, ssh_port)}: {error.strerror or error}") from None
        except asyncssh.Error as error:
            if policy.error:
                raise CollectError(policy.error) from None
            raise CollectError(f"SSH to {where} failed: {error.reason or type(error).__name__}") from None
        chunks: List[bytes] = []
        errors: List[bytes] = []
        payload = script.encode("utf-8")
        status: Optional[int] = None
        broken: Optional[str] = None
        try:
            async with conn:
                process = await conn.create_process("sh -s", encoding=None)
                process.stdin.write(payload)
                process.stdin.write_eof()
                if meanwhile is not None:
                    # Started only now: during the handshake it would compete for the GIL;
                    # from here on the router works and this process mostly waits.
                    import threading  # noqa: PLC0415

                    threading.Thread(target=meanwhile, name="modem-doctor-warm", daemon=True).start()

                async def pump_err() -> None:
                    while True:
                        data = await process.stderr.read(65536)
                        if not data:
                            return
                        errors.append(data)

                err_task = asyncio.ensure_future(pump_err())
                while True:
                    data = await process.stdout.read(65536)
                    if not data:
                        break
                    chunks.append(data)
                    if on_data is not None:
                        on_data(data)
                await err_task
                await process.wait_closed()
                status = process.exit_status
        except (asyncssh.Error, OSError) as error:
            reason = getattr(error, "reason", "") or getattr(error, "strerror", "") or str(error) or type(error).__name__
            broken = f"connection to {where} broke during collection: {reason}"
        stdout = b"".join(chunks)
        return RunOutput(stdout=stdout, stderr=b"".join(errors), exit_status=status, sent=len(payload),
                         received=len(stdout) + sum(len(e) for e in errors), seconds=time.monotonic() - started,
                         transport={"transport": "ssh", "target": where, "client": f"asyncssh {asyncssh.__version__}",
                                    "host_key_added": policy.added},
                         error=broken)

    async def bounded() -> RunOutput:
        return await asyncio.wait_for(session(), timeout)

    try:
        return asyncio.run(bounded())
    except (asyncio.TimeoutError, TimeoutError):
        raise CollectError(f"collection from {where} did not finish within {timeout:.0f} s") from None
