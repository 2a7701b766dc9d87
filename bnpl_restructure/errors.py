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

import enum
from typing import TypeVar

E = TypeVar("E", bound=enum.Enum)

__all__ = [
    "BnplError",
    "ConvergenceError",
    "CurrencyMismatchError",
    "InvalidArgumentError",
    "InvalidDocumentError",
    "InvalidTermsError",
    "NoSolutionError",
    "RestructureNotAllowedError",
    "parse_enum",
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


def renamed(error: InvalidArgumentError, old: str, new: str) -> InvalidArgumentError:
    """``error`` naming ``new`` where it named ``old`` (or a path into it, such as
    ``old[2]``): for a public function whose argument has another name than the
    helper's that checked it. Any other error is returned as it is."""
    argument = error.argument
    if argument != old and not argument.startswith((f"{old}[", f"{old}.")):
        return error
    copy = type(error)(new + argument[len(old):], error.message, received=error._received)
    copy.__cause__ = error.__cause__
    return copy


class InvalidTermsError(InvalidArgumentError):
    """Arguments that are each valid but do not make a loan together
    (a first due date before the start, a balloon larger than the principal)."""


class InvalidDocumentError(InvalidArgumentError):
    """A stored document is malformed, tampered with, or from a newer version.

    Raised by :mod:`bnpl_restructure.persistence` and every ``from_dict``: ``argument``
    is the path of the offending field inside the document (``"plan.periods[3].amount"``),
    so the message reads ``"plan.periods[3].amount: must be ... (got ...)"``.

    Examples
    --------
    >>> from bnpl_restructure.errors import InvalidDocumentError
    >>> err = InvalidDocumentError("plan.principal", "must be a string of money",
    ...                            received=1200.0)
    >>> str(err)
    'plan.principal: must be a string of money (got 1200.0)'
    >>> err.argument, isinstance(err, ValueError)
    ('plan.principal', True)
    """


class CurrencyMismatchError(InvalidArgumentError):
    """Two amounts that must share a currency do not."""


class RestructureNotAllowedError(BnplError):
    """A restructuring request that the loan's position or the policy forbids."""


class NoSolutionError(BnplError, ArithmeticError):
    """An equation (a rate, a payment, a term) has no solution for these inputs."""


class ConvergenceError(NoSolutionError):
    """A numerical solver stopped before reaching its tolerance."""


_ENUM_NAMES: dict[tuple[type[enum.Enum], str], enum.Enum] = {}


def parse_enum(enum_type: type[E], value: object, *, argument: str) -> E:
    """A member of ``enum_type`` from a member, its value or its name.

    Strings are matched case-insensitively, ignoring surrounding whitespace, with ``-``
    and spaces read as ``_``; anything else raises :class:`InvalidArgumentError` naming
    ``argument`` and listing the accepted values.

    Raises
    ------
    InvalidArgumentError
        Naming ``argument``: ``value`` is not a member of ``enum_type``, its value or its
        name; the message lists the accepted values.

    Examples
    --------
    >>> import enum
    >>> class Side(enum.Enum):
    ...     LAST = "last"
    ...     FIRST = "first"
    >>> parse_enum(Side, " First ", argument="residual")
    <Side.FIRST: 'first'>
    >>> parse_enum(Side, "middle", argument="residual")
    Traceback (most recent call last):
    ...
    bnpl_restructure.errors.InvalidArgumentError: residual: must be a Side or one of ...
    """
    if type(value) is enum_type or isinstance(value, enum_type):
        return value
    if isinstance(value, str):
        found = _ENUM_NAMES.get((enum_type, value))
        if found is not None:
            return found  # type: ignore[return-value]
        key = value.strip().lower()
        spaced = key.replace("-", "_").replace(" ", "_")
        for member in enum_type:
            names = (str(member.value).lower(), member.name.lower())
            if key in names or spaced in names:
                if len(_ENUM_NAMES) < 4096:  # remembered: spellings are few and repeat
                    _ENUM_NAMES[(enum_type, value)] = member
                return member
    allowed = ", ".join(repr(m.value) for m in enum_type)
    article = "an" if enum_type.__name__[0] in "AEIOU" else "a"
    raise InvalidArgumentError(argument, f"must be {article} {enum_type.__name__} or one of "
                               f"{allowed}",
                               received=value)
