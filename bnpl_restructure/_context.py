"""The library's own :mod:`decimal` context, so that the caller's never changes a figure.

``decimal`` arithmetic reads the *current* context of the thread: its precision, its
rounding and its traps. A caller who sets ``decimal.getcontext().prec = 10`` or traps
``Inexact`` for their own ledger would otherwise change, or break, the library's figures
(a ``quantize`` beyond the precision raises ``InvalidOperation``, an inexact division
raises ``Inexact``). So every Decimal computation of the library runs in the context
defined here:

- :data:`LIBRARY_CONTEXT` for the public entry points: decorated with
  :func:`in_library_context`, they run with a copy of it as the current context (and
  nested calls, one decorated function calling another, do not switch again);
- explicit context methods (``LIBRARY_CONTEXT.multiply(a, b)``,
  ``x.quantize(q, context=LIBRARY_CONTEXT)``) in small helpers called many times, where
  switching contexts would cost more than the work;
- :func:`make_context` for the few computations that document their own precision (the
  40 digits of :mod:`~bnpl_restructure.rates`, the 50 of :mod:`~bnpl_restructure.regz`,
  the 34 of the lender's NPV in :mod:`~bnpl_restructure.restructure`): the same
  rounding, traps and limits, another precision.

Code that does no Decimal arithmetic (integer minor units and fractions: the plans, the
kernel, the schedules) needs neither, and is not slowed down by a context switch;
``tests/test_decimal_context.py`` runs the public calls under hostile contexts and checks
that no arithmetic reaches the caller's context.

Every field is given explicitly: ``decimal.Context(prec=40)`` alone would copy the
rounding and traps from ``decimal.DefaultContext``, which the caller may have changed too.

This module imports nothing from the package (a leaf: any module may import it).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from contextvars import ContextVar
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    getcontext,
    setcontext,
)
from typing import Final, ParamSpec, TypeVar

__all__ = ["LIBRARY_CONTEXT", "PRECISION", "in_library_context", "make_context"]

PRECISION: Final[int] = 28
"""Significant digits of :data:`LIBRARY_CONTEXT`: 28, Python's own default.

Enough for every computation that is meant to be exact: money has at most 17
significant digits (``MAX_AMOUNT`` is 10**12 major units, at most 4 decimals), and the
sums, differences and small multiples of a plan's amounts a few more. The computations
that are not exact either have their own documented precision (:func:`make_context`:
40 digits for fractional powers of rates, 50 for the Regulation Z APR, 34 for the
lender's NPV) or are quantized at once (solved rates to 12 decimals, percentages to what
is shown). What remains are a few quotients handed back as they are (a
payment-to-income ratio, a fee rate that is not a decimal fraction): 28 digits keeps
them exactly as they were before the library had a context of its own, for every
caller who never changed theirs. A higher precision would only add digits to those.
"""

_TRAPS: Final = (InvalidOperation, DivisionByZero, Overflow)


def make_context(prec: int = PRECISION) -> Context:
    """A new context with the library's settings and ``prec`` significant digits.

    Rounding ``ROUND_HALF_EVEN`` (only the digit beyond ``prec`` of an intermediate
    result: money is rounded by :class:`~bnpl_restructure.rounding.RoundingPolicy`, shown
    rates by explicit quantizes), the default exponent limits, and traps on
    ``InvalidOperation``, ``DivisionByZero`` and ``Overflow`` only: those are defects and
    must raise rather than give NaN or infinity, whereas ``Inexact`` and ``Rounded`` are
    expected of quotients and powers. Nothing is copied from ``decimal.DefaultContext``.

    Examples
    --------
    >>> from decimal import Inexact, InvalidOperation
    >>> ctx = make_context(40)
    >>> ctx.prec, ctx.rounding, ctx.traps[InvalidOperation], ctx.traps[Inexact]
    (40, 'ROUND_HALF_EVEN', True, False)
    """
    return Context(prec=prec, rounding=ROUND_HALF_EVEN, Emin=-999_999, Emax=999_999,
                   capitals=1, clamp=0, flags=[], traps=list(_TRAPS))


LIBRARY_CONTEXT: Final[Context] = make_context()
"""The context every Decimal computation of the library runs in (:func:`make_context`).

Never made current itself (:func:`in_library_context` installs a copy) and never
changed: its flags may be set by explicit method calls such as
``LIBRARY_CONTEXT.divide(a, b)``, and nothing reads them.
"""

# The copy of LIBRARY_CONTEXT that a decorated call made current, so that nested calls
# can tell they are inside one already (a ContextVar: right per thread and per task).
_ACTIVE: ContextVar[Context | None] = ContextVar("bnpl_restructure_decimal_context",
                                                 default=None)

_P = ParamSpec("_P")
_R = TypeVar("_R")


def in_library_context(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Decorate ``function`` to run with a copy of :data:`LIBRARY_CONTEXT` as the current
    decimal context, restoring the caller's afterwards (also when it raises).

    The caller's context is never modified, and the flags raised inside stay inside. A
    call made from inside another decorated call runs in the context already current
    (about 0.1 µs instead of about 1 µs to switch). Generator functions are refused: they
    would run after the context is restored.

    Examples
    --------
    >>> import decimal
    >>> @in_library_context
    ... def third() -> decimal.Decimal:
    ...     return decimal.Decimal(1) / 3
    >>> with decimal.localcontext(decimal.Context(prec=3, traps=[decimal.Inexact])):
    ...     len(str(third()))
    30
    """
    if inspect.isgeneratorfunction(function) or inspect.iscoroutinefunction(function):
        raise TypeError(f"in_library_context cannot wrap {function.__qualname__}: its "
                        "body would run after the context is restored")

    @functools.wraps(function)
    def in_context(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        caller = getcontext()
        if caller is _ACTIVE.get():  # called from a decorated function
            return function(*args, **kwargs)
        own = LIBRARY_CONTEXT.copy()
        own.clear_flags()  # set on LIBRARY_CONTEXT by explicit method calls
        setcontext(own)
        token = _ACTIVE.set(own)
        try:
            return function(*args, **kwargs)
        finally:
            _ACTIVE.reset(token)
            setcontext(caller)

    return in_context
