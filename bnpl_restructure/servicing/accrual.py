"""Daily interest: declining-balance interest on the actual days between events.

Under :attr:`InterestMethod.DAILY <.terms.InterestMethod.DAILY>` the engine keeps one
:class:`DailyInterest`: interest accrues on the unpaid principal (and, by
:class:`~.terms.Compounding`, on unpaid interest) at the annual rate times the day
count's year fraction of each stretch between two events, exactly; it becomes *due*
when booked (on a due date, at a payoff, or after the last due date at each payment),
rounded once by the plan's interest rounding, as a schedule rounds each period's
interest: a loan paid on its due dates is charged the interest its schedule shows
when the schedule counts the same days (a plan built with the same day count). However
the days between two bookings are grouped, the amount is the same (it is exact until
booked). An installment takes at most its scheduled amount of interest; the rest stays
accrued, exactly, for the next.

Daily compounding multiplies by ``(1 + r)^n - 1`` for a stretch of ``n`` days at the
stretch's average daily rate ``r`` (the annual rate × the stretch's year fraction / n:
exactly the annual rate / 365 or / 360 for the fixed day counts), evaluated with 60
significant digits; everything else is exact.
"""

from __future__ import annotations

from datetime import date
from decimal import Context, Decimal
from fractions import Fraction

from ..daycount import DayCount
from ..rounding import RoundingMode, round_ratio
from .terms import Compounding

_SIXTY = Context(prec=60)


class DailyInterest:
    """The interest accrued on a loan and how much of it has been booked (internal)."""

    __slots__ = ("compounding", "day_count", "exact", "mode", "rate", "since")

    def __init__(self, rate: Fraction, day_count: DayCount, compounding: Compounding,
                 start: date, mode: RoundingMode = RoundingMode.HALF_UP) -> None:
        self.rate = rate
        self.day_count = day_count
        self.compounding = compounding
        self.mode = mode
        self.since = start           # accrued through this day
        self.exact = Fraction(0)     # accrued and not booked, exact

    def copy(self) -> DailyInterest:
        other = DailyInterest(self.rate, self.day_count, self.compounding, self.since,
                              self.mode)
        other.exact = self.exact
        return other

    def pending(self) -> int:
        """Accrued and not booked yet, as it would be booked now (minor units)."""
        exact = self.exact
        return round_ratio(exact.numerator, exact.denominator, self.mode)

    def accrue(self, day: date, principal: int, unpaid_interest: int,
               anchor: date | None = None) -> None:
        """Accrue the days from the last accrual to ``day`` on ``principal`` and, under
        compounding, on ``unpaid_interest`` (booked and unpaid) and the interest accrued
        and not booked (daily compounding). ``anchor``: the start of the period the days
        fall in (its last due date): the year fraction is measured from it, so a period
        counts as its schedule counts it, however its days are grouped (30/360 counts
        Jan 15..Feb 15 as 30 days, but 16 + 15 when split at Jan 31)."""
        if day <= self.since:
            return
        start = self.since if anchor is None or anchor > self.since else anchor
        years = self.day_count.year_fraction(start, day) - \
            self.day_count.year_fraction(start, self.since)
        fraction = years * self.rate
        base = principal
        if self.compounding is not Compounding.NONE:
            base += unpaid_interest
        if self.compounding is Compounding.DAILY and base + self.exact > 0:
            days = (day - self.since).days
            per_day = _SIXTY.divide(Decimal(fraction.numerator),
                                    _SIXTY.multiply(Decimal(fraction.denominator), days))
            growth = _SIXTY.subtract(_SIXTY.power(_SIXTY.add(1, per_day), days), 1)
            self.exact += (base + self.exact) * Fraction(growth)
        elif base > 0:
            self.exact += base * fraction
        self.since = day

    def book(self, cap: int | None = None) -> int:
        """Book what has accrued, rounded (at most ``cap``, the rest kept accrued): it
        is due from now."""
        amount = self.pending()
        if cap is not None and amount > cap:
            amount = max(cap, 0)
            self.exact -= amount
        else:
            self.exact = Fraction(0)  # booked, rounded as a schedule rounds a period
        return amount
