"""Tests for bnpl_restructure.money: currencies and exact major/minor conversion."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bnpl_restructure.errors import InvalidArgumentError
from bnpl_restructure.money import (
    AUD,
    BHD,
    CAD,
    CNY,
    EUR,
    GBP,
    HKD,
    JPY,
    KRW,
    KWD,
    MAX_AMOUNT,
    USD,
    Currency,
    format_money,
    parse_money,
    to_decimal,
)

ALL_CURRENCIES = (CNY, USD, EUR, GBP, HKD, AUD, CAD, JPY, KRW, BHD, KWD)


def assert_names(excinfo: pytest.ExceptionInfo[InvalidArgumentError], argument: str) -> None:
    """The error carries the argument and its message starts with it."""
    assert excinfo.value.argument == argument
    assert argument in str(excinfo.value)


# --- Currency -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "code", "exponent"),
    [
        # ISO 4217 Table A.1, "Minor unit" column.
        (CNY, "CNY", 2),
        (USD, "USD", 2),
        (EUR, "EUR", 2),
        (GBP, "GBP", 2),
        (HKD, "HKD", 2),
        (AUD, "AUD", 2),
        (CAD, "CAD", 2),
        (JPY, "JPY", 0),
        (KRW, "KRW", 0),
        (BHD, "BHD", 3),
        (KWD, "KWD", 3),
    ],
)
def test_iso_4217_exponents(currency: Currency, code: str, exponent: int) -> None:
    assert currency.code == code
    assert currency.exponent == exponent
    assert currency.minor_per_major == 10**exponent


def test_quantum_values() -> None:
    assert CNY.quantum == Decimal("0.01")
    assert CNY.quantum.as_tuple().exponent == -2
    assert JPY.quantum.as_tuple() == Decimal("1").as_tuple()
    assert str(BHD.quantum) == "0.001"


def test_minor_per_major_values() -> None:
    assert CNY.minor_per_major == 100
    assert JPY.minor_per_major == 1
    assert KWD.minor_per_major == 1000


def test_repr_and_str() -> None:
    assert repr(CNY) == "Currency('CNY', exponent=2)"
    assert str(JPY) == "JPY"
    assert eval(repr(BHD), {"Currency": Currency}) == BHD


def test_currency_is_frozen_and_hashable() -> None:
    with pytest.raises(AttributeError):
        CNY.exponent = 3  # type: ignore[misc]
    assert {CNY, Currency("CNY", exponent=2)} == {CNY}


@pytest.mark.parametrize("text", ["CNY", "cny", " Cny ", "\tcny\n"])
def test_currency_of_code_is_case_insensitive(text: str) -> None:
    assert Currency.of(text) is CNY


def test_currency_of_passes_currency_through() -> None:
    chf = Currency("CHF", exponent=2)
    assert Currency.of(chf) is chf


@pytest.mark.parametrize("value", ["XYZ", "", "RMB", 156, None])
def test_currency_of_unknown_raises(value: object) -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        Currency.of(value)  # type: ignore[arg-type]
    assert_names(excinfo, "currency")
    assert "CNY" in str(excinfo.value)
    assert "KWD" in str(excinfo.value)


@pytest.mark.parametrize("code", ["cny", "CN", "CNYY", "C1Y", 156])
def test_currency_bad_code_raises(code: object) -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        Currency(code, exponent=2)  # type: ignore[arg-type]
    assert_names(excinfo, "code")


@pytest.mark.parametrize("exponent", [-1, 5, True, 2.0, "2"])
def test_currency_bad_exponent_raises(exponent: object) -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        Currency("CNY", exponent=exponent)  # type: ignore[arg-type]
    assert_names(excinfo, "exponent")


# --- to_minor / to_major --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "amount", "minor"),
    [
        (CNY, Decimal("340.33"), 34033),  # 340 * 100 + 33
        (CNY, "1.500", 150),  # trailing zeros are not decimals: 1.50 * 100
        (CNY, "0", 0),
        (CNY, "-0.01", -1),
        (CNY, Decimal("1E+2"), 10000),  # 100 yuan
        (CNY, 0.1, 10),  # float by shortest repr: 0.1 -> 10 fen (not 10.000000000000000555)
        (CNY, Fraction(1, 4), 25),
        (CNY, 3000, 300000),
        (JPY, 25, 25),
        (JPY, "25.000", 25),
        (BHD, "12.345", 12345),  # 12 * 1000 + 345 fils
        (KWD, "0.001", 1),
    ],
)
def test_to_minor_exact(currency: Currency, amount: object, minor: int) -> None:
    assert currency.to_minor(amount) == minor  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("currency", "amount", "phrase"),
    [
        (CNY, "0.005", "at most 2 decimal places"),
        (CNY, "340.335", "at most 2 decimal places"),
        (USD, 0.125, "at most 2 decimal places"),
        (BHD, "0.0001", "at most 3 decimal places"),
        (JPY, "1.5", "whole number of JPY"),
        (KRW, Fraction(1, 2), "whole number of KRW"),
    ],
)
def test_to_minor_refuses_excess_decimals(currency: Currency, amount: object, phrase: str) -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        currency.to_minor(amount, argument="installment_fee")  # type: ignore[arg-type]
    assert_names(excinfo, "installment_fee")
    assert phrase in str(excinfo.value)


def test_to_minor_default_argument_name() -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        CNY.to_minor("0.001")
    assert_names(excinfo, "amount")


def test_to_minor_refuses_absurd_magnitude() -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        CNY.to_minor(Decimal("1e999999"), argument="principal")
    assert_names(excinfo, "principal")
    assert "too large" in str(excinfo.value)


def test_to_minor_tiny_exponent_is_refused_not_hung() -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        CNY.to_minor(Decimal("1e-999999"), argument="principal")
    assert_names(excinfo, "principal")


@pytest.mark.parametrize(
    ("currency", "minor", "text"),
    [
        (CNY, 34033, "340.33"),
        (CNY, 0, "0.00"),
        (CNY, -5, "-0.05"),
        (CNY, 100, "1.00"),
        (JPY, 25, "25"),
        (JPY, 0, "0"),
        (BHD, 1, "0.001"),
        (KWD, 1234567, "1234.567"),
    ],
)
def test_to_major_has_exactly_exponent_places(currency: Currency, minor: int, text: str) -> None:
    major = currency.to_major(minor)
    assert isinstance(major, Decimal)
    assert str(major) == text
    assert major.as_tuple().exponent == -currency.exponent


@pytest.mark.parametrize("minor", [True, 1.0, Decimal("1"), "100"])
def test_to_major_refuses_non_int(minor: object) -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        CNY.to_major(minor)  # type: ignore[arg-type]
    assert_names(excinfo, "minor")


@given(currency=st.sampled_from(ALL_CURRENCIES), minor=st.integers(-(10**18), 10**18))
def test_minor_major_round_trip(currency: Currency, minor: int) -> None:
    major = currency.to_major(minor)
    assert major.as_tuple().exponent == -currency.exponent
    assert currency.to_minor(major) == minor
    assert currency.to_minor(str(major)) == minor


@given(
    currency=st.sampled_from(ALL_CURRENCIES),
    minor=st.integers(-(10**15), 10**15),
    extra=st.integers(1, 9),
)
def test_to_minor_never_rounds(currency: Currency, minor: int, extra: int) -> None:
    # minor units followed by one more non-zero digit: one decimal too many.
    sign, digits, exponent = currency.to_major(minor).as_tuple()
    assert isinstance(exponent, int)
    too_fine = Decimal((sign, (*digits, extra), exponent - 1))
    with pytest.raises(InvalidArgumentError):
        currency.to_minor(too_fine)


# --- to_decimal -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("12.50"), "12.50"),
        (" 1234.50 ", "1234.50"),
        ("-0.5", "-0.5"),
        ("+7", "7"),
        ("1e3", "1E+3"),
        (".5", "0.5"),
        (42, "42"),
        (0.1, "0.1"),  # shortest repr, not 0.1000000000000000055511151231257827...
        (1e16, "1E+16"),
        (2.675, "2.675"),  # the binary double is 2.67499999999999982236431605997...
        (Fraction(3, 8), "0.375"),
        (Fraction(-1, 20), "-0.05"),
        (Fraction(7), "7"),
    ],
)
def test_to_decimal_accepts(value: object, expected: str) -> None:
    result = to_decimal(value, argument="rate")  # type: ignore[arg-type]
    assert isinstance(result, Decimal)
    assert str(result) == expected


def test_to_decimal_numpy_float_uses_shortest_repr() -> None:
    assert to_decimal(np.float64(0.1), argument="rate") == Decimal("0.1")


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        (True, "bool"),
        (Decimal("NaN"), "finite"),
        (Decimal("sNaN"), "finite"),
        (Decimal("-Infinity"), "finite"),
        (float("nan"), "finite"),
        (float("inf"), "finite"),
        ("nan", "decimal number"),
        ("Infinity", "decimal number"),
        ("", "decimal number"),
        ("abc", "decimal number"),
        ("1.2.3", "decimal number"),
        ("\uff11\uff12", "decimal number"),  # full-width digits 12 are refused
        ("1,000.00", "thousands separators"),
        ("1_000", "thousands separators"),
        (Fraction(1, 3), "finite decimal expansion"),
        (None, "NoneType"),
        ([1], "list"),
        (1 + 2j, "complex"),
    ],
)
def test_to_decimal_refuses(value: object, phrase: str) -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        to_decimal(value, argument="annual_rate")  # type: ignore[arg-type]
    assert_names(excinfo, "annual_rate")
    assert phrase in str(excinfo.value)
    assert repr(value) in str(excinfo.value)


# --- parse_money ----------------------------------------------------------------------------


def test_parse_money_basic() -> None:
    assert parse_money("3000.00", CNY, argument="principal") == 300000
    assert parse_money("3000", "usd", argument="principal") == 300000
    assert parse_money(Decimal("12.345"), BHD, argument="fee") == 12345
    assert parse_money(1500, JPY, argument="principal") == 1500


def test_parse_money_negative_refused_by_default() -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        parse_money("-0.01", CNY, argument="principal")
    assert_names(excinfo, "principal")
    assert "negative" in str(excinfo.value)


def test_parse_money_negative_allowed() -> None:
    assert parse_money("-0.01", CNY, argument="adjustment", allow_negative=True) == -1


def test_parse_money_zero_refused_by_default() -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        parse_money("0.00", CNY, argument="principal")
    assert_names(excinfo, "principal")
    assert "greater than zero" in str(excinfo.value)


def test_parse_money_negative_zero_is_zero() -> None:
    assert parse_money("-0", CNY, argument="fee", allow_zero=True) == 0


def test_parse_money_zero_allowed() -> None:
    assert parse_money(0, CNY, argument="fee", allow_zero=True) == 0


def test_parse_money_max_amount_is_inclusive() -> None:
    assert int(MAX_AMOUNT) == 10**12
    assert parse_money(MAX_AMOUNT, CNY, argument="principal") == 10**14  # 1e12 yuan * 100
    assert parse_money(MAX_AMOUNT, BHD, argument="principal") == 10**15


@pytest.mark.parametrize(
    ("value", "allow_negative"),
    [("1000000000000.01", False), ("1e13", False), ("-1000000000000.01", True)],
)
def test_parse_money_above_max_amount_refused(value: str, allow_negative: bool) -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        parse_money(value, CNY, argument="principal", allow_negative=allow_negative)
    assert_names(excinfo, "principal")
    assert "1,000,000,000,000" in str(excinfo.value)


def test_parse_money_excess_decimals_refused() -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        parse_money("100.005", CNY, argument="principal")
    assert_names(excinfo, "principal")
    assert "at most 2 decimal places" in str(excinfo.value)
    assert "'100.005'" in str(excinfo.value)


def test_parse_money_unknown_currency() -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        parse_money("1", "XXX", argument="principal")
    assert_names(excinfo, "currency")


def test_parse_money_bad_value() -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        parse_money(float("nan"), CNY, argument="principal")
    assert_names(excinfo, "principal")


# --- format_money ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (123456, USD, "1,234.56"),
        (0, CNY, "0.00"),
        (5, CNY, "0.05"),
        (-5, CNY, "-0.05"),
        (99, CNY, "0.99"),
        (100000000, CNY, "1,000,000.00"),
        (-123456789, "cny", "-1,234,567.89"),
        (1234567, JPY, "1,234,567"),
        (999, KRW, "999"),
        (1234567, BHD, "1,234.567"),
        (1, KWD, "0.001"),
    ],
)
def test_format_money(minor: int, currency: Currency | str, text: str) -> None:
    assert format_money(minor, currency) == text


@given(currency=st.sampled_from(ALL_CURRENCIES), minor=st.integers(-(10**18), 10**18))
def test_format_money_agrees_with_to_major(currency: Currency, minor: int) -> None:
    assert format_money(minor, currency).replace(",", "") == str(currency.to_major(minor))


def test_format_money_refuses_non_int() -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        format_money(12.5, CNY)  # type: ignore[arg-type]
    assert_names(excinfo, "minor")


def test_format_money_unknown_currency() -> None:
    with pytest.raises(InvalidArgumentError) as excinfo:
        format_money(1, "ABC")
    assert_names(excinfo, "currency")


def _major_by_digits(minor: int, exponent: int) -> Decimal:
    """Independent: the Decimal of sign, digits and exponent."""
    digits = tuple(int(c) for c in str(abs(minor)))
    return Decimal((1 if minor < 0 else 0, digits, -exponent))


@given(st.one_of(st.integers(-10**18, 10**18), st.integers(-10**400, 10**400)),
       st.sampled_from(["JPY", "CNY", "BHD"]))
def test_to_major_is_exact_for_any_int(minor: int, code: str) -> None:
    """One exact multiplication for the usual sizes, digit by digit past 200 digits: the
    same Decimal (value and exponent) either way, and for a whole column at once."""
    currency = Currency.of(code)
    expected = _major_by_digits(minor, currency.exponent)
    got = currency.to_major(minor)
    assert str(got) == str(expected) and got.as_tuple() == expected.as_tuple()
    column = currency._majors((minor, 0, -minor))
    assert [c.as_tuple() for c in column] == [
        expected.as_tuple(), _major_by_digits(0, currency.exponent).as_tuple(),
        _major_by_digits(-minor, currency.exponent).as_tuple()]


def test_a_column_of_zeros_keeps_the_exponent() -> None:
    assert [str(v) for v in Currency.of("BHD")._majors((0, 0))] == ["0.000", "0.000"]
    assert [str(v) for v in Currency.of("JPY")._majors((0,))] == ["0"]


# ------------------------------------------------------------------ exact error messages
# (Killers of mutants that survived `mutmut run`: see docs/explanation/mutation-testing.md.)


def _raises(call: object, *args: object, **kwargs: object) -> InvalidArgumentError:
    with pytest.raises(InvalidArgumentError) as info:
        call(*args, **kwargs)  # type: ignore[operator]
    return info.value


@pytest.mark.parametrize(("make", "text"), [
    (lambda: Currency("cny", exponent=2), "code: must be an ISO 4217 code of three upper-case "
     "letters such as 'CNY' (got 'cny')"),
    (lambda: Currency("CNY", exponent=5), "exponent: must be an int from 0 to 4 (the decimals "
     "of the currency's minor unit) (got 5)"),
    (lambda: Currency("CNY", exponent=-1), "exponent: must be an int from 0 to 4 (the decimals "
     "of the currency's minor unit) (got -1)"),
    (lambda: Currency.of("XXX"), "currency: must be a Currency or one of the ISO 4217 codes "
     "CNY, USD, EUR, GBP, HKD, AUD, CAD, JPY, KRW, BHD, KWD (construct other currencies with "
     "Currency(code, exponent=...)) (got 'XXX')"),
    (lambda: CNY.to_major(1.5), "minor: must be an int count of minor units (got 1.5)"),
    (lambda: CNY.to_major(True), "minor: must be an int count of minor units (got True)"),
    (lambda: format_money(1.5, "CNY"), "minor: must be an int count of minor units (got 1.5)"),
    (lambda: format_money(False, "CNY"),
     "minor: must be an int count of minor units (got False)"),
    (lambda: to_decimal(True, argument="rate"), "rate: must be a number, not a bool (got True)"),
    (lambda: to_decimal(Decimal("NaN"), argument="rate"),
     "rate: must be a finite number (NaN and infinity are refused) (got Decimal('NaN'))"),
    (lambda: to_decimal(float("inf"), argument="rate"),
     "rate: must be a finite number (NaN and infinity are refused) (got inf)"),
    (lambda: to_decimal("1,000", argument="fee"), "fee: must be a plain decimal number without "
     "thousands separators, e.g. '1000.00' (got '1,000')"),
    (lambda: to_decimal("1_000", argument="fee"), "fee: must be a plain decimal number without "
     "thousands separators, e.g. '1000.00' (got '1_000')"),
    (lambda: to_decimal("12a", argument="fee"), "fee: must be a decimal number such as "
     "'1234.56' (finite; ASCII digits) (got '12a')"),
    (lambda: to_decimal("1e9999999999999999999", argument="fee"),
     "fee: must be a finite number of a sensible size (got '1e9999999999999999999')"),
    (lambda: to_decimal([1], argument="fee"),
     "fee: must be a Decimal, str, int, float or Fraction, not list (got [1])"),
    (lambda: to_decimal(Fraction(1, 3), argument="rate"),
     "rate: must have a finite decimal expansion (a Fraction whose denominator has no prime "
     "factor other than 2 and 5) (got Fraction(1, 3))"),
    (lambda: parse_money("-1", "CNY", argument="principal"),
     "principal: must not be negative (got '-1')"),
    (lambda: parse_money(Decimal(0), "CNY", argument="principal"),
     "principal: must be greater than zero (got Decimal('0'))"),
    (lambda: parse_money(10**12 + 1, "USD", argument="principal"),
     "principal: must not exceed MAX_AMOUNT = 1,000,000,000,000 USD in absolute value "
     "(is it in minor units by mistake?) (got 1000000000001)"),
    (lambda: CNY.to_minor("0.005", argument="fee"),
     "fee: must have at most 2 decimal places for CNY; round it explicitly first (got '0.005')"),
    (lambda: JPY.to_minor("0.5", argument="fee"), "fee: must be a whole number of JPY (it has "
     "no minor unit); round it explicitly first (got '0.5')"),
    (lambda: CNY.to_minor(Decimal("1E-50"), argument="fee"), "fee: must have at most 2 "
     "decimal places for CNY; round it explicitly first (got Decimal('1E-50'))"),
    (lambda: CNY.to_minor(Decimal("1E+98"), argument="fee"), "fee: is too large to be an "
     "amount (10**100 minor units or more) (got Decimal('1E+98'))"),
    (lambda: CNY.to_minor("abc", argument="fee"),
     "fee: must be a decimal number such as '1234.56' (finite; ASCII digits) (got 'abc')"),
])
def test_error_messages_are_exact(make: object, text: str) -> None:
    err = _raises(make)
    assert str(err) == text
    assert err.argument == text.split(":")[0]


def test_currency_exponent_bounds_are_inclusive() -> None:
    assert Currency("XTS", exponent=0).minor_per_major == 1
    assert Currency("CLF", exponent=4).minor_per_major == 10_000
    assert Currency("CLF", exponent=4).to_major(12345) == Decimal("1.2345")


def test_to_decimal_huge_exponent_is_refused_whatever_the_callers_context() -> None:
    import decimal

    with decimal.localcontext() as ctx:
        ctx.traps[decimal.InvalidOperation] = False  # the caller's context must not matter
        err = _raises(to_decimal, "1e9999999999999999999", argument="fee")
    assert err.argument == "fee"


@pytest.mark.parametrize(("fraction", "text"), [
    (Fraction(3, 125), "0.024"),        # five-heavy denominator: 3 places
    (Fraction(-3, 8), "-0.375"),
    (Fraction(7, 1), "7"),
    (Fraction(0, 1), "0"),              # no negative zero
    (Fraction(1, 2**10 * 5**3), "0.0000078125"),   # 1 / 128000
])
def test_fraction_to_decimal_is_exact_and_minimal(fraction: Fraction, text: str) -> None:
    assert str(to_decimal(fraction, argument="rate")) == text


def test_fraction_to_decimal_with_huge_denominators_stays_exact() -> None:
    # Denominators past float range: the factor counting must stay in integers.
    for fraction in (Fraction(1, 2**1100), Fraction(-3, 5**500), Fraction(7, 10**400)):
        value = to_decimal(fraction, argument="rate")
        assert Fraction(value) == fraction


@pytest.mark.parametrize(("value", "currency"), [
    (Decimal("1E+50"), CNY), (Decimal("-1E+50"), CNY), (Decimal("1000E+41"), JPY),
    (Decimal("-2.5E+60"), BHD), (Decimal("123456789" + "0" * 40 + ".25"), CNY),
    (Decimal("-7" + "0" * 45 + ".5"), USD), (Decimal("1E+97"), CNY), (Decimal("1.2E+41"), KRW),
])
def test_to_minor_of_huge_amounts_is_exact(value: Decimal, currency: Currency) -> None:
    # Beyond the one-division fast path (|adjusted| > 40): digit by digit, still exact.
    expected = Fraction(value) * currency.minor_per_major
    assert expected.denominator == 1
    minor = currency.to_minor(value)
    assert type(minor) is int
    assert minor == expected.numerator
    assert currency.to_minor(value, argument="x") == minor


@pytest.mark.parametrize("value", [Decimal("0E-50"), Decimal("-0E-60"), Decimal("0E+50"),
                                   Decimal("0.000E-45")])
def test_to_minor_of_zero_with_a_far_exponent_is_zero(value: Decimal) -> None:
    assert CNY.to_minor(value) == 0
    assert JPY.to_minor(value) == 0


def test_to_minor_largest_amount_is_just_below_the_digit_limit() -> None:
    assert CNY.to_minor(Decimal("9.99E+97")) == 999 * 10**97   # 100 digits
    assert CNY.to_minor(Decimal("1E+97")) == 10**99
    err = _raises(CNY.to_minor, Decimal("1.0E+98"), argument="fee")
    assert err.received == Decimal("1.0E+98")


def test_to_minor_errors_carry_argument_and_received() -> None:
    err = _raises(CNY.to_minor, "0.005", argument="fee")
    assert (err.argument, err.received) == ("fee", "0.005")
    err = _raises(CNY.to_minor, Decimal("1E-50"))
    assert (err.argument, err.received) == ("amount", Decimal("1E-50"))
    err = _raises(CNY.to_minor, "x1", argument="fee")
    assert (err.argument, err.received) == ("fee", "x1")


def test_to_major_of_int_subclasses_and_huge_ints() -> None:
    class Minor(int):
        pass

    assert str(CNY.to_major(Minor(0))) == "0.00"
    assert str(CNY.to_major(Minor(-5))) == "-0.05"
    assert str(JPY.to_major(Minor(7))) == "7"
    huge = 10**60 + 1
    assert Fraction(CNY.to_major(huge)) == Fraction(huge, 100)
    assert str(CNY.to_major(-huge)) == "-" + str(huge)[:-2] + "." + str(huge)[-2:]


@pytest.mark.parametrize(("value", "expected"), [
    (0, 0), (1, 100), (5, 500), ("0", 0), (Decimal("0.00"), 0), ("1.00", 100), (0.5, 50),
])
def test_parse_money_with_zero_allowed(value: object, expected: int) -> None:
    assert parse_money(value, "CNY", argument="fee", allow_zero=True) == expected


def test_parse_money_errors_carry_the_received_value() -> None:
    for value in ("-1", -1, Decimal("-0.01")):
        assert _raises(parse_money, value, "CNY", argument="fee").received == value
    for value in (0, "0.00", Decimal(0)):
        assert _raises(parse_money, value, "CNY", argument="fee").received == value
    err = _raises(parse_money, "-1000000000000.01", "CNY", argument="fee", allow_negative=True)
    assert err.received == "-1000000000000.01"
    assert parse_money("-1000000000000", "CNY", argument="fee", allow_negative=True) == (
        -10**14)


def test_to_decimal_size_limits_exactly() -> None:
    # Below 1e+1001 and at most 1000 decimals (money._sensible); a zero keeps its exponent
    # within those bounds and is plain 0 beyond them. Text and Decimal inputs alike.
    from bnpl_restructure.money import to_decimal

    def exponent(value: object) -> int:
        result = to_decimal(value, argument="amount")  # type: ignore[arg-type]
        assert result == 0 or result == Decimal(str(value))
        got = result.as_tuple().exponent
        assert isinstance(got, int)
        return got

    assert exponent("1e1000") == 1000 and exponent("9.9e1000") == 999
    assert exponent("1e-1000") == -1000 and exponent(Decimal("1e-1000")) == -1000
    assert [exponent(z) for z in ("0E-1000", "0E+1000", "0E-1001", "0E+1001")] == \
        [-1000, 1000, 0, 0]
    assert to_decimal("0E-1001", argument="amount") == Decimal(0)
    for value, text in (("1e1001", "'1e1001'"), (Decimal("1e1001"), "Decimal('1E+1001')")):
        with pytest.raises(InvalidArgumentError) as info:
            to_decimal(value, argument="amount")
        assert str(info.value) == ("amount: is too large to be a number here (it must be "
                                   f"below 1e+1001) (got {text})")
    for value, text in (("1e-1001", "'1e-1001'"), (Decimal("1e-1001"), "Decimal('1E-1001')")):
        with pytest.raises(InvalidArgumentError) as info:
            to_decimal(value, argument="amount")
        assert str(info.value) == ("amount: has too many decimals to be a number here (at "
                                   f"most 1000) (got {text})")
