"""Property tests over every plan kind, currency and frequency (hypothesis).

The strategies are the public ones in ``bnpl_restructure.testing.strategies``.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from bnpl_restructure import BalancePrecision, Plan, PlanKind, Program
from bnpl_restructure.core import PaymentRule, run_batch, run_single
from bnpl_restructure.testing.invariants import check_schedule
from bnpl_restructure.testing.strategies import plans, programs


@given(plans())
def test_every_plan_reconciles_exactly(plan: Plan) -> None:
    schedule = plan.schedule()
    check_schedule(schedule)  # payment = P + I + F, sum P = principal, balance -> 0 ...
    assert len(schedule) == plan.installments
    assert schedule.due_dates == plan.due_dates
    assert sum(schedule.fee) == sum(plan.fees)


@given(plans(exact_balance=True))
def test_exact_balance_rows_reconcile_too(plan: Plan) -> None:
    # Spreadsheet-style rows reconcile per row, never show negative money, repay the
    # amount financed exactly and end at zero; the published balance follows the exact
    # balance, so it may differ by display rounding from opening - principal.
    schedule = plan.schedule()
    for k in range(len(schedule)):
        assert schedule.payment[k] == (schedule.principal_paid[k] + schedule.interest[k]
                                       + schedule.fee[k])
        assert min(schedule.payment[k], schedule.principal_paid[k], schedule.interest[k]) >= 0
    if plan.rounding.balance is BalancePrecision.CARRIED:
        # carried precision: the total of payments is the exact total rounded once, the
        # principal parts off by the interest cells' rounding (check_schedule asserts it)
        check_schedule(schedule, allow_capitalization=True)
    else:
        assert sum(schedule.principal_paid) == plan.principal + sum(schedule.capitalized)
    assert schedule.balance[-1] == 0


@given(programs())
def test_kernel_paths_agree_on_every_rule(program: Program) -> None:
    # Every payment rule and unpaid-interest rule (capitalize, carry, waive): the batch
    # kernel (alone and padded next to a longer loan) equals the single-loan path, and
    # the money identities hold.
    single = run_single(program)
    assert run_batch([program]).loan(0) == single
    longer = Program(principal=12345, periods=program.periods + program.periods[-1:],
                     interest_rounding=program.interest_rounding) if len(
        program.periods) else program
    assert run_batch([program, longer]).loan(0, len(program.periods)) == single
    balance = program.principal
    for k in range(len(program.periods)):
        assert single.payment[k] == single.principal[k] + single.interest[k] + single.fee[k]
        assert single.interest[k] + single.capitalized[k] + single.waived[k] + \
            single.arrears[k] == single.accrued[k] + (single.arrears[k - 1] if k else 0)
        balance = balance - single.principal[k] + single.capitalized[k]
        assert single.balance[k] == balance >= 0
    assert single.balance[-1] == 0 and single.arrears[-1] == 0


@given(programs(max_periods=8, exact_balance=True))
def test_exact_kernel_publishes_consistent_rows(program: Program) -> None:
    cols = run_single(program)
    for k in range(len(program.periods)):
        assert cols.payment[k] == cols.principal[k] + cols.interest[k] + cols.fee[k]
        assert min(cols.principal[k], cols.interest[k]) >= 0
    assert sum(cols.principal) == program.principal + sum(cols.capitalized)
    assert cols.balance[-1] == 0


@given(st.lists(plans(kinds=(PlanKind.ANNUITY, PlanKind.EQUAL_PRINCIPAL, PlanKind.FLAT_FEE,
                              PlanKind.INTEREST_ONLY, PlanKind.ROWS, PlanKind.PAY_IN_4)),
                min_size=1, max_size=6))
def test_batch_kernel_equals_single_loan_path(batch: list[Plan]) -> None:
    # The batch kernel runs all plans at once (padded to the longest); each loan's rows
    # must be identical to the pure-Python path. Group by interest rounding mode, as a
    # batch shares one.
    by_mode: dict[object, list[Plan]] = {}
    for plan in batch:
        by_mode.setdefault(plan.rounding.interest, []).append(plan)
    for group in by_mode.values():
        programs = [p.program() for p in group]
        result = run_batch(programs)
        for j, program in enumerate(programs):
            assert result.loan(j, len(program.periods)) == run_single(program)



@given(programs(fixed_last=True))
def test_a_fixed_last_period_pays_its_amount_in_both_kernels(program: Program) -> None:
    """A level payment kept on the last period (``PaymentRule.FIXED``): the batch kernel
    equals the single-loan path (alone and padded next to a longer loan), the last row
    pays exactly its amount (interest first) and leaves the residual as the closing
    balance, negative when overpaid."""
    single = run_single(program)
    assert run_batch([program]).loan(0) == single
    periods = program.periods
    longer = Program(principal=12345, periods=(
        *periods[:-1], replace(periods[-1], rule=PaymentRule.AMOUNT),
        replace(periods[-1], rule=PaymentRule.PAYOFF)),
        interest_rounding=program.interest_rounding)
    assert run_batch([program, longer]).loan(0, len(periods)) == single
    last = periods[-1]
    opening = single.balance[-2] if len(periods) > 1 else program.principal
    if last.rule is PaymentRule.FIXED:
        due = single.accrued[-1] + (single.arrears[-2] if len(periods) > 1 else 0)
        assert single.interest[-1] == min(due, last.amount)
        assert single.payment[-1] == last.amount + last.fee
        assert single.balance[-1] == opening + single.capitalized[-1] - single.principal[-1]
        assert single.balance[-1] == opening + single.capitalized[-1] + single.interest[-1] \
            - last.amount
    else:
        assert single.balance[-1] == 0
