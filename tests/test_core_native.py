"""The C accelerator of the single-loan path and of monthly due dates gives exactly what
the pure-Python code gives (``bnpl_restructure/_ckernel.c``).

When the extension was not built (no C compiler), the comparisons are skipped; the
pure-Python paths are then the ones every other test exercises.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bnpl_restructure import Plan, RoundingPolicy
from bnpl_restructure import core as core_module
from bnpl_restructure._accel import ckernel
from bnpl_restructure.calendar import Frequency, _add_months
from bnpl_restructure.core import (
    Columns,
    PaymentRule,
    Period,
    Program,
    UnpaidInterest,
    _run_columns_python,
    level_payment,
    run_single,
)
from bnpl_restructure.plans import _level_payment
from bnpl_restructure.rounding import RoundingMode
from bnpl_restructure.testing.strategies import plans, programs

native = pytest.mark.skipif(ckernel is None, reason="the C accelerator is not built here "
                            "(no C compiler at install, or BNPL_RESTRUCTURE_PURE_PYTHON set)")

_CODES = {RoundingMode.HALF_UP: 0, RoundingMode.HALF_EVEN: 1, RoundingMode.HALF_DOWN: 2,
          RoundingMode.UP: 3, RoundingMode.DOWN: 4}


def _columns(program: Program) -> tuple[tuple[int, ...], ...]:
    p = program.periods
    return (tuple(x.factor.numerator for x in p), tuple(x.factor.denominator for x in p),
            tuple(x.rule for x in p), tuple(x.amount for x in p), tuple(x.fee for x in p),
            tuple(x.unpaid for x in p))


def _both(program: Program) -> tuple[Columns | None, Columns]:
    assert ckernel is not None
    args = _columns(program)
    raw = ckernel.run(program.principal, *args, _CODES[program.interest_rounding])
    python = _run_columns_python(program.principal, *args, program.interest_rounding)
    return (None if raw is None else Columns._make(raw)), python


@native
@given(programs())
def test_native_kernel_gives_the_python_columns(program: Program) -> None:
    native_cols, python_cols = _both(program)
    assert native_cols is not None  # these programs fit in int64
    assert native_cols == python_cols
    for k, payment in enumerate(native_cols.payment):
        assert payment == native_cols.principal[k] + native_cols.interest[k] + \
            native_cols.fee[k]


@native
@pytest.mark.parametrize("mode", list(RoundingMode))
def test_native_rounding_modes_on_half_way_interest(mode: RoundingMode) -> None:
    # balance 1 fen at 1/2 a period: interest 0.5 fen, and 3 fen at 1/2: 1.5 fen; every
    # mode rounds the ties its own way (round_ratio is the reference).
    for principal in (1, 3, 5, 7):
        program = Program(principal=principal, interest_rounding=mode, periods=(
            Period(due=date(2024, 2, 1), factor=Fraction(1, 2), rule=PaymentRule.PAYOFF),))
        native_cols, python_cols = _both(program)
        assert native_cols == python_cols
    expected = {RoundingMode.HALF_UP: 2, RoundingMode.HALF_EVEN: 2, RoundingMode.HALF_DOWN: 1,
                RoundingMode.UP: 2, RoundingMode.DOWN: 1}[mode]
    program = Program(principal=3, interest_rounding=mode, periods=(
        Period(due=date(2024, 2, 1), factor=Fraction(1, 2), rule=PaymentRule.PAYOFF),))
    assert run_single(program).interest == (expected,)


@native
def test_values_past_int64_fall_back_to_python_integers() -> None:
    big = 2**62  # balance x numerator and the payment leave int64
    program = Program(principal=big, periods=(
        Period(due=date(2024, 2, 1), factor=Fraction(2), rule=PaymentRule.INTEREST_ONLY),
        Period(due=date(2024, 3, 1), factor=Fraction(0), rule=PaymentRule.PAYOFF)))
    native_cols, python_cols = _both(program)
    assert native_cols is None  # the accelerator declines
    assert run_single(program) == python_cols
    assert python_cols.interest == (2**63, 0)  # one more than int64 holds
    assert python_cols.payment == (2**63, big)


@native
def test_capitalized_interest_that_overflows_falls_back() -> None:
    program = Program(principal=2**62, periods=(
        Period(due=date(2024, 2, 1), factor=Fraction(1), rule=PaymentRule.NOTHING,
               unpaid=UnpaidInterest.CAPITALIZE),
        Period(due=date(2024, 3, 1), factor=Fraction(0), rule=PaymentRule.PAYOFF)))
    native_cols, python_cols = _both(program)
    assert native_cols is None
    assert python_cols.balance == (2**63, 0)
    assert run_single(program).principal == (0, 2**63)


@native
def test_native_run_refuses_malformed_input_with_typed_errors() -> None:
    assert ckernel is not None
    with pytest.raises(ValueError, match="one value per period"):
        ckernel.run(100, (1,), (1, 1), (4,), (0,), (0,), (1,), 0)
    with pytest.raises(ValueError, match="rounding mode"):
        ckernel.run(100, (1,), (1,), (4,), (0,), (0,), (1,), 9)
    with pytest.raises(TypeError, match="principal must be an int"):
        ckernel.run(1.5, (1,), (1,), (4,), (0,), (0,), (1,), 0)


@native
@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
       st.integers(-400, 400), st.integers(1, 12))
def test_native_month_dates_follow_the_anchored_rule(anchor: date, first: int,
                                                     step: int) -> None:
    assert ckernel is not None
    try:
        expected = tuple(_add_months(anchor, k * step) for k in range(first, first + 5))
    except OverflowError:
        with pytest.raises(OverflowError):
            ckernel.month_dates(anchor, first, first + 5, step)
        return
    assert ckernel.month_dates(anchor, first, first + 5, step) == expected


@native
def test_native_month_dates_clip_to_month_end() -> None:
    assert ckernel is not None
    assert ckernel.month_dates(date(2024, 1, 31), 0, 4, 1) == (
        date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30))
    assert ckernel.month_dates(date(2023, 1, 31), 1, 2, 1) == (date(2023, 2, 28),)
    assert ckernel.month_dates(date(2024, 3, 31), -1, 0, 1) == (date(2024, 2, 29),)
    with pytest.raises(TypeError, match="anchor must be a date"):
        ckernel.month_dates("2024-01-31", 0, 1, 1)


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


def test_pure_python_switch_gives_the_same_schedule() -> None:
    """``BNPL_RESTRUCTURE_PURE_PYTHON=1`` turns the accelerator off, nothing else."""
    code = ("from bnpl_restructure import Plan, core; "
            "s = Plan.annuity('10000', annual_rate='0.08', installments=12, "
            "start='2024-01-31').schedule(); "
            "print(core.NATIVE, s.payment, s.interest, s.due_dates[:2])")
    env = dict(os.environ, BNPL_RESTRUCTURE_PURE_PYTHON="1")
    pure = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, check=True).stdout
    assert pure.startswith("False ")
    schedule = Plan.annuity("10000", annual_rate="0.08", installments=12,
                            start="2024-01-31").schedule()
    # the payment: 10,000.00 at 8%/12 over 12 months, PMT = 869.88 (spreadsheet PMT)
    assert schedule.payment[0] == 86988
    expected = f"{schedule.payment} {schedule.interest} {schedule.due_dates[:2]}"
    assert pure.split(" ", 1)[1].strip() == expected
    assert core_module.NATIVE is (ckernel is not None)


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
