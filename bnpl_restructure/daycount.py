"""Day-count conventions: how many days a period has, and what fraction of a year it is.

Each convention is a member of :class:`DayCount` with one documented rule.
Year fractions are exact :class:`fractions.Fraction` values, so that
``balance * annual_rate * year_fraction`` can be evaluated exactly and rounded
once by the plan's rounding policy.

References
----------
.. [1] International Swaps and Derivatives Association, *2006 ISDA
   Definitions*, Section 4.16 "Day Count Fraction", paragraphs (b) Actual/Actual
   (ISDA), (c) Actual/365 (Fixed), (e) Actual/360 and (f) 30/360.

Examples
--------
>>> from datetime import date
>>> from bnpl_restructure.daycount import DayCount
>>> DayCount.ACT_365_FIXED.year_fraction(date(2024, 1, 1), date(2024, 3, 1))
Fraction(12, 73)
>>> DayCount.parse("30/360").days(date(2024, 1, 31), date(2024, 3, 31))
60
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from fractions import Fraction

from bnpl_restructure.errors import InvalidArgumentError, InvalidTermsError

__all__ = ["DayCount"]


class DayCount(enum.Enum):
    """A day-count convention; each member states one rule.

    Below, a period runs from ``start`` (D1/M1/Y1) to ``end`` (D2/M2/Y2), and
    "actual days" is ``(end - start).days``: the start date counts, the end
    date does not.

    Attributes
    ----------
    PER_PERIOD : ``"per_period"``
        The contract's periodic rate (e.g. 0.5% per month) applies to each whole
        payment period, whatever its length in days. There is no year fraction;
        :meth:`year_fraction` raises. :meth:`days` gives actual days.
    THIRTY_360 : ``"30/360"``
        30/360 "Bond Basis" as defined by ISDA 2006 Section 4.16(f) (also called
        360/360; the US bond basis *without* the end-of-February rules of the
        SIA "30/360 US" variant): if D1 is 31 it becomes 30; if D2 is 31 and
        D1 (before adjustment) is 30 or 31, D2 becomes 30. Days are
        ``360*(Y2-Y1) + 30*(M2-M1) + (D2-D1)`` and the year fraction is
        ``days / 360``. February is not adjusted: Jan 31 to Feb 28 is 28 days.
    ACT_365_FIXED : ``"act/365f"``
        Actual days divided by 365, also in leap years (ISDA 2006 4.16(c)).
    ACT_360 : ``"act/360"``
        Actual days divided by 360 (ISDA 2006 4.16(e)).
    ACT_ACT : ``"act/act"``
        Actual/Actual (ISDA), ISDA 2006 4.16(b): the days of the period falling
        in each calendar year, divided by that year's length (366 in a leap
        year, 365 otherwise), summed over the years.
    ACT_365_25 : ``"act/365.25"``
        Actual days divided by 365.25 (the average year length over a leap
        cycle), i.e. ``4 * days / 1461``: the US Department of Education's
        "interest rate factor" (annual rate / 365.25) by which federal student
        loan servicers accrue simple daily interest [2]_. Not an ISDA convention.

    References
    ----------
    .. [1] ISDA, *2006 ISDA Definitions*, Section 4.16(b), (c), (e), (f).
    .. [2] U.S. Department of Education, Direct Loan Servicing Center, "Interest
       Rate Factor" (dl.ed.gov borrower help page, archived 2009-05-07 at
       webarchive.library.unt.edu/eot2008): "determined by dividing your loan's
       interest rate by 365.25".

    Examples
    --------
    >>> from datetime import date
    >>> from bnpl_restructure.daycount import DayCount
    >>> DayCount.parse("ACT/ACT") is DayCount.ACT_ACT
    True
    >>> # 184/365 (Jul 1 - Dec 31, 2023) + 182/366 (Jan 1 - Jun 30, 2024)
    >>> DayCount.ACT_ACT.year_fraction(date(2023, 7, 1), date(2024, 7, 1))
    Fraction(66887, 66795)
    >>> DayCount.ACT_360.year_fraction(date(2024, 1, 1), date(2024, 4, 1))
    Fraction(91, 360)
    >>> DayCount.ACT_365_25.year_fraction(date(2023, 1, 1), date(2024, 1, 1))
    Fraction(1460, 1461)
    """

    PER_PERIOD = "per_period"
    THIRTY_360 = "30/360"
    ACT_365_FIXED = "act/365f"
    ACT_360 = "act/360"
    ACT_ACT = "act/act"
    ACT_365_25 = "act/365.25"

    def __repr__(self) -> str:
        return f"DayCount.{self.name}"

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, value: DayCount | str) -> DayCount:
        """Return the member for a member, its value or its name.

        Parameters
        ----------
        value
            A :class:`DayCount`, a value such as ``"act/365f"`` or ``"30/360"``,
            or a member name such as ``"ACT_360"``; letter case and surrounding
            whitespace are ignored.

        Raises
        ------
        InvalidArgumentError
            ``argument="day_count"``, listing the accepted values.

        Examples
        --------
        >>> from bnpl_restructure.daycount import DayCount
        >>> DayCount.parse("Act/365F")
        DayCount.ACT_365_FIXED
        >>> DayCount.parse("thirty_360")
        DayCount.THIRTY_360
        """
        if type(value) is DayCount:
            return value
        if isinstance(value, str):
            known = _BY_TEXT.get(value)
            if known is not None:
                return known
            key = value.strip().lower()
            for member in cls:
                if key in (member.value, member.name.lower()):
                    return member
        raise InvalidArgumentError(
            "day_count",
            "must be a DayCount or one of "
            + ", ".join(repr(member.value) for member in cls)
            + " (or a member name such as 'ACT_360')",
            received=value,
        )

    def days(self, start: date, end: date) -> int:
        """The numerator of the day count fraction from ``start`` to ``end``.

        Parameters
        ----------
        start, end
            The period's first day (counted) and last day (not counted);
            ``datetime.date`` objects, ``end >= start``.

        Returns
        -------
        int
            30/360 adjusted days for :attr:`THIRTY_360`, actual days for every
            other member (including :attr:`PER_PERIOD`).

        Raises
        ------
        InvalidArgumentError
            If ``start`` or ``end`` is not a ``date`` (a ``datetime`` is refused).
        InvalidTermsError
            If ``end`` is before ``start`` (``argument="end"``).

        References
        ----------
        .. [1] ISDA, *2006 ISDA Definitions*, Section 4.16(f).

        Examples
        --------
        >>> from datetime import date
        >>> from bnpl_restructure.daycount import DayCount
        >>> DayCount.THIRTY_360.days(date(2024, 1, 31), date(2024, 2, 29))
        29
        >>> DayCount.ACT_360.days(date(2024, 1, 31), date(2024, 2, 29))
        29
        >>> DayCount.THIRTY_360.days(date(2024, 2, 29), date(2024, 3, 31))
        32
        """
        _check_period(start, end)
        if self is DayCount.THIRTY_360:
            return _thirty_360_days(start, end)
        return (end - start).days

    def year_fraction(self, start: date, end: date) -> Fraction:
        """The exact fraction of a year from ``start`` to ``end`` under this convention.

        Parameters
        ----------
        start, end
            The period's first day (counted) and last day (not counted);
            ``datetime.date`` objects, ``end >= start``.

        Returns
        -------
        Fraction
            Zero when ``start == end``.

        Raises
        ------
        InvalidArgumentError
            If ``start`` or ``end`` is not a ``date`` (a ``datetime`` is refused).
        InvalidTermsError
            If ``end`` is before ``start`` (``argument="end"``), or for
            :attr:`PER_PERIOD`, which has no year fraction
            (``argument="day_count"``).

        References
        ----------
        .. [1] ISDA, *2006 ISDA Definitions*, Section 4.16(b), (c), (e), (f).

        Examples
        --------
        >>> from datetime import date
        >>> from bnpl_restructure.daycount import DayCount
        >>> DayCount.THIRTY_360.year_fraction(date(2024, 1, 15), date(2024, 7, 15))
        Fraction(1, 2)
        >>> DayCount.ACT_ACT.year_fraction(date(2024, 1, 1), date(2025, 1, 1))
        Fraction(1, 1)
        """
        _check_period(start, end)
        if self is DayCount.PER_PERIOD:
            raise InvalidTermsError(
                "day_count",
                "'per_period' applies the periodic rate to each whole period and has no "
                "year fraction; choose a day-count convention such as 'act/365f' or "
                "'30/360' to measure time in years",
                received=self.value,
            )
        if self is DayCount.THIRTY_360:
            return Fraction(_thirty_360_days(start, end), 360)
        if self is DayCount.ACT_360:
            return Fraction((end - start).days, 360)
        if self is DayCount.ACT_365_FIXED:
            return Fraction((end - start).days, 365)
        if self is DayCount.ACT_365_25:
            return Fraction(4 * (end - start).days, 1461)
        return _act_act_isda(start, end)


def _check_period(start: date, end: date) -> None:
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, datetime) or not isinstance(value, date):
            raise InvalidArgumentError(
                name, "must be a datetime.date (for a datetime pass .date())", received=value
            )
    if end < start:
        raise InvalidTermsError(
            "end", f"must not be before start ({start.isoformat()})", received=end
        )


def _thirty_360_days(start: date, end: date) -> int:
    d1, d2 = start.day, end.day
    if d1 == 31:
        d1 = 30
    if d2 == 31 and start.day >= 30:
        d2 = 30
    return 360 * (end.year - start.year) + 30 * (end.month - start.month) + (d2 - d1)


def _year_length(year: int) -> int:
    return 366 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 365


def _act_act_isda(start: date, end: date) -> Fraction:
    total = Fraction(0)
    year = start.year
    while year <= end.year:
        piece_start = max(start, date(year, 1, 1))
        piece_end = end if year == end.year else date(year + 1, 1, 1)
        total += Fraction((piece_end - piece_start).days, _year_length(year))
        year += 1
    return total


# The usual spellings, looked up before the general parse.
_BY_TEXT: dict[str, DayCount] = {
    text: member for member in DayCount for text in (member.value, member.name.lower())}
