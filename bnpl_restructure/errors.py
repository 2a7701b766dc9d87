"""The exception hierarchy of bnpl_restructure.

Every error the library raises derives from :class:`BnplError`. Errors about a
caller's input derive from :class:`InvalidArgumentError` (itself a
:class:`ValueError`) and carry the offending argument's name in ``argument``;
their message reads ``"<argument>: <what is allowed> (got <what was received>)"``.

Examples
--------
>>> from bnpl_restructure.errors import InvalidArgumentError
>>> err = InvalidArgumentError("principal", "must be positive", received="-5")
>>> str(err)
"principal: must be positive (got '-5')"
>>> err.argument
'principal'
"""

from __future__ import annotations

__all__ = [
    "BnplError",
    "ConvergenceError",
    "CurrencyMismatchError",
    "InvalidArgumentError",
    "InvalidTermsError",
    "NoSolutionError",
    "RestructureNotAllowedError",
]

_MISSING = object()


class BnplError(Exception):
    """Base class of every error raised by bnpl_restructure."""


class InvalidArgumentError(BnplError, ValueError):
    """An argument has a wrong type or a value outside what is allowed.

    Parameters
    ----------
    argument
        The name of the argument, as the caller wrote it (``"principal"``,
        ``"rounding.payment"``).
    message
        What is allowed, phrased to follow the argument name.
    received
        The value received; shown with ``repr`` in the message.
    """

    def __init__(self, argument: str, message: str, *, received: object = _MISSING) -> None:
        self.argument = argument
        self.message = message
        self._received = received
        self.received = None if received is _MISSING else received
        text = f"{argument}: {message}"
        if received is not _MISSING:
            text += f" (got {received!r})"
        super().__init__(text)

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # picklable and copyable (errors cross process boundaries in batch runs)
        return (_rebuild, (type(self), self.argument, self.message, self._received))


def _rebuild(cls: type[InvalidArgumentError], argument: str, message: str,
             received: object) -> InvalidArgumentError:
    return cls(argument, message, received=received)


class InvalidTermsError(InvalidArgumentError):
    """Arguments that are each valid but do not make a loan together
    (a first due date before the start, a balloon larger than the principal)."""


class CurrencyMismatchError(InvalidArgumentError):
    """Two amounts that must share a currency do not."""


class RestructureNotAllowedError(BnplError):
    """A restructuring request that the loan's position or the policy forbids."""


class NoSolutionError(BnplError, ArithmeticError):
    """An equation (a rate, a payment, a term) has no solution for these inputs."""


class ConvergenceError(NoSolutionError):
    """A numerical solver stopped before reaching its tolerance."""
