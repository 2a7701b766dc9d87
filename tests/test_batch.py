"""Portfolio batches: identical rows to the single plans, padding, exact payments, errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bnpl_restructure import Plan, RoundingMode, RoundingPolicy
from bnpl_restructure.batch import annuity_batch, equal_principal_batch, flat_fee_batch
from bnpl_restructure.core import (
    KernelResult,
    PaymentRule,
    Period,
    Program,
    level_payment,
    run_single,
)
from bnpl_restructure.errors import InvalidArgumentError
from bnpl_restructure.rounding import Residual

START = "2024-01-15"
MODES = st.sampled_from(tuple(RoundingMode))

# One loan: principal in fen (CNY minor units), periodic rate in basis points, installments.
loans = st.tuples(st.integers(1, 10**12), st.integers(0, 500), st.integers(1, 48))


def _major(minor: int) -> Decimal:
    return Decimal(minor).scaleb(-2)


def _check_against(result: KernelResult, plans: list[Plan]) -> None:
    assert result.payment.shape == (max(p.installments for p in plans), len(plans))
    for j, plan in enumerate(plans):
        n = plan.installments
        columns = result.loan(j, n)
        assert columns == run_single(plan.program())
        s = plan.schedule()
        assert (columns.payment, columns.principal, columns.interest, columns.fee,
                columns.balance, columns.capitalized, columns.waived, columns.arrears) == (
            s.payment, s.principal_paid, s.interest, s.fee, s.balance, s.capitalized,
            s.waived, s.arrears)
        for name in ("payment", "principal", "interest", "fee", "balance", "accrued"):
            padding = getattr(result, name)[n:, j]
            assert not padding.any(), (name, j)  # padded periods are all zero


@given(st.lists(loans, min_size=1, max_size=8), MODES, MODES)
def test_annuity_rows_equal_single_plans(terms: list[tuple[int, int, int]],
                                         payment_mode: RoundingMode,
                                         interest_mode: RoundingMode) -> None:
    principal = np.array([p for p, _, _ in terms], dtype=np.int64)
    bp = np.array([r for _, r, _ in terms], dtype=np.int64)
    n = np.array([k for _, _, k in terms], dtype=np.int64)
    result = annuity_batch(principal, periodic_rate_numerator=bp,
                           periodic_rate_denominator=10_000, installments=n,
                           payment_rounding=payment_mode, interest_rounding=interest_mode)
    policy = RoundingPolicy(payment=payment_mode, interest=interest_mode)
    plans = [Plan.annuity(_major(p), periodic_rate=str(Decimal(r).scaleb(-4)),
                          installments=k, start=START, rounding=policy)
             for p, r, k in terms]
    _check_against(result, plans)


@given(st.lists(st.tuples(st.integers(1, 10**12), st.integers(0, 40), st.integers(1, 1200),
                          st.integers(1, 360)), min_size=1, max_size=5), MODES)
def test_level_payment_is_the_cores_for_any_ratio(terms: list[tuple[int, int, int, int]],
                                                  mode: RoundingMode) -> None:
    # Arbitrary exact ratios (8/1200 is 8% a year monthly), long terms: big-integer path.
    result = annuity_batch([p for p, _, _, _ in terms],
                           periodic_rate_numerator=[a for _, a, _, _ in terms],
                           periodic_rate_denominator=[b for _, _, b, _ in terms],
                           installments=[n for _, _, _, n in terms], payment_rounding=mode)
    for j, (p, a, b, n) in enumerate(terms):
        expected = level_payment(p, [Fraction(a, b)] * n, mode=mode)
        if n > 1:
            assert int(result.payment[0, j]) == expected
        assert int(result.balance[n - 1, j]) == 0
        assert int(result.principal[:, j].sum()) == p


def test_fraction_rate_matches_plan_with_annual_rate() -> None:
    # 8% nominal a year, monthly: the periodic rate 1/150 is not a finite decimal.
    plan = Plan.annuity("10000", annual_rate="0.08", installments=12, start=START)
    assert plan.periodic_rate == Fraction(8, 1200)
    result = annuity_batch([1_000_000], periodic_rate_numerator=8,
                           periodic_rate_denominator=1200, installments=12)
    _check_against(result, [plan])


def test_padding_with_mixed_installment_counts() -> None:
    principal = [1_000_000, 1_000_000, 55_555, 1]
    counts = [12, 1, 5, 3]
    result = annuity_batch(principal, periodic_rate_numerator=8,
                           periodic_rate_denominator=1200, installments=counts)
    plans = [Plan.annuity(_major(p), annual_rate="0.08", installments=n, start=START)
             for p, n in zip(principal, counts, strict=True)]
    _check_against(result, plans)
    # The one-installment loan pays everything in its first (PAYOFF) period.
    assert result.payment[0, 1] == 1_000_000 + round(1_000_000 * Fraction(8, 1200))
    assert result.balance[:, 0].tolist()[-1] == 0


def test_uniform_and_mixed_counts_give_the_same_rows() -> None:
    principal = np.array([123_456, 7_654_321])
    same = annuity_batch(principal, periodic_rate_numerator=[3, 5],
                         periodic_rate_denominator=1000, installments=6)
    mixed = annuity_batch(np.append(principal, 100),
                          periodic_rate_numerator=[3, 5, 1], periodic_rate_denominator=1000,
                          installments=[6, 6, 2])
    for j in range(2):
        assert same.loan(j) == mixed.loan(j)


def test_scalars_and_arrays_agree() -> None:
    principal = np.array([500_000, 600_001, 700_002])
    a = annuity_batch(principal, periodic_rate_numerator=75, periodic_rate_denominator=10_000,
                      installments=24)
    b = annuity_batch(principal, periodic_rate_numerator=np.full(3, 150),
                      periodic_rate_denominator=np.full(3, 20_000),
                      installments=np.full(3, 24, dtype=np.int32))
    for name in ("payment", "principal", "interest", "balance"):
        assert np.array_equal(getattr(a, name), getattr(b, name))


def test_zero_rate_splits_like_the_plan() -> None:
    result = annuity_batch([100_001, 7], periodic_rate_numerator=0,
                           periodic_rate_denominator=1, installments=[4, 3])
    plans = [Plan.annuity(_major(p), annual_rate=0, installments=n, start=START)
             for p, n in ((100_001, 4), (7, 3))]
    _check_against(result, plans)
    assert result.payment[:, 0].tolist() == [25000, 25000, 25000, 25001]


def test_zero_principal_loan_is_all_zero() -> None:
    result = annuity_batch([0, 10_000], periodic_rate_numerator=1,
                           periodic_rate_denominator=100, installments=3)
    assert not result.payment[:, 0].any()
    assert int(result.principal[:, 1].sum()) == 10_000


def test_big_principal_uses_exact_integers() -> None:
    # 10^16 minor units at 1.2345% a period for 360 periods: balance * 2469 (the reduced
    # numerator of 12345/1000000) and the payment ratio overflow int64; the kernel and the
    # payment switch to exact Python integers and the rows must still be exact.
    factor = Fraction(12345, 1_000_000)
    principals = (10**16, 4 * 10**17 + 1)
    result = annuity_batch(np.array(principals, dtype=np.int64),
                           periodic_rate_numerator=12345, periodic_rate_denominator=1_000_000,
                           installments=360)
    for j, p in enumerate(principals):
        pay = level_payment(p, [factor] * 360, mode=RoundingMode.HALF_UP)
        periods = [Period(due=date(2024, 1, 1), factor=factor, rule=PaymentRule.AMOUNT,
                          amount=pay)] * 359
        periods.append(Period(due=date(2024, 1, 1), factor=factor, rule=PaymentRule.PAYOFF))
        assert result.loan(j) == run_single(Program(principal=p, periods=tuple(periods)))


def test_object_inputs_beyond_int64_are_accepted() -> None:
    # Python ints past int64 arrive as object arrays and stay exact.
    result = annuity_batch(np.array([2**63, 10], dtype=object), periodic_rate_numerator=0,
                           periodic_rate_denominator=1, installments=4)
    assert result.payment[:, 0].tolist() == [2**61] * 4
    assert result.principal[:, 1].tolist() == [3, 3, 3, 1]  # round(10 / 4) half-up


def test_payoff_beyond_two_to_the_62_is_paid_in_full() -> None:
    result = annuity_batch(np.array([2**63 + 2], dtype=object), periodic_rate_numerator=0,
                           periodic_rate_denominator=1, installments=1)
    assert result.payment[:, 0].tolist() == [2**63 + 2]


def test_huge_rate_ratio_inputs_are_reduced() -> None:
    # 2**70 / 2**77 == 1/128: object inputs, reduced like Fraction.
    a = annuity_batch([1_000_000], periodic_rate_numerator=2**70,
                      periodic_rate_denominator=2**77, installments=12)
    b = annuity_batch([1_000_000], periodic_rate_numerator=1,
                      periodic_rate_denominator=128, installments=12)
    assert a.loan(0) == b.loan(0)


@given(st.lists(st.tuples(st.integers(1, 10**12), st.integers(0, 300), st.integers(1, 36)),
                min_size=1, max_size=6), MODES, st.sampled_from(tuple(Residual)))
def test_equal_principal_rows_equal_single_plans(terms: list[tuple[int, int, int]],
                                                 mode: RoundingMode,
                                                 residual: Residual) -> None:
    result = equal_principal_batch([p for p, _, _ in terms],
                                   periodic_rate_numerator=[r for _, r, _ in terms],
                                   periodic_rate_denominator=10_000,
                                   installments=[n for _, _, n in terms],
                                   interest_rounding=mode, residual=residual)
    policy = RoundingPolicy(interest=mode, residual=residual)
    plans = [Plan.equal_principal(_major(p), periodic_rate=str(Decimal(r).scaleb(-4)),
                                  installments=n, start=START, rounding=policy)
             for p, r, n in terms]
    _check_against(result, plans)


@given(st.lists(st.tuples(st.integers(1, 10**12), st.integers(0, 300), st.integers(1, 36)),
                min_size=1, max_size=6), MODES, st.sampled_from(tuple(Residual)))
def test_flat_fee_rows_equal_single_plans(terms: list[tuple[int, int, int]],
                                          mode: RoundingMode, residual: Residual) -> None:
    result = flat_fee_batch([p for p, _, _ in terms],
                            fee_rate_numerator=[r for _, r, _ in terms],
                            fee_rate_denominator=10_000,
                            installments=[n for _, _, n in terms],
                            interest_rounding=mode, residual=residual)
    policy = RoundingPolicy(interest=mode, residual=residual)
    plans = [Plan.flat_fee(_major(p), fee_rate=str(Decimal(r).scaleb(-4)), installments=n,
                           start=START, rounding=policy)
             for p, r, n in terms]
    _check_against(result, plans)


def test_flat_fee_half_way_fee_rounds_by_policy() -> None:
    # 1,000.01 × 0.5% = 5.00005 -> 5.00; 1,001.00 × 0.25% = 2.5025 -> 2.50; 10.10 × 5% =
    # 0.505 -> 0.51 half-up, 0.50 half-even.
    up = flat_fee_batch([1010], fee_rate_numerator=5, fee_rate_denominator=100,
                        installments=2)
    even = flat_fee_batch([1010], fee_rate_numerator=5, fee_rate_denominator=100,
                          installments=2, interest_rounding="half_even")
    assert up.fee[:, 0].tolist() == [51, 51]
    assert even.fee[:, 0].tolist() == [50, 50]


# ------------------------------------------------------------------------------ errors


def _annuity(**changes: Any) -> KernelResult:
    args: dict[str, Any] = {"principal": np.array([100_000, 200_000]),
                            "periodic_rate_numerator": 1, "periodic_rate_denominator": 100,
                            "installments": 12}
    args.update(changes)
    principal = args.pop("principal")
    return annuity_batch(principal, **args)


@pytest.mark.parametrize(("changes", "argument", "fragment"), [
    ({"principal": np.array([[1, 2]])}, "principal", "one-dimensional"),
    ({"principal": np.array([], dtype=np.int64)}, "principal", "at least one loan"),
    ({"principal": np.array([100.0, 200.0])}, "principal", "not floats"),
    ({"principal": np.array([100, -1])}, "principal", "at least 0"),
    ({"principal": np.array([True, False])}, "principal", "not bool"),
    ({"principal": np.array(["1", "2"])}, "principal", "must be integers"),
    ({"principal": np.array([1, 2.5], dtype=object)}, "principal", "integers only"),
    ({"installments": [12, 12, 12]}, "installments", "one value per loan"),
    ({"installments": np.array([[12, 12]])}, "installments", "one value per loan"),
    ({"installments": [12, 0]}, "installments", "at least 1"),
    ({"installments": 2601}, "installments", "at most 2600"),
    ({"installments": 12.0}, "installments", "not floats"),
    ({"periodic_rate_numerator": [1, 2, 3]}, "periodic_rate_numerator", "one value per loan"),
    ({"periodic_rate_numerator": -1}, "periodic_rate_numerator", "at least 0"),
    ({"periodic_rate_numerator": 0.01}, "periodic_rate_numerator", "not floats"),
    ({"periodic_rate_denominator": [100, 0]}, "periodic_rate_denominator", "at least 1"),
    ({"payment_rounding": "nearest"}, "payment_rounding", "RoundingMode"),
    ({"interest_rounding": 3}, "interest_rounding", "RoundingMode"),
])
def test_annuity_errors_name_the_argument(changes: dict[str, Any], argument: str,
                                          fragment: str) -> None:
    with pytest.raises(InvalidArgumentError, match=fragment) as info:
        _annuity(**changes)
    assert info.value.argument == argument


def test_split_plan_errors_name_the_argument() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        equal_principal_batch([100], periodic_rate_numerator=0, periodic_rate_denominator=1,
                              installments=2, residual="middle")
    assert info.value.argument == "residual"
    with pytest.raises(InvalidArgumentError) as info:
        flat_fee_batch([100], fee_rate_numerator=1, fee_rate_denominator=[1, 2],
                       installments=2)
    assert info.value.argument == "fee_rate_denominator"
    with pytest.raises(InvalidArgumentError) as info:
        flat_fee_batch([100], fee_rate_numerator=0.005, fee_rate_denominator=1,
                       installments=2)
    assert info.value.argument == "fee_rate_numerator"


# ---------------------------------------------------------------- screened level payments


@given(st.lists(st.integers(1, 10**14), min_size=1, max_size=60),
       st.lists(st.tuples(st.integers(0, 300), st.sampled_from([1, 2, 100, 1200, 10_000]),
                          st.integers(1, 48)), min_size=1, max_size=4),
       st.sampled_from(list(RoundingMode)), st.data())
def test_screened_rounding_is_the_exact_rounding(principals: list[int],
                                                 terms: list[tuple[int, int, int]],
                                                 mode: RoundingMode,
                                                 data: st.DataObject) -> None:
    """The float-screened level payments equal the exact integer rounding, ties included
    (zero rates make principal / n exact or half-way for many principals)."""
    from bnpl_restructure.batch import (
        _annuity_ratio,
        _per_loan,
        _scaled_round,
        _screened_round,
    )
    ratios = [_annuity_ratio(a, b, n) for a, b, n in terms]
    group = np.array([data.draw(st.integers(0, len(ratios) - 1)) for _ in principals],
                     dtype=np.intp)
    amounts = np.array(principals, dtype=np.int64)
    screened = _screened_round(amounts, ratios, group, mode)
    exact = _scaled_round(amounts, *_per_loan(ratios, group), mode)
    assert [int(v) for v in screened] == [int(v) for v in exact]


def test_screened_rounding_on_exact_ties() -> None:
    from bnpl_restructure.batch import _annuity_ratio, _screened_round
    ratios = [_annuity_ratio(0, 1, 4)]  # zero rate: payment = principal / 4
    amounts = np.array([2, 6, 10, 4, 5], dtype=np.int64)  # 0.5, 1.5, 2.5, 1, 1.25
    group = np.zeros(5, dtype=np.intp)
    assert _screened_round(amounts, ratios, group, RoundingMode.HALF_EVEN).tolist() == [
        0, 2, 2, 1, 1]
    assert _screened_round(amounts, ratios, group, RoundingMode.HALF_UP).tolist() == [
        1, 2, 3, 1, 1]
    assert _screened_round(amounts, ratios, group, RoundingMode.HALF_DOWN).tolist() == [
        0, 1, 2, 1, 1]
    assert _screened_round(amounts, ratios, group, RoundingMode.UP).tolist() == [
        1, 2, 3, 1, 2]
    assert _screened_round(amounts, ratios, group, RoundingMode.DOWN).tolist() == [
        0, 1, 2, 1, 1]
