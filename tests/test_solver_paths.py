"""The solver's two methods agree: the loan method (blocks of loan-like rows, Horner for
periodic flows, one exp per flow for dated ones) gives what the general method gives, the
same rates to rounding and the same errors with the same messages (``solve_rates`` and the
public functions run the loan method first; ``fast=False`` forces the general one).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bnpl_restructure import solver
from bnpl_restructure.apr import irr, irr_many, xirr_many
from bnpl_restructure.errors import (
    BnplError,
    ConvergenceError,
    InvalidArgumentError,
    NoSolutionError,
)
from bnpl_restructure.solver import _solve_ticks, solve_rates

Array = npt.NDArray[np.float64]


# ----------------------------------------------------------------------- helpers


def _outcome(call: Callable[[], Array]) -> tuple[Array | None, BnplError | None]:
    try:
        return call(), None
    except BnplError as exc:
        return None, exc


def _both(amounts: Array, ticks: npt.NDArray[Any], fractions: Array | None = None, *,
          scale: float = 1.0, from_row_start: bool = False
          ) -> tuple[tuple[Array | None, BnplError | None],
                     tuple[Array | None, BnplError | None]]:
    def run(fast: bool) -> Array:
        return _solve_ticks(amounts, ticks, fractions, scale=scale,
                            from_row_start=from_row_start, argument="cash_flows", fast=fast)
    return _outcome(lambda: run(False)), _outcome(lambda: run(True))


def _assert_same(amounts: Array, ticks: npt.NDArray[Any], fractions: Array | None = None,
                 **options: Any) -> Array | None:
    """Both methods: the same error (type and message), or rates within 1e-12 (1 + |r|)."""
    (rates, error), (c_rates, c_error) = _both(amounts, ticks, fractions, **options)
    if error is not None or c_error is not None:
        assert type(c_error) is type(error), (error, c_error)
        assert str(c_error) == str(error)
        return None
    assert rates is not None and c_rates is not None
    assert c_rates.dtype == np.float64 and c_rates.shape == rates.shape
    assert np.all(np.abs(c_rates - rates) <= 1e-12 * (1 + np.abs(rates))), (rates, c_rates)
    return rates


def _npv(amounts: Array, times: Array, rate: float) -> tuple[float, float, float]:
    """f(r), f'(r) and the sum of |terms| of one stream (times in unit periods)."""
    terms = amounts * np.exp(-times * np.log1p(rate))
    return float(terms.sum()), float(-(terms * times).sum() / (1 + rate)), float(
        np.abs(terms).sum())


def _well_posed(amounts: Array, times: Array) -> bool:
    """No grid rate lands (to rounding) on a root, so both paths pick the same interval."""
    grid = np.concatenate([solver._POSITIVE_GRID, solver._NEGATIVE_GRID])
    for g in grid:
        value, _, size = _npv(amounts, times, float(g))
        if value != 0 and abs(value) < 1e-9 * size:
            return False
    return True


def _conditioned(amounts: Array, times: Array, rate: float) -> bool:
    """The root moves by less than ~1e-13 for a rounding-size change of f."""
    _, slope, size = _npv(amounts, times, rate)
    return slope != 0 and size / abs(slope) * 1e-15 < 1e-13 * (1 + abs(rate))


# -------------------------------------------------------------------- strategies

money = st.integers(1, 10_000_000).map(lambda cents: cents / 100)


@st.composite
def loans(draw: st.DrawFn) -> tuple[list[float], list[int]]:
    """An advance, then 1-36 payments (some zero) on periodic or monthly-ish day ticks."""
    n = draw(st.integers(1, 36))
    principal = draw(money)
    total = principal * draw(st.floats(0.3, 3.0))
    weights = draw(st.lists(st.integers(0, 100), min_size=n, max_size=n))
    if sum(weights) == 0:
        weights[-1] = 1
    scale = total / sum(weights)
    payments = [round(w * scale, 2) for w in weights]
    if not any(payments):
        payments[-1] = round(total, 2) or 0.01
    gaps = draw(st.lists(st.integers(0, 45), min_size=n, max_size=n))
    gaps[0] = max(gaps[0], 1)  # the first payment after the advance
    start = draw(st.integers(0, 30_000))
    days = [start]
    for gap in gaps:
        days.append(days[-1] + gap)
    return [-principal, *payments], days


@st.composite
def loan_batches(draw: st.DrawFn) -> tuple[Array, npt.NDArray[np.int64]]:
    """Loans padded with zeros to one width (padding dates repeat the last date)."""
    rows = draw(st.lists(loans(), min_size=1, max_size=6))
    width = max(len(a) for a, _ in rows) + draw(st.integers(0, 3))
    amounts = np.zeros((len(rows), width))
    days = np.zeros((len(rows), width), dtype=np.int64)
    for i, (a, d) in enumerate(rows):
        amounts[i, :len(a)] = a
        days[i, :len(d)] = d
        days[i, len(d):] = d[-1]
    return amounts, days


# ----------------------------------------------------------- property tests


@given(loan_batches())
def test_dated_loans_agree(batch: tuple[Array, npt.NDArray[np.int64]]) -> None:
    amounts, days = batch
    for days_per_year in (365.0, 360.0):
        rates = _assert_same(amounts, days, scale=days_per_year, from_row_start=True)
        assert rates is not None  # one sign change: always a rate


@given(loan_batches())
def test_periodic_loans_agree(batch: tuple[Array, npt.NDArray[np.int64]]) -> None:
    amounts, _ = batch
    ticks = np.arange(amounts.shape[1], dtype=np.int64)
    assert _assert_same(amounts, ticks) is not None
    # the public entry point, on float times
    times = np.broadcast_to(ticks.astype(np.float64), amounts.shape)
    expected = _solve_ticks(amounts, np.ascontiguousarray(times), scale=1.0,
                            from_row_start=False, argument="cash_flows", fast=False)
    c_rates = solve_rates(amounts, times)
    assert np.all(np.abs(c_rates - expected) <= 1e-12 * (1 + np.abs(expected)))


@given(loans(), st.randoms(use_true_random=False), st.integers(0, 4))
def test_unsorted_times_and_interior_zeros_agree(loan: tuple[list[float], list[int]],
                                                 random: Any, zeros: int) -> None:
    amounts, days = loan
    order = list(range(len(amounts) + zeros))
    random.shuffle(order)
    a = np.array(amounts + [0.0] * zeros)[order][None, :]
    d = np.array(days + [days[-1] + 7] * zeros, dtype=np.int64)[order][None, :]
    shuffled = _assert_same(a, d, scale=365.0, from_row_start=True)
    in_order = _assert_same(np.array([amounts]), np.array([days], dtype=np.int64),
                            scale=365.0, from_row_start=True)
    assert shuffled is not None and in_order is not None
    assert abs(shuffled[0] - in_order[0]) <= 1e-12 * (1 + abs(in_order[0]))
    # float times, unsorted, from zero
    times = (d - d.min()).astype(np.float64) / 30.0
    _assert_same(a, times)


@given(st.lists(st.integers(-1000, 1000), min_size=3, max_size=12),
       st.booleans())
def test_multi_sign_change_streams_agree(values: list[int], dated: bool) -> None:
    amounts = np.array([values], dtype=np.float64)
    signs = np.sign(amounts[amounts != 0])
    assume(signs.size > 2 and int((signs[1:] != signs[:-1]).sum()) > 1)
    if dated:
        ticks = np.cumsum(np.arange(len(values)) % 3 * 10 + 28)[None, :].astype(np.int64)
        times = (ticks - ticks.min()) / 365.0
        options: dict[str, Any] = {"scale": 365.0, "from_row_start": True}
    else:
        ticks = np.arange(len(values), dtype=np.int64)
        times = ticks.astype(np.float64)[None, :]
        options = {}
    assume(_well_posed(amounts[0], times[0]))
    (rates, error), _ = _both(amounts, ticks, **options)
    if rates is not None:
        assume(_conditioned(amounts[0], times[0], float(rates[0])))
    else:
        assert isinstance(error, NoSolutionError)
    _assert_same(amounts, ticks, **options)


@given(loans(), st.lists(st.floats(0.0, 0.99), min_size=37, max_size=37))
def test_fractions_agree(loan: tuple[list[float], list[int]], parts: list[float]) -> None:
    amounts, _ = loan
    a = np.array([amounts])
    ticks = np.arange(a.shape[1], dtype=np.float64)[None, :]
    fractions = np.array([parts[:a.shape[1]]])
    fractions[0, 0] = 0.0
    assert _assert_same(a, ticks, fractions) is not None


@given(st.integers(40, 100), st.integers(0, 2**32 - 1))
def test_long_streams_with_many_distinct_gaps_agree(flows: int, seed: int) -> None:
    # more than 32 flows (direct exp anchors), more than 8 distinct gaps, unsorted times,
    # some streams with several sign changes
    rng = np.random.default_rng(seed)
    a = np.concatenate([[-5e7], np.round(rng.uniform(-2e5, 1e6, size=flows), 2)])[None, :]
    t = np.concatenate([[0.0], rng.uniform(0.0, 50.0, size=flows)])[None, :]
    signs = np.sign(a[a != 0])
    assume(int((signs[1:] != signs[:-1]).sum()) == 1 or _well_posed(a[0], t[0]))
    (rates, _), _ = _both(a, t)
    if rates is not None:
        assume(_conditioned(a[0], t[0], float(rates[0])))
    _assert_same(a, t)


# ---------------------------------------------------------------- exact checks


@pytest.mark.parametrize("use_fast", [False, True])
def test_closed_form_rates(use_fast: bool) -> None:
    def solve(a: list[list[float]], t: npt.NDArray[Any], **options: Any) -> Array:
        return _solve_ticks(np.array(a), t, scale=options.get("scale", 1.0),
                            from_row_start=options.get("from_row_start", False),
                            argument="cash_flows", fast=use_fast)

    periodic = np.arange(3, dtype=np.int64)
    rates = solve([[-100.0, 110.0, 0.0], [-100.0, 0.0, 121.0], [0.0, -100.0, 110.0]],
                  periodic)
    assert np.all(np.abs(rates - 0.1) <= 2e-16)
    # an annuity built from the rate 1% a period: 12 payments of P r / (1 - (1 + r)^-12)
    r = 0.01
    payment = 1000 * r / (1 - (1 + r) ** -12)
    annuity = solve([[-1000.0] + [payment] * 12], np.arange(13, dtype=np.int64))
    assert abs(annuity[0] - r) <= 1e-15
    # dated: one leap year of 366 days, the rate 10% a year
    days = np.array([[19723, 20089]], dtype=np.int64)  # 2024-01-01, 2025-01-01
    assert abs(solve([[-100.0, 110.0]], days, scale=366.0, from_row_start=True)[0] - 0.1) \
        <= 2e-16
    # two sign changes, roots 10% and 20%: the smallest positive one
    two = solve([[-100.0, 230.0, -132.0]], periodic)
    assert abs(two[0] - 0.1) <= 1e-14
    # a zero rate exactly
    assert solve([[-300.0, 100.0, 100.0, 100.0]], np.arange(4, dtype=np.int64))[0] == 0.0


def test_public_functions_give_closed_form_rates() -> None:
    d = np.array([["2024-01-01", "2025-01-01"], ["2024-01-01", "2025-01-01"]],
                 dtype="datetime64[D]")
    rates = xirr_many([[-100, 110], [-200, 220]], d, days_per_year=366)
    assert np.all(np.abs(rates - 0.1) <= 2e-16)
    assert np.all(np.abs(irr_many([[-100, 110, 0], [-100, 0, 121]]) - 0.1) <= 2e-16)
    assert abs(solve_rates([[-100.0, 110.0]], [[0.0, 1.0]])[0] - 0.1) <= 2e-16


def test_many_rows_in_both_methods() -> None:
    # 5,000 rows: more than one block of the loan method, and the general method groups
    # rows by width (>= 4096 rows); a non-converging row is named by its own index
    rng = np.random.default_rng(5)
    n = rng.integers(1, 37, size=5000)
    amounts = np.zeros((5000, 37))
    amounts[:, 0] = -rng.integers(10_000, 1_000_000, size=5000) / 100
    for i, k in enumerate(n.tolist()):
        amounts[i, 1:k + 1] = -amounts[i, 0] * rng.uniform(0.5, 2.0) / k
    days = np.cumsum(rng.integers(28, 32, size=(5000, 37)), axis=1)
    days[:, 0] = 0
    _assert_same(amounts, days.astype(np.int64), scale=365.0, from_row_start=True)
    amounts[4321, :] = 0.0
    amounts[4321, :2] = [-1.0, 1e300]  # root near 1e300: Newton doubles r 200 times
    for use_fast in (False, True):
        with pytest.raises(ConvergenceError,
                           match=r"^rate solver did not converge for rows \[4321\]$"):
            _solve_ticks(amounts, np.arange(37, dtype=np.int64), scale=1.0,
                         from_row_start=False, argument="amounts", fast=use_fast)


# ---------------------------------------------------------------- error paths


ERROR_CASES = [
    # (amounts, ticks, options, error type, message)
    ([[0.0, 0.0, 0.0], [-1.0, 2.0, 0.0]], np.arange(3), {}, NoSolutionError,
     "cash_flows: no rate exists for rows [0]: the cash flows never change sign (all "
     "payments zero, or no advance)"),
    ([[10.0, 20.0]] * 12, np.arange(2), {}, NoSolutionError,
     "cash_flows: no rate exists for rows [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]: the cash flows "
     "never change sign (all payments zero, or no advance)"),
    ([[-1.0, 2.0, 0.0], [1.0, -2.0, 2.0]], np.arange(3), {}, NoSolutionError,
     "cash_flows: no rate found for rows [1]"),
    ([[-1.0, 1e300]], np.arange(2), {}, ConvergenceError,
     "rate solver did not converge for rows [0]"),
    # more than ten failing rows among good ones: the first ten, by the caller's numbers
    ([[-1.0, 1.1, 0.0] if i % 2 == 0 else [1.0, -2.0, 2.0] for i in range(26)], np.arange(3),
     {}, NoSolutionError, "cash_flows: no rate found for rows [1, 3, 5, 7, 9, 11, 13, 15, 17, "
     "19]"),
    ([[-1.0, 1.1, 0.0] if i % 2 == 0 else [-1.0, 1e300, 0.0] for i in range(26)],
     np.arange(3), {}, ConvergenceError,
     "rate solver did not converge for rows [1, 3, 5, 7, 9, 11, 13, 15, 17, 19]"),
    ([[-1.0, np.nan]], np.arange(2), {}, InvalidArgumentError,
     "cash_flows: amounts and times must be finite"),
    ([[-1.0, 2.0], [1.0, np.inf]], np.array([[0.0, -1.0], [0.0, 1.0]]), {},
     InvalidArgumentError, "cash_flows: amounts and times must be finite"),
    ([[-1.0, 2.0]], np.array([0.0, np.nan]), {}, InvalidArgumentError,
     "cash_flows: amounts and times must be finite"),
    ([[-1.0, 2.0]], np.array([[0, np.iinfo(np.int64).min]]), {"from_row_start": True},
     InvalidArgumentError, "cash_flows: amounts and times must be finite"),
    ([[-1.0, 2.0]], np.array([0.0, -1.0]), {}, InvalidArgumentError,
     "cash_flows: times must not be negative"),
    ([[-1.0, 2.0], [0.0, 0.0]], np.array([[0, 5], [-3, 1]]), {}, InvalidArgumentError,
     "cash_flows: times must not be negative"),
    ([[-1.0, 2.0]], np.array([[3, 5]]), {"scale": 0.0, "from_row_start": True},
     InvalidArgumentError, "cash_flows: amounts and times must be finite"),
    ([[-1.0, 2.0]], np.array([[3, 5]]), {"scale": -365.0, "from_row_start": True},
     InvalidArgumentError, "cash_flows: times must not be negative"),
]


@pytest.mark.parametrize(("amounts", "ticks", "options", "error", "message"), ERROR_CASES)
def test_errors_are_the_same_in_both_paths(amounts: list[list[float]],
                                           ticks: npt.NDArray[Any],
                                           options: dict[str, Any], error: type[Exception],
                                           message: str) -> None:
    a = np.array(amounts)
    t = ticks.astype(np.int64) if ticks.dtype.kind == "i" else ticks
    for use_fast in (False, True):
        with pytest.raises(error) as caught:
            _solve_ticks(a, t, scale=options.get("scale", 1.0),
                         from_row_start=options.get("from_row_start", False),
                         argument="cash_flows", fast=use_fast)
        assert str(caught.value) == message
        assert type(caught.value) is error


def test_public_errors_name_the_argument() -> None:
    with pytest.raises(NoSolutionError, match=r"^amounts: no rate exists for rows \[1\]"):
        irr_many([[-100, 110], [5, 5]])
    with pytest.raises(InvalidArgumentError, match=r"^amounts: amounts and times must be"):
        xirr_many([[-100, 110]], np.array([["2024-01-01", "NaT"]], dtype="datetime64[D]"))
    with pytest.raises(InvalidArgumentError, match=r"^dates: must have the same shape"):
        xirr_many([[-100, 110]], np.array(["2024-01-01"], dtype="datetime64[D]"))
    with pytest.raises(InvalidArgumentError, match=r"^payments: fractions must be finite"):
        solve_rates([[-1.0, 2.0]], [[0.0, 1.0]], [[0.0, np.nan]], argument="payments")
    with pytest.raises(InvalidArgumentError, match=r"^cash_flows: amounts, times and "):
        solve_rates([[-1.0, 2.0]], [[0.0, 1.0, 2.0]])
    with pytest.raises(ConvergenceError, match=r"^rate solver did not converge"):
        solve_rates([[-1.0, 1e300]], [[0.0, 1.0]])


# ------------------------------------------- regressions from the review of the solver


def _days(*iso: str) -> npt.NDArray[np.int64]:
    return np.array([iso], dtype="datetime64[D]").view(np.int64)


@pytest.mark.parametrize("use_fast", [False, True])
def test_flows_on_one_date_are_netted_before_signs_are_counted(use_fast: bool) -> None:
    """An advance and a refund on the same day cancel: no sign change is left, so no
    rate exists (before: a rate of 10**15 from a sum that cancelled to exactly 0)."""
    amounts = np.array([[-100.0, 100.0, 5.0]])
    with pytest.raises(NoSolutionError, match="never change sign"):
        _solve_ticks(amounts, _days("2021-01-01", "2021-01-01", "2022-01-01"), scale=365.0,
                     from_row_start=True, argument="cash_flows", fast=use_fast)
    amounts = np.array([[5.0, -2.0]])  # one date, net +3
    with pytest.raises(NoSolutionError, match="never change sign"):
        _solve_ticks(amounts, _days("2020-01-01", "2020-01-01"), scale=365.0,
                     from_row_start=True, argument="cash_flows", fast=use_fast)


@pytest.mark.parametrize("big", [1e9, 1e12])
@pytest.mark.parametrize("use_fast", [False, True])
def test_large_same_date_flows_that_cancel_keep_full_precision(big: float,
                                                               use_fast: bool) -> None:
    # -big + big - 100 on one date, 110 a year later: 10% (366 days in 2024)
    amounts = np.array([[-big, big, -100.0, 110.0]])
    rate = _solve_ticks(amounts, _days("2024-01-01", "2024-01-01", "2024-01-01",
                                       "2025-01-01"), scale=366.0, from_row_start=True,
                        argument="cash_flows", fast=use_fast)
    assert abs(float(rate[0]) - 0.1) < 1e-13


@pytest.mark.parametrize("use_fast", [False, True])
def test_a_tiny_newton_step_near_minus_100_percent_is_not_convergence(
        use_fast: bool) -> None:
    """+5 at one year, +5 - 8 at two years: one sign change, the root is 1 + r = 0.6
    (5·v + (−3)·v² = 0 with v = 1 / (1 + r) gives v = 5/3), not −100%."""
    amounts = np.array([[0.0, 5.0, 5.0, -8.0]])
    ticks = _days("2020-01-01", "2020-12-31", "2021-12-31", "2021-12-31")
    rate = _solve_ticks(amounts, ticks, scale=366.0, from_row_start=True,
                        argument="cash_flows", fast=use_fast)
    # 2020 is a leap year: 2020-12-31 is day 365 (t = 365/366), 2021-12-31 is day 730
    times = np.array([0.0, 365 / 366, 730 / 366, 730 / 366])
    value, _, size = _npv(amounts[0], times, float(rate[0]))
    assert -0.5 < float(rate[0]) < -0.3
    assert abs(value) <= 1e-12 * size


@pytest.mark.parametrize("use_fast", [False, True])
def test_padding_does_not_turn_into_nan_at_negative_rates(use_fast: bool) -> None:
    amounts = np.array([[-1000.0, 10.0, 10.0] + [0.0] * 400])
    rate = _solve_ticks(amounts, np.arange(403, dtype=np.int64), scale=1.0,
                        from_row_start=False, argument="amounts", fast=use_fast)
    # -1000 + 10 v + 10 v^2 = 0: v = (-1 + sqrt(401)) / 2, r = 1 / v - 1
    v = (-1 + 401**0.5) / 2
    assert abs(float(rate[0]) - (1 / v - 1)) < 1e-12


@pytest.mark.parametrize("use_fast", [False, True])
def test_overflowing_values_are_no_evidence_of_a_root(use_fast: bool) -> None:
    a = np.zeros(259)
    a[0], a[16], a[83], a[90], a[219], a[258] = -500, -43, 12.9, 65.6, -12.4, -47.6
    # f(r) < 0 for r > -1 (exact rational f at 4,408 values of 1 + r from 2e-5 to 40); near
    # -100% the terms overflow to ±inf and their sum is NaN, which is not a sign change
    with pytest.raises(NoSolutionError, match="no rate found"):
        _solve_ticks(a[None, :], np.arange(259, dtype=np.int64), scale=1.0,
                     from_row_start=False, argument="amounts", fast=use_fast)


@pytest.mark.parametrize("use_fast", [False, True])
def test_empty_inputs(use_fast: bool) -> None:
    empty = _solve_ticks(np.zeros((0, 0)), np.zeros(0, dtype=np.int64), scale=1.0,
                         from_row_start=False, argument="amounts", fast=use_fast)
    assert empty.shape == (0,)
    with pytest.raises(NoSolutionError, match=r"rows \[0, 1\]"):
        _solve_ticks(np.zeros((2, 0)), np.zeros(0, dtype=np.int64), scale=1.0,
                     from_row_start=False, argument="amounts", fast=use_fast)


# ------------------------------------------------------------ which method runs


def test_loans_are_solved_by_the_loan_method(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(11)
    amounts = np.zeros((300, 13))
    amounts[:, 0] = -1000.0
    amounts[:, 1:] = np.round(rng.uniform(90, 110, size=(300, 12)), 2)
    expected = irr_many(amounts)

    def refuse(*args: Any, **kwargs: Any) -> Array:
        raise AssertionError("the general method ran")

    monkeypatch.setattr(solver, "_solve_general", refuse)
    assert np.array_equal(irr_many(amounts), expected)
    days = np.cumsum(np.full((300, 13), 30, dtype=np.int64), axis=1)
    xirr_many(amounts, days.astype("datetime64[D]"))


def test_rows_that_are_not_loans_go_to_the_general_method(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Several sign changes, flows on one date, times out of order: the general method
    takes exactly those rows, and names them by their own row numbers."""
    days = np.array([[0, 31, 59, 90]] * 5, dtype=np.int64)
    amounts = np.array([[-100.0, 40.0, 40.0, 40.0]] * 5)
    amounts[1] = [-100.0, 50.0, -10.0, 80.0]     # three sign changes
    days[2] = [0, 0, 59, 90]                     # two flows on the first date
    amounts[2] = [-100.0, 1.0, 60.0, 60.0]
    days[3] = [0, 59, 31, 90]                    # out of order
    seen: list[list[int]] = []
    general = solver._solve_general

    def spy(a: Array, t: Array, f: Array | None, argument: str,
            labels: npt.NDArray[np.intp] | None = None) -> Array:
        seen.append([] if labels is None else labels.tolist())
        return general(a, t, f, argument, labels)

    monkeypatch.setattr(solver, "_solve_general", spy)
    rates = _solve_ticks(amounts, days, scale=365.0, from_row_start=True,
                         argument="cash_flows")
    assert seen == [[1, 2, 3]]
    monkeypatch.setattr(solver, "_solve_general", general)
    alone = [_solve_ticks(amounts[i:i + 1], days[i:i + 1], scale=365.0, from_row_start=True,
                          argument="cash_flows", fast=False)[0] for i in range(5)]
    assert np.all(np.abs(rates - alone) <= 1e-14 * (1 + np.abs(rates)))
    amounts[3] = [5.0, 5.0, 5.0, 5.0]            # no sign change: named as row 3
    with pytest.raises(NoSolutionError, match=r"rows \[3\]"):
        _solve_ticks(amounts, days, scale=365.0, from_row_start=True, argument="cash_flows")


@given(loan_batches(), st.integers(0, 5))
def test_a_rows_rate_does_not_depend_on_its_batch(batch: tuple[Array, npt.NDArray[np.int64]],
                                                  pick: int) -> None:
    amounts, days = batch
    i = pick % amounts.shape[0]
    together = irr_many(amounts)[i]
    alone = irr_many(amounts[i:i + 1, :])[0]
    assert abs(together - alone) <= 5e-14 * (1 + abs(alone))
    dated = days.astype("datetime64[D]")
    together = xirr_many(amounts, dated)[i]
    alone = xirr_many(amounts[i:i + 1], dated[i:i + 1])[0]
    assert abs(together - alone) <= 5e-14 * (1 + abs(alone))


@pytest.mark.parametrize("use_fast", [False, True])
@pytest.mark.parametrize(("advance", "payment", "count"), [
    (100.0, -0.000267512, 295), (15792.0, -1e-14, 549)])
def test_newton_far_from_the_root_of_a_long_stream_bisects(
        use_fast: bool, advance: float, payment: float, count: int) -> None:
    """A loan repaid by tiny payments: the rate is far below 0 (v = 1 / (1 + r) far above
    1), where Newton on a polynomial of degree ``count`` creeps by about v / count a step;
    the bracket is halved instead whenever a step has not halved (it used to run out of
    iterations: ConvergenceError)."""
    amounts = np.array([[advance] + [payment] * count])
    rate = float(_solve_ticks(amounts, np.arange(count + 1, dtype=np.int64), scale=1.0,
                              from_row_start=False, argument="amounts", fast=use_fast)[0])
    # the root, independently: advance = -payment * sum v^k, k = 1..count (geometric sum)
    v = 1.0 / (1.0 + rate)
    total = -payment * v * (v**count - 1.0) / (v - 1.0)
    assert -0.5 < rate < 0 and abs(total - advance) <= 1e-9 * advance


# ----------------------------------------------- regressions from the review of the loan method


def test_an_overflowing_slope_is_no_root() -> None:
    """A 1,000 loan deferred 51 periods, then 209 payments of 602.06: v^k overflowed the
    slope to inf, the Newton step became 0 and the loan method stopped at -93.27% a period
    (the rate is 5%). The step now needs a finite slope, and every root is verified."""
    assert irr(["-1000"] + [0] * 51 + ["602.06"] * 209) == Decimal("0.049999977433")
    rates = solve_rates([[-1.0, 0.11640100282106712, 32.28287618986129]], [[0, 371, 424]])
    general = _solve_ticks(np.array([[-1.0, 0.11640100282106712, 32.28287618986129]]),
                           np.array([[0.0, 371.0, 424.0]]), scale=1.0, from_row_start=False,
                           argument="cash_flows", fast=False)
    assert abs(rates[0] - general[0]) <= 1e-12 and abs(rates[0] - 0.00824154) < 1e-8
    # amounts near the float limit: each column scaled to its largest amount
    golden = (1 + 5**0.5) / 2 - 1  # -1 + v + v^2 = 0 at v = 1 / (1 + r)
    assert abs(solve_rates([[-1e308, 1e308, 1e308]], [[0, 1, 2]])[0] - golden) < 1e-14


@settings(max_examples=60)
@given(st.integers(1, 80), st.integers(20, 300), st.integers(150, 500),
       st.integers(0, 2**32 - 1))
def test_deferred_long_annuities_agree_with_the_general_method(
        deferred: int, payments: int, rate_bp: int, seed: int) -> None:
    """Long streams at high rates (the review found wrong rates there): both methods
    agree, and the rate solves the annuity it was built from."""
    rate = rate_bp / 10_000
    advance = 1000.0
    grown = advance * (1 + rate) ** deferred
    payment = round(grown * rate / (1 - (1 + rate) ** -payments), 2)
    amounts = np.array([[-advance] + [0.0] * deferred + [payment] * payments])
    ticks = np.arange(amounts.shape[1], dtype=np.int64)
    fast = _solve_ticks(amounts, ticks, scale=1.0, from_row_start=False,
                        argument="cash_flows")
    general = _solve_ticks(amounts, ticks, scale=1.0, from_row_start=False,
                           argument="cash_flows", fast=False)
    assert abs(fast[0] - general[0]) <= 1e-12 * (1 + abs(general[0]))
    assert abs(fast[0] - rate) < 1e-4  # the payment was rounded to the cent


def test_padding_dated_before_the_flows_changes_nothing() -> None:
    """Zero flows may carry any date (np.zeros gives 1970-01-01): a stream is measured
    from its earliest flow, so padding neither changes its rate nor its method's
    convergence (it raised ConvergenceError when batched next to a longer stream)."""
    dates = np.zeros((2, 6), dtype="datetime64[D]")
    dates[0, :4] = np.array(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"],
                            dtype="datetime64[D]")
    dates[1] = np.arange(np.datetime64("2024-01-01"), np.datetime64("2024-07-01"),
                         np.timedelta64(31, "D"))[:6]
    amounts = np.zeros((2, 6))
    amounts[0, :4] = [-300, 140, 140, 140]
    amounts[1] = [-500, 100, 100, 100, 100, 150]
    together = xirr_many(amounts, dates)
    alone = xirr_many(amounts[:1, :4], dates[:1, :4])
    assert together[0] == alone[0]
    general = _solve_ticks(amounts, dates.view(np.int64), scale=365.0, from_row_start=True,
                           argument="amounts", fast=False)
    assert np.all(np.abs(general - together) <= 1e-12 * (1 + np.abs(together)))


def test_flows_on_one_date_with_a_zero_between_are_netted() -> None:
    with pytest.raises(NoSolutionError, match="never change sign"):
        xirr_many([[-100, 0, 100]], np.array([["2024-01-01"] * 3], dtype="datetime64[D]"))
    with pytest.raises(NoSolutionError, match="never change sign"):
        _solve_ticks(np.array([[-100.0, 0.0, 100.0]]), _days("2024-01-01", "2024-01-01",
                                                             "2024-01-01"),
                     scale=365.0, from_row_start=True, argument="cash_flows", fast=False)


# 2.2e-313 (a subnormal float, found by the hostile-input soak) made 1 / days infinite
@pytest.mark.parametrize("days", [0, -365, 1e9, float("nan"), "365", True, 2.2250738585e-313,
                                  0.5, 1001])
def test_days_per_year_is_named(days: object) -> None:
    with pytest.raises(InvalidArgumentError, match=r"^days_per_year: must be a number of "
                                                   r"days from 1 to 1000"):
        xirr_many([[-100, 110]], np.array([["2024-01-01", "2025-01-01"]],
                                          dtype="datetime64[D]"),
                  days_per_year=days)  # type: ignore[arg-type]


@given(loan_batches(), st.integers(0, 5))
def test_a_loan_rows_rate_is_the_same_bits_alone_or_batched(
        batch: tuple[Array, npt.NDArray[np.int64]], pick: int) -> None:
    """Loan-method rows are solved column by column with sums in one order whatever the
    block's width: the very same float alone or in a batch (the review found 1 row in
    3,000 whose 12-decimal rate changed with its batch)."""
    amounts, days = batch
    i = pick % amounts.shape[0]
    used = amounts[i] != 0
    assume(bool(np.all(np.diff(days[i][used]) > 0)))  # a loan: the loan method's row
    dated = days.astype("datetime64[D]")
    assert irr_many(amounts)[i] == irr_many(amounts[i:i + 1])[0]
    assert xirr_many(amounts, dated)[i] == xirr_many(amounts[i:i + 1], dated[i:i + 1])[0]


# ------------------------------------------------------------------ mutation testing
# (Killers of mutants that survived `mutmut run`: see docs/explanation/mutation-testing.md.)


def test_solve_rates_error_messages_are_exact() -> None:
    cases: list[tuple[Callable[[], Any], str]] = [
        (lambda: solve_rates([[-1, 2]], [[0, 1, 2]]), "cash_flows: amounts, times and "
         "fractions must have the same shape (got ((1, 2), (1, 3), None))"),
        (lambda: solve_rates([[-1, 2]], [[0, 1]], [[0]], argument="x"), "x: amounts, times "
         "and fractions must have the same shape (got ((1, 2), (1, 2), (1, 1)))"),
        (lambda: solve_rates(np.ones((1, 1, 2)), np.ones((1, 1, 2))),
         "cash_flows: must be a 2-D array (streams, flows) (got (1, 1, 2))"),
        (lambda: solve_rates([[-1, 2]], [[0, 1]], [[0, np.inf]]),
         "cash_flows: fractions must be finite"),
        (lambda: _solve_ticks(np.ones(2), np.ones(2), scale=1.0, from_row_start=False,
                              argument="x"),
         "x: must be a 2-D array (streams, flows) (got (2,))"),
        (lambda: _solve_ticks(np.ones((1, 2)), np.ones(3), scale=1.0, from_row_start=False,
                              argument="x"),
         "x: amounts, times and fractions must have the same shape (got ((1, 2), (3,), None))"),
        (lambda: _solve_ticks(np.ones((1, 2)), np.ones(2), np.ones((2, 2)), scale=1.0,
                              from_row_start=False, argument="x"),
         "x: amounts, times and fractions must have the same shape "
         "(got ((1, 2), (2,), (2, 2)))"),
    ]
    for call, text in cases:
        with pytest.raises(InvalidArgumentError) as info:
            call()
        assert str(info.value) == text
        assert info.value.argument == text.split(":")[0]
    # finite fractions of the right shape are fine
    assert solve_rates([[-1.0, 2.0]], [[0.0, 1.0]], [[0.0, 0.0]])[0] == pytest.approx(1.0)


def test_error_messages_name_at_most_ten_rows() -> None:
    with pytest.raises(NoSolutionError) as info:
        solve_rates([[1.0, 2.0]] * 12, [[0.0, 1.0]] * 12)
    assert str(info.value) == (
        "cash_flows: no rate exists for rows [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]: the cash flows "
        "never change sign (all payments zero, or no advance)")


@pytest.mark.parametrize("use_fast", [False, True])
def test_fractions_give_closed_form_rates(use_fast: bool) -> None:
    # -1000 now, +1105 one period and a half later (simple interest on the half):
    # (1 + r/2)(1 + r) = 1.105, so r/2 r + 3/2 r - 0.105 = 0: r = -1.5 + sqrt(2.46).
    # A second row without a fraction: 1100 a period later, r = 10%.
    amounts = np.array([[-1000.0, 1105.0], [-1000.0, 1100.0], [-500.0, 552.5]])
    times = np.array([[0.0, 1.0], [0.0, 1.0], [0.0, 1.0]])
    fractions = np.array([[0.0, 0.5], [0.0, 0.0], [0.0, 0.5]])
    rates = _solve_ticks(amounts, times, fractions, scale=1.0, from_row_start=False,
                         argument="cash_flows", fast=use_fast)
    root = -1.5 + np.sqrt(2.46)
    assert rates[0] == pytest.approx(root, rel=1e-13)
    assert rates[1] == pytest.approx(0.1, rel=1e-13)
    assert rates[2] == pytest.approx(root, rel=1e-13)
    public = solve_rates(amounts, times, fractions)
    assert np.allclose(public, rates, rtol=1e-13, atol=0)


def test_solve_rates_accepts_exact_numbers_and_ints() -> None:
    from fractions import Fraction

    want = solve_rates([[-1000.0, 1100.0]], [[0.0, 1.0]])
    assert solve_rates([[-1000, 1100]], [[0, 1]])[0] == want[0]
    assert solve_rates([[Fraction(-1000), Decimal(1100)]], [[Fraction(0), Fraction(1)]])[0] == (
        want[0])
    assert solve_rates([-1000, 1100], [0, 1])[0] == want[0]  # one row may be 1-D
    with_fractions = solve_rates([[-1000, 1105]], [[0, 1]], [[Fraction(0), Fraction(1, 2)]])
    assert with_fractions[0] == pytest.approx(-1.5 + np.sqrt(2.46), rel=1e-13)


@pytest.mark.parametrize("use_fast", [False, True])
def test_two_flow_rows_have_closed_form_rates(use_fast: bool) -> None:
    # -P at 0 and Q at t: r = (Q / P) ** (1 / t) - 1, for gains and losses, whole and
    # fractional times, as one batch.
    rng = np.random.default_rng(13)
    p = rng.uniform(10, 10_000, 200)
    q = p * rng.uniform(0.3, 3.0, 200)
    t = np.where(np.arange(200) % 2 == 0, rng.integers(1, 40, 200), rng.uniform(0.1, 30, 200))
    amounts = np.stack([-p, q], axis=1)
    times = np.stack([np.zeros(200), t], axis=1)
    rates = _solve_ticks(amounts, times, scale=1.0, from_row_start=False,
                         argument="cash_flows", fast=use_fast)
    expected = (q / p) ** (1 / t) - 1
    assert np.allclose(rates, expected, rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize("use_fast", [False, True])
def test_two_payment_annuities_have_closed_form_rates(use_fast: bool) -> None:
    # -P, then A at 1 and 2: with v = 1 / (1 + r), A v^2 + A v - P = 0.
    p = np.array([1000.0, 1000.0, 1000.0, 250.0, 10.0])
    a = np.array([600.0, 500.0, 450.0, 200.0, 50.0])
    v = (-a + np.sqrt(a * a + 4 * a * p)) / (2 * a)
    amounts = np.stack([-p, a, a], axis=1)
    rates = _solve_ticks(amounts, np.arange(3, dtype=np.int64), scale=1.0,
                         from_row_start=False, argument="cash_flows", fast=use_fast)
    assert np.allclose(rates, 1 / v - 1, rtol=1e-12, atol=1e-15)
    assert rates[1] == 0.0 or abs(rates[1]) <= 1e-15  # 500 + 500 = 1000: zero exactly


@pytest.mark.parametrize(("rate", "places", "text"), [
    (0.1234567890123456, 12, "0.123456789012"), (1 / 3, 12, "0.333333333333"),
    (0.125, 2, "0.12"), (0.135, 2, "0.14"),   # ties to even on the float's shortest repr
    (-0.0, 12, "0E-12"), (-1e-15, 12, "0E-12"),  # never a negative zero
    (-0.05, 4, "-0.0500"), (12.5, 0, "12"), (2.0, 3, "2.000"),
])
def test_to_decimal_rate(rate: float, places: int, text: str) -> None:
    assert str(solver.to_decimal_rate(rate, places)) == text


def test_to_decimal_rate_refuses_non_finite_rates() -> None:
    for rate in (float("nan"), -float("inf")):
        with pytest.raises(ConvergenceError) as info:
            solver.to_decimal_rate(rate)
        assert str(info.value) == f"the solved rate is not a finite number ({rate!r})"
    with pytest.raises(NoSolutionError, match="too large to express"):
        solver.to_decimal_rate(float("inf"))  # a rate past every float: no solution


def test_to_decimal_rate_defaults_to_twelve_places_at_any_size() -> None:
    assert str(solver.to_decimal_rate(0.1234567890123456)) == "0.123456789012"
    # 33 significant digits: quantized in the solver's own wide context, not the caller's
    assert str(solver.to_decimal_rate(1e20)) == "100000000000000000000.000000000000"


# --------------------------------------------- loans of every shape stay in the loan method


def _loan_cases() -> list[tuple[Array, npt.NDArray[Any], dict[str, Any], Array]]:
    """(amounts, ticks, options, closed-form rates): loans the loan method must take."""
    annuity = 1000 * 0.005 / (1 - 1.005 ** -127)  # 127 payments at 0.5% a period
    long = np.zeros((2, 128))
    long[:, 0] = -1000.0
    long[:, 1:] = annuity
    long[1] *= -1.0  # the lender's view: the same rate
    return [
        # periodic: two-flow rows in a wider matrix, leading zeros, signs reversed (also
        # after a leading zero), amounts of exactly 1 and below 1, a zero rate
        (np.array([[-100.0, 110.0, 0.0, 0.0], [0.0, -100.0, 0.0, 121.0],
                   [100.0, -110.0, 0.0, 0.0], [0.0, 100.0, 0.0, -121.0],
                   [0.0, 0.0, 0.5, -0.55], [-1.0, 1.1, 0.0, 0.0],
                   [-300.0, 100.0, 100.0, 100.0], [-1e200, 1.1e200, 0.0, 0.0]]),
         np.arange(4, dtype=np.int64), {},
         np.array([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.0, 0.1])),
        # 128 flows (a count that does not fit in int8)
        (long, np.arange(128, dtype=np.int64), {}, np.array([0.005, 0.005])),
        # one time row for every stream, not 0, 1, 2, ...: odd ticks, or ticks in halves
        (np.array([[-100.0, 0.0, 121.0], [-100.0, 121.0, 0.0]]),
         np.array([1, 3, 5], dtype=np.int64), {},
         np.array([1.21 ** 0.25 - 1, 0.1])),
        (np.array([[-100.0, 0.0, 121.0], [-100.0, 110.0, 0.0]]),
         np.arange(3, dtype=np.int64), {"scale": 2.0}, np.array([0.21, 0.21])),
        (np.array([[-100.0, 110.0, 0.0], [-100.0, 0.0, 121.0]]),
         np.array([0.0, 365.0, 730.0]), {"scale": 365.0}, np.array([0.1, 0.1])),
        # dated rows, each measured from its own start: a 40% loss in 30 days
        (np.array([[-100.0, 60.0], [-100.0, 110.0]]),
         np.array([[19723, 19753], [19000, 19365]], dtype=np.int64),
         {"scale": 365.0, "from_row_start": True},
         np.array([0.6 ** (365 / 30) - 1, 0.1])),
        # a time row per stream, in days from a common origin
        (np.array([[-100.0, 121.0], [-100.0, 110.0]]), np.array([[0.0, 730.0], [365.0, 730.0]]),
         {"scale": 365.0}, np.array([0.1, 0.1])),
        # one unit lent, one repaid: two flows of size 1, the rate 0
        (np.array([[-1.0, 1.0]]), np.arange(2, dtype=np.int64), {}, np.array([0.0])),
    ]


@pytest.mark.parametrize("case", range(8))
def test_loans_of_every_shape_are_solved_by_the_loan_method(
        case: int, monkeypatch: pytest.MonkeyPatch) -> None:
    amounts, ticks, options, closed = _loan_cases()[case]

    def solve() -> Array:
        return _solve_ticks(amounts.copy(), ticks, scale=options.get("scale", 1.0),
                            from_row_start=options.get("from_row_start", False),
                            argument="cash_flows")

    def refuse(*args: Any, **kwargs: Any) -> Array:
        raise AssertionError("the general method ran")

    monkeypatch.setattr(solver, "_solve_general", refuse)
    rates = solve()
    assert np.all(np.abs(rates - closed) <= 1e-12 * (1 + np.abs(closed))), (rates, closed)


@pytest.mark.parametrize("case", range(8))
def test_loans_of_every_shape_in_the_general_method(case: int) -> None:
    amounts, ticks, options, closed = _loan_cases()[case]
    rates = _solve_ticks(amounts.copy(), ticks, scale=options.get("scale", 1.0),
                         from_row_start=options.get("from_row_start", False),
                         argument="cash_flows", fast=False)
    assert np.all(np.abs(rates - closed) <= 1e-12 * (1 + np.abs(closed))), (rates, closed)


@pytest.mark.parametrize("use_fast", [False, True])
def test_negative_times_in_order_are_refused(use_fast: bool) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        _solve_ticks(np.array([[-1.0, 2.0]]), np.array([-2.0, -1.0]), scale=1.0,
                     from_row_start=False, argument="cash_flows", fast=use_fast)
    assert str(info.value) == "cash_flows: times must not be negative"


@pytest.mark.parametrize("use_fast", [False, True])
def test_same_date_flows_net_from_zero(use_fast: bool) -> None:
    # -0.50 and +0.20 on day 0 are one advance of 0.30; 0.50 back a period later
    rates = _solve_ticks(np.array([[-0.5, 0.2, 0.5]]), np.array([0.0, 0.0, 1.0]), scale=1.0,
                         from_row_start=False, argument="cash_flows", fast=use_fast)
    assert abs(rates[0] - 2 / 3) <= 1e-15


@pytest.mark.parametrize("use_fast", [False, True])
def test_solve_ticks_messages_name_the_argument(use_fast: bool) -> None:
    with pytest.raises(NoSolutionError) as info:
        _solve_ticks(np.zeros((2, 0)), np.zeros(0, dtype=np.int64), scale=1.0,
                     from_row_start=False, argument="amounts", fast=use_fast)
    assert str(info.value) == ("amounts: no rate exists for rows [0, 1]: the cash flows "
                               "never change sign (all payments zero, or no advance)")
    with pytest.raises(InvalidArgumentError) as refused:
        _solve_ticks(np.array([[-1.0, 2.0]]), np.arange(2), np.array([[0.0, np.nan]]),
                     scale=1.0, from_row_start=False, argument="flows", fast=use_fast)
    assert str(refused.value) == "flows: fractions must be finite"
    assert refused.value.argument == "flows"


def test_shape_is_checked_before_dimensions() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        solve_rates(np.ones((1, 1, 2)), np.ones((1, 2)))
    assert str(info.value) == ("cash_flows: amounts, times and fractions must have the same "
                               "shape (got ((1, 1, 2), (1, 2), None))")


def _decimal_root(amounts: list[float], times: list[int], fractions: list[float], lo: str,
                  hi: str) -> Decimal:
    """A root of sum a / ((1 + f r)(1 + r)^t) in [lo, hi] (the floats taken exactly), by
    bisection in 50 digits."""
    from decimal import localcontext

    with localcontext() as ctx:
        ctx.prec = 50

        def f(r: Decimal) -> Decimal:
            return sum((Decimal(a) / ((1 + Decimal(p) * r) * (1 + r) ** t)
                        for a, t, p in zip(amounts, times, fractions, strict=True)),
                       Decimal(0))

        a, b = Decimal(lo), Decimal(hi)
        assert f(a) * f(b) < 0
        for _ in range(170):
            m = (a + b) / 2
            if f(a) * f(m) <= 0:
                b = m
            else:
                a = m
        return +a


@pytest.mark.parametrize("use_fast", [False, True])
def test_the_root_nearest_zero_is_taken_below_the_first_grid_step(use_fast: bool) -> None:
    # (1 + r)^2 - 2.30005 (1 + r) + 1.300065 = 0: roots 0.005% and 30%; the first lies
    # between the grid's first two rates (0 and 0.01%)
    rates = _solve_ticks(np.array([[-1.0, 2.30005, -1.300065]]), np.arange(3),
                         scale=1.0, from_row_start=False, argument="cash_flows",
                         fast=use_fast)
    assert abs(rates[0] - 5e-5) <= 1e-12
    # (1 + r)^2 - 3 (1 + r) + 2 = 0: roots 0 (a grid rate, f(0) = 0 exactly) and 100%
    zero = _solve_ticks(np.array([[-1.0, 3.0, -2.0]]), np.arange(3), scale=1.0,
                        from_row_start=False, argument="cash_flows", fast=use_fast)
    assert abs(zero[0]) <= 1e-12


def test_fractions_choose_the_bracket_of_a_multi_root_stream() -> None:
    # With fractions of a period the stream above has no positive root any more, and
    # its root nearest zero is negative: the grid must be searched with the fractions.
    amounts, fractions = [-1.0, 2.30005, -1.300065], [0.0, 0.5, 0.5]
    reference = _decimal_root(amounts, [0, 1, 2], fractions, "-0.001", "0")
    assert -Decimal("7.6e-5") < reference < Decimal("-7.5e-5")
    rate = solve_rates([amounts], [[0.0, 1.0, 2.0]], [fractions])[0]
    assert abs(Decimal(rate) - reference) <= Decimal("1e-13")  # f(r) cancels to 1e-16


# ------------------------------------------ third pass: the last open survivors


def test_many_rows_of_different_widths_in_the_general_method() -> None:
    # 4,100 rows (from 4,096 on, the general method solves rows grouped by their used
    # width, padding dropped) padded to 41 flows, fractions given so that every row takes
    # the general method; each row's rate in closed form:
    #   a: -100 at t = 30 (30 leading zeros), 110 at t = 40: 1.1^(1/10) - 1
    #   b: -0.5 at t = 0, 1.0 at t = 40 (a last flow of exactly 1): 2^(1/40) - 1
    #   c: -100 at t = 0, 115.5 at t = 1 with half a period at simple interest:
    #      (1 + r)(1 + r/2) = 1.155, r = 0.1
    #   d: -100 at t = 0, 121 at t = 39 (the last flow in an odd column): 1.21^(1/39) - 1
    rows, width = 1025, 41
    amounts = np.zeros((4 * rows, width))
    fractions = np.zeros_like(amounts)
    a, b, c, d = (slice(k * rows, (k + 1) * rows) for k in range(4))
    amounts[a, 30], amounts[a, 40] = -100.0, 110.0
    amounts[b, 0], amounts[b, 40] = -0.5, 1.0
    amounts[c, 0], amounts[c, 1] = -100.0, 115.5
    fractions[c, 1] = 0.5
    amounts[d, 0], amounts[d, 39] = -100.0, 121.0
    times = np.broadcast_to(np.arange(width, dtype=np.float64), amounts.shape)
    rates = solve_rates(amounts, times, fractions)
    expected = np.repeat([1.1 ** 0.1 - 1, 2 ** (1 / 40) - 1, 0.1, 1.21 ** (1 / 39) - 1], rows)
    assert np.all(np.abs(rates - expected) <= 1e-12), (rates[::rows], expected[::rows])


def test_a_block_of_rows_that_are_not_loans_does_not_end_the_loan_method() -> None:
    # 4,096 rows (one whole block of the loan method, rows sorted by their count of
    # flows) with two sign changes, then ten loans of as many flows:
    #   -100 + 252 v - 156.8 v^2: roots 1 + r = 1.12 and 1.4, the smaller taken: 0.12
    #   -100 + 20 v + 120 v^2 (v = 1 / (1 + r)): r = 0.2
    amounts = np.array([[-100.0, 252.0, -156.8]] * 4096 + [[-100.0, 20.0, 120.0]] * 10)
    rates = solve_rates(amounts, np.broadcast_to(np.arange(3.0), amounts.shape))
    assert np.all(np.abs(rates[:4096] - 0.12) <= 1e-12)
    assert np.all(np.abs(rates[4096:] - 0.2) <= 1e-12), rates[4096:]


@pytest.mark.parametrize("use_fast", [False, True])
def test_every_later_date_is_netted_from_zero(use_fast: bool) -> None:
    # 1 at t = 0, then -0.8 and +0.3 at t = 1: a net -0.5 a period later,
    # 1 - 0.5 / (1 + r) = 0, r = -0.5 (the second date's net starts from 0 too)
    rates = _solve_ticks(np.array([[1.0, -0.8, 0.3]]), np.array([0.0, 1.0, 1.0]),
                         scale=1.0, from_row_start=False, argument="cash_flows",
                         fast=use_fast)
    assert abs(rates[0] + 0.5) <= 1e-15


@pytest.mark.parametrize("use_fast", [False, True])
def test_a_later_date_whose_flows_cancel_has_no_rate(use_fast: bool) -> None:
    # row 1: -2 at t = 0, then +1 and -1 at t = 1 (a flow of exactly 1): net, the
    # stream is one advance and nothing back, so no rate exists (not "none found" on
    # the grid of the un-netted -2, +1, -1); row 0 (a plain loan, no shared date) is
    # not netted and does not hide row 1's shared date
    amounts = np.array([[-1.0, 0.0, 1.21], [-2.0, 1.0, -1.0]])
    times = np.array([[0.0, 1.0, 2.0], [0.0, 1.0, 1.0]])
    with pytest.raises(NoSolutionError) as info:
        _solve_ticks(amounts, times, scale=1.0, from_row_start=False,
                     argument="cash_flows", fast=use_fast)
    assert str(info.value) == ("cash_flows: no rate exists for rows [1]: the cash flows "
                               "never change sign (all payments zero, or no advance)")


@pytest.mark.parametrize("use_fast", [False, True])
def test_a_root_of_exactly_0_and_a_second_root_on_the_first_grid_step(
        use_fast: bool) -> None:
    # The amounts sum to 0 exactly, so r = 0 is a root, the root nearest zero: it is
    # taken whether the second root lies inside the grid's first interval [0, 0.01%] or
    # past it (before the fix, a second root inside the interval was taken instead).
    #   -100000 (1+r)^2 + 200007 (1+r) - 100007 = -100000 (g - 1)(g - 1.00007), g = 1 + r:
    #   the second root 0.007% lies inside the interval
    def solve(amounts: list[float]) -> float:
        return float(_solve_ticks(np.array([amounts]), np.arange(3), scale=1.0,
                                  from_row_start=False, argument="cash_flows",
                                  fast=use_fast)[0])

    assert solve([-100000.0, 200007.0, -100007.0]) == 0.0
    #   -20000 (g - 1)(g - 1.00015): the second root 0.015% lies past the interval, where
    #   f is positive but already falling (f(0.01%) > 0 > f'(0.01%)): the root 0 is taken
    #   (to 1e-11: f'(0) = 3 against terms of 2e4, float sums carry about 4e-12 of noise)
    assert abs(solve([-20000.0, 40003.0, -20003.0])) <= 1e-11


def test_fractions_decide_which_end_of_the_first_grid_step_holds_the_root() -> None:
    # The stream above (roots 0 and 0.005%) with a tenth of a period at simple interest
    # on its last flow: the amounts still sum to 0 (r = 0 is a root), but f(0.01%) is now
    # +0.19987 instead of -0.0001 (by hand: -20000 + 40001 / 1.0001 - 20001 /
    # (1.0001^2 (1 + 0.00001))), so the second root lies past the interval and 0 is taken.
    amounts, fractions = [-20000.0, 40001.0, -20001.0], [0.0, 0.0, 0.1]
    value, _ = solver._value(np.array([1e-4]), np.array([amounts]),
                             np.array([[0.0, 1.0, 2.0]]), np.array([fractions]))
    assert 0.1998 < value[0] < 0.1999
    rate = solve_rates([amounts], [[0.0, 1.0, 2.0]], [fractions])[0]
    assert abs(rate) <= 1e-12


def test_a_loan_the_loan_method_does_not_finish_is_solved_by_the_general_method() -> None:
    # An advance of 1,200 repaid over 8,900 days in five uneven payments: the loan
    # method's Newton iteration on x = ln(1 + r) does not finish within its 60 steps
    # here (it is still near r = -1.2 % then), so the row must go to the general
    # method rather than keep that point. The rate per day, by 50-digit bisection:
    amounts = [-1200.0, 14000.0, 40000.0, 30000.0, 17000.0, 50000.0]
    days = [0, 2600, 5800, 7100, 7200, 8900]
    reference = _decimal_root(amounts, days, [0.0] * 6, "0.0009", "0.0011")
    assert Decimal("0.00100189693") < reference < Decimal("0.00100189694")
    rate = solve_rates([amounts], [[float(d) for d in days]])[0]
    assert abs(Decimal(rate) - reference) <= Decimal("1e-15")


# ------------------------------------------ a root of exactly 0 (issue 13, fourth pass)


@pytest.mark.parametrize("use_fast", [False, True])
@pytest.mark.parametrize(("second", "amounts"), [
    # -100000 (g - 1)(g - g2), g = 1 + r, g2 = 1 + second: the amounts -100000,
    # 100000 (1 + g2), -100000 g2 sum to 0 exactly in float64 (whole numbers)
    ("0.003% (below the first interval's midpoint)", [-100000.0, 200003.0, -100003.0]),
    ("0.007% (above it)", [-100000.0, 200007.0, -100007.0]),
    ("0.015% (past the first interval)", [-20000.0, 40003.0, -20003.0]),
    ("-0.005% (on the negative side)", [-100000.0, 199995.0, -99995.0]),
    ("100%", [-1.0, 3.0, -2.0]),
])
def test_a_stream_whose_flows_sum_to_0_has_the_rate_0(second: str, amounts: list[float],
                                                      use_fast: bool) -> None:
    # f(0) = sum of the amounts = 0 exactly: 0 is a root and the one nearest zero, so it
    # is the rate whatever the place of the second root (before the fix a second root
    # inside (0, 0.01%) was returned instead, one past 0.01% was not); exactly 0: the
    # search starts at 0 and f(0) = 0 ends it
    assert math.fsum(amounts) == 0.0
    rate = _solve_ticks(np.array([amounts]), np.arange(3), scale=1.0,
                        from_row_start=False, argument="cash_flows", fast=use_fast)
    assert rate.tolist() == [0.0], second



def test_streams_of_no_flows_measured_from_their_start_have_no_rate() -> None:
    # xirr_many measures each stream from its earliest date: streams of no flows at all
    # (shape (2, 0)) have no earliest date, and no rate (before the fix: a bare
    # ValueError from numpy's min of an empty row)
    with pytest.raises(NoSolutionError) as info:
        xirr_many(np.zeros((2, 0)), np.zeros((2, 0), dtype="datetime64[D]"))
    assert str(info.value) == ("amounts: no rate exists for rows [0, 1]: the cash flows "
                               "never change sign (all payments zero, or no advance)")
    # a stream of zeros beside a loan, dated before 1970 (negative day numbers): its
    # times are all 0 whatever its start, and the loan is solved from its own start
    dates = np.array([["1960-01-01", "1961-01-01"], ["1950-06-01", "1951-06-01"]],
                     dtype="datetime64[D]")
    with pytest.raises(NoSolutionError) as info:
        xirr_many([[-100.0, 110.0], [0.0, 0.0]], dates, days_per_year=366)
    assert "rows [1]" in str(info.value)
    assert xirr_many([[-100.0, 110.0]], dates[:1], days_per_year=366).round(12).tolist() \
        == [0.1]
