"""Regulation Z (12 CFR Part 1026): the annual percentage rate of closed-end credit.

This module implements the actuarial method of Appendix J from calendar dates:

1. the **unit-period** is chosen as Appendix J (b)(4) says (:func:`choose_unit_period`);
2. the time from the beginning of the term to every advance and every payment is counted
   in **full unit-periods and a fraction of a unit-period** by (b)(5)
   (:func:`unit_periods`);
3. the **general equation** of (b)(8) is solved for the unit-period rate ``i``::

       Σ_k A_k / ((1 + f_k·i)(1 + i)^t_k)  =  Σ_j P_j / ((1 + e_j·i)(1 + i)^q_j)

   (advances ``A`` on the left, payments ``P`` on the right; ``t``/``q`` full unit-periods,
   ``f``/``e`` the fractions, discounted at simple interest for the fraction, (b)(6));
4. the APR is the nominal rate ``i × unit-periods per year`` ((b)(1)).

It also gives the Regulation Z amounts of a :class:`~bnpl_restructure.schedule.Schedule`
(amount financed, finance charge, total of payments: 1026.18(b), (d), (h)) and the
tolerance checks of 1026.22(a)(2)-(3) for a disclosed APR (:func:`check_apr`) and of
1026.18(d) for a disclosed finance charge (:func:`check_finance_charge`).

Money stays :class:`~decimal.Decimal` throughout; only the root finding itself runs in
float64 (:func:`bnpl_restructure.solver.solve_rates`, accurate to about 1e-13 per
unit-period), and the APR is returned as a ``Decimal`` fraction with 12 decimals
(``Decimal('0.096907...')`` is 9.69%).

Decisions where the text leaves room (each is documented where it is made):

- **Month-end series** ((b)(3)(iv)): months are counted back from a payment date on the
  day of the month the *series* is scheduled for. The scheduled day is read from the
  dates: if every payment falls on day ``D`` or on the last day of a month shorter than
  ``D``, the series is on day ``D`` (``D = 31`` means "the last day of each month", so
  Mar 31 → Feb 28 → Jan 31; ``D = 30`` uses the last day of February when applicable).
  Otherwise each date is measured on its own day of the month.
- **Semimonths**: Appendix J names the semimonth but does not define it by days. A period
  of 13-16 days is a semimonth when it and the next (or previous) period of the same
  series together make exactly one month (the 1st/16th or 15th/last-day pattern).
- **No common period** ((b)(4)(i)(B)): the average period is measured in days and
  compared with day = 1, ``k`` weeks = ``7k``, semimonth = 365/24, ``k`` months =
  ``365k/12`` and year = 365 days; a tie goes to the shorter interval, as the text says.
- **Single advance, single payment** ((b)(4)(ii), (b)(5)(vi)-(vii)): the unit-period is
  the term; a term of whole months uses 12 ÷ months per year (the text allows that or
  365 ÷ days; pass ``UnitPeriod.term(days=...)`` for the latter); a term longer than a
  year uses the year as unit-period ((b)(5)(v)).
- **Term start** ((b)(2)): the term begins on the (first) advance date; every advance and
  payment is timed from it. A payment due on the advance date (pay-in-4) is a payment at
  time 0, which gives the same rate as treating it as a downpayment.
- **Irregular transactions** (1026.22(a)(3)): a transaction is irregular if it has more
  than one advance date, if the periods between consecutive payments are not all the
  same standard interval (the first period, advance to first payment, is excluded), or if
  a payment other than the first or the final one differs from the others.

References
----------
.. [1] 12 CFR Part 1026 (Regulation Z), Appendix J, Annual Percentage Rate Computations
   for Closed-End Credit Transactions, paragraphs (b)(1)-(b)(9) and (c),
   https://www.consumerfinance.gov/rules-policy/regulations/1026/j/
.. [2] 12 CFR 1026.22(a)(2)-(a)(3), Determination of annual percentage rate (accuracy
   tolerances), https://www.consumerfinance.gov/rules-policy/regulations/1026/22/
.. [3] 12 CFR 1026.18(b), (d), (e), (h), Content of disclosures,
   https://www.consumerfinance.gov/rules-policy/regulations/1026/18/

Examples
--------
Appendix J (c)(1)(i): $5,000 advanced on 10 January 1978, 24 monthly payments of $230
from 10 February 1978; the APR is 9.69%.

>>> from datetime import date
>>> payments = [(date(1978 + (1 + k) // 12, (1 + k) % 12 + 1, 10), "230.00")
...             for k in range(24)]
>>> apr = reg_z_apr("5000.00", payments, advance_date="1978-01-10")
>>> apr
Decimal('0.096857080623')
>>> f"{apr * 100:.2f}%"
'9.69%'
>>> check_apr("0.0969", payments, amount_financed="5000.00",
...           advance_date="1978-01-10").accurate
True
"""

from __future__ import annotations

import calendar as _calendar
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Literal, TypeAlias

import numpy as np

from ._context import in_library_context, make_context
from .calendar import DateLike, parse_date
from .errors import InvalidArgumentError, InvalidTermsError, NoSolutionError, renamed
from .money import MAX_AMOUNT, AmountLike, to_decimal
from .schedule import Schedule
from .solver import solve_rates

__all__ = [
    "AprCheck",
    "FinanceChargeCheck",
    "UnitPeriod",
    "UnitPeriodKind",
    "amount_financed",
    "check_apr",
    "check_finance_charge",
    "choose_unit_period",
    "finance_charge",
    "reg_z_apr",
    "total_of_payments",
    "unit_periods",
]

UnitPeriodKind: TypeAlias = Literal["day", "week", "multiple of week", "semimonth", "month",
                                    "multiple of month", "year", "term"]
"""The unit-periods of Appendix J (b)(3)(iii) and (b)(4)(ii)."""

_KINDS: tuple[str, ...] = ("day", "week", "multiple of week", "semimonth", "month",
                           "multiple of month", "year", "term")

Flow: TypeAlias = tuple[date, Decimal]

APR_PLACES = 12
"""Decimal places of a returned APR (a fraction: 12 places is 1e-10 percentage points)."""

_APR_QUANTUM = Decimal((0, (1,), -APR_PLACES))  # built exactly: no context at import
_CONTEXT = make_context(50)

REGULAR_TOLERANCE = Decimal("0.00125")
"""1/8 of 1 percentage point as a fraction (12 CFR 1026.22(a)(2))."""

IRREGULAR_TOLERANCE = Decimal("0.0025")
"""1/4 of 1 percentage point as a fraction (12 CFR 1026.22(a)(3))."""


# --------------------------------------------------------------------- calendar helpers

def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _last_day(year: int, month: int) -> int:
    return _calendar.monthrange(year, month)[1]


def _is_month_end(day: date) -> bool:
    return day.day == _last_day(day.year, day.month)


def _on_day(month_index: int, day_of_month: int) -> date:
    """The date on ``day_of_month`` of a month, or that month's last day if it is shorter
    (Appendix J (b)(3)(iv): "the last day of February shall be used when applicable")."""
    year, month0 = divmod(month_index, 12)
    return date(year, month0 + 1, min(day_of_month, _last_day(year, month0 + 1)))


def _full_months_back(from_date: date, to_date: date, day_of_month: int) -> tuple[int, date]:
    """Full months measured back from ``to_date`` without passing ``from_date``, and the
    date where they begin (Appendix J (b)(5)(ii))."""
    months = max(_month_index(to_date) - _month_index(from_date), 0)
    while months > 0 and _on_day(_month_index(to_date) - months, day_of_month) < from_date:
        months -= 1
    begin = _on_day(_month_index(to_date) - months, day_of_month) if months else to_date
    return months, begin


def _is_months_apart(earlier: date, later: date, months: int) -> bool:
    """Whether ``later`` is exactly ``months`` months after ``earlier``, measuring from a
    date to the same date of another month, month end to month end, and using the last
    day of a shorter month when the date does not exist there (Appendix J (b)(3)(iv))."""
    if _month_index(later) - _month_index(earlier) != months:
        return False
    return (later == _on_day(_month_index(earlier) + months, earlier.day)
            or earlier == _on_day(_month_index(later) - months, later.day)
            or (_is_month_end(earlier) and _is_month_end(later)))


def _series_day(dates: Sequence[date]) -> int | None:
    """The day of the month a series of dates is scheduled for (Appendix J (b)(3)(iv)), or
    ``None`` when the dates do not follow one day of the month."""
    if not dates:
        return None
    day = max(d.day for d in dates)
    if all(d.day == day or (d.day < day and _is_month_end(d)) for d in dates):
        return day
    return None


# ------------------------------------------------------------------------- unit period

@contextmanager
def _renamed(names: dict[str, str]) -> Iterator[None]:
    """Errors of the fields in ``names`` raised under the constructor's argument name."""
    try:
        yield
    except InvalidArgumentError as exc:
        if exc.argument not in names:
            raise
        raise type(exc)(names[exc.argument], exc.message, received=exc.received) from None


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitPeriod:
    """A unit-period of Appendix J and the number of unit-periods in a year.

    Build one with the class methods (:meth:`day`, :meth:`week`, :meth:`semimonth`,
    :meth:`month`, :meth:`year`, :meth:`term`) or :meth:`parse`.

    Parameters
    ----------
    kind
        ``"day"``, ``"week"``, ``"multiple of week"``, ``"semimonth"``, ``"month"``,
        ``"multiple of month"``, ``"year"`` or ``"term"`` (the term of a single-advance,
        single-payment transaction).
    multiple
        Weeks per unit-period for ``"multiple of week"`` (2-52), months for
        ``"multiple of month"`` (2-11); 1 for every other kind.
    term_days
        For ``"term"`` only: the length of the term in days (1-365).
    term_months
        For ``"term"`` only, optional: the term in whole months (1-11) when the term is a
        whole number of months and the unit-periods per year are counted as
        ``12 / months``; ``None`` counts them as ``365 / days``.

    Attributes
    ----------
    per_year : fractions.Fraction
        Unit-periods per year: 365 (day), ``52/k`` (``k`` weeks), 24 (semimonth),
        ``12/k`` (``k`` months), 1 (year), ``12/months`` or ``365/days`` (term).

    Raises
    ------
    InvalidArgumentError
        ``kind`` is not one of the kinds listed; ``multiple`` is not an int in the kind's
        range; ``term_days`` is not an int from 1 to 365 for a term (or is given for
        another kind); ``term_months`` is not None or an int from 1 to 11.

    References
    ----------
    12 CFR 1026, Appendix J (b)(3)(iii) (standard intervals), (b)(4) (unit-period),
    (b)(5)(ii)-(vii) (unit-periods per year).

    Examples
    --------
    >>> UnitPeriod.month()
    UnitPeriod.month()
    >>> UnitPeriod.week(2).per_year
    Fraction(26, 1)
    >>> UnitPeriod.term(days=255).per_year
    Fraction(73, 51)
    >>> UnitPeriod.parse("semimonth").per_year
    Fraction(24, 1)
    """

    kind: UnitPeriodKind
    multiple: int = 1
    term_days: int | None = None
    term_months: int | None = None
    per_year: Fraction = field(init=False)

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise InvalidArgumentError("kind", f"must be one of {', '.join(_KINDS)}",
                                       received=self.kind)
        if not isinstance(self.multiple, int) or isinstance(self.multiple, bool):
            raise InvalidArgumentError("multiple", "must be an int", received=self.multiple)
        limits = {"multiple of week": (2, 52), "multiple of month": (2, 11)}
        low, high = limits.get(self.kind, (1, 1))
        if not low <= self.multiple <= high:
            raise InvalidArgumentError(
                "multiple", f"must be between {low} and {high} for a {self.kind!r} "
                "unit-period (Appendix J (b)(3)(iii): up to, but not exceeding, one year)",
                received=self.multiple)
        if self.kind == "term":
            if (not isinstance(self.term_days, int) or isinstance(self.term_days, bool)
                    or not 1 <= self.term_days <= 365):
                raise InvalidArgumentError(
                    "term_days", "must be an int from 1 to 365: the unit-period of a "
                    "single-advance, single-payment transaction is its term, not "
                    "exceeding one year (Appendix J (b)(4)(ii))", received=self.term_days)
            if self.term_months is not None and (
                    not isinstance(self.term_months, int) or isinstance(self.term_months, bool)
                    or not 1 <= self.term_months <= 11):
                raise InvalidArgumentError("term_months", "must be None or an int from 1 "
                                           "to 11 (a term of 12 months is a year)",
                                           received=self.term_months)
        elif self.term_days is not None or self.term_months is not None:
            raise InvalidArgumentError("term_days", "is only for a 'term' unit-period",
                                       received=self.term_days)
        object.__setattr__(self, "per_year", self._per_year())

    def _per_year(self) -> Fraction:
        if self.kind == "day":
            return Fraction(365)                      # (b)(5)(iv)
        if self.kind in ("week", "multiple of week"):
            return Fraction(52, self.multiple)        # (b)(5)(iv)
        if self.kind == "semimonth":
            return Fraction(24)                       # (b)(5)(iii)
        if self.kind in ("month", "multiple of month"):
            return Fraction(12, self.multiple)        # (b)(5)(ii), (iii)
        if self.kind == "year":
            return Fraction(1)                        # (b)(5)(v)
        assert self.term_days is not None
        if self.term_months is not None:
            return Fraction(12, self.term_months)     # (b)(5)(vi)
        return Fraction(365, self.term_days)          # (b)(5)(vi), (vii)

    # ------------------------------------------------------------------ constructors

    @classmethod
    def day(cls) -> UnitPeriod:
        """A day; 365 unit-periods per year (Appendix J (b)(5)(iv))."""
        return cls(kind="day")

    @classmethod
    def week(cls, weeks: int = 1) -> UnitPeriod:
        """``weeks`` weeks (1-52); ``52 / weeks`` unit-periods per year ((b)(5)(iv)).

        Raises
        ------
        InvalidArgumentError
            ``weeks`` is not an int from 1 to 52.
        """
        if type(weeks) is int and weeks == 1:
            return cls(kind="week")
        with _renamed({"multiple": "weeks"}):
            return cls(kind="multiple of week", multiple=weeks)

    @classmethod
    def semimonth(cls) -> UnitPeriod:
        """Half a month; 24 unit-periods per year (Appendix J (b)(5)(iii))."""
        return cls(kind="semimonth")

    @classmethod
    def month(cls, months: int = 1) -> UnitPeriod:
        """``months`` months (1-12; 12 is :meth:`year`); ``12 / months`` per year.

        Raises
        ------
        InvalidArgumentError
            ``months`` is not an int from 1 to 12.
        """
        if type(months) is int and months == 1:
            return cls(kind="month")
        if type(months) is int and months == 12:
            return cls(kind="year")
        with _renamed({"multiple": "months"}):
            return cls(kind="multiple of month", multiple=months)

    @classmethod
    def year(cls) -> UnitPeriod:
        """A year of 12 months; 1 unit-period per year (Appendix J (b)(5)(v))."""
        return cls(kind="year")

    @classmethod
    def term(cls, *, days: int, months: int | None = None) -> UnitPeriod:
        """The term of a single-advance, single-payment transaction (not over a year):
        ``12 / months`` per year when ``months`` is given, else ``365 / days``
        (Appendix J (b)(4)(ii), (b)(5)(vi)-(vii)).

        Raises
        ------
        InvalidArgumentError
            ``days`` is not an int from 1 to 365, or ``months`` not None or an int from 1 to
            11.
        """
        with _renamed({"term_days": "days", "term_months": "months"}):
            return cls(kind="term", term_days=days, term_months=months)

    @classmethod
    def parse(cls, value: UnitPeriod | str) -> UnitPeriod:
        """A :class:`UnitPeriod`, or one of ``"day"``, ``"week"``, ``"semimonth"``,
        ``"month"``, ``"year"``.

        Raises
        ------
        InvalidArgumentError
            Naming ``unit_period``, for anything else.
        """
        if isinstance(value, UnitPeriod):
            return value
        names = {"day": cls.day, "week": cls.week, "semimonth": cls.semimonth,
                 "month": cls.month, "year": cls.year}
        if isinstance(value, str) and value.strip().lower() in names:
            return names[value.strip().lower()]()
        raise InvalidArgumentError("unit_period", "must be a UnitPeriod or one of "
                                   "'day', 'week', 'semimonth', 'month', 'year'",
                                   received=value)

    @property
    def nominal_days(self) -> Fraction:
        """Length in days used to compare periods (Appendix J (b)(4)(i)(B)): a day 1, a week
        7, a semimonth 365/24, a month 365/12, a year 365, a term its days."""
        if self.kind == "day":
            return Fraction(1)
        if self.kind in ("week", "multiple of week"):
            return Fraction(7 * self.multiple)
        if self.kind == "term":
            assert self.term_days is not None
            return Fraction(self.term_days)
        return Fraction(365) / self.per_year

    def __repr__(self) -> str:
        if self.kind in ("week", "multiple of week"):
            return f"UnitPeriod.week({self.multiple})" if self.multiple > 1 \
                else "UnitPeriod.week()"
        if self.kind == "multiple of month":
            return f"UnitPeriod.month({self.multiple})"
        if self.kind == "term":
            months = "" if self.term_months is None else f", months={self.term_months}"
            return f"UnitPeriod.term(days={self.term_days}{months})"
        return f"UnitPeriod.{self.kind}()"


def _standard_intervals() -> tuple[UnitPeriod, ...]:
    """Every standard interval of time, Appendix J (b)(3)(iii), shortest first."""
    found = [UnitPeriod.day(), UnitPeriod.semimonth(), UnitPeriod.year()]
    found += [UnitPeriod.week(k) for k in range(1, 53)]
    found += [UnitPeriod.month(k) for k in range(1, 12)]
    return tuple(sorted(found, key=lambda u: u.nominal_days))


_STANDARD = _standard_intervals()


def unit_periods(from_date: DateLike, to_date: DateLike, unit: UnitPeriod | str, *,
                 day_of_month: int | None = None) -> tuple[int, Fraction]:
    """Full unit-periods and the remaining fraction of a unit-period between two dates.

    Parameters
    ----------
    from_date, to_date
        The earlier and the later date (``date`` or ISO string); ``to_date >= from_date``.
    unit
        The unit-period (:class:`UnitPeriod` or a name :meth:`UnitPeriod.parse` accepts).
    day_of_month
        For month-based units: the day of the month the series ``to_date`` belongs to is
        scheduled for (31 = the last day of each month; 29 or 30 use the last day of
        February when applicable). Default ``to_date.day``. ``to_date`` must fall on that
        day or on the last day of a shorter month.

    Returns
    -------
    tuple[int, fractions.Fraction]
        ``(t, f)``: ``t`` full unit-periods and the fraction ``f`` of a unit-period (``f``
        is 0 <= f <= 1; with months it is days / 30 and can reach 30/30 after a 31-day
        month, as the text prescribes).

    Notes
    -----
    - Day, week, ``k`` weeks: the days between the dates ((b)(5)(i): 24-hour intervals)
      divided by 1, 7 or ``7k`` ((b)(5)(iv)).
    - Month: full months measured back from the later date; the remaining days, measured
      forward from the earlier date to the beginning of the first full month, divided by
      30 ((b)(5)(ii)).
    - Semimonth, ``k`` months: 30 × the full months measured back from the later date plus
      the remaining days, divided by 15 or by ``30k`` ((b)(5)(iii)).
    - Year: full years of 12 months back from the later date; the rest is months / 12 if
      it is a whole number of months, else days / 365 ((b)(5)(v)).
    - Term: the term counts as 1 unit-period ((b)(5)(vi)-(vii)); other intervals are
      counted in days (or in 30-day months for a term of whole months).

    Raises
    ------
    InvalidArgumentError
        If ``to_date`` is before ``from_date`` (naming ``to_date``), or ``day_of_month``
        is outside 1-31 or does not fit ``to_date``.

    References
    ----------
    12 CFR 1026, Appendix J (b)(3)(iv), (b)(5)(i)-(vii).

    Examples
    --------
    Appendix J (c)(1)(ii): advance 10 Feb 1978, first payment 1 Apr 1978: one full month
    back to 1 Mar, then 19 days back to 10 Feb.

    >>> unit_periods("1978-02-10", "1978-04-01", "month")
    (1, Fraction(19, 30))

    Appendix J (c)(1)(iii): semimonthly, advance 23 Feb 1978, payment 1 Apr 1978:
    30 × 1 month + 6 days = 36 days = 2 semimonths and 6/15.

    >>> unit_periods("1978-02-23", "1978-04-01", "semimonth")
    (2, Fraction(2, 5))

    Month-end series ((b)(3)(iv)): back from 30 April in a series on "the last day of
    each month" reaches 31 March; a date on the 30th reaches 30 March, a day short.

    >>> unit_periods("1978-03-31", "1978-04-30", "month", day_of_month=31)
    (1, Fraction(0, 1))
    >>> unit_periods("1978-03-31", "1978-04-30", "month")
    (0, Fraction(1, 1))
    >>> unit_periods("2024-01-01", "2024-01-29", UnitPeriod.week(2))
    (2, Fraction(0, 1))
    """
    start = parse_date(from_date, argument="from_date")
    end = parse_date(to_date, argument="to_date")
    unit = UnitPeriod.parse(unit)
    if end < start:
        raise InvalidArgumentError("to_date", f"must not be before from_date ({start})",
                                   received=end)
    if day_of_month is None:
        day_of_month = end.day
    elif (not isinstance(day_of_month, int) or isinstance(day_of_month, bool)
          or not 1 <= day_of_month <= 31):
        raise InvalidArgumentError("day_of_month", "must be an int from 1 to 31",
                                   received=day_of_month)
    elif _on_day(_month_index(end), day_of_month) != end:
        raise InvalidArgumentError(
            "day_of_month", f"does not fit to_date {end}: to_date must fall on that day or "
            "on the last day of a shorter month", received=day_of_month)
    days = (end - start).days                                       # (b)(5)(i)
    kind = unit.kind
    if kind == "day":
        return days, Fraction(0)                                    # (b)(5)(iv)
    if kind in ("week", "multiple of week"):
        whole, rest = divmod(days, 7 * unit.multiple)               # (b)(5)(iv)
        return whole, Fraction(rest, 7 * unit.multiple)
    if kind == "term" and unit.term_months is None:
        assert unit.term_days is not None
        whole, rest = divmod(days, unit.term_days)                  # (b)(5)(vii)
        return whole, Fraction(rest, unit.term_days)
    months, begin = _full_months_back(start, end, day_of_month)
    rest_days = (begin - start).days
    if kind == "month":
        return months, Fraction(rest_days, 30)                      # (b)(5)(ii)
    if kind == "year":                                              # (b)(5)(v)
        years = months // 12
        year_begin = _on_day(_month_index(end) - 12 * years, day_of_month) if years else end
        if begin == start:
            return years, Fraction(months - 12 * years, 12)         # (b)(5)(v)(A)
        return years, Fraction((year_begin - start).days, 365)     # (b)(5)(v)(B)
    total = 30 * months + rest_days                                 # (b)(5)(iii)
    if kind == "semimonth":
        divisor = 15
    elif kind == "multiple of month":
        divisor = 30 * unit.multiple
    else:  # a term of whole months, (b)(5)(vi)
        assert unit.term_months is not None
        divisor = 30 * unit.term_months
    whole, rest = divmod(total, divisor)
    return whole, Fraction(rest, divisor)


# ---------------------------------------------------------------- choosing the unit

def _period_labels(series: Sequence[date], k: int) -> set[UnitPeriod]:
    """The standard intervals the period ``series[k] → series[k+1]`` equals."""
    first, second = series[k], series[k + 1]
    days = (second - first).days
    labels: set[UnitPeriod] = set()
    if days <= 0:
        return labels
    if days == 1:
        labels.add(UnitPeriod.day())
    if days % 7 == 0 and days // 7 <= 52:
        labels.add(UnitPeriod.week(days // 7))
    months = _month_index(second) - _month_index(first)
    if 1 <= months <= 12 and _is_months_apart(first, second, months):
        labels.add(UnitPeriod.month(months))
    if 13 <= days <= 16 and (
            (k >= 1 and _is_months_apart(series[k - 1], second, 1))
            or (k + 2 < len(series) and _is_months_apart(first, series[k + 2], 1))):
        labels.add(UnitPeriod.semimonth())
    return labels


def _periods(start: date, advance_dates: Sequence[date],
             payment_dates: Sequence[date]) -> list[tuple[int, set[UnitPeriod]]]:
    """Every period of the transaction (Appendix J (b)(3)(i)) as (days, labels): between
    advances, between payments, and from the start of the term to the first advance
    after it and to the first payment. Zero-length intervals are not periods."""
    found: list[tuple[int, set[UnitPeriod]]] = []
    for series in (sorted(set(advance_dates) | {start}),
                   sorted(set(payment_dates) | {start})):
        for k in range(len(series) - 1):
            found.append(((series[k + 1] - series[k]).days, _period_labels(series, k)))
    return found


def _choose(start: date, advance_dates: Sequence[date],
            payment_dates: Sequence[date]) -> UnitPeriod:
    distinct_advances = sorted(set(advance_dates))
    distinct_payments = sorted(set(payment_dates))
    if len(distinct_advances) == 1 and len(distinct_payments) == 1:     # (b)(4)(ii)
        end = distinct_payments[0]
        if end <= start:
            raise InvalidTermsError("payments", "a single payment must be due after the "
                                    "advance date", received=end)
        months, begin = _full_months_back(start, end, end.day)
        if months >= 12 or (end - start).days > 365:
            return UnitPeriod.year()                                    # term > 1 year
        if months and begin == start:
            return UnitPeriod.term(days=(end - start).days, months=months)   # (b)(5)(vi)
        return UnitPeriod.term(days=(end - start).days)                 # (b)(5)(vii)
    periods = _periods(start, distinct_advances, distinct_payments)
    if not periods:
        raise InvalidTermsError("payments", "the transaction has no period: every advance "
                                "and payment falls on the same date", received=start)
    counts: Counter[UnitPeriod] = Counter()
    for _, labels in periods:
        counts.update(labels)
    common = [(n, unit) for unit, n in counts.items() if n >= 2]       # (b)(3)(ii)
    if common:                                                          # (b)(4)(i), (A)
        return min(common, key=lambda item: (-item[0], item[1].nominal_days))[1]
    average = Fraction(sum(days for days, _ in periods), len(periods))  # (b)(4)(i)(B)
    return min(_STANDARD, key=lambda u: (abs(average - u.nominal_days), u.nominal_days))


def choose_unit_period(advance_date: DateLike | Sequence[DateLike],
                       payment_dates: Iterable[DateLike]) -> UnitPeriod:
    """The unit-period of a transaction, as Appendix J (b)(4) chooses it.

    Parameters
    ----------
    advance_date
        The advance date, or a sequence of advance dates (multiple advances). The term
        begins on the earliest one ((b)(2)).
    payment_dates
        The payment due dates (``date`` or ISO strings), in any order.

    Returns
    -------
    UnitPeriod
        - Single advance, single payment: the term, but not over a year ((b)(4)(ii)), with
          ``12 / months`` per year for a term of whole months ((b)(5)(vi)) and
          ``365 / days`` otherwise ((b)(5)(vii)); a year when the term is a year or longer.
        - Otherwise the common period (one occurring more than once, (b)(3)(ii)) that
          occurs most frequently, not over a year; among equally frequent ones the smaller
          ((b)(4)(i)(A)); with no common period, the average of all periods rounded to the
          nearest standard interval, the lower one on a tie ((b)(4)(i)(B)).

    Raises
    ------
    InvalidArgumentError
        For an empty or malformed ``payment_dates`` or a payment before the first advance.
    InvalidTermsError
        If no period exists (everything on one date).

    References
    ----------
    12 CFR 1026, Appendix J (b)(2), (b)(3)(i)-(iv), (b)(4)(i)-(ii), (b)(5)(vi)-(vii).

    Examples
    --------
    >>> choose_unit_period("1978-01-10", ["1978-02-10", "1978-03-10", "1978-04-10"])
    UnitPeriod.month()
    >>> choose_unit_period("1978-02-23", ["1978-03-01", "1978-03-16", "1978-04-01"])
    UnitPeriod.semimonth()
    >>> choose_unit_period("1978-01-03", ["1978-09-15"])
    UnitPeriod.term(days=255)
    >>> choose_unit_period("2024-01-15", ["2024-07-15"])
    UnitPeriod.term(days=182, months=6)
    >>> choose_unit_period("2024-01-01", ["2024-01-11", "2024-02-01", "2024-03-05"])
    UnitPeriod.week(3)
    """
    if isinstance(advance_date, (str, date)):
        advance_dates = [parse_date(advance_date, argument="advance_date")]
    else:
        advance_dates = [parse_date(d, argument="advance_date") for d in advance_date]
        if not advance_dates:
            raise InvalidArgumentError("advance_date", "must name at least one date",
                                       received=advance_date)
    payments = [parse_date(d, argument="payment_dates") for d in payment_dates]
    if not payments:
        raise InvalidArgumentError("payment_dates", "must hold at least one date",
                                   received=payments)
    start = min(advance_dates)
    if min(payments) < start:
        raise InvalidArgumentError("payment_dates", f"must not be before the first advance "
                                   f"({start})", received=min(payments))
    return _choose(start, advance_dates, payments)


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
    pay_day = _series_day([d for d, _ in paying])
    lend_day = _series_day([d for d, _ in lending])
    amounts: list[float] = []
    times: list[float] = []
    fractions: list[float] = []
    for flows, sign, day in ((lending, -1, lend_day), (paying, 1, pay_day)):
        for when, amount in flows:
            whole, part = unit_periods(start, when, unit, day_of_month=day)
            amounts.append(sign * float(amount))  # float64 only inside the root finder
            times.append(float(whole))
            fractions.append(float(part))
    rate = solve_rates(np.array([amounts]), np.array([times]), np.array([fractions]),
                       argument="payments")[0]
    apr = _CONTEXT.divide(_CONTEXT.multiply(Decimal(float(rate)),
                                            Decimal(unit.per_year.numerator)),
                          Decimal(unit.per_year.denominator))
    if apr.adjusted() >= _CONTEXT.prec - APR_PLACES:  # past what the quantum can hold
        raise NoSolutionError(f"the APR is too large to disclose ({apr:.3e}): the amount "
                              "financed is next to nothing beside the payments")
    apr = apr.quantize(_APR_QUANTUM, rounding=ROUND_HALF_EVEN, context=_CONTEXT)
    if apr.is_zero():
        apr = abs(apr)
    return _Solved(apr=apr, unit=unit, start=start)


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


# --------------------------------------------------------------- disclosure amounts

def _check_schedule(schedule: object) -> Schedule:
    if not isinstance(schedule, Schedule):
        raise InvalidArgumentError("schedule", "must be a bnpl_restructure Schedule",
                                   received=type(schedule).__name__)
    return schedule


def total_of_payments(schedule: Schedule) -> Decimal:
    """Regulation Z's "total of payments": the sum of every scheduled payment.

    Parameters
    ----------
    schedule
        The payment schedule of a new transaction.

    Returns
    -------
    decimal.Decimal
        Major units, in the schedule's currency.

    Raises
    ------
    InvalidArgumentError
        ``schedule`` is not a :class:`~bnpl_restructure.schedule.Schedule`.

    References
    ----------
    12 CFR 1026.18(h): "the amount you will have paid when you have made all scheduled
    payments".

    Examples
    --------
    >>> from bnpl_restructure import Plan
    >>> s = Plan.flat_fee("1000.00", fee_rate="0.007", installments=3,
    ...                   start="2024-01-15").schedule()
    >>> total_of_payments(s)
    Decimal('1021.00')
    """
    return _check_schedule(schedule).total_of_payments


@in_library_context
def amount_financed(schedule: Schedule, *, prepaid_finance_charge: AmountLike = 0) -> Decimal:
    """Regulation Z's "amount financed": the principal less any prepaid finance charge.

    Parameters
    ----------
    schedule
        The schedule; its principal at ``start`` is the principal loan amount (amounts the
        creditor finances that are not finance charges are part of it).
    prepaid_finance_charge
        Finance charge paid separately or withheld from the proceeds (major units, >= 0).

    Returns
    -------
    decimal.Decimal
        Major units with the currency's decimal places.

    Raises
    ------
    InvalidArgumentError
        If ``prepaid_finance_charge`` is negative or not less than the principal.

    References
    ----------
    12 CFR 1026.18(b)(1)-(3): the principal loan amount, plus other amounts financed that
    are not part of the finance charge, minus any prepaid finance charge.

    Examples
    --------
    >>> from bnpl_restructure import Plan
    >>> s = Plan.flat_fee("1000.00", fee_rate="0.007", installments=3,
    ...                   start="2024-01-15").schedule()
    >>> amount_financed(s), amount_financed(s, prepaid_finance_charge="20")
    (Decimal('1000.00'), Decimal('980.00'))
    """
    schedule = _check_schedule(schedule)
    prepaid = to_decimal(prepaid_finance_charge, argument="prepaid_finance_charge")
    if prepaid < 0 or prepaid >= schedule.amount:
        raise InvalidArgumentError("prepaid_finance_charge", "must be at least 0 and less "
                                   f"than the principal {schedule.amount}",
                                   received=prepaid_finance_charge)
    return (schedule.amount - prepaid).quantize(schedule.currency.quantum)


@in_library_context
def finance_charge(schedule: Schedule, *, prepaid_finance_charge: AmountLike = 0) -> Decimal:
    """Regulation Z's "finance charge": what the credit costs in dollars.

    For a schedule it is the total of payments less the amount financed: every interest
    and fee part, plus any prepaid finance charge.

    Parameters
    ----------
    schedule
        The schedule of a new transaction.
    prepaid_finance_charge
        As in :func:`amount_financed`.

    Returns
    -------
    decimal.Decimal
        Major units.

    Raises
    ------
    InvalidArgumentError
        ``schedule`` is not a :class:`~bnpl_restructure.schedule.Schedule`;
        ``prepaid_finance_charge`` is not an amount from 0 to less than the principal.

    References
    ----------
    12 CFR 1026.18(d) ("the dollar amount the credit will cost you"); 1026.18(b), (h).

    Examples
    --------
    >>> from bnpl_restructure import Plan
    >>> s = Plan.flat_fee("1000.00", fee_rate="0.007", installments=3,
    ...                   start="2024-01-15").schedule()
    >>> finance_charge(s), finance_charge(s, prepaid_finance_charge="20")
    (Decimal('21.00'), Decimal('41.00'))
    """
    schedule = _check_schedule(schedule)
    return total_of_payments(schedule) - amount_financed(
        schedule, prepaid_finance_charge=prepaid_finance_charge)


# ---------------------------------------------------------------- tolerance checks

def _classify(lent: list[Flow], paid: list[Flow]) -> tuple[str, ...]:
    """Reasons a transaction is irregular under 1026.22(a)(3); empty if regular."""
    reasons: list[str] = []
    if len({d for d, a in lent if a != 0}) > 1:
        reasons.append("multiple advances")
    paying = sorted((d, a) for d, a in paid if a != 0)
    dates = [d for d, _ in paying]
    if len(dates) >= 3:
        if len(set(dates)) != len(dates):
            reasons.append("irregular payment periods")
        else:
            common: set[UnitPeriod] | None = None
            for k in range(len(dates) - 1):
                labels = _period_labels(dates, k)
                common = labels if common is None else common & labels
            if not common:
                reasons.append("irregular payment periods")
    middle = {a for _, a in paying[1:-1]}
    if len(middle) > 1:
        reasons.append("irregular payment amounts")
    return tuple(reasons)


@dataclass(frozen=True, slots=True, kw_only=True)
class AprCheck:
    """Whether a disclosed APR is accurate under 12 CFR 1026.22(a)(2)-(3).

    Attributes
    ----------
    disclosed, actual
        The disclosed APR and the APR computed by Appendix J, as fractions.
    difference
        ``disclosed - actual`` (positive: overstated).
    tolerance
        ``Decimal('0.00125')`` (1/8 of 1 percentage point, regular) or
        ``Decimal('0.0025')`` (1/4 point, irregular).
    accurate
        ``abs(difference) <= tolerance`` ("not more than ... above or below").
    classification
        ``"regular"`` or ``"irregular"``.
    reasons
        Why the transaction is irregular (empty when regular or when the caller decided).
    unit_period
        The unit-period used.
    citation
        The paragraph applied.
    """

    disclosed: Decimal
    actual: Decimal
    difference: Decimal
    tolerance: Decimal
    accurate: bool
    classification: Literal["regular", "irregular"]
    reasons: tuple[str, ...]
    unit_period: UnitPeriod
    citation: str

    @in_library_context
    def __repr__(self) -> str:
        verdict = "accurate" if self.accurate else "NOT accurate"
        def points(value: Decimal) -> Decimal:  # 4 places however large (a loan of
            wide = make_context(max(_CONTEXT.prec, value.adjusted() + 10))  # next to nothing)
            return (value * 100).quantize(Decimal("0.0001"), context=wide)

        return (f"<AprCheck {verdict}: disclosed {self.disclosed * 100:f}% vs actual "
                f"{points(self.actual)}%, off by {points(self.difference)} points, tolerance "
                f"{self.tolerance * 100:f} ({self.classification}; {self.citation})>")


#: The largest APR :func:`check_apr` takes as disclosed (a fraction: 1,000,000%).
_MAX_DISCLOSED_APR = Decimal(10_000)


@in_library_context
def check_apr(disclosed: AmountLike,
              payments_or_schedule: Schedule | Iterable[tuple[DateLike, AmountLike]], *,
              amount_financed: AmountLike | None = None,
              advance_date: DateLike | None = None,
              advances: Iterable[tuple[DateLike, AmountLike]] | None = None,
              regular: bool | None = None,
              unit_period: UnitPeriod | str | None = None,
              prepaid_finance_charge: AmountLike = 0) -> AprCheck:
    """Whether a disclosed annual percentage rate is accurate, and by how much it is off.

    Parameters
    ----------
    disclosed
        The disclosed APR as a fraction (``"0.0969"`` for 9.69%).
    payments_or_schedule
        A :class:`~bnpl_restructure.schedule.Schedule`, or ``(date, amount)`` payment
        pairs as for :func:`reg_z_apr`.
    amount_financed, advance_date, advances, unit_period, prepaid_finance_charge
        As for :func:`reg_z_apr`. With a Schedule, ``amount_financed`` (if given)
        replaces the schedule's principal.
    regular
        ``True`` / ``False`` to state whether the transaction is regular; ``None``
        (default) classifies it by 1026.22(a)(3): irregular if it has multiple advances,
        irregular payment periods, or irregular payment amounts other than an irregular
        first period or an irregular first or final payment.

    Returns
    -------
    AprCheck

    Raises
    ------
    InvalidArgumentError, NoSolutionError
        As :func:`reg_z_apr`; ``disclosed`` must be a finite number.

    References
    ----------
    12 CFR 1026.22(a)(2): accurate if not more than 1/8 of 1 percentage point above or
    below the APR determined by 1026.22(a)(1) (Appendix J); 1026.22(a)(3): 1/4 of 1
    percentage point in an irregular transaction. The special mortgage tolerances of
    1026.22(a)(4)-(5) are not applied.

    Examples
    --------
    >>> from bnpl_restructure import Plan
    >>> s = Plan.annuity("5000", annual_rate="0.12", installments=24,
    ...                  start="2024-01-10", currency="USD").schedule()
    >>> check_apr("0.1210", s).accurate, check_apr("0.1213", s).accurate
    (True, False)
    >>> check_apr("0.1213", s).citation
    '12 CFR 1026.22(a)(2)'
    """
    stated = to_decimal(disclosed, argument="disclosed")
    if not -1 < stated <= _MAX_DISCLOSED_APR:
        raise InvalidArgumentError("disclosed", "must be an annual rate as a fraction above "
                                   "-1 and at most 10000 (1,000,000%), e.g. '0.0969' for "
                                   "9.69%", received=disclosed)
    schedule = payments_or_schedule if isinstance(payments_or_schedule, Schedule) else None
    if schedule is not None and advances is not None:
        raise InvalidArgumentError("advances", "must not be given with a Schedule",
                                   received=advances)
    try:
        if schedule is None:
            lent, paid = _resolve(amount_financed, payments_or_schedule,
                                  advance_date=advance_date, advances=advances,
                                  prepaid_finance_charge=prepaid_finance_charge)
        else:
            lent, paid = _resolve(schedule, None, advance_date=advance_date, advances=None,
                                  prepaid_finance_charge=prepaid_finance_charge,
                                  financed_override=amount_financed)
        solved = _solve(lent, paid, unit_period)
    except InvalidArgumentError as exc:  # the public name of the payments
        raise renamed(exc, "payments", "payments_or_schedule") from None
    if regular is None:
        reasons = _classify(lent, paid)
        is_regular = not reasons
    elif isinstance(regular, bool):
        reasons, is_regular = (), regular
    else:
        raise InvalidArgumentError("regular", "must be True, False or None",
                                   received=regular)
    tolerance = REGULAR_TOLERANCE if is_regular else IRREGULAR_TOLERANCE
    difference = stated - solved.apr
    return AprCheck(disclosed=stated, actual=solved.apr, difference=difference,
                    tolerance=tolerance, accurate=abs(difference) <= tolerance,
                    classification="regular" if is_regular else "irregular",
                    reasons=reasons, unit_period=solved.unit,
                    citation="12 CFR 1026.22(a)(2)" if is_regular else "12 CFR 1026.22(a)(3)")


@dataclass(frozen=True, slots=True, kw_only=True)
class FinanceChargeCheck:
    """Whether a disclosed finance charge is accurate under 12 CFR 1026.18(d).

    Attributes
    ----------
    disclosed, actual
        Disclosed and computed finance charge (major units).
    difference
        ``disclosed - actual`` (positive: overstated).
    tolerance
        $5 or $10 either way (1026.18(d)(2)); $100 understatement for a mortgage
        (1026.18(d)(1)).
    accurate
        Whether the disclosure is treated as accurate.
    citation
        The paragraph applied.
    """

    disclosed: Decimal
    actual: Decimal
    difference: Decimal
    tolerance: Decimal
    accurate: bool
    citation: str

    @in_library_context
    def __repr__(self) -> str:
        verdict = "accurate" if self.accurate else "NOT accurate"
        return (f"<FinanceChargeCheck {verdict}: disclosed {self.disclosed} vs actual "
                f"{self.actual}, off by {self.difference} ({self.citation})>")


@in_library_context
def check_finance_charge(disclosed: AmountLike, schedule: Schedule, *,
                         prepaid_finance_charge: AmountLike = 0,
                         secured_by_dwelling: bool = False) -> FinanceChargeCheck:
    """Whether a disclosed finance charge is treated as accurate.

    Parameters
    ----------
    disclosed
        The disclosed finance charge in major units.
    schedule
        The schedule the finance charge belongs to (:func:`finance_charge`).
    prepaid_finance_charge
        As in :func:`amount_financed`.
    secured_by_dwelling
        ``True`` for a transaction secured by real property or a dwelling (1026.18(d)(1)).

    Returns
    -------
    FinanceChargeCheck
        Under 1026.18(d)(2) ("other credit"): accurate if not more than $5 above or below
        the amount required when the amount financed is $1,000 or less, $10 when it is
        more than $1,000. Under 1026.18(d)(1) (mortgage): accurate if understated by no
        more than $100, or greater than the amount required.

    Raises
    ------
    InvalidArgumentError
        For a non-number ``disclosed`` or an invalid schedule.

    References
    ----------
    12 CFR 1026.18(d)(1)-(2). The thresholds are dollars; they are applied to the
    schedule's major units.

    Examples
    --------
    >>> from bnpl_restructure import Plan
    >>> s = Plan.flat_fee("1000.00", fee_rate="0.007", installments=3,
    ...                   start="2024-01-15", currency="USD").schedule()
    >>> check_finance_charge("26.00", s).accurate, check_finance_charge("26.01", s).accurate
    (True, False)
    """
    schedule = _check_schedule(schedule)
    stated = to_decimal(disclosed, argument="disclosed")
    actual = finance_charge(schedule, prepaid_finance_charge=prepaid_finance_charge)
    difference = stated - actual
    if secured_by_dwelling:
        tolerance = Decimal(100)
        return FinanceChargeCheck(disclosed=stated, actual=actual, difference=difference,
                                  tolerance=tolerance, accurate=difference >= -tolerance,
                                  citation="12 CFR 1026.18(d)(1)")
    financed = amount_financed(schedule, prepaid_finance_charge=prepaid_finance_charge)
    tolerance = Decimal(5) if financed <= 1000 else Decimal(10)
    return FinanceChargeCheck(disclosed=stated, actual=actual, difference=difference,
                              tolerance=tolerance, accurate=abs(difference) <= tolerance,
                              citation="12 CFR 1026.18(d)(2)")
