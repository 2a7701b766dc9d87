"""Tests for bnpl_restructure.calendar: dates, frequencies and anchored due dates."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from fractions import Fraction

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from bnpl_restructure import calendar as cal
from bnpl_restructure.calendar import Frequency, parse_date
from bnpl_restructure.errors import InvalidArgumentError

D = date

NAMED = (
    Frequency.WEEKLY,
    Frequency.BIWEEKLY,
    Frequency.SEMI_MONTHLY,
    Frequency.SEMI_MONTHLY_15_DAYS,
    Frequency.MONTHLY,
    Frequency.QUARTERLY,
)

frequencies = st.one_of(
    st.sampled_from(NAMED),
    st.integers(1, 400).map(Frequency.every_days),
    st.integers(1, 24).map(Frequency.every_months),
)
anchors = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


def assert_names(excinfo: pytest.ExceptionInfo[InvalidArgumentError], argument: str) -> None:
    assert excinfo.value.argument == argument
    assert argument in str(excinfo.value)


def month_end(year: int, month: int) -> int:
    return (date(year, month, 1) + relativedelta(months=1) - timedelta(days=1)).day


# --- parse_date -----------------------------------------------------------------------------


def test_parse_date_accepts_date_and_iso_string() -> None:
    assert parse_date(D(2024, 2, 29), argument="start") == D(2024, 2, 29)
    assert parse_date("2024-02-29", argument="start") == D(2024, 2, 29)
    assert parse_date(" 2023-12-31\n", argument="start") == D(2023, 12, 31)


def test_parse_date_refuses_datetime_and_says_date() -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        parse_date(datetime(2024, 1, 1, 9, 30), argument="first_due")
    assert_names(excinfo, "first_due")
    assert ".date()" in str(excinfo.value)


@pytest.mark.parametrize(
    "value",
    ["2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31"],
)
def test_parse_date_refuses_impossible_dates(value: str) -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        parse_date(value, argument="start")
    assert_names(excinfo, "start")
    assert "valid calendar date" in str(excinfo.value)


@pytest.mark.parametrize(
    "value",
    [
        "2024/01/01",
        "20240101",
        "2024-1-1",
        "01-01-2024",
        "2024-01-01T00:00",
        "",
        "\uff12\uff10\uff12\uff14-01-01",
    ],
)
def test_parse_date_refuses_other_formats(value: str) -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        parse_date(value, argument="start")
    assert_names(excinfo, "start")
    assert "YYYY-MM-DD" in str(excinfo.value)


@pytest.mark.parametrize("value", [20240101, None, 1.5, (2024, 1, 1)])
def test_parse_date_refuses_other_types(value: object) -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        parse_date(value, argument="start")  # type: ignore[arg-type]
    assert_names(excinfo, "start")


# --- Frequency: construction, constants, names ----------------------------------------------


def test_constants_fields() -> None:
    assert (Frequency.WEEKLY.unit, Frequency.WEEKLY.step) == ("day", 7)
    assert (Frequency.BIWEEKLY.unit, Frequency.BIWEEKLY.step) == ("day", 14)
    assert (Frequency.SEMI_MONTHLY.unit, Frequency.SEMI_MONTHLY.step) == ("semi_month", 1)
    assert (Frequency.SEMI_MONTHLY_15_DAYS.unit, Frequency.SEMI_MONTHLY_15_DAYS.step) == ("day", 15)
    assert (Frequency.MONTHLY.unit, Frequency.MONTHLY.step) == ("month", 1)
    assert (Frequency.QUARTERLY.unit, Frequency.QUARTERLY.step) == ("month", 3)


def test_module_constants_are_the_class_constants() -> None:
    assert cal.WEEKLY is Frequency.WEEKLY
    assert cal.SEMI_MONTHLY is Frequency.SEMI_MONTHLY
    assert cal.QUARTERLY is Frequency.QUARTERLY


def test_constructors_equal_constants() -> None:
    assert Frequency.every_days(7) == Frequency.WEEKLY
    assert Frequency.every_days(15) == Frequency.SEMI_MONTHLY_15_DAYS
    assert Frequency.every_months(1) == Frequency.MONTHLY
    assert hash(Frequency.every_months(3)) == hash(Frequency.QUARTERLY)


def test_frequency_is_frozen() -> None:
    with pytest.raises(AttributeError):
        Frequency.MONTHLY.step = 2  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"unit": "year", "step": 1}, "unit"),
        ({"unit": "month", "step": 0}, "step"),
        ({"unit": "day", "step": -7}, "step"),
        ({"unit": "day", "step": True}, "step"),
        ({"unit": "day", "step": 7.0}, "step"),
        ({"unit": "semi_month", "step": 2}, "step"),
    ],
)
def test_frequency_invalid_fields(kwargs: dict[str, object], argument: str) -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        Frequency(**kwargs)  # type: ignore[arg-type]
    assert_names(excinfo, argument)


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "7"])
def test_every_days_invalid(value: object) -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        Frequency.every_days(value)  # type: ignore[arg-type]
    assert_names(excinfo, "days")


@pytest.mark.parametrize("value", [0, -3, 2.0, None])
def test_every_months_invalid(value: object) -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        Frequency.every_months(value)  # type: ignore[arg-type]
    assert_names(excinfo, "months")


@pytest.mark.parametrize(
    ("frequency", "per_year"),
    [
        # 12 CFR 1026 Appendix J (b)(5)(ii)-(iv).
        (Frequency.WEEKLY, Fraction(52)),  # week: 52
        (Frequency.BIWEEKLY, Fraction(26)),  # 52 / 2 weeks
        (Frequency.every_days(28), Fraction(13)),  # 52 / 4 weeks
        (Frequency.every_days(21), Fraction(52, 3)),  # 52 / 3 weeks
        (Frequency.SEMI_MONTHLY, Fraction(24)),  # semimonth: 24
        (Frequency.SEMI_MONTHLY_15_DAYS, Fraction(24)),  # a semimonth is 15 days
        (Frequency.every_days(1), Fraction(365)),  # day: 365
        (Frequency.every_days(10), Fraction(73, 2)),  # 365 / 10
        (Frequency.every_days(30), Fraction(73, 6)),  # 365 / 30, not 12
        (Frequency.MONTHLY, Fraction(12)),
        (Frequency.every_months(2), Fraction(6)),
        (Frequency.QUARTERLY, Fraction(4)),
        (Frequency.every_months(5), Fraction(12, 5)),
        (Frequency.every_months(12), Fraction(1)),
    ],
)
def test_periods_per_year(frequency: Frequency, per_year: Fraction) -> None:
    assert frequency.periods_per_year == per_year
    assert isinstance(frequency.periods_per_year, Fraction)


@pytest.mark.parametrize(
    ("frequency", "name"),
    [
        (Frequency.WEEKLY, "weekly"),
        (Frequency.BIWEEKLY, "biweekly"),
        (Frequency.SEMI_MONTHLY, "semi-monthly"),
        (Frequency.SEMI_MONTHLY_15_DAYS, "every 15 days"),
        (Frequency.MONTHLY, "monthly"),
        (Frequency.QUARTERLY, "quarterly"),
        (Frequency.every_months(2), "every 2 months"),
        (Frequency.every_days(10), "every 10 days"),
        (Frequency.every_days(1), "daily"),
    ],
)
def test_name(frequency: Frequency, name: str) -> None:
    assert frequency.name == name
    assert str(frequency) == name


@given(frequencies)
def test_name_parses_back(frequency: Frequency) -> None:
    assert Frequency.parse(frequency.name) == frequency


@pytest.mark.parametrize(
    ("text", "frequency"),
    [
        ("weekly", Frequency.WEEKLY),
        ("WEEKLY", Frequency.WEEKLY),
        ("biweekly", Frequency.BIWEEKLY),
        ("Bi-Weekly", Frequency.BIWEEKLY),
        ("semi_monthly", Frequency.SEMI_MONTHLY),
        ("semi-monthly", Frequency.SEMI_MONTHLY),
        ("Semi Monthly", Frequency.SEMI_MONTHLY),
        ("semi_monthly_15_days", Frequency.SEMI_MONTHLY_15_DAYS),
        ("semi-monthly 15 days", Frequency.SEMI_MONTHLY_15_DAYS),
        (" monthly ", Frequency.MONTHLY),
        ("QUARTERLY", Frequency.QUARTERLY),
        ("every 2 months", Frequency.every_months(2)),
        ("every-10-days", Frequency.every_days(10)),
        ("every 1 month", Frequency.MONTHLY),
    ],
)
def test_parse(text: str, frequency: Frequency) -> None:
    assert Frequency.parse(text) == frequency


def test_parse_passes_frequency_through() -> None:
    f = Frequency.every_days(9)
    assert Frequency.parse(f) is f


@pytest.mark.parametrize(
    "value", ["fortnightly-ish", "every 0 days", "every two months", "every 1234567 days",
              "", 12, None]
)
def test_parse_unknown_raises(value: object) -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        Frequency.parse(value)  # type: ignore[arg-type]
    assert_names(excinfo, "frequency")
    assert "'semi_monthly_15_days'" in str(excinfo.value)


# --- advance: months ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("anchor", "k", "due"),
    [
        # relativedelta clips to the month end and always counts from the anchor.
        (D(2024, 1, 31), 0, D(2024, 1, 31)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # 2024 is a leap year
        (D(2024, 1, 31), 2, D(2024, 3, 31)),  # back to the 31st: anchored, not chained
        (D(2024, 1, 31), 3, D(2024, 4, 30)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),  # 2023 is not
        (D(2023, 1, 31), 2, D(2023, 3, 31)),
        (D(2024, 1, 31), 11, D(2024, 12, 31)),
        (D(2024, 1, 31), 13, D(2025, 2, 28)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
        (D(2024, 3, 31), -13, D(2023, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # Feb 29 anchor, next year
        (D(2024, 2, 29), 48, D(2028, 2, 29)),  # ... and the next leap year
        (D(2024, 2, 29), 1, D(2024, 3, 29)),
        (D(2024, 1, 30), 1, D(2024, 2, 29)),
        (D(2024, 1, 29), 1, D(2024, 2, 29)),
        (D(2024, 1, 28), 1, D(2024, 2, 28)),
    ],
)
def test_monthly_advance(anchor: date, k: int, due: date) -> None:
    assert Frequency.MONTHLY.advance(anchor, k) == due


def test_monthly_is_anchored_not_chained() -> None:
    chained = Frequency.MONTHLY.advance(Frequency.MONTHLY.advance(D(2024, 1, 31), 1), 1)
    assert chained == D(2024, 3, 29)  # what repeated addition would give
    assert Frequency.MONTHLY.advance(D(2024, 1, 31), 2) == D(2024, 3, 31)


def test_every_two_months_from_month_end() -> None:
    # Aug 31, 2023 + 2, 4, 6, 8 months: Oct 31, Dec 31, Feb 29 (2024 leap), Apr 30.
    due = Frequency.every_months(2).due_dates(D(2023, 8, 31), 5)
    assert due == (D(2023, 8, 31), D(2023, 10, 31), D(2023, 12, 31), D(2024, 2, 29), D(2024, 4, 30))


def test_quarterly_from_nov_30() -> None:
    due = Frequency.QUARTERLY.due_dates(D(2023, 11, 30), 5)
    assert due == (D(2023, 11, 30), D(2024, 2, 29), D(2024, 5, 30), D(2024, 8, 30), D(2024, 11, 30))


# --- advance: days --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "anchor", "k", "due"),
    [
        (Frequency.WEEKLY, D(2024, 2, 22), 1, D(2024, 2, 29)),  # 22 + 7 = 29 (leap Feb)
        (Frequency.WEEKLY, D(2023, 2, 22), 1, D(2023, 3, 1)),  # 22 + 7 = 29 -> Mar 1
        (Frequency.BIWEEKLY, D(2024, 2, 15), 1, D(2024, 2, 29)),
        (Frequency.BIWEEKLY, D(2023, 12, 25), 26, D(2024, 12, 23)),  # 364 days later
        (Frequency.SEMI_MONTHLY_15_DAYS, D(2024, 1, 31), 1, D(2024, 2, 15)),
        (Frequency.SEMI_MONTHLY_15_DAYS, D(2024, 1, 31), 2, D(2024, 3, 1)),  # Feb 15 + 15
        (Frequency.every_days(10), D(2024, 3, 1), -1, D(2024, 2, 20)),
        (Frequency.WEEKLY, D(2024, 1, 1), 0, D(2024, 1, 1)),
    ],
)
def test_day_advance(frequency: Frequency, anchor: date, k: int, due: date) -> None:
    assert frequency.advance(anchor, k) == due


@given(
    frequency=st.integers(1, 400).map(Frequency.every_days),
    anchor=anchors,
    k=st.integers(-100, 100),
)
def test_day_advance_is_invertible(frequency: Frequency, anchor: date, k: int) -> None:
    due = frequency.advance(anchor, k)
    assert (due - anchor).days == k * frequency.step
    assert frequency.advance(due, -k) == anchor


# --- advance: semi-monthly ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("anchor", "expected"),
    [
        # Anchor on the 15th: 15th and 30th (Feb: 28th/29th, the month's last day).
        (
            D(2024, 1, 15),
            [
                D(2024, 1, 15),
                D(2024, 1, 30),
                D(2024, 2, 15),
                D(2024, 2, 29),
                D(2024, 3, 15),
                D(2024, 3, 30),
            ],
        ),
        (
            D(2023, 1, 15),
            [D(2023, 1, 15), D(2023, 1, 30), D(2023, 2, 15), D(2023, 2, 28), D(2023, 3, 15)],
        ),
        # Anchor on the 31st: 16th and last day (31st/29th/31st/30th).
        (
            D(2024, 1, 31),
            [
                D(2024, 1, 31),
                D(2024, 2, 16),
                D(2024, 2, 29),
                D(2024, 3, 16),
                D(2024, 3, 31),
                D(2024, 4, 16),
                D(2024, 4, 30),
            ],
        ),
        # "1st and 16th" style.
        (D(2024, 1, 1), [D(2024, 1, 1), D(2024, 1, 16), D(2024, 2, 1), D(2024, 2, 16)]),
        (D(2024, 1, 16), [D(2024, 1, 16), D(2024, 2, 1), D(2024, 2, 16), D(2024, 3, 1)]),
        # Anchor on the 14th: 14th and 29th, Feb 28 in a common year.
        (D(2023, 1, 14), [D(2023, 1, 14), D(2023, 1, 29), D(2023, 2, 14), D(2023, 2, 28)]),
        # Crossing a year end.
        (D(2023, 12, 16), [D(2023, 12, 16), D(2024, 1, 1), D(2024, 1, 16)]),
        # The anchor day is taken literally: Feb 28 means the 13th and 28th.
        (D(2023, 2, 28), [D(2023, 2, 28), D(2023, 3, 13), D(2023, 3, 28)]),
    ],
)
def test_semi_monthly_due_dates(anchor: date, expected: list[date]) -> None:
    assert Frequency.SEMI_MONTHLY.due_dates(anchor, len(expected)) == tuple(expected)


@pytest.mark.parametrize(
    ("anchor", "k", "due"),
    [
        (D(2024, 3, 15), -1, D(2024, 2, 29)),  # back across February: the later day, clipped
        (D(2024, 3, 15), -2, D(2024, 2, 15)),
        (D(2024, 3, 31), -1, D(2024, 3, 16)),
        (D(2024, 3, 31), -2, D(2024, 2, 29)),
        (D(2024, 1, 1), -1, D(2023, 12, 16)),
        (D(2024, 1, 16), -1, D(2024, 1, 1)),
        (D(2024, 1, 15), 24, D(2025, 1, 15)),  # 24 half-months = one year
    ],
)
def test_semi_monthly_negative_and_long(anchor: date, k: int, due: date) -> None:
    assert Frequency.SEMI_MONTHLY.advance(anchor, k) == due


@given(anchor=anchors, k=st.integers(-60, 60))
def test_semi_monthly_lattice_is_the_same_from_either_unclipped_day(anchor: date, k: int) -> None:
    # Days 1-13 pair with 16-28 and are never clipped; then the anchor and the next due
    # date describe the same pair of days each month.
    if 14 <= anchor.day <= 15 or anchor.day >= 29:
        anchor = anchor.replace(day=anchor.day % 13 + 1)
    semi = Frequency.SEMI_MONTHLY
    assert semi.advance(semi.advance(anchor, 1), k) == semi.advance(anchor, k + 1)


def test_semi_monthly_reanchoring_on_a_clipped_date_changes_the_days() -> None:
    # Why callers must keep the original anchor: from Jan 31 the days are the 16th and the
    # last day; a due date derived from it (Feb 16) read as an anchor means the 1st and 16th.
    semi = Frequency.SEMI_MONTHLY
    assert semi.advance(D(2024, 1, 31), 2) == D(2024, 2, 29)
    assert semi.advance(semi.advance(D(2024, 1, 31), 1), 1) == D(2024, 3, 1)


@given(anchor=anchors, months=st.integers(-40, 40))
def test_semi_monthly_two_due_dates_per_month(anchor: date, months: int) -> None:
    semi = Frequency.SEMI_MONTHLY
    base = 2 * months
    pair = {semi.advance(anchor, base + j) for j in range(-2, 4)}
    target = anchor + relativedelta(months=months)
    in_month = [d for d in pair if (d.year, d.month) == (target.year, target.month)]
    assert len(in_month) == 2
    first, second = sorted(in_month)
    assert first.day <= 16
    assert second.day >= 16
    assert second.day - first.day == 15 or second.day == month_end(second.year, second.month)


# --- properties of every frequency ----------------------------------------------------------


@given(frequency=frequencies, anchor=anchors, low=st.integers(-30, 0), high=st.integers(1, 30))
def test_due_dates_strictly_increasing(
    frequency: Frequency, anchor: date, low: int, high: int
) -> None:
    dates = [frequency.advance(anchor, k) for k in range(low, high + 1)]
    assert all(a < b for a, b in itertools.pairwise(dates))
    assert frequency.advance(anchor, 0) == anchor


@given(months=st.integers(1, 24), anchor=anchors, k=st.integers(-50, 50))
def test_month_advance_keeps_day_or_clips_to_month_end(months: int, anchor: date, k: int) -> None:
    due = Frequency.every_months(months).advance(anchor, k)
    assert (due.year * 12 + due.month) - (anchor.year * 12 + anchor.month) == k * months
    assert due.day == min(anchor.day, month_end(due.year, due.month))


# --- advance / due_dates errors -------------------------------------------------------------


@pytest.mark.parametrize("k", [1.0, True, "1", None])
def test_advance_k_must_be_int(k: object) -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        Frequency.MONTHLY.advance(D(2024, 1, 31), k)  # type: ignore[arg-type]
    assert_names(excinfo, "k")


def test_advance_anchor_must_be_date() -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        Frequency.MONTHLY.advance(datetime(2024, 1, 31), 1)
    assert_names(excinfo, "anchor")


def test_advance_accepts_iso_string_anchor() -> None:
    assert Frequency.MONTHLY.advance("2024-01-31", 1) == D(2024, 2, 29)


@pytest.mark.parametrize(
    ("frequency", "anchor", "k"),
    [
        (Frequency.MONTHLY, D(9999, 12, 1), 1),
        (Frequency.WEEKLY, D(1, 1, 3), -1),
        (Frequency.SEMI_MONTHLY, D(9999, 12, 16), 1),
        (Frequency.SEMI_MONTHLY, D(1, 1, 1), -1),
        (Frequency.every_days(1), D(2024, 1, 1), 10**12),
    ],
)
def test_advance_out_of_range(frequency: Frequency, anchor: date, k: int) -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        frequency.advance(anchor, k)
    assert_names(excinfo, "k")
    assert "9999" in str(excinfo.value)


def test_due_dates_one_installment() -> None:
    assert Frequency.MONTHLY.due_dates(D(2024, 1, 31), 1) == (D(2024, 1, 31),)


def test_due_dates_monthly_jan_31() -> None:
    due = Frequency.MONTHLY.due_dates("2024-01-31", 4)
    assert due == (D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 31), D(2024, 4, 30))


@pytest.mark.parametrize("count", [0, -1, 2.0, True, "4"])
def test_due_dates_bad_count(count: object) -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        Frequency.MONTHLY.due_dates(D(2024, 1, 31), count)  # type: ignore[arg-type]
    assert_names(excinfo, "installments")


def test_due_dates_too_many() -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        Frequency.every_months(12).due_dates(D(2024, 1, 31), 10_000)
    assert_names(excinfo, "installments")


def test_due_dates_bad_first_due() -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        Frequency.MONTHLY.due_dates("2024-02-30", 3)
    assert_names(excinfo, "first_due")


# --- is_regular_first_period ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "start", "first_due", "regular"),
    [
        (Frequency.MONTHLY, D(2024, 2, 29), D(2024, 3, 29), True),
        (Frequency.MONTHLY, D(2024, 1, 29), D(2024, 2, 29), True),  # Feb 29 - 1 month = Jan 29
        (Frequency.MONTHLY, D(2024, 1, 31), D(2024, 2, 29), False),  # ... not Jan 31
        (Frequency.MONTHLY, D(2024, 1, 15), D(2024, 3, 15), False),  # a long first period
        (Frequency.MONTHLY, D(2024, 2, 1), D(2024, 2, 15), False),  # a short first period
        (Frequency.WEEKLY, D(2024, 1, 1), D(2024, 1, 8), True),
        (Frequency.WEEKLY, D(2024, 1, 1), D(2024, 1, 9), False),
        (Frequency.SEMI_MONTHLY, D(2024, 1, 30), D(2024, 2, 15), True),
        (Frequency.SEMI_MONTHLY, D(2024, 1, 31), D(2024, 2, 15), False),
        # first_due Feb 29 is read literally as "the 14th and 29th": one period back is Feb 14.
        (Frequency.SEMI_MONTHLY, D(2024, 2, 14), D(2024, 2, 29), True),
        (Frequency.SEMI_MONTHLY, D(2024, 2, 15), D(2024, 2, 29), False),
        (Frequency.QUARTERLY, D(2023, 11, 30), D(2024, 2, 29), False),  # Feb 29 - 3 mo = Nov 29
        (Frequency.QUARTERLY, D(2023, 11, 29), D(2024, 2, 29), True),
    ],
)
def test_is_regular_first_period(
    frequency: Frequency, start: date, first_due: date, regular: bool
) -> None:
    assert frequency.is_regular_first_period(start, first_due) is regular


def test_is_regular_first_period_bad_start() -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        Frequency.MONTHLY.is_regular_first_period("2024/01/01", D(2024, 2, 1))
    assert_names(excinfo, "start")


def test_is_regular_first_period_bad_first_due() -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        Frequency.MONTHLY.is_regular_first_period(D(2024, 1, 1), None)  # type: ignore[arg-type]
    assert_names(excinfo, "first_due")


@given(anchor=st.dates(D(1900, 1, 1), D(2200, 12, 31)), k=st.integers(-300, 300),
       step=st.sampled_from([1, 2, 3, 6, 12]))
def test_monthly_advance_equals_python_dateutil(anchor: date, k: int, step: int) -> None:
    # The library computes month arithmetic directly; it must give exactly the date
    # python-dateutil's relativedelta gives (the documented rule).
    assert Frequency.every_months(step).advance(anchor, k) == anchor + relativedelta(
        months=k * step)


@given(st.dates(min_value=D(1, 1, 1), max_value=D(9999, 12, 31)), st.integers(-40, 40),
       st.integers(0, 40), st.sampled_from([1, 2, 3, 6, 12, 24]))
def test_monthly_dates_in_one_loop_follow_relativedelta(anchor: date, first: int,
                                                        count: int, months: int) -> None:
    """The batched monthly dates (one loop over month numbers) are relativedelta's, and
    a range leaving years 1-9999 is refused whole (OverflowError, turned into a typed
    error by the callers)."""
    frequency = Frequency.every_months(months)
    expected: list[date] | None = []
    for k in range(first, first + count):
        try:
            expected.append(anchor + relativedelta(months=k * months))  # type: ignore[union-attr]
        except (ValueError, OverflowError):
            expected = None
            break
    if expected is None:
        with pytest.raises(OverflowError):
            frequency._dates(anchor, first, first + count)
    else:
        assert frequency._dates(anchor, first, first + count) == tuple(expected)


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31)), st.integers(-30, 30),
       st.sampled_from([Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.WEEKLY,
                        Frequency.BIWEEKLY, Frequency.SEMI_MONTHLY]))
def test_trusted_step_is_advance(anchor: date, k: int, frequency: Frequency) -> None:
    assert frequency._step(anchor, k) == frequency.advance(anchor, k)


@pytest.mark.parametrize(("name", "expected"), [
    ("fortnightly", Frequency.BIWEEKLY),
    ("Every other week", Frequency.BIWEEKLY),
    ("every 2 weeks", Frequency.BIWEEKLY),
    ("every 4 weeks", Frequency.every_days(28)),
    ("semi-annual", Frequency.every_months(6)),
    ("Half yearly", Frequency.every_months(6)),
    ("semiannually", Frequency.every_months(6)),
    ("annual", Frequency.every_months(12)),
    ("Yearly", Frequency.every_months(12)),
    ("annually", Frequency.every_months(12)),
    ("every 2 years", Frequency.every_months(24)),
])
def test_common_names_of_frequencies(name: str, expected: Frequency) -> None:
    frequency = Frequency.parse(name)
    assert frequency == expected
    assert Frequency.parse(frequency.name) == frequency


def test_annual_frequencies_have_their_names_and_periods() -> None:
    annual, semi = Frequency.parse("yearly"), Frequency.parse("semi-annual")
    assert (annual.name, annual.periods_per_year) == ("annual", 1)
    assert (semi.name, semi.periods_per_year) == ("semi-annual", 2)


@pytest.mark.parametrize(("value", "choices"), [
    ("bimonthly", "'semi_monthly' or 'every 2 months'"),
    ("Bi-Monthly", "'semi_monthly' or 'every 2 months'"),
    ("biannual", "'semi_annual' or 'every 2 years'"),
])
def test_ambiguous_frequency_names_are_refused_with_the_way_out(value: str,
                                                                choices: str) -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        Frequency.parse(value)
    assert_names(excinfo, "frequency")
    assert "is ambiguous" in str(excinfo.value) and choices in str(excinfo.value)


def test_failure_reports_show_a_frequency_briefly() -> None:
    """Hypothesis' pretty printer (and IPython's) walked the class constants each
    frequency refers to: 70 kB for one Frequency in a failure report."""
    from hypothesis.vendor.pretty import pretty
    assert pretty(Frequency.MONTHLY) == "Frequency(unit='month', step=1)"
    assert len(pretty([Frequency.WEEKLY, Frequency.SEMI_MONTHLY])) < 120
