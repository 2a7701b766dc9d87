"""Re-amortize and re-age as Apache Fineract does them (ReAmortize, FineractReAge).

Published examples: Apache Fineract's end-to-end test fixtures (Cucumber features with
expected repayment schedules), release 1.14.0,
``fineract-e2e-tests-runner/src/test/resources/features/`` — cited per test by file
and scenario. Their loan: 100.00 EUR at 7% a year, 6 monthly installments from
2024-01-01, 360-day year with 30-day months (product
``LP2_ADV_CUSTOM_PMT_ALLOC_PROGRESSIVE_LOAN_SCHEDULE_HORIZONTAL``): 17.01 x 5 and
17.00, interest 0.58, 0.49, 0.39, 0.29, 0.20, 0.10 (reproduced exactly below); the
first installment is paid on its due date and nothing after it; the restructuring is
on 2024-03-15 (installment 2, due 2024-03-01, overdue: principal 16.52, interest 0.49).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bnpl_restructure import Plan
from bnpl_restructure.calendar import Frequency
from bnpl_restructure.errors import InvalidArgumentError, RestructureNotAllowedError
from bnpl_restructure.restructure import ExtendTerm, Restructuring, compare, restructure
from bnpl_restructure.restructure.reage import (
    FineractReAge,
    ReAgeInterestHandling,
    ReAmortizationInterestHandling,
    ReAmortize,
    fineract_re_age,
    re_amortize,
)
from bnpl_restructure.rounding import RoundingPolicy
from bnpl_restructure.schedule import Schedule
from bnpl_restructure.testing.invariants import check_schedule

AS_OF = "2024-03-15"
PAID = [("2024-02-01", "17.01")]


def _loan() -> Schedule:
    return Plan.annuity("100", annual_rate="0.07", installments=6, start="2024-01-01",
                        currency="EUR").schedule()


def _rows(option: Restructuring) -> list[tuple[str, str, str, str, str]]:
    return [(r.due_date.isoformat(), str(r.payment), str(r.principal), str(r.interest),
             str(r.balance)) for r in option.schedule]


def _conserves(option: Restructuring, moved_interest: int) -> None:
    """Money identities: every row reconciles, the new schedule repays exactly the
    principal owed (overdue and not yet due), and the interest it charges is the moved
    interest plus the new periods' interest, nothing lost or added."""
    s = option.schedule
    check_schedule(s)
    pos = option.position
    capitalized = s.currency.to_minor(option.capitalized.get("interest", Decimal(0)))
    assert s.principal == pos.outstanding + capitalized
    assert sum(s.principal_paid) == pos.outstanding + capitalized
    assert sum(s.payment) == sum(s.principal_paid) + sum(s.interest) + sum(s.fee)
    assert sum(s.interest) >= moved_interest - capitalized
    assert Restructuring.from_dict(option.to_dict()) == option


def test_original_schedule_matches_fineract() -> None:
    # LoanReAmortization.feature, "Verify allowing Re-amortization on interest bearing
    # loan - Interest calculation: Default Behavior - UC1", schedule after disbursement
    s = _loan()
    assert s.payment == (1701, 1701, 1701, 1701, 1701, 1700)
    assert s.interest == (58, 49, 39, 29, 20, 10)


def test_re_amortize_default_reproduces_fineract() -> None:
    # LoanReAmortization.feature (Fineract 1.14.0), scenario "Verify allowing
    # Re-amortization on interest bearing loan - Interest calculation: Default Behavior
    # - UC1", re-amortization on 15 March 2024:
    # | 01 April 2024 | 63.23 | 20.34 | 0.98 | 21.32 |
    # | 01 May 2024   | 42.28 | 20.95 | 0.37 | 21.32 |
    # | 01 June 2024  | 21.21 | 21.07 | 0.25 | 21.32 |
    # | 01 July 2024  | 0.0   | 21.21 | 0.12 | 21.33 |   total interest 2.3, outstanding 85.29
    option = restructure(_loan(), [ReAmortize()], as_of=AS_OF, payments=PAID)
    assert _rows(option) == [
        ("2024-04-01", "21.32", "20.34", "0.98", "63.23"),
        ("2024-05-01", "21.32", "20.95", "0.37", "42.28"),
        ("2024-06-01", "21.32", "21.07", "0.25", "21.21"),
        ("2024-07-01", "21.33", "21.21", "0.12", "0.00"),
    ]
    assert sum(option.schedule.payment) == 8529
    assert option.capitalized == {"principal": Decimal("16.52")}
    _conserves(option, 49)


def test_re_amortize_equal_interest_split_reproduces_fineract() -> None:
    # LoanReAmortization.feature (Fineract 1.14.0), scenario "Verify Re-amortization
    # transaction on interest bearing loan - Interest handling:
    # EQUAL_AMORTIZATION_INTEREST_SPLIT - UC1: Principal and interest re-amortization":
    # | 01 April 2024 | 62.86 | 20.71 | 0.61 | 21.32 |
    # | 01 May 2024   | 42.03 | 20.83 | 0.49 | 21.32 |
    # | 01 June 2024  | 21.08 | 20.95 | 0.37 | 21.32 |
    # | 01 July 2024  | 0.0   | 21.08 | 0.24 | 21.32 |
    # Installment = annuity of 83.57 over 4 (21.20) + 0.49 / 4 (0.12, the last 0.13).
    # The last row differs by one cent: Fineract carries interest unrounded inside
    # (0.4875 + 0.3667 + 0.2452 + 0.1230 + 0.49 = 1.7123, shown 1.71 in total), so it
    # charges 0.24 where the moved 0.49 and the period's 0.12 add up to 0.25; we round
    # each period's interest once and keep every cent of the moved interest.
    option = restructure(
        _loan(), [ReAmortize(interest_handling="equal_amortization_interest_split")],
        as_of=AS_OF, payments=PAID)
    rows = _rows(option)
    assert rows[:3] == [
        ("2024-04-01", "21.32", "20.71", "0.61", "62.86"),
        ("2024-05-01", "21.32", "20.83", "0.49", "42.03"),
        ("2024-06-01", "21.32", "20.95", "0.37", "21.08"),
    ]
    assert rows[3] == ("2024-07-01", "21.33", "21.08", "0.25", "0.00")  # Fineract 0.24
    assert [str(r.principal) for r in option.schedule] == ["20.71", "20.83", "20.95",
                                                           "21.08"]
    _conserves(option, 49)


def test_re_amortize_capitalize_books_interest_not_principal() -> None:
    option = restructure(_loan(), [ReAmortize(interest_handling="capitalize")],
                         as_of=AS_OF, payments=PAID)
    assert option.capitalized == {"principal": Decimal("16.52"),
                                  "interest": Decimal("0.49")}
    assert option.schedule.principal == 8357 + 49
    # the 0.49 now bears interest: the first row charges the period on 84.06
    assert option.schedule.interest[0] == 49  # 84.06 * 7% / 12 = 0.4904
    _conserves(option, 49)


def test_re_amortize_zero_interest_reproduces_fineract() -> None:
    # LoanReAmortization.feature (Fineract 1.14.0), scenario "Verify Loan
    # re-amortization transaction - re-amortization happy path" (TestRail C3069): 500 EUR,
    # 0%, a 25% down payment on 01 January 2024 and 3 installments every 15 days,
    # installments in multiples of 1; on 25 January 2024 the overdue 125 of 16 January
    # is re-amortized: | 31 January 2024 | 187.0 | | 15 February 2024 | 188.0 |
    plan = Plan.pay_in_4("500", start="2024-01-01", frequency=Frequency.every_days(15),
                         currency="EUR",
                         rounding=RoundingPolicy(increment="1", payment="down"))
    option = restructure(plan.schedule(), [ReAmortize()], as_of="2024-01-25",
                         payments=[("2024-01-01", "125")])
    assert option.schedule.due_dates == (date(2024, 1, 31), date(2024, 2, 15))
    assert option.schedule.payment == (18700, 18800)
    _conserves(option, 0)


def test_fineract_re_age_default_reproduces_fineract() -> None:
    # LoanReAging.feature (Fineract 1.14.0), scenario "Verify allowing Re-aging on
    # interest bearing loan - Interest calculation: Default Behavior - Interest Split
    # scenario - UC1": re-age on 15 March 2024, startDate 01 April 2024, 6 x 1 MONTHS.
    # Re-age transaction: principal 83.57, interest 0.71 (0.49 overdue + 0.22 accrued
    # 1-15 March: 83.57 * 7%/12 * 14/31). First period 15 March - 1 April pro-rated:
    # 83.57 * 7%/12 * 17/31 = 0.27, so 0.98 on the first installment.
    # | 01 April 2024     | 70.25 | 13.32 | 0.98 | 14.3  |
    # | 01 May 2024       | 56.36 | 13.89 | 0.41 | 14.3  |
    # | 01 June 2024      | 42.39 | 13.97 | 0.33 | 14.3  |
    # | 01 July 2024      | 28.34 | 14.05 | 0.25 | 14.3  |
    # | 01 August 2024    | 14.21 | 14.13 | 0.17 | 14.3  |
    # | 01 September 2024 | 0.0   | 14.21 | 0.08 | 14.29 |   outstanding 85.79
    option = restructure(_loan(), [FineractReAge(start="2024-04-01", installments=6)],
                         as_of=AS_OF, payments=PAID)
    assert _rows(option) == [
        ("2024-04-01", "14.30", "13.32", "0.98", "70.25"),
        ("2024-05-01", "14.30", "13.89", "0.41", "56.36"),
        ("2024-06-01", "14.30", "13.97", "0.33", "42.39"),
        ("2024-07-01", "14.30", "14.05", "0.25", "28.34"),
        ("2024-08-01", "14.30", "14.13", "0.17", "14.21"),
        ("2024-09-01", "14.29", "14.21", "0.08", "0.00"),
    ]
    assert sum(option.schedule.payment) == 8579
    assert option.schedule.frequency == Frequency.MONTHLY
    _conserves(option, 71)


def test_fineract_re_age_equal_amortization_reproduces_fineract() -> None:
    # LoanReAgingEqualAmortization.feature (Fineract 1.14.0), scenario "Verify Loan
    # re-aging trn with repayment - interest bearing loan with equal amortization;
    # outstanding payable interest + outstanding principal - UC1" (same loan, product
    # ..._EMI_360_30_...): EQUAL_AMORTIZATION_PAYABLE_INTEREST, 01 April 2024, 6 MONTHS:
    # | 01 April 2024 ... 01 August 2024 | 13.93 | 0.12 | 14.05 | (five rows)
    # | 01 September 2024                | 13.92 | 0.11 | 14.03 |   outstanding 84.28
    option = restructure(_loan(), [FineractReAge(
        start="2024-04-01", installments=6,
        interest_handling=ReAgeInterestHandling.EQUAL_AMORTIZATION_PAYABLE_INTEREST)],
        as_of=AS_OF, payments=PAID)
    s = option.schedule
    assert s.payment == (1405,) * 5 + (1403,)
    assert s.principal_paid == (1393,) * 5 + (1392,)
    assert s.interest == (12,) * 5 + (11,)
    assert s.balance == (6964, 5571, 4178, 2785, 1392, 0)
    assert sum(s.payment) == 8428
    _conserves(option, 71)


def test_fineract_re_age_after_maturity_reproduces_fineract() -> None:
    # LoanReAging.feature (Fineract 1.14.0), scenario "Verify that Loan re-aging
    # transaction happy path works properly" (TestRail C3050): 1000 EUR, 0%, a 250 down
    # payment on 01 January 2024 and 3 x 250 every 15 days (last due 15 February); on
    # 20 February 2024 every installment is past due; re-age startDate 01 March 2024,
    # 6 x 1 MONTHS: 125.0 due on the 1st of March ... August 2024.
    plan = Plan.pay_in_4("1000", start="2024-01-01", frequency=Frequency.every_days(15),
                         currency="EUR").schedule()
    paid = [("2024-01-01", "250")]
    with pytest.raises(RestructureNotAllowedError, match="no installment falls due after "
                       "2024-02-20"):
        restructure(plan, [ExtendTerm(periods=2)], as_of="2024-02-20", payments=paid)
    with pytest.raises(RestructureNotAllowedError, match="no installment falls due after"):
        restructure(plan, [ReAmortize()], as_of="2024-02-20", payments=paid)
    option = restructure(plan, [FineractReAge(start="2024-03-01", installments=6)],
                         as_of="2024-02-20", payments=paid)
    s = option.schedule
    assert s.due_dates == tuple(date(2024, m, 1) for m in range(3, 9))
    assert s.payment == (12500,) * 6
    assert option.position.principal == 0
    assert option.position.arrears["principal"] == 75000
    assert option.due_now == 0
    _conserves(option, 0)
    # the re-age may be followed by other changes
    longer = restructure(plan, [FineractReAge(start="2024-03-01", installments=6),
                                ExtendTerm(periods=2)], as_of="2024-02-20", payments=paid)
    assert len(longer.schedule) == 8


def test_actual_days_first_period() -> None:
    # days_in_month="actual", days_in_year=365: accrued 1-15 March 83.57 * 7% * 14/365
    # = 0.2244 -> 0.22; first period 15 March - 1 April 83.57 * 7% * 17/365 = 0.2725
    # -> 0.27; later months charged their actual days (April 30/365).
    option = restructure(_loan(), [FineractReAge(start="2024-04-01", installments=6,
                                                 days_in_year=365,
                                                 days_in_month="actual")],
                         as_of=AS_OF, payments=PAID)
    s = option.schedule
    assert s.interest[0] == 49 + 22 + 27
    opening = s.balance[0]
    assert s.interest[1] == round(opening * 7 * 30 / (100 * 365))
    _conserves(option, 71)


def test_weekly_re_age_and_short_first_period_over_whole_periods() -> None:
    # a start three weeks and a day away under 30-day months: three whole weekly periods
    # (7/360 of the annual rate each) and one day pro-rated within its week
    option = restructure(_loan(), [FineractReAge(start="2024-04-06", installments=10,
                                                 frequency_type="weeks")],
                         as_of=AS_OF, payments=PAID)
    s = option.schedule
    assert s.due_dates[:2] == (date(2024, 4, 6), date(2024, 4, 13))
    assert s.frequency == Frequency.every_days(7)
    first = 8357 * 0.07 * (3 * 7 + 1) / 360  # 0.3575
    assert s.interest[0] == 71 + round(first)
    _conserves(option, 71)


def test_function_forms_compare_and_describe() -> None:
    option = re_amortize(_loan(), as_of=AS_OF, payments=PAID)
    assert option == restructure(_loan(), [ReAmortize()], as_of=AS_OF, payments=PAID)
    aged = fineract_re_age(_loan(), start="2024-04-01", installments=6, as_of=AS_OF,
                           payments=PAID)
    assert aged.name == "re-age 6 months from 2024-04-01 (default)"
    assert ReAmortize(interest_handling=ReAmortizationInterestHandling.CAPITALIZE
                      ).describe() == "re-amortize (capitalize)"
    table = compare(_loan(), [[ReAmortize()], [FineractReAge(start="2024-04-01",
                                                             installments=6)]],
                    discount_rate="0.07", as_of=AS_OF, payments=PAID)
    assert [r.name for r in table.rows][1:] == ["re-amortize (default)",
                                                "re-age 6 months from 2024-04-01 (default)"]
    assert [r.total_to_pay for r in table.rows][1:] == [Decimal("85.29"), Decimal("85.79")]


def test_a_start_before_the_re_age_date_is_refused_when_applied() -> None:
    with pytest.raises(InvalidArgumentError, match=r"^start:"):
        restructure(_loan(), [FineractReAge(start="2024-03-15", installments=6)],
                    as_of=AS_OF, payments=PAID)


@pytest.mark.parametrize(("change", "kwargs", "argument"), [
    (FineractReAge, {"installments": 0}, "installments"),
    (FineractReAge, {"frequency_type": "fortnights"}, "frequency_type"),
    (FineractReAge, {"frequency_number": 0}, "frequency_number"),
    (FineractReAge, {"days_in_year": 366}, "days_in_year"),
    (FineractReAge, {"days_in_month": 31}, "days_in_month"),
    (FineractReAge, {"start": "2024-02-30"}, "start"),
    (ReAmortize, {"interest_handling": "waive"}, "interest_handling"),
])
def test_errors_name_the_argument_when_the_change_is_built(
        change: type, kwargs: dict[str, object], argument: str) -> None:
    base = {"start": "2024-04-01", "installments": 6} if change is FineractReAge else {}
    with pytest.raises(InvalidArgumentError, match=f"^{argument}:"):
        change(**{**base, **kwargs})


def test_rewrites_refuse_after_holidays() -> None:
    from bnpl_restructure.restructure import PaymentHoliday
    with pytest.raises(RestructureNotAllowedError, match="before payment holidays"):
        restructure(_loan(), [PaymentHoliday(periods=1), ReAmortize()], as_of=AS_OF,
                    payments=PAID)
