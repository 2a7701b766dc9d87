"""Adjustable rates: rate changes on dates, the payment re-cast at each change, payment
caps with negative amortization, rate floors and ceilings, step-up and step-down rates.

An adjustable-rate loan is an annuity whose rate changes during its life. It compiles, like
every product, to one period program run by the core kernel
(:func:`~bnpl_restructure.core.run_single`); this module only decides what each period of
the program is:

- a :class:`RatePath` says when the rate changes and to what: explicit new annual rates
  (a step-up or step-down plan) or an index value plus the path's margin, limited by the
  path's caps (the change allowed at one adjustment, a floor and a ceiling) and, for an
  indexed rate, rounded as the lender rounds it (to 1/8 point, say);
- :func:`adjustable` compiles the loan segment by segment. The periods before the first
  change are charged the initial rate and pay its level payment. At each change the
  program so far is run through the kernel to find the balance then outstanding, and the
  payment is **re-cast**: the level payment of that balance over the installments that
  remain, at the new rate (the library's level payment and rounding policy), limited by
  the **payment cap** (at most ``(1 + cap)`` and at least ``(1 − cap)`` times the payment
  before). When a capped payment does not cover a period's interest, the unpaid interest
  is capitalized (:attr:`~bnpl_restructure.core.UnpaidInterest.CAPITALIZE`: **negative
  amortization**); with ``negative_amortization=False`` the cap gives way instead and the
  payment is raised to cover the interest. The last installment pays off what remains.

The result is an :class:`AdjustableSchedule`: the :class:`~bnpl_restructure.schedule.Schedule`
of the complete program (its ``source`` is the program, so servicing and restructuring
take it like any schedule), the annual rate in effect in each row, which rows pay a capped
payment, and one :class:`Adjustment` record per change.

When a change takes effect
    A change given by date applies to every period that **begins on or after** that date
    (a period begins at the previous due date, the first at ``start``); a change given by
    installment number applies from that installment. The payment is re-cast for the
    same installment: the first installment charged the new rate is the first one that
    pays the new payment.

Examples
--------
A step-up plan: 6% for the first year, 8% from the 13th installment, the payment re-cast
on the balance then outstanding:

>>> loan = adjustable("10000", installments=24, start="2024-01-01", annual_rate="6%",
...                   changes={13: "8%"}, currency="USD")
>>> [str(loan.schedule[k].payment) for k in (0, 11, 12, 23)]
['443.21', '443.21', '447.95', '447.95']
>>> loan.adjustments[0]
<Adjustment from #13 (2025-02-01) at 8%: balance 5,149.53, payment 447.95>
>>> loan.rates[11:13]
(Fraction(3, 50), Fraction(2, 25))
"""

from __future__ import annotations

import bisect
import enum
import html
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ._context import LIBRARY_CONTEXT, in_library_context
from .calendar import parse_date
from .core import PaymentRule, Period, Program, UnpaidInterest, run_single
from .errors import InvalidArgumentError, InvalidTermsError, parse_enum
from .money import Currency, format_money, parse_money
from .plans import LastInstallment, Plan, _level_payment
from .rates import parse_rate
from .rounding import BalancePrecision, RoundingMode, RoundingPolicy, round_ratio
from .schedule import Installment, Schedule

__all__ = [
    "AdjustableSchedule",
    "Adjustment",
    "RateChange",
    "RatePath",
    "Recast",
    "adjustable",
    "capped_payment",
]

_ONE = Fraction(1)
_AMOUNT, _PAYOFF, _FIXED = PaymentRule.AMOUNT, PaymentRule.PAYOFF, PaymentRule.FIXED


class Recast(enum.Enum):
    """When the payment is recomputed.

    ``AT_EACH_CHANGE`` (default): at every rate change, the level payment of the balance
    then outstanding over the installments that remain, at the new rate (limited by the
    payment cap, if any).
    ``NEVER``: the initial level payment is kept throughout; a rate change only moves the
    split between interest and principal, and the last installment pays off what remains
    (more than the others after a rise, less after a fall).
    """

    AT_EACH_CHANGE = "at_each_change"
    NEVER = "never"


# ------------------------------------------------------------------------- reading input


def _signed_rate(value: Any, *, argument: str) -> Fraction:
    """A rate that may be negative (an index such as EURIBOR has been): ``parse_rate``
    of its magnitude, with the sign put back."""
    if isinstance(value, str) and value.strip().startswith("-"):
        return -parse_rate(value.strip()[1:], argument=argument)
    if isinstance(value, int | Decimal | Fraction | float) and not isinstance(value, bool) \
            and not (isinstance(value, Decimal) and value.is_nan()) and value < 0:
        return -parse_rate(-value, argument=argument)
    return parse_rate(value, argument=argument)


def _unit_fraction(value: Any, *, argument: str) -> Fraction:
    """A fraction in [0, 1): a cap given as ``"7.5%"``, ``"0.075"`` or a number."""
    fraction = parse_rate(value, argument=argument)
    if fraction >= 1:
        raise InvalidArgumentError(argument, "must be a fraction in [0, 1) such as '7.5%' "
                                   "or '0.075'", received=value)
    return fraction


def _optional(value: Any, *, argument: str) -> Fraction | None:
    return None if value is None else _unit_fraction(value, argument=argument)


def _exactly_one(argument: str, values: tuple[Any, Any], what: str) -> None:
    if (values[0] is None) == (values[1] is None):
        raise InvalidArgumentError(argument, f"give {what}, exactly one", received=values)


def _percent(rate: Fraction) -> str:
    """A rate shown as a percentage, up to 4 decimals (``Fraction(21, 200)`` → ``10.5%``)."""
    value = LIBRARY_CONTEXT.divide(Decimal(rate.numerator * 100), Decimal(rate.denominator))
    value = value.quantize(Decimal("0.0001"), context=LIBRARY_CONTEXT)
    return f"{value.normalize(LIBRARY_CONTEXT):f}%"


# ------------------------------------------------------------------------ the rate path


@dataclass(frozen=True, slots=True, kw_only=True)
class RateChange:
    """One change of the rate: when it takes effect and what sets the new rate.

    Parameters
    ----------
    effective
        The date it takes effect (a ``date`` or ISO string): the new rate is charged for
        every period that begins on or after it. Give this or ``from_installment``.
    from_installment
        The first installment (numbered from 1) charged the new rate; at least 2.
    annual_rate
        The new nominal annual rate (``"9%"``, ``"0.09"``): a step-up or step-down plan.
        Give this or ``index``.
    index
        The index value (a rate, which may be negative: ``"-0.25%"``): the new rate is
        ``index + margin`` of the :class:`RatePath`, rounded by its rate rounding.

    Raises
    ------
    InvalidArgumentError
        Neither or both of ``effective`` and ``from_installment`` (or of ``annual_rate``
        and ``index``); ``effective`` not a date; ``from_installment`` not a whole number
        of 2 or more; ``annual_rate`` or ``index`` not a rate (NaN, infinity, text).

    Examples
    --------
    >>> RateChange(from_installment=13, annual_rate="9%")
    RateChange(from installment 13: 9%)
    >>> RateChange(effective="2025-01-01", index="4.85%")
    RateChange(effective 2025-01-01: index 4.85%)
    """

    effective: date | None = None
    from_installment: int | None = None
    annual_rate: Fraction | None = None
    index: Fraction | None = None

    def __post_init__(self) -> None:
        _exactly_one("effective", (self.effective, self.from_installment), "the date a "
                     "change takes effect or the installment it applies from "
                     "(from_installment)")
        if self.effective is not None:
            object.__setattr__(self, "effective",
                               parse_date(self.effective, argument="effective"))
        else:
            number = self.from_installment
            if isinstance(number, bool) or not isinstance(number, int) or number < 2:
                raise InvalidArgumentError("from_installment", "must be an installment "
                                           "number of 2 or more (the first installment "
                                           "is charged the initial rate)", received=number)
        _exactly_one("annual_rate", (self.annual_rate, self.index), "the new annual rate "
                     "or an index value (the rate is then index + margin)")
        if self.annual_rate is not None:
            object.__setattr__(self, "annual_rate",
                               parse_rate(self.annual_rate, argument="annual_rate"))
        else:
            object.__setattr__(self, "index", _signed_rate(self.index, argument="index"))

    @property
    def _when(self) -> date | int:
        return self.effective if self.effective is not None else \
            self.from_installment  # type: ignore[return-value]  # one of the two is set

    def __repr__(self) -> str:
        when = f"effective {self.effective.isoformat()}" if self.effective is not None \
            else f"from installment {self.from_installment}"
        what = _percent(self.annual_rate) if self.annual_rate is not None else \
            f"index {_percent(self.index)}"  # type: ignore[arg-type]  # one of the two
        return f"RateChange({when}: {what})"


def _change(key: Any, value: Any, *, kind: str, argument: str) -> RateChange:
    """A :class:`RateChange` from a mapping's key (a date or an installment number) and
    value (a rate or an index value), errors naming ``argument``."""
    when = "from_installment" if isinstance(key, int) and not isinstance(key, bool) \
        else "effective"
    try:
        return RateChange(**{when: key, kind: value})
    except InvalidArgumentError as exc:
        raise type(exc)(f"{argument}.{exc.argument}", exc.message,
                        received=exc.received) from None


def _changes(entries: Mapping[Any, Any] | Iterable[Any], *, kind: str
             ) -> tuple[RateChange, ...]:
    """Changes from a mapping ``{when: value}``, pairs ``(when, value)`` or
    :class:`RateChange` objects."""
    if isinstance(entries, Mapping):
        return tuple(_change(key, value, kind=kind, argument=f"changes[{key!r}]")
                     for key, value in entries.items())
    if isinstance(entries, str | bytes) or not isinstance(entries, Iterable):
        raise InvalidArgumentError("changes", "must be a RatePath, a mapping {date or "
                                   "installment: rate}, pairs (date or installment, rate) "
                                   "or RateChange objects", received=entries)
    found: list[RateChange] = []
    for k, entry in enumerate(entries):
        if isinstance(entry, RateChange):
            found.append(entry)
        elif isinstance(entry, Sequence) and not isinstance(entry, str) and len(entry) == 2:
            found.append(_change(entry[0], entry[1], kind=kind, argument=f"changes[{k}]"))
        else:
            raise InvalidArgumentError(f"changes[{k}]", "must be a RateChange or a pair "
                                       "(date or installment, rate)", received=entry)
    return tuple(found)


@dataclass(frozen=True, slots=True, kw_only=True)
class RatePath:
    """The path of an adjustable rate: its changes and the limits on them.

    Build one with :meth:`steps` (explicit rates) or :meth:`indexed` (index + margin), or
    directly from :class:`RateChange` objects. Rates and caps are read like every rate of
    the library (``"2%"``, ``"0.02"``, ``Decimal``, ``Fraction``) and held as exact
    fractions.

    Parameters
    ----------
    changes
        The changes in time order, all given by date or all by installment number
        (strictly increasing).
    margin
        Added to each change's index value (required when a change gives an index).
    first_cap
        The largest change of the rate at the first adjustment, up or down (``"2%"`` is
        two percentage points); default ``periodic_cap``.
    periodic_cap
        The largest change of the rate at any adjustment, up or down, from the rate
        before it.
    lifetime_cap
        The largest rise over the initial rate over the life of the loan.
    floor, ceiling
        The lowest and highest rate ever charged. A rate is never below zero.
    rate_rounding_step, rate_rounding_mode
        An indexed rate (index + margin) is rounded to a multiple of the step
        (``"0.125%"``: the nearest one-eighth of a point) by the mode (default
        ``half_up``: to the nearest); ``None`` (default) leaves it as computed.
        Explicit rates are taken as given.

    Raises
    ------
    InvalidArgumentError, InvalidTermsError
        Naming the argument: a change given twice or out of order, changes by date mixed
        with changes by installment, a cap outside [0, 1), a floor above the ceiling, an
        index without a margin or a margin without an index.

    Notes
    -----
    Each new rate is, in order: the explicit rate, or index + margin rounded by the rate
    rounding; then limited to the change the adjustment's cap allows from the rate
    before; then to the floor and the ceiling (the lower of ``ceiling`` and the initial
    rate + ``lifetime_cap``), which prevail; then to zero at least. This is the order of
    the usual adjustable-rate note ("round the result to the nearest one-eighth of one
    percentage point … Subject to the limits stated …, this rounded amount will be my new
    interest rate").

    Examples
    --------
    >>> path = RatePath.indexed({13: "7%", 25: "8.5%"}, margin="2%", periodic_cap="1%")
    >>> path.applied_rates(Fraction(7, 100))  # 9% capped at 8%, 10.5% at 9%
    (Fraction(2, 25), Fraction(9, 100))
    """

    changes: tuple[RateChange, ...] = ()
    margin: Fraction | None = None
    first_cap: Fraction | None = None
    periodic_cap: Fraction | None = None
    lifetime_cap: Fraction | None = None
    floor: Fraction | None = None
    ceiling: Fraction | None = None
    rate_rounding_step: Fraction | None = None
    rate_rounding_mode: RoundingMode = RoundingMode.HALF_UP

    def __post_init__(self) -> None:
        changes = _changes(self.changes, kind="annual_rate")
        object.__setattr__(self, "changes", changes)
        by_date = [change.effective is not None for change in changes]
        if changes and len(set(by_date)) > 1:
            k = by_date.index(not by_date[0])
            raise InvalidArgumentError(f"changes[{k}]", "must be given like changes[0] "
                                       "(all by date or all by installment number)",
                                       received=changes[k])
        for k in range(1, len(changes)):
            before, now = changes[k - 1]._when, changes[k]._when
            if now <= before:  # type: ignore[operator]  # both dates or both ints
                raise InvalidTermsError(f"changes[{k}]", f"must come after changes[{k - 1}] "
                                        f"({changes[k - 1]!r}): changes in time order, one "
                                        "per date or installment", received=changes[k])
        indexed = any(change.index is not None for change in changes)
        if self.margin is not None:
            object.__setattr__(self, "margin", _signed_rate(self.margin, argument="margin"))
            if not indexed:
                raise InvalidArgumentError("margin", "applies to index values; no change "
                                           "gives an index (give RateChange(index=...) or "
                                           "use RatePath.indexed)", received=self.margin)
        elif indexed:
            k = next(k for k, change in enumerate(changes) if change.index is not None)
            raise InvalidArgumentError("margin", f"is required: changes[{k}] gives an index "
                                       "value, and the rate is index + margin",
                                       received=None)
        for name in ("first_cap", "periodic_cap", "lifetime_cap", "floor", "ceiling"):
            object.__setattr__(self, name, _optional(getattr(self, name), argument=name))
        if self.floor is not None and self.ceiling is not None and self.floor > self.ceiling:
            raise InvalidTermsError("floor", f"must not be above the ceiling "
                                    f"({_percent(self.ceiling)})", received=self.floor)
        if self.rate_rounding_step is not None:
            step = parse_rate(self.rate_rounding_step, argument="rate_rounding_step")
            if step == 0:
                raise InvalidArgumentError("rate_rounding_step", "must be positive (or None "
                                           "to leave the rate as computed)",
                                           received=self.rate_rounding_step)
            object.__setattr__(self, "rate_rounding_step", step)
        object.__setattr__(self, "rate_rounding_mode", RoundingMode.parse(
            self.rate_rounding_mode, argument="rate_rounding_mode"))

    @classmethod
    def steps(cls, rates: Mapping[Any, Any] | Iterable[Any], **limits: Any) -> RatePath:
        """Explicit new rates: ``{date or installment number: annual rate}`` (or pairs).

        ``limits`` are the other fields (``floor``, ``ceiling``, ``periodic_cap``, ...).

        Raises
        ------
        InvalidArgumentError, InvalidTermsError
            As :class:`RatePath`; an entry of ``rates`` that is not a pair or a
            :class:`RateChange` is named ``changes[k]``.

        Examples
        --------
        >>> RatePath.steps({"2025-01-01": "5%", "2026-01-01": "6%"}).changes[1]
        RateChange(effective 2026-01-01: 6%)
        """
        return cls(changes=_changes(rates, kind="annual_rate"), **limits)

    @classmethod
    def indexed(cls, index: Mapping[Any, Any] | Iterable[Any], *, margin: Any,
                **limits: Any) -> RatePath:
        """Index values ``{date or installment number: index}`` (or pairs); each new rate
        is ``index + margin``, rounded and limited as the other fields say.

        Raises
        ------
        InvalidArgumentError, InvalidTermsError
            As :class:`RatePath`; an entry of ``index`` that is not a pair or a
            :class:`RateChange` is named ``changes[k]``.

        Examples
        --------
        >>> path = RatePath.indexed({"2025-01-01": "5.33%", "2026-01-01": "5.3%"},
        ...                         margin="2.75%", rate_rounding_step="0.125%")
        >>> path.applied_rates(Fraction(6, 100))  # 8.08% -> 8.125%, 8.05% -> 8%
        (Fraction(13, 160), Fraction(2, 25))
        """
        return cls(changes=_changes(index, kind="index"), margin=margin, **limits)

    def _ceiling(self, initial: Fraction) -> Fraction | None:
        ceilings = [c for c in (self.ceiling, None if self.lifetime_cap is None
                                else initial + self.lifetime_cap) if c is not None]
        return min(ceilings) if ceilings else None

    def applied_rates(self, initial_rate: Fraction) -> tuple[Fraction, ...]:
        """The annual rate each change sets, after the rate rounding and the caps, for a
        loan whose initial annual rate is ``initial_rate`` (exact fractions).

        Raises
        ------
        InvalidArgumentError
            ``initial_rate`` is not a rate (negative, NaN, text that is not a number).
        InvalidTermsError
            ``annual_rate`` when the initial rate is above the path's ceiling, ``floor``
            when the floor is above the ceiling the lifetime cap sets.
        """
        initial_rate = parse_rate(initial_rate, argument="initial_rate")
        ceiling = self._ceiling(initial_rate)
        if ceiling is not None and initial_rate > ceiling:
            raise InvalidTermsError("annual_rate", f"must not be above the rate path's "
                                    f"ceiling ({_percent(ceiling)})",
                                    received=_percent(initial_rate))
        if self.floor is not None and ceiling is not None and self.floor > ceiling:
            raise InvalidTermsError("floor", f"must not be above the ceiling the lifetime "
                                    f"cap sets ({_percent(ceiling)})",
                                    received=_percent(self.floor))
        rates: list[Fraction] = []
        previous = initial_rate
        for k, change in enumerate(self.changes):
            if change.annual_rate is not None:
                rate = change.annual_rate
            else:
                rate = change.index + self.margin  # type: ignore[operator]  # checked
                step = self.rate_rounding_step
                if step is not None:
                    ratio = rate / step
                    rate = round_ratio(ratio.numerator, ratio.denominator,
                                       self.rate_rounding_mode) * step
            cap = self.first_cap if k == 0 and self.first_cap is not None else \
                self.periodic_cap
            if cap is not None:
                rate = min(max(rate, previous - cap), previous + cap)
            if ceiling is not None:
                rate = min(rate, ceiling)
            if self.floor is not None:
                rate = max(rate, self.floor)
            rate = max(rate, Fraction(0))
            rates.append(rate)
            previous = rate
        return tuple(rates)


def _as_path(changes: Any) -> RatePath:
    if changes is None:
        return RatePath()
    if isinstance(changes, RatePath):
        return changes
    return RatePath(changes=_changes(changes, kind="annual_rate"))


# ----------------------------------------------------------------------- payment caps


def _capped(previous: int, recast: int, cap: Fraction, *, mode: RoundingMode,
            increment: int) -> int:
    """``recast`` limited to ``previous × (1 ± cap)``, each bound rounded to a multiple
    of ``increment`` minor units by ``mode``."""
    bounds = []
    for factor in (_ONE - cap, _ONE + cap):
        bounds.append(round_ratio(previous * factor.numerator,
                                  factor.denominator * increment, mode) * increment)
    low, high = bounds
    return min(max(recast, low), high)


@in_library_context
def capped_payment(previous: Any, recast: Any, *, payment_cap: Any, currency: Any = "CNY",
                   rounding: RoundingPolicy | None = None) -> Decimal:
    """The payment a payment cap allows: ``recast`` limited to at most
    ``previous × (1 + payment_cap)`` and at least ``previous × (1 − payment_cap)``, each
    bound rounded like a level payment (``rounding.payment``, to ``rounding.increment``).

    This is the rule :func:`adjustable` applies at each re-cast.

    Parameters
    ----------
    previous
        The payment before the change (major units).
    recast
        The payment the change would set without a cap (major units).
    payment_cap
        The cap as a fraction in [0, 1): ``"7.5%"`` or ``"0.075"``.
    currency, rounding
        As for a plan.

    Raises
    ------
    InvalidArgumentError
        ``previous`` or ``recast`` is not an amount of ``currency`` (negative, NaN, too
        many decimals); ``payment_cap`` is not a fraction in [0, 1); ``currency`` is
        unknown; ``rounding`` is not a :class:`~bnpl_restructure.rounding.RoundingPolicy`.

    References
    ----------
    LendingTree, "What is payment caps": a $500 payment with a 7.5% cap "can only raise
    $37.50 … $537.50. At the next adjustment it can only raise $40.31 (which is 7.5
    percent of $537.50)".

    Examples
    --------
    >>> capped_payment("500", "650", payment_cap="7.5%", currency="USD")
    Decimal('537.50')
    >>> capped_payment("537.50", "650", payment_cap="7.5%", currency="USD")
    Decimal('577.81')
    >>> capped_payment("500", "420", payment_cap="7.5%", currency="USD")  # a fall, limited
    Decimal('462.50')
    """
    cur = Currency.of(currency)
    policy = _policy(rounding)
    cap = _unit_fraction(payment_cap, argument="payment_cap")
    before = parse_money(previous, cur, argument="previous", allow_zero=True)
    wanted = parse_money(recast, cur, argument="recast", allow_zero=True)
    return cur.to_major(_capped(before, wanted, cap, mode=policy.payment,
                                increment=policy.increment_in(cur)))


def _policy(rounding: Any) -> RoundingPolicy:
    if rounding is None:
        return RoundingPolicy()
    if not isinstance(rounding, RoundingPolicy):
        raise InvalidArgumentError("rounding", "must be a RoundingPolicy", received=rounding)
    return rounding


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True, kw_only=True)
class Adjustment:
    """One rate change as it was applied (money in major units).

    ``number`` and ``due_date`` are those of the first installment charged the new rate
    and paying the new payment; ``balance`` is the principal balance outstanding at the
    change; ``level_payment`` the re-cast payment before the cap (``None`` when the
    payment is not re-cast); ``payment`` the payment from then on; ``capped`` whether the
    cap limited it; ``raised_to_interest`` whether it was raised to cover the interest
    (``negative_amortization=False``).
    """

    number: int
    due_date: date
    annual_rate: Fraction
    balance: Decimal
    level_payment: Decimal | None
    payment: Decimal
    capped: bool
    raised_to_interest: bool

    def __repr__(self) -> str:
        notes = "; ".join(note for flag, note in (
            (self.capped, f"capped from {self.level_payment:,}"),
            (self.raised_to_interest, "raised to the interest")) if flag)
        return (f"<Adjustment from #{self.number} ({self.due_date.isoformat()}) at "
                f"{_percent(self.annual_rate)}: balance {self.balance:,}, payment "
                f"{self.payment:,}{f' ({notes})' if notes else ''}>")


@dataclass(frozen=True, slots=True, kw_only=True)
class AdjustableSchedule:
    """An adjustable-rate loan's schedule with what set each row's payment.

    Attributes
    ----------
    schedule
        The :class:`~bnpl_restructure.schedule.Schedule` of the complete program
        (``schedule.program`` is the program the kernel ran).
    rates
        The nominal annual rate in effect in each row (exact fractions).
    capped
        Whether each row's payment is one the payment cap limited.
    adjustments
        One :class:`Adjustment` per rate change, in order.
    """

    schedule: Schedule
    rates: tuple[Fraction, ...]
    capped: tuple[bool, ...]
    adjustments: tuple[Adjustment, ...]

    @property
    def program(self) -> Program:
        """The period program the kernel ran."""
        program = self.schedule.program
        assert program is not None  # built from a program
        return program

    @property
    def negative_amortization(self) -> Decimal:
        """The interest capitalized over the life of the loan (major units)."""
        return self.schedule.currency.to_major(sum(self.schedule.capitalized))

    def __len__(self) -> int:
        return len(self.schedule)

    def __iter__(self) -> Iterator[Installment]:
        return iter(self.schedule)

    def __repr__(self) -> str:
        s = self.schedule
        path = [_percent(r) for k, r in enumerate(self.rates) if k == 0 or r != self.rates[k - 1]]
        shown = " → ".join(path if len(path) <= 5 else [*path[:2], "…", *path[-2:]])
        capped = sum(a.capped for a in self.adjustments)
        extra = f" · negative amortization {self.negative_amortization:,}" \
            if any(s.capitalized) else ""
        return (f"<AdjustableSchedule {s.currency.code} {format_money(s.principal, s.currency)}"
                f" · {len(s)} installments {s.due_dates[0].isoformat()}.."
                f"{s.due_dates[-1].isoformat()} · rates {shown} · {len(self.adjustments)} "
                f"adjustments, {capped} capped{extra} · total of payments "
                f"{format_money(sum(s.payment), s.currency)}>")

    def _cells(self) -> tuple[list[str], list[list[str]]]:
        s = self.schedule

        def fmt(minor: int) -> str:
            return format_money(minor, s.currency)

        header = ["#", "due date", "rate", "payment", "principal", "interest", "capitalized",
                  "balance", "capped"]
        body = [[str(s.first_number + k), s.due_dates[k].isoformat(), _percent(self.rates[k]),
                 fmt(s.payment[k]), fmt(s.principal_paid[k]), fmt(s.interest[k]),
                 fmt(s.capitalized[k]), fmt(s.balance[k]), "capped" if self.capped[k] else ""]
                for k in range(len(s))]
        return header, body

    def to_text(self) -> str:
        """A plain-text table: each row's rate, money and whether its payment is capped."""
        header, body = self._cells()
        widths = [max(len(row[i]) for row in (header, *body)) for i in range(len(header))]
        return "\n".join("  ".join(cell.ljust(width) if i in (1, 8) else cell.rjust(width)
                                   for i, (cell, width) in enumerate(zip(row, widths,
                                                                         strict=True))).rstrip()
                         for row in (header, *body))

    def _repr_html_(self) -> str:
        header, body = self._cells()
        esc = html.escape
        head = "".join(f"<th>{esc(cell)}</th>" for cell in header)
        rows = "".join("<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>"
                       for row in body)
        return (f"<div><p>{esc(repr(self))}</p><table><thead><tr>{head}</tr></thead>"
                f"<tbody>{rows}</tbody></table></div>")


# ---------------------------------------------------------------------------- compiling


def _first_periods(path: RatePath, plan: Plan) -> list[int]:
    """The index (from 0) of the first period each change applies to, validated against
    the loan's dates."""
    n = plan.installments
    begins = (plan.start, *plan.due_dates[:-1])
    found: list[int] = []
    for k, change in enumerate(path.changes):
        if change.effective is not None:
            day = change.effective
            if day <= plan.start:
                raise InvalidTermsError(f"changes[{k}].effective", "must be after start "
                                        f"({plan.start.isoformat()})", received=day.isoformat())
            first = bisect.bisect_left(begins, day)
            if first >= n:
                raise InvalidTermsError(
                    f"changes[{k}].effective", "must be on or before "
                    f"{begins[-1].isoformat()}, when the last period begins (the last "
                    f"due date is {plan.due_dates[-1].isoformat()}): a later change applies "
                    "to no period", received=day.isoformat())
            if found and found[-1] == first:
                raise InvalidTermsError(
                    f"changes[{k}].effective", f"takes effect from installment {first + 1}, "
                    f"as changes[{k - 1}] does (a change applies to the periods that begin on "
                    "or after its date): one change per period", received=day.isoformat())
        else:
            first = change.from_installment - 1  # type: ignore[operator]  # set
            if first >= n:
                raise InvalidTermsError(f"changes[{k}].from_installment", f"must be at most "
                                        f"{n}, the number of installments",
                                        received=first + 1)
        found.append(first)
    return found


@in_library_context
def adjustable(principal: Any, *, installments: int | str, start: Any, annual_rate: Any,
               changes: RatePath | Mapping[Any, Any] | Iterable[Any] | None = None,
               first_due: Any = None, frequency: Any = "monthly", currency: Any = "CNY",
               day_count: Any = "per_period", odd_days: Any = "charge", fee: Any = 0,
               rounding: RoundingPolicy | None = None, recast: Recast | str = "at_each_change",
               payment_cap: Any = None, negative_amortization: bool = True,
               last_installment: Any = "payoff") -> AdjustableSchedule:
    """An adjustable-rate (or step-rate) annuity, compiled to one program for the core.

    Parameters
    ----------
    principal
        Amount financed in major units.
    installments, start, first_due, frequency, currency, day_count, odd_days, fee
        As for :meth:`Plan.annuity <bnpl_restructure.plans.Plan.annuity>`; every period's
        interest factor is the plan's own (its day count and odd-days rule) at the rate in
        effect in that period.
    annual_rate
        The initial nominal annual rate (``"7%"``).
    changes
        A :class:`RatePath`, or explicit new rates ``{date or installment number: annual
        rate}`` (a step-up or step-down plan), or pairs, or :class:`RateChange` objects.
        ``None`` (default): a fixed rate, the schedule of ``Plan.annuity``.
    rounding
        :class:`~bnpl_restructure.rounding.RoundingPolicy`: each payment (initial and
        re-cast) is a level payment rounded by ``rounding.payment`` to
        ``rounding.increment``, and so are the payment cap's bounds; interest is rounded
        by ``rounding.interest``. Only ``balance="rounded"`` (the default) is supported.
    recast
        :class:`Recast`: ``"at_each_change"`` (default) or ``"never"``.
    payment_cap
        A fraction in [0, 1) (``"7.5%"``): a re-cast payment is at most
        ``(1 + payment_cap)`` and at least ``(1 − payment_cap)`` times the payment
        before it (:func:`capped_payment`). ``None`` (default): no cap.
    negative_amortization
        ``True`` (default): interest a capped payment leaves unpaid is capitalized (added
        to the balance, on which it then earns interest). ``False``: the cap gives way
        where it would leave interest unpaid: the payment is raised to the largest
        interest of the periods until the next change on the balance at the change (to a
        multiple of the increment, rounded up), so the balance never grows.
    last_installment
        ``"payoff"`` (default): the last installment pays off what remains (after
        negative amortization, possibly much more than the others). ``"level"``: it is
        the payment in effect too, and what remains is left as the schedule's
        ``closing_balance``.

    Returns
    -------
    AdjustableSchedule

    Raises
    ------
    InvalidArgumentError, InvalidTermsError
        Naming the argument: those of ``Plan.annuity``; a change before or at ``start``
        or after the last period begins, or two changes for one period
        (``changes[k].effective``, ``changes[k].from_installment``); a payment cap
        outside [0, 1) or without re-casts; the path's own errors (:class:`RatePath`).

    References
    ----------
    Brueggeman & Fisher, *Real Estate Finance and Investments*, chapter "Adjustable Rate
    and Variable Payment Mortgages": payments re-set yearly as the level payment of the
    balance over the remaining term at the new rate, a 5% payment cap and negative
    amortization (``tests/test_adjustable.py`` reproduces the worked problem).
    12 CFR 1026.19(b) and Appendix H-4(C) (variable-rate disclosures: payment caps,
    negative amortization).

    Examples
    --------
    >>> loan = adjustable("150000", installments=360, start="2024-01-01", annual_rate="7%",
    ...                   currency="USD", payment_cap="5%",
    ...                   changes=RatePath.indexed({13: "7%", 25: "8.5%"}, margin="2%"))
    >>> [(str(a.level_payment), str(a.payment)) for a in loan.adjustments]
    [('1202.89', '1047.85'), ('1380.27', '1100.24')]
    >>> loan.capped[11:13], loan.schedule.capitalized[12] > 0
    ((False, True), True)
    """
    path = _as_path(changes)
    initial = parse_rate(annual_rate, argument="annual_rate")
    policy = _policy(rounding)
    if policy.balance is not BalancePrecision.ROUNDED:
        raise InvalidArgumentError(
            "rounding.balance", "an adjustable schedule carries a rounded balance (its "
            "payments are re-cast on the balance outstanding); only 'rounded' is "
            "supported", received=policy.balance.value)
    plan = Plan.annuity(principal, installments=installments, start=start,
                        annual_rate=initial, first_due=first_due, frequency=frequency,
                        currency=currency, day_count=day_count, odd_days=odd_days, fee=fee,
                        rounding=policy, last_installment=last_installment)
    how = parse_enum(Recast, recast, argument="recast")
    cap = _optional(payment_cap, argument="payment_cap")
    if cap is not None and how is Recast.NEVER:
        raise InvalidArgumentError("payment_cap", "limits a re-cast payment; with "
                                   "recast='never' the payment never changes",
                                   received=payment_cap)
    if not isinstance(negative_amortization, bool):
        raise InvalidArgumentError("negative_amortization", "must be True or False",
                                   received=negative_amortization)
    firsts = _first_periods(path, plan)
    rates = path.applied_rates(initial)
    return _compile(plan, initial, list(zip(firsts, rates, strict=True)), how=how, cap=cap,
                    negative_amortization=negative_amortization)


def _compile(plan: Plan, initial: Fraction, changes: list[tuple[int, Fraction]], *,
             how: Recast, cap: Fraction | None, negative_amortization: bool
             ) -> AdjustableSchedule:
    """Compile segment by segment: run the program so far through the kernel for the
    balance at each change, re-cast, extend the program; run the whole once more."""
    policy, currency, n = plan.rounding, plan.currency, plan.installments
    increment = policy.increment_in(currency)
    per_year = plan.frequency.periods_per_year
    factors_at: dict[Fraction, tuple[Fraction, ...]] = {initial: plan.factors()}

    def factors(rate: Fraction) -> tuple[Fraction, ...]:
        if rate not in factors_at:  # the plan's own day count and odd days at this rate
            factors_at[rate] = replace(plan, periodic_rate=rate / per_year).factors()
        return factors_at[rate]

    unpaid = UnpaidInterest.CAPITALIZE if negative_amortization else UnpaidInterest.CARRY
    last_rule = _FIXED if plan.last_installment is LastInstallment.LEVEL else _PAYOFF
    bounds = [0, *(first for first, _ in changes), n]
    rates = [initial, *(rate for _, rate in changes)]
    periods: list[Period] = []
    row_rates: list[Fraction] = []
    row_capped: list[bool] = []
    adjustments: list[Adjustment] = []
    payment = plan.level_payment()
    for segment, rate in enumerate(rates):
        lo, hi = bounds[segment], bounds[segment + 1]
        capped = False
        if segment:
            so_far = run_single(Program(principal=plan.principal, periods=tuple(periods),
                                        interest_rounding=policy.interest,
                                        payment_rounding=policy.payment))
            balance, arrears = so_far.balance[-1], so_far.arrears[-1]
            level = None
            if how is Recast.AT_EACH_CHANGE:
                level = _level_payment(balance, factors(rate)[lo:], mode=policy.payment,
                                       balloon=0, increment=increment)
                new = level if cap is None else _capped(payment, level, cap,
                                                        mode=policy.payment,
                                                        increment=increment)
                capped = new != level
                payment = new
            raised = False
            if not negative_amortization:
                interest = max(round_ratio(balance * f.numerator, f.denominator,
                                           policy.interest) for f in factors(rate)[lo:hi])
                needed = round_ratio(arrears + interest, increment, RoundingMode.UP) * increment
                if payment < needed:
                    payment, raised = needed, True
            adjustments.append(Adjustment(
                number=lo + 1, due_date=plan.due_dates[lo], annual_rate=rate,
                balance=currency.to_major(balance),
                level_payment=None if level is None else currency.to_major(level),
                payment=currency.to_major(payment), capped=capped, raised_to_interest=raised))
        segment_factors = factors(rate)
        for k in range(lo, hi):
            final = k == n - 1
            periods.append(Period(
                due=plan.due_dates[k], factor=segment_factors[k],
                rule=last_rule if final else _AMOUNT,
                amount=0 if final and last_rule is _PAYOFF else payment, fee=plan.fees[k],
                unpaid=unpaid))
        row_rates.extend([rate] * (hi - lo))
        row_capped.extend([capped] * (hi - lo))
    program = Program(principal=plan.principal, periods=tuple(periods),
                      interest_rounding=policy.interest, payment_rounding=policy.payment)
    cols = run_single(program)
    schedule = Schedule(currency=currency, start=plan.start, principal=plan.principal,
                        due_dates=plan.due_dates, payment=cols.payment,
                        principal_paid=cols.principal, interest=cols.interest, fee=cols.fee,
                        balance=cols.balance, capitalized=cols.capitalized,
                        waived=cols.waived, arrears=cols.arrears, source=program,
                        frequency=plan.frequency)
    return AdjustableSchedule(schedule=schedule, rates=tuple(row_rates),
                              capped=tuple(row_capped), adjustments=tuple(adjustments))
