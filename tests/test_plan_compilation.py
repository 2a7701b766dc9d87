"""A plan compiled to kernel columns gives what its Program gives, the closed-form level
payment is the general one, and the regressions found in review of the single-loan path.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bnpl_restructure import Plan, RoundingPolicy
from bnpl_restructure.calendar import Frequency
from bnpl_restructure.core import (
    PaymentRule,
    Period,
    Program,
    level_payment,
    run_single,
)
from bnpl_restructure.plans import _level_payment
from bnpl_restructure.rounding import RoundingMode
from bnpl_restructure.testing.strategies import plans


@given(plans())
def test_plan_schedule_equals_the_compiled_program(plan: Plan) -> None:
    """The fast path (columns straight from the plan) and the Program path agree."""
    schedule = plan.schedule()
    program = plan.program()
    assert schedule.program is program
    if program.exact_balance:
        return
    cols = run_single(program)
    assert schedule.payment == cols.payment
    assert schedule.principal_paid == cols.principal
    assert schedule.interest == cols.interest
    assert schedule.balance == cols.balance
    assert schedule.arrears == cols.arrears
    assert schedule.forgiven == (0,) * len(schedule)


@given(st.integers(1, 10**12), st.fractions(min_value=Fraction(1, 10**6),
                                             max_value=Fraction(1, 2), max_denominator=10**6),
       st.integers(1, 60), st.sampled_from(list(RoundingMode)), st.data())
def test_closed_form_level_payment_is_the_general_one(principal: int, rate: Fraction, n: int,
                                                      mode: RoundingMode,
                                                      data: st.DataObject) -> None:
    balloon = data.draw(st.integers(0, principal))
    factors = (rate,) * n
    assert _level_payment(principal, factors, mode=mode, balloon=balloon) == level_payment(
        principal, factors, mode=mode, balloon=balloon)
    assert _level_payment(principal, factors, mode=None, balloon=balloon) == level_payment(
        principal, factors, mode=None, balloon=balloon)


def test_schedule_program_of_a_plan_is_compiled_once() -> None:
    plan = Plan.flat_fee("1000.00", fee_rate="0.007", installments=3, start="2024-01-15",
                         rounding=RoundingPolicy())
    schedule = plan.schedule()
    assert schedule.program is plan.program()
    assert schedule.after("2024-02-20").program is plan.program()
    assert [p.fee for p in plan.program().periods] == [700, 700, 700]


def test_month_dates_past_year_9999_are_a_typed_error() -> None:
    from bnpl_restructure.errors import InvalidArgumentError
    with pytest.raises(InvalidArgumentError, match="installments"):
        Plan.annuity("100", annual_rate="0.1", installments=24, start="9998-06-01")
    assert Frequency.MONTHLY.due_dates(date(9999, 1, 31), 2) == (date(9999, 1, 31),
                                                                  date(9999, 2, 28))


# ------------------------------------------------- regressions from the review of the path


def _direct(**changes: object) -> Plan:
    from bnpl_restructure.money import Currency
    from bnpl_restructure.plans import PlanKind
    terms: dict[str, object] = dict(
        kind=PlanKind.ANNUITY, principal=100000, currency=Currency.of("USD"),
        start=date(2024, 1, 1), due_dates=(date(2024, 2, 1), date(2024, 3, 1)),
        periodic_rate=Fraction(1, 100))
    terms.update(changes)
    return Plan(**terms)  # type: ignore[arg-type]


@pytest.mark.parametrize(("changes", "argument"), [
    ({"principal": True}, "principal"),
    ({"principal": 100000.0}, "principal"),
    ({"periodic_rate": 1}, "periodic_rate"),
    ({"periodic_rate": Fraction(-1, 100)}, "periodic_rate"),
    ({"fees": (-5, 0)}, r"fees\[0\]"),
    ({"fees": (0, 1.5)}, r"fees\[1\]"),
    ({"balloon": Fraction(1, 2)}, "balloon"),
])
def test_a_plan_refuses_what_the_kernel_cannot_take(changes: dict[str, object],
                                                    argument: str) -> None:
    """A plan's columns go straight to the kernel, so the plan checks them itself."""
    from bnpl_restructure.errors import InvalidArgumentError
    with pytest.raises(InvalidArgumentError, match=f"^{argument}: must be"):
        _direct(**changes)


@pytest.mark.parametrize("payment", [-100, 100.0, Fraction(201, 2), True])
def test_explicit_rows_refuse_payments_that_are_not_minor_units(payment: object) -> None:
    from bnpl_restructure.errors import InvalidArgumentError
    from bnpl_restructure.plans import PlannedRow
    rows = [PlannedRow(due=date(2024, 2, 1), payment=payment),  # type: ignore[arg-type]
            PlannedRow(due=date(2024, 3, 1))]
    with pytest.raises(InvalidArgumentError, match=r"^payments\[0\]: must be a non-negative"):
        Plan.from_rows("1000", rows=rows, start="2024-01-01", annual_rate="0.12")


def test_a_plan_due_on_the_last_day_of_9999() -> None:
    from bnpl_restructure.errors import InvalidArgumentError
    schedule = Plan.annuity("1000", installments=1, start="9999-12-31",
                            first_due="9999-12-31", annual_rate="0.12").schedule()
    assert schedule.payment == (100000,)  # a first period of zero whole periods: no interest
    with pytest.raises(InvalidArgumentError, match=r"^k: gives a due date outside"):
        Plan.annuity("1000", installments=1, start="9999-12-20", first_due="9999-12-31",
                     annual_rate="0.12").schedule()


def test_very_long_monthly_steps_give_the_reference_dates() -> None:
    assert Frequency.every_months(13000).due_dates(date(2024, 1, 1), 1) == (date(2024, 1, 1),)
    assert Frequency.MONTHLY._dates(date(2024, 1, 31), 5, 5) == ()


def test_a_signalling_nan_rate_is_refused_as_not_finite() -> None:
    from decimal import Decimal

    from bnpl_restructure.errors import InvalidArgumentError
    with pytest.raises(InvalidArgumentError, match=r"^annual_rate: must be a finite number"):
        Plan.annuity("1000", installments=3, start="2024-01-01", annual_rate=Decimal("sNaN"))


def test_a_program_reads_rounding_modes_given_as_text() -> None:
    from bnpl_restructure.errors import InvalidArgumentError
    program = Program(principal=5, interest_rounding="half_up",  # type: ignore[arg-type]
                      periods=(Period(due=date(2024, 2, 1), factor=Fraction(1, 2),
                                      rule=PaymentRule.PAYOFF),))
    assert program.interest_rounding is RoundingMode.HALF_UP
    assert run_single(program).interest == (3,)  # 2.5 rounds half up
    with pytest.raises(InvalidArgumentError, match=r"^interest_rounding: must be"):
        Program(principal=5, interest_rounding="nearest",  # type: ignore[arg-type]
                periods=program.periods)


def test_a_float_equal_to_an_int_fee_is_still_refused() -> None:
    from bnpl_restructure.errors import InvalidArgumentError
    with pytest.raises(InvalidArgumentError, match=r"^fees\[1\]: must be"):
        _direct(fees=(700, 700.0))
