"""Tests for bnpl_restructure.daycount: day-count conventions and exact year fractions."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bnpl_restructure.daycount import DayCount
from bnpl_restructure.errors import InvalidArgumentError, InvalidTermsError

D = date

YEAR_CONVENTIONS = (DayCount.THIRTY_360, DayCount.ACT_365_FIXED, DayCount.ACT_360, DayCount.ACT_ACT,
                    DayCount.ACT_365_25)

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


def assert_names(excinfo: pytest.ExceptionInfo[InvalidArgumentError], argument: str) -> None:
    assert excinfo.value.argument == argument
    assert argument in str(excinfo.value)


# --- members and parsing --------------------------------------------------------------------


def test_member_values() -> None:
    assert [m.value for m in DayCount] == ["per_period", "30/360", "act/365f", "act/360", "act/act",
                                           "act/365.25"]


@pytest.mark.parametrize(
    ("text", "member"),
    [
        ("per_period", DayCount.PER_PERIOD),
        ("30/360", DayCount.THIRTY_360),
        ("act/365f", DayCount.ACT_365_FIXED),
        ("ACT/365F", DayCount.ACT_365_FIXED),
        (" Act/360 ", DayCount.ACT_360),
        ("act/act", DayCount.ACT_ACT),
        ("ACT_360", DayCount.ACT_360),
        ("thirty_360", DayCount.THIRTY_360),
        ("Act_Act", DayCount.ACT_ACT),
        ("PER_PERIOD", DayCount.PER_PERIOD),
        ("act_365_fixed", DayCount.ACT_365_FIXED),
    ],
)
def test_parse_value_or_name(text: str, member: DayCount) -> None:
    assert DayCount.parse(text) is member


def test_parse_member_passes_through() -> None:
    assert DayCount.parse(DayCount.ACT_ACT) is DayCount.ACT_ACT


# "act/365" is refused on purpose: it is ambiguous between act/365f and act/act.
@pytest.mark.parametrize("value", ["act/365", "30e/360", "", "actual", 360, None])
def test_parse_unknown_raises(value: object) -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        DayCount.parse(value)  # type: ignore[arg-type]
    assert_names(excinfo, "day_count")
    assert "'act/365f'" in str(excinfo.value)


def test_repr_and_str() -> None:
    assert repr(DayCount.ACT_360) == "DayCount.ACT_360"
    assert str(DayCount.THIRTY_360) == "30/360"


# --- 30/360 (ISDA 2006 Section 4.16(f), "Bond Basis") ---------------------------------------
# days = 360*(Y2-Y1) + 30*(M2-M1) + (D2-D1); D1 31 -> 30; D2 31 -> 30 only if D1 >= 30.


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (D(2024, 1, 15), D(2024, 2, 15), 30),  # 30*1 + 0
        (D(2024, 1, 31), D(2024, 2, 29), 29),  # D1 31->30: 30*1 + (29-30)
        (D(2023, 1, 31), D(2023, 2, 28), 28),  # D1 31->30: 30*1 + (28-30)
        (D(2024, 1, 30), D(2024, 3, 31), 60),  # D1=30 so D2 31->30: 30*2 + 0
        (D(2024, 1, 31), D(2024, 3, 31), 60),  # both -> 30: 30*2 + 0
        (D(2024, 1, 29), D(2024, 3, 31), 62),  # D1=29 < 30 so D2 stays 31: 60 + 2 (30E/360: 61)
        (D(2023, 2, 28), D(2023, 3, 31), 33),  # no February rule: 30 + (31-28) (SIA US: 30)
        (D(2024, 2, 29), D(2024, 3, 31), 32),  # 30 + (31-29)
        (D(2023, 12, 31), D(2024, 12, 31), 360),  # 360*1 + 0 + (30-30)
        (D(2023, 12, 15), D(2024, 1, 15), 30),  # 360*1 + 30*(-11) + 0
        (D(2024, 5, 31), D(2024, 5, 31), 0),
    ],
)
def test_thirty_360_days(start: date, end: date, days: int) -> None:
    assert DayCount.THIRTY_360.days(start, end) == days
    assert DayCount.THIRTY_360.year_fraction(start, end) == Fraction(days, 360)


def test_thirty_360_half_year() -> None:
    # Jan 15 -> Jul 15: 30 * 6 = 180 days = 1/2 year.
    assert DayCount.THIRTY_360.year_fraction(D(2024, 1, 15), D(2024, 7, 15)) == Fraction(1, 2)


@given(
    start=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 1, 28)),
    months=st.integers(0, 120),
)
def test_thirty_360_whole_months_are_30_days(start: date, months: int) -> None:
    start = start.replace(day=min(start.day, 28))
    total = start.month - 1 + months
    end = start.replace(year=start.year + total // 12, month=total % 12 + 1)
    assert DayCount.THIRTY_360.days(start, end) == 30 * months


# --- Actual/360 and Actual/365 (Fixed) (ISDA 2006 4.16(e), 4.16(c)) ---------------------------


def test_act_360() -> None:
    # Jan 1 -> Apr 1, 2024: 31 + 29 + 31 = 91 actual days.
    assert DayCount.ACT_360.days(D(2024, 1, 1), D(2024, 4, 1)) == 91
    assert DayCount.ACT_360.year_fraction(D(2024, 1, 1), D(2024, 4, 1)) == Fraction(91, 360)


def test_act_365_fixed_leap_year_is_not_one() -> None:
    # 2024 has 366 days; the fixed basis still divides by 365.
    assert DayCount.ACT_365_FIXED.year_fraction(D(2024, 1, 1), D(2025, 1, 1)) == Fraction(366, 365)
    assert DayCount.ACT_365_FIXED.year_fraction(D(2023, 1, 1), D(2024, 1, 1)) == 1


def test_act_365_fixed_feb() -> None:
    # Jan 31 -> Feb 29, 2024: 29 days.
    assert DayCount.ACT_365_FIXED.year_fraction(D(2024, 1, 31), D(2024, 2, 29)) == Fraction(29, 365)


# --- Actual/Actual (ISDA) (ISDA 2006 4.16(b)) -------------------------------------------------


def test_act_act_isda_memo_example() -> None:
    # ISDA, "EMU and Market Conventions: Recent Developments" (1998), Actual/Actual (ISDA)
    # example: 1 Nov 2003 - 1 May 2004 = 61/365 + 121/366 (= 0.16712 + 0.33060 = 0.49772).
    # Hand count: Nov 30 + Dec 31 = 61 days in 2003; Jan 31 + Feb 29 + Mar 31 + Apr 30 = 121.
    result = DayCount.ACT_ACT.year_fraction(D(2003, 11, 1), D(2004, 5, 1))
    assert result == Fraction(61, 365) + Fraction(121, 366)
    assert round(float(result), 5) == 0.49772


def test_act_act_across_leap_year_boundary() -> None:
    # 184 days of 2023 (Jul 1 - Dec 31) / 365 + 182 days of 2024 (Jan 1 - Jun 30) / 366.
    result = DayCount.ACT_ACT.year_fraction(D(2023, 7, 1), D(2024, 7, 1))
    assert result == Fraction(184, 365) + Fraction(182, 366) == Fraction(66887, 66795)
    assert DayCount.ACT_ACT.days(D(2023, 7, 1), D(2024, 7, 1)) == 366


@pytest.mark.parametrize(
    ("start", "end", "fraction"),
    [
        (D(2024, 1, 1), D(2025, 1, 1), Fraction(1)),  # 366/366
        (D(2023, 1, 1), D(2024, 1, 1), Fraction(1)),  # 365/365
        (D(2020, 1, 1), D(2025, 1, 1), Fraction(5)),
        (D(2023, 12, 31), D(2024, 1, 1), Fraction(1, 365)),  # the day counted is in 2023
        (D(2024, 12, 31), D(2025, 1, 1), Fraction(1, 366)),  # the day counted is in 2024
        (D(2024, 2, 28), D(2024, 3, 1), Fraction(2, 366)),
        (D(2100, 2, 28), D(2100, 3, 1), Fraction(1, 365)),  # 2100 is not a leap year
        (D(2000, 2, 28), D(2000, 3, 1), Fraction(2, 366)),  # 2000 is (divisible by 400)
        (D(2024, 6, 1), D(2024, 6, 1), Fraction(0)),
    ],
)
def test_act_act_values(start: date, end: date, fraction: Fraction) -> None:
    assert DayCount.ACT_ACT.year_fraction(start, end) == fraction


@given(a=dates, b=dates, c=dates)
def test_act_act_is_additive(a: date, b: date, c: date) -> None:
    a, b, c = sorted((a, b, c))
    act = DayCount.ACT_ACT
    assert act.year_fraction(a, c) == act.year_fraction(a, b) + act.year_fraction(b, c)


@given(start=dates, span=st.integers(1, 400))
def test_act_act_additive_at_year_boundary(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    boundary = date(end.year, 1, 1)
    if boundary <= start:
        boundary = start
    act = DayCount.ACT_ACT
    whole = act.year_fraction(start, end)
    assert whole == act.year_fraction(start, boundary) + act.year_fraction(boundary, end)
    assert Fraction(span, 366) <= whole <= Fraction(span, 365)


@given(conv=st.sampled_from(YEAR_CONVENTIONS), a=dates, b=dates)
def test_year_fraction_is_non_negative_fraction(conv: DayCount, a: date, b: date) -> None:
    start, end = sorted((a, b))
    result = conv.year_fraction(start, end)
    assert isinstance(result, Fraction)
    assert result >= 0


# --- PER_PERIOD -----------------------------------------------------------------------------


def test_per_period_days_are_actual() -> None:
    assert DayCount.PER_PERIOD.days(D(2024, 1, 31), D(2024, 2, 29)) == 29


def test_per_period_has_no_year_fraction() -> None:
    with pytest.raises(InvalidTermsError) as excinfo:
        DayCount.PER_PERIOD.year_fraction(D(2024, 1, 1), D(2024, 2, 1))
    assert_names(excinfo, "day_count")
    assert "no year fraction" in str(excinfo.value)


# --- error paths ----------------------------------------------------------------------------


@pytest.mark.parametrize("conv", list(DayCount))
def test_end_before_start_days(conv: DayCount) -> None:
    with pytest.raises(InvalidTermsError) as excinfo:
        conv.days(D(2024, 3, 1), D(2024, 2, 29))
    assert_names(excinfo, "end")
    assert "2024-03-01" in str(excinfo.value)


@pytest.mark.parametrize("conv", YEAR_CONVENTIONS)
def test_end_before_start_year_fraction(conv: DayCount) -> None:
    with pytest.raises(InvalidTermsError) as excinfo:
        conv.year_fraction(D(2024, 3, 1), D(2024, 2, 29))
    assert_names(excinfo, "end")


@pytest.mark.parametrize("bad", [datetime(2024, 1, 1, 12, 0), "2024-01-01", None])
def test_start_must_be_a_date(bad: object) -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        DayCount.ACT_360.year_fraction(bad, D(2024, 2, 1))  # type: ignore[arg-type]
    assert_names(excinfo, "start")


@pytest.mark.parametrize("bad", [datetime(2024, 2, 1), 20240201])
def test_end_must_be_a_date(bad: object) -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        DayCount.THIRTY_360.days(D(2024, 1, 1), bad)  # type: ignore[arg-type]
    assert_names(excinfo, "end")


# --- Actual/365.25 (US Department of Education interest rate factor) ------------------------


@pytest.mark.parametrize("text", ["act/365.25", "ACT/365.25", " act_365_25 ", "ACT_365_25"])
def test_act_365_25_parses(text: str) -> None:
    assert DayCount.parse(text) is DayCount.ACT_365_25
    assert str(DayCount.ACT_365_25) == "act/365.25"


def test_act_365_25_is_actual_days_over_365_and_a_quarter() -> None:
    # a leap cycle of four years is exactly four years; one common year is 365/365.25
    assert DayCount.ACT_365_25.year_fraction(D(2023, 1, 1), D(2027, 1, 1)) == 4
    assert DayCount.ACT_365_25.year_fraction(D(2023, 1, 1), D(2024, 1, 1)) == Fraction(1460, 1461)
    assert DayCount.ACT_365_25.year_fraction(D(2024, 2, 1), D(2024, 3, 1)) == Fraction(116, 1461)
    assert DayCount.ACT_365_25.days(D(2024, 1, 31), D(2024, 3, 31)) == 60  # actual days
    assert DayCount.ACT_365_25.year_fraction(D(2024, 5, 5), D(2024, 5, 5)) == 0


def test_act_365_25_reproduces_the_published_interest_rate_factor_example() -> None:
    # American Institute of Education (aie.org), "Daily Interest Calculator", example
    # scenario: $8,600 owed at 8.5%, payment 28 days after the previous one; interest
    # rate factor .085 / 365.25 = .00023272; 28 x $8,600 x .00023272 = $56.04. The rule
    # (rate / 365.25) is the US Department of Education's, see the member's reference.
    interest = 860000 * Fraction("0.085") * DayCount.ACT_365_25.year_fraction(
        D(2024, 2, 1), D(2024, 2, 29))
    assert round(interest) == 5604  # 5603.83... cents, exact before rounding
    assert round(Fraction("0.085") / Fraction("365.25"), 8) == Fraction("0.00023272")


@given(dates, dates)
def test_act_365_25_against_act_365_fixed(a: date, b: date) -> None:
    start, end = min(a, b), max(a, b)
    days = (end - start).days
    assert DayCount.ACT_365_25.year_fraction(start, end) == Fraction(days, 1) / Fraction("365.25")
    assert DayCount.ACT_365_25.year_fraction(start, end) * Fraction("365.25") == \
        DayCount.ACT_365_FIXED.year_fraction(start, end) * 365
