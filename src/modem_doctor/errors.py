"""Every error the tool raises on purpose.

    ModemDoctorError                 base: the CLI prints str(error) on one line, exit 2
    ├── InputError                   the user's input cannot be read (binary, too big,
    │                                not text, wrong kind); the only error parsers raise
    ├── KnowledgeError               a bundled data file is missing or damaged
    ├── CollectError                 a capture could not be taken at all (host unreachable...)
    ├── ProbeError                   talking to a modem failed (port busy, timeout)
    └── MissingExtraError            an optional PC extra is not installed (names the extra)
"""

from __future__ import annotations


class ModemDoctorError(Exception):
    """Base of every error the tool raises on purpose."""


class InputError(ModemDoctorError):
    """Input that cannot be read as what it claims to be; names the source and the problem."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


class KnowledgeError(ModemDoctorError):
    """A bundled knowledge file is missing or damaged."""


class CollectError(ModemDoctorError):
    """Collection could not start or reach the host."""


class ProbeError(ModemDoctorError):
    """A modem port could not be used (busy, timed out, owned by another manager)."""


class MissingExtraError(ModemDoctorError):
    """An optional dependency is missing; the message names the pip extra to install."""

    def __init__(self, extra: str, module: str) -> None:
        super().__init__(
            f"this needs the optional '{module}' module: pip install 'modem-doctor[{extra}]'"
        )
        self.extra = extra
        self.module = module
