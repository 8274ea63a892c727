"""What every transport returns: the collector's raw output and what the transfer cost."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Optional


@dataclass(frozen=True)
class RunOutput:
    stdout: bytes
    stderr: bytes
    exit_status: Optional[int]
    sent: int  # bytes of script sent
    received: int  # bytes of output received
    seconds: float
    transport: Dict[str, Any] = field(default_factory=dict)
    error: Optional[str] = None  # the transfer broke after it started: what was read is kept
