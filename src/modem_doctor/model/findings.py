"""What diagnosis produces: findings with evidence, and a plan of steps to fix them."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Optional, Tuple

from .common import Evidence


class Severity(str, enum.Enum):
    ERROR = "error"  # the modem cannot work until this is fixed
    WARNING = "warning"  # works badly, or will break (after a reboot, an upgrade...)
    INFO = "info"  # worth knowing; nothing to fix

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True)
class Finding:
    code: str  # stable rule code, e.g. 'USB002'
    severity: Severity
    title: str  # one line, says what is wrong for this host
    evidence: Tuple[Evidence, ...] = ()
    why: str = ""  # why it matters
    fix: str = ""  # what to do, in words; the plan carries the commands
    modem: Optional[str] = None  # 'vid:pid@usb_path' when the finding concerns one modem
    rule: str = ""  # the rule's readable name


class StepKind(str, enum.Enum):
    INSTALL = "install"
    IMAGE = "image"
    SWITCH = "switch"
    CONFIGURE = "configure"
    FIREWALL = "firewall"
    VERIFY = "verify"


@dataclass(frozen=True)
class PlanFile:
    path: str
    content: str
    mode: str = "0644"


@dataclass(frozen=True)
class Step:
    kind: StepKind
    title: str
    why: str = ""
    commands: Tuple[str, ...] = ()
    files: Tuple[PlanFile, ...] = ()
    check: str = ""  # how to see that the step worked
    expect: str = ""  # what the check should print
    alternative: bool = False  # an other route to the same end (e.g. image vs opkg)


@dataclass(frozen=True)
class Plan:
    packages: Tuple[str, ...] = ()
    steps: Tuple[Step, ...] = ()
    notes: Tuple[str, ...] = ()
