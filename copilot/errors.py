"""The two kinds of error: the ones the environment or the input causes, and bugs.

A ``CopilotError`` is a *known* error (bad file, missing model, full disk, no device): the CLI prints
its message on one line and exits 1 (``UsageError``: 2); the app shows it and goes on. Anything else
is a bug and is reported as one.
"""


class CopilotError(Exception):
    """An error the user can act on; its message is one line meant for them."""

    exit_code = 1


class UsageError(CopilotError):
    """The command line itself is wrong (exit code 2)."""

    exit_code = 2


class InputError(CopilotError):
    """The input (recording, transcript) cannot be processed."""


class ModelError(CopilotError):
    """The speech model cannot be found or loaded."""


class OutputError(CopilotError):
    """A result cannot be written (unwritable folder, full disk)."""


class DeviceError(CopilotError):
    """An audio device is missing, busy or disappeared."""
