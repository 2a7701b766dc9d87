"""bnpl_restructure.tvm: Excel's published examples, numpy-financial on floats, exact
identities, and every error path."""

from __future__ import annotations

import decimal
import math
import warnings
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy_financial as npf
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bnpl_restructure import tvm
from bnpl_restructure.errors import (
    ConvergenceError,
    InvalidArgumentError,
    NoSolutionError,
)
from bnpl_restructure.rounding import RoundingMode

# numpy-financial divides by zero on the way to some of its floats (the comparisons
# below only use its finite results): its RuntimeWarnings are not ours
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning:numpy_financial")

M8 = Fraction("0.08") / 12  # 8% a year, monthly: exactly 1/150

# ------------------------------------------------------------------ published values

PUBLISHED: list[tuple[str, Callable[[], Decimal], str]] = [
    # Microsoft, PMT function: =PMT(8%/12, 10, 10000) = ($1,037.03)
    ("PMT", lambda: tvm.pmt(M8, 10, 10000, places=2), "-1037.03"),
    # Microsoft, PMT function: =PMT(8%/12, 10, 10000, 0, 1) = ($1,030.16)
    ("PMT begin", lambda: tvm.pmt(M8, 10, 10000, 0, 1, places=2), "-1030.16"),
    # Microsoft, PMT function: =PMT(6%/12, 18*12, 0, 50000) = ($129.08)
    ("PMT saving", lambda: tvm.pmt(Fraction("0.06") / 12, 216, 0, 50000, places=2), "-129.08"),
    # Microsoft, IPMT function: =IPMT(10%/12, 1, 3*12, 8000) = ($66.67)
    ("IPMT month", lambda: tvm.ipmt(Fraction("0.1") / 12, 1, 36, 8000, places=2), "-66.67"),
    # Microsoft, IPMT function: =IPMT(10%, 3, 3, 8000) = ($292.45)
    ("IPMT year", lambda: tvm.ipmt("0.1", 3, 3, 8000, places=2), "-292.45"),
    # Microsoft, PPMT function: =PPMT(10%/12, 1, 2*12, 2000) = ($75.62)
    ("PPMT month", lambda: tvm.ppmt(Fraction("0.1") / 12, 1, 24, 2000, places=2), "-75.62"),
    # Microsoft, PPMT function: =PPMT(8%, 10, 10, 200000) = ($27,598.05)
    ("PPMT year", lambda: tvm.ppmt("0.08", 10, 10, 200000, places=2), "-27598.05"),
    # Microsoft, PV function: =PV(8%/12, 12*20, 500, , 0) = ($59,777.15)
    ("PV", lambda: tvm.pv(M8, 240, 500, 0, 0, places=2), "-59777.15"),
    # Microsoft, FV function, example 1: =FV(6%/12, 10, -200, -500, 1) = $2,581.40
    ("FV 1", lambda: tvm.fv(Fraction("0.06") / 12, 10, -200, -500, 1, places=2), "2581.40"),
    # Microsoft, FV function, example 2: =FV(12%/12, 12, -1000) = $12,682.50
    ("FV 2", lambda: tvm.fv(Fraction("0.12") / 12, 12, -1000, places=2), "12682.50"),
    # Microsoft, FV function, example 3: =FV(11%/12, 35, -2000, , 1) = $82,846.25
    ("FV 3", lambda: tvm.fv(Fraction("0.11") / 12, 35, -2000, 0, 1, places=2), "82846.25"),
    # Microsoft, FV function, example 4: =FV(6%/12, 12, -100, -1000, 1) = $2,301.40
    ("FV 4", lambda: tvm.fv(Fraction("0.06") / 12, 12, -100, -1000, 1, places=2), "2301.40"),
    # Microsoft, NPER function: =NPER(12%/12, -100, -1000, 10000, 1) = 59.6738657
    ("NPER begin", lambda: tvm.nper("0.01", -100, -1000, 10000, 1).quantize(Decimal("1e-7")),
     "59.6738657"),
    # Microsoft, NPER function: =NPER(12%/12, -100, -1000, 10000) = 60.0821229
    ("NPER end", lambda: tvm.nper("0.01", -100, -1000, 10000).quantize(Decimal("1e-7")),
     "60.0821229"),
    # Microsoft, RATE function: =RATE(4*12, -200, 8000) shown as 1% (a percent, 0 decimals)
    ("RATE month", lambda: (100 * tvm.rate(48, -200, 8000)).quantize(Decimal("1")), "1"),
    # Microsoft, RATE function: =RATE(4*12, -200, 8000)*12 = 9.24%
    ("RATE year", lambda: (1200 * tvm.rate(48, -200, 8000)).quantize(Decimal("0.01")), "9.24"),
    # Microsoft, NPV function, example 1: =NPV(10%, -10000, 3000, 4200, 6800) = $1,188.44
    ("NPV 1", lambda: tvm.npv("0.1", [-10000, 3000, 4200, 6800], places=2), "1188.44"),
    # Microsoft, NPV function, example 2: =NPV(8%, 8000, 9200, 10000, 12000, 14500)
    # + (-40000) = $1,922.06
    ("NPV 2", lambda: -40000 + tvm.npv("0.08", [8000, 9200, 10000, 12000, 14500], places=2),
     "1922.06"),
    # Microsoft, NPV function, example 2: =NPV(8%, 8000, ..., 14500, -9000) + (-40000)
    # = ($3,749.47)
    ("NPV 2 loss", lambda: -40000 + tvm.npv("0.08", [8000, 9200, 10000, 12000, 14500, -9000],
                                            places=2), "-3749.47"),
    # Microsoft, MIRR function: =MIRR(-120000..46000, 10%, 12%) shown as 13%
    ("MIRR 5y", lambda: (100 * tvm.mirr([-120000, 39000, 30000, 21000, 37000, 46000],
                                        "0.1", "0.12")).quantize(Decimal("1")), "13"),
    # Microsoft, MIRR function: =MIRR(-120000, 39000, 30000, 21000; 10%, 12%) shown as -5%
    ("MIRR 3y", lambda: (100 * tvm.mirr([-120000, 39000, 30000, 21000], "0.1", "0.12"))
     .quantize(Decimal("1")), "-5"),
    # Microsoft, MIRR function: =MIRR(-120000..46000, 10%, 14%) shown as 13%
    ("MIRR 14%", lambda: (100 * tvm.mirr([-120000, 39000, 30000, 21000, 37000, 46000],
                                         "0.1", "0.14")).quantize(Decimal("1")), "13"),
    # numpy-financial 1.0, pmt docstring: npf.pmt(0.075/12, 12*15, 200000) = -1854.0247...
    ("npf pmt", lambda: tvm.pmt(Fraction("0.075") / 12, 180, 200000, places=4), "-1854.0247"),
    # numpy-financial 1.0, nper docstring: round(npf.nper(0.07/12, -150, 8000), 5) = 64.07335
    ("npf nper", lambda: tvm.nper(Fraction("0.07") / 12, -150, 8000).quantize(Decimal("1e-5")),
     "64.07335"),
    # numpy-financial 1.0, fv docstring: npf.fv(0.05/12, 10*12, -100, -100) = 15692.9288...
    ("npf fv", lambda: tvm.fv(Fraction("0.05") / 12, 120, -100, -100, places=4), "15692.9289"),
    # numpy-financial 1.0, npv docstring: npf.npv(0.08, [-40000, 5000, 8000, 12000, 30000])
    # = 3065.22267 (its first flow at time 0: Excel's NPV of the rest, plus that flow)
    ("npf npv", lambda: -40000 + tvm.npv("0.08", [5000, 8000, 12000, 30000], places=5),
     "3065.22267"),
]


@pytest.mark.parametrize(("name", "compute", "expected"), PUBLISHED,
                         ids=[p[0] for p in PUBLISHED])
def test_published_value(name: str, compute: Callable[[], Decimal], expected: str) -> None:
    assert compute() == Decimal(expected), name


def test_published_negative_nper_is_refused() -> None:
    # Microsoft, NPER function: =NPER(12%/12, -100, -1000) = -9.57859404; a count of
    # periods cannot be negative, so the message carries Excel's figure instead.
    with pytest.raises(NoSolutionError, match=r"nper: .*-9\.57859404"):
        tvm.nper("0.01", -100, -1000)


def test_numpy_financial_amortization_table() -> None:
    # numpy-financial 1.0, ipmt docstring: 2,500 at 8.24% a year over 12 months, the
    # principal and interest columns and total interest -112.98.
    rate = Fraction("0.0824") / 12
    principal = [str(tvm.ppmt(rate, k, 12, 2500, places=2)) for k in range(1, 13)]
    interest = [str(tvm.ipmt(rate, k, 12, 2500, places=2)) for k in range(1, 13)]
    assert principal == ["-200.58", "-201.96", "-203.35", "-204.74", "-206.15", "-207.56",
                         "-208.99", "-210.42", "-211.87", "-213.32", "-214.79", "-216.26"]
    assert interest == ["-17.17", "-15.79", "-14.40", "-13.01", "-11.60", "-10.18",
                        "-8.76", "-7.32", "-5.88", "-4.42", "-2.96", "-1.49"]
    total = sum(Fraction(tvm.ipmt(rate, k, 12, 2500)) for k in range(1, 13))
    assert round(total, 2) == Fraction("-112.98")


def test_mirr_digits_match_numpy_financial() -> None:
    # the more precise figures behind the published whole percents (12.61%, -4.80%, 13.48%)
    flows = [-120000, 39000, 30000, 21000, 37000, 46000]
    for values, reinvest in ((flows, 0.12), (flows[:4], 0.12), (flows, 0.14)):
        ours = tvm.mirr(values, "0.1", str(reinvest))
        assert math.isclose(float(ours), npf.mirr(values, 0.1, reinvest), rel_tol=1e-12)


# ------------------------------------------------------- exact results, rounded once


def _exact_pmt(rate: Fraction, n: int, pv: Fraction, fv: Fraction, begin: bool) -> Fraction:
    if rate == 0:
        return -(pv + fv) / n
    growth = (1 + rate) ** n
    return -(pv * growth + fv) * rate / ((1 + rate if begin else 1) * (growth - 1))


def _correctly_rounded(value: Fraction, digits: int = 28) -> Decimal:
    """The value rounded half-even to ``digits`` significant digits, by decimal's own
    correctly rounded division."""
    ctx = decimal.Context(prec=digits, rounding=decimal.ROUND_HALF_EVEN)
    return ctx.divide(Decimal(value.numerator), Decimal(value.denominator))


def _half_up(value: Fraction, places: int) -> Decimal:
    scaled = abs(value) * 10**places
    whole = math.floor(scaled)
    whole += scaled - whole >= Fraction(1, 2)
    return Decimal(-whole if value < 0 else whole).scaleb(-places)


exact_rates = st.one_of(st.just(Fraction(0)),
                        st.fractions(min_value=Fraction(-1, 5), max_value=Fraction(1, 2),
                                     max_denominator=1200))
cents = st.integers(-10**8, 10**8).map(lambda c: Fraction(c, 100))
timings = st.sampled_from(["end", "begin"])


@given(rate=exact_rates, n=st.integers(1, 120), pv=cents, fv=cents, when=timings)
@settings(max_examples=60)
def test_pmt_is_the_exact_payment_correctly_rounded(rate: Fraction, n: int, pv: Fraction,
                                                    fv: Fraction, when: str) -> None:
    exact = _exact_pmt(rate, n, pv, fv, when == "begin")
    assert tvm.pmt(rate, n, pv, fv, when) == _correctly_rounded(exact)
    assert tvm.pmt(rate, n, pv, fv, when, currency="CNY") == _half_up(exact, 2)
    down = tvm.pmt(rate, n, pv, fv, when, places=3, rounding="down")
    assert abs(Fraction(down)) <= abs(exact) < abs(Fraction(down)) + Fraction(1, 1000)


def test_exact_results_are_short_when_they_can_be() -> None:
    assert str(tvm.pmt(0, 12, 1200)) == "-100"
    assert str(tvm.fv("0.1", 2, 0, -100)) == "121"
    assert str(tvm.pv("0.1", 2, 0, 121)) == "-100"
    assert str(tvm.npv("0.25", [125])) == "100"
    assert str(tvm.pmt("0.5", 1, 100)) == "-150"
    assert str(tvm.pmt(0, 3, 100)) == "-33.33333333333333333333333333"
    assert str(tvm.pmt(0, 12, 1200, places=2)) == "-100.00"
    assert str(tvm.ipmt(0, 1, 12, 1200, currency="JPY")) == "0"
    assert str(tvm.pmt(0, 3, 100, currency="BHD")) == "-33.333"


def test_half_way_rounding_follows_the_mode() -> None:
    # pmt(0, 8, 1) = -0.125 exactly: a tie at two places
    assert tvm.pmt(0, 8, 1, places=2) == Decimal("-0.13")  # half-up: away from zero
    assert tvm.pmt(0, 8, 1, places=2, rounding="half_even") == Decimal("-0.12")
    assert tvm.pmt(0, 8, 1, places=2, rounding="half_down") == Decimal("-0.12")
    assert tvm.pmt(0, 8, 1, places=2, rounding="up") == Decimal("-0.13")
    assert tvm.pmt(0, 8, 1, places=2, rounding=RoundingMode.DOWN) == Decimal("-0.12")


def test_any_fraction_is_an_exact_rate() -> None:
    # 8%/12 as a Fraction is exactly 1/150; as a float it is 0.006666666666666667
    exact = tvm.pmt(M8, 10, 10000)
    from_float = tvm.pmt(0.08 / 12, 10, 10000)
    assert exact == _correctly_rounded(_exact_pmt(M8, 10, Fraction(10000), Fraction(0), False))
    assert exact != from_float
    assert abs(exact - from_float) < Decimal("1e-9")


def test_results_ignore_the_callers_decimal_context() -> None:
    calls: list[Callable[[], Decimal]] = [
        lambda: tvm.pmt(0.05, 10, 1000), lambda: tvm.ipmt(0.05, 3, 10, 1000),
        lambda: tvm.ppmt(0.05, 3, 10, 1000, places=2), lambda: tvm.pv(0.05, 10, -100),
        lambda: tvm.fv(0.05, 10, -100), lambda: tvm.nper(0.01, -100, -1000, 10000),
        lambda: tvm.rate(48, -200, 8000), lambda: tvm.npv(0.1, [1, 2, 3]),
        lambda: tvm.mirr([-100, 50, 60], 0.1, 0.12)]
    expected = [call() for call in calls]
    hostile = decimal.Context(prec=3, rounding=decimal.ROUND_FLOOR,
                              traps=[decimal.Inexact, decimal.Rounded])
    with decimal.localcontext(hostile):
        assert [call() for call in calls] == expected
        assert decimal.getcontext().prec == 3


# -------------------------------------------------------------- against numpy-financial

float_rates = st.one_of(st.just(0.0), st.floats(1e-3, 0.3), st.floats(-0.2, -1e-3))
amounts = st.integers(-10**8, 10**8).map(lambda c: c / 100)


def _close(ours: Decimal, theirs: float, scale: float) -> bool:
    """numpy-financial's float result agrees to 1e-9 of the problem's magnitude."""
    return math.isclose(float(ours), float(theirs), rel_tol=1e-9, abs_tol=1e-9 * scale)


def _scale(rate: float, n: int, *amounts: float) -> float:
    growth = (1 + rate) ** n
    assume(1e-4 <= growth <= 1e4)  # beyond, float formulas lose digits (ours do not)
    return (sum(abs(a) for a in amounts) * n + 1) * max(growth, 1 / growth)


@given(rate=float_rates, n=st.integers(1, 360), pv=amounts, fv=amounts, when=timings)
def test_pmt_pv_fv_match_numpy_financial(rate: float, n: int, pv: float, fv: float,
                                         when: str) -> None:
    scale = _scale(rate, n, pv, fv)
    assert _close(tvm.pmt(rate, n, pv, fv, when), npf.pmt(rate, n, pv, fv, when), scale)
    assert _close(tvm.fv(rate, n, pv, fv, when), npf.fv(rate, n, pv, fv, when), scale)
    assert _close(tvm.pv(rate, n, pv, fv, when), npf.pv(rate, n, pv, fv, when), scale)


@given(rate=float_rates, n=st.integers(1, 360), data=st.data(), pv=amounts, fv=amounts,
       when=timings)
@settings(max_examples=60)
def test_ipmt_ppmt_match_numpy_financial(rate: float, n: int, data: st.DataObject,
                                         pv: float, fv: float, when: str) -> None:
    per = data.draw(st.integers(1, n), label="per")
    scale = _scale(rate, n, pv, fv)
    assert _close(tvm.ipmt(rate, per, n, pv, fv, when),
                  npf.ipmt(rate, per, n, pv, fv, when), scale)
    assert _close(tvm.ppmt(rate, per, n, pv, fv, when),
                  npf.ppmt(rate, per, n, pv, fv, when), scale)


# Rate 0 is left out: numpy-financial 1.0's nper has the wrong sign there
# (npf.nper(0, -10, 100) == -10.0; numpy/numpy#8593, numpy/numpy-financial#16);
# test_zero_rate_is_exact checks ours against the exact -(pv + fv) / pmt.
@given(rate=float_rates.filter(bool), pmt=amounts.filter(bool), pv=amounts, fv=amounts,
       when=timings)
def test_nper_matches_numpy_financial_or_refuses(rate: float, pmt: float, pv: float,
                                                 fv: float, when: str) -> None:
    size = abs(pmt) + abs(pv) + abs(fv)
    annuity = pmt * (1 + rate * (when == "begin")) / rate
    # keep away from the boundaries where a float cannot tell the sign
    assume(min(abs(annuity - fv), abs(annuity + pv)) > 1e-6 * size)
    with warnings.catch_warnings():  # numpy warns (log of a negative) where none exists
        warnings.simplefilter("ignore")
        theirs = float(npf.nper(rate, pmt, pv, fv, when))
    if math.isfinite(theirs) and theirs >= 0:
        assert math.isclose(float(tvm.nper(rate, pmt, pv, fv, when)), theirs,
                            rel_tol=1e-8, abs_tol=1e-8)
    else:
        with pytest.raises(NoSolutionError, match=r"^nper: "):
            tvm.nper(rate, pmt, pv, fv, when)


@given(rate=st.one_of(st.floats(-0.05, -1e-4), st.floats(1e-4, 0.3)),
       n=st.integers(1, 360), pv=st.integers(100, 10**6), balloon=st.floats(0, 0.5),
       when=timings)
@settings(max_examples=50)
def test_rate_round_trips_and_matches_numpy_financial(rate: float, n: int, pv: int,
                                                      balloon: float, when: str) -> None:
    assume(n > 1 or when == "end")  # one payment at the beginning repays pv at once
    fv = -round(balloon * pv, 2)  # a loan: advance, payments, maybe a balloon
    payment = tvm.pmt(rate, n, pv, fv, when)
    assume(payment < 0)
    found = tvm.rate(n, payment, pv, fv, when)
    assert abs(found - Decimal(repr(rate))) < Decimal("1e-20")
    theirs = npf.rate(n, float(payment), pv, fv, when, tol=1e-12, maxiter=200)
    # compare where numpy-financial's Newton iteration converged to a rate above -100%
    # (from its default guess it can reach a root below: npf.rate(12, -26.84..., 100)
    # is -1.84 where the rate is 25%; numpy/numpy-financial#126)
    if math.isfinite(theirs) and theirs > -1:
        assert math.isclose(float(found), theirs, rel_tol=1e-9, abs_tol=1e-12)


@given(rate=st.floats(-0.5, 1.0), values=st.lists(amounts, min_size=1, max_size=30))
def test_npv_matches_numpy_financial(rate: float, values: list[float]) -> None:
    assume(rate > -0.5)
    scale = (sum(abs(v) for v in values) + 1) * max(1.0, (1 + rate) ** -len(values))
    # numpy-financial discounts its first value zero periods: pad one period
    assert _close(tvm.npv(rate, values), npf.npv(rate, [0.0, *values]), scale)


@given(values=st.lists(amounts, min_size=2, max_size=30), finance=st.floats(0, 0.3),
       reinvest=st.floats(0, 0.3))
def test_mirr_matches_numpy_financial(values: list[float], finance: float,
                                      reinvest: float) -> None:
    assume(any(v > 0 for v in values) and any(v < 0 for v in values))
    assert math.isclose(float(tvm.mirr(values, finance, reinvest)),
                        npf.mirr(values, finance, reinvest), rel_tol=1e-9, abs_tol=1e-12)


# --------------------------------------------------------------------------- identities


def _ulp(value: Decimal) -> Fraction:
    """One unit in the 28th significant digit of ``value`` (the rounding of a result)."""
    return Fraction(10) ** (value.adjusted() - 27) if value else Fraction(0)


@given(rate=exact_rates, n=st.integers(1, 120), data=st.data(), pv=cents, fv=cents,
       when=timings)
@settings(max_examples=60)
def test_ipmt_plus_ppmt_is_pmt(rate: Fraction, n: int, data: st.DataObject, pv: Fraction,
                               fv: Fraction, when: str) -> None:
    per = data.draw(st.integers(1, n), label="per")
    payment = tvm.pmt(rate, n, pv, fv, when)
    interest, principal = tvm.ipmt(rate, per, n, pv, fv, when), tvm.ppmt(rate, per, n, pv,
                                                                         fv, when)
    # each is its exact value rounded to 28 digits: they add up within the roundings
    error = abs(Fraction(interest) + Fraction(principal) - Fraction(payment))
    assert error <= (_ulp(interest) + _ulp(principal) + _ulp(payment)) / 2


@given(rate=exact_rates, n=st.integers(1, 60), pv=cents, when=timings)
@settings(max_examples=40)
def test_principal_parts_add_up_to_the_loan(rate: Fraction, n: int, pv: Fraction,
                                            when: str) -> None:
    parts = [tvm.ppmt(rate, k, n, pv, 0, when) for k in range(1, n + 1)]
    assert abs(sum(map(Fraction, parts)) + pv) <= sum(map(_ulp, parts)) / 2


@given(rate=exact_rates, n=st.integers(1, 40), pv=cents, fv=cents, when=timings)
@settings(max_examples=60)
def test_pv_fv_pmt_nper_round_trips_are_exact(rate: Fraction, n: int, pv: Fraction,
                                              fv: Fraction, when: str) -> None:
    payment = _exact_pmt(rate, n, pv, fv, when == "begin")  # an exact Fraction
    assert Fraction(tvm.fv(rate, n, payment, pv, when)) == fv
    assert Fraction(tvm.pv(rate, n, payment, fv, when)) == pv
    assert Fraction(tvm.pmt(rate, n, pv, fv, when)) == Fraction(_correctly_rounded(payment))
    if payment == 0 or (rate != 0 and pv + fv == 0):
        # nothing to pay, or interest only: every number of periods (or none) solves it
        with pytest.raises(NoSolutionError, match=r"^nper: "):
            tvm.nper(rate, payment, pv, fv, when)
    else:
        assert tvm.nper(rate, payment, pv, fv, when) == n


@given(rate=st.fractions(min_value=Fraction(-1, 5), max_value=Fraction(1, 2),
                         max_denominator=1200).filter(bool),
       n=st.integers(1, 120), payment=cents.filter(bool), pv=cents)
@settings(max_examples=40)
def test_begin_is_end_moved_one_period(rate: Fraction, n: int, payment: Fraction,
                                       pv: Fraction) -> None:
    # payments at the beginning are the same payments one period earlier: worth (1 + rate)
    # times as much, or, for the same loan, (1 + rate) times smaller
    for measure in (tvm.pv, tvm.fv):
        begin, end = measure(rate, n, payment, 0, "begin"), measure(rate, n, payment, 0)
        error = abs(Fraction(begin) - Fraction(end) * (1 + rate))
        assert error <= (_ulp(begin) + _ulp(end) * (1 + rate)) / 2
    begin, end = tvm.pmt(rate, n, pv, 0, "begin"), tvm.pmt(rate, n, pv, 0, "end")
    assert abs(Fraction(begin) * (1 + rate) - Fraction(end)) <= (
        _ulp(begin) * (1 + rate) + _ulp(end)) / 2
    assert tvm.ipmt(rate, 1, n, pv, 0, "begin") == 0  # paid before any interest accrues


def test_timing_spellings_agree() -> None:
    for begin in ("begin", "BEGIN", 1, tvm.Timing.BEGIN):
        assert tvm.pmt("0.01", 12, 1000, 0, begin) == tvm.pmt("0.01", 12, 1000, when="begin")
    for end in ("end", " End ", 0, tvm.Timing.END):
        assert tvm.pmt("0.01", 12, 1000, 0, end) == tvm.pmt("0.01", 12, 1000)


def test_inputs_of_every_kind_are_read_exactly() -> None:
    reference = tvm.pmt(Fraction(1, 100), 12, 1000)
    for rate in ("0.01", 0.01, Decimal("0.01"), Fraction(1, 100)):
        for periods in (12, "12", 12.0, Decimal("12.000")):
            assert tvm.pmt(rate, periods, "1000.00") == reference


# ------------------------------------------------------------------------ zero rate


@given(n=st.integers(1, 360), pmt=cents, pv=cents, fv=cents, when=timings)
@settings(max_examples=40)
def test_zero_rate_is_exact(n: int, pmt: Fraction, pv: Fraction, fv: Fraction,
                            when: str) -> None:
    assert tvm.pmt(0, n, pv, fv, when) == _correctly_rounded(-(pv + fv) / n)
    assert tvm.fv(0, n, pmt, pv, when) == _correctly_rounded(-(pv + pmt * n))
    assert tvm.pv(0, n, pmt, fv, when) == _correctly_rounded(-(fv + pmt * n))
    assert tvm.ipmt(0, 1, n, pv, fv, when) == 0
    assert tvm.ppmt(0, n, n, pv, fv, when) == tvm.pmt(0, n, pv, fv, when)
    if pmt and -(pv + fv) / pmt >= 0:
        assert tvm.nper(0, pmt, pv, fv, when) == _correctly_rounded(-(pv + fv) / pmt)


def test_zero_rate_npv_mirr_and_rate() -> None:
    assert tvm.npv(0, ["1.10", "2.20", -3]) == Decimal("0.3")
    assert tvm.mirr([-100, 0, 100], 0, 0) == 0
    assert tvm.mirr([-100, 0, 121], 0, "0.1") == Decimal("0.1")
    assert tvm.rate(10, -100, 1000) == 0  # pv + pmt·nper + fv == 0 exactly
    assert tvm.rate(10, -100, 1100, -100, "begin") == 0


def test_nper_and_rate_of_exact_powers_are_short() -> None:
    assert tvm.nper("0.1", 0, -100, 121) == Decimal("2")
    assert str(tvm.nper("0.1", 0, -100, 121)) == "2"
    assert str(tvm.rate(2, 0, -100, 121)) == "0.1"
    assert str(tvm.mirr([-100, 0, 121], "0.05", "0.1")) == "0.1"


def test_rate_with_guess_finds_the_same_loan_rate() -> None:
    assert tvm.rate(48, -200, 8000, guess="0.1") == tvm.rate(48, -200, 8000)
    assert tvm.rate(48, -200, 8000, 0, "begin", "0.5") == tvm.rate(48, -200, 8000, 0, 1)


def test_large_exact_computation_stays_fast_and_exact() -> None:
    # 1,000 monthly periods at exactly 8%/12: integers of a few thousand digits
    interest = tvm.ipmt(M8, 1000, 1000, 10**6)
    principal = tvm.ppmt(M8, 1000, 1000, 10**6)
    payment = tvm.pmt(M8, 1000, 10**6)
    assert abs(interest + principal - payment) <= _ulp(interest) + _ulp(principal) + _ulp(
        payment)
    assert payment == _correctly_rounded(
        _exact_pmt(M8, 1000, Fraction(10**6), Fraction(0), False))


# ----------------------------------------------------------------------- error paths


def _invalid(argument: str) -> Any:
    return pytest.raises(InvalidArgumentError, match=rf"^{argument}: ")


@pytest.mark.parametrize("bad", [-1, "-1.5", Fraction(-3, 2), -100])
def test_rate_of_minus_100_percent_or_less_is_refused(bad: object) -> None:
    for call in (lambda: tvm.pmt(bad, 12, 1000), lambda: tvm.ipmt(bad, 1, 12, 1000),
                 lambda: tvm.ppmt(bad, 1, 12, 1000), lambda: tvm.pv(bad, 12, -10),
                 lambda: tvm.fv(bad, 12, -10), lambda: tvm.nper(bad, -10, 100),
                 lambda: tvm.npv(bad, [1, 2])):
        with _invalid("rate") as caught:
            call()
        assert caught.value.argument == "rate"
        assert "greater than -1" in str(caught.value)


@pytest.mark.parametrize("bad", [0, -1, 12.5, "12.5", "twelve", True, 100_001, None])
def test_nper_must_be_a_whole_number_of_periods(bad: object) -> None:
    for call in (lambda: tvm.pmt("0.01", bad, 1000), lambda: tvm.pv("0.01", bad, -1),
                 lambda: tvm.fv("0.01", bad, -1), lambda: tvm.ipmt("0.01", 1, bad, 1),
                 lambda: tvm.ppmt("0.01", 1, bad, 1), lambda: tvm.rate(bad, -1, 10)):
        with _invalid("nper") as caught:
            call()
        assert "whole number of periods from 1 to 100,000" in str(caught.value)


@pytest.mark.parametrize("bad", [0, 13, 1.5, "first", False])
def test_per_must_be_within_nper(bad: object) -> None:
    for call in (lambda: tvm.ipmt("0.01", bad, 12, 1000),
                 lambda: tvm.ppmt("0.01", bad, 12, 1000)):
        with _invalid("per") as caught:
            call()
        assert "from 1 to nper (12)" in str(caught.value)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, True, "1,000", "abc", [1],
                                 Decimal("NaN"), Decimal("1e400"), Decimal("-1e-401"),
                                 Fraction(1, 10**430)])
def test_amounts_must_be_finite_numbers(bad: object) -> None:
    cases = [("pv", lambda: tvm.pmt("0.01", 12, bad)), ("fv", lambda: tvm.pmt("0.01", 12, 1, bad)),
             ("pmt", lambda: tvm.fv("0.01", 12, bad)), ("pv", lambda: tvm.fv("0.01", 12, 1, bad)),
             ("pmt", lambda: tvm.pv("0.01", 12, bad)), ("fv", lambda: tvm.pv("0.01", 12, 1, bad)),
             ("pmt", lambda: tvm.nper("0.01", bad, 1)), ("pv", lambda: tvm.ipmt("0.01", 1, 2, bad)),
             ("fv", lambda: tvm.ppmt("0.01", 1, 2, 1, bad)), ("pmt", lambda: tvm.rate(2, bad, 1)),
             ("rate", lambda: tvm.pmt(bad, 12, 1)), ("values[1]", lambda: tvm.npv(0, [1, bad])),
             ("finance_rate", lambda: tvm.mirr([-1, 2], bad, 0)),
             ("reinvest_rate", lambda: tvm.mirr([-1, 2], 0, bad))]
    for argument, call in cases:
        with _invalid(argument.replace("[", r"\[").replace("]", r"\]")):
            call()


@pytest.mark.parametrize("bad", ["middle", "start", 2, -1, True, 0.0, None])
def test_when_must_be_end_or_begin(bad: object) -> None:
    for call in (lambda: tvm.pmt("0.01", 12, 1000, 0, bad),
                 lambda: tvm.nper("0.01", -1, 10, 0, bad),
                 lambda: tvm.rate(12, -1, 10, 0, bad),
                 lambda: tvm.ipmt("0.01", 1, 2, 1, 0, bad)):
        with _invalid("when") as caught:
            call()
        assert "'end' or 'begin'" in str(caught.value)


def test_rounding_arguments_are_checked() -> None:
    with _invalid("places"):
        tvm.pmt("0.01", 12, 1000, places=-1)
    with _invalid("places"):
        tvm.pmt("0.01", 12, 1000, places=True)
    with _invalid("places"):
        tvm.pmt("0.01", 12, 1000, places=2.0)
    with _invalid("currency"):
        tvm.pmt("0.01", 12, 1000, currency="XYZ")
    with _invalid("currency"):
        tvm.pmt("0.01", 12, 1000, places=2, currency="CNY")
    with _invalid("rounding"):
        tvm.pmt("0.01", 12, 1000, places=2, rounding="sideways")
    with _invalid("rounding") as caught:
        tvm.npv("0.01", [1], rounding="half_even")
    assert "only with places= or currency=" in str(caught.value)


def test_exact_arithmetic_budget_is_enforced() -> None:
    with _invalid("nper") as caught:  # a float rate has 35 digits: 35 x 20,000 > 400,000
        tvm.pmt(0.08 / 12, 20_000, 1000)
    assert "too large for exact arithmetic" in str(caught.value)
    assert tvm.pmt(M8, 20_000, 1000)  # the same rate as an exact Fraction is cheap
    with _invalid("values"):
        tvm.npv(0.08 / 12, [1] * 20_000)


def test_values_must_be_a_non_empty_sequence() -> None:
    for bad in ([], (), "123", 5, {1, 2}):
        with _invalid("values"):
            tvm.npv("0.1", bad)
        with _invalid("values"):
            tvm.mirr(bad, "0.1", "0.1")


@pytest.mark.parametrize("values", [[100, 200], [-100, -200], [0, 0, 0], [-5, 0]])
def test_mirr_needs_a_positive_and_a_negative_flow(values: list[int]) -> None:
    with _invalid("values") as caught:
        tvm.mirr(values, "0.1", "0.1")
    assert "at least one positive and one negative" in str(caught.value)


@pytest.mark.parametrize(("arguments", "reason"), [
    (("0.1", -50, 1000), "never bring the balance"),        # interest 100 > payment 50
    (("0.1", 50, -1000), "never bring the balance"),        # withdrawals below interest
    (("0.1", 100, 1000), "cannot be negative"),             # -7.27 periods
    (("0.1", -100, 1000, -1000), "every number of periods"),  # interest-only, fv = -pv
    ((0, 0, 1000), "never changes"),                        # nothing moves the balance
    ((0, 100, 1000), "cannot be negative"),                 # -10 periods
])
def test_nper_without_a_solution(arguments: tuple[object, ...], reason: str) -> None:
    with pytest.raises(NoSolutionError, match=rf"^nper: .*{reason}"):
        tvm.nper(*arguments)


def test_rate_without_a_solution() -> None:
    with pytest.raises(NoSolutionError, match=r"^rate: every rate solves"):
        tvm.rate(12, 0, 0, 0)
    with pytest.raises(NoSolutionError, match=r"^rate: every rate solves"):
        tvm.rate(1, -100, 100, 0, "begin")  # repaid at once: no interest ever accrues
    with pytest.raises(NoSolutionError, match=r"^rate: no rate solves .*never change sign"):
        tvm.rate(12, 100, 1000)  # money received now and every period: no rate
    with _invalid("guess"):
        tvm.rate(12, -100, 1000, guess=-1)


def test_rate_iteration_from_a_guess_can_fail() -> None:
    # no rate exists, and from a guess the solver's sign check is not consulted
    with pytest.raises(ConvergenceError, match=r"^rate: .*guess=0\.1.*try another guess"):
        tvm.rate(12, 100, 1000, guess="0.1")
