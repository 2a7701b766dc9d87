"""The kernel: rules, unpaid-interest handling, overflow, exact balance, level payment."""

from __future__ import annotations

import random
from datetime import date
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from bnpl_restructure.core import (
    Columns,
    PaymentRule,
    Period,
    Program,
    UnpaidInterest,
    exact_columns,
    execute,
    level_payment,
    run_batch,
    run_single,
)
from bnpl_restructure.errors import InvalidArgumentError, InvalidTermsError
from bnpl_restructure.rounding import RoundingMode

R = Fraction(1, 100)  # 1% a period


def _program(*rules: tuple[PaymentRule, int, UnpaidInterest], principal: int = 100_000,
             fee: int = 0) -> Program:
    return Program(principal=principal, periods=tuple(
        Period(due=date(2024, k + 1, 1), factor=R, rule=rule, amount=amount, fee=fee,
               unpaid=unpaid) for k, (rule, amount, unpaid) in enumerate(rules)))


def test_rules_by_hand() -> None:
    # 1,000.00 at 1% a period: interest 10.00 on the opening balance each period.
    c = UnpaidInterest.CARRY
    rows = run_single(_program((PaymentRule.INTEREST_ONLY, 0, c),
                               (PaymentRule.PRINCIPAL, 40_000, c),
                               (PaymentRule.AMOUNT, 30_600, c),  # 6.00 interest + 300.00
                               (PaymentRule.PAYOFF, 0, c), fee=150))
    assert list(zip(rows.payment, rows.principal, rows.interest, rows.fee, rows.balance,
                    strict=True)) == [
        (1_150, 0, 1_000, 150, 100_000),
        (41_150, 40_000, 1_000, 150, 60_000),
        (30_750, 30_000, 600, 150, 30_000),
        (30_450, 30_000, 300, 150, 0),
    ]


def test_unpaid_interest_capitalize_carry_waive() -> None:
    # A holiday (NOTHING) then payoff; 1,000.00 at 1%: period 1 interest 10.00 unpaid.
    def run(how: UnpaidInterest) -> Columns:
        return run_single(_program((PaymentRule.NOTHING, 0, how),
                                   (PaymentRule.PAYOFF, 0, UnpaidInterest.CARRY)))

    cap = run(UnpaidInterest.CAPITALIZE)
    # capitalized: balance 1,010.00, then interest 10.10 on it, payoff 1,020.10
    assert (cap.capitalized[0], cap.balance[0], cap.interest[1], cap.payment[1]) == (
        1_000, 101_000, 1_010, 102_010)
    carry = run(UnpaidInterest.CARRY)
    # carried as arrears (no interest on it): payoff 1,000.00 + 10.00 + 10.00
    assert (carry.arrears[0], carry.balance[0], carry.interest[1], carry.payment[1]) == (
        1_000, 100_000, 2_000, 102_000)
    waive = run(UnpaidInterest.WAIVE)
    assert (waive.waived[0], waive.interest[1], waive.payment[1]) == (1_000, 1_000, 101_000)


def test_amount_never_overpays() -> None:
    rows = run_single(_program((PaymentRule.AMOUNT, 10_000_000, UnpaidInterest.CARRY),
                               (PaymentRule.PAYOFF, 0, UnpaidInterest.CARRY)))
    assert (rows.payment[0], rows.balance[0], rows.payment[1]) == (101_000, 0, 0)


def test_amount_below_interest_carries_arrears() -> None:
    rows = run_single(_program((PaymentRule.AMOUNT, 400, UnpaidInterest.CARRY),
                               (PaymentRule.AMOUNT, 5_000, UnpaidInterest.CARRY),
                               (PaymentRule.PAYOFF, 0, UnpaidInterest.CARRY)))
    # period 1: 10.00 due, 4.00 paid, 6.00 carried; period 2: 16.00 due, 34.00 principal
    assert list(zip(rows.interest, rows.principal, rows.arrears, strict=True))[:2] == [
        (400, 0, 600), (1_600, 3_400, 0)]


def test_int64_overflow_switches_to_exact_integers() -> None:
    # Factor with a 30-digit denominator: balance * numerator overflows int64.
    factor = Fraction(10**28 + 7, 10**30 + 1)
    program = Program(principal=10**15, periods=tuple(
        Period(due=date(2024, m, 1), factor=factor, rule=PaymentRule.PRINCIPAL,
               amount=10**14) for m in range(1, 11)))
    expected = []
    balance = 10**15
    for _ in range(10):  # independent computation with Python integers, half-up
        interest = (2 * balance * factor.numerator + factor.denominator) // (
            2 * factor.denominator)
        expected.append(interest)
        balance -= 10**14
    assert list(run_single(program).interest) == expected
    assert list(run_batch([program]).loan(0).interest) == expected


def test_int64_inputs_switch_when_balance_times_rate_is_large() -> None:
    num = np.array([[3 * 10**9]], dtype=np.int64)
    den = np.array([[10**10]], dtype=np.int64)
    result = execute(np.array([10**15], dtype=np.int64), factor_numerator=num,
                     factor_denominator=den, rule=np.array([[PaymentRule.PAYOFF]]))
    assert result.interest[0, 0] == 3 * 10**14  # 10**15 * 0.3, no wrap-around


def test_level_payment_matches_spreadsheet_pmt() -> None:
    # Excel PMT(8%/12, 10, 10000) = -1,037.03 (Microsoft support, PMT function).
    assert level_payment(1_000_000, [Fraction(8, 1200)] * 10,
                         mode=RoundingMode.HALF_UP) == 103_703
    # numpy-financial docstring: pmt(0.075/12, 12*15, 200000) = -1854.0247200054619
    assert level_payment(20_000_000, [Fraction(75, 12_000)] * 180,
                         mode=RoundingMode.HALF_UP) == 185_402
    assert level_payment(20_000_000, [Fraction(75, 12_000)] * 180,
                         mode=RoundingMode.UP) == 185_403
    # numpy-financial tests: pmt(0, 60, 15000) = -250
    assert level_payment(1_500_000, [Fraction(0)] * 60, mode=RoundingMode.HALF_UP) == 25_000


def test_level_payment_with_balloon_and_irregular_factors() -> None:
    # Independent: A = (P*G - B) / sum(G/G_k) with Fractions.
    factors = [Fraction(3, 200), Fraction(1, 100), Fraction(1, 100), Fraction(1, 120)]
    principal, balloon = 500_000, 100_000
    growth = [Fraction(1)]
    for f in factors:
        growth.append(growth[-1] * (1 + f))
    exact = (principal * growth[-1] - balloon) / sum(growth[-1] / g for g in growth[1:])
    assert level_payment(principal, factors, mode=RoundingMode.DOWN, balloon=balloon) == (
        exact.numerator // exact.denominator)


def test_exact_balance_rows_follow_the_unrounded_balance() -> None:
    # 1,000.00 at 0.5%/period paid 335.02 twice then off. Exact balances:
    # B1 = 100000*1.005 - 33502 = 66998, B2 = 66998*1.005 - 33502 = 33830.99
    periods = tuple(Period(due=date(2024, m, 1), factor=Fraction(1, 200),
                           rule=PaymentRule.AMOUNT, amount=33_502) for m in (1, 2))
    program = Program(principal=100_000, periods=(*periods, Period(
        due=date(2024, 3, 1), factor=Fraction(1, 200), rule=PaymentRule.PAYOFF)),
        exact_balance=True)
    rows = run_single(program)
    assert rows.balance == (66_998, 33_831, 0)
    # payoff: 33830.99 * 1.005 = 34000.14495 -> 34000 (half-up on the exact amount)
    assert rows.payment[2] == 34_000
    assert sum(rows.principal) == 100_000


def test_program_errors_name_the_argument() -> None:
    with pytest.raises(InvalidArgumentError, match="factor"):
        Period(due=date(2024, 1, 1), factor=Fraction(-1, 100), rule=PaymentRule.PAYOFF)
    with pytest.raises(InvalidArgumentError, match="fee"):
        Period(due=date(2024, 1, 1), factor=R, rule=PaymentRule.PAYOFF, fee=-1)
    with pytest.raises(InvalidArgumentError, match="periods"):
        Program(principal=1, periods=())
    with pytest.raises(InvalidTermsError, match="periods: due dates must not decrease"):
        Program(principal=1, periods=(
            Period(due=date(2024, 2, 1), factor=R, rule=PaymentRule.AMOUNT),
            Period(due=date(2024, 1, 1), factor=R, rule=PaymentRule.PAYOFF)))
    with pytest.raises(InvalidArgumentError, match="programs"):
        run_batch([])
    with pytest.raises(InvalidArgumentError, match="installments"):
        level_payment(100, [], mode=RoundingMode.HALF_UP)


# ------------------------------------------------------------------ an independent oracle
# (Killers of mutants that survived `mutmut run`: see docs/explanation/mutation-testing.md.)
# The documented recurrence written out plainly on Python ints: interest paid =
# min(due, cap), principal paid = min(target, balance, cap - interest paid) (FIXED:
# cap - interest paid), the rest of the interest due capitalized, carried or waived.

_RULES = (PaymentRule.AMOUNT, PaymentRule.PRINCIPAL, PaymentRule.INTEREST_ONLY,
          PaymentRule.NOTHING, PaymentRule.PAYOFF)
_FACTORS = (Fraction(0), Fraction(1, 100), Fraction(1, 3), Fraction(7, 1200),
            Fraction(5, 2), Fraction(1, 10**20 + 7), Fraction(10**19 + 3, 10**21))


def _oracle(program: Program) -> Columns:
    from bnpl_restructure.rounding import round_ratio

    balance, carried = program.principal, 0
    cols: dict[str, list[int]] = {name: [] for name in Columns._fields}
    for period in program.periods:
        accrued = round_ratio(balance * period.factor.numerator, period.factor.denominator,
                              program.interest_rounding)
        due = carried + accrued
        rule, amount = period.rule, int(period.amount)
        cap = amount if rule in (PaymentRule.AMOUNT, PaymentRule.FIXED) else (
            0 if rule is PaymentRule.NOTHING else due + balance)
        target = {PaymentRule.PRINCIPAL: amount, PaymentRule.AMOUNT: balance,
                  PaymentRule.PAYOFF: balance}.get(rule, 0)
        interest = min(due, cap)
        principal = (cap - interest if rule is PaymentRule.FIXED
                     else min(target, balance, cap - interest))
        left = due - interest
        capitalized = left if period.unpaid is UnpaidInterest.CAPITALIZE else 0
        waived = left if period.unpaid is UnpaidInterest.WAIVE else 0
        carried = left if period.unpaid is UnpaidInterest.CARRY else 0
        balance = balance - principal + capitalized
        for name, value in (("payment", principal + interest + period.fee),
                            ("principal", principal), ("interest", interest),
                            ("fee", period.fee), ("balance", balance), ("accrued", accrued),
                            ("capitalized", capitalized), ("waived", waived),
                            ("arrears", carried)):
            cols[name].append(value)
    return Columns(*(tuple(cols[name]) for name in Columns._fields))


def _random_program(rng: random.Random, mode: RoundingMode, *, huge: bool = False) -> Program:
    n = rng.randint(1, 7)
    principal = rng.choice([0, 1, 999, 100_000, 12_345_678]) * (10**6 if huge else 1)
    periods = []
    for k in range(n):
        rule = PaymentRule.FIXED if k == n - 1 and rng.random() < 0.15 else rng.choice(_RULES)
        amount = rng.choice([0, 1, 5_000, 30_000, 200_000]) * (10**6 if huge else 1)
        periods.append(Period(due=date(2024, 1, 1 + k), factor=rng.choice(_FACTORS),
                              rule=rule, amount=amount, fee=rng.choice([0, 0, 250]),
                              unpaid=rng.choice(list(UnpaidInterest))))
    return Program(principal=principal, periods=tuple(periods), interest_rounding=mode)


@pytest.mark.parametrize("mode", list(RoundingMode))
@pytest.mark.parametrize("huge", [False, True])
def test_single_batch_and_oracle_agree_on_random_programs(mode: RoundingMode,
                                                         huge: bool) -> None:
    rng = random.Random(f"{mode.value}-{huge}")
    programs = [_random_program(rng, mode, huge=huge) for _ in range(30)]
    expected = [_oracle(p) for p in programs]
    batch = run_batch(programs)  # padded, rules and unpaid codes differ loan by loan
    for j, (program, want) in enumerate(zip(programs, expected, strict=True)):
        assert run_single(program) == want
        assert batch.loan(j, len(program.periods)) == want
        assert run_batch([program]).loan(0) == want
        for k in range(len(program.periods)):
            assert want.payment[k] == want.principal[k] + want.interest[k] + want.fee[k]


@pytest.mark.parametrize("unpaid", list(UnpaidInterest))
@pytest.mark.parametrize("mode", [RoundingMode.HALF_UP, RoundingMode.HALF_EVEN,
                                  RoundingMode.DOWN])
def test_execute_with_one_unpaid_code_for_the_batch(unpaid: UnpaidInterest,
                                                    mode: RoundingMode) -> None:
    # A scalar unpaid code (no per-loan masks) gives what the per-period programs give.
    rng = random.Random(f"{unpaid.name}-{mode.value}")
    n_periods, n_loans = 5, 6
    principal = [rng.choice([1_000, 100_000, 12_345_678]) for _ in range(n_loans)]
    factors = [[rng.choice(_FACTORS[:5]) for _ in range(n_loans)] for _ in range(n_periods)]
    rules = [[rng.choice(_RULES) for _ in range(n_loans)] for _ in range(n_periods)]
    amounts = [[rng.choice([0, 700, 30_000]) for _ in range(n_loans)]
               for _ in range(n_periods)]
    result = execute(np.array(principal),
                     factor_numerator=np.array([[f.numerator for f in r] for r in factors]),
                     factor_denominator=np.array([[f.denominator for f in r]
                                                  for r in factors]),
                     rule=np.array(rules), amount=np.array(amounts), fee=125, unpaid=unpaid,
                     interest_rounding=mode)
    for j in range(n_loans):
        program = Program(principal=principal[j], interest_rounding=mode, periods=tuple(
            Period(due=date(2024, 1, 1 + k), factor=factors[k][j], rule=rules[k][j],
                   amount=amounts[k][j], fee=125, unpaid=unpaid) for k in range(n_periods)))
        assert result.loan(j) == _oracle(program)


def test_execute_all_amount_batches_and_huge_principals() -> None:
    # Every loan on AMOUNT (the fast path), int64 then past int64 in the middle of a run.
    principal = np.array([10**15, 100_000, 7], dtype=np.int64)
    result = execute(principal, factor_numerator=np.array([[1], [3], [10**4]]),
                     factor_denominator=np.array([[100], [1000], [3]]),
                     rule=PaymentRule.AMOUNT, amount=np.array([[5_000, 5_000, 5_000]]),
                     unpaid=UnpaidInterest.CAPITALIZE)
    for j in range(3):
        program = Program(principal=int(principal[j]), periods=tuple(
            Period(due=date(2024, 1, 1 + k), factor=f, rule=PaymentRule.AMOUNT, amount=5_000,
                   unpaid=UnpaidInterest.CAPITALIZE)
            for k, f in enumerate((Fraction(1, 100), Fraction(3, 1000), Fraction(10**4, 3)))))
        assert result.loan(j) == _oracle(program)
    assert result.balance.dtype == object  # 10**15 x 10**4 does not fit an int64


@pytest.mark.parametrize("amount_once", [False, True])
@pytest.mark.parametrize("unpaid", [*UnpaidInterest, None])
@pytest.mark.parametrize("mode", list(RoundingMode))
def test_execute_with_the_same_factors_every_period(unpaid: UnpaidInterest | None,
                                                    mode: RoundingMode,
                                                    amount_once: bool) -> None:
    # Factors given once for every period (shape (1, loans), the batch functions' form)
    # are brought to one denominator; interest first left unpaid in a middle period and
    # paid later makes the accrued column part from the interest column mid-run. Each
    # loan equals the single-loan oracle.
    rng = random.Random(f"same-factors-{mode.value}-{unpaid}")
    n_periods, n_loans = 6, 9
    principal = [rng.choice([0, 1, 1_000, 100_000, 12_345_678]) for _ in range(n_loans)]
    factors = [rng.choice(_FACTORS) for _ in range(n_loans)]
    rules = [[PaymentRule.AMOUNT] * n_loans for _ in range(n_periods)]
    rules[2] = [rng.choice(_RULES) for _ in range(n_loans)]  # NOTHING / interest-only / ...
    rules[-1] = [PaymentRule.PAYOFF] * n_loans
    amounts = [[rng.choice([0, 700, 30_000]) for _ in range(n_loans)]
               for _ in range(n_periods)]
    if amount_once:  # one amount a loan, given once for every period ((1, loans))
        rules = [[PaymentRule.AMOUNT] * n_loans] * (n_periods - 1) + [rules[-1]]
        amounts = [amounts[0]] * n_periods
    codes = [[rng.choice(list(UnpaidInterest)) for _ in range(n_loans)]
             for _ in range(n_periods)]
    big = any(f.denominator > 2**61 for f in factors)  # as run_batch: objects past int64
    result = execute(np.array(principal),
                     factor_numerator=np.array([[f.numerator for f in factors]],
                                               dtype=object if big else np.int64),
                     factor_denominator=np.array([[f.denominator for f in factors]],
                                                 dtype=object if big else np.int64),
                     rule=np.array(rules),
                     amount=np.array(amounts[:1] if amount_once else amounts),
                     unpaid=np.array(codes) if unpaid is None else unpaid,
                     interest_rounding=mode)
    for j in range(n_loans):
        program = Program(principal=principal[j], interest_rounding=mode, periods=tuple(
            Period(due=date(2024, 1, 1 + k), factor=factors[j], rule=rules[k][j],
                   amount=amounts[k][j],
                   unpaid=codes[k][j] if unpaid is None else unpaid)
            for k in range(n_periods)))
        assert result.loan(j) == _oracle(program)


def test_execute_same_factors_past_int64_in_the_middle_of_a_run() -> None:
    # One denominator for the batch (1/100 and 10**4/3 over 300), then past int64 when
    # the first loan's capitalized balance grows: Python ints from there on.
    principal = np.array([10**13, 100_000, 7], dtype=np.int64)
    factors = (Fraction(1, 100), Fraction(10**4, 3), Fraction(10**4, 3))
    result = execute(principal, factor_numerator=np.array([[f.numerator for f in factors]]),
                     factor_denominator=np.array([[f.denominator for f in factors]]),
                     rule=np.full((4, 1), PaymentRule.NOTHING),
                     unpaid=UnpaidInterest.CAPITALIZE)
    assert result.balance.dtype == object
    for j in range(3):
        program = Program(principal=int(principal[j]), periods=tuple(
            Period(due=date(2024, 1, 1 + k), factor=factors[j], rule=PaymentRule.NOTHING,
                   unpaid=UnpaidInterest.CAPITALIZE) for k in range(4)))
        assert result.loan(j) == _oracle(program)


def test_common_denominator_of_a_period() -> None:
    # The kernel's shortcut: one period's factors over one denominator, or None where it
    # cannot be taken exactly in int64 (results never depend on it, only speed).
    from bnpl_restructure.core import _common_denominator

    def common(num: list[int], den: list[int]) -> tuple[list[int], int] | None:
        got = _common_denominator(np.array(num, dtype=np.int64), np.array(den, dtype=np.int64))
        return None if got is None else (got[0].tolist(), got[1])

    # 1/400, 7/2000 and 0/1 over lcm(400, 2000, 1) = 2000: 5/2000, 7/2000, 0/2000
    assert common([1, 7, 0], [400, 2000, 1]) == ([5, 7, 0], 2000)
    assert common([0, 0], [1, 1]) == ([0, 0], 1)  # every rate zero: over 1
    assert common([3], [2**61 - 1]) == ([3], 2**61 - 1)  # just below the bound
    assert common([3], [2**61]) is None  # the bound itself
    assert common([2**31, 1], [1, 2**30]) is None  # 2**31 x 2**30 = 2**61 once scaled
    assert common([2**31 - 1, 1], [1, 2**30]) == ([(2**31 - 1) * 2**30, 1], 2**30)
    assert common([2**40, 1], [1, 2**30]) is None  # far past the bound once scaled
    # numpy's lcm of these coprimes wraps past int64 to 1,419,951,596,547,213,533, in
    # range but no multiple of either: refused
    assert common([1, 1], [1_499_823_107_627, 1_531_974_641_943]) is None
    assert _common_denominator(np.array([1], dtype=object), np.array([3], dtype=object)) \
        is None
    assert _common_denominator(np.array([1]), np.array([3], dtype=object)) is None
    assert _common_denominator(np.array([1], dtype=object), np.array([3])) is None
    assert _common_denominator(np.zeros(0, dtype=np.int64),
                               np.zeros(0, dtype=np.int64)) is None


def test_execute_switches_to_python_ints_before_a_column_first_needed() -> None:
    # Past int64 in the first period, then interest left unpaid: the arrears column,
    # allocated after the switch, holds Python ints (a float column would round
    # 3,333,333,333,333,333,333 to 3,333,333,333,333,333,504).
    result = execute(np.array([10**15, 10**15]), factor_numerator=[[10**4, 10**4]],
                     factor_denominator=[[3, 3]],
                     rule=[[PaymentRule.AMOUNT], [PaymentRule.PAYOFF]], amount=1)
    assert result.arrears.dtype == object
    assert result.arrears[0].tolist() == [3_333_333_333_333_333_332] * 2
    assert result.accrued[:, 0].tolist() == [3_333_333_333_333_333_333] * 2
    program = Program(principal=10**15, periods=(
        Period(due=date(2024, 1, 1), factor=Fraction(10**4, 3), rule=PaymentRule.AMOUNT,
               amount=1),
        Period(due=date(2024, 2, 1), factor=Fraction(10**4, 3), rule=PaymentRule.PAYOFF)))
    assert result.loan(0) == result.loan(1) == _oracle(program)


def test_execute_results_are_read_only_and_share_what_is_equal() -> None:
    # Nothing carried, capitalized or waived: those columns are one read-only zero, and
    # the interest accrued is the interest paid (the same read-only array).
    result = execute(np.array([100_000, 50_000]), factor_numerator=1, factor_denominator=100,
                     rule=np.array([[PaymentRule.AMOUNT], [PaymentRule.PAYOFF]]),
                     amount=60_000)
    assert result.interest.tolist() == [[1_000, 500], [410, 0]]
    assert result.accrued is result.interest
    assert result.arrears.tolist() == result.capitalized.tolist() == [[0, 0], [0, 0]]
    for name in ("payment", "principal", "interest", "fee", "balance", "accrued",
                 "capitalized", "waived", "arrears"):
        column = getattr(result, name)
        assert column.shape == (2, 2)
        with pytest.raises(ValueError, match="read-only"):
            column[0, 0] = 1
    exact = run_batch([Program(principal=100, exact_balance=True, periods=(
        Period(due=date(2024, 1, 1), factor=Fraction(1, 3), rule=PaymentRule.PAYOFF),))])
    assert exact.payment.tolist() == [[133]]
    for name in Columns._fields:  # the exact-balance path's results too
        with pytest.raises(ValueError, match="read-only"):
            getattr(exact, name)[0, 0] = 1


def test_execute_refuses_arrays_that_are_not_integers() -> None:
    # numpy reads a list holding 10**19 + 3 as floats: refused, not rounded away
    for name, value, dtype in (("factor_numerator", np.array([[1, 10**19 + 3]]), "float64"),
                               ("factor_denominator", np.array([[3.0, 100.0]]), "float64"),
                               ("amount", np.array([[10.5, 1]]), "float64"),
                               ("principal", np.array([1, 2], dtype=np.uint64), "uint64"),
                               ("fee", np.array(["1", "2"]), "<U1"),
                               ("rule", np.array([[4.0]]), "float64"),
                               ("unpaid", np.array([True, False]), "bool")):
        args: dict[str, Any] = {"factor_numerator": 1, "factor_denominator": 100,
                                "rule": PaymentRule.PAYOFF, name: value}
        principal = args.pop("principal", np.array([100, 200]))
        with pytest.raises(InvalidArgumentError) as info:
            execute(principal, **args)
        assert str(info.value) == (f"{name}: must be an array of integers (int64, or an "
                                   f"object array of ints) (got dtype('{dtype}'))")
    # smaller unsigned ints are taken (they fit an int64)
    result = execute(np.array([100, 200], dtype=np.uint32), factor_numerator=1,
                     factor_denominator=100, rule=PaymentRule.PAYOFF)
    assert result.payment.tolist() == [[101, 202]]


def test_execute_with_no_loans() -> None:
    result = execute(np.zeros(0, dtype=np.int64), factor_numerator=1, factor_denominator=100,
                     rule=[[PaymentRule.AMOUNT], [PaymentRule.PAYOFF]], amount=5)
    assert result.payment.shape == result.accrued.shape == result.fee.shape == (2, 0)


def test_execute_past_int64_by_its_inputs() -> None:
    # A denominator past the int64 bound, a principal past int64 (Python ints given in an
    # object array), and unpaid codes given per loan: exact, as the oracle.
    cases = [
        (np.array([10**6, 7]), np.array([[1, 1]]), np.array([[2**62, 3]], dtype=np.int64)),
        (np.array([10**20, 7], dtype=object), np.array([[1, 2]]), np.array([[3, 3]])),
    ]
    for principal, num, den in cases:
        unpaid = np.array([UnpaidInterest.CARRY, UnpaidInterest.CAPITALIZE])
        result = execute(principal, factor_numerator=num, factor_denominator=den,
                         rule=[[PaymentRule.NOTHING], [PaymentRule.PAYOFF]], unpaid=unpaid)
        assert {getattr(result, name).dtype for name in Columns._fields} == {np.dtype(object)}
        for j in range(2):
            program = Program(principal=int(principal[j]), periods=tuple(
                Period(due=date(2024, 1, 1 + k), factor=Fraction(int(num[0, j]), int(den[0, j])),
                       rule=rule, unpaid=UnpaidInterest(int(unpaid[j])))
                for k, rule in enumerate((PaymentRule.NOTHING, PaymentRule.PAYOFF))))
            assert result.loan(j) == _oracle(program)


def test_execute_carries_interest_across_the_switch_to_python_ints() -> None:
    # Interest carried from period 1 (101/7 of 10**15: 14,428,571,428,571,429, odd and
    # past 2**53, so no float holds it) into period 2, where 10**15 x 10**4 passes int64.
    program = Program(principal=10**15, periods=(
        Period(due=date(2024, 1, 1), factor=Fraction(101, 7), rule=PaymentRule.NOTHING),
        Period(due=date(2024, 2, 1), factor=Fraction(10**4, 3), rule=PaymentRule.PAYOFF)))
    result = execute(np.array([10**15]), factor_numerator=[[101], [10**4]],
                     factor_denominator=[[7], [3]],
                     rule=[[PaymentRule.NOTHING], [PaymentRule.PAYOFF]])
    assert result.arrears[0, 0] == 14_428_571_428_571_429
    assert result.loan(0) == _oracle(program)
    assert result.payment[1, 0] == 10**15 + 14_428_571_428_571_429 + 3_333_333_333_333_333_333


@pytest.mark.parametrize("layout", ["numerator each period", "denominator each period",
                                    "numerator per period only", "denominator per period only",
                                    "both per loan"])
def test_execute_factor_layouts(layout: str) -> None:
    # Factors given once for every period, or per period, or per period shared by the
    # loans: only the first layout ((1, loans) both) may take the common denominator.
    n_periods, n_loans = 3, 4
    rng = random.Random(layout)
    nums = [[rng.choice([1, 3, 7]) for _ in range(n_loans)] for _ in range(n_periods)]
    dens = [[rng.choice([100, 300, 1200]) for _ in range(n_loans)] for _ in range(n_periods)]
    if layout == "numerator each period":  # numerator (1, loans), denominator per period
        nums = [nums[0]] * n_periods
    elif layout == "denominator each period":
        dens = [dens[0]] * n_periods
    elif layout == "numerator per period only":  # numerator (periods, 1): the same per loan
        nums = [[row[0]] * n_loans for row in nums]
        dens = [dens[0]] * n_periods
    elif layout == "denominator per period only":
        dens = [[row[0]] * n_loans for row in dens]
        nums = [nums[0]] * n_periods
    else:
        nums, dens = [nums[0]] * n_periods, [dens[0]] * n_periods

    def packed(rows: list[list[int]]) -> npt.NDArray[Any]:
        if all(r == rows[0] for r in rows):
            return np.array(rows[:1])  # (1, loans)
        if all(len(set(r)) == 1 for r in rows):
            return np.array([[r[0]] for r in rows])  # (periods, 1)
        return np.array(rows)

    principal = [100_000, 250_000, 1, 999_999]
    rules = [PaymentRule.INTEREST_ONLY, PaymentRule.AMOUNT, PaymentRule.PAYOFF]
    result = execute(np.array(principal), factor_numerator=packed(nums),
                     factor_denominator=packed(dens), rule=[[r] for r in rules],
                     amount=20_000)
    for j in range(n_loans):
        program = Program(principal=principal[j], periods=tuple(
            Period(due=date(2024, 1, 1 + k), factor=Fraction(nums[k][j], dens[k][j]),
                   rule=rules[k], amount=20_000) for k in range(n_periods)))
        assert result.loan(j) == _oracle(program)


def test_execute_shape_errors() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        execute(np.array([[1]]), factor_numerator=1, factor_denominator=1,
                rule=PaymentRule.PAYOFF)
    assert str(info.value) == "principal: must be one-dimensional (one per loan) (got (1, 1))"
    with pytest.raises(InvalidArgumentError) as info:
        execute(np.array([1]), factor_numerator=np.ones((2, 2, 1), dtype=np.int64),
                factor_denominator=1, rule=PaymentRule.PAYOFF)
    assert str(info.value) == "rule: must broadcast to (periods, loans) (got (2, 2, 1))"


def test_exact_columns_follow_the_exact_recurrence() -> None:
    rng = random.Random("exact")
    for _ in range(20):
        program = _random_program(rng, RoundingMode.HALF_UP)
        got = exact_columns(program)
        balance, carried = Fraction(program.principal), Fraction(0)
        for k, period in enumerate(program.periods):
            accrued = balance * period.factor
            due = carried + accrued
            rule, amount = period.rule, Fraction(period.amount)
            cap = amount if rule in (PaymentRule.AMOUNT, PaymentRule.FIXED) else (
                0 if rule is PaymentRule.NOTHING else due + balance)
            target = {PaymentRule.PRINCIPAL: amount, PaymentRule.AMOUNT: balance,
                      PaymentRule.PAYOFF: balance}.get(rule, 0)
            interest = min(due, cap)
            principal = (cap - interest if rule is PaymentRule.FIXED
                         else min(target, balance, cap - interest))
            left = due - interest
            cap_k = left if period.unpaid is UnpaidInterest.CAPITALIZE else 0
            carried = left if period.unpaid is UnpaidInterest.CARRY else 0
            balance = balance - principal + cap_k
            assert got["payment_pi"][k] == principal + interest
            assert got["interest"][k] == interest
            assert got["balance"][k] == balance
            assert got["accrued"][k] == accrued
            assert got["capitalized"][k] == cap_k
            assert got["waived"][k] == (left if period.unpaid is UnpaidInterest.WAIVE else 0)
            assert got["arrears"][k] == carried
        assert set(got) == {"payment_pi", "interest", "balance", "accrued", "capitalized",
                            "waived", "arrears"}
        assert all(len(column) == len(program.periods) for column in got.values())


# ------------------------------------------------------------------ validation messages


def _message(make: object) -> str:
    with pytest.raises(InvalidArgumentError) as info:
        make()  # type: ignore[operator]
    return str(info.value)


def test_period_validation_messages() -> None:
    d = date(2024, 1, 1)
    p = PaymentRule.PAYOFF
    assert _message(lambda: Period(due=d, factor=0.01, rule=p)) == (
        "factor: must be a fractions.Fraction (exact) (got 0.01)")
    assert _message(lambda: Period(due=d, factor=Fraction(-1, 100), rule=p)) == (
        "factor: must not be negative (got Fraction(-1, 100))")
    for amount in (-1, 1.5, Fraction(-1, 2), True):
        assert _message(lambda a=amount: Period(due=d, factor=R, rule=p, amount=a)) == (
            f"amount: must be a non-negative int of minor units (got {amount!r})")
    for fee in (-1, 1.5, Fraction(1, 2), True):
        assert _message(lambda f=fee: Period(due=d, factor=R, rule=p, fee=f)) == (
            f"fee: must be a non-negative int of minor units (got {fee!r})")
    # zero is fine everywhere; codes are converted to members
    period = Period(due=d, factor=Fraction(0), rule=int(PaymentRule.AMOUNT), amount=0, fee=0,
                    unpaid=int(UnpaidInterest.WAIVE))
    assert period.rule is PaymentRule.AMOUNT and period.unpaid is UnpaidInterest.WAIVE
    assert Period(due=d, factor=R, rule=p, amount=Fraction(1, 3)).amount == Fraction(1, 3)


def test_program_validation_messages() -> None:
    d = date(2024, 1, 1)
    one = (Period(due=d, factor=R, rule=PaymentRule.PAYOFF),)
    assert _message(lambda: Program(principal=1.0, periods=one)) == (
        "principal: must be an int of minor units (got 1.0)")
    assert _message(lambda: Program(principal=True, periods=one)) == (
        "principal: must be an int of minor units (got True)")
    assert _message(lambda: Program(principal=-1, periods=one)) == (
        "principal: must not be negative (got -1)")
    assert _message(lambda: Program(principal=1, periods=())) == (
        "periods: a program needs at least one period")
    assert _message(lambda: Program(principal=1, periods=one, carried_payoff=True)) == (
        "carried_payoff: needs exact_balance=True (the balance carried unrounded) (got True)")
    fraction = (Period(due=d, factor=R, rule=PaymentRule.AMOUNT, amount=Fraction(1, 3)),
                *one)
    assert _message(lambda: Program(principal=1, periods=fraction)) == (
        "periods[0].amount: must be an int of minor units (a Fraction needs "
        "exact_balance=True) (got Fraction(1, 3))")
    assert Program(principal=1, periods=fraction, exact_balance=True).periods == fraction
    fixed = Period(due=d, factor=R, rule=PaymentRule.FIXED, amount=5)
    message = ("periods[{k}].rule: FIXED (a level payment kept, the residual left as the "
               "closing balance) is only allowed in the last period of a program with a "
               "rounded balance (got 'FIXED')")
    assert _message(lambda: Program(principal=1, periods=(fixed, *one))) == message.format(k=0)
    assert _message(lambda: Program(principal=1, periods=(*one, fixed),
                                    exact_balance=True)) == message.format(k=1)
    assert Program(principal=1, periods=(*one, fixed)).periods[-1] is fixed
    same_day = (Period(due=d, factor=R, rule=PaymentRule.AMOUNT), *one)
    assert len(Program(principal=0, periods=same_day).periods) == 2  # equal dues are fine
    program = Program(principal=1, periods=one, interest_rounding="down",
                      payment_rounding="up")
    assert (program.interest_rounding, program.payment_rounding) == (RoundingMode.DOWN,
                                                                   RoundingMode.UP)
    assert _message(lambda: Program(principal=1, periods=one, interest_rounding="x")).startswith(
        "interest_rounding: ")
    assert _message(lambda: Program(principal=1, periods=one, payment_rounding="x")).startswith(
        "payment_rounding: ")


def _exact_program(*, payment_rounding: str, carried_payoff: bool) -> Program:
    periods = tuple(Period(due=date(2024, m, 1), factor=Fraction(1, 200),
                           rule=PaymentRule.AMOUNT, amount=33_502, fee=100) for m in (1, 2))
    return Program(principal=100_000, periods=(
        *periods,
        Period(due=date(2024, 3, 1), factor=Fraction(1, 200), rule=PaymentRule.PAYOFF),
        Period(due=date(2024, 4, 1), factor=Fraction(1, 200), rule=PaymentRule.NOTHING)),
        exact_balance=True, payment_rounding=payment_rounding, carried_payoff=carried_payoff)


@pytest.mark.parametrize("carried", [False, True])
def test_exact_balance_payoff_row_published_or_carried(carried: bool) -> None:
    # Exact: B1 = 66998, B2 = 33830.99; the payoff row owes 33830.99 + 169.15495 =
    # 34000.14495. Published rows: interest cells 500, 335 (334.99), 169 (169.15495);
    # principal cells 33502 - 500 = 33002 and 33502 - 335 = 33167.
    up = run_single(_exact_program(payment_rounding="up", carried_payoff=carried))
    assert up.interest == (500, 335, 169, 0)
    assert up.principal[:2] == (33_002, 33_167)
    assert up.fee == (100, 100, 0, 0)
    assert up.balance == (66_998, 33_831, 0, 0)
    assert up.accrued == (500, 335, 169, 0)
    if carried:   # round(exact balance + exact interest) = ceil(34000.14495) = 34001
        assert up.payment[2:] == (34_001, 0)
        assert up.principal[2:] == (33_832, 0)
    else:         # what the published rows still owe: 100000 - 33002 - 33167 = 33831
        assert up.payment[2:] == (34_000, 0)
        assert up.principal[2:] == (33_831, 0)
        assert sum(up.principal) == 100_000
    half_up = run_single(_exact_program(payment_rounding="half_up", carried_payoff=carried))
    assert half_up.payment == (33_602, 33_602, 34_000, 0)
    assert half_up.capitalized == half_up.waived == half_up.arrears == (0, 0, 0, 0)


def test_exact_balance_unpaid_interest_is_published_rounded() -> None:
    # 1,000.00 at 1/3 a period (333.333...), nothing paid: capitalized, waived or carried.
    for unpaid, column in ((UnpaidInterest.CAPITALIZE, "capitalized"),
                           (UnpaidInterest.WAIVE, "waived"), (UnpaidInterest.CARRY, "arrears")):
        program = Program(principal=100_000, exact_balance=True, periods=(
            Period(due=date(2024, 1, 1), factor=Fraction(1, 3), rule=PaymentRule.NOTHING,
                   unpaid=unpaid),
            Period(due=date(2024, 2, 1), factor=Fraction(0), rule=PaymentRule.PAYOFF)))
        rows = run_single(program)
        assert getattr(rows, column)[0] == 33_333
        assert rows.accrued[0] == 33_333
        assert rows.payment[0] == rows.principal[0] == rows.interest[0] == 0
        if unpaid is UnpaidInterest.CAPITALIZE:
            assert rows.balance == (133_333, 0)
            assert rows.payment[1] == 133_333  # principal cells add up to 1000 + 333.33
        elif unpaid is UnpaidInterest.CARRY:
            assert rows.payment[1] == 133_333 and rows.interest[1] == 33_333
        else:
            assert rows.payment[1] == 100_000


# ------------------------------------------------------------------ run_batch, level_payment


def test_run_batch_refuses_mixed_rounding_or_precision() -> None:
    assert _message(lambda: run_batch([])) == "programs: must not be empty"
    d = date(2024, 1, 1)
    one = (Period(due=d, factor=R, rule=PaymentRule.PAYOFF),)
    base = Program(principal=100, periods=one)
    mixed = [
        [base, Program(principal=100, periods=one, interest_rounding="down")],
        [base, base, Program(principal=100, periods=one, exact_balance=True)],
        [Program(principal=100, periods=one, exact_balance=True),
         Program(principal=100, periods=one, exact_balance=True, carried_payoff=True)],
        [Program(principal=100, periods=one, exact_balance=True),
         Program(principal=100, periods=one, exact_balance=True, payment_rounding="up")],
    ]
    for programs in mixed:
        assert _message(lambda p=programs: run_batch(p)) == (
            "programs: must share their rounding modes and balance precision")
    # the payment rounding only matters to exact-balance programs
    rows = run_batch([base, Program(principal=100, periods=one, payment_rounding="up")])
    assert rows.loan(0) == rows.loan(1) == run_single(base)


def test_run_batch_padding_changes_nothing_and_keeps_int64() -> None:
    # A one-period program in a batch of three periods: the padding periods accrue
    # nothing and pay nothing, whatever balance is left.
    d = date(2024, 1, 1)
    short = Program(principal=100_000, periods=(
        Period(due=d, factor=R, rule=PaymentRule.INTEREST_ONLY),))
    long = Program(principal=100_000, periods=tuple(
        Period(due=date(2024, 1 + k, 1), factor=R, rule=PaymentRule.INTEREST_ONLY)
        for k in range(3)))
    result = run_batch([short, long])
    padded = result.loan(0)
    assert padded.balance == (100_000, 100_000, 100_000)
    assert padded.accrued == padded.interest == (1_000, 0, 0)
    assert padded.payment == (1_000, 0, 0)
    for name in Columns._fields:  # int64 wherever the figures fit
        assert getattr(result, name).dtype == np.int64


def test_run_batch_exact_balance_takes_fraction_amounts() -> None:
    # An unrounded level payment: 1,000.00 at 1/2% in 2, A = 100000 * 1.005^2 / 2.005.
    d = date(2024, 1, 1)
    a = level_payment(100_000, [Fraction(1, 200)] * 2, mode=None)
    assert a == Fraction(100_000 * 201 * 201, 200 * 401)
    program = Program(principal=100_000, exact_balance=True, periods=(
        Period(due=d, factor=Fraction(1, 200), rule=PaymentRule.AMOUNT, amount=a),
        Period(due=date(2024, 2, 1), factor=Fraction(1, 200), rule=PaymentRule.PAYOFF)))
    rows = run_batch([program]).loan(0)
    # A = 50375.31...: row 1 interest 500.00, principal 50375 - 500 = 49875 (A rounded);
    # exact balance 50124.69..., interest 250.62... -> 251; the payoff row takes what the
    # published rows still owe, 100000 - 49875 = 50125.
    assert rows.interest == (500, 251)
    assert rows.principal == (49_875, 50_125)
    assert rows.payment == (50_375, 50_376)
    assert exact_columns(program)["balance"][-1] == 0


def test_level_payment_errors_and_exact_form() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        level_payment(100, [], mode=RoundingMode.HALF_UP)
    assert str(info.value) == "installments: must be at least 1 (got 0)"
    assert info.value.received == 0
    # exact: 1000.00 in 3 at 0%: 333.33..., with a balloon of 100.00: 300.00
    assert level_payment(100_000, [Fraction(0)] * 3, mode=None) == Fraction(100_000, 3)
    assert level_payment(100_000, [Fraction(0)] * 3, mode=None, balloon=10_000) == 30_000
    assert level_payment(100_000, [Fraction(0)] * 3, mode=RoundingMode.UP) == 33_334
    # one period at 10%: 1100.00 (no balloon by default)
    assert level_payment(100_000, [Fraction(1, 10)], mode=None) == 110_000


def test_exact_balance_of_one_minor_unit_is_published() -> None:
    # 1.00 less 0.99 at 0%: an exact balance of one minor unit shows as 0.01, not 0.
    d = date(2024, 1, 1)
    program = Program(principal=100, exact_balance=True, periods=(
        Period(due=d, factor=Fraction(0), rule=PaymentRule.AMOUNT, amount=99),
        Period(due=date(2024, 2, 1), factor=Fraction(0), rule=PaymentRule.PAYOFF)))
    rows = run_single(program)
    assert rows.balance == (1, 0)
    assert rows.payment == (99, 1)


def test_exact_balance_principal_and_interest_only_rules() -> None:
    # 1,000.00 at 1/300 a period (333.33...): interest only, 500.00 of principal, payoff.
    # Interest cells 333 (333.33), 333, 167 (166.67); principal cells
    # round(paid - exact interest): 0, 500.00; the payoff row takes the 500.00 still owed.
    periods = (PaymentRule.INTEREST_ONLY, PaymentRule.PRINCIPAL, PaymentRule.PAYOFF)
    program = Program(principal=100_000, exact_balance=True, payment_rounding="up",
                      periods=tuple(Period(due=date(2024, 1 + k, 1), factor=Fraction(1, 300),
                                           rule=rule, amount=50_000 if k == 1 else 0)
                                    for k, rule in enumerate(periods)))
    rows = run_single(program)
    assert rows.interest == (333, 333, 167)
    assert rows.principal == (0, 50_000, 50_000)
    assert rows.payment == (333, 50_333, 50_167)
    assert rows.balance == (100_000, 50_000, 0)


def test_execute_broadcasts_every_argument() -> None:
    # Each argument alone may carry the full (periods, loans) shape; the others broadcast.
    full = (2, 3)
    base: dict[str, Any] = dict(factor_numerator=1, factor_denominator=100,
                                rule=int(PaymentRule.INTEREST_ONLY), amount=0, fee=0,
                                unpaid=int(UnpaidInterest.CARRY))
    for name in base:
        args = dict(base)
        args[name] = np.broadcast_to(np.asarray(base[name]), full).copy()
        result = execute(np.array([100_000, 200_000, 300_000]), **args)
        assert result.payment.shape == full, name
        assert result.loan(2).interest == (3_000, 3_000), name
    with pytest.raises(InvalidArgumentError) as info:
        execute(np.array([1, 2]), factor_numerator=np.ones((2, 3), dtype=np.int64),
                factor_denominator=1, rule=int(PaymentRule.PAYOFF))
    assert str(info.value) == ("rule: must broadcast to (periods, loans) with the factors, "
                               "amounts, fees and unpaid codes")


def test_execute_defaults_and_exact_interest_rounding() -> None:
    # amount defaults to 0 (an AMOUNT rule then pays nothing); exact-balance runs round
    # their interest cells by interest_rounding (333.33... down -> 333, up -> 334).
    rows = execute(np.array([100_000]), factor_numerator=1, factor_denominator=100,
                   rule=int(PaymentRule.AMOUNT), unpaid=int(UnpaidInterest.CARRY))
    assert rows.loan(0).payment == (0,) and rows.loan(0).arrears == (1_000,)
    for mode, cell in ((RoundingMode.DOWN, 33_333), (RoundingMode.UP, 33_334)):
        exact = execute(np.array([100_000]), factor_numerator=1, factor_denominator=3,
                        rule=int(PaymentRule.PAYOFF), exact_balance=True,
                        interest_rounding=mode, payment_rounding=RoundingMode.HALF_UP)
        assert exact.loan(0).interest == (cell,)
        assert exact.loan(0).payment == (100_000 + cell,)  # not carried: owed + interest cell


# ------------------------------------------------- exact balance: how each row is published


def test_exact_balance_fixed_payment_is_shown_rounded_by_the_payment_mode() -> None:
    # 1,000.00 at 1/300 a period, a fixed payment of 333.33... (100000/3 minor units)
    # shown rounded up. Row 1: interest 333.33... -> 333 (half-up), payment
    # ceil(33333.33...) = 33334, principal 33334 - 333 = 33001 (not round(paid - interest)
    # = 33000); exact balance 100000 - (33333.33... - 333.33...) = 67000. Row 2: interest
    # 67000/300 = 223.33... -> 223, principal what the rows still owe, 100000 - 33001.
    program = Program(principal=100_000, exact_balance=True, payment_rounding="up",
                      periods=(Period(due=date(2024, 1, 1), factor=Fraction(1, 300),
                                      rule=PaymentRule.AMOUNT, amount=Fraction(100_000, 3)),
                               Period(due=date(2024, 2, 1), factor=Fraction(1, 300),
                                      rule=PaymentRule.PAYOFF)))
    rows = run_single(program)
    assert rows.interest == (333, 223)
    assert rows.payment == (33_334, 67_222)
    assert rows.principal == (33_001, 66_999)
    assert rows.balance == (67_000, 0)


def test_exact_balance_fixed_payment_of_one_minor_unit() -> None:
    # 0.50 at 1% a period, 0.01 paid: exact interest 0.005 paid, 0.005 of principal.
    # Published: the payment 1, its interest cell round(0.5) = 1, so principal 1 - 1 = 0
    # (round(1 - 0.5) would show 1). Then the payoff: exact balance 49.5, interest 0.495
    # -> 0, principal the 50 the rows still owe.
    program = Program(principal=50, exact_balance=True, periods=(
        Period(due=date(2024, 1, 1), factor=Fraction(1, 100), rule=PaymentRule.AMOUNT,
               amount=1),
        Period(due=date(2024, 2, 1), factor=Fraction(1, 100), rule=PaymentRule.PAYOFF)))
    rows = run_single(program)
    assert rows.payment == (1, 50)
    assert rows.interest == (1, 0)
    assert rows.principal == (0, 50)
    assert rows.balance == (50, 0)  # 49.5 half-up


def test_carried_payoff_of_one_minor_unit_is_paid() -> None:
    # 1.00 at 0% less 0.99: the carried payoff row pays the exact 0.01 left.
    program = Program(principal=100, exact_balance=True, carried_payoff=True, periods=(
        Period(due=date(2024, 1, 1), factor=Fraction(0), rule=PaymentRule.AMOUNT, amount=99),
        Period(due=date(2024, 2, 1), factor=Fraction(0), rule=PaymentRule.PAYOFF)))
    rows = run_single(program)
    assert rows.payment == (99, 1)
    assert rows.principal == (99, 1)
    assert rows.interest == (0, 0)


@pytest.mark.parametrize("carried", [False, True])
def test_rows_after_the_payoff_pay_nothing(carried: bool) -> None:
    # 1,000.00 at 0% in three: 333.33... (100000/3) shown rounded down, 333.33 twice; the
    # payoff row owes exactly 333.33..., rounded down 333.33 when carried (the rows then
    # publish 999.99 of principal), else what the rows still owe, 333.34. Nothing after.
    level = Fraction(100_000, 3)
    periods = tuple(Period(due=date(2024, m, 1), factor=Fraction(0), rule=PaymentRule.AMOUNT,
                           amount=level) for m in (1, 2))
    program = Program(principal=100_000, exact_balance=True, payment_rounding="down",
                      carried_payoff=carried, periods=(
                          *periods,
                          Period(due=date(2024, 3, 1), factor=Fraction(0),
                                 rule=PaymentRule.PAYOFF),
                          Period(due=date(2024, 4, 1), factor=Fraction(0),
                                 rule=PaymentRule.NOTHING)))
    rows = run_single(program)
    last = 33_333 if carried else 33_334
    assert rows.payment == rows.principal == (33_333, 33_333, last, 0)
    assert rows.balance == (66_667, 33_333, 0, 0)


def test_exact_balance_capitalizing_row_keeps_its_rounded_payment() -> None:
    # 1.00 with 3.00 of interest carried (factor 3, nothing paid), then 0.505 paid
    # (101/2 minor units, shown rounded up: 51) at 0% with the rest capitalized; interest
    # cells rounded down. Exact: interest 50.5 paid, 249.5 capitalized, balance 349.5.
    # Published: interest 50, capitalized 249, principal 51 - 50 = 1, even though the
    # exact principal paid is 0 and the outstanding principal (100) is below the
    # capitalized interest; the payoff row takes what the rows still owe,
    # 100 + 249 - 1 = 348.
    program = Program(principal=100, exact_balance=True, interest_rounding="down",
                      payment_rounding="up", periods=(
                          Period(due=date(2024, 1, 1), factor=Fraction(3),
                                 rule=PaymentRule.NOTHING, unpaid=UnpaidInterest.CARRY),
                          Period(due=date(2024, 2, 1), factor=Fraction(0),
                                 rule=PaymentRule.AMOUNT, amount=Fraction(101, 2),
                                 unpaid=UnpaidInterest.CAPITALIZE),
                          Period(due=date(2024, 3, 1), factor=Fraction(0),
                                 rule=PaymentRule.PAYOFF)))
    exact = exact_columns(program)
    assert exact["capitalized"] == (0, Fraction(499, 2), 0)
    assert exact["balance"] == (100, Fraction(699, 2), 0)
    rows = run_single(program)
    assert rows.arrears == (300, 0, 0)
    assert rows.interest == (0, 50, 0)
    assert rows.capitalized == (0, 249, 0)
    assert rows.principal == (0, 1, 348)
    assert rows.payment == (0, 51, 348)
    assert rows.balance == (100, 349, 0)


def test_core_argument_errors_name_the_argument_and_show_the_value() -> None:
    # Each message whole: the argument, the rule it breaks, the value received.
    def message(call: Any) -> str:
        with pytest.raises(InvalidArgumentError) as info:
            call()
        return str(info.value)

    def period(**kw: Any) -> Period:
        return Period(**{"due": date(2024, 1, 1), "factor": Fraction(1, 100),
                         "rule": PaymentRule.PAYOFF, **kw})

    assert message(lambda: period(due="2024-01-01")) == \
        "due: must be a datetime.date (got '2024-01-01')"
    assert message(lambda: period(rule=True)) == \
        "rule: must be a PaymentRule or one of 0, 1, 2, 3, 4, 5 (got True)"
    assert message(lambda: period(rule="bogus")) == \
        "rule: must be a PaymentRule or one of 0, 1, 2, 3, 4, 5 (got 'bogus')"
    assert message(lambda: period(unpaid=True)) == \
        "unpaid: must be an UnpaidInterest or one of 0, 1, 2 (got True)"
    assert period(rule=4).rule is PaymentRule.PAYOFF and period(rule="payoff").rule is \
        PaymentRule.PAYOFF
    assert message(lambda: run_single("x")) == "program: must be a Program (got 'x')"  # type: ignore[arg-type]
    assert message(lambda: exact_columns("x")) == "program: must be a Program (got 'x')"  # type: ignore[arg-type]
    assert message(lambda: run_batch("ab")) == \
        "programs: must be a sequence of Program objects (got 'ab')"  # type: ignore[arg-type]
    one = Program(principal=100, periods=(period(),))
    assert message(lambda: run_batch([one, "x"])) == \
        "programs[1]: must be a Program (got 'x')"  # type: ignore[list-item]
    assert message(lambda: level_payment(100, [Fraction(-1, 100)], mode=None)) == \
        "factors: must be non-negative Fractions (got [Fraction(-1, 100)])"
    assert message(lambda: level_payment("1", [Fraction(1, 100)], mode=None)) == \
        "principal: must be an int of minor units (got '1')"  # type: ignore[call-overload]
    assert message(lambda: level_payment(100, [Fraction(1, 100)], mode=None, balloon=True)) \
        == "balloon: must be an int of minor units (got True)"
    assert message(lambda: level_payment(100, [Fraction(1, 100)], mode="up")) == \
        "mode: must be a RoundingMode or None (got 'up')"  # type: ignore[call-overload]
    # a loan's columns: indexes -loans to loans - 1, periods from 0
    two = run_batch([one, Program(principal=200, periods=(period(),))])
    assert two.loan(-2).payment == (101,) and two.loan(1).payment == (202,)
    assert message(lambda: two.loan(2)) == "index: must be the index of a loan (0 to 1) (got 2)"
    assert message(lambda: two.loan(-3)) == \
        "index: must be the index of a loan (0 to 1) (got -3)"
    assert two.loan(0, 0).payment == ()
    assert message(lambda: two.loan(True)) == \
        "index: must be the index of a loan (0 to 1) (got True)"
    assert message(lambda: Program(principal=1, periods=("x",))) == \
        "periods: must be a tuple of Period objects (got ('x',))"  # type: ignore[arg-type]
    assert message(lambda: two.loan(0, -1)) == \
        "periods: must be None or a whole number of at least 0 (got -1)"
