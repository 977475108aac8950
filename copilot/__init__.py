"""Call Copilot: an on-device closing coach for live sales calls."""

__version__ = "0.1.0"
