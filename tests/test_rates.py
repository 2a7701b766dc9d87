"""Tests for bnpl_restructure.rates: parse_rate and periodic_rate.

Irrational periodic rates are compared with an independent 50-digit ``decimal``
computation (the library works to 40 digits), to 1e-30.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bnpl_restructure import Plan
from bnpl_restructure.errors import InvalidArgumentError
from bnpl_restructure.rates import MAX_ANNUAL_RATE, RateConvention, parse_rate, periodic_rate

TOLERANCE = Fraction(1, 10**30)
_CTX50 = decimal.Context(prec=50, rounding=decimal.ROUND_HALF_EVEN)


def _close(value: Fraction, reference: Decimal | Fraction) -> bool:
    return abs(value - Fraction(reference)) < TOLERANCE


def _effective_periodic_50(annual: Fraction, periods_per_year: int) -> Decimal:
    """(1 + annual) ** (1 / periods_per_year) - 1 with 50 significant digits."""
    base = _CTX50.add(1, _CTX50.divide(Decimal(annual.numerator), Decimal(annual.denominator)))
    return _CTX50.subtract(_CTX50.power(base, _CTX50.divide(1, periods_per_year)), 1)


def _assert_argument_error(err: InvalidArgumentError, argument: str) -> None:
    assert err.argument == argument
    assert str(err).startswith(f"{argument}: ")


# ------------------------------------------------------------------ parse_rate


@pytest.mark.parametrize(("value", "expected"), [
    ("0.0849", Fraction(849, 10000)),
    (Decimal("0.0849"), Fraction(849, 10000)),
    (0.0849, Fraction(849, 10000)),  # float read through its shortest repr, not binary
    ("8.49%", Fraction(849, 10000)),
    (" 8.49 % ", Fraction(849, 10000)),
    ("0.5%", Fraction(1, 200)),
    ("1e-3", Fraction(1, 1000)),
    (0, Fraction(0)),
    ("0", Fraction(0)),
    ("0%", Fraction(0)),
    (0.999, Fraction(999, 1000)),
    (Fraction(1, 3), Fraction(1, 3)),  # a Fraction is kept exact, even 1/3
    ("100%", Fraction(1)),
    ("150%", Fraction(3, 2)),
    ("1000%", Fraction(10)),  # exactly MAX_ANNUAL_RATE is allowed
])
def test_parse_rate_accepts(value: object, expected: Fraction) -> None:
    result = parse_rate(value, argument="annual_rate")
    assert result == expected
    assert type(result) is Fraction


def test_max_annual_rate_is_1000_percent() -> None:
    assert Decimal(10) == MAX_ANNUAL_RATE


@given(rate=st.decimals(min_value=0, max_value=Decimal("0.999999"), places=6,
                        allow_nan=False, allow_infinity=False))
def test_parse_rate_fraction_and_percent_forms_agree(rate: Decimal) -> None:
    expected = Fraction(rate)
    assert parse_rate(str(rate), argument="annual_rate") == expected
    assert parse_rate(f"{rate * 100}%", argument="annual_rate") == expected
    assert parse_rate(rate, argument="annual_rate") == expected


@pytest.mark.parametrize("value", [1, 8, "8", "1", "1.0", Decimal("1"), 1.5, 8.49,
                                   Fraction(3, 2), "12.5", 50])
def test_parse_rate_refuses_plain_numbers_at_or_above_one_with_hint(value: object) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        parse_rate(value, argument="annual_rate")
    _assert_argument_error(info.value, "annual_rate")
    message = str(info.value)
    assert message.startswith("annual_rate: a rate is a fraction")
    assert "'8%'" in message and "percentage" in message  # the hint
    assert info.value.received == value


@pytest.mark.parametrize("value", [-0.01, "-0.01", "-5%", Decimal("-0.0001"), -1,
                                   Fraction(-1, 3)])
def test_parse_rate_refuses_negatives(value: object) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        parse_rate(value, argument="annual_rate")
    _assert_argument_error(info.value, "annual_rate")
    assert str(info.value).startswith("annual_rate: must not be negative")
    assert info.value.received == value


@pytest.mark.parametrize("value", ["1000.01%", "5000%", "1e400%"])
def test_parse_rate_refuses_above_max_annual_rate(value: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        parse_rate(value, argument="annual_rate")
    _assert_argument_error(info.value, "annual_rate")
    assert str(info.value) == f"annual_rate: must be at most 1000% (got {value!r})"


@pytest.mark.parametrize("value", [
    float("nan"), float("inf"), float("-inf"), Decimal("NaN"), Decimal("Infinity"),
    "nan", "inf", "-inf", "abc", "1,5", "8.49%%", "%", "nan%", "inf%", "", None, True,
    [], object(),
])
def test_parse_rate_refuses_non_numbers_naming_the_argument(value: object) -> None:
    # A custom argument name is carried through to the error.
    with pytest.raises(InvalidArgumentError) as info:
        parse_rate(value, argument="fee_rate")
    _assert_argument_error(info.value, "fee_rate")


@pytest.mark.parametrize("value", ["%", "nan%", "abc%"])
def test_parse_rate_bad_percent_reports_the_value_received(value: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        parse_rate(value, argument="annual_rate")
    assert info.value.received == value
    assert str(info.value).endswith(f"(got {value!r})")


# ------------------------------------------------------------------ periodic_rate: nominal


@pytest.mark.parametrize(("annual", "ppy", "expected"), [
    ("0.08", 12, Fraction(1, 150)),  # 0.08 / 12 = 8 / 1200 = 1 / 150
    ("0.0849", 12, Fraction(283, 40000)),  # 849 / 120000 = 283 / 40000
    ("8.49%", 12, Fraction(283, 40000)),
    ("0.12", 52, Fraction(3, 1300)),  # 12 / 5200
    ("0.12", 26, Fraction(3, 650)),  # 12 / 2600
    ("0.18", 24, Fraction(3, 400)),  # 18 / 2400
    ("0.06", 1, Fraction(3, 50)),
    ("0.365", 365, Fraction(1, 1000)),
    ("0", 12, Fraction(0)),
    ("0.12", Fraction(12), Fraction(1, 100)),
])
def test_periodic_rate_nominal_is_exact_annual_over_periods(annual: str, ppy: int | Fraction,
                                                             expected: Fraction) -> None:
    result = periodic_rate(annual, periods_per_year=ppy)
    assert result == expected
    assert type(result) is Fraction
    assert periodic_rate(annual, periods_per_year=ppy, convention="nominal") == expected
    assert periodic_rate(annual, periods_per_year=ppy,
                         convention=RateConvention.NOMINAL) == expected


@given(annual=st.fractions(min_value=0, max_value=Fraction(99, 100)),
       ppy=st.sampled_from([1, 2, 4, 12, 24, 26, 52, 365]))
def test_periodic_rate_nominal_property(annual: Fraction, ppy: int) -> None:
    assert periodic_rate(annual, periods_per_year=ppy) * ppy == annual


def test_compounding_equal_to_payment_frequency_is_plain_nominal() -> None:
    assert periodic_rate("0.08", periods_per_year=12, compounding_per_year=12) == \
        Fraction(1, 150)


# ------------------------------------------------------------------ periodic_rate: effective


def test_periodic_rate_effective_12_percent_monthly_golden() -> None:
    # (1.12) ** (1/12) - 1, decimal with prec=50: 0.009488792934582974126355069193...
    result = periodic_rate("0.12", periods_per_year=12, convention="effective")
    assert _close(result, Decimal("0.009488792934582974126355069193"))
    assert _close(result, _effective_periodic_50(Fraction(12, 100), 12))


def test_periodic_rate_effective_with_one_period_a_year_is_exact() -> None:
    assert periodic_rate("0.0849", periods_per_year=1, convention="effective") == \
        Fraction(849, 10000)


def test_periodic_rate_effective_is_below_nominal_share() -> None:
    # Compounding: a 12% effective rate needs less than 1% a month.
    result = periodic_rate("0.12", periods_per_year=12, convention=RateConvention.EFFECTIVE)
    assert 0 < result < Fraction(1, 100)


def test_periodic_rate_effective_zero_rate() -> None:
    assert periodic_rate(0, periods_per_year=12, convention="effective") == 0


@given(annual=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("0.9999"), places=4),
       ppy=st.sampled_from([2, 3, 4, 12, 24, 26, 52, 365]))
def test_periodic_rate_effective_matches_50_digit_decimal(annual: Decimal, ppy: int) -> None:
    result = periodic_rate(annual, periods_per_year=ppy, convention="effective")
    assert _close(result, _effective_periodic_50(Fraction(annual), ppy))
    # Round trip: compounding the periodic rate for a year gives the effective rate back.
    assert abs((1 + result) ** ppy - 1 - Fraction(annual)) < TOLERANCE


@given(annual=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9.99"), places=2),
       ppy=st.sampled_from([4, 12, 52]))
def test_periodic_rate_effective_large_percent_rates(annual: Decimal, ppy: int) -> None:
    result = periodic_rate(f"{annual * 100}%", periods_per_year=ppy, convention="effective")
    assert _close(result, _effective_periodic_50(Fraction(annual), ppy))


# ------------------------------------------------------------------ periodic_rate: compounding


def test_canadian_mortgage_semi_annual_compounding_monthly_payments() -> None:
    # Interest Act, R.S.C. 1985, c. I-15, s. 6: 6% compounded semi-annually, paid monthly:
    # (1 + 0.06/2) ** (2/12) - 1 = 1.03 ** (1/6) - 1 = 0.004938622031196978410834166088...
    # (decimal, prec=50).
    result = periodic_rate("0.06", periods_per_year=12, compounding_per_year=2)
    assert _close(result, Decimal("0.004938622031196978410834166088"))
    assert str(Decimal(result.numerator) / Decimal(result.denominator)).startswith(
        "0.0049386220311969784")
    assert _close(result, _CTX50.power(Decimal("1.03"), _CTX50.divide(1, 6)) - 1)


def test_monthly_compounding_quarterly_payments_is_exact() -> None:
    # m / ppy = 12 / 4 = 3, an integer, so no approximation:
    # (1 + 0.12/12) ** 3 - 1 = 1.01 ** 3 - 1 = 1.030301 - 1 = 0.030301.
    result = periodic_rate("0.12", periods_per_year=4, compounding_per_year=12)
    assert result == Fraction(30301, 1000000)
    assert result == (1 + Fraction(12, 100) / 12) ** 3 - 1


def test_daily_compounding_annual_payment_is_exact() -> None:
    # m / ppy = 365: (1 + 0.05/365) ** 365 - 1 exactly as a Fraction.
    result = periodic_rate("0.05", periods_per_year=1, compounding_per_year=365)
    assert result == (1 + Fraction(5, 100) / 365) ** 365 - 1


@given(annual=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("0.9999"), places=4),
       ppy=st.sampled_from([2, 4, 12, 26, 52]))
def test_annual_compounding_equals_effective(annual: Decimal, ppy: int) -> None:
    # A nominal rate compounded once a year is an effective annual rate.
    nominal = periodic_rate(annual, periods_per_year=ppy, compounding_per_year=1)
    effective = periodic_rate(annual, periods_per_year=ppy, convention="effective")
    assert abs(nominal - effective) < TOLERANCE


@given(annual=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("0.9999"), places=4),
       m=st.sampled_from([1, 2, 4, 12, 365]), ppy=st.sampled_from([1, 2, 4, 12, 26, 52]))
def test_compounding_round_trip(annual: Decimal, m: int, ppy: int) -> None:
    # (1 + periodic) ** ppy == (1 + annual / m) ** m: the same growth over a year.
    result = periodic_rate(annual, periods_per_year=ppy, compounding_per_year=m)
    assert abs((1 + result) ** ppy - (1 + Fraction(annual) / m) ** m) < TOLERANCE


# ------------------------------------------------------------------ periodic_rate: periodic


@pytest.mark.parametrize("ppy", [1, 12, 52])
def test_periodic_convention_returns_the_rate_itself(ppy: int) -> None:
    assert periodic_rate("0.005", periods_per_year=ppy, convention="periodic") == \
        Fraction(1, 200)
    assert periodic_rate("0.5%", periods_per_year=ppy,
                         convention=RateConvention.PERIODIC) == Fraction(1, 200)


@pytest.mark.parametrize(("text", "member"), [
    ("NOMINAL", RateConvention.NOMINAL), (" Effective ", RateConvention.EFFECTIVE),
    ("periodic", RateConvention.PERIODIC),
])
def test_rate_convention_parse(text: str, member: RateConvention) -> None:
    assert RateConvention.parse(text) is member
    assert RateConvention.parse(member) is member


# ------------------------------------------------------------------ periodic_rate: errors


@pytest.mark.parametrize("convention", ["effective", "periodic", RateConvention.EFFECTIVE])
def test_compounding_with_non_nominal_convention_is_refused(convention: object) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        periodic_rate("0.06", periods_per_year=12, convention=convention,
                      compounding_per_year=2)
    _assert_argument_error(info.value, "compounding_per_year")
    assert str(info.value) == ("compounding_per_year: applies only to a nominal annual rate "
                               "(got 2)")


@pytest.mark.parametrize("compounding", [0, -1, True, "2", 1.5, -12])
def test_compounding_per_year_must_be_positive_integer(compounding: object) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        periodic_rate("0.06", periods_per_year=12, compounding_per_year=compounding)
    _assert_argument_error(info.value, "compounding_per_year")
    assert str(info.value) == (f"compounding_per_year: must be a positive integer "
                               f"(got {compounding!r})")


@pytest.mark.parametrize(("compounding", "ppy"), [("12", 12), (12.0, 12), (True, 1)])
def test_compounding_per_year_equal_to_ppy_still_validated(compounding: object,
                                                           ppy: int) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        periodic_rate("0.06", periods_per_year=ppy, compounding_per_year=compounding)
    _assert_argument_error(info.value, "compounding_per_year")


@pytest.mark.parametrize("compounding", ["x", float("nan"), [2]])
def test_compounding_per_year_garbage_is_invalid_argument(compounding: object) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        periodic_rate("0.06", periods_per_year=12, compounding_per_year=compounding)
    _assert_argument_error(info.value, "compounding_per_year")


@pytest.mark.parametrize("ppy", [0, -12])
def test_periods_per_year_must_be_positive(ppy: int) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        periodic_rate("0.12", periods_per_year=ppy)
    _assert_argument_error(info.value, "periods_per_year")


@pytest.mark.parametrize("convention", ["apr", "", None, 1, "nominal_annual"])
def test_bad_convention_is_refused(convention: object) -> None:
    # Each names its own keyword: periodic_rate's convention, the plans' rate_convention.
    with pytest.raises(InvalidArgumentError) as info:
        periodic_rate("0.06", periods_per_year=12, convention=convention)
    _assert_argument_error(info.value, "convention")
    assert "one of 'nominal', 'effective', 'periodic'" in str(info.value)
    assert info.value.received == convention
    with pytest.raises(InvalidArgumentError) as info:
        Plan.annuity("1000", annual_rate="0.06", installments=12, start="2026-01-15",
                     rate_convention=convention)  # type: ignore[arg-type]
    _assert_argument_error(info.value, "rate_convention")


def test_periodic_rate_bad_rate_names_annual_rate_by_default() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        periodic_rate(8, periods_per_year=12)
    _assert_argument_error(info.value, "annual_rate")


def test_periodic_rate_bad_rate_uses_the_given_argument_name() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        periodic_rate("-1%", periods_per_year=12, argument="penalty_rate")
    _assert_argument_error(info.value, "penalty_rate")
    assert str(info.value).startswith("penalty_rate: must not be negative")
