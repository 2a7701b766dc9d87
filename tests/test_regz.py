"""Tests of bnpl_restructure.regz: Regulation Z (12 CFR 1026) APR, amounts and tolerances.

Golden cases are the worked examples of 12 CFR Part 1026, Appendix J, paragraph (c),
computed from their calendar dates (not from pre-counted unit-periods). Sources:

- [AJ] 12 CFR Part 1026, Appendix J, https://www.consumerfinance.gov/rules-policy/regulations/1026/j/
  (equations and examples are page images in the CFR PDF:
  https://www.govinfo.gov/content/pkg/CFR-2024-title12-vol9/pdf/CFR-2024-title12-vol9-part1026-appJ.pdf)
- [S1] the calendar dates of the examples as quoted in the xUnit tests of the public
  repository simontreanor/FSharp.Finance.Personal (tests/AprUsActuarialTests.fs); values only.
- [S2] a public research note transcribing the govinfo CFR-2024 PDF pp. 435-440.

Every other expected value is computed by hand next to the test.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from bnpl_restructure import Plan
from bnpl_restructure.errors import InvalidArgumentError, InvalidTermsError, NoSolutionError
from bnpl_restructure.regz import (
    AprCheck,
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

# ------------------------------------------------------------------------ helpers


def monthly(first: str, count: int, amount: str) -> list[tuple[date, str]]:
    """``count`` payments on the same day of consecutive months from ``first``."""
    start = date.fromisoformat(first)
    out = []
    for k in range(count):
        index = start.month - 1 + k
        out.append((date(start.year + index // 12, index % 12 + 1, start.day), amount))
    return out


def semimonthly_1st_16th(first: str, count: int, amount: str) -> list[tuple[date, str]]:
    """``count`` payments on the 1st and 16th of each month from ``first`` (a 1st)."""
    start = date.fromisoformat(first)
    out = []
    for k in range(count):
        index = start.month - 1 + k // 2
        out.append((date(start.year + index // 12, index % 12 + 1, 1 if k % 2 == 0 else 16),
                    amount))
    return out


def percent_2dp(apr: Decimal) -> str:
    """The APR as a percent rounded half-up to 2 decimals (Appendix J examples' display)."""
    return str((apr * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def solve_by_bisection(equation, low: Fraction = Fraction(0), high: Fraction = Fraction(1),
                       steps: int = 60) -> Fraction:
    """An independent exact-rational bisection for a decreasing ``equation(i)``."""
    for _ in range(steps):
        middle = (low + high) / 2
        if equation(middle) > 0:
            low = middle
        else:
            high = middle
    return (low + high) / 2


# ------------------------------------------------------------ golden: Appendix J (c)

GOLDEN = [
    # Appendix J (c)(1)(i), monthly payments, regular first period: $5,000 advanced
    # 1978-01-10, 24 × $230 monthly from 1978-02-10; APR 9.69%. [AJ], dates [S1], [S2].
    pytest.param("5000.00", "1978-01-10", monthly("1978-02-10", 24, "230.00"),
                 UnitPeriod.month(), (1, Fraction(0)), "9.69", id="AJ-c1i"),
    # Appendix J (c)(1)(ii), monthly payments, long first period: $6,000 advanced
    # 1978-02-10, 36 × $200 monthly from 1978-04-01 (t=1, f=19/30); APR 11.82%.
    # [AJ], dates [S1], [S2].
    pytest.param("6000.00", "1978-02-10", monthly("1978-04-01", 36, "200.00"),
                 UnitPeriod.month(), (1, Fraction(19, 30)), "11.82", id="AJ-c1ii"),
    # Appendix J (c)(1)(iii), semimonthly payments, short first period: $5,000 advanced
    # 1978-02-23, 24 × $219.17 on the 1st and 16th from 1978-03-01 (t=0, f=6/15);
    # APR 10.34%. [AJ], dates [S1], [S2].
    pytest.param("5000.00", "1978-02-23", semimonthly_1st_16th("1978-03-01", 24, "219.17"),
                 UnitPeriod.semimonth(), (0, Fraction(6, 15)), "10.34", id="AJ-c1iii"),
    # Appendix J (c)(2)(i), monthly, regular first period, irregular first payment:
    # $5,000 advanced 1978-01-10, $250 on 1978-02-10 then 23 × $230 from 1978-03-10;
    # APR 10.08%. [AJ], dates [S1], [S2].
    pytest.param("5000.00", "1978-01-10",
                 [(date(1978, 2, 10), "250.00"), *monthly("1978-03-10", 23, "230.00")],
                 UnitPeriod.month(), (1, Fraction(0)), "10.08", id="AJ-c2i"),
    # Appendix J (c)(3)(i), monthly, regular first period, irregular final payment:
    # $5,000 advanced 1978-01-10, 23 × $230 from 1978-02-10, $280 on 1980-01-10;
    # APR 10.50%. [AJ], dates [S1], [S2].
    pytest.param("5000.00", "1978-01-10",
                 [*monthly("1978-02-10", 23, "230.00"), (date(1980, 1, 10), "280.00")],
                 UnitPeriod.month(), (1, Fraction(0)), "10.50", id="AJ-c3i"),
    # Appendix J (c)(5)(i), single advance, single payment, term of 255 days: $1,000
    # advanced 1978-01-03, $1,080 on 1978-09-15; unit-period = the term, 365/255 per year
    # ((b)(5)(vii)); APR 11.45%. [AJ], dates [S1], [S2].
    pytest.param("1000.00", "1978-01-03", [(date(1978, 9, 15), "1080.00")],
                 UnitPeriod.term(days=255), (1, Fraction(0)), "11.45", id="AJ-c5i"),
]


@pytest.mark.parametrize(("financed", "advance", "payments", "unit", "first_tf", "expected"),
                         GOLDEN)
def test_appendix_j_examples_from_dates(financed, advance, payments, unit, first_tf,
                                        expected):
    # the unit-period chosen by (b)(4) and the first payment's (t, f) by (b)(5) match the
    # example, and the APR matches to 2 decimals of a percent
    assert choose_unit_period(advance, [d for d, _ in payments]) == unit
    assert unit_periods(advance, payments[0][0], unit) == first_tf
    apr = reg_z_apr(financed, payments, advance_date=advance)
    assert percent_2dp(apr) == expected


def test_appendix_j_c1i_against_independent_equation():
    # (c)(1)(i) by hand: 5000 = 230 × Σ_{k=1..24} (1+i)^-k, APR = 12 i; solved here by an
    # exact-rational bisection independent of the library's float solver.
    def equation(i: Fraction) -> Fraction:
        return sum((Fraction(230) / (1 + i) ** k for k in range(1, 25)), Fraction(0)) - 5000

    i = solve_by_bisection(equation, Fraction(0), Fraction(1, 10))
    apr = reg_z_apr("5000", monthly("1978-02-10", 24, "230"), advance_date="1978-01-10")
    assert abs(apr - Decimal(float(12 * i))) < Decimal("1e-10")


def test_appendix_j_c1ii_against_independent_equation():
    # (c)(1)(ii) by hand: 6000 = Σ_{k=0..35} 200 / ((1 + 19/30 i)(1+i)^(1+k)), APR = 12 i.
    def equation(i: Fraction) -> Fraction:
        simple = 1 + Fraction(19, 30) * i
        return sum((200 / (simple * (1 + i) ** (1 + k)) for k in range(36)),
                   Fraction(0)) - 6000

    i = solve_by_bisection(equation, Fraction(0), Fraction(1, 10))
    apr = reg_z_apr("6000", monthly("1978-04-01", 36, "200"), advance_date="1978-02-10")
    assert abs(apr - Decimal(float(12 * i))) < Decimal("1e-10")


# ------------------------------------------------------------- unit-period selection

def test_unit_period_weekly_series():
    # advance 2024-01-01, payments every 7 days: 5 periods of 1 week -> week, 52/year
    # ((b)(4)(i), (b)(5)(iv))
    dates = [date(2024, 1, 1 + 7 * k) for k in range(1, 5)]
    unit = choose_unit_period("2024-01-01", dates)
    assert unit == UnitPeriod.week()
    assert unit.per_year == 52


def test_unit_period_biweekly_series():
    # every 14 days: the common period is 2 weeks (a multiple of a week), 52/2 = 26 a year
    dates = ["2024-01-15", "2024-01-29", "2024-02-12", "2024-02-26"]
    unit = choose_unit_period("2024-01-01", dates)
    assert unit == UnitPeriod.week(2)
    assert unit.kind == "multiple of week"
    assert unit.per_year == 26


def test_unit_period_quarterly_series():
    # quarterly: the common period is 3 months ((b)(5)(iii): 12/3 = 4 a year)
    unit = choose_unit_period("2024-01-10", ["2024-04-10", "2024-07-10", "2024-10-10"])
    assert unit == UnitPeriod.month(3)
    assert unit.kind == "multiple of month"
    assert unit.per_year == 4


def test_unit_period_annual_series_is_a_year():
    # yearly payments: 12 months is the standard interval "year", 1 a year ((b)(5)(v))
    unit = choose_unit_period("2020-03-01", ["2021-03-01", "2022-03-01", "2023-03-01"])
    assert unit == UnitPeriod.year()
    assert unit.per_year == 1


def test_unit_period_month_end_series():
    # payments on the last day of each month ((b)(3)(iv)): Jan 31 -> Feb 29 -> Mar 31 ...
    # all one month apart, so the unit-period is the month
    dates = ["2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31"]
    assert choose_unit_period("2024-01-31", dates) == UnitPeriod.month()


def test_unit_period_tie_goes_to_the_smaller():
    # periods: Jan 1->Jan 15 (14 d), Jan 15->Jan 29 (14 d), Jan 29->Feb 29 (1 month),
    # Feb 29->Mar 29 (1 month): 2 weeks twice, a month twice -> the smaller, 2 weeks
    # ((b)(4)(i)(A))
    dates = ["2024-01-15", "2024-01-29", "2024-02-29", "2024-03-29"]
    assert choose_unit_period("2024-01-01", dates) == UnitPeriod.week(2)


def test_unit_period_no_common_period_average():
    # periods of 10, 21 and 33 days, none common: average 64/3 = 21.3 days, nearest
    # standard interval 3 weeks (21 days) ((b)(4)(i)(B))
    dates = ["2024-01-11", "2024-02-01", "2024-03-05"]
    assert choose_unit_period("2024-01-01", dates) == UnitPeriod.week(3)


def test_unit_period_no_common_period_average_tie_goes_lower():
    # periods of 9 and 12 days: average 10.5 days is equally near 1 week (7) and 2 weeks
    # (14); the lower is the unit-period ((b)(4)(i)(B))
    assert choose_unit_period("2024-01-01", ["2024-01-10", "2024-01-22"]) == UnitPeriod.week()


def test_unit_period_single_payment_term_in_days():
    # single advance, single payment, 255 days, not whole months: the term, 365/255 a year
    # ((b)(4)(ii), (b)(5)(vii)); Appendix J (c)(5)(i)
    unit = choose_unit_period("1978-01-03", ["1978-09-15"])
    assert unit == UnitPeriod.term(days=255)
    assert unit.per_year == Fraction(365, 255)


def test_unit_period_single_payment_term_whole_months():
    # 2024-01-15 -> 2024-07-15 is 6 whole months (182 days): the term, 12/6 = 2 a year
    # ((b)(5)(vi))
    unit = choose_unit_period("2024-01-15", ["2024-07-15"])
    assert unit == UnitPeriod.term(days=182, months=6)
    assert unit.per_year == 2


def test_unit_period_single_payment_over_a_year_is_a_year():
    # the unit-period is the term "but shall not exceed one year" ((b)(4)(ii))
    assert choose_unit_period("2024-01-15", ["2025-07-15"]) == UnitPeriod.year()


def test_single_payment_term_apr_by_hand():
    # $1,000 for 6 whole months, $1,050 repaid: i = 50/1000 = 0.05 per term, 2 terms a
    # year ((b)(5)(vi)) -> APR 0.10 exactly (to the solver's 1e-13)
    apr = reg_z_apr("1000", [("2024-07-15", "1050")], advance_date="2024-01-15")
    assert abs(apr - Decimal("0.10")) < Decimal("1e-11")


def test_single_payment_over_a_year_by_hand():
    # $1,000 on 2024-01-15, $1,100 on 2025-07-15: unit-period a year, t = 1 full year and
    # f = 6/12 ((b)(5)(v)(A)); 1000 (1 + i/2)(1 + i) = 1100 -> i^2/2 + 1.5 i - 0.1 = 0,
    # i = -1.5 + sqrt(2.25 + 0.2) = 0.065247584...
    apr = reg_z_apr("1000", [("2025-07-15", "1100")], advance_date="2024-01-15")
    assert abs(apr - Decimal("0.0652475842498527")) < Decimal("1e-11")


# ------------------------------------------------------------------ (b)(5) counting

def test_months_counted_back_from_a_month_end_series():
    # series on the last day of each month ((b)(3)(iv)): back from 2024-04-30: Mar 31,
    # Feb 29, Jan 31 -> 3 full months, no fraction
    assert unit_periods("2024-01-31", "2024-04-30", "month", day_of_month=31) == (3, 0)


def test_months_counted_back_from_the_30th():
    # the same dates, but the 30th: back to Mar 30, Feb 29 (last day of February used),
    # Jan 30 is before Jan 31 -> 2 full months; Jan 31 -> Feb 29 = 29 days -> 29/30
    assert unit_periods("2024-01-31", "2024-04-30", "month") == (2, Fraction(29, 30))


def test_months_series_on_the_30th_uses_end_of_february():
    # a 30th-of-the-month series: 2023-03-30 back 1 month is Feb 28 (the last day of
    # February, (b)(3)(iv)), back 2 months is Jan 30 -> exactly 2 months
    assert unit_periods("2023-01-30", "2023-03-30", "month", day_of_month=30) == (2, 0)
    assert unit_periods("2023-01-30", "2023-02-28", "month", day_of_month=30) == (1, 0)


def test_months_remaining_days_over_30():
    # (b)(5)(ii): 1978-02-10 -> 1978-04-01: 1 month back to Mar 1, then Feb 10 -> Mar 1 is
    # 19 days -> (1, 19/30) (Appendix J (c)(1)(ii))
    assert unit_periods("1978-02-10", "1978-04-01", "month") == (1, Fraction(19, 30))
    # 2024-01-02 -> 2024-02-01: no full month (Jan 1 is before Jan 2); 30 days -> 30/30
    assert unit_periods("2024-01-02", "2024-02-01", "month") == (0, Fraction(1))


def test_semimonths_counting():
    # (b)(5)(iii): 1978-02-23 -> 1978-03-16: no full month back (Feb 16 < Feb 23);
    # 21 days -> 21/15 = 1 semimonth and 6/15
    assert unit_periods("1978-02-23", "1978-03-16", "semimonth") == (1, Fraction(6, 15))
    # 1978-02-23 -> 1978-05-16: back 2 months to Mar 16, + 21 days: 60 + 21 = 81 days
    # -> 5 semimonths and 6/15
    assert unit_periods("1978-02-23", "1978-05-16", "semimonth") == (5, Fraction(6, 15))


def test_weeks_and_days_counting():
    # (b)(5)(iv): 2024-01-01 -> 2024-02-05 is 35 days
    assert unit_periods("2024-01-01", "2024-02-05", "week") == (5, 0)
    assert unit_periods("2024-01-01", "2024-02-05", UnitPeriod.week(2)) == (2, Fraction(1, 2))
    assert unit_periods("2024-01-01", "2024-02-05", "day") == (35, 0)
    # 38 days = 5 weeks + 3 days -> 3/7
    assert unit_periods("2024-01-01", "2024-02-08", "week") == (5, Fraction(3, 7))


def test_multiple_of_month_counting():
    # (b)(5)(iii), 3-month unit: 2024-01-10 -> 2024-08-25: 7 full months back to Jan 25,
    # + 15 days = 30 × 7 + 15 = 225 days = 2 × 90 + 45 -> (2, 45/90)
    assert unit_periods("2024-01-10", "2024-08-25", UnitPeriod.month(3)) == (2, Fraction(1, 2))


def test_year_counting():
    # (b)(5)(v)(A): 2022-01-15 -> 2024-07-15: 2 years back to 2022-07-15, the rest is 6
    # whole months -> 6/12
    assert unit_periods("2022-01-15", "2024-07-15", "year") == (2, Fraction(1, 2))
    # (b)(5)(v)(B): 2022-01-10 -> 2024-07-15: 2 years back to 2022-07-15; the rest,
    # 2022-01-10 -> 2022-07-15, is not whole months: 186 days / 365
    assert unit_periods("2022-01-10", "2024-07-15", "year") == (2, Fraction(186, 365))


def test_term_counting():
    # (b)(5)(vii): the term counts as 1 unit-period
    assert unit_periods("1978-01-03", "1978-09-15", UnitPeriod.term(days=255)) == (1, 0)


def test_unit_periods_rejects_reversed_dates():
    with pytest.raises(InvalidArgumentError) as err:
        unit_periods("2024-02-01", "2024-01-01", "month")
    assert err.value.argument == "to_date"


def test_unit_periods_rejects_a_day_of_month_that_does_not_fit():
    # 2024-04-15 is neither the 30th nor the last day of a shorter month
    with pytest.raises(InvalidArgumentError) as err:
        unit_periods("2024-01-15", "2024-04-15", "month", day_of_month=30)
    assert err.value.argument == "day_of_month"


# --------------------------------------------------------------- multiple advances

def test_multiple_advances_by_hand():
    # (b)(8) with two advances: 600 on 2024-01-01 (t=0), 400 on 2024-02-01 (t=1 month);
    # 3 × 340 on Mar 1, Apr 1, May 1 (t = 2, 3, 4). Unit-period: month (Jan 1->Feb 1,
    # Mar 1->Apr 1, Apr 1->May 1). Equation by hand:
    #   600 + 400/(1+i) = 340 [(1+i)^-2 + (1+i)^-3 + (1+i)^-4],  APR = 12 i
    def equation(i: Fraction) -> Fraction:
        return (sum((Fraction(340) / (1 + i) ** k for k in (2, 3, 4)), Fraction(0))
                - 600 - Fraction(400) / (1 + i))

    i = solve_by_bisection(equation, Fraction(0), Fraction(1, 10))
    apr = reg_z_apr(advances=[("2024-01-01", "600"), ("2024-02-01", "400")],
                    payments=[("2024-03-01", 340), ("2024-04-01", 340), ("2024-05-01", 340)])
    assert abs(apr - Decimal(float(12 * i))) < Decimal("1e-10")


def test_one_advance_given_as_advances_equals_amount_financed_form():
    payments = monthly("1978-02-10", 24, "230.00")
    assert (reg_z_apr(advances=[("1978-01-10", "5000")], payments=payments)
            == reg_z_apr("5000", payments, advance_date="1978-01-10"))


def test_multiple_advances_are_irregular():
    # 1026.22(a)(3): multiple advances make the transaction irregular (1/4 point)
    check = check_apr("0.09", [("2024-03-01", 340), ("2024-04-01", 340), ("2024-05-01", 340)],
                      advances=[("2024-01-01", "600"), ("2024-02-01", "400")])
    assert check.classification == "irregular"
    assert "multiple advances" in check.reasons
    assert check.tolerance == Decimal("0.0025")


# --------------------------------------------------------------------- schedules

def test_annuity_schedule_round_trips_to_its_nominal_rate():
    # Plan.annuity at 12% nominal (1% a month), 4 monthly payments, regular first period,
    # no fees. The principal 4,060,401.00 = Σ_{k=1..4} 1,040,604.01 / 1.01^k exactly
    # (1,040,604.01 = 101^4 cents), so no cent is rounded anywhere: every interest
    # (40,604.01, 30,604.01, 20,504.01, 10,303.01) is exact and the schedule's IRR is
    # exactly 1% a month -> APR 0.12 within the solver's accuracy.
    s = Plan.annuity("4060401.00", annual_rate="0.12", installments=4, start="2024-01-15",
                     currency="USD").schedule()
    assert set(s.payment) == {104060401}
    assert abs(reg_z_apr(s) - Decimal("0.12")) < Decimal("1e-9")


def test_annuity_schedule_apr_matches_nominal_to_display_precision():
    # A 24-month 12% plan with cent-rounded payments: Appendix J gives 12.00% to 2 decimals
    s = Plan.annuity("5000", annual_rate="0.12", installments=24, start="2024-01-10",
                     currency="USD").schedule()
    assert percent_2dp(reg_z_apr(s)) == "12.00"


@pytest.mark.parametrize(("frequency", "unit"), [
    ("weekly", UnitPeriod.week()),
    ("biweekly", UnitPeriod.week(2)),
    ("semi_monthly", UnitPeriod.semimonth()),
    ("quarterly", UnitPeriod.month(3)),
])
def test_other_frequencies_disclose(frequency, unit):
    # the plan charges 12%/periods-per-year each period; Appendix J's unit-period is that
    # period, so the APR is 12% to the display precision (cent rounding aside)
    s = Plan.annuity("5000", annual_rate="0.12", installments=12, start="2024-01-10",
                     frequency=frequency, currency="USD").schedule()
    assert choose_unit_period(s.start, s.due_dates) == unit
    assert percent_2dp(reg_z_apr(s)) == "12.00"
    assert check_apr("0.12", s).classification == "regular"


def test_odd_first_period_plan_discloses():
    # first due 2024-03-01 after a 2024-01-10 advance: a long first period (1 month + 20
    # days); it is not an irregularity under 1026.22(a)(3)
    s = Plan.annuity("5000", annual_rate="0.12", installments=12, start="2024-01-10",
                     first_due="2024-03-01", currency="USD").schedule()
    check = check_apr(reg_z_apr(s), s)
    assert check.classification == "regular"
    assert check.accurate


def test_pay_in_4_has_apr_exactly_zero():
    # pay-in-4: 25.00 on the advance date, then 25.00, 25.00, 25.01 every two weeks;
    # payments sum to the amount financed 100.01, so r = 0 solves (b)(8) exactly
    s = Plan.pay_in_4("100.01", start="2024-03-01", currency="USD").schedule()
    assert s.due_dates[0] == s.start  # a payment on the advance date
    apr = reg_z_apr(s)
    assert apr == 0
    assert not apr.is_signed()
    assert finance_charge(s) == 0


def test_schedule_with_prepaid_finance_charge_raises_the_apr():
    # a $50 prepaid finance charge lowers the amount financed to 4,950 (1026.18(b)(3))
    s = Plan.annuity("5000", annual_rate="0.12", installments=24, start="2024-01-10",
                     currency="USD").schedule()
    assert reg_z_apr(s, prepaid_finance_charge="50") > reg_z_apr(s)
    assert reg_z_apr(s, prepaid_finance_charge="50") == reg_z_apr(
        "4950.00", [(d, s.currency.to_major(p)) for d, p in zip(s.due_dates, s.payment,
                                                                strict=True)],
        advance_date=s.start)


def test_disclosure_amounts_of_a_flat_fee_plan():
    # flat fee 0.7% × 1000 × 3 = 21.00; total of payments 1021.00 (1026.18(h)); amount
    # financed 1000.00 (1026.18(b)); finance charge = 1021.00 - 1000.00 = 21.00
    s = Plan.flat_fee("1000.00", fee_rate="0.007", installments=3, start="2024-01-15",
                      currency="USD").schedule()
    assert total_of_payments(s) == Decimal("1021.00")
    assert amount_financed(s) == Decimal("1000.00")
    assert finance_charge(s) == Decimal("21.00")
    # with a $20 prepaid finance charge: amount financed 980.00, finance charge 41.00
    assert amount_financed(s, prepaid_finance_charge="20") == Decimal("980.00")
    assert finance_charge(s, prepaid_finance_charge="20") == Decimal("41.00")


# ---------------------------------------------------------------------- check_apr

@pytest.fixture
def regular_plan():
    return Plan.annuity("5000", annual_rate="0.12", installments=24, start="2024-01-10",
                        currency="USD").schedule()


@pytest.mark.parametrize("offset", ["0.00124", "-0.00124", "0.00125", "-0.00125"])
def test_check_apr_accepts_within_an_eighth_point(regular_plan, offset):
    # 1026.22(a)(2): accurate if not more than 1/8 of 1 percentage point (0.00125) off
    actual = reg_z_apr(regular_plan)
    check = check_apr(actual + Decimal(offset), regular_plan)
    assert isinstance(check, AprCheck)
    assert check.classification == "regular"
    assert check.tolerance == Decimal("0.00125")
    assert check.citation == "12 CFR 1026.22(a)(2)"
    assert check.difference == Decimal(offset)
    assert check.accurate


@pytest.mark.parametrize("offset", ["0.00126", "-0.00126"])
def test_check_apr_rejects_beyond_an_eighth_point(regular_plan, offset):
    check = check_apr(reg_z_apr(regular_plan) + Decimal(offset), regular_plan)
    assert not check.accurate
    assert check.difference == Decimal(offset)


IRREGULAR_PAYMENTS = [  # seasonal: 11 monthly payments, the 6th one larger (1026.22(a)(3))
    (d, "600.00" if k == 5 else "400.00")
    for k, (d, _) in enumerate(monthly("2024-02-10", 11, "0"))
]


@pytest.mark.parametrize(("offset", "accurate"), [
    ("0.00126", True), ("-0.00126", True),   # beyond 1/8 point, within 1/4
    ("0.0025", True), ("-0.0025", True),     # exactly 1/4 point: "not more than"
    ("0.00251", False), ("-0.00251", False),
])
def test_check_apr_irregular_quarter_point(offset, accurate):
    actual = reg_z_apr("4500", IRREGULAR_PAYMENTS, advance_date="2024-01-10")
    check = check_apr(actual + Decimal(offset), IRREGULAR_PAYMENTS, amount_financed="4500",
                      advance_date="2024-01-10")
    assert check.classification == "irregular"
    assert check.reasons == ("irregular payment amounts",)
    assert check.tolerance == Decimal("0.0025")
    assert check.citation == "12 CFR 1026.22(a)(3)"
    assert check.accurate is accurate


def test_irregular_first_or_final_payment_and_first_period_stay_regular():
    # 1026.22(a)(3) excepts an irregular first period and an irregular first or final
    # payment: Appendix J (c)(1)(ii), (c)(2)(i), (c)(3)(i) are regular transactions
    cases = [
        ("6000", "1978-02-10", monthly("1978-04-01", 36, "200.00")),
        ("5000", "1978-01-10", [(date(1978, 2, 10), "250.00"),
                                *monthly("1978-03-10", 23, "230.00")]),
        ("5000", "1978-01-10", [*monthly("1978-02-10", 23, "230.00"),
                                (date(1980, 1, 10), "280.00")]),
    ]
    for financed, advance, payments in cases:
        check = check_apr("0.10", payments, amount_financed=financed, advance_date=advance)
        assert check.classification == "regular", payments[0]


def test_irregular_payment_period_is_irregular():
    # monthly payments with one two-month gap (no payment in May): irregular periods
    payments = [p for p in monthly("2024-02-10", 12, "450.00") if p[0].month != 5]
    check = check_apr("0.1", payments, amount_financed="4500", advance_date="2024-01-10")
    assert check.reasons == ("irregular payment periods",)
    assert check.tolerance == Decimal("0.0025")


def test_check_apr_regular_override():
    payments = monthly("1978-02-10", 24, "230.00")
    check = check_apr("0.0969", payments, amount_financed="5000", advance_date="1978-01-10",
                      regular=False)
    assert check.classification == "irregular"
    assert check.reasons == ()
    assert check.tolerance == Decimal("0.0025")


def test_check_apr_golden_disclosure():
    # Appendix J (c)(1)(i) discloses 9.69%; the disclosure is accurate
    check = check_apr("0.0969", monthly("1978-02-10", 24, "230.00"), amount_financed="5000",
                      advance_date="1978-01-10")
    assert check.accurate
    assert check.unit_period == UnitPeriod.month()
    assert "accurate" in repr(check)


# --------------------------------------------------------------- finance charge check

def test_check_finance_charge_five_dollars_up_to_1000():
    # 1026.18(d)(2): amount financed 1,000.00 (≤ $1,000) -> $5 either way; actual 21.00
    s = Plan.flat_fee("1000.00", fee_rate="0.007", installments=3, start="2024-01-15",
                      currency="USD").schedule()
    assert check_finance_charge("26.00", s).accurate
    assert check_finance_charge("16.00", s).accurate
    assert not check_finance_charge("26.01", s).accurate
    assert not check_finance_charge("15.99", s).accurate
    assert check_finance_charge("26.00", s).tolerance == Decimal(5)


def test_check_finance_charge_ten_dollars_above_1000():
    # amount financed 2,000.00 (> $1,000) -> $10; finance charge 0.7% × 2000 × 3 = 42.00
    s = Plan.flat_fee("2000.00", fee_rate="0.007", installments=3, start="2024-01-15",
                      currency="USD").schedule()
    check = check_finance_charge("52.00", s)
    assert check.actual == Decimal("42.00")
    assert check.accurate
    assert check.citation == "12 CFR 1026.18(d)(2)"
    assert not check_finance_charge("52.01", s).accurate
    assert not check_finance_charge("31.99", s).accurate


def test_check_finance_charge_mortgage_rule():
    # 1026.18(d)(1): accurate if understated by no more than $100, or greater than the
    # amount required; finance charge 0.7% × 20000 × 3 = 420.00
    big = Plan.flat_fee("20000.00", fee_rate="0.007", installments=3, start="2024-01-15",
                        currency="USD").schedule()
    assert finance_charge(big) == Decimal("420.00")
    assert check_finance_charge("320.00", big, secured_by_dwelling=True).accurate  # -100
    assert not check_finance_charge("319.99", big, secured_by_dwelling=True).accurate
    assert check_finance_charge("920.00", big, secured_by_dwelling=True).accurate  # over
    assert check_finance_charge("320.00", big, secured_by_dwelling=True).citation == \
        "12 CFR 1026.18(d)(1)"


# ----------------------------------------------------------------------- errors

def test_all_zero_payments_have_no_solution():
    with pytest.raises(NoSolutionError):
        reg_z_apr("1000", [("2024-02-01", 0), ("2024-03-01", "0.00")],
                  advance_date="2024-01-01")


@pytest.mark.parametrize(("kwargs", "argument"), [
    ({"amount_financed": "1000", "payments": [("2024-02-01", "-5")],
      "advance_date": "2024-01-01"}, "payments"),
    ({"amount_financed": "1000", "payments": [("2024-02-30", "500")],
      "advance_date": "2024-01-01"}, "payments"),
    ({"amount_financed": "1000", "payments": [("2023-12-01", "1100")],
      "advance_date": "2024-01-01"}, "payments"),
    ({"amount_financed": "1000", "payments": ["2024-02-01"],
      "advance_date": "2024-01-01"}, "payments"),
    ({"amount_financed": "1000", "payments": [], "advance_date": "2024-01-01"}, "payments"),
    ({"amount_financed": "1000", "payments": [("2024-02-01", "1100")]}, "advance_date"),
    ({"amount_financed": "0", "payments": [("2024-02-01", "1100")],
      "advance_date": "2024-01-01"}, "amount_financed"),
    ({"amount_financed": "1000", "payments": [("2024-02-01", "1100")],
      "advance_date": "2024-01-01", "advances": [("2024-01-01", "1000")]}, "advances"),
    ({"payments": [("2024-02-01", "1100")]}, "amount_financed"),
    ({"amount_financed": "1000", "payments": [("2024-02-01", "1100")],
      "advance_date": "2024-01-01", "unit_period": "fortnight"}, "unit_period"),
    ({"amount_financed": "1000", "payments": [("2024-02-01", "1100")],
      "advance_date": "2024-01-01", "prepaid_finance_charge": "10"},
     "prepaid_finance_charge"),
    ({"amount_financed": "1000", "payments": [("2024-02-01", "1100")],
      "advance_date": 20240101}, "advance_date"),
])
def test_reg_z_apr_invalid_arguments_name_the_argument(kwargs, argument):
    with pytest.raises(InvalidArgumentError) as err:
        reg_z_apr(**kwargs)
    assert err.value.argument == argument


def test_schedule_with_payments_is_refused():
    s = Plan.pay_in_4("100.00", start="2024-03-01", currency="USD").schedule()
    with pytest.raises(InvalidArgumentError) as err:
        reg_z_apr(s, [("2024-04-01", "100")])
    assert err.value.argument == "payments"


def test_check_apr_invalid_arguments():
    payments = [("2024-02-01", "1100")]
    with pytest.raises(InvalidArgumentError) as err:
        check_apr("abc", payments, amount_financed="1000", advance_date="2024-01-01")
    assert err.value.argument == "disclosed"
    with pytest.raises(InvalidArgumentError) as err:
        check_apr("0.1", payments, amount_financed="1000", advance_date="2024-01-01",
                  regular="yes")  # type: ignore[arg-type]
    assert err.value.argument == "regular"


def test_single_payment_on_the_advance_date_is_refused():
    with pytest.raises(InvalidTermsError) as err:
        reg_z_apr("1000", [("2024-01-01", "1000")], advance_date="2024-01-01")
    assert err.value.argument == "payments"


@pytest.mark.parametrize(("kwargs", "argument"), [
    ({"kind": "month", "multiple": 2}, "multiple"),
    ({"kind": "multiple of month", "multiple": 12}, "multiple"),
    ({"kind": "fortnight"}, "kind"),
    ({"kind": "term", "term_days": 400}, "term_days"),
    ({"kind": "term", "term_days": 200, "term_months": 12}, "term_months"),
    ({"kind": "month", "term_days": 30}, "term_days"),
])
def test_unit_period_validation(kwargs, argument):
    with pytest.raises(InvalidArgumentError) as err:
        UnitPeriod(**kwargs)
    assert err.value.argument == argument


def test_finance_charge_helpers_reject_non_schedules():
    with pytest.raises(InvalidArgumentError) as err:
        finance_charge("1000")  # type: ignore[arg-type]
    assert err.value.argument == "schedule"
    s = Plan.pay_in_4("100.00", start="2024-03-01", currency="USD").schedule()
    with pytest.raises(InvalidArgumentError) as err:
        amount_financed(s, prepaid_finance_charge="-1")
    assert err.value.argument == "prepaid_finance_charge"
