"""The solver's internals pinned exactly: the first guess, the Newton driver, which method
solves a row and how many evaluations it takes, the general method's width groups, the
verification and plausibility bounds, the time arithmetic and the refusals.

A wrong rate cannot show most of these: the loan method hands every row it does not
finish to the general method, which then finds the right rate anyway, so a broken Horner
step or a tolerance that never trusts a Newton step changes only *how* the rate is found.
These tests pin the how (mutation testing, issue 13: docs/explanation/mutation-testing.md).
Expected values are exact binary fractions worked by hand, or 60-digit Decimal roots.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from bnpl_restructure import solver
from bnpl_restructure.errors import (
    ConvergenceError,
    InvalidArgumentError,
    NoSolutionError,
)
from bnpl_restructure.solver import _solve_ticks, solve_rates, to_decimal_rate

Array = npt.NDArray[np.float64]


def _reference_rate(amounts: list[float], times: list[float]) -> float:
    """The rate of a loan (one sign change) by 60-digit Decimal bisection on ln(1 + r)."""
    with localcontext() as ctx:
        ctx.prec = 60
        flows = [(Decimal(a), Decimal(t)) for a, t in zip(amounts, times, strict=True) if a]
        sign = 1 if flows[0][0] < 0 else -1

        def f(x: Decimal) -> Decimal:  # increasing in x for a loan
            return sign * sum((a * (-t * x).exp() for a, t in flows), Decimal(0)) * -1

        lo, hi = Decimal(-5), Decimal(5)
        for _ in range(200):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if f(mid) < 0 else (lo, mid)
        return float(((lo + hi) / 2).exp() - 1)


class _Trace:
    """Records every run of the Newton driver (its points, per column) and every call of
    the two methods."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.runs: list[dict[str, Any]] = []
        self.general: list[int] = []
        self.methods: list[str] = []
        driver = solver._bracketed_newton
        general = solver._solve_general
        horner, exp = solver._horner_newton, solver._exp_newton

        def traced(evaluate: Callable[[Array], tuple[Array, Array]], point: Array,
                   lo: Array, hi: Array, **options: Any) -> Any:
            points: list[Array] = []

            def counted(x: Array) -> tuple[Array, Array]:
                points.append(x.copy())
                return evaluate(x)

            out = driver(counted, point, lo, hi, **options)
            self.runs.append({"points": points, "done": out[1].copy(), **options})
            return out

        def spy_general(a: Array, *args: Any, **kwargs: Any) -> Array:
            self.general.append(a.shape[0])
            return general(a, *args, **kwargs)

        def spy_horner(block: Array) -> Any:
            self.methods.append("horner")
            return horner(block)

        def spy_exp(block: Array, times: Array) -> Any:
            self.methods.append("exp")
            return exp(block, times)

        monkeypatch.setattr(solver, "_bracketed_newton", traced)
        monkeypatch.setattr(solver, "_solve_general", spy_general)
        monkeypatch.setattr(solver, "_horner_newton", spy_horner)
        monkeypatch.setattr(solver, "_exp_newton", spy_exp)


@pytest.fixture
def trace(monkeypatch: pytest.MonkeyPatch) -> _Trace:
    return _Trace(monkeypatch)


def _solve(amounts: Array, ticks: npt.NDArray[Any], *, scale: float = 1.0,
           from_row_start: bool = False) -> Array:
    return _solve_ticks(amounts, ticks, scale=scale, from_row_start=from_row_start,
                        argument="cash_flows")


# ------------------------------------------------------------------ the first guess


def test_first_guess_is_the_simple_interest_rate_of_periodic_columns() -> None:
    # columns (flows, rows), advances negative; binary fractions, so every value is exact
    block = np.array([[-64.0, -100.0, -64.0, -64.0],
                      [80.0, 75.0, 0.0, 1.0],
                      [0.0, 75.0, 1e6, 0.0]])
    guess, size = solver._first_guess(block.copy(), None)
    # 80/64 − 1 over 1 period; 150/100 − 1 over the mean time 1.5; 10 and −0.9 are clips
    assert guess.tolist() == [0.25, 1 / 3, 10.0, -0.9]
    assert size.tolist() == [144.0, 250.0, 1000064.0, 65.0]


def test_first_guess_of_dated_columns_measures_from_the_advances() -> None:
    # one advance at t = 2, repaid at t = 4: 72/64 − 1 over 2 periods
    alone = solver._first_guess(np.array([[-64.0], [72.0]]), np.array([[2.0], [4.0]]))[0]
    assert alone.tolist() == [0.0625]
    # two advances (t = 0 and 1, mean 0.5), repaid at t = 3: 160/128 − 1 over 2.5 periods
    block = np.array([[-64.0, -64.0], [72.0, -64.0], [0.0, 160.0]])
    times = np.array([[2.0, 0.0], [4.0, 1.0], [0.0, 3.0]])
    assert solver._first_guess(block, times)[0].tolist() == [0.0625, 0.1]
    assert solver._first_guess(block[:, 1:].copy(), times[:, 1:].copy())[0].tolist() == [0.1]


def test_first_guess_without_a_time_lag_is_zero() -> None:
    # repaid at the advance's own time (the general method sees such streams): no rate
    # of simple interest, the guess is 0, quietly, whether the gain is 0.25 / 0 or 0 / 0
    block = np.array([[-64.0, -64.0, -64.0], [80.0, 80.0, 64.0]])
    times = np.array([[1.0, 0.0, 2.0], [1.0, 1.0, 2.0]])
    assert solver._first_guess(block, times)[0].tolist() == [0.0, 0.25, 0.0]


# ------------------------------------------------- checks on what the loan method found


def test_verified_allows_1e_9_per_flow_of_the_size_and_nothing_more() -> None:
    bound = 1e-9 * 10 * 100.0
    values = np.array([bound, -bound, np.nextafter(bound, 1.0), 0.0, 1.0, np.nan, 0.0])
    sizes = np.array([100.0, 100.0, 100.0, np.inf, np.inf, 100.0, np.nan])
    assert solver._verified(values, sizes, 10).tolist() == [
        True, True, False, False, False, False, False]


def test_plausible_rates_lie_strictly_inside_the_loan_methods_range() -> None:
    rates = np.array([-0.9999, np.nextafter(-0.9999, 0.0), 0.0, np.nextafter(1e4, 0.0), 1e4,
                      np.nan, np.inf])
    assert solver._plausible(rates).tolist() == [False, True, True, True, False, False,
                                                 False]


# ------------------------------------------------------------ f and f' of a stream


def test_value_and_slope_with_and_without_fractions() -> None:
    amounts = np.array([[-1000.0, 400.0, 700.0]])
    times = np.array([[0.0, 1.0, 2.5]])
    fractions = np.array([[0.0, 0.25, 0.5]])
    r = 0.07
    for frac in (None, fractions):
        q = [0.0, 0.0, 0.0] if frac is None else fractions[0].tolist()
        value = sum(a / ((1 + f * r) * (1 + r) ** t)
                    for a, t, f in zip(amounts[0], times[0], q, strict=True))
        slope = sum(-a * (t / (1 + r) + f / (1 + f * r)) / ((1 + f * r) * (1 + r) ** t)
                    for a, t, f in zip(amounts[0], times[0], q, strict=True))
        got_value, got_slope = solver._value(np.array([r]), amounts, times, frac)
        assert got_value[0] == pytest.approx(value, rel=1e-13)
        assert got_slope[0] == pytest.approx(slope, rel=1e-13)


# ------------------------------------------------------- brackets of several roots


def test_bracket_on_grid_takes_the_interval_of_the_root_nearest_zero() -> None:
    # roots 15% and 25% (positive side first); −15% and −30%; and flows summing to 0
    amounts = np.array([[-100.0, 240.0, -143.75], [-100.0, 155.0, -59.5],
                        [-100.0, 250.0, -150.0]])
    times = np.tile([0.0, 1.0, 2.0], (3, 1))
    lo, hi, sign_lo, found = solver._bracket_on_grid(amounts, times, None, np.arange(3))
    assert lo.tolist() == [0.1, -0.2, 0.0]
    assert hi.tolist() == [0.2, -0.1, 0.0]
    # f at the lower end: −0.62 at 10 %, +0.78 at −20 %; none for a rate of 0
    assert sign_lo.tolist() == [-1.0, 1.0, 0.0]
    assert found.tolist() == [True, True, True]
    rates = solve_rates(amounts, times)
    assert rates[:2] == pytest.approx([0.15, -0.15], rel=1e-12)
    assert rates[2] == 0.0


def test_a_grid_point_that_is_a_root_gives_the_sign_of_the_other_end() -> None:
    # 1 − 6v + 8v² = (2v − 1)(4v − 1): roots 100 % and 300 %, f(1.0) = 0 exactly
    # (v = 0.5), reached as the upper end of [0.75, 1], where f(0.75) = 5/9 > 0;
    # 10 − 7v + v² = (v − 2)(v − 5): roots −50 % and −80 %, f(−0.5) = 0 exactly, reached
    # as the lower end of [−0.5, −0.35], where f(−0.35) = 1.6 > 0: the lower end keeps
    # −1, so that every point inside, where f > 0, moves the upper end down to −50 %
    amounts = np.array([[1.0, -6.0, 8.0], [-1.0, 6.0, -8.0], [10.0, -7.0, 1.0]])
    times = np.tile([0.0, 1.0, 2.0], (3, 1))
    lo, hi, sign_lo, found = solver._bracket_on_grid(amounts, times, None, np.arange(3))
    assert lo.tolist() == [0.75, 0.75, -0.5] and hi.tolist() == [1.0, 1.0, -0.35]
    assert sign_lo.tolist() == [1.0, -1.0, -1.0]
    assert found.all()
    assert solve_rates(amounts, times) == pytest.approx([1.0, 1.0, -0.5], rel=1e-14)


# --------------------------------------------------------------- the Newton driver


def _drive(evaluate: Callable[[Array], tuple[Array, Array]], point: float, lo: float,
           hi: float, **options: Any) -> tuple[list[float], bool, float, float]:
    points: list[float] = []

    def counted(x: Array) -> tuple[Array, Array]:
        points.append(float(x[0]))
        return evaluate(x)

    settings: dict[str, Any] = {
        "tol": 1e-12, "relative": False, "widen": lambda x, lo, hi: x + 1.0,
        "bisect": lambda lo, hi: 0.5 * (lo + hi)}
    settings.update(options)
    x, done, at_finish = solver._bracketed_newton(
        counted, np.array([point]), np.array([lo]), np.array([hi]), **settings)
    return points, bool(done[0]), float(at_finish[0]), float(x[0])


def test_newton_solves_a_line_in_one_step() -> None:
    points, done, at_finish, x = _drive(lambda x: (2.0 * (x - 0.375), 2.0 + 0 * x), 0.0,
                                        -math.inf, math.inf)
    assert (points, done, at_finish, x) == ([0.0, 0.375], True, 0.0, 0.375)


def test_newton_widens_an_open_bracket_where_the_slope_is_not_finite() -> None:
    def line(x: Array) -> tuple[Array, Array]:
        return x - 5.0, np.where(x < 1.0, np.nan, 1.0)
    points, done, _, x = _drive(line, 0.0, -math.inf, math.inf)
    assert (points, done, x) == ([0.0, 1.0, 5.0], True, 5.0)


def test_newton_bisects_a_closed_bracket_when_its_step_leaves_it() -> None:
    # f(x) = x³ − 0.125 from x = 2 (lo = 0 known): the Newton step 2 − 7.875/12 stays
    # inside; from the closed bracket a step that does not halve is replaced by bisection
    def cube(x: Array) -> tuple[Array, Array]:
        return x ** 3 - 0.125, 3 * x ** 2
    points, done, at_finish, x = _drive(cube, 2.0, 0.0, math.inf, tol=1e-15)
    assert done and abs(x - 0.5) <= 1e-15
    assert points[:3] == [2.0, 2.0 - 7.875 / 12.0, points[2]]
    assert len(points) <= 9
    assert abs(at_finish) <= 1e-14


def test_newton_stops_at_a_bracket_narrower_than_1e_15() -> None:
    # a slope of 0 gives no Newton step: bisection until the bracket closes
    points, done, _, x = _drive(lambda x: (x - 0.3, 0 * x), 0.0, 0.0, 1.0)
    assert done
    assert 49 <= len(points) <= 52
    assert abs(x - 0.3) <= 1e-15


def test_newton_gives_up_after_60_evaluations() -> None:
    # no root: f is negative everywhere and the bracket stays open
    points, done, _, _ = _drive(lambda x: (-1.0 + 0 * x, 0 * x), 0.0, -math.inf, math.inf)
    assert (len(points), done) == (60, False)
    assert points[:3] == [0.0, 1.0, 2.0]


# ------------------------------------------------------ which method solves a row


_SCHEDULE = [-1000.0] + [88.85] * 12
_DAYS = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365]


def test_a_periodic_loan_is_solved_by_horner_in_a_few_steps(trace: _Trace) -> None:
    rate = _solve(np.array([_SCHEDULE]), np.arange(13, dtype=np.int64))[0]
    # r = 1/v − 1 is exact to v's last bit: about 1e-16 × (1 + r) absolute
    assert abs(rate - _reference_rate(_SCHEDULE, list(range(13)))) <= 2e-16
    assert trace.methods == ["horner"] and trace.general == []
    (run,) = trace.runs
    assert run["relative"] is True and run["done"].tolist() == [True]
    # the first guess v = 1 / (1 + r0), then Newton: five evaluations in all
    r0 = (88.85 * 12 / 1000 - 1) / 6.5
    assert run["points"][0].tolist() == [1 / (1 + r0)]
    assert len(run["points"]) <= 5


def test_a_dated_loan_is_solved_by_exp_newton_in_a_few_steps(trace: _Trace) -> None:
    rate = _solve(np.array([_SCHEDULE]), np.array(_DAYS, dtype=np.int64), scale=365.0)[0]
    reference = _reference_rate(_SCHEDULE, [d / 365 for d in _DAYS])
    assert abs(rate - reference) <= 2e-16
    assert trace.methods == ["exp"] and trace.general == []
    (run,) = trace.runs
    assert run["relative"] is False and run["done"].tolist() == [True]
    mean = sum(_DAYS[1:]) / 12 / 365
    assert run["points"][0] == pytest.approx([math.log1p((88.85 * 12 / 1000 - 1) / mean)],
                                             rel=1e-15)
    assert len(run["points"]) <= 5


@pytest.mark.parametrize(("ticks", "options", "method"), [
    (np.arange(13, dtype=np.int64), {}, "horner"),
    (np.arange(13, dtype=np.float64), {}, "exp"),                 # float times: dated
    (np.arange(13, dtype=np.int64) + 1, {}, "exp"),               # not 0, 1, 2, ...
    (np.arange(13, dtype=np.int64), {"scale": 12.0}, "exp"),      # not unit periods
    (np.arange(13, dtype=np.int64), {"from_row_start": True}, "exp"),
    (np.arange(13, dtype=np.int64)[None, :], {}, "exp"),          # a time row per stream
])
def test_only_unit_periods_from_zero_shared_by_every_row_take_horner(
        trace: _Trace, ticks: npt.NDArray[Any], options: dict[str, Any],
        method: str) -> None:
    _solve(np.array([_SCHEDULE]), ticks, **options)
    assert trace.methods == [method] and trace.general == []


def test_a_loan_whose_advance_is_below_one_is_normalised(trace: _Trace) -> None:
    # repayments negative, the advance positive and below 1: still a loan
    rate = _solve(np.array([[0.5, -0.25, -0.46875]]), np.arange(3, dtype=np.int64))[0]
    assert trace.general == [] and trace.methods == ["horner"]
    assert rate == pytest.approx(0.25, rel=1e-15)  # 0.5 = 0.25/1.25 + 0.46875/1.5625


def test_loans_of_enormous_amounts_stay_in_the_loan_method(trace: _Trace) -> None:
    amounts = np.array([[-1e306, 1.1e306], [-1e306, 1.21e306]])
    ticks = np.array([[0, 1], [0, 2]], dtype=np.int64)
    rates = _solve(amounts, ticks)
    assert rates == pytest.approx([0.1, 0.1], rel=1e-14)
    assert trace.general == []


# ------------------------------------------- the general method's groups by width


def test_many_rows_are_solved_in_groups_of_their_used_width(
        monkeypatch: pytest.MonkeyPatch) -> None:
    widths: list[tuple[int, int]] = []
    newton = solver._newton

    def spy(a: Array, *args: Any) -> Any:
        widths.append(a.shape)
        return newton(a, *args)

    monkeypatch.setattr(solver, "_newton", spy)
    amounts = np.zeros((4096, 21))
    amounts[:, 0] = -1000.0
    amounts[:2048, 1:8] = 160.0      # used width 8: one group of width 8
    amounts[2048:, 1:20] = 60.0      # used width 20: a group of width 24, capped at 21
    times = np.tile(np.arange(21.0), (4096, 1))
    rates = _solve_ticks(amounts, times, scale=1.0, from_row_start=False,
                         argument="cash_flows", fast=False)
    assert widths == [(2048, 8), (2048, 21)]
    assert rates[0] == pytest.approx(_reference_rate([-1000.0] + [160.0] * 7,
                                                     list(range(8))), rel=1e-14)
    assert rates[-1] == pytest.approx(_reference_rate([-1000.0] + [60.0] * 19,
                                                      list(range(20))), rel=1e-14)
    widths.clear()
    _solve_ticks(amounts[:4095], times[:4095], scale=1.0, from_row_start=False,
                 argument="cash_flows", fast=False)
    assert widths == [(4095, 21)]  # fewer rows: one group, padding and all


# ------------------------------------------------------------------ time arithmetic


def test_times_from_each_rows_start_keep_nanosecond_ticks_exact() -> None:
    start = 1_700_000_000_000_000_000  # a date as nanoseconds since 1970 (about 2**60.6)
    ticks = np.array([[start, start + 1, start + 3]], dtype=np.int64)
    amounts = np.array([[-1.0, 0.0, 1.5]])
    times = solver._times(amounts, ticks, 1.0, True)
    assert times.tolist() == [[0.0, 0.0, 3.0]]  # the zero flow (padding) at time 0


def test_float_ticks_past_int64_are_measured_from_the_rows_start() -> None:
    times = solver._times(np.array([[-1.0, 2.0]]), np.array([[2e19, 3e19]]), 1e19, True)
    assert times.tolist() == [[0.0, 1.0]]


def test_one_shared_time_row_is_measured_from_each_rows_start() -> None:
    amounts = np.array([[-1.0, 2.0, 0.0], [0.0, -1.0, 2.0]])
    shared = np.array([10, 11, 13], dtype=np.int64)
    assert solver._times(amounts, shared, 1.0, True).tolist() == [[0.0, 1.0, 0.0],
                                                                  [0.0, 0.0, 2.0]]
    assert solver._times(amounts, shared, 2.0, False).tolist() == [[5.0, 5.5, 6.5]] * 2


def test_times_from_a_rows_start_past_float_range_are_refused_as_not_finite() -> None:
    # float ticks −1e308 and 1e308: 2e308 from the row's start overflows to inf, quietly
    # (no RuntimeWarning: the pytest configuration turns one into an error), and the
    # general method refuses it
    ticks = np.array([[-1e308, 1e308]])
    assert solver._times(np.array([[-100.0, 110.0]]), ticks, 1.0, True).tolist() == [
        [0.0, math.inf]]
    with pytest.raises(InvalidArgumentError, match="amounts and times must be finite"):
        _solve_ticks(np.array([[-100.0, 110.0]]), ticks, scale=1.0, from_row_start=True,
                     argument="cash_flows")


# ------------------------------------------------------- magnitudes at float's edges


def _root_of_tiny_repayment(periods: int) -> float:
    """The rate at which 1 advanced at 0 is repaid by the float 1e-315 (a subnormal,
    read exactly) at ``periods``: (1 + r)^periods = 1e-315, to 50 digits."""
    with localcontext() as ctx:
        ctx.prec = 50
        return float(Decimal.from_float(1e-315) ** (Decimal(1) / periods) - 1)


@pytest.mark.parametrize("sign", [1.0, -1.0])  # the borrower's signs or the lender's
@pytest.mark.parametrize("step", [1.0, 2.0])
@pytest.mark.parametrize("fast", [True, False])
def test_a_tiny_repayment_whose_discount_factor_alone_overflows(step: float, fast: bool,
                                                                sign: float) -> None:
    """1 advanced, 1e-315 repaid 100 periods later (every flow at a time step apart): at
    the root (1 + r)^−100 is about 1e315, past float range, although the term
    1e-315 × (1 + r)^−100 is 1. f is computed in logarithms there; before, the solver
    took the rate where the factor overflowed for the root (−99.917 % for −99.929 %)."""
    amounts = np.zeros((1, 101))
    amounts[0, 0], amounts[0, 100] = -sign, sign * 1e-315
    times = np.arange(101.0)[None, :] * step
    rate = _solve_ticks(amounts, times, scale=1.0, from_row_start=False,
                        argument="cash_flows", fast=fast)
    assert abs(rate[0] - _root_of_tiny_repayment(int(100 * step))) <= 1e-12


def test_value_of_a_row_past_float_range_is_scaled_keeping_its_sign_and_ratio() -> None:
    # at −99.95 % over 100 periods the factor is (1 / 0.0005)^100 = 1.27e330: 1e300
    # repaid is 1.27e630, past float range, so that row is scaled by a positive factor
    # (f / f' and the sign are what the solver reads); 1e-315 is 1.27e15, exact, and a
    # repayment of exactly 1 (the lender's signs) its negative
    amounts = np.array([[-1.0, 1e300, 0.0], [-1.0, 1e-315, 0.0], [1.0, -1e-315, 0.0]])
    times = np.array([[0.0, 100.0, 7.0]] * 3)
    rate = np.full(3, -0.9995)
    value, slope = solver._value(rate, amounts, times, None)
    with localcontext() as ctx:
        ctx.prec = 50
        growth = 1 + Decimal.from_float(-0.9995)
        huge = Decimal.from_float(1e300) / growth ** 100
        # f = −1 + A, f' = −100 A / (1 + r): f / f' = −(1 + r)(A − 1) / (100 A)
        ratio = float(-growth * (huge - 1) / (100 * huge))
        expected = float(-1 + Decimal.from_float(1e-315) / growth ** 100)
    assert value[0] > 0 and math.isfinite(value[0])
    assert value[0] / slope[0] == pytest.approx(ratio, rel=1e-12)
    assert value[1:].tolist() == pytest.approx([expected, -expected], rel=1e-12)


def test_rows_past_float_range_are_scaled_each_by_its_own_factor() -> None:
    # two rows past float range at −99.95 % (factor 2000^t): a repayment of exactly 1
    # after 100 periods (1.27e330) against −1e-300 now, and −1e300 after 300 periods
    # (about e^2971) against 5 now; each row's sign and f / f' (−(1 + r)/100 and
    # −(1 + r)/300, the other terms negligible) survive the scaling, also for the first
    # row, whose largest term is e^2211 times smaller than the second row's
    amounts = np.array([[1.0, -1e-300, 0.0], [-1e300, 5.0, 0.0]])
    times = np.array([[100.0, 0.0, 3.0], [300.0, 0.0, 3.0]])
    value, slope = solver._value(np.full(2, -0.9995), amounts, times, None)
    assert value[0] > 0 > value[1] and np.isfinite(value).all()
    growth = 1 - 0.9995
    assert (value / slope).tolist() == pytest.approx([-growth / 100, -growth / 300],
                                                       rel=1e-12)


def test_the_logarithmic_path_divides_by_the_fractions_simple_interest() -> None:
    # the lender's signs: 1 now, −1e-315 after 100 periods and half a period more, at
    # −99.95 %: f = 1 − 1e-315 × 2000^100 / (1 − 0.5 × 0.9995), and f' by the same terms
    amounts, times = np.array([[1.0, -1e-315]]), np.array([[0.0, 100.0]])
    fractions = np.array([[0.0, 0.5]])
    value, slope = solver._value(np.array([-0.9995]), amounts, times, fractions)
    with localcontext() as ctx:
        ctx.prec = 60
        rate = Decimal.from_float(-0.9995)
        simple = 1 + Decimal("0.5") * rate
        term = -Decimal.from_float(1e-315) / (1 + rate) ** 100 / simple
        expected = (float(1 + term), float(-(term * 100 / (1 + rate) + term * Decimal("0.5")
                                               / simple)))
    assert (value[0], slope[0]) == pytest.approx(expected, rel=1e-12)


def test_a_double_root_at_0_is_the_rate_0() -> None:
    # −1 + 2v − v² = −(1 − v)²: f(0) = 0 and f'(0) = 0, a Newton step of 0 / 0, quietly
    assert solve_rates([[-1.0, 2.0, -1.0]], [[0.0, 1.0, 2.0]]).tolist() == [0.0]


def test_a_first_guess_past_float_range_is_0_quietly() -> None:
    # 1e300 repaid on 1e-300: a gain of 1e600, past float range; no guess, no warning
    guess, size = solver._first_guess(np.array([[-1e-300], [1e300]]), None)
    assert guess.tolist() == [0.0] and size.tolist() == [1e300]


def test_a_row_whose_terms_overflow_only_at_the_grid_is_solved() -> None:
    # −1e-27 at 128, −1e-207 at 159, +7.2e-266 at 226 (two sign changes, one root near
    # −99.63 %): on the way there the terms pass 1e308; unscaled they were NaN, taken
    # for the upper side, and the bracket collapsed onto −100 % (or −95.7 % before the
    # logarithms). Against a 50-digit bisection of the same equation
    amounts = [-9.89680696640344e-28, -1.0806305638804137e-207, 7.212346420156142e-266]
    times = [128.0, 159.0, 226.0]
    with localcontext() as ctx:
        ctx.prec = 50
        flows = [(Decimal.from_float(a), Decimal.from_float(t))
                 for a, t in zip(amounts, times, strict=True)]

        def f(x: Decimal) -> Decimal:  # in x = ln(1 + r)
            return sum((a * (-t * x).exp() for a, t in flows), Decimal(0))

        lo, hi = Decimal("-5.9"), Decimal("-5.2")  # f(lo) > 0 > f(hi)
        assert f(lo) > 0 > f(hi)
        for _ in range(200):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if f(mid) > 0 else (lo, mid)
        expected = float(lo.exp() - 1)
    assert solve_rates([amounts], [times])[0] == pytest.approx(expected, abs=1e-12)


def test_flows_that_start_late_have_no_false_root_where_every_factor_underflows() -> None:
    # −1 + v − v² < 0 for every v: no rate. Measured from period 100, every factor
    # (1 + r)^−t underflowed to 0 at the grid's 10,000 %, f was exactly 0 there, and the
    # solver returned 5,500 % (the middle of the grid step) for a root
    with pytest.raises(NoSolutionError, match=r"no rate found for rows \[0\]"):
        solve_rates([[-1.0, 1.0, -1.0]], [[100.0, 101.0, 102.0]])
    # the rate does not depend on where time 0 is: roots 15 % and 25 % from period 200
    rates = solve_rates([[-100.0, 240.0, -143.75], [-100.0, 240.0, -143.75]],
                        [[200.0, 201.0, 202.0], [0.0, 1.0, 2.0]])
    assert rates[0] == pytest.approx(0.15, rel=1e-13) and rates[1] == rates[0]


@pytest.mark.parametrize("fast", [True, False])
def test_newton_far_below_the_root_widens_instead_of_creeping(fast: bool) -> None:
    # −1 now, 1e-30 after 1 period and 1e-120 after 400: from the guess −90 % Newton
    # moves by (1 + r) / 400 a step toward the root near −49.88 %; a step that has not
    # halved widens the open bracket instead (it ran out of steps before)
    amounts, times = [-1.0, 1e-30, 1e-120], [0.0, 1.0, 400.0]
    rate = _solve_ticks(np.array([amounts]), np.array([times]), scale=1.0,
                        from_row_start=False, argument="cash_flows", fast=fast)
    assert rate[0] == pytest.approx(_reference_rate(amounts, times), abs=1e-14)


def test_the_logarithmic_path_keeps_the_finite_terms_to_their_last_bit() -> None:
    # 3 now and −1e-315 after 100 periods at −99.92 %: the factor 1250^100 = 4.9e309
    # overflows, the term −4.909e-6 does not. Only that term is recomputed: 3 stays 3
    # (e^(ln 3) is not 3 in float64), and f is the float nearest 3 − 4.909e-6
    amounts = np.array([[3.0, -1e-315, 0.0]])
    times = np.array([[0.0, 100.0, 5.0]])
    value, _ = solver._value(np.array([-0.9992]), amounts, times, None)
    with localcontext() as ctx:
        ctx.prec = 60
        far = -Decimal.from_float(1e-315) / (1 + Decimal.from_float(-0.9992)) ** 100
        assert value[0] == float(3 + far)


@pytest.mark.parametrize("fast", [True, False])
def test_amounts_near_float_max_whose_sums_overflow(fast: bool) -> None:
    # −1e308 + 1e308 v + 1e308 v² = 0 at v = (√5 − 1)/2: r = (√5 − 1)/2 too; the sums of
    # the first guess (2e308 repaid) overflow quietly, and the guess falls back to 0
    rate = _solve_ticks(np.array([[-1e308, 1e308, 1e308]]), np.array([[0.0, 1.0, 2.0]]),
                        scale=1.0, from_row_start=False, argument="cash_flows", fast=fast)
    assert rate[0] == pytest.approx((math.sqrt(5) - 1) / 2, rel=1e-14)


# ---------------------------------------------------------------- refusals, exactly


@pytest.mark.parametrize("rate", [True, "0.1", None, Decimal("0.1")])
def test_to_decimal_rate_refuses_what_is_not_a_float(rate: object) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        to_decimal_rate(rate)  # type: ignore[arg-type]
    error = info.value
    assert (error.argument, error.message, error.received) == ("rate", "must be a float",
                                                               rate)
    assert str(error) == f"rate: must be a float (got {rate!r})"


@pytest.mark.parametrize("places", [True, 1.5, -1, 101, "2"])
def test_to_decimal_rate_refuses_places_outside_0_to_100(places: object) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        to_decimal_rate(0.5, places)  # type: ignore[arg-type]
    error = info.value
    assert (error.argument, error.message, error.received) == (
        "places", "must be a whole number from 0 to 100", places)


def test_to_decimal_rate_takes_0_and_100_places_and_whole_numbers() -> None:
    assert to_decimal_rate(0.5, 100) == Decimal("0.5")
    assert to_decimal_rate(0.5, 100).as_tuple().exponent == -100
    assert str(to_decimal_rate(5000, 0)) == "5000"
    assert str(to_decimal_rate(-3, 2)) == "-3.00"
    # 2**1023 is a float; 2**1024 is past every float: too large, or (negative) no rate
    assert to_decimal_rate(2 ** 1023, 0) == Decimal("8.98846567431158e307")  # its repr
    with pytest.raises(NoSolutionError) as too_large:
        to_decimal_rate(2 ** 1024)
    assert str(too_large.value) == (
        "the annual rate is too large to express (above 1.8e308, a cost of more than "
        "10^310 % a year)")
    with pytest.raises(ConvergenceError, match=r"not a finite number \(-inf\)"):
        to_decimal_rate(-(2 ** 1024))
    with pytest.raises(ConvergenceError, match=r"not a finite number \(nan\)"):
        to_decimal_rate(math.nan)


@pytest.mark.parametrize(("position", "bad", "received"), [
    (0, "abc", "abc"),                                   # text, not an array
    (1, [[True, False]], np.dtype(bool)),                # booleans
    (0, np.array([[1, "x"]], dtype=object), np.dtype(object)),  # an object that is text
    (2, np.array([[]], dtype=str), np.dtype("<U1")),     # text, even when empty
    (1, [[1.0, 2.0], [3.0]], "list"),                    # ragged: numpy refuses it
])
def test_solve_rates_names_the_argument_of_a_bad_array(position: int, bad: object,
                                                       received: object) -> None:
    arrays: list[Any] = [[[-1.0, 2.0]], [[0.0, 1.0]], [[0.0, 0.0]]]
    arrays[position] = bad
    with pytest.raises(InvalidArgumentError) as info:
        solve_rates(*arrays, argument="flows")
    error = info.value
    assert error.argument == "flows"
    assert error.received == received
    if received == "list":
        assert error.message.startswith("must be an array of numbers (")
    else:
        assert error.message == "must be an array of numbers"


# ------------------------------------------------------ the general method's Newton


def _general(amounts: list[list[float]], times: list[list[float]],
             monkeypatch: pytest.MonkeyPatch) -> tuple[Array, list[float]]:
    """Rates by the general method, and the rates at which it evaluated f (one row)."""
    points: list[float] = []
    value = solver._value

    def spy(rate: Array, *args: Any) -> tuple[Array, Array]:
        points.append(float(rate[0]))
        return value(rate, *args)

    monkeypatch.setattr(solver, "_value", spy)
    rates = _solve_ticks(np.array(amounts), np.array(times), scale=1.0,
                         from_row_start=False, argument="cash_flows", fast=False)
    return rates, points


def test_the_general_method_solves_a_loan_in_three_evaluations(
        monkeypatch: pytest.MonkeyPatch) -> None:
    rates, points = _general([_SCHEDULE], [list(range(13))], monkeypatch)
    assert abs(rates[0] - _reference_rate(_SCHEDULE, list(range(13)))) <= 2e-16
    # from the simple-interest guess, two Newton steps; the second is below 1e-9: trusted
    assert points[0] == pytest.approx((88.85 * 12 / 1000 - 1) / 6.5, rel=1e-15)
    assert len(points) == 3


def test_a_start_whose_newton_step_is_below_its_last_bit_is_kept(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # −289 now, 74 in one period: the simple-interest guess 74/289 − 1 is the root, to
    # one float step (its last bit); f there is not exactly 0, but the Newton step is
    # below that bit. Kept after one evaluation (before: counted as a step outside the
    # bracket, 48 evaluations of bisection, and a rate 1.7e-14 off)
    rates, points = _general([[-289.0, 74.0]], [[0.0, 1.0]], monkeypatch)
    exact = float(Fraction(74, 289) - 1)
    assert abs(rates[0] - exact) <= math.ulp(exact) and len(points) == 1


def test_the_general_method_bisects_when_newton_leaves_the_bracket(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # −100 repaid by 1 and 1: the guess (2/100 − 1) / 1.5 lies far above the root, and
    # Newton from there overshoots below −100%: bisection, then Newton again
    rates, points = _general([[-100.0, 1.0, 1.0]], [[0.0, 1.0, 2.0]], monkeypatch)
    growth = (1 + math.sqrt(401)) / 200  # 100 = 1/u + 1/u² for u = 1 + r: 100u² = u + 1
    assert rates[0] == pytest.approx(growth - 1, abs=1e-15)
    guess = (2 / 100 - 1) / 1.5
    # two bisections of (−1, guess), then Newton: seven evaluations in all
    assert points[:3] == [guess, (-1 + guess) / 2, (-1 + (-1 + guess) / 2) / 2]
    assert len(points) == 7


def test_near_minus_100_percent_only_a_closed_bracket_ends_the_iteration(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # −1 now, 1e−30 in three periods: 1 + r = 1e−10. A Newton step of 1e−9 there says
    # nothing (f''/f' is of order t / (1 + r) = 3e10); trusted, the rate would be 9% off
    rates, _ = _general([[-1.0, 1e-30]], [[0.0, 3.0]], monkeypatch)
    assert abs((1 + rates[0]) / 1e-10 - 1) <= 1e-3


def test_the_general_method_starts_multi_root_rows_inside_their_grid_bracket(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the simple-interest guess lies outside a row's grid bracket, Newton starts at
    the bracket's midpoint; inside, at the guess. A bracket whose lower end is itself a
    root (f = 0 exactly at −50 %) takes the sign of f just inside it."""
    starts: list[tuple[Array, ...]] = []
    newton = solver._newton

    def spy(a: Array, t: Array, f: Array | None, rate: Array, lo: Array, hi: Array,
            sign_lo: Array) -> Any:
        starts.append((rate.copy(), lo.copy(), hi.copy(), sign_lo.copy()))
        return newton(a, t, f, rate, lo, hi, sign_lo)

    monkeypatch.setattr(solver, "_newton", spy)
    amounts = np.zeros((3, 31))
    amounts[0, :3] = [-100.0, 240.0, -143.75]   # roots 15 % and 25 %
    amounts[1, [0, 4, 30]] = [-100.0, 150.0, -0.001]  # a tiny last flow: a second change
    amounts[2, :3] = [-100.0, 75.0, -12.5]      # roots −50 % and −75 %
    times = np.tile(np.arange(31.0), (3, 1))
    rates = _solve_ticks(amounts, times, scale=1.0, from_row_start=False,
                         argument="cash_flows", fast=False)
    ((rate, lo, hi, sign_lo),) = starts
    assert lo.tolist() == [0.1, 0.1, -0.5] and hi.tolist() == [0.2, 0.2, -0.35]
    assert sign_lo.tolist() == [-1.0, 1.0, 1.0]
    # row 0's guess (240/243.75 − 1) / lag is negative: the midpoint; row 1's guess is
    # (150/100.001 − 1) / (4 − 0.03/100.001); row 2's (75/112.5 − 1) / (1 − 25/112.5)
    assert rate[0] == (0.1 + 0.2) / 2
    assert rate[1] == pytest.approx((150 / 100.001 - 1) / (4 - 0.03 / 100.001), rel=1e-15)
    assert rate[2] == pytest.approx(-3 / 7, rel=1e-15)
    with localcontext() as ctx:
        ctx.prec = 50
        lo1, hi1 = Decimal("0.1"), Decimal("0.2")
        for _ in range(120):  # −100 + 150 v⁴ − 0.001 v³⁰, positive below the root
            mid = (lo1 + hi1) / 2
            v = 1 / (1 + mid)
            if -100 + 150 * v ** 4 - Decimal("0.001") * v ** 30 > 0:
                lo1 = mid
            else:
                hi1 = mid
    assert rates[0] == pytest.approx(0.15, rel=1e-14)
    assert rates[1] == pytest.approx(float(lo1), rel=1e-14)
    assert rates[2] == pytest.approx(-0.5, abs=2e-14)  # a bracket of 1e-14 (1 + |r|)
