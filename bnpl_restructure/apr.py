"""The true cost of credit: IRR / XIRR, Regulation Z APR, EU APRC and China's annualized rate.

All rates are fractions (``Decimal('0.1090')`` is 10.90%). The solvers work on many cash
flow streams at once (:func:`irr_many`, :func:`xirr_many`); the scalar functions return
:class:`~decimal.Decimal` rates accurate to 1e-12, far below the two decimals of a
percentage point that any disclosure shows.

Rule books:

- **US**, Regulation Z (12 CFR 1026) Appendix J actuarial method: :func:`reg_z_apr`,
  :func:`check_apr` and friends, in :mod:`bnpl_restructure.regz`, re-exported here.
- **EU**, Consumer Credit Directive 2008/48/EC Annex I (Directive (EU) 2023/2225 Annex III
  carries the same equation): :func:`eu_aprc`.
- **China**, PBOC Announcement [2021] No. 3: :func:`cn_annualized_rate` (IRR method).

Examples
--------
>>> irr(["-70000", 12000, 15000, 18000, 21000, 26000]).quantize(Decimal("0.0001"))
Decimal('0.0866')
>>> from bnpl_restructure import Plan
>>> rate = cn_annualized_rate(Plan.flat_fee("1200", fee_rate="0.005", installments=12,
...                                         start="2024-01-15"))
>>> rate.nominal.quantize(Decimal("0.0001")), rate.compound.quantize(Decimal("0.0001"))
(Decimal('0.1090'), Decimal('0.1146'))
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from ._context import LIBRARY_CONTEXT, in_library_context, make_context
from .calendar import parse_date
from .daycount import DayCount
from .errors import InvalidArgumentError, NoSolutionError, parse_enum
from .money import to_decimal
from .plans import Plan
from .regz import (
    AprCheck,
    FinanceChargeCheck,
    UnitPeriod,
    amount_financed,
    check_apr,
    check_finance_charge,
    choose_unit_period,
    finance_charge,
    reg_z_apr,
    total_of_payments,
    unit_periods,
)
from .schedule import Schedule
from .solver import _array, _solve_ticks, solve_rates, to_decimal_rate

__all__ = [
    "MAX_SHOWN_RATE",
    "AprCheck",
    "CnAnnualizedRate",
    "FeeRateRow",
    "FeeRateTable",
    "FinanceChargeCheck",
    "TimeBasis",
    "UnitPeriod",
    "amount_financed",
    "check_apr",
    "check_finance_charge",
    "choose_unit_period",
    "cn_annualized_rate",
    "eu_aprc",
    "fee_rate_table",
    "finance_charge",
    "format_rate",
    "irr",
    "irr_many",
    "reg_z_apr",
    "total_of_payments",
    "unit_periods",
    "xirr",
    "xirr_many",
]

_PLACES = 12


#: The largest rate :func:`format_rate` shows in figures: 1,000,000% (10,000 times the
#: amount a year). Past it a figure says nothing a reader can use (a one-day loan whose
#: fee is half the amount compounds to 10^11 %), so every document, in every standard,
#: shows ``>1,000,000%`` instead; the exact rate stays on the object.
MAX_SHOWN_RATE = Decimal(10_000)


def format_rate(rate: Decimal | Fraction, places: int = 2) -> str:
    """A fraction as a percentage rounded half-up: ``format_rate(Decimal('0.10904'))``
    is ``'10.90%'``. A rate above :data:`MAX_SHOWN_RATE` (1,000,000%) is shown as
    ``'>1,000,000%'``, the same in every standard and language.

    Raises
    ------
    InvalidArgumentError
        ``rate`` is not a finite Decimal, Fraction or int; ``places`` is not a whole number
        from 0 to 100.

    Examples
    --------
    >>> format_rate(Decimal("0.130662"), 1)
    '13.1%'
    >>> format_rate(Decimal("1434648374.4816"))
    '>1,000,000%'
    """
    ctx = LIBRARY_CONTEXT  # explicitly: called for every cell of a table
    if isinstance(rate, bool) or not isinstance(rate, (Decimal, Fraction, int)) or (
            isinstance(rate, Decimal) and not rate.is_finite()):
        raise InvalidArgumentError("rate", "must be a finite Decimal, Fraction or int",
                                   received=rate)
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 100:
        raise InvalidArgumentError("places", "must be a whole number from 0 to 100",
                                   received=places)
    fraction = ctx.divide(rate.numerator, rate.denominator) if isinstance(
        rate, Fraction) else rate
    if fraction > MAX_SHOWN_RATE:
        return f">{MAX_SHOWN_RATE * 100:,f}%"
    percent = _quantized(ctx.multiply(fraction, 100), places, ROUND_HALF_UP)
    return f"{percent:f}%"


def _quantized(value: Decimal, places: int, rounding: str) -> Decimal:
    """``value`` to ``places`` decimals, however large (a rate of a loan of next to
    nothing has more digits than the library context holds)."""
    ctx = LIBRARY_CONTEXT
    if value.adjusted() + places >= ctx.prec:
        ctx = make_context(value.adjusted() + places + 1)
    return value.quantize(Decimal((0, (1,), -places)), rounding=rounding, context=ctx)


def _listed(values: Any, argument: str, what: str) -> list[Any]:
    """``values`` as a list, refusing what is not a sequence (None, a number, text, a
    mapping) with the error naming ``argument``."""
    if isinstance(values, (str, bytes, bytearray, Mapping)) or not isinstance(values,
                                                                            Iterable):
        raise InvalidArgumentError(argument, f"must be a sequence of {what}",
                                   received=values)
    return list(values)


def _amounts(values: Iterable[Any], argument: str) -> list[Decimal]:
    values = _listed(values, argument, "amounts")
    out = [to_decimal(v, argument=f"{argument}[{k}]") for k, v in enumerate(values)]
    if not out:
        raise InvalidArgumentError(argument, "must contain at least two cash flows",
                                   received=[])
    return out


@in_library_context
def irr(cash_flows: Sequence[Any]) -> Decimal:
    """The periodic internal rate of return of flows at times 0, 1, 2, ...

    Parameters
    ----------
    cash_flows
        Amounts (``Decimal``, ``str``, ``int``, ``float``) at equally spaced times; the
        signs must change at least once (an advance and its repayments).

    Returns
    -------
    Decimal
        The rate per period, a fraction.

    Raises
    ------
    NoSolutionError
        The flows never change sign (all payments zero, no advance).

    References
    ----------
    Microsoft Excel IRR: ``IRR({-70000, 12000, 15000, 18000, 21000, 26000}) = 8.7%``.
    """
    values = _amounts(cash_flows, "cash_flows")
    amounts = np.array([[float(v) for v in values]])
    ticks = np.arange(len(values), dtype=np.int64)  # the path irr_many takes
    rate = _solve_ticks(amounts, ticks, scale=1.0, from_row_start=False,
                        argument="cash_flows")
    return to_decimal_rate(float(rate[0]), _PLACES)


def irr_many(amounts: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Periodic IRRs of many streams at once: ``amounts`` has shape (streams, periods);
    pad shorter streams with zeros. Returns float64 rates (accurate to about 1e-13).

    Raises
    ------
    InvalidArgumentError
        ``amounts`` is not an array of finite numbers with one row per stream.
    NoSolutionError
        A stream's flows never change sign, or no rate was found (the rows are named);
        :class:`~bnpl_restructure.errors.ConvergenceError` if the solver stops early.

    Examples
    --------
    >>> irr_many([[-100, 110, 0], [-100, 0, 121]]).round(12).tolist()
    [0.1, 0.1]
    """
    a = _array(amounts, "amounts")
    # periods 0, 1, 2, ... shared by every stream, as int64 ticks (no (streams, periods)
    # time matrix is built)
    ticks = np.arange(a.shape[-1], dtype=np.int64)
    return _solve_ticks(a, ticks, scale=1.0, from_row_start=False, argument="amounts")


def _year_fractions(dates: Sequence[date], day_count: DayCount) -> list[float]:
    origin = min(dates)
    if day_count is DayCount.PER_PERIOD:
        raise InvalidArgumentError("day_count", "must measure years (act/365f, act/360, "
                                   "act/act, 30/360), not 'per_period'",
                                   received=day_count.value)
    return [float(day_count.year_fraction(origin, d)) for d in dates]


@in_library_context
def xirr(cash_flows: Iterable[tuple[Any, Any]], *, day_count: DayCount | str = "act/365f"
         ) -> Decimal:
    """The effective annual rate of dated flows (spreadsheet XIRR).

    Parameters
    ----------
    cash_flows
        ``(date, amount)`` pairs in any order; dates as ``date`` or ISO strings.
    day_count
        How the time from the earliest date is measured in years; ``"act/365f"``
        (days / 365, as spreadsheets do) by default.

    Raises
    ------
    InvalidArgumentError
        ``cash_flows`` is not a sequence of at least two ``(date, amount)`` pairs
        (``cash_flows[k].date`` or ``cash_flows[k].amount`` names a bad value);
        ``day_count`` is not a :class:`~bnpl_restructure.daycount.DayCount` measuring years.
    NoSolutionError
        The flows never change sign, or the rate is too large to express;
        :class:`~bnpl_restructure.errors.ConvergenceError` if the solver stops early.

    Examples
    --------
    Microsoft Excel XIRR documentation example (Excel shows 0.373362535; the root is
    0.37336253352 to 11 places, Excel stopping at its own tolerance of about 1e-8):

    >>> xirr([("2008-01-01", -10000), ("2008-03-01", 2750), ("2008-10-30", 4250),
    ...       ("2009-02-15", 3250), ("2009-04-01", 2750)])
    Decimal('0.373362533519')
    """
    pairs = _listed(cash_flows, "cash_flows", "(date, amount) pairs")
    if len(pairs) < 2:
        raise InvalidArgumentError("cash_flows", "must contain at least two dated flows",
                                   received=pairs)
    dates, values = [], []
    for k, pair in enumerate(pairs):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise InvalidArgumentError(f"cash_flows[{k}]", "must be a (date, amount) pair",
                                       received=pair)
        dates.append(parse_date(pair[0], argument=f"cash_flows[{k}].date"))
        values.append(to_decimal(pair[1], argument=f"cash_flows[{k}].amount"))
    times = _year_fractions(dates, DayCount.parse(day_count))
    rate = solve_rates(np.array([[float(v) for v in values]]), np.array([times]))
    return to_decimal_rate(float(rate[0]), _PLACES)


def xirr_many(amounts: npt.ArrayLike, dates: npt.ArrayLike, *,
              days_per_year: int = 365) -> npt.NDArray[np.float64]:
    """Effective annual rates of many dated streams at once.

    Parameters
    ----------
    amounts
        Shape (streams, flows), signed; pad with 0.
    dates
        Same shape, ``datetime64[D]`` (or anything numpy converts to it); padded
        entries may repeat any date.
    days_per_year
        Time in years is days since each stream's earliest flow / ``days_per_year``
        (zero flows, padding, may carry any date).

    Raises
    ------
    InvalidArgumentError
        ``amounts`` is not an array of finite numbers; ``dates`` is not an array of dates
        of the same shape; ``days_per_year`` is not a number of days from 1 to 1,000.
    NoSolutionError
        A stream's flows never change sign, or no rate was found (the rows are named);
        :class:`~bnpl_restructure.errors.ConvergenceError` if the solver stops early.

    Examples
    --------
    >>> import numpy as np
    >>> d = np.array([["2024-01-01", "2025-01-01"]], dtype="datetime64[D]")
    >>> xirr_many([[-100, 110]], d, days_per_year=366).round(12).tolist()
    [0.1]
    """
    if isinstance(days_per_year, bool) or not isinstance(days_per_year, (int, float)) or \
            not 1 <= days_per_year <= 1000:  # NaN fails too; a subnormal made 1/x infinite
        raise InvalidArgumentError("days_per_year", "must be a number of days from 1 to 1000 "
                                   "(365, 366, 360)", received=days_per_year)
    a = _array(amounts, "amounts")
    d = _array(dates, "dates", "datetime64[D]", "dates (datetime64[D] or ISO text)")
    if d.shape != a.shape:
        raise InvalidArgumentError("dates", "must have the same shape as amounts",
                                   received=d.shape)
    # day numbers as they are (a view, no copy); the solver measures each stream from its
    # earliest date in years of days_per_year days (NaT counts as not finite)
    return _solve_ticks(a, d.view(np.int64), scale=float(days_per_year),
                        from_row_start=True, argument="amounts")


# ------------------------------------------------------------------------------- EU


class TimeBasis(enum.Enum):
    """How the EU APRC measures time in years (CCD 2008/48/EC Annex I, remarks (c)).

    ``CALENDAR``: whole years counted back from each flow to the first drawdown, then the
    remaining days divided by the length (365 or 366) of the complete year counted back
    from the end of those days. ``EQUAL_MONTHS``: whole calendar months counted back,
    each 1/12 of a year (an equal month of 30.41666 days), then remaining days / 365.
    ``WEEKS``: whole weeks counted back, each 1/52 of a year, then remaining days / 365.
    """

    CALENDAR = "calendar"
    EQUAL_MONTHS = "equal_months"
    WEEKS = "weeks"


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # Feb 29 -> Feb 28
        return day.replace(year=day.year + years, day=28)


def _year_back_length(anchor: date) -> int:
    """The days of the complete year counted back from ``anchor`` (365 or 366)."""
    if anchor.year == 1:  # back into year 0, a leap year of the proleptic calendar
        return 366 if (anchor.month, anchor.day) <= (2, 28) else 365
    return (anchor - _add_years(anchor, -1)).days


def _eu_years(origin: date, when: date, basis: TimeBasis) -> Fraction:
    from .calendar import Frequency

    if when < origin:
        raise InvalidArgumentError("payments", "must not be dated before the first drawdown",
                                   received=when.isoformat())
    if basis is TimeBasis.WEEKS:
        weeks, days = divmod((when - origin).days, 7)
        return Fraction(weeks, 52) + Fraction(days, 365)
    if basis is TimeBasis.EQUAL_MONTHS:
        months = 0
        # (a month before January of year 1 is before any origin)
        while when.year * 12 + when.month - months > 13 and \
                Frequency.MONTHLY.advance(when, -(months + 1)) >= origin:
            months += 1
        anchor = Frequency.MONTHLY.advance(when, -months)
        return Fraction(months, 12) + Fraction((anchor - origin).days, 365)
    years = 0
    while when.year - years > 1 and _add_years(when, -(years + 1)) >= origin:
        years += 1
    anchor = _add_years(when, -years)
    year_length = _year_back_length(anchor)
    return years + Fraction((anchor - origin).days, year_length)


def _dated(pairs: Iterable[tuple[Any, Any]], argument: str) -> list[tuple[date, Decimal]]:
    out = []
    for k, pair in enumerate(_listed(pairs, argument, "(date, amount) pairs")):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise InvalidArgumentError(f"{argument}[{k}]", "must be a (date, amount) pair",
                                       received=pair)
        amount = to_decimal(pair[1], argument=f"{argument}[{k}].amount")
        if amount < 0:
            raise InvalidArgumentError(f"{argument}[{k}].amount", "must not be negative",
                                       received=pair[1])
        out.append((parse_date(pair[0], argument=f"{argument}[{k}].date"), amount))
    if not out:
        raise InvalidArgumentError(argument, "must not be empty", received=[])
    return out


def _schedule_of(value: Any) -> Schedule | None:
    if isinstance(value, Plan):
        return value.schedule()
    if isinstance(value, Schedule):
        return value
    return None


@in_library_context
def eu_aprc(drawdowns: Any, payments: Iterable[tuple[Any, Any]] | None = None, *,
            time_basis: TimeBasis | str = TimeBasis.CALENDAR) -> Decimal:
    """The EU annual percentage rate of charge X (an effective annual rate).

    Solves Annex I's basic equation
    ``Σ_k C_k (1 + X)^(−t_k) = Σ_l D_l (1 + X)^(−s_l)`` (drawdowns C, payments of
    capital, interest and charges D, times in years from the first drawdown).

    Parameters
    ----------
    drawdowns
        ``(date, amount)`` pairs of credit drawn, or a :class:`~bnpl_restructure.Plan` /
        :class:`~bnpl_restructure.schedule.Schedule` (then ``payments`` is omitted and
        the plan's advance and installments are used).
    payments
        ``(date, amount)`` pairs paid by the consumer (capital, interest and charges;
        not charges for non-compliance).
    time_basis
        :class:`TimeBasis`.

    Returns
    -------
    Decimal
        X as a fraction; show it with ``format_rate(x, 1)`` (Annex I (c): at least one
        decimal place, rounded half-up).

    Raises
    ------
    InvalidArgumentError
        ``drawdowns`` or ``payments`` is not a non-empty list of ``(date, amount)`` pairs
        (``payments[k].amount`` negative, ``payments[k].date`` not a date), a payment is
        dated before the first drawdown, ``payments`` is given with a plan or schedule or
        missing without one; ``time_basis`` is not a :class:`TimeBasis`.
    NoSolutionError
        The flows never change sign, or the rate is too large to express;
        :class:`~bnpl_restructure.errors.ConvergenceError` if the solver stops early.

    References
    ----------
    Directive 2008/48/EC, Annex I, Part I (basic equation) and remarks (a)-(e);
    Directive (EU) 2023/2225, Annex III.

    Examples
    --------
    Directive 98/7/EC Annex III example: 1,000 on 1994-01-01, repaid 1,200 on 1995-07-01
    (546 days; X = 0.1296204):

    >>> x = eu_aprc([("1994-01-01", 1000)], [("1995-07-01", 1200)])
    >>> x.quantize(Decimal("1e-7")), format_rate(x, 1)
    (Decimal('0.1296204'), '13.0%')
    """
    basis = parse_enum(TimeBasis, time_basis, argument="time_basis")
    schedule = _schedule_of(drawdowns)
    if schedule is not None:
        if payments is not None:
            raise InvalidArgumentError("payments", "must be omitted when a plan or "
                                       "schedule is given", received=payments)
        major = schedule.currency.to_major
        draws = [(schedule.start, major(schedule.principal))]
        pays = [(d, major(p)) for d, p in zip(schedule.due_dates, schedule.payment,
                                              strict=True)]
    else:
        if payments is None:
            raise InvalidArgumentError("payments", "is required with dated drawdowns")
        draws = _dated(drawdowns, "drawdowns")
        pays = _dated(payments, "payments")
    origin = min(d for d, _ in draws)
    flows = [(d, -a) for d, a in draws] + pays
    times = [float(_eu_years(origin, d, basis)) for d, _ in flows]
    rate = solve_rates(np.array([[float(a) for _, a in flows]]), np.array([times]),
                       argument="payments")
    return to_decimal_rate(float(rate[0]), _PLACES)


# ---------------------------------------------------------------------------- China


@dataclass(frozen=True, slots=True, kw_only=True)
class CnAnnualizedRate:
    """China's annualized rate (年化利率) by the IRR method, in its two forms.

    ``nominal`` is the periodic IRR × periods per year (the figure usually disclosed);
    ``compound`` is ``(1 + IRR) ** periods_per_year − 1``; ``simple`` is present only
    when asked for, and is the total cost ÷ principal ÷ term in years (labelled simple,
    as the Announcement requires).
    """

    periodic_irr: Decimal
    periods_per_year: Fraction
    nominal: Decimal
    compound: Decimal
    simple: Decimal | None = None
    method: str = "IRR (内部收益率法)"
    citation: str = "PBOC Announcement [2021] No. 3 (中国人民银行公告〔2021〕第3号)"

    def __str__(self) -> str:
        text = (f"年化利率 {format_rate(self.nominal)} (IRR, nominal; compound "
                f"{format_rate(self.compound)})")
        if self.simple is not None:
            text += f"; simple {format_rate(self.simple)} (单利)"
        return text


def _periods_per_year(value: Any) -> Fraction:
    """A number of payment periods a year: 1/100 (one a century) to 366 (daily)."""
    if isinstance(value, Fraction):
        count = value
    elif isinstance(value, int) and not isinstance(value, bool):
        count = Fraction(value)
    else:
        count = Fraction(to_decimal(value, argument="periods_per_year"))
    if not Fraction(1, 100) <= count <= 366:
        raise InvalidArgumentError("periods_per_year", "must be a number of payment periods "
                                   "a year from 1/100 to 366 (12 for monthly)", received=value)
    return count


@in_library_context
def cn_annualized_rate(plan: Plan | Schedule | Sequence[Any], *, upfront_fees: Any = 0,
                       periods_per_year: Any = None, include_simple: bool = False
                       ) -> CnAnnualizedRate:
    """The annualized rate of a loan by the IRR method (PBOC Announcement [2021] No. 3).

    The cost counts every fee directly related to the loan, on the principal the borrower
    actually has: an upfront fee deducted from the proceeds reduces the advance.

    Parameters
    ----------
    plan
        A :class:`~bnpl_restructure.Plan` or :class:`~bnpl_restructure.schedule.Schedule`,
        or periodic cash flows ``[-advance, payment_1, ...]`` at times 0, 1, 2, ...
    upfront_fees
        Fees deducted from the proceeds or paid at the advance (major units).
    periods_per_year
        Payment periods per year (1/100 to 366); taken from the plan's frequency when a
        plan is given, else required (12 for monthly).
    include_simple
        Also report the simple-interest figure (labelled as simple).

    Raises
    ------
    InvalidArgumentError
        ``plan`` is not a plan, a schedule or a sequence of amounts (``plan[k]`` for a bad
        amount); ``upfront_fees`` is negative or not an amount; ``periods_per_year`` is
        missing for bare flows or an irregular schedule, or outside 1/100 to 366.
    NoSolutionError
        The flows never change sign, or the compound rate is too large to express;
        :class:`~bnpl_restructure.errors.ConvergenceError` if the solver stops early.

    Notes
    -----
    A schedule's flows are timed in its own payment periods: installment ``k`` at time
    ``k`` when the first period is regular; otherwise each due date's distance from the
    advance in days ÷ the average days of a period (365 / periods per year).

    Examples
    --------
    10,000 over 12 months at a 0.6% monthly fee: IRR-APR 13.03%, EAR 13.84% (the fee
    calculator toolcool.cn; checked by an independent bisection in the tests):

    >>> r = cn_annualized_rate(Plan.flat_fee("10000", fee_rate="0.006", installments=12,
    ...                                      start="2024-01-15"), include_simple=True)
    >>> format_rate(r.nominal), format_rate(r.compound), format_rate(r.simple)
    ('13.03%', '13.84%', '7.20%')
    """
    schedule = _schedule_of(plan)
    fee = to_decimal(upfront_fees, argument="upfront_fees")
    if fee < 0:
        raise InvalidArgumentError("upfront_fees", "must not be negative", received=upfront_fees)
    if schedule is not None:
        frequency = schedule.frequency
        ppy = _periods_per_year(periods_per_year) if periods_per_year is not None else (
            frequency.periods_per_year if frequency is not None else None)
        if ppy is None:
            raise InvalidArgumentError("periods_per_year", "is required for a schedule "
                                       "whose frequency is unknown (12 for monthly)")
        major = schedule.currency.to_major
        principal = major(schedule.principal)
        payments = [major(p) for p in schedule.payment]
        times = _cn_times(schedule.start, schedule.due_dates, frequency, ppy)
    else:
        values = _amounts(plan if isinstance(plan, Sequence) else [], "plan")
        if periods_per_year is None:
            raise InvalidArgumentError("periods_per_year", "is required with bare cash "
                                       "flows (12 for monthly)")
        ppy = _periods_per_year(periods_per_year)
        principal, payments = -values[0], values[1:]
        times = [float(k + 1) for k in range(len(payments))]
    if ppy <= 0:
        raise InvalidArgumentError("periods_per_year", "must be positive",
                                   received=periods_per_year)
    amounts = [float(-(principal - fee))] + [float(p) for p in payments]
    rate = float(solve_rates(np.array([amounts]), np.array([[0.0, *times]]),
                             argument="plan")[0])
    periodic = to_decimal_rate(rate, _PLACES)
    n = float(ppy)
    simple = None
    if include_simple:
        cost = sum(payments) - (principal - fee)
        years = Decimal(max(times) / n) if times else Decimal(1)
        simple = _quantized(cost / principal / years, _PLACES, ROUND_HALF_EVEN)
    nominal, compound = _cn_annual(rate, n)
    if compound is None:
        raise NoSolutionError(f"the compound annual rate of a periodic IRR of {periodic} "
                              f"over {ppy} periods a year is too large to express")
    return CnAnnualizedRate(periodic_irr=periodic, periods_per_year=ppy, nominal=nominal,
                            compound=compound, simple=simple)


def _cn_times(start: date, due_dates: Sequence[date], frequency: Any,
              periods_per_year: Fraction | float) -> list[float]:
    """The payments' times in periods for China's IRR method: 1, 2, ... on a regular
    calendar (every due date ``frequency`` steps from ``start``), else actual days over
    the average period (365 / periods a year)."""
    if frequency is not None and all(frequency.advance(start, k + 1) == d
                                     for k, d in enumerate(due_dates)):
        return [float(k + 1) for k in range(len(due_dates))]
    period_days = 365 / float(periods_per_year)
    return [(d - start).days / period_days for d in due_dates]


def _cn_annual(rate: float, periods_per_year: float) -> tuple[Decimal, Decimal | None]:
    """The nominal (IRR × periods) and compound annual rates of a periodic IRR, to 12
    places; the compound one ``None`` when it is past a float."""
    nominal = to_decimal_rate(rate * periods_per_year, _PLACES)
    try:
        growth = (1 + rate) ** periods_per_year
    except OverflowError:  # a float past 1.8e308
        return nominal, None
    return nominal, to_decimal_rate(growth - 1, _PLACES)


# ------------------------------------------------------------ fee rate vs true rate


@dataclass(frozen=True, slots=True, kw_only=True)
class FeeRateRow:
    """One row of :func:`fee_rate_table`."""

    installments: int
    fee_rate: Decimal
    total_fee_rate: Decimal
    headline_annual: Decimal
    true_annual: Decimal
    effective_annual: Decimal


class FeeRateTable(tuple[FeeRateRow, ...]):
    """The rows of :func:`fee_rate_table`; renders as text and as an HTML table."""

    __slots__ = ()

    _HEADER = ("installments", "fee / period", "total fee", "fee × 12",
               "true annual rate (IRR)", "effective annual")

    def _cells(self) -> list[tuple[str, ...]]:
        return [(str(r.installments), format_rate(r.fee_rate), format_rate(r.total_fee_rate),
                 format_rate(r.headline_annual), format_rate(r.true_annual),
                 format_rate(r.effective_annual)) for r in self]

    def to_text(self) -> str:
        """A plain-text table."""
        rows = [self._HEADER, *self._cells()]
        widths = [max(len(row[i]) for row in rows) for i in range(len(self._HEADER))]
        return "\n".join("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True))
                         for row in rows)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return "<FeeRateTable\n" + self.to_text() + ">"

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{h}</th>" for h in self._HEADER)
        body = "".join("<tr>" + "".join(f'<td style="text-align:right">{c}</td>'
                                        for c in row) + "</tr>" for row in self._cells())
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


#: At most this many rows in a :func:`fee_rate_table` (one a number of installments).
_MAX_TABLE_ROWS = 120


@in_library_context
def fee_rate_table(fee_rate: Any, *, installments: Sequence[int] = (3, 6, 12, 24),
                   principal: Any = "10000") -> FeeRateTable:
    """What a per-period flat fee really costs a year, for several numbers of installments.

    The table a borrower should see before signing: a 0.5% monthly fee "looks like" 6% a
    year, but the principal falls every month while the fee does not, so the true
    annualized rate (IRR, PBOC Announcement [2021] No. 3) is close to twice that.

    Raises
    ------
    InvalidArgumentError
        ``fee_rate`` or ``principal`` is refused by
        :meth:`~bnpl_restructure.plans.Plan.flat_fee`; ``installments`` is not a sequence
        of whole numbers from 1 to 2,600 (``installments[k]`` names the bad one).

    Examples
    --------
    >>> print(fee_rate_table("0.005", installments=(3, 12)))
    installments  fee / period  total fee  fee × 12  true annual rate (IRR)  effective annual
               3         0.50%      1.50%     6.00%                   8.98%             9.36%
              12         0.50%      6.00%     6.00%                  10.90%            11.46%
    """
    if isinstance(installments, (str, bytes, Mapping)) or not isinstance(installments,
                                                                         Iterable):
        raise InvalidArgumentError("installments", "must be a list of numbers of "
                                   "installments, e.g. (3, 6, 12, 24)", received=installments)
    counts = list(installments)
    if not 1 <= len(counts) <= _MAX_TABLE_ROWS:
        raise InvalidArgumentError("installments", f"must list 1 to {_MAX_TABLE_ROWS} "
                                   "numbers of installments", received=len(counts))
    rows = []
    for k, n in enumerate(counts):
        if isinstance(n, bool) or not isinstance(n, int):
            raise InvalidArgumentError(f"installments[{k}]", "must be a whole number of "
                                       "installments", received=n)
        try:
            plan = Plan.flat_fee(principal, fee_rate=fee_rate, installments=n,
                                 start="2024-01-15")
        except InvalidArgumentError as exc:  # the row's own count, named as such
            if exc.argument != "installments":
                raise
            raise type(exc)(f"installments[{k}]", exc.message, received=n) from None
        rate = cn_annualized_rate(plan)
        assert plan.fee_rate is not None
        per_period = Decimal(plan.fee_rate.numerator) / Decimal(plan.fee_rate.denominator)
        rows.append(FeeRateRow(installments=n, fee_rate=per_period,
                               total_fee_rate=per_period * n,
                               headline_annual=per_period * 12,
                               true_annual=rate.nominal, effective_annual=rate.compound))
    return FeeRateTable(rows)
