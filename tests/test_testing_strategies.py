"""bnpl_restructure.testing.strategies: restrictions to a team's conventions hold,
``st.from_type`` draws valid objects, and failure reports print every drawn object
briefly."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from hypothesis.vendor.pretty import pretty

from bnpl_restructure import (
    BalancePrecision,
    Currency,
    DayCount,
    Frequency,
    LastInstallment,
    OddDays,
    PaymentBasis,
    PaymentRule,
    Plan,
    PlanKind,
    Program,
    RoundingMode,
    RoundingPolicy,
    UnpaidInterest,
)
from bnpl_restructure.errors import InvalidArgumentError
from bnpl_restructure.servicing import loan_state
from bnpl_restructure.testing.invariants import check_schedule
from bnpl_restructure.testing.strategies import (
    ALL_CURRENCIES,
    ALL_FREQUENCIES,
    amounts,
    annual_rates,
    currencies,
    day_counts,
    frequencies,
    plans,
    programs,
    rounding_policies,
)

FEW = settings(max_examples=40, deadline=None)
RATED = (PlanKind.ANNUITY, PlanKind.EQUAL_PRINCIPAL, PlanKind.INTEREST_ONLY, PlanKind.ROWS)


def _draw_once(strategy: st.SearchStrategy[Any]) -> None:
    @settings(max_examples=1, database=None, deadline=None)
    @given(strategy)
    def draw(value: Any) -> None:
        pass

    draw()


# ------------------------------------------------------------- restrictions hold


@FEW
@given(plans(kinds=["annuity", "equal_principal", "flat_fee"], currencies=["EUR", "JPY"],
             frequencies=["monthly", "biweekly"], day_counts=["act/365f", "30/360"],
             odd_days=["free"], rounding_modes=["half_even"], increments=[None, "1"],
             min_amount="100", max_amount="5000", min_rate="0.05", max_rate="0.25",
             min_fee_rate="0.001", max_fee_rate="0.005", min_installments=3,
             max_installments=12))
def test_a_teams_conventions_restrict_every_plan(plan: Plan) -> None:
    assert plan.kind in (PlanKind.ANNUITY, PlanKind.EQUAL_PRINCIPAL, PlanKind.FLAT_FEE)
    assert plan.currency.code in ("EUR", "JPY")
    assert plan.frequency in (Frequency.MONTHLY, Frequency.BIWEEKLY)
    assert plan.rounding.payment is plan.rounding.interest is RoundingMode.HALF_EVEN
    assert plan.rounding.increment in (None, Decimal(1))
    assert plan.rounding.balance is BalancePrecision.ROUNDED
    assert Decimal(100) <= plan.currency.to_major(plan.principal) <= Decimal(5000)
    assert 3 <= plan.installments <= 12
    if plan.kind is PlanKind.FLAT_FEE:
        assert plan.fee_rate is not None
        assert Fraction(1, 1000) <= plan.fee_rate <= Fraction(5, 1000)
    else:
        assert plan.day_count in (DayCount.parse("act/365f"), DayCount.parse("30/360"))
        assert plan.odd_days is OddDays.FREE
        assert Fraction(5, 100) <= plan.nominal_annual_rate <= Fraction(25, 100)
    check_schedule(plan.schedule())


@FEW
@given(plans(kinds=[PlanKind.ANNUITY], balances=["carried"], payment_bases=["nominal"],
             rounding_modes=["up"], increments=["1"], currencies=["CNY"]))
def test_carried_annuities_with_the_payment_from_the_nominal_rate(plan: Plan) -> None:
    # frappe/lending's convention: a payment rounded up to a whole unit, carried balance
    assert plan.rounding == RoundingPolicy(payment="up", interest="up", balance="carried",
                                           residual=plan.rounding.residual, increment="1")
    assert plan.payment_basis is PaymentBasis.NOMINAL
    schedule = plan.schedule()
    assert schedule.balance[-1] == 0 and len(schedule) == plan.installments


@FEW
@given(plans(kinds=["annuity"], last_installments=["level"], currencies=["USD"],
             min_amount="1000"))
def test_level_last_installments_are_annuities_on_a_rounded_balance(plan: Plan) -> None:
    assert plan.last_installment is LastInstallment.LEVEL
    assert plan.rounding.balance is BalancePrecision.ROUNDED
    schedule = plan.schedule()
    assert len(set(schedule.payment)) == 1  # the level payment on every row
    assert sum(schedule.principal_paid) == plan.principal - schedule.balance[-1]


@FEW
@given(plans(exact_balance=True, kinds=["annuity", "flat_fee", "interest_only"],
             increments=[None, "0.10"], last_installments=["payoff", "level"]))
def test_impossible_combinations_are_never_drawn(plan: Plan) -> None:
    # carried only for annuities, no increment with an exact balance or on interest-only
    # plans, a level last installment only on a rounded balance
    if plan.rounding.balance is BalancePrecision.CARRIED:
        assert plan.kind is PlanKind.ANNUITY
    if plan.rounding.increment is not None:
        assert plan.kind is not PlanKind.INTEREST_ONLY
        assert plan.rounding.balance is not BalancePrecision.EXACT
    if plan.last_installment is LastInstallment.LEVEL:
        assert plan.rounding.balance is BalancePrecision.ROUNDED
    plan.schedule()


@FEW
@given(plans(currencies=["JPY"], increments=["0.10", "100"], kinds=["pay_in_4"],
             min_amount="10000"))
def test_an_increment_is_a_whole_number_of_the_currencys_minor_units(plan: Plan) -> None:
    assert plan.rounding.increment == 100  # 0.10 yen is not a whole number of yen
    # every installment but the one taking the residual is a multiple of 100 yen
    assert sum(p % 100 != 0 for p in plan.schedule().payment) <= 1


@FEW
@given(plans(odd_first_period=False, kinds=[*RATED, "flat_fee"]))
def test_a_regular_first_period(plan: Plan) -> None:
    assert plan.due_dates[0] == plan.frequency.advance(plan.start, 1)


@FEW
@given(plans(odd_first_period=True, kinds=[*RATED, "flat_fee"]))
def test_an_odd_first_period(plan: Plan) -> None:
    assert plan.due_dates[0] != plan.frequency.advance(plan.start, 1)


@FEW
@given(plans(kinds=["pay_in_4"], min_installments=5, frequencies=["weekly"],
             starts=st.just(date(2024, 2, 29))))
def test_pay_in_n_installments_within_the_bounds(plan: Plan) -> None:
    assert 5 <= plan.installments <= 6
    assert plan.start == plan.due_dates[0] == date(2024, 2, 29)
    assert plan.frequency is Frequency.WEEKLY


@FEW
@given(plans(rounding=[RoundingPolicy(increment="1"), RoundingPolicy(balance="carried")]))
def test_explicit_policies_go_to_the_kinds_that_take_them(plan: Plan) -> None:
    assert plan.rounding in (RoundingPolicy(increment="1"), RoundingPolicy(balance="carried"))
    if plan.rounding.balance is BalancePrecision.CARRIED:
        assert plan.kind is PlanKind.ANNUITY
    else:
        assert plan.kind not in (PlanKind.INTEREST_ONLY, PlanKind.ROWS)


@FEW
@given(rounding_policies(payment_modes=["up"], interest_modes=["half_even", "down"],
                         residuals=["first"], balances=["rounded", "exact"],
                         increments=[None, "1"]))
def test_rounding_policies_restricted(policy: RoundingPolicy) -> None:
    assert policy.payment is RoundingMode.UP
    assert policy.interest in (RoundingMode.HALF_EVEN, RoundingMode.DOWN)
    assert policy.residual.value == "first"
    assert policy.increment is None or policy.balance is BalancePrecision.ROUNDED


@FEW
@given(programs(min_periods=3, max_periods=5, rules=["amount", "nothing"],
                unpaid=["capitalize"], interest_rounding=["half_even"],
                max_principal=1000, max_factor=Fraction(1, 100)))
def test_programs_restricted(program: Program) -> None:
    assert 3 <= len(program.periods) <= 5 and program.principal <= 1000
    assert {p.rule for p in program.periods[:-1]} <= {PaymentRule.AMOUNT, PaymentRule.NOTHING}
    assert program.periods[-1].rule is PaymentRule.PAYOFF
    assert {p.unpaid for p in program.periods} == {UnpaidInterest.CAPITALIZE}
    assert all(p.factor <= Fraction(1, 100) for p in program.periods)
    assert program.interest_rounding is RoundingMode.HALF_EVEN


@FEW
@given(currencies(["usd", Currency.of("BHD")]), frequencies(["semi-monthly"]),
       day_counts(["act/360"]), annual_rates(min_rate="0.1", max_rate="0.1001"),
       st.data())
def test_small_strategies_restricted(currency: Currency, frequency: Frequency,
                                     day_count: DayCount, rate: Decimal,
                                     data: st.DataObject) -> None:
    assert currency.code in ("USD", "BHD")
    assert frequency is Frequency.SEMI_MONTHLY and day_count is DayCount.parse("act/360")
    assert rate in (Decimal("0.1"), Decimal("0.1001"))
    amount = data.draw(amounts(currency, min_major="0.5", max_major=2))
    assert Decimal("0.5") <= amount <= 2
    assert amount == amount.quantize(currency.quantum)


def test_defaults_cover_every_convention() -> None:
    # what the unrestricted strategies can draw (the defaults keep today's behaviour)
    assert set(ALL_CURRENCIES) == {Currency.of(c) for c in
                                   ("CNY", "USD", "EUR", "GBP", "JPY", "BHD")}
    assert len(ALL_FREQUENCIES) == 7

    @settings(max_examples=200, database=None, deadline=None)
    @given(plans())
    def collect(plan: Plan) -> None:
        kinds.add(plan.kind)
        modes.add(plan.rounding.interest)
        assert plan.rounding.balance is BalancePrecision.ROUNDED
        assert plan.rounding.increment is None
        assert plan.payment_basis is PaymentBasis.PERIODS
        assert plan.last_installment is LastInstallment.PAYOFF

    kinds: set[PlanKind] = set()
    modes: set[RoundingMode] = set()
    collect()
    assert kinds == set(PlanKind) and modes == set(RoundingMode)


@pytest.mark.parametrize(("build", "argument"), [
    (lambda: plans(kinds=[]), "kinds"),
    (lambda: plans(kinds=["interest_only"], increments=["1"]), "kinds"),
    (lambda: plans(kinds=["pay_in_4"], min_installments=7), "kinds"),
    (lambda: plans(min_installments=5, max_installments=3), "kinds"),
    (lambda: plans(currency=currencies(), currencies=["CNY"]), "currencies"),
    (lambda: plans(kinds=["flat_fee"], min_fee_rate="0.02", max_fee_rate="0.01"),
     "max_fee_rate"),
    (lambda: plans(frequencies=["fortnightly-ish"]), "frequency"),
    (lambda: rounding_policies(balances=["exact"], increments=["1"]), "increments"),
    (lambda: annual_rates(min_rate="0.5", max_rate="0.1"), "max_rate"),
    (lambda: amounts(Currency.of("JPY"), min_major="10", max_major="5"), "max_major"),
])
def test_impossible_restrictions_are_typed_errors(build: Callable[[], Any],
                                                  argument: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        _draw_once(build())
    assert caught.value.argument == argument


# ------------------------------------------------------------------ st.from_type


@FEW
@given(st.from_type(Plan))
def test_from_type_draws_valid_plans(plan: Plan) -> None:
    assert isinstance(plan, Plan)
    schedule = plan.schedule()
    check_schedule(schedule)
    assert len(schedule) == plan.installments


@settings(max_examples=20, deadline=None)
@given(st.from_type(Program), st.from_type(RoundingPolicy), st.from_type(Frequency),
       st.from_type(DayCount), st.from_type(Currency))
def test_from_type_for_every_registered_type(program: Program, policy: RoundingPolicy,
                                             frequency: Frequency, day_count: DayCount,
                                             currency: Currency) -> None:
    assert program.periods[-1].rule is PaymentRule.PAYOFF
    assert isinstance(policy, RoundingPolicy) and frequency in ALL_FREQUENCIES
    assert isinstance(day_count, DayCount) and currency in ALL_CURRENCIES


def _offer(plan: Plan, currency: Currency) -> tuple[Plan, Currency]:
    return plan, currency


@FEW
@given(st.builds(_offer))
def test_builds_fills_annotated_arguments(offer: tuple[Plan, Currency]) -> None:
    assert isinstance(offer[0], Plan) and isinstance(offer[1], Currency)


def test_importing_the_library_does_not_import_hypothesis() -> None:
    # hypothesis is an optional test dependency: only the strategies module needs it
    code = ("import sys, bnpl_restructure, bnpl_restructure.testing, "
            "bnpl_restructure.testing.invariants; "
            "assert 'hypothesis' not in sys.modules, 'hypothesis imported'")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# --------------------------------------------------------- short failure reports

BRIEF = 160  # characters: one line of a failure report


@FEW
@given(st.from_type(Plan), st.from_type(RoundingPolicy), st.from_type(Currency),
       st.from_type(Frequency), st.from_type(DayCount))
def test_drawn_objects_print_briefly(plan: Plan, policy: RoundingPolicy,
                                     currency: Currency, frequency: Frequency,
                                     day_count: DayCount) -> None:
    for value in (plan, policy, plan.rounding, currency, frequency, day_count,
                  plan.schedule(), plan.schedule()[0]):
        text = pretty(value)
        assert len(text) <= BRIEF and "\n" not in text, text


@FEW
@given(plans(max_installments=12))
def test_loan_states_print_briefly(plan: Plan) -> None:
    state = loan_state(plan.schedule(), [], as_of=plan.due_dates[-1])
    assert len(pretty(state)) <= BRIEF


@settings(max_examples=20, deadline=None)
@given(programs(max_periods=12))
def test_programs_print_in_proportion_to_their_periods(program: Program) -> None:
    # a program is its periods: a few lines each, never the class constants behind them
    assert len(pretty(program)) <= 250 * (len(program.periods) + 1)
    assert all(len(pretty(p)) <= 250 for p in program.periods)


def test_a_failure_report_is_short() -> None:
    @settings(max_examples=5, database=None, deadline=None, phases=[Phase.generate])
    @given(st.from_type(Plan), st.from_type(RoundingPolicy), st.from_type(Frequency))
    def fails(plan: Plan, policy: RoundingPolicy, frequency: Frequency) -> None:
        raise AssertionError("the team's fee math disagrees")

    with pytest.raises(AssertionError) as caught:
        fails()
    report = "\n".join(getattr(caught.value, "__notes__", []))
    assert "plan=Plan." in report and "policy=RoundingPolicy(" in report
    assert len(report) < 600, report  # 2,300 lines before Frequency printed briefly
