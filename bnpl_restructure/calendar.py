"""Dates and payment frequencies: when installments fall due.

Due dates are *anchored*: the k-th due date is computed from the anchor (the
first due date) in one step, never by adding a period to the previous due
date. Repeated addition drifts (Jan 31 -> Feb 28 -> Mar 28 -> ...); anchoring
does not (Jan 31 -> Feb 28 -> Mar 31 -> Apr 30).

References
----------
.. [1] 12 CFR 1026 (Regulation Z), Appendix J (b)(3)(iii) (standard intervals:
   day, week, semimonth, month, multiples of a week or a month) and
   (b)(5)(ii)-(iv) (unit-periods per year: 12 per month, 24 per semimonth,
   52 per week, 365 per day).
.. [2] python-dateutil, ``relativedelta``: adding months keeps the day of
   month and clips it to the end of a shorter month; ``advance`` gives the
   same dates (asserted against python-dateutil in the tests) without
   constructing a relativedelta per date.

Examples
--------
>>> from datetime import date
>>> from bnpl_restructure.calendar import Frequency
>>> Frequency.MONTHLY.due_dates(date(2024, 1, 31), 4)
(datetime.date(2024, 1, 31), datetime.date(2024, 2, 29), datetime.date(2024, 3, 31), \
datetime.date(2024, 4, 30))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any, ClassVar, Final, Literal, TypeAlias

from bnpl_restructure.errors import InvalidArgumentError

__all__ = [
    "BIWEEKLY",
    "MONTHLY",
    "QUARTERLY",
    "SEMI_MONTHLY",
    "SEMI_MONTHLY_15_DAYS",
    "WEEKLY",
    "DateLike",
    "Frequency",
    "FrequencyLike",
    "FrequencyUnit",
    "parse_date",
]

DateLike: TypeAlias = date | str
"""A ``datetime.date`` or an ISO ``'YYYY-MM-DD'`` string."""

FrequencyUnit: TypeAlias = Literal["day", "month", "semi_month"]
"""The unit a :class:`Frequency` steps in."""

_UNITS: Final[tuple[str, ...]] = ("day", "month", "semi_month")

_ISO_DATE: Final[re.Pattern[str]] = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def parse_date(value: DateLike, *, argument: str) -> date:
    """Return a ``datetime.date`` from a date or an ISO ``'YYYY-MM-DD'`` string.

    Parameters
    ----------
    value
        A ``datetime.date``, or a string of exactly the form ``'YYYY-MM-DD'``
        (surrounding whitespace ignored). A ``datetime.datetime`` (or a pandas
        ``Timestamp``) is refused: a due date has no time of day, so pass
        ``value.date()`` explicitly.
    argument
        The caller's name for the date, used in error messages.

    Raises
    ------
    InvalidArgumentError
        For a datetime, a malformed string, an impossible date such as
        ``'2023-02-29'``, or another type; the message names ``argument``.

    References
    ----------
    .. [1] ISO 8601-1:2019, calendar date complete representation, extended
       format (``YYYY-MM-DD``).

    Examples
    --------
    >>> from bnpl_restructure.calendar import parse_date
    >>> parse_date("2024-02-29", argument="start")
    datetime.date(2024, 2, 29)
    >>> parse_date("2023-02-29", argument="start")
    Traceback (most recent call last):
    ...
    bnpl_restructure.errors.InvalidArgumentError: start: must be a valid calendar date \
'YYYY-MM-DD' (got '2023-02-29')
    """
    if isinstance(value, datetime):
        raise InvalidArgumentError(
            argument,
            "must be a datetime.date, not a datetime (pass value.date())",
            received=value,
        )
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DATE.fullmatch(text) is None:
            raise InvalidArgumentError(
                argument, "must be an ISO date string 'YYYY-MM-DD'", received=value
            )
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise InvalidArgumentError(
                argument, "must be a valid calendar date 'YYYY-MM-DD'", received=value
            ) from None
    raise InvalidArgumentError(
        argument,
        "must be a datetime.date or an ISO 'YYYY-MM-DD' string, not " + type(value).__name__,
        received=value,
    )


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


def _check_int(value: object, *, argument: str, minimum: int | None = None) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidArgumentError(argument, "must be an int", received=value)
    if minimum is not None and value < minimum:
        raise InvalidArgumentError(argument, f"must be at least {minimum}", received=value)
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class Frequency:
    """How often installments fall due.

    Parameters
    ----------
    unit
        ``"day"``: every ``step`` days; ``"month"``: every ``step`` calendar
        months, same day of month (clipped to a shorter month's last day);
        ``"semi_month"``: twice each calendar month, on two days 15 apart
        (``step`` must be 1). See :meth:`advance` for the exact rules.
    step
        The number of units between due dates, at least 1.

    Attributes
    ----------
    WEEKLY : Frequency
        Every 7 days.
    BIWEEKLY : Frequency
        Every 14 days.
    SEMI_MONTHLY : Frequency
        Twice a month on calendar-anchored days 15 apart: an anchor on the 1st
        gives the 1st and 16th; on the 15th, the 15th and 30th (Feb 28/29); on the
        31st, the 16th and the month's last day.
    SEMI_MONTHLY_15_DAYS : Frequency
        Every 15 days, regardless of month boundaries.
    MONTHLY : Frequency
        Every calendar month.
    QUARTERLY : Frequency
        Every 3 calendar months.

    Raises
    ------
    InvalidArgumentError
        For an unknown ``unit`` (``argument="unit"``) or a ``step`` that is not
        an int of at least 1, or not 1 for ``"semi_month"`` (``argument="step"``).

    References
    ----------
    .. [1] 12 CFR 1026 (Regulation Z), Appendix J (b)(3)(iii) and (b)(5)(ii)-(iv).

    Examples
    --------
    >>> from bnpl_restructure.calendar import Frequency
    >>> Frequency.parse("semi-monthly") is Frequency.SEMI_MONTHLY
    True
    >>> Frequency.every_months(2).name
    'every 2 months'
    >>> Frequency.BIWEEKLY.periods_per_year
    Fraction(26, 1)
    >>> Frequency.every_days(10).periods_per_year
    Fraction(73, 2)
    """

    unit: FrequencyUnit
    step: int

    WEEKLY: ClassVar[Frequency]
    BIWEEKLY: ClassVar[Frequency]
    SEMI_MONTHLY: ClassVar[Frequency]
    SEMI_MONTHLY_15_DAYS: ClassVar[Frequency]
    MONTHLY: ClassVar[Frequency]
    QUARTERLY: ClassVar[Frequency]

    def __post_init__(self) -> None:
        if self.unit not in _UNITS:
            raise InvalidArgumentError(
                "unit", "must be one of 'day', 'month', 'semi_month'", received=self.unit
            )
        _check_int(self.step, argument="step", minimum=1)
        if self.unit == "semi_month" and self.step != 1:
            raise InvalidArgumentError(
                "step", "must be 1 for unit 'semi_month'", received=self.step
            )

    def __str__(self) -> str:
        return self.name

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Pretty printers (IPython, Hypothesis' failure reports) show the short repr,
        not the class constants (``WEEKLY``, ``MONTHLY``, ...) each refers to."""
        printer.text(repr(self))

    @classmethod
    def every_days(cls, days: int) -> Frequency:
        """Every ``days`` days (``days >= 1``); ``every_days(7)`` equals :attr:`WEEKLY`.

        Raises
        ------
        InvalidArgumentError
            ``argument="days"`` unless an int of at least 1.

        Examples
        --------
        >>> from bnpl_restructure.calendar import Frequency
        >>> Frequency.every_days(14) == Frequency.BIWEEKLY
        True
        """
        return cls(unit="day", step=_check_int(days, argument="days", minimum=1))

    @classmethod
    def every_months(cls, months: int) -> Frequency:
        """Every ``months`` calendar months (``months >= 1``).

        Raises
        ------
        InvalidArgumentError
            ``argument="months"`` unless an int of at least 1.

        Examples
        --------
        >>> from bnpl_restructure.calendar import Frequency
        >>> Frequency.every_months(3) == Frequency.QUARTERLY
        True
        """
        return cls(unit="month", step=_check_int(months, argument="months", minimum=1))

    @classmethod
    def parse(cls, value: FrequencyLike) -> Frequency:
        """Return the frequency for a :class:`Frequency` or its name.

        Parameters
        ----------
        value
            A :class:`Frequency`, or one of ``'daily'``, ``'weekly'``, ``'biweekly'``
            (``'fortnightly'``), ``'semi_monthly'``, ``'semi_monthly_15_days'``,
            ``'monthly'``, ``'quarterly'``, ``'semi_annual'`` (``'half_yearly'``),
            ``'annual'`` (``'yearly'``), ``'every N days'``, ``'every N weeks'``,
            ``'every N months'``, ``'every N years'`` (any letter case; ``'-'``,
            ``' '`` and ``'_'`` are interchangeable). Every :attr:`name` parses back
            to its frequency. ``'bimonthly'`` and ``'biannual'`` are refused: each
            means two different frequencies in common use.

        Raises
        ------
        InvalidArgumentError
            ``argument="frequency"``, listing the accepted names.

        Examples
        --------
        >>> from bnpl_restructure.calendar import Frequency
        >>> Frequency.parse("Semi Monthly 15 Days") == Frequency.every_days(15)
        True
        >>> Frequency.parse("every 2 months")
        Frequency(unit='month', step=2)
        >>> Frequency.parse("Fortnightly") is Frequency.BIWEEKLY, Frequency.parse("yearly").name
        (True, 'annual')
        >>> Frequency.parse("every 4 weeks") == Frequency.every_days(28)
        True
        >>> Frequency.parse("bimonthly")
        Traceback (most recent call last):
        ...
        bnpl_restructure.errors.InvalidArgumentError: frequency: 'bimonthly' is ambiguous \
(twice a month, or every two months); say which: 'semi_monthly' or 'every 2 months' \
(got 'bimonthly')
        """
        if isinstance(value, Frequency):
            return value
        if isinstance(value, str):
            named = _NAMED.get(value)
            if named is not None:
                return named
            key = re.sub(r"[-\s_]+", "_", value.strip().lower())
            named = _NAMED.get(key)
            if named is not None:
                return named
            match = re.fullmatch(r"every_([0-9]{1,6})_(day|week|month|year)s?", key, re.ASCII)
            if match is not None and int(match.group(1)) >= 1:
                count = int(match.group(1))
                unit, per = _UNIT_WORDS[match.group(2)]
                return cls(unit=unit, step=count * per)
            if key in _AMBIGUOUS:
                raise InvalidArgumentError("frequency", _AMBIGUOUS[key], received=value)
        raise InvalidArgumentError(
            "frequency",
            "must be a Frequency or one of 'weekly', 'biweekly' (or 'fortnightly'), "
            "'semi_monthly', 'semi_monthly_15_days', 'monthly', 'quarterly', "
            "'semi_annual', 'annual' (or 'yearly'), 'every N days', 'every N weeks', "
            "'every N months', 'every N years'",
            received=value,
        )

    @property
    def name(self) -> str:
        """A readable name that :meth:`parse` accepts back.

        ``'daily'``, ``'weekly'``, ``'biweekly'``, ``'semi-monthly'``, ``'monthly'``,
        ``'quarterly'``, otherwise ``'every N days'`` / ``'every N months'``
        (``SEMI_MONTHLY_15_DAYS`` is ``'every 15 days'``).
        """
        if self.unit == "semi_month":
            return "semi-monthly"
        if self.unit == "month":
            return {1: "monthly", 3: "quarterly", 6: "semi-annual", 12: "annual"}.get(
                self.step, f"every {self.step} months")
        return {1: "daily", 7: "weekly", 14: "biweekly"}.get(self.step, f"every {self.step} days")

    @property
    def periods_per_year(self) -> Fraction:
        """Payment periods per year, as Regulation Z Appendix J counts unit-periods.

        - every ``n`` months: ``12 / n`` (monthly 12, quarterly 4);
        - semi-monthly: 24;
        - every 15 days: 24 (Appendix J measures a semimonth as 15 days);
        - every ``n`` days with ``n`` a multiple of 7 (``n = 7w``): ``52 / w``
          (weekly 52, biweekly 26, every 4 weeks 13), not ``365 / n``;
        - every other ``n`` days: ``365 / n``.

        References
        ----------
        .. [1] 12 CFR 1026, Appendix J (b)(5)(ii) (month: 12; multiple of a month:
           12 divided by the months), (b)(5)(iii) (semimonth: 24; a semimonth is
           15 days), (b)(5)(iv) (day: 365; week or multiple of a week: 52 divided
           by the weeks).

        Examples
        --------
        >>> from bnpl_restructure.calendar import Frequency
        >>> Frequency.every_days(28).periods_per_year
        Fraction(13, 1)
        >>> Frequency.QUARTERLY.periods_per_year
        Fraction(4, 1)
        """
        known = _PERIODS_PER_YEAR.get((self.unit, self.step))
        if known is not None:
            return known
        if self.unit == "semi_month":
            return Fraction(24)
        if self.unit == "month":
            return Fraction(12, self.step)
        if self.step == 15:
            return Fraction(24)
        if self.step % 7 == 0:
            return Fraction(52, self.step // 7)
        return Fraction(365, self.step)

    def advance(self, anchor: DateLike, k: int) -> date:
        """The ``k``-th due date counted from ``anchor`` (``k = 0`` is the anchor).

        Always computed from the anchor in one step, never by repeated addition.

        - ``"day"``: ``anchor + timedelta(days=k * step)``.
        - ``"month"``: the same date as python-dateutil's
          ``anchor + relativedelta(months=k * step)`` (a property test asserts
          it; computed here directly, several times faster): the anchor's day
          of month, clipped to the target month's last day, so a Jan 31 anchor
          gives Feb 29 (2024) or Feb 28 (2023), Mar 31, Apr 30.
        - ``"semi_month"``: with ``d`` the anchor's day of month, each month has
          two due days: ``d`` and ``d + 15`` if ``d <= 15``, else ``d - 15``
          and ``d``; the later one is clipped to the month's last day (15 ->
          15th and 30th, Feb 28/29; 31 -> 16th and 31st/30th/28th). The
          sequence alternates between them starting at the anchor; negative
          ``k`` walks backwards the same way. The anchor's day is taken
          literally: an anchor on Feb 28 means the 13th and 28th of each
          month, not "the last day".

        A due date derived by clipping (Feb 29 from a Jan 31 monthly anchor,
        Feb 16 from a Jan 31 semi-monthly anchor) is not a substitute anchor:
        to continue a schedule, keep its original anchor and index.

        Parameters
        ----------
        anchor
            The due date numbered 0 (usually the first due date).
        k
            The index of the due date wanted; may be negative or zero.

        Raises
        ------
        InvalidArgumentError
            If ``anchor`` is not a date (``argument="anchor"``), ``k`` is not an
            int, or the due date falls outside the years 1 to 9999
            (``argument="k"``).

        References
        ----------
        .. [1] 12 CFR 1026, Appendix J (b)(3)(iv): months are measured to the
           same date of another month; for the 29th or 30th, the last day of
           February is used when applicable.

        Examples
        --------
        >>> from datetime import date
        >>> from bnpl_restructure.calendar import Frequency
        >>> Frequency.MONTHLY.advance(date(2023, 1, 31), 1)
        datetime.date(2023, 2, 28)
        >>> [Frequency.SEMI_MONTHLY.advance(date(2024, 1, 15), k) for k in range(4)]
        [datetime.date(2024, 1, 15), datetime.date(2024, 1, 30), \
datetime.date(2024, 2, 15), datetime.date(2024, 2, 29)]
        >>> Frequency.SEMI_MONTHLY.advance(date(2024, 3, 31), -1)
        datetime.date(2024, 3, 16)
        """
        start = parse_date(anchor, argument="anchor")
        index = _check_int(k, argument="k")
        try:
            if self.unit == "day":
                return start + timedelta(days=index * self.step)
            if self.unit == "month":
                return _add_months(start, index * self.step)
            return _semi_monthly(start, index)
        except (OverflowError, ValueError):
            raise InvalidArgumentError(
                "k",
                f"gives a due date outside the years 1 to 9999 from anchor {start.isoformat()}",
                received=k,
            ) from None

    def due_dates(self, first_due: DateLike, count: int) -> tuple[date, ...]:
        """The first ``count`` due dates: ``advance(first_due, k)`` for ``k`` in ``range(count)``.

        Parameters
        ----------
        first_due
            The first due date (the anchor).
        count
            The number of installments, at least 1.

        Raises
        ------
        InvalidArgumentError
            ``argument="installments"`` if ``count`` is not an int of at least 1,
            or if the last due date would fall after the year 9999;
            ``argument="first_due"`` if ``first_due`` is not a date.

        Examples
        --------
        >>> from datetime import date
        >>> from bnpl_restructure.calendar import Frequency
        >>> Frequency.BIWEEKLY.due_dates(date(2024, 2, 15), 3)
        (datetime.date(2024, 2, 15), datetime.date(2024, 2, 29), datetime.date(2024, 3, 14))
        """
        anchor = parse_date(first_due, argument="first_due")
        installments = _check_int(count, argument="installments", minimum=1)
        try:
            self.advance(anchor, installments - 1)
        except InvalidArgumentError:
            raise InvalidArgumentError(
                "installments",
                f"is too many: the last {self.name} due date from {anchor.isoformat()} "
                "would fall after 9999-12-31",
                received=count,
            ) from None
        return self._dates(anchor, 0, installments)

    def _step(self, anchor: date, k: int) -> date:
        """``advance(anchor, k)``, inputs trusted (raises OverflowError or ValueError past
        the calendar's ends)."""
        if self.unit == "month":
            return _add_months(anchor, k * self.step)
        if self.unit == "day":
            return anchor + timedelta(days=k * self.step)
        return _semi_monthly(anchor, k)

    def _dates(self, anchor: date, first: int, stop: int) -> tuple[date, ...]:
        """``advance(anchor, k)`` for ``k`` in ``range(first, stop)``, inputs trusted."""
        if self.unit == "month":
            return _month_dates(anchor, first, stop, self.step)
        if self.unit == "day":
            return tuple(anchor + timedelta(days=k * self.step) for k in range(first, stop))
        return tuple(_semi_monthly(anchor, k) for k in range(first, stop))

    def is_regular_first_period(self, start: DateLike, first_due: DateLike) -> bool:
        """Whether the first period is exactly one period long.

        True when ``advance(first_due, -1) == start``: stepping back one period
        from the first due date lands on the start date. Note that a monthly
        loan started on Jan 31 with its first due date on Feb 28 is *not*
        regular by this rule (one month before Feb 28 is Jan 28).

        Raises
        ------
        InvalidArgumentError
            If ``start`` or ``first_due`` is not a date (naming it).

        Examples
        --------
        >>> from datetime import date
        >>> from bnpl_restructure.calendar import Frequency
        >>> Frequency.MONTHLY.is_regular_first_period(date(2024, 1, 31), date(2024, 2, 29))
        False
        >>> Frequency.MONTHLY.is_regular_first_period(date(2024, 2, 29), date(2024, 3, 29))
        True
        """
        begin = parse_date(start, argument="start")
        anchor = parse_date(first_due, argument="first_due")
        return self.advance(anchor, -1) == begin


FrequencyLike: TypeAlias = Frequency | str
"""A :class:`Frequency` or one of the names :meth:`Frequency.parse` accepts."""


def _add_months(anchor: date, months: int) -> date:
    """``anchor + relativedelta(months=months)``: same day, clipped to the month's end."""
    year, month0 = divmod(anchor.year * 12 + anchor.month - 1 + months, 12)
    if not 1 <= year <= 9999:
        raise OverflowError("year out of range")
    day = anchor.day
    if day > 28:
        day = min(day, _days_in_month(year, month0 + 1))
    return date(year, month0 + 1, day)


def _month_dates(anchor: date, first: int, stop: int, step: int) -> tuple[date, ...]:
    """``_add_months(anchor, k * step)`` for ``k`` in ``range(first, stop)``, in one loop."""
    if first >= stop:
        return ()
    base = anchor.year * 12 + anchor.month - 1
    ends = (base + first * step, base + (stop - 1) * step)
    if not (min(ends) >= 12 and max(ends) < 120_000):  # years 1 to 9999
        raise OverflowError("year out of range")
    day = anchor.day
    months = range(base + first * step, base + stop * step, step)  # year * 12 + month - 1
    if day <= 28:  # every month has the day
        return tuple([date(m // 12, m % 12 + 1, day) for m in months])
    return tuple([date(m // 12, m % 12 + 1, min(day, _days_in_month(m // 12, m % 12 + 1)))
                  for m in months])


def _semi_monthly(anchor: date, k: int) -> date:
    day = anchor.day
    if day <= 15:
        early, late, slot_of_anchor = day, day + 15, 0
    else:
        early, late, slot_of_anchor = day - 15, day, 1
    month_offset, slot = divmod(slot_of_anchor + k, 2)
    months = anchor.year * 12 + (anchor.month - 1) + month_offset
    year, month = divmod(months, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise OverflowError("year out of range")
    if slot == 0:
        return date(year, month, early)
    return date(year, month, min(late, _days_in_month(year, month)))


WEEKLY: Final[Frequency] = Frequency(unit="day", step=7)
"""Every 7 days (52 per year)."""
BIWEEKLY: Final[Frequency] = Frequency(unit="day", step=14)
"""Every 14 days (26 per year)."""
SEMI_MONTHLY: Final[Frequency] = Frequency(unit="semi_month", step=1)
"""Twice a month on calendar-anchored days (24 per year)."""
SEMI_MONTHLY_15_DAYS: Final[Frequency] = Frequency(unit="day", step=15)
"""Every 15 days (24 per year, as Regulation Z counts semimonths)."""
MONTHLY: Final[Frequency] = Frequency(unit="month", step=1)
"""Every calendar month (12 per year)."""
QUARTERLY: Final[Frequency] = Frequency(unit="month", step=3)
"""Every 3 calendar months (4 per year)."""

Frequency.WEEKLY = WEEKLY
Frequency.BIWEEKLY = BIWEEKLY
Frequency.SEMI_MONTHLY = SEMI_MONTHLY
Frequency.SEMI_MONTHLY_15_DAYS = SEMI_MONTHLY_15_DAYS
Frequency.MONTHLY = MONTHLY
Frequency.QUARTERLY = QUARTERLY

_NAMED: Final[dict[str, Frequency]] = {
    "daily": Frequency(unit="day", step=1),
    "weekly": WEEKLY,
    "biweekly": BIWEEKLY,
    "bi_weekly": BIWEEKLY,
    "semi_monthly": SEMI_MONTHLY,
    "semimonthly": SEMI_MONTHLY,
    "semi_monthly_15_days": SEMI_MONTHLY_15_DAYS,
    "monthly": MONTHLY,
    "quarterly": QUARTERLY,
    # common names of the same frequencies
    "fortnightly": BIWEEKLY,
    "every_other_week": BIWEEKLY,
    "semi_annual": Frequency(unit="month", step=6),
    "semiannual": Frequency(unit="month", step=6),
    "semi_annually": Frequency(unit="month", step=6),
    "semiannually": Frequency(unit="month", step=6),
    "half_yearly": Frequency(unit="month", step=6),
    "annual": Frequency(unit="month", step=12),
    "annually": Frequency(unit="month", step=12),
    "yearly": Frequency(unit="month", step=12),
}

# "every N <word>": the unit and how many of it one word is
_UNIT_WORDS: Final[dict[str, tuple[FrequencyUnit, int]]] = {
    "day": ("day", 1), "week": ("day", 7), "month": ("month", 1), "year": ("month", 12)}

# Names that mean two different frequencies in common use: refused, with the way out.
_AMBIGUOUS: Final[dict[str, str]] = {
    key: f"'{word}' is ambiguous ({meaning}); say which: {choices}"
    for keys, word, meaning, choices in (
        (("bimonthly", "bi_monthly"), "bimonthly",
         "twice a month, or every two months", "'semi_monthly' or 'every 2 months'"),
        (("biannual", "biannually", "bi_annual", "bi_annually"), "biannual",
         "twice a year, or every two years", "'semi_annual' or 'every 2 years'"),
    )
    for key in keys
}

# periods_per_year of the named frequencies, computed once.
_PERIODS_PER_YEAR: Final[dict[tuple[str, int], Fraction]] = {}
_PERIODS_PER_YEAR.update({(f.unit, f.step): f.periods_per_year for f in _NAMED.values()})
