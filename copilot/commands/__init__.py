"""One module per CLI sub-command; each has ``add_parser(subparsers)`` and ``run(args) -> int``.

Kept apart from ``copilot.cli`` so that each command's wiring sits beside nothing else.
"""

COMMANDS = ("analyze", "live", "demo", "history", "devices", "bench", "voice", "followups")
