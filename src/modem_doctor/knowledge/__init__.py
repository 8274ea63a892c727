"""Knowledge: what the kernel, OpenWrt and the modem vendors will do, kept as data with provenance."""
