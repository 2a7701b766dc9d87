"""bnpl_restructure.early_settlement: the UK 2004 rebate (SI 2004/1483) against an
independent high-precision computation on the Schedule's example loans, its properties
(bounds, later settlement and deferral reduce it, zero charge), the deferral rules, the
single rebate entry point for servicing, and every error path."""

from __future__ import annotations

import decimal
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from bnpl_restructure import Plan
from bnpl_restructure.early_settlement import (
    Deferral,
    RebateMethod,
    UkEarlySettlement,
    _rebate_minor,
    uk_2004_settlement,
)
from bnpl_restructure.errors import InvalidArgumentError, InvalidTermsError
from bnpl_restructure.precomputed import PrecomputedLoan

D = Decimal


def level(principal: str, payment: str, n: int, start: str = "2010-03-01",
          **kw: Any) -> PrecomputedLoan:
    return PrecomputedLoan.from_level_payment(principal, payment=payment, installments=n,
                                              start=start, currency=kw.pop("currency", "GBP"),
                                              **kw)


# The Schedule to SI 2004/1483, example 1 (as amended; quoted in full on
# https://forums.moneysavingexpert.com/discussion/6052698/advice-needed): "A loan of £5,000
# is repayable by 48 monthly instalments of £134.57, starting one month after 1 March 2010
# (the relevant date) ... settlement date is 1 March 2011 ... the APR on the loan required
# for the calculation of the rebate is 14.0% per annum ... counting each month equal to
# one-twelfth of a year." The Schedule's own rebate figures could not be retrieved, so the
# expected values below come from `oracle`, an independent computation.
EXAMPLE_1 = level("5000", "134.57", 48)
# The Schedule's example 2 loan (10,000 over 180 monthly installments of 139.51 at 16.0%;
# the "73rd repayment of £139.51" is quoted on http://blog.climbshop.pl/amount-payable-to-
# settle-the-agreement-before-rebate/); its start date here is ours.
EXAMPLE_2 = level("10000", "139.51", 180)


def oracle(principal: int, payments: list[int], dues: list[date], start: date,
           at: date, apr: Decimal) -> Decimal:
    """SI 2004/1483 reg 4(1) in minor units, written independently: 80-digit decimals,
    time as whole calendar months counted back from ``at`` (relativedelta), each 1/12 of
    a year, plus the remaining days / 365."""
    ctx = decimal.Context(prec=80)

    def years(when: date) -> Decimal:
        months = 0
        while at - relativedelta(months=months + 1) >= when:
            months += 1
        days = (at - relativedelta(months=months) - when).days
        return ctx.add(ctx.divide(months, 12), ctx.divide(days, 365))

    def grown(amount: int, when: date) -> Decimal:
        return ctx.multiply(amount, ctx.power(ctx.add(1, apr), years(when)))

    value = grown(principal, start)
    after = 0
    for payment, due in zip(payments, dues, strict=True):
        if due <= at:
            value = ctx.subtract(value, grown(payment, due))
        else:
            after += payment
    return ctx.subtract(after, value)


def oracle_of(loan: PrecomputedLoan, at: str | date, apr: str) -> Decimal:
    day = date.fromisoformat(at) if isinstance(at, str) else at
    return oracle(loan.principal, list(loan.payments), list(loan.due_dates), loan.start,
                  day, D(apr))


def up(minor: Decimal) -> Decimal:
    return minor.to_integral_value(rounding=decimal.ROUND_CEILING).scaleb(-2)


# ----------------------------------------------------------------- worked examples


def test_example_1_not_deferred_matches_the_oracle() -> None:
    quote = uk_2004_settlement(EXAMPLE_1, "2011-03-01", deferral=None)
    exact = oracle_of(EXAMPLE_1, "2011-03-01", "0.14")  # 86052.82... pence
    assert str(exact)[:10] == "86052.8202"
    assert quote.rebate == up(exact) == D("860.53")
    assert quote.annual_percentage_rate == D("0.14")  # 13.9994% solved, 14.0% disclosed
    assert (quote.installments_paid, quote.installments_counted) == (12, 12)
    assert quote.outstanding == 36 * D("134.57")
    assert quote.amount_to_settle == D("3983.99")


def test_example_1_deferred_one_month_counts_the_13th_installment() -> None:
    quote = uk_2004_settlement(EXAMPLE_1, "2011-03-01")
    assert quote.deferred_date == date(2011, 4, 1) and quote.deferral == "one month"
    assert quote.rebate == up(oracle_of(EXAMPLE_1, "2011-04-01", "0.14")) == D("816.79")
    assert (quote.installments_paid, quote.installments_counted) == (12, 13)
    # the debtor pays the 13th installment with the settlement (Schedule, example 1)
    assert quote.amount_to_settle == 36 * D("134.57") - D("816.79")


def test_example_1_deferred_30_days_counts_part_of_a_month() -> None:
    quote = uk_2004_settlement(EXAMPLE_1, "2011-03-01", deferral="30_days")
    assert quote.deferred_date == date(2011, 3, 31) and quote.deferral == "30 days"
    assert quote.rebate == up(oracle_of(EXAMPLE_1, "2011-03-31", "0.14")) == D("817.04")
    assert quote.installments_counted == 12


def test_example_2_after_the_72nd_installment() -> None:
    settled = EXAMPLE_2.due_dates[71]
    for deferral, at in ((None, settled), ("one_month", EXAMPLE_2.due_dates[72]),
                         (28, settled + timedelta(days=28))):
        quote = uk_2004_settlement(EXAMPLE_2, settled, deferral=deferral)
        assert quote.annual_percentage_rate == D("0.16")  # 16.0003% solved
        assert quote.deferred_date == at
        assert quote.rebate == up(oracle_of(EXAMPLE_2, at, "0.16"))


def test_unrounded_apr_and_a_given_apr() -> None:
    solved = uk_2004_settlement(EXAMPLE_1, "2011-03-01", apr_places=None)
    assert D("0.139994") < solved.annual_percentage_rate < D("0.139995")
    given_ = uk_2004_settlement(EXAMPLE_1, "2011-03-01", apr="14%")
    assert given_.rebate == uk_2004_settlement(EXAMPLE_1, "2011-03-01").rebate
    assert uk_2004_settlement(EXAMPLE_1, "2011-03-01", apr="0.20").rebate == up(
        oracle_of(EXAMPLE_1, "2011-04-01", "0.20"))


def test_rounding_modes() -> None:
    exact = oracle_of(EXAMPLE_1, "2011-04-01", "0.14")
    down = uk_2004_settlement(EXAMPLE_1, "2011-03-01", rounding="down").rebate
    assert down == exact.to_integral_value(rounding=decimal.ROUND_FLOOR).scaleb(-2)
    assert down == D("816.78")


def test_repr() -> None:
    assert repr(uk_2004_settlement(EXAMPLE_1, "2011-03-01")) == (
        "<UkEarlySettlement GBP settled 2011-03-01, rebate as at 2011-04-01 (one month) · "
        "APR 14.0% · 12 paid, 13 counted · outstanding 4,844.52 − rebate 816.79 = "
        "4,027.73>")
    assert "not deferred" in repr(uk_2004_settlement(EXAMPLE_1, "2011-03-01",
                                                     deferral="none"))


# ------------------------------------------------------------- deferral and dates


def test_no_deferral_on_an_agreement_of_a_year_or_less() -> None:
    plan = Plan.annuity("1200", annual_rate="0.12", installments=12, start="2024-01-15",
                        currency="GBP")
    quote = uk_2004_settlement(plan, "2024-07-20", deferral="one_month")
    assert quote.deferred_date == quote.settlement_date and quote.deferral == "none"
    longer = Plan.annuity("1300", annual_rate="0.12", installments=13, start="2024-01-15",
                          currency="GBP")
    assert uk_2004_settlement(longer, "2024-07-20").deferred_date == date(2024, 8, 20)


def test_one_month_from_a_month_end_is_clipped() -> None:
    quote = uk_2004_settlement(EXAMPLE_1, "2011-01-31")
    assert quote.deferred_date == date(2011, 2, 28)


def test_deferral_parse() -> None:
    assert Deferral.parse(None) is Deferral.NONE
    assert Deferral.parse("30_days") is Deferral.THIRTY_DAYS
    assert Deferral.parse(0) == 0 and Deferral.parse(30) == 30


def test_paid_installments_changes_only_the_amount_to_settle() -> None:
    on_time = uk_2004_settlement(EXAMPLE_1, "2011-03-10")
    in_arrears = uk_2004_settlement(EXAMPLE_1, "2011-03-10", paid_installments=10)
    assert in_arrears.rebate == on_time.rebate
    assert in_arrears.amount_to_settle - on_time.amount_to_settle == 2 * D("134.57")


def test_settlement_on_the_last_due_date_rebates_nothing() -> None:
    quote = uk_2004_settlement(EXAMPLE_1, EXAMPLE_1.maturity)
    assert quote.rebate == 0 and quote.amount_to_settle == 0


def test_zero_charge_loan_rebates_nothing() -> None:
    loan = level("2400", "100", 24)
    for day in ("2010-03-01", "2010-09-15", "2011-05-01"):
        quote = uk_2004_settlement(loan, day)
        assert quote.rebate == 0 and quote.annual_percentage_rate == 0
    plan = Plan.annuity("600", annual_rate=0, installments=18, start="2024-01-15",
                        currency="GBP")
    assert _rebate_minor(plan, "2024-06-01", method="uk_2004") == 0


def test_the_callers_decimal_context_changes_nothing() -> None:
    expected = uk_2004_settlement(EXAMPLE_1, "2011-03-01")
    with decimal.localcontext(decimal.Context(prec=5, rounding=decimal.ROUND_DOWN)):
        assert uk_2004_settlement(EXAMPLE_1, "2011-03-01") == expected


# ---------------------------------------------------------------------- properties


loans = st.builds(
    lambda principal, n, rate, start: PrecomputedLoan.from_schedule(Plan.annuity(
        principal, annual_rate=rate, installments=n, start=start, currency="GBP")),
    st.integers(100, 50_000), st.integers(2, 72),
    st.sampled_from(["0.05", "0.129", "0.25", "0.49", "0.99"]),
    st.dates(date(2015, 1, 1), date(2030, 12, 31)))


@settings(max_examples=30, deadline=None)
@given(loans, st.floats(0, 1), st.sampled_from(["one_month", "30_days", None, 14]))
def test_matches_the_oracle_and_stays_in_bounds(loan: PrecomputedLoan, where: float,
                                                deferral: Any) -> None:
    span = (loan.maturity - loan.start).days
    day = loan.start + timedelta(days=int(where * span))
    quote = uk_2004_settlement(loan, day, deferral=deferral)
    exact = oracle_of(loan, quote.deferred_date, str(quote.annual_percentage_rate))
    after = sum(p for p, d in zip(loan.payments, loan.due_dates, strict=True)
                if d > quote.deferred_date)
    assert quote.rebate == min(max(up(exact), D(0)), loan.finance_charge,
                               loan.currency.to_major(after))
    assert 0 <= quote.rebate <= min(loan.finance_charge, loan.currency.to_major(after))
    assert quote.amount_to_settle == quote.outstanding - quote.rebate


@settings(max_examples=12, deadline=None)
@given(loans)
def test_later_settlement_and_deferral_never_increase_the_rebate(
        loan: PrecomputedLoan) -> None:
    # settlement dates a whole number of months from the start (the due dates' own day
    # of month, at most the 28th): every flow's time then moves by the same amount, so
    # the rebate can only fall (see the next test for the other days). At the
    # agreement's own APR the actuarial balance is never negative; at a lower APR it can
    # be, and a later date then gives more.
    if loan.start.day > 28:
        loan = PrecomputedLoan.from_schedule(Plan.annuity(
            loan.amount_financed, annual_rate="0.2", installments=loan.installments,
            start=loan.start.replace(day=28), currency="GBP"))
    # (a deferral by days is not: counted back across February, 7 days can add 5/365 to
    # the advance's time and 7/365 to the repayments')
    solved = uk_2004_settlement(loan, loan.start, apr_places=None).annual_percentage_rate
    own = f"{solved * 100}%"
    previous = None
    for k in range(0, loan.installments + 1, max(loan.installments // 12, 1)):
        day = loan.start + relativedelta(months=k)
        none = uk_2004_settlement(loan, day, deferral=None, apr=own).rebate
        assert none >= uk_2004_settlement(loan, day, deferral="one_month", apr=own).rebate
        if previous is not None:
            assert none <= previous
        previous = none


def test_equal_months_counting_can_raise_the_rebate_by_a_penny_across_february() -> None:
    # Whole months counted back from the settlement date, each 1/12 of a year (the
    # Schedule's rule), are not additive: from 1 to 2 March 2015 the time from a 2
    # February repayment jumps from 27/365 to 1/12 of a year, more than the advance's
    # time grows, so the balance falls and the rebate rises. A known property of the
    # counting rule, not of the formula.
    loan = PrecomputedLoan.from_schedule(Plan.annuity(
        100, annual_rate="0.25", installments=3, start="2015-01-02", currency="GBP"))
    first = uk_2004_settlement(loan, "2015-03-01", deferral=None, apr="20%").rebate
    second = uk_2004_settlement(loan, "2015-03-02", deferral=None, apr="20%").rebate
    assert second > first
    calendar = [uk_2004_settlement(loan, day, deferral=None, apr="20%",
                                   time_basis="calendar").rebate
                for day in ("2015-03-01", "2015-03-02")]
    assert calendar[1] <= calendar[0]


def test_deferral_strictly_reduces_the_rebate_of_a_long_loan() -> None:
    rebates = [uk_2004_settlement(EXAMPLE_1, "2011-03-01", deferral=d).rebate
               for d in (None, 10, "30_days")]
    assert rebates[0] > rebates[1] > rebates[2]


# ------------------------------------------------------ the rebate entry point


@pytest.mark.parametrize("method", ["actuarial", "rule_of_78", "straight_line"])
def test_installment_methods_delegate_to_precomputed(method: str) -> None:
    loan = PrecomputedLoan.add_on("1700", add_on_rate="0.12", installments=18,
                                  start="2024-01-15", currency="USD")
    for day, paid in (("2024-01-15", 0), ("2024-02-14", 0), ("2024-02-15", 1),
                      ("2024-04-20", 3), ("2025-07-15", 18)):
        expected = loan.rebate(after_installments=paid, method=method)
        assert _rebate_minor(loan, day, method=method) == int(expected * 100)
    assert _rebate_minor(loan, "2024-04-20", method=method, paid_installments=1) == int(
        loan.rebate(after_installments=1, method=method) * 100)


def test_rebate_minor_from_a_plan_and_a_schedule() -> None:
    plan = Plan.flat_fee("1200.00", fee_rate="0.005", installments=12, start="2024-01-10")
    loan = PrecomputedLoan.from_schedule(plan)
    for source in (plan, plan.schedule()):
        assert _rebate_minor(source, "2024-04-10", method=RebateMethod.RULE_OF_78) == int(
            loan.rebate(after_installments=3, method="rule_of_78") * 100)


def test_rebate_minor_uk_2004_is_the_settlement_rebate() -> None:
    assert _rebate_minor(EXAMPLE_1, "2011-03-01", method="uk_2004") == 81679
    assert _rebate_minor(EXAMPLE_1, "2011-03-01", method="UK_2004", deferral=None) == 86053


def test_rule_of_78_over_61_months_is_refused_unless_overridden() -> None:
    loan = PrecomputedLoan.add_on("10000", add_on_rate="0.05", installments=72,
                                  start="2024-01-01", currency="USD")
    with pytest.raises(InvalidTermsError) as caught:
        _rebate_minor(loan, "2025-01-01", method="rule_of_78")
    assert caught.value.argument == "method" and "1615(b)" in str(caught.value)
    assert _rebate_minor(loan, "2025-01-01", method="rule_of_78",
                         allow_rule_of_78_over_61_months=True) == 208904


# ------------------------------------------------------------------------- errors


@pytest.mark.parametrize(("kwargs", "argument"), [
    ({"settlement_date": "2010-02-28"}, "settlement_date"),   # before the start
    ({"settlement_date": "2014-03-02"}, "settlement_date"),   # after maturity
    ({"settlement_date": "2011-02-30"}, "settlement_date"),
    ({"deferral": 31}, "deferral"),
    ({"deferral": -1}, "deferral"),
    ({"deferral": "two_months"}, "deferral"),
    ({"deferral": True}, "deferral"),
    ({"apr": "-1%"}, "apr"),
    ({"apr_places": -1}, "apr_places"),
    ({"apr_places": 1.5}, "apr_places"),
    ({"time_basis": "days"}, "time_basis"),
    ({"paid_installments": 49}, "paid_installments"),
    ({"paid_installments": "3"}, "paid_installments"),
    ({"rounding": "sideways"}, "rounding"),
])
def test_errors_name_the_argument(kwargs: dict[str, Any], argument: str) -> None:
    options = {"settlement_date": "2011-03-01", **kwargs}
    day = options.pop("settlement_date")
    with pytest.raises(InvalidArgumentError) as caught:
        uk_2004_settlement(EXAMPLE_1, day, **options)
    assert caught.value.argument == argument


def test_bad_schedule_and_method() -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        uk_2004_settlement("a loan", "2011-03-01")  # type: ignore[arg-type]
    assert caught.value.argument == "schedule"
    plan = Plan.annuity("1200", annual_rate="0.12", installments=12, start="2024-01-15",
                        currency="GBP")
    rest = plan.schedule().after("2024-04-15")
    assert rest.first_number != 1
    with pytest.raises(InvalidArgumentError) as caught:
        uk_2004_settlement(rest, "2024-07-15")
    assert caught.value.argument == "schedule"
    with pytest.raises(InvalidArgumentError) as caught:
        _rebate_minor(EXAMPLE_1, "2011-03-01", method="rule_of_79")
    assert caught.value.argument == "method"
    with pytest.raises(InvalidArgumentError) as caught:
        _rebate_minor(EXAMPLE_1, "2009-03-01", method="actuarial")
    assert caught.value.argument == "settlement_date"


def test_result_type() -> None:
    quote = uk_2004_settlement(EXAMPLE_1, "2011-03-01")
    assert isinstance(quote, UkEarlySettlement)
    with pytest.raises(AttributeError):
        quote.rebate = D(0)  # type: ignore[misc]
