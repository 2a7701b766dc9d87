"""bnpl_restructure.precomputed: published rule-of-78 examples, independent actuarial
computations, the 61-month limit, invariants under random loans, every error path, and
the caller's decimal context."""

from __future__ import annotations

import dataclasses
import decimal
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bnpl_restructure import Plan, RoundingPolicy
from bnpl_restructure.errors import InvalidArgumentError, InvalidTermsError
from bnpl_restructure.precomputed import (
    RULE_OF_78_MAX_TERM_MONTHS,
    EarnedRounding,
    EarningMethod,
    EarningRow,
    Earnings,
    PrecomputedLoan,
)
from bnpl_restructure.rounding import RoundingMode, round_ratio

D = Decimal
START = "2024-01-15"


def add_on(principal: str, rate: str, n: int, **kw: Any) -> PrecomputedLoan:
    return PrecomputedLoan.add_on(principal, add_on_rate=rate, installments=n,
                                  start=kw.pop("start", START),
                                  currency=kw.pop("currency", "USD"), **kw)


def level(principal: str, payment: str, n: int, **kw: Any) -> PrecomputedLoan:
    return PrecomputedLoan.from_level_payment(principal, payment=payment, installments=n,
                                              start=kw.pop("start", START),
                                              currency=kw.pop("currency", "USD"), **kw)


def minor(values: Any) -> list[int]:
    return [int(v * 100) for v in values]


@st.composite
def level_loans(draw: st.DrawFn) -> tuple[str, ...]:
    """Level-payment loans, as the arguments that build them (``_build``): from a payment,
    or from an add-on rate (the residual installment then differs by a few minor units)."""
    n = draw(st.integers(1, 72))
    principal = draw(st.integers(1000 * n, 10**8))  # installments of 10.00 or more
    if draw(st.booleans()):
        payment = -(-principal // n) + draw(st.integers(0, 2 * principal // n + 1))
        return ("level", str(D(principal) / 100), str(D(payment) / 100), str(n))
    rate = D(draw(st.integers(0, 4000))) / 10000
    residual = draw(st.sampled_from(["last", "first"]))
    mode = draw(st.sampled_from(["half_up", "half_even", "up", "down"]))
    return ("add_on", str(D(principal) / 100), str(rate), str(n), residual, mode)


def _build(case: tuple[str, ...]) -> PrecomputedLoan:
    if case[0] == "level":
        return level(case[1], case[2], int(case[3]))
    return add_on(case[1], case[2], int(case[3]),
                  rounding=RoundingPolicy(residual=case[4], interest=case[5]))


# ------------------------------------------------------------------ published values

# Wikipedia, "Rule of 78s", section "Precomputed loan" (read via the mirror
# https://www.liquisearch.com/rule_of_78s/precomputed_loan): "Suppose the total finance
# charge for a 12 month loan was $78.00 ... If a person prepaid a consumer loan in 3
# months, the financial institution would refund the sum of the 'remaining' digits
# (i.e. 9,8,7,6,5,4,3,2,1 or $45.00). They in essence would retain the first three (3)
# numbers...12,11,10 or $33.00 ... divided equally by 12 months ($6.50 per month) ...
# they would have received a refund of $58.50".
WIKIPEDIA_78 = add_on("1200", "0.065", 12)  # 1,200.00 × 6.5% × 1 year = 78.00


def test_wikipedia_rule_of_78_refund_after_three_months() -> None:
    assert WIKIPEDIA_78.finance_charge == D("78.00")
    by_78 = WIKIPEDIA_78.earnings(method="rule_of_78")
    assert by_78.rebate(after_installments=3) == D("45.00")
    assert [by_78.earned_in(k) for k in (1, 2, 3)] == [D("12.00"), D("11.00"), D("10.00")]
    assert sum(by_78.earned[:3]) == D("33.00")


def test_wikipedia_straight_line_comparison() -> None:
    even = WIKIPEDIA_78.earnings(method="straight_line")
    assert set(even.earned) == {D("6.50")}
    assert even.rebate(after_installments=3) == D("58.50")


def test_wikipedia_ten_thousand_lent_thirteen_thousand_owed() -> None:
    # Same article: "If $10,000 is lent and the precomputed finance charge is $3,000, the
    # borrower owes the lender $13,000" (the 10% add-on rate over 3 years is ours).
    loan = add_on("10000", "0.10", 36)
    assert (loan.finance_charge, loan.total_of_payments) == (D("3000.00"), D("13000.00"))


def test_easycalculation_rule_of_78_refund() -> None:
    # easycalculation.com, "Rule of 78" worked example,
    # https://www.easycalculation.com/finance/learn-rule-78-loan.php: T = 12, F = $100.00,
    # prepaid after 3 months so U = 9; refund = U(U+1)/(T(T+1)) × F = [90/156] × 100 = $57.69.
    loan = add_on("1000", "0.10", 12)
    assert loan.finance_charge == D("100.00")
    assert loan.rebate(after_installments=3, method="rule_of_78") == D("57.69")


# Jiskha business-math Q&A, https://www.jiskha.com/display.cgi?id=1200349435: an 18-month
# add-on loan of $1,700 at 12% a year; finance charge = 0.01 × 18 × 1700 = $306; sum of
# digits 171; earned charge month 1 $32.21 (18/171), month 2 $30.42, month 3 $28.63,
# month 17 $3.58, month 18 $1.79; total outlay $2,006.
JISKHA = add_on("1700", "0.12", 18)
JISKHA_EARNED = {1: D("32.21"), 2: D("30.42"), 3: D("28.63"), 17: D("3.58"), 18: D("1.79")}


def test_jiskha_add_on_charge_and_total() -> None:
    assert JISKHA.finance_charge == D("306.00")
    assert JISKHA.total_of_payments == D("2006.00")
    assert JISKHA.add_on_rate == Fraction(12, 100)


@pytest.mark.parametrize("rounding", list(EarnedRounding))
def test_jiskha_monthly_earned_charge(rounding: EarnedRounding) -> None:
    table = JISKHA.earnings(method="rule_of_78", earned_rounding=rounding)
    assert {k: table.earned_in(k) for k in JISKHA_EARNED} == JISKHA_EARNED
    assert sum(table.earned) == D("306.00")


def test_per_month_rounding_gives_the_published_cents_cumulative_keeps_the_total() -> None:
    # Jiskha rounds each month's share on its own: 306 × (19 − k) / 171, half-up.
    each = [round_ratio(30600 * (19 - k), 171, RoundingMode.HALF_UP) for k in range(1, 19)]
    assert {k: D(each[k - 1]) / 100 for k in JISKHA_EARNED} == JISKHA_EARNED
    cumulative = minor(JISKHA.earnings(method="rule_of_78").earned)
    assert {k: D(cumulative[k - 1]) / 100 for k in JISKHA_EARNED} == JISKHA_EARNED
    # they differ in months the table does not show (26.84 against 26.85 in month 4) ...
    assert (each[3], cumulative[3]) == (2684, 2685)
    assert minor(JISKHA.earnings(method="rule_of_78", earned_rounding="each").earned) == each
    # ... and on easycalculation's $100 over 12 months the independent shares add up to
    # 99.99: cumulative rounding keeps the total, "each" books the cent to the last month
    shares = [round_ratio(10000 * (13 - k), 78, RoundingMode.HALF_UP) for k in range(1, 13)]
    assert sum(shares) == 9999
    loan = add_on("1000", "0.10", 12)
    assert sum(loan.earnings(method="rule_of_78").earned) == D("100.00")
    booked = minor(loan.earnings(method="rule_of_78", earned_rounding="each").earned)
    assert booked == [*shares[:-1], shares[-1] + 1]
    first = add_on("1000", "0.10", 12, rounding=RoundingPolicy(residual="first"))
    assert minor(first.earnings(method="rule_of_78", earned_rounding="each").earned) == [
        shares[0] + 1, *shares[1:]]


def test_fraction_then_round_against_a_rounded_digit() -> None:
    # For the rounding point only (a forum thread, mathhelpforum.com/business-math/
    # 81287-unearned-interest-actuarial-rule-78.html): 18 payments, interest $323.30,
    # "the magic number is $323.30 / 171 = $1.89", unearned after 12 payments
    # $1.89 × 21 = 39.69. Rounding the fraction once gives 323.30 × 21/171 = 39.70.
    loan = level("1476.70", "100.00", 18)
    assert loan.finance_charge == D("323.30")
    assert D("1.89") * 21 == D("39.69")
    assert loan.rebate(after_installments=12, method="rule_of_78") == D("39.70")


# ------------------------------------------------------- independent computations


def _irr(principal: Fraction, payments: list[Fraction]) -> Decimal:
    """The periodic rate by bisection in 70-digit decimals (independent of the module's
    fixed-point Newton in the discount factor)."""
    with decimal.localcontext(decimal.Context(prec=70)):
        p = D(principal.numerator) / principal.denominator
        flows = [D(c.numerator) / c.denominator for c in payments]

        def value(rate: Decimal) -> Decimal:
            total, factor = D(0), D(1)
            for flow in flows:
                factor /= 1 + rate
                total += flow * factor
            return total

        low, high = D(0), D(1)
        while value(high) > p:
            low, high = high, 2 * high
        for _ in range(240):
            mid = (low + high) / 2
            low, high = (mid, high) if value(mid) > p else (low, mid)
        return low


_DECIMAL_MODES = {RoundingMode.HALF_UP: decimal.ROUND_HALF_UP,
                  RoundingMode.HALF_EVEN: decimal.ROUND_HALF_EVEN,
                  RoundingMode.HALF_DOWN: decimal.ROUND_HALF_DOWN,
                  RoundingMode.UP: decimal.ROUND_UP, RoundingMode.DOWN: decimal.ROUND_DOWN}


def _interest_column(loan: PrecomputedLoan) -> list[int]:
    """Interest at the IRR on the declining balance, accumulated; what is left of the
    finance charge (the rebate) rounded once per installment by the loan's interest mode;
    the earned amounts are the differences, minor units."""
    payments = [Fraction(p) for p in loan.payments]
    rate = _irr(Fraction(loan.principal), payments)
    mode = _DECIMAL_MODES[loan.rounding.interest]
    charge = sum(loan.payments) - loan.principal
    with decimal.localcontext(decimal.Context(prec=70)):
        balance, earned, rebates = D(loan.principal), D(0), [charge]
        for payment in loan.payments[:-1]:
            interest = balance * rate
            earned += interest
            balance += interest - payment
            rebates.append(int((charge - earned).to_integral_value(mode)))
    rebates.append(0)
    return [a - b for a, b in pairwise(rebates)]


ANNUITY = Plan.annuity("10000", annual_rate="0.08", installments=36, start="2024-01-01",
                       currency="USD")
WILMER = level("1000", "329.23", 4, frequency="annual")


@pytest.mark.parametrize("loan", [JISKHA, WIKIPEDIA_78, WILMER, add_on("5000", "0.35", 60),
                                  PrecomputedLoan.from_schedule(ANNUITY)],
                         ids=["jiskha", "wikipedia", "wilmer", "high_rate", "annuity"])
def test_actuarial_earned_is_the_interest_column_at_the_irr(loan: PrecomputedLoan) -> None:
    assert minor(loan.earnings(method="actuarial").earned) == _interest_column(loan)
    rate = _irr(Fraction(loan.principal), [Fraction(p) for p in loan.payments])
    assert abs(loan.periodic_rate - rate) < D("1e-26")


@given(case=level_loans())
@settings(max_examples=25)
def test_actuarial_earned_is_the_interest_column_for_random_loans(case: tuple[str, ...]
                                                                   ) -> None:
    loan = _build(case)
    assert minor(loan.earnings().earned) == _interest_column(loan)


def test_actuarial_against_the_annuity_schedule_itself() -> None:
    # The plan rounds interest every period at the contract rate (8%/12) and its last
    # installment absorbs the payment's rounding; at the payments' own IRR (8%/12 to 5
    # digits) the earned amounts agree with its interest column to one cent, in total
    # exactly.
    schedule = ANNUITY.schedule()
    loan = PrecomputedLoan.from_schedule(schedule)
    earned = loan.earnings().earned
    assert sum(earned) == schedule.total_interest == loan.finance_charge
    assert max(abs(e - row.interest) for e, row in zip(earned, schedule, strict=True)) \
        == D("0.01")
    assert abs(loan.periodic_rate - D(8) / 1200) < D("1e-7")


def test_actuarial_payoff_is_the_actuarial_balance() -> None:
    loan = JISKHA
    table = loan.earnings()
    payments = [Fraction(p) for p in loan.payments]
    rate = _irr(Fraction(loan.principal), payments)
    with decimal.localcontext(decimal.Context(prec=70)):
        balance = D(loan.principal)
        for k, payment in enumerate(loan.payments, start=1):
            balance = balance * (1 + rate) - payment
            cents = balance.to_integral_value(decimal.ROUND_HALF_UP)
            assert table.payoff(after_installments=k) * 100 == cents


def test_wilmer_forum_table_as_a_consistency_check() -> None:
    # A forum post ("Wilmer", 2011) of weak provenance, used only as a consistency check:
    # $1,000 at 12% a year repaid by 4 annual payments of $329.23 (precomputed total
    # 1,316.92); refund after payment 1: 196.92, 2: 102.03, 3: 35.26, 4: .00. The post
    # earns interest at 12% rounded to cents each year; the module earns it at the
    # payments' own rate, 11.99936%: the refunds agree to a cent.
    assert WILMER.total_of_payments == D("1316.92")
    quoted = [D("196.92"), D("102.03"), D("35.26"), D("0.00")]
    table = WILMER.earnings()
    got = [table.rebate(after_installments=k) for k in range(1, 5)]
    assert max(abs(a - b) for a, b in zip(got, quoted, strict=True)) == D("0.01")
    # the post's own method (12%, cents each year) gives its refunds exactly (its last
    # balance would be -0.02: the payment is 329.23, not 329.2344)
    balance, refunds = 100000, []
    for k in range(1, 4):
        balance += round_ratio(balance * 12, 100, RoundingMode.HALF_UP) - 32923
        refunds.append(D(32923 * (4 - k) - balance) / 100)
    assert refunds == quoted[:3]


# ---------------------------------------------------------------- exact edge cases


@pytest.mark.parametrize("mode", ["down", "up", "half_up"])
def test_a_rational_rate_is_computed_exactly(mode: str) -> None:
    # An interest-only plan's rate is exactly its contract rate (0.23% a week), so every
    # unearned amount is a whole number of cents that a 60-decimal approximation could
    # put a hair below (and round down) or above (and round up).
    plan = Plan.interest_only("1000", annual_rate="0.1196", installments=260,
                              frequency="weekly", start="2024-01-01", currency="USD",
                              rounding=RoundingPolicy(interest="down"))
    loan = PrecomputedLoan.from_schedule(plan, rounding=RoundingPolicy(interest=mode))
    assert loan.periodic_rate == D("0.0023")
    table = loan.earnings()
    assert set(table.earned) == {D("2.30")}
    assert table.rebate(after_installments=100) == D("368.00")
    rows = Plan.from_rows("100", start="2024-01-01", annual_rate="120%",
                          rows=[("2024-02-01", "0"), ("2024-03-01", "100")],
                          currency="USD", rounding=RoundingPolicy(interest="down"))
    two = PrecomputedLoan.from_schedule(rows, rounding=RoundingPolicy(interest=mode))
    assert two.payments == (1000, 11000)
    assert two.periodic_rate == D("0.1")
    assert two.rebate(after_installments=1) == D("10.00")
    assert two.earnings(earned_rounding="each").earned == (D("10.00"), D("10.00"))


def test_zero_finance_charge() -> None:
    loan = PrecomputedLoan.from_schedule(Plan.pay_in_4("100.01", start="2024-03-01",
                                                       currency="USD"))
    assert loan.finance_charge == D("0.00") and loan.periodic_rate == 0
    for method in EarningMethod:
        table = loan.earnings(method=method)
        assert set(table.earned) == {D("0.00")}
        assert table.payoff(after_installments=2) == D("50.01")


def test_one_installment() -> None:
    loan = add_on("500", "0.24", 1)
    assert loan.finance_charge == D("10.00")
    for method in EarningMethod:
        table = loan.earnings(method=method)
        assert table.earned == (D("10.00"),)
        assert (table.rebate(after_installments=0), table.rebate(after_installments=1)) == (
            D("10.00"), D("0.00"))
    assert loan.periodic_rate == D("0.02")


@pytest.mark.parametrize(("currency", "principal", "charge", "payment", "first"), [
    ("JPY", "100000", "15000", "9583", "2308"),  # 15,000 × 12/78 = 2,307.69 yen
    ("BHD", "100.000", "15.000", "9.583", "2.308")])  # 2.307692 dinars
def test_currencies_without_and_with_three_decimals(currency: str, principal: str,
                                                    charge: str, payment: str,
                                                    first: str) -> None:
    loan = add_on(principal, "0.15", 12, currency=currency)
    assert (str(loan.finance_charge), str(loan.level_payment)) == (charge, payment)
    table = loan.earnings(method="rule_of_78")
    assert sum(table.earned) == D(charge)
    assert str(table.earned_in(1)) == first


def test_due_dates_are_the_plans() -> None:
    loan = add_on("1200", "0.10", 4, start="2024-01-31")
    assert [d.isoformat() for d in loan.due_dates] == ["2024-02-29", "2024-03-31",
                                                       "2024-04-30", "2024-05-31"]
    later = add_on("1200", "0.10", 2, start="2024-02-29", first_due="2024-04-15",
                   frequency="biweekly")
    assert [d.isoformat() for d in later.due_dates] == ["2024-04-15", "2024-04-29"]


def test_add_on_years_and_split_rules() -> None:
    assert add_on("1000", "0.10", 12, years="1.5").finance_charge == D("150.00")
    assert add_on("1000", "0.10", 7, years=Fraction(7, 12)).finance_charge == D("58.33")
    assert add_on("1000", "0.10", 26, frequency="biweekly").finance_charge == D("100.00")
    first = add_on("1700", "0.12", 18, rounding=RoundingPolicy(residual="first"))
    assert (first.payments[0], first.payments[1]) == (11152, 11144)
    whole = add_on("1700", "0.12", 18, rounding=RoundingPolicy(increment="1"))
    assert whole.payments[:2] == (11100, 11100) and whole.payments[-1] == 11900
    up = add_on("1000", "0.0333", 12, rounding=RoundingPolicy(interest="up"))
    assert up.finance_charge == D("33.30")
    assert add_on("1000.01", "0.0333", 12).finance_charge == D("33.30")
    assert add_on("1000.01", "0.0333", 12, rounding=RoundingPolicy(interest="up")
                  ).finance_charge == D("33.31")


def test_from_schedule_and_plan() -> None:
    plan = Plan.flat_fee("1200.00", fee_rate="0.005", installments=12, start="2024-01-10",
                         rounding=RoundingPolicy(interest="half_even"))
    loan = PrecomputedLoan.from_schedule(plan)
    assert loan == PrecomputedLoan.from_schedule(plan.schedule())
    assert loan.rounding == plan.rounding
    assert loan.finance_charge == plan.schedule().total_fees == D("72.00")
    assert set(loan.earnings(method="straight_line").earned) == {D("6.00")}
    assert loan.start == plan.start and loan.due_dates == plan.due_dates
    assert PrecomputedLoan.from_schedule(plan, rounding=RoundingPolicy()).rounding \
        == RoundingPolicy()
    bare = dataclasses.replace(plan.schedule(), source=None)
    assert PrecomputedLoan.from_schedule(bare).rounding == RoundingPolicy()


def test_cumulative_rounding_can_raise_an_earned_amount_by_one_minor_unit() -> None:
    # Consecutive rule-of-78 shares of 4.01 over 30 months differ by 4.01/465 < 1 cent,
    # so the rounded cumulative earnings can step 0.12 -> 0.13 (each amount is still
    # within a cent of its exact share, and the total is exact).
    table = level("25.99", "1.00", 30).earnings(method="rule_of_78")
    earned = minor(table.earned)
    assert earned[15:17] == [12, 13]
    for k, cents in enumerate(earned, start=1):
        assert abs(Fraction(cents) - Fraction(401 * (31 - k), 465)) < 1


def test_rule_of_78_can_exceed_actuarial_when_the_last_installment_is_much_smaller() -> None:
    # The rule of 78 rebates less than the actuarial method for level payments; with
    # installments in whole dollars the last one takes the remainder and can be far
    # smaller, and near the end the order can turn.
    whole = add_on("958.83", "0.24", 47, rounding=RoundingPolicy(increment="1"))
    assert (whole.payments[0], whole.payments[-1]) == (4000, 2013)
    r78 = whole.earnings(method="rule_of_78")
    actuarial = whole.earnings()
    order = [r78.rebate(after_installments=k) <= actuarial.rebate(after_installments=k)
             for k in range(48)]
    assert not all(order) and all(order[:40])


# ---------------------------------------------------------------- the 61-month limit


def test_rule_of_78_allowed_up_to_61_months() -> None:
    loan = add_on("10000", "0.05", 61, start="2024-01-31")
    assert loan.term_months == RULE_OF_78_MAX_TERM_MONTHS == 61
    assert loan.earnings(method="rule_of_78").rebate(after_installments=61) == 0
    weekly = add_on("10000", "0.05", 265, start="2024-01-01", frequency="weekly")
    assert (weekly.maturity.isoformat(), weekly.term_months) == ("2029-01-29", 61)
    assert sum(weekly.earnings(method="rule_of_78").earned) == weekly.finance_charge


@pytest.mark.parametrize(("kw", "months"), [
    ({"installments": 62}, 62),
    ({"installments": 61, "first_due": "2024-03-01"}, 62),  # an odd first period
    ({"installments": 266, "frequency": "weekly"}, 62),
    ({"installments": 31, "frequency": "every 2 months"}, 62)])
def test_rule_of_78_refused_over_61_months(kw: dict[str, Any], months: int) -> None:
    loan = PrecomputedLoan.add_on("10000", add_on_rate="0.05", start="2024-01-01",
                                  currency="USD", **kw)
    assert loan.term_months == months
    with pytest.raises(InvalidTermsError) as caught:
        loan.earnings(method="rule_of_78")
    assert caught.value.argument == "method"
    message = str(caught.value)
    for part in ("method: the rule of 78 is prohibited", "term exceeding 61 months",
                 "15 U.S.C. § 1615(b)", "at least as favorable", f"term is {months} months",
                 "method='actuarial'", "allow_rule_of_78_over_61_months=True",
                 "(got 'rule_of_78')"):
        assert part in message
    for call in (lambda: loan.rebate(after_installments=1, method="rule_of_78"),
                 lambda: loan.payoff(after_installments=1, method="rule_of_78"),
                 lambda: Earnings(loan=loan, method=EarningMethod.RULE_OF_78)):
        with pytest.raises(InvalidTermsError, match="prohibited"):
            call()
    allowed = loan.earnings(method="rule_of_78", allow_rule_of_78_over_61_months=True)
    assert sum(allowed.earned) == loan.finance_charge
    assert loan.rebate(after_installments=1, method="rule_of_78",
                       allow_rule_of_78_over_61_months=True) == allowed.rebate(
        after_installments=1)
    for method in ("actuarial", "straight_line"):  # only the rule of 78 is restricted
        assert sum(loan.earnings(method=method).earned) == loan.finance_charge


# -------------------------------------------------------------------- presentation


def test_repr_and_tables() -> None:
    assert repr(JISKHA) == (
        "<PrecomputedLoan USD 1,700.00 · finance charge 306.00 · 18 × 111.44 (1 other) "
        "monthly 2024-02-15..2025-07-15 · total of payments 2,006.00>")
    table = JISKHA.earnings(method="rule_of_78")
    assert repr(table) == ("<Earnings rule_of_78: USD finance charge 306.00 over 18 "
                           "installments, cumulative rounding>")
    lines = table.to_text().splitlines()
    assert lines[0].split() == ["#", "due", "date", "payment", "earned", "unearned", "=",
                                "rebate", "payoff"]
    assert lines[2].split() == ["0", "2024-01-15", "306.00", "1,700.00"]
    assert lines[3].split() == ["1", "2024-02-15", "111.44", "32.21", "273.79", "1,620.77"]
    assert lines[20].split() == ["18", "2025-07-15", "111.52", "1.79", "0.00", "0.00"]
    assert lines[-1].split() == ["total", "2,006.00", "306.00"]
    assert str(table) == f"{table!r}\n{table.to_text()}"
    page = table._repr_html_()
    assert page.count("<tr>") == 21 and "<th" in page and "&lt;Earnings" in page
    assert "<td style=\"text-align:right\">32.21</td>" in page
    assert JISKHA.to_text() == JISKHA.earnings().to_text()
    assert JISKHA._repr_html_() == JISKHA.earnings()._repr_html_()
    assert table.rows[0] == EarningRow(1, JISKHA.due_dates[0], D("111.44"), D("32.21"),
                                       D("273.79"), D("1620.77"))
    assert len(table.rows) == 18 and table.finance_charge == D("306.00")
    one = add_on("500", "0.24", 1)
    assert "over 1 installment," in repr(one.earnings())
    assert "1 × 510.00 monthly" in repr(one)


def test_level_payment_and_properties() -> None:
    assert JISKHA.level_payment == D("111.44") and JISKHA.installments == 18
    assert JISKHA.amount_financed == D("1700.00")
    assert JISKHA.maturity.isoformat() == "2025-07-15"
    assert EarningMethod.parse("Rule of 78") is EarningMethod.RULE_OF_78
    assert EarnedRounding.parse("EACH") is EarnedRounding.EACH


# ---------------------------------------------------------------------- properties

def _all(loan: PrecomputedLoan) -> dict[EarningMethod, Earnings]:
    return {m: loan.earnings(method=m, allow_rule_of_78_over_61_months=True)
            for m in EarningMethod}


@given(case=level_loans())
@settings(max_examples=80)
def test_earned_and_unearned_add_up_to_the_charge(case: tuple[str, ...]) -> None:
    loan = _build(case)
    charge, n = loan.finance_charge, loan.installments
    for table in _all(loan).values():
        earned = table.earned
        assert sum(earned) == charge
        assert min(earned) >= 0
        assert table.rebate(after_installments=0) == charge
        assert table.rebate(after_installments=n) == 0
        assert table.payoff(after_installments=0) == loan.amount_financed
        assert table.payoff(after_installments=n) == 0
        for k in range(n + 1):
            assert sum(earned[:k]) + table.unearned_after(k) == charge
            assert table.rebate(after_installments=k) == table.unearned_after(k)
            assert table.payoff(after_installments=k) == (
                sum(loan.payments[k:]) / D(100) - table.unearned_after(k))


@example(case=("add_on", "142.54", "0.0002", "3", "first", "half_up"))
@given(case=level_loans())
@settings(max_examples=80)
def test_front_loading_order_and_monotone_earnings(case: tuple[str, ...]) -> None:
    loan = _build(case)
    tables = _all(loan)
    n = loan.installments
    unit = D("0.01")
    for k in range(n + 1):  # the borrower gets less under the rule of 78
        r78, actuarial, even = (tables[m].rebate(after_installments=k) for m in (
            EarningMethod.RULE_OF_78, EarningMethod.ACTUARIAL, EarningMethod.STRAIGHT_LINE))
        # exact rebates are ordered; each is rounded on its own, so by a cent at most
        # the other way: a charge of 0.01 over 3 installments (142.54 at 0.02% add-on,
        # half-up) leaves round(0.01 x 6/12) = 0.01 by the rule of 78 after one
        # installment, while the actuarial method has earned the cent in the first
        assert r78 <= actuarial + unit and actuarial <= even + unit
    for method in (EarningMethod.RULE_OF_78, EarningMethod.ACTUARIAL):
        earned = tables[method].earned
        assert all(b <= a + unit for a, b in pairwise(earned))


@given(case=level_loans())
@settings(max_examples=60)
def test_rule_of_78_amounts_are_the_rounded_exact_fractions(case: tuple[str, ...]) -> None:
    loan = _build(case)
    n, charge = loan.installments, loan.finance_charge * 100
    table = loan.earnings(method="rule_of_78", allow_rule_of_78_over_61_months=True)
    mode = loan.rounding.interest
    for k in range(n + 1):
        exact = int(charge) * (n - k) * (n - k + 1)
        assert table.unearned_after(k) * 100 == round_ratio(exact, n * (n + 1), mode)
    for k, amount in enumerate(table.earned, start=1):
        assert abs(Fraction(amount * 100) - Fraction(int(charge) * 2 * (n - k + 1),
                                                     n * (n + 1))) <= 1


# ------------------------------------------------------------------------- errors


def _error(call: Callable[[], Any], argument: str, *parts: str,
           kind: type[InvalidArgumentError] = InvalidArgumentError) -> None:
    with pytest.raises(kind) as caught:
        call()
    assert caught.value.argument == argument
    assert str(caught.value).startswith(f"{argument}: ")
    for part in parts:
        assert part in str(caught.value)


@pytest.mark.parametrize(("kw", "argument", "part"), [
    ({"principal": "-1"}, "principal", "must not be negative"),
    ({"principal": "1,000"}, "principal", "thousands separators"),
    ({"add_on_rate": "abc"}, "add_on_rate", "decimal number"),
    ({"add_on_rate": "-0.1"}, "add_on_rate", "must not be negative"),
    ({"add_on_rate": 2}, "add_on_rate", "a rate is a fraction"),
    ({"installments": 0}, "installments", "between 1 and 2600"),
    ({"installments": 2601}, "installments", "between 1 and 2600"),
    ({"installments": "x"}, "installments", "whole number"),
    ({"years": 0}, "years", "positive number of years"),
    ({"years": "101"}, "years", "at most 100"),
    ({"years": "abc"}, "years", "decimal number"),
    ({"start": "2024-02-30"}, "start", "valid calendar date"),
    ({"first_due": "2023-12-01"}, "first_due", "must not be before start"),
    ({"frequency": "bimonthly"}, "frequency", "ambiguous"),
    ({"currency": "XYZ"}, "currency", "ISO 4217"),
    ({"rounding": "half_up"}, "rounding", "must be a RoundingPolicy"),
    ({"currency": "JPY", "rounding": RoundingPolicy(increment="0.5")},
     "rounding.increment", "whole number of JPY"),
])
def test_add_on_errors(kw: dict[str, Any], argument: str, part: str) -> None:
    args: dict[str, Any] = {"principal": "1000", "add_on_rate": "0.1", "installments": 12,
                            "start": "2024-01-01", **kw}
    principal = args.pop("principal")
    _error(lambda: PrecomputedLoan.add_on(principal, **args), argument, part,
           "(got ")


def test_level_payment_errors() -> None:
    _error(lambda: level("1000", "83.33", 12), "payment", "at least the principal",
           "1,000.00", "(got '83.33')", kind=InvalidTermsError)
    _error(lambda: level("1000", "0", 12), "payment", "greater than zero")
    _error(lambda: level("1000", "-5", 12), "payment", "must not be negative")
    _error(lambda: level("1000", "100.001", 12), "payment", "at most 2 decimal places")


def test_from_schedule_errors() -> None:
    schedule = ANNUITY.schedule()
    _error(lambda: PrecomputedLoan.from_schedule([1, 2]),  # type: ignore[arg-type]
           "schedule", "must be a Schedule or a Plan, not list")
    _error(lambda: PrecomputedLoan.from_schedule(schedule.after("2024-06-01")), "schedule",
           "whole schedule of a new plan (it starts at installment 6)")
    _error(lambda: PrecomputedLoan.from_schedule(schedule.after("2099-01-01")), "schedule",
           "(it has no installments)")
    capitalized = dataclasses.replace(schedule, capitalized=(1,) + (0,) * 35)
    _error(lambda: PrecomputedLoan.from_schedule(capitalized), "schedule",
           "capitalized or waived")
    short = dataclasses.replace(schedule, balance=(*schedule.balance[:-1], 5))
    _error(lambda: PrecomputedLoan.from_schedule(short), "schedule",
           "do not repay the principal")
    _error(lambda: PrecomputedLoan.from_schedule(schedule, rounding="x"),  # type: ignore[arg-type]
           "rounding", "must be a RoundingPolicy")


def _direct(**kw: Any) -> PrecomputedLoan:
    fields: dict[str, Any] = {"principal": 100000, "payments": (60000, 60000),
                              "currency": "USD", "start": "2024-01-01",
                              "due_dates": ("2024-02-01", "2024-03-01"), **kw}
    return PrecomputedLoan(**fields)


@pytest.mark.parametrize(("kw", "argument", "part"), [
    ({"principal": 0}, "principal", "positive int of minor units"),
    ({"principal": 1000.0}, "principal", "positive int of minor units"),
    ({"payments": []}, "payments", "non-empty tuple"),
    ({"payments": ()}, "payments", "non-empty tuple"),
    ({"payments": (60000, -1)}, "payments[1]", "non-negative int"),
    ({"payments": (60000, True)}, "payments[1]", "non-negative int"),
    ({"payments": (1,) * 2601, "due_dates": ()}, "installments", "from 1 to 2600"),
    ({"currency": "usd "}, "", ""),  # accepted: a code in any case
    ({"currency": 840}, "currency", "ISO 4217"),
    ({"start": "2024/01/01"}, "start", "ISO date"),
    ({"frequency": "sometimes"}, "frequency", "must be a Frequency"),
    ({"rounding": None}, "rounding", "must be a RoundingPolicy"),
    ({"due_dates": ("2024-02-01",)}, "due_dates", "one date per payment (2)"),
    ({"due_dates": ("2024-02-01", "x")}, "due_dates[1]", "ISO date"),
    ({"add_on_rate": 0.1}, "add_on_rate", "fractions.Fraction"),
    ({"add_on_rate": Fraction(-1, 10)}, "add_on_rate", "non-negative"),
])
def test_direct_construction_errors(kw: dict[str, Any], argument: str, part: str) -> None:
    if not argument:
        assert _direct(**kw).currency.code == "USD"
        return
    _error(lambda: _direct(**kw), argument, part)


@pytest.mark.parametrize(("kw", "argument", "part"), [
    ({"due_dates": ("2023-12-01", "2024-03-01")}, "due_dates[0]", "not be before start"),
    ({"due_dates": ("2024-03-01", "2024-03-01")}, "due_dates[1]", "strictly increase"),
    ({"payments": (50000, 49999)}, "payments", "at least the principal 1,000.00"),
])
def test_direct_construction_terms_errors(kw: dict[str, Any], argument: str,
                                          part: str) -> None:
    _error(lambda: _direct(**kw), argument, part, kind=InvalidTermsError)


def test_earnings_errors() -> None:
    n = JISKHA.installments
    _error(lambda: JISKHA.earnings(method="rule of 79"), "method",
           "must be an EarningMethod or one of 'actuarial', 'rule_of_78', 'straight_line'")
    _error(lambda: JISKHA.earnings(earned_rounding="round"), "earned_rounding",
           "'cumulative', 'each'")
    _error(lambda: JISKHA.earnings(allow_rule_of_78_over_61_months="yes"),  # type: ignore[arg-type]
           "allow_rule_of_78_over_61_months", "True or False")
    _error(lambda: Earnings(loan="loan"), "loan",  # type: ignore[arg-type]
           "must be a PrecomputedLoan")
    table = JISKHA.earnings()
    _error(lambda: table.earned_in(0), "installment", "from 1 to 18", "(got 0)")
    _error(lambda: table.earned_in(n + 1), "installment", "from 1 to 18")
    _error(lambda: table.earned_in(True), "installment", "whole number")
    _error(lambda: table.unearned_after(-1), "installments_paid", "from 0 to 18")
    _error(lambda: table.rebate(after_installments=19), "after_installments", "0 to 18")
    _error(lambda: table.payoff(after_installments="3"),  # type: ignore[arg-type]
           "after_installments", "whole number")
    _error(lambda: JISKHA.rebate(after_installments=1.0),  # type: ignore[arg-type]
           "after_installments", "whole number")
    # rounding 7 cents of straight-line earnings each on its own gives 12 × 0.01
    tiny = level("10.01", "0.84", 12)
    assert tiny.finance_charge == D("0.07")
    _error(lambda: tiny.earnings(method="straight_line", earned_rounding="each"),
           "earned_rounding", "overshoots the finance charge 0.07",
           "earned_rounding='cumulative'", kind=InvalidTermsError)
    assert sum(tiny.earnings(method="straight_line").earned) == D("0.07")


# ---------------------------------------------------------- the caller's decimal context

def _scenario(_outcome: Callable[[Callable[[], Any]], Any]) -> list[Any]:
    """Library calls only: no arithmetic of the test's own. ``_outcome(call)`` is what the
    call returns or the library error it raises."""
    jiskha = PrecomputedLoan.add_on("1700", add_on_rate="12%", installments=18,
                                    start="2024-01-15", currency="USD")
    wilmer = PrecomputedLoan.from_level_payment(1000.0, payment="329.23", installments=4,
                                                frequency="annual", start="2024-01-01",
                                                currency="USD")
    rational = PrecomputedLoan.from_schedule(Plan.interest_only(
        "1000", annual_rate="0.1196", installments=52, frequency="weekly",
        start="2024-01-01", currency="BHD"), rounding=RoundingPolicy(interest="down"))
    long = PrecomputedLoan.add_on("10000", add_on_rate="0.05", installments=72,
                                  years="6", start="2024-01-01", currency="JPY")
    out: list[Any] = []
    for loan in (jiskha, wilmer, rational, long):
        out += [repr(loan), loan.finance_charge, loan.total_of_payments, loan.periodic_rate,
                loan.level_payment, loan.term_months, loan.to_text(),
                _outcome(lambda loan=loan: loan.earnings(method="rule_of_78"))]
        for method in EarningMethod:
            for rounding in EarnedRounding:
                table = _outcome(lambda loan=loan, m=method, r=rounding: loan.earnings(
                    method=m, earned_rounding=r, allow_rule_of_78_over_61_months=True))
                if isinstance(table, Earnings):
                    out += [repr(table), table.earned, table.rows, table._repr_html_(),
                            [table.payoff(after_installments=k) for k in (0, 1, 3)]]
                else:
                    out.append(table)
    return out


def test_a_hostile_caller_context_changes_no_figure() -> None:
    # The contexts and checks of tests/test_decimal_context.py (imported here, so that a
    # module being edited elsewhere cannot break the collection of this one): every
    # result, rendered under the ordinary context, is the same under each hostile one,
    # and the caller's context comes back as it was, with no flag raised.
    from test_decimal_context import HOSTILE, ORDINARY, _as_caller, _outcome, _shown

    with _as_caller(ORDINARY):
        expected = _shown(_scenario(_outcome))
    assert "Decimal('0.1199936021426518590525345564')" in expected
    for ctx in HOSTILE.values():
        with _as_caller(ctx):
            got = _scenario(_outcome)
        assert _shown(got) == expected
