"""The kernel: rules, unpaid-interest handling, overflow, exact balance, level payment."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import numpy as np
import pytest

from bnpl_restructure.core import (
    Columns,
    PaymentRule,
    Period,
    Program,
    UnpaidInterest,
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
