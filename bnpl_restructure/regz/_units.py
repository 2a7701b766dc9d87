"""Unit-periods: Appendix J (b)(2)-(b)(5), counting and choosing them."""

from __future__ import annotations

import calendar as _calendar
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from ..calendar import DateLike, parse_date
from ..errors import InvalidArgumentError, InvalidTermsError
from ._common import (
    _KINDS,
    UnitPeriodKind,
)

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


