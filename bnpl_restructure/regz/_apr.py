"""The APR: Appendix J's general equation solved from the advances and payments."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np

from .._context import in_library_context
from ..calendar import DateLike, parse_date
from ..errors import InvalidArgumentError, NoSolutionError
from ..money import MAX_AMOUNT, AmountLike, to_decimal
from ..schedule import Schedule
from ..solver import solve_rates
from ._amounts import amount_financed
from ._common import (
    _APR_QUANTUM,
    _CONTEXT,
    APR_PLACES,
    Flow,
)
from ._units import UnitPeriod, _choose, _series_day, unit_periods

# --------------------------------------------------------------------------- the APR

def _amount(value: object, argument: str) -> Decimal:
    """An amount in major units, at most :data:`~bnpl_restructure.money.MAX_AMOUNT`
    either way (past it no rate solver can weigh it against the others)."""
    amount = to_decimal(value, argument=argument)  # type: ignore[arg-type]
    if abs(amount) > MAX_AMOUNT:
        raise InvalidArgumentError(argument, f"must be at most {MAX_AMOUNT:,f} (major units)",
                                   received=value)
    return amount


def _flows(items: object, *, argument: str) -> list[Flow]:
    if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        raise InvalidArgumentError(argument, "must be a sequence of (date, amount) pairs",
                                   received=items)
    flows: list[Flow] = []
    for item in items:
        if not isinstance(item, Sequence) or isinstance(item, str) or len(item) != 2:
            raise InvalidArgumentError(argument, "must be a sequence of (date, amount) "
                                       "pairs", received=item)
        when = parse_date(item[0], argument=argument)
        amount = _amount(item[1], argument)
        if amount < 0:
            raise InvalidArgumentError(argument, "amounts must not be negative (major "
                                       "units, payments and advances both positive)",
                                       received=item[1])
        flows.append((when, amount))
    if not flows:
        raise InvalidArgumentError(argument, "must hold at least one (date, amount) pair",
                                   received=items)
    return flows


def _resolve(first: AmountLike | Schedule | None, payments: object, *,
             advance_date: DateLike | None, advances: object,
             prepaid_finance_charge: AmountLike, financed_override: AmountLike | None = None,
             ) -> tuple[list[Flow], list[Flow]]:
    """(advances, payments) from the forms reg_z_apr and check_apr accept."""
    prepaid = to_decimal(prepaid_finance_charge, argument="prepaid_finance_charge")
    if isinstance(first, Schedule):
        if payments is not None:
            raise InvalidArgumentError("payments", "must not be given with a Schedule "
                                       "(its installments are the payments)",
                                       received=payments)
        if advances is not None:
            raise InvalidArgumentError("advances", "must not be given with a Schedule",
                                       received=advances)
        schedule = first
        start = (schedule.start if advance_date is None
                 else parse_date(advance_date, argument="advance_date"))
        if financed_override is not None:
            if prepaid:
                raise InvalidArgumentError("prepaid_finance_charge", "give either "
                                           "amount_financed or prepaid_finance_charge",
                                           received=prepaid_finance_charge)
            financed = _amount(financed_override, "amount_financed")
        else:
            financed = amount_financed(schedule, prepaid_finance_charge=prepaid)
        major = schedule.currency.to_major
        flows = [(d, major(p)) for d, p in zip(schedule.due_dates, schedule.payment,
                                                strict=True)]
        if not flows:
            raise InvalidArgumentError("schedule", "has no installments",
                                       received=schedule)
        if financed <= 0:
            raise InvalidArgumentError("amount_financed", "must be positive",
                                       received=financed)
        return [(start, financed)], flows
    if prepaid:
        raise InvalidArgumentError("prepaid_finance_charge", "is only used with a Schedule; "
                                   "pass the amount financed itself",
                                   received=prepaid_finance_charge)
    if payments is None:
        raise InvalidArgumentError("payments", "is required: a sequence of (date, amount) "
                                   "pairs, or pass a Schedule")
    paid = _flows(payments, argument="payments")
    if advances is not None:
        if first is not None:
            raise InvalidArgumentError("advances", "give either amount_financed and "
                                       "advance_date, or advances, not both",
                                       received=advances)
        if advance_date is not None:
            raise InvalidArgumentError("advances", "give either advance_date or advances, "
                                       "not both", received=advances)
        lent = _flows(advances, argument="advances")
        if sum(amount for _, amount in lent) <= 0:
            raise InvalidArgumentError("advances", "must advance a positive total",
                                       received=advances)
        return lent, paid
    if first is None:
        raise InvalidArgumentError("amount_financed", "is required (with advance_date), "
                                   "unless advances are given")
    if advance_date is None:
        raise InvalidArgumentError("advance_date", "is required with amount_financed")
    financed = _amount(first, "amount_financed")
    if financed <= 0:
        raise InvalidArgumentError("amount_financed", "must be positive", received=first)
    return [(parse_date(advance_date, argument="advance_date"), financed)], paid


@dataclass(frozen=True, slots=True, kw_only=True)
class _Solved:
    apr: Decimal
    unit: UnitPeriod
    start: date


def _solve(lent: list[Flow], paid: list[Flow], unit_period: UnitPeriod | str | None) -> _Solved:
    start = min(d for d, _ in lent)
    late = [d for d, _ in paid if d < start]
    if late:
        raise InvalidArgumentError("payments", f"must not be due before the (first) advance "
                                   f"date {start}", received=min(late))
    if all(amount == 0 for _, amount in paid):
        raise NoSolutionError("payments: every payment is zero, so no rate repays the "
                              "amount financed (Appendix J (b)(8) has no solution)")
    paying = [(d, a) for d, a in paid if a != 0]
    lending = [(d, a) for d, a in lent if a != 0]
    unit = (_choose(start, [d for d, _ in lending], [d for d, _ in paying])
            if unit_period is None else UnitPeriod.parse(unit_period))
    if sum(a for _, a in paying) == sum(a for _, a in lending):
        # r = 0 solves (b)(8) exactly (both sides are plain sums) and is the root nearest
        # zero, so the APR is exactly zero; no float round-off.
        return _Solved(apr=Decimal(0).quantize(_APR_QUANTUM), unit=unit, start=start)
    amounts: list[float] = []
    times: list[float] = []
    fractions: list[float] = []
    for flows, sign in ((lending, -1), (paying, 1)):
        whole, part = _unit_times(start, [d for d, _ in flows], unit)
        amounts += [sign * float(a) for _, a in flows]  # float64 only inside the solver
        times += whole
        fractions += part
    rate = solve_rates(np.array([amounts]), np.array([times]), np.array([fractions]),
                       argument="payments")[0]
    apr = _apr_of(float(rate), unit)
    if apr is None:
        raise NoSolutionError(f"the APR is too large to disclose (a rate of {rate:.3e} a "
                              f"{unit.kind}): the amount financed is next to nothing "
                              "beside the payments")
    return _Solved(apr=apr, unit=unit, start=start)


def _unit_times(start: date, dates: Sequence[date], unit: UnitPeriod
                ) -> tuple[list[float], list[float]]:
    """Each date's whole unit-periods and fraction from ``start`` (Appendix J (b)(5)),
    a series of dates on one day of the month counted to that day."""
    day = _series_day(list(dates))
    whole, parts = [], []
    for when in dates:
        periods, fraction = unit_periods(start, when, unit, day_of_month=day)
        whole.append(float(periods))
        parts.append(float(fraction))
    return whole, parts


def _apr_of(rate: float, unit: UnitPeriod) -> Decimal | None:
    """The APR of a solved unit-period rate: times the unit-periods a year, to
    :data:`APR_PLACES` places (half-even, never ``-0``); ``None`` when it is past what
    the places can hold (an amount financed of next to nothing)."""
    apr = _CONTEXT.divide(_CONTEXT.multiply(Decimal(rate), Decimal(unit.per_year.numerator)),
                          Decimal(unit.per_year.denominator))
    if apr.adjusted() >= _CONTEXT.prec - APR_PLACES:  # past what the quantum can hold
        return None
    apr = apr.quantize(_APR_QUANTUM, rounding=ROUND_HALF_EVEN, context=_CONTEXT)
    return abs(apr) if apr.is_zero() else apr


@in_library_context
def reg_z_apr(amount_financed: AmountLike | Schedule | None = None,
              payments: Iterable[tuple[DateLike, AmountLike]] | None = None, *,
              advance_date: DateLike | None = None,
              advances: Iterable[tuple[DateLike, AmountLike]] | None = None,
              unit_period: UnitPeriod | str | None = None,
              prepaid_finance_charge: AmountLike = 0) -> Decimal:
    """The annual percentage rate of a closed-end transaction by the actuarial method.

    Parameters
    ----------
    amount_financed
        The amount financed in major units (``Decimal``, ``str``, ``int``), advanced on
        ``advance_date``; or a :class:`~bnpl_restructure.schedule.Schedule`, whose
        ``start`` is the advance date (unless ``advance_date`` is given), whose principal
        less ``prepaid_finance_charge`` is the amount financed, and whose installments are
        the payments.
    payments
        ``(date, amount)`` pairs: each payment's due date (``date`` or ISO string) and
        amount in major units (not negative). Not with a Schedule.
    advance_date
        The date of the single advance (the beginning of the term).
    advances
        Instead of ``amount_financed`` and ``advance_date``: ``(date, amount)`` pairs, one
        per advance (multiple-advance transactions); the term begins on the first.
    unit_period
        The unit-period; default chosen by Appendix J (b)(4) (:func:`choose_unit_period`).
    prepaid_finance_charge
        With a Schedule only: finance charge paid separately or withheld from the
        proceeds, subtracted from the principal (1026.18(b)(3)).

    Returns
    -------
    decimal.Decimal
        The APR as a fraction with 12 decimals (``Decimal('0.096908...')`` = 9.69%): the
        unit-period rate solving the general equation (b)(8), times the unit-periods per
        year ((b)(1)). Exactly zero when the payments sum to the advances.

    Raises
    ------
    InvalidArgumentError
        Naming the argument: missing or conflicting inputs (``advances`` with
        ``amount_financed``), a non-positive amount financed, negative amounts, malformed
        dates, a payment before the advance.
    NoSolutionError
        When no rate exists (every payment zero).
    ConvergenceError
        If the root finder does not converge (not expected for a loan).

    Notes
    -----
    Appendix J (b)(9) solves the general equation by iteration; here the rate is solved
    in float64 to about 1e-13 per unit-period, far below the two decimals of a percent a
    disclosure shows.

    References
    ----------
    12 CFR 1026, Appendix J (b)(1) (APR = unit-period rate × unit-periods per year),
    (b)(2) (term), (b)(4) (unit-period), (b)(5) (counting), (b)(6) (fractional
    unit-period at simple interest), (b)(8) (general equation), (b)(9) (iteration);
    examples (c)(1)-(c)(5).

    Examples
    --------
    Appendix J (c)(5)(i): $1,000 advanced on 3 January 1978, $1,080 repaid 255 days later;
    the unit-period is the term, 365/255 per year, APR 11.45%.

    >>> reg_z_apr("1000", [("1978-09-15", "1080")], advance_date="1978-01-03")
    Decimal('0.114509803922')

    Multiple advances ((b)(8)): two advances, monthly payments.

    >>> reg_z_apr(advances=[("2024-01-01", 600), ("2024-02-01", 400)],
    ...           payments=[("2024-03-01", 340), ("2024-04-01", 340), ("2024-05-01", 340)])
    Decimal('0.091803325560')

    From a schedule (payments rounded to the cent, so the APR is near, not at, 10%):

    >>> from bnpl_restructure import Plan
    >>> s = Plan.annuity("1200", annual_rate="0.10", installments=12,
    ...                  start="2024-01-15", currency="USD").schedule()
    >>> reg_z_apr(s)
    Decimal('0.099973980248')
    """
    lent, paid = _resolve(amount_financed, payments, advance_date=advance_date,
                          advances=advances, prepaid_finance_charge=prepaid_finance_charge)
    return _solve(lent, paid, unit_period).apr


