"""modem-doctor: read what a modem host shows, know what the kernel and OpenWrt will do,
diagnose with evidence, and plan the fix."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
