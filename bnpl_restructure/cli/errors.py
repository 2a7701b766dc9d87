"""The command line's errors and exit codes.

Exit codes: :data:`OK` (0) the command ran; :data:`DOMAIN` (1) it ran and the answer is
"no": reconciliation differences, no restructuring meets the target, the library refused
a restructuring or found no solution; :data:`USAGE` (2) the command line or an input file
is wrong (an unknown or inapplicable flag, a bad date or amount, a missing or malformed
file, an argument the library refuses). Messages go to standard error as
``error: <argument>: <what is wrong>``, without a traceback.
"""

from __future__ import annotations

from typing import Final

from ..errors import BnplError, InvalidArgumentError
from .output import Output

__all__ = ["DOMAIN", "OK", "USAGE", "DomainError", "UsageError", "exit_code"]

OK: Final[int] = 0
DOMAIN: Final[int] = 1
USAGE: Final[int] = 2


class UsageError(InvalidArgumentError):
    """A command-line mistake: ``argument`` names the flag (``"--fee-rate"``)."""


class DomainError(Exception):
    """The command ran and the answer is "no" (exit 1); ``output`` is still printed."""

    def __init__(self, message: str, output: Output | None = None) -> None:
        super().__init__(message)
        self.output = output


def exit_code(error: BnplError) -> int:
    """:data:`USAGE` for a refused argument, :data:`DOMAIN` for any other library error
    (a restructuring not allowed, no solution, no convergence)."""
    return USAGE if isinstance(error, InvalidArgumentError) else DOMAIN
