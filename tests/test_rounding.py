"""Tests for bnpl_restructure.rounding: round_ratio, round_ratio_array, RoundingPolicy.

The golden tables are hand arithmetic (each row states the exact quotient); the
property tests compare against independent oracles: ``decimal`` quantization for
power-of-ten denominators and ``fractions.Fraction`` with ``math.floor``/``math.ceil``
and Python's own ``round`` (ties to even) for any denominator.
"""

from __future__ import annotations

import dataclasses
import decimal
import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bnpl_restructure.errors import InvalidArgumentError
from bnpl_restructure.rounding import (
    BalancePrecision,
    Residual,
    RoundingMode,
    RoundingPolicy,
    round_ratio,
    round_ratio_array,
)

HU, HE, HD, UP, DN = (RoundingMode.HALF_UP, RoundingMode.HALF_EVEN, RoundingMode.HALF_DOWN,
                      RoundingMode.UP, RoundingMode.DOWN)
MODES = (HU, HE, HD, UP, DN)

# (numerator, denominator, {mode: expected}) -- hand arithmetic in the comment.
# Columns in order HALF_UP, HALF_EVEN, HALF_DOWN, UP, DOWN.
BIG = 10**30
TABLE: list[tuple[int, int, tuple[int, int, int, int, int]]] = [
    # positive, below the tie: 1.4
    (14, 10, (1, 1, 1, 2, 1)),
    # positive, above the tie: 1.6
    (16, 10, (2, 2, 2, 2, 1)),
    # positive tie with an odd floor: 1.5 (even neighbour is 2)
    (15, 10, (2, 2, 1, 2, 1)),
    # positive tie with an even floor: 2.5 (even neighbour is 2)
    (25, 10, (3, 2, 2, 3, 2)),
    # positive tie below one: 0.5 (even neighbour is 0)
    (5, 10, (1, 0, 0, 1, 0)),
    # exact: 2.0, every mode leaves it alone
    (20, 10, (2, 2, 2, 2, 2)),
    # zero
    (0, 7, (0, 0, 0, 0, 0)),
    # denominator one: 7 / 1 = 7
    (7, 1, (7, 7, 7, 7, 7)),
    # cents: 1.005 -> 1 (below the tie at 1.5)
    (1005, 1000, (1, 1, 1, 2, 1)),
    # thirds: 1/3 = 0.333..., 2/3 = 0.666... (an odd denominator never ties)
    (1, 3, (0, 0, 0, 1, 0)),
    (2, 3, (1, 1, 1, 1, 0)),
    # negative, mirror images of the rows above (every mode is symmetric about zero)
    (-14, 10, (-1, -1, -1, -2, -1)),
    (-16, 10, (-2, -2, -2, -2, -1)),
    (-15, 10, (-2, -2, -1, -2, -1)),
    (-25, 10, (-3, -2, -2, -3, -2)),
    (-5, 10, (-1, 0, 0, -1, 0)),
    (-20, 10, (-2, -2, -2, -2, -2)),
    (-1, 3, (0, 0, 0, -1, 0)),
    (-2, 3, (-1, -1, -1, -1, 0)),
    # -1.005 -> -1; -1.995 -> -2 (DOWN truncates to -1)
    (-1005, 1000, (-1, -1, -1, -2, -1)),
    (-1995, 1000, (-2, -2, -2, -2, -1)),
    # huge exact integers: 10^29 + 0.5 (tie, 10^29 is even) and 10^29 + 0.7
    (BIG + 5, 10, (BIG // 10 + 1, BIG // 10, BIG // 10, BIG // 10 + 1, BIG // 10)),
    (BIG + 7, 10, (BIG // 10 + 1,) * 4 + (BIG // 10,)),
    (-(BIG + 5), 10, (-(BIG // 10 + 1), -(BIG // 10), -(BIG // 10), -(BIG // 10 + 1),
                      -(BIG // 10))),
    # 10^29 + 1.5: tie with an odd floor -> even neighbour 10^29 + 2
    (BIG + 15, 10, (BIG // 10 + 2, BIG // 10 + 2, BIG // 10 + 1, BIG // 10 + 2,
                    BIG // 10 + 1)),
]

CASES = [pytest.param(num, den, mode, expected[i], id=f"{num}/{den}-{mode.value}")
         for num, den, expected in TABLE for i, mode in enumerate(MODES)]
INT64_CASES = [c for c in CASES if abs(c.values[0]) < 2**62]
NONNEGATIVE_INT64_CASES = [c for c in INT64_CASES if c.values[0] >= 0]

_DECIMAL_MODE = {HU: decimal.ROUND_HALF_UP, HE: decimal.ROUND_HALF_EVEN,
                 HD: decimal.ROUND_HALF_DOWN, UP: decimal.ROUND_UP, DN: decimal.ROUND_DOWN}


def _oracle(numerator: int, denominator: int, mode: RoundingMode) -> int:
    """Independent reference: exact Fraction, math.floor/ceil and round() (ties to even)."""
    x = Fraction(numerator, denominator)
    if mode is DN:
        return math.floor(x) if x >= 0 else math.ceil(x)
    if mode is UP:
        return math.ceil(x) if x >= 0 else math.floor(x)
    if mode is HE:
        return round(x)
    magnitude = abs(x)
    low = math.floor(magnitude)
    frac = magnitude - low
    if frac > Fraction(1, 2) or (frac == Fraction(1, 2) and mode is HU):
        low += 1
    return low if x >= 0 else -low


def test_mode_table_column_order_matches_modes() -> None:
    # The table's columns are read in MODES order; pin it so a reorder cannot go unnoticed.
    assert [m.value for m in MODES] == ["half_up", "half_even", "half_down", "up", "down"]
    assert set(MODES) == set(RoundingMode)


def test_oracle_agrees_with_hand_table() -> None:
    # The oracle used by the property tests must itself reproduce the hand arithmetic.
    for case in CASES:
        num, den, mode, expected = case.values
        assert _oracle(num, den, mode) == expected, case.id


# ------------------------------------------------------------------ round_ratio


@pytest.mark.parametrize(("numerator", "denominator", "mode", "expected"), CASES)
def test_round_ratio_hand_table(numerator: int, denominator: int, mode: RoundingMode,
                                expected: int) -> None:
    result = round_ratio(numerator, denominator, mode)
    assert result == expected
    assert type(result) is int


@given(numerator=st.integers(-10**40, 10**40), exponent=st.integers(0, 30),
       mode=st.sampled_from(MODES))
def test_round_ratio_matches_decimal_quantize(numerator: int, exponent: int,
                                              mode: RoundingMode) -> None:
    # For a denominator 10^k, numerator / 10^k is an exact Decimal; quantizing it to an
    # integer with the matching decimal rounding mode is an independent oracle.
    with decimal.localcontext(decimal.Context(prec=200)):
        exact = Decimal(numerator).scaleb(-exponent)
        expected = int(exact.quantize(Decimal(1), rounding=_DECIMAL_MODE[mode]))
    assert round_ratio(numerator, 10**exponent, mode) == expected


@given(numerator=st.integers(-10**40, 10**40), denominator=st.integers(1, 10**20),
       mode=st.sampled_from(MODES))
def test_round_ratio_matches_fraction_oracle(numerator: int, denominator: int,
                                             mode: RoundingMode) -> None:
    assert round_ratio(numerator, denominator, mode) == _oracle(numerator, denominator, mode)


@given(numerator=st.integers(-10**30, 10**30), denominator=st.integers(1, 10**12),
       mode=st.sampled_from(MODES))
def test_round_ratio_invariants(numerator: int, denominator: int, mode: RoundingMode) -> None:
    result = round_ratio(numerator, denominator, mode)
    error = Fraction(result) - Fraction(numerator, denominator)
    # Every mode is symmetric about zero.
    assert round_ratio(-numerator, denominator, mode) == -result
    if mode in (HU, HE, HD):  # nearest: off by at most half a unit
        assert abs(error) <= Fraction(1, 2)
    else:  # directed: strictly less than one unit, on the stated side of the value
        assert abs(error) < 1
        if mode is UP:
            assert abs(result) >= abs(Fraction(numerator, denominator))
        else:
            assert abs(result) <= abs(Fraction(numerator, denominator))
    # Scaling numerator and denominator by the same factor changes nothing.
    assert round_ratio(7 * numerator, 7 * denominator, mode) == result


# ------------------------------------------------------------------ round_ratio_array


@pytest.mark.parametrize(("numerator", "denominator", "mode", "expected"), INT64_CASES)
def test_round_ratio_array_int64_hand_table(numerator: int, denominator: int,
                                            mode: RoundingMode, expected: int) -> None:
    result = round_ratio_array(np.array([numerator], dtype=np.int64), denominator, mode)
    assert result.dtype == np.int64
    assert result.tolist() == [expected]


@pytest.mark.parametrize(("numerator", "denominator", "mode", "expected"), CASES)
def test_round_ratio_array_object_hand_table(numerator: int, denominator: int,
                                             mode: RoundingMode, expected: int) -> None:
    result = round_ratio_array(np.array([numerator], dtype=object), denominator, mode)
    assert result.dtype == object
    assert result.tolist() == [expected]
    assert type(result[0]) is int


@pytest.mark.parametrize(("numerator", "denominator", "mode", "expected"),
                         NONNEGATIVE_INT64_CASES)
def test_round_ratio_array_nonnegative_hand_table(numerator: int, denominator: int,
                                                  mode: RoundingMode, expected: int) -> None:
    for dtype in (np.int64, object):
        result = round_ratio_array(np.array([numerator], dtype=dtype), denominator, mode,
                                   nonnegative=True)
        assert result.tolist() == [expected], dtype


def test_round_ratio_array_whole_table_in_one_call_per_mode() -> None:
    # One array holding every row, so that elementwise masks cannot leak between rows.
    rows = [(n, d, e) for n, d, e in TABLE if abs(n) < 2**62]
    for i, mode in enumerate(MODES):
        numerators = np.array([n for n, _, _ in rows], dtype=np.int64)
        denominators = np.array([d for _, d, _ in rows], dtype=np.int64)
        result = round_ratio_array(numerators, denominators, mode)
        assert result.tolist() == [e[i] for _, _, e in rows], mode


def test_round_ratio_array_keeps_shape() -> None:
    numerator = np.arange(-12, 12, dtype=np.int64).reshape(4, 6)
    result = round_ratio_array(numerator, 4, HE)
    assert result.shape == (4, 6)
    assert result.tolist() == [[round_ratio(int(v), 4, HE) for v in row]
                               for row in numerator.tolist()]


# int64 bounds: the library's callers switch to object arrays above 2**61 (core) and
# 2**62 (batch) for numerators, so the int64 property stays within those bounds.
_INT64_NUMERATOR = st.integers(-(2**61), 2**61)
_INT64_DENOMINATOR = st.integers(1, 2**60)


@given(numerators=st.lists(_INT64_NUMERATOR, min_size=1, max_size=30),
       denominator=_INT64_DENOMINATOR, mode=st.sampled_from(MODES))
def test_round_ratio_array_int64_equals_round_ratio(numerators: list[int], denominator: int,
                                                    mode: RoundingMode) -> None:
    result = round_ratio_array(np.array(numerators, dtype=np.int64), denominator, mode)
    assert result.dtype == np.int64
    assert result.tolist() == [round_ratio(n, denominator, mode) for n in numerators]


@given(pairs=st.lists(st.tuples(_INT64_NUMERATOR, _INT64_DENOMINATOR), min_size=1,
                      max_size=30),
       mode=st.sampled_from(MODES))
def test_round_ratio_array_int64_elementwise_denominators(pairs: list[tuple[int, int]],
                                                          mode: RoundingMode) -> None:
    numerators = np.array([n for n, _ in pairs], dtype=np.int64)
    denominators = np.array([d for _, d in pairs], dtype=np.int64)
    result = round_ratio_array(numerators, denominators, mode)
    assert result.tolist() == [round_ratio(n, d, mode) for n, d in pairs]


@given(pairs=st.lists(st.tuples(st.integers(-10**40, 10**40), st.integers(1, 10**30)),
                      min_size=1, max_size=30),
       mode=st.sampled_from(MODES))
def test_round_ratio_array_object_huge_ints_equals_round_ratio(pairs: list[tuple[int, int]],
                                                               mode: RoundingMode) -> None:
    numerators = np.array([n for n, _ in pairs], dtype=object)
    denominators = np.array([d for _, d in pairs], dtype=object)
    expected = [round_ratio(n, d, mode) for n, d in pairs]
    result = round_ratio_array(numerators, denominators, mode)
    assert result.tolist() == expected
    assert all(type(v) is int for v in result.tolist())
    # A scalar (Python int) denominator, as batch.py passes for uniform programs.
    d0 = pairs[0][1]
    assert round_ratio_array(numerators, d0, mode).tolist() == [
        round_ratio(n, d0, mode) for n, _ in pairs]


@given(numerators=st.lists(st.integers(0, 2**61), min_size=1, max_size=30),
       denominator=st.integers(1, 2**60), mode=st.sampled_from(MODES))
def test_round_ratio_array_nonnegative_int64_equals_round_ratio(numerators: list[int],
                                                                denominator: int,
                                                                mode: RoundingMode) -> None:
    result = round_ratio_array(np.array(numerators, dtype=np.int64), denominator, mode,
                               nonnegative=True)
    assert result.tolist() == [round_ratio(n, denominator, mode) for n in numerators]


@given(numerators=st.lists(st.integers(0, 10**40), min_size=1, max_size=30),
       denominator=st.integers(1, 10**30), mode=st.sampled_from(MODES))
def test_round_ratio_array_nonnegative_object_equals_round_ratio(numerators: list[int],
                                                                 denominator: int,
                                                                 mode: RoundingMode) -> None:
    result = round_ratio_array(np.array(numerators, dtype=object), denominator, mode,
                               nonnegative=True)
    assert result.tolist() == [round_ratio(n, denominator, mode) for n in numerators]


@given(numerators=st.lists(st.integers(0, 10**6), min_size=1, max_size=30),
       denominator=st.sampled_from([2, 4, 10, 100, 1000]), mode=st.sampled_from(MODES))
def test_round_ratio_array_nonnegative_on_ties(numerators: list[int], denominator: int,
                                               mode: RoundingMode) -> None:
    # Even denominators and small numerators make exact ties frequent, which is where the
    # one-division fast path (nonnegative=True) differs by mode.
    ties = [n * denominator + denominator // 2 for n in numerators]
    result = round_ratio_array(np.array(ties, dtype=np.int64), denominator, mode,
                               nonnegative=True)
    assert result.tolist() == [round_ratio(t, denominator, mode) for t in ties]


# ------------------------------------------------------------------ RoundingPolicy


def test_default_policy_and_repr() -> None:
    policy = RoundingPolicy()
    assert (policy.payment, policy.interest, policy.balance, policy.residual) == (
        HU, HU, BalancePrecision.ROUNDED, Residual.LAST)
    assert repr(policy) == ("RoundingPolicy(payment='half_up', interest='half_up', "
                            "balance='rounded', residual='last')")


def test_repr_shows_every_field() -> None:
    policy = RoundingPolicy(payment="down", interest="half_even", balance="exact",
                            residual="first")
    assert repr(policy) == ("RoundingPolicy(payment='down', interest='half_even', "
                            "balance='exact', residual='first')")


@pytest.mark.parametrize(("text", "mode"), [
    ("half_up", HU), ("HALF_UP", HU), ("half-up", HU), ("Half Up", HU),
    (" half_even ", HE), ("HALF-EVEN", HE), ("half_down", HD), ("up", UP), ("Up", UP),
    ("down", DN), ("DOWN", DN),
])
def test_policy_parses_mode_strings(text: str, mode: RoundingMode) -> None:
    assert RoundingPolicy(payment=text).payment is mode
    assert RoundingPolicy(interest=text).interest is mode
    assert RoundingMode.parse(text) is mode


@pytest.mark.parametrize(("text", "balance"), [
    ("rounded", BalancePrecision.ROUNDED), ("EXACT", BalancePrecision.EXACT),
    (" exact ", BalancePrecision.EXACT),
])
def test_policy_parses_balance_strings(text: str, balance: BalancePrecision) -> None:
    assert RoundingPolicy(balance=text).balance is balance


@pytest.mark.parametrize(("text", "residual"), [
    ("last", Residual.LAST), ("FIRST", Residual.FIRST), (" First ", Residual.FIRST),
])
def test_policy_parses_residual_strings(text: str, residual: Residual) -> None:
    assert RoundingPolicy(residual=text).residual is residual


def test_policy_from_strings_equals_policy_from_members() -> None:
    from_text = RoundingPolicy(payment="up", interest="half_even", balance="exact",
                               residual="first")
    from_members = RoundingPolicy(payment=UP, interest=HE, balance=BalancePrecision.EXACT,
                                  residual=Residual.FIRST)
    assert from_text == from_members
    assert hash(from_text) == hash(from_members)
    assert from_text != RoundingPolicy()


def test_policy_is_frozen() -> None:
    policy = RoundingPolicy()
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.payment = UP  # type: ignore[misc]
    assert dataclasses.replace(policy, payment="up").payment is UP
    assert policy.payment is HU


def test_policy_fields_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        RoundingPolicy("up")  # type: ignore[misc]


def test_spreadsheet_preset() -> None:
    policy = RoundingPolicy.spreadsheet()
    assert policy == RoundingPolicy(payment=HU, interest=HU, balance=BalancePrecision.EXACT,
                                    residual=Residual.LAST)
    assert repr(policy) == ("RoundingPolicy(payment='half_up', interest='half_up', "
                            "balance='exact', residual='last')")


def test_textbook_preset() -> None:
    policy = RoundingPolicy.textbook()
    assert policy == RoundingPolicy(payment=UP, interest=HU,
                                    balance=BalancePrecision.ROUNDED, residual=Residual.LAST)
    assert repr(policy) == ("RoundingPolicy(payment='up', interest='half_up', "
                            "balance='rounded', residual='last')")


# ------------------------------------------------------------------ split


def test_split_residual_last_golden() -> None:
    # 100.01 / 4 = 25.0025: 2500 each, 10001 - 4 x 2500 = 1 minor unit to the last.
    assert RoundingPolicy().split(10001, 4) == [2500, 2500, 2500, 2501]


def test_split_residual_first_golden() -> None:
    assert RoundingPolicy(residual="first").split(10001, 4) == [2501, 2500, 2500, 2500]


def test_split_jd_baitiao_1000_yuan_in_3() -> None:
    # 1000.00 yuan / 3 = 333.33 r 0.01 (JD Baitiao worked example, see test_plans.py):
    # 333.33, 333.33, 333.34 with the residual last.
    assert RoundingPolicy().split(100000, 3) == [33333, 33333, 33334]
    assert RoundingPolicy(residual="first").split(100000, 3) == [33334, 33333, 33333]


def test_split_edge_cases() -> None:
    assert RoundingPolicy().split(12345, 1) == [12345]
    assert RoundingPolicy().split(0, 3) == [0, 0, 0]
    assert RoundingPolicy().split(1200, 12) == [100] * 12  # divides exactly, no residual
    # Fewer minor units than parts: all of them land on the residual installment.
    assert RoundingPolicy().split(2, 3) == [0, 0, 2]
    assert RoundingPolicy(residual="first").split(2, 3) == [2, 0, 0]


@given(amount=st.integers(0, 10**15), parts=st.integers(1, 480),
       residual=st.sampled_from(list(Residual)))
def test_split_properties(amount: int, parts: int, residual: Residual) -> None:
    shares = RoundingPolicy(residual=residual).split(amount, parts)
    assert len(shares) == parts
    assert sum(shares) == amount  # conservation: nothing created or lost
    assert all(type(s) is int and s >= 0 for s in shares)
    base = amount // parts
    slot = -1 if residual is Residual.LAST else 0
    others = shares[:-1] if residual is Residual.LAST else shares[1:]
    assert all(s == base for s in others)
    assert shares[slot] == base + amount % parts
    assert shares[slot] - base < parts  # the residual is less than one unit per part
    ordered = shares if residual is Residual.LAST else shares[::-1]
    assert ordered == sorted(ordered)


@given(amount=st.integers(0, 10**12), parts=st.integers(1, 480))
def test_split_first_is_last_reversed(amount: int, parts: int) -> None:
    last = RoundingPolicy(residual="last").split(amount, parts)
    assert RoundingPolicy(residual="first").split(amount, parts) == last[::-1]


# ------------------------------------------------------------------ error paths


def _assert_argument_error(err: InvalidArgumentError, argument: str, received: object) -> None:
    assert err.argument == argument
    assert str(err).startswith(f"{argument}: ")
    assert err.received == received
    assert str(err).endswith(f"(got {received!r})")


@pytest.mark.parametrize("field", ["payment", "interest"])
def test_policy_bogus_mode_names_the_field(field: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        RoundingPolicy(**{field: "bogus"})
    _assert_argument_error(info.value, f"rounding.{field}", "bogus")
    # The message lists what is allowed.
    assert "'half_up', 'half_even', 'half_down', 'up', 'down'" in str(info.value)


def test_policy_bogus_balance_names_the_field() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        RoundingPolicy(balance="bogus")
    _assert_argument_error(info.value, "rounding.balance", "bogus")
    assert "'rounded', 'exact'" in str(info.value)


def test_policy_bogus_residual_names_the_field() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        RoundingPolicy(residual="bogus")
    _assert_argument_error(info.value, "rounding.residual", "bogus")
    assert "'last', 'first'" in str(info.value)


@pytest.mark.parametrize(("field", "value"), [
    ("payment", None), ("payment", 1), ("payment", BalancePrecision.EXACT),
    ("interest", Residual.LAST), ("interest", 0.5),
    ("balance", "up"), ("balance", None), ("balance", RoundingMode.HALF_UP),
    ("residual", "half_up"), ("residual", 0), ("residual", BalancePrecision.ROUNDED),
])
def test_policy_wrong_type_or_wrong_enum_names_the_field(field: str, value: object) -> None:
    # A member of a different enum, or a value of another field, is refused too.
    with pytest.raises(InvalidArgumentError) as info:
        RoundingPolicy(**{field: value})
    _assert_argument_error(info.value, f"rounding.{field}", value)


def test_rounding_mode_parse_bogus_default_argument() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        RoundingMode.parse("bogus")
    _assert_argument_error(info.value, "mode", "bogus")


def test_rounding_mode_parse_bogus_custom_argument() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        RoundingMode.parse("half_sideways", argument="interest_rounding")
    _assert_argument_error(info.value, "interest_rounding", "half_sideways")


@pytest.mark.parametrize("value", [None, 2, "", "halfup", Residual.LAST])
def test_rounding_mode_parse_refuses_non_modes(value: object) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        RoundingMode.parse(value)  # type: ignore[arg-type]
    _assert_argument_error(info.value, "mode", value)


def test_rounding_mode_parse_returns_members_unchanged() -> None:
    for mode in RoundingMode:
        assert RoundingMode.parse(mode) is mode
        assert RoundingMode.parse(mode.value) is mode
        assert RoundingMode.parse(mode.name) is mode


# ------------------------------------------------------------------ increment
# (Killers of mutants that survived `mutmut run`: see docs/explanation/mutation-testing.md.)


def test_increment_is_parsed_to_an_exact_decimal() -> None:
    assert RoundingPolicy().increment is None
    for text, step in [("0.10", Decimal("0.10")), ("0.5", Decimal("0.5")), ("1", Decimal(1)),
                       ("20", Decimal(20))]:
        policy = RoundingPolicy(increment=text)
        assert type(policy.increment) is Decimal
        assert policy.increment == step
        assert str(policy.increment) == text  # kept as written, no float detour
    assert repr(RoundingPolicy(increment="0.10", payment="up")) == (
        "RoundingPolicy(payment='up', interest='half_up', balance='rounded', "
        "residual='last', increment='0.10')")


@pytest.mark.parametrize("value", ["0", "-1", "-0.01", Decimal("0.00")])
def test_increment_must_be_positive(value: object) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        RoundingPolicy(increment=value)
    assert str(info.value) == ("rounding.increment: must be positive (or None for the "
                               f"currency's minor unit) (got {value!r})")
    _assert_argument_error(info.value, "rounding.increment", value)


def test_increment_must_be_a_decimal_number() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        RoundingPolicy(increment="abc")
    _assert_argument_error(info.value, "rounding.increment", "abc")


def test_increment_cannot_be_combined_with_an_exact_balance() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        RoundingPolicy(increment="1", balance="exact")
    assert str(info.value) == (
        "rounding.increment: cannot be combined with balance='exact': a spreadsheet-style "
        "plan carries its payment unrounded; use balance='rounded' for installments in "
        "multiples (got '1')")
    assert info.value.received == "1"
    # Carried precision rounds its payment, so an increment is fine there.
    assert RoundingPolicy(increment="1", balance="carried").increment == 1


def test_increment_in_minor_units() -> None:
    assert RoundingPolicy().increment_in("CNY") == 1
    assert RoundingPolicy().increment_in("JPY") == 1
    assert RoundingPolicy(increment="0.10").increment_in("CNY") == 10
    assert RoundingPolicy(increment="1").increment_in("USD") == 100
    assert RoundingPolicy(increment="5").increment_in("JPY") == 5
    with pytest.raises(InvalidArgumentError) as info:
        RoundingPolicy(increment="0.5").increment_in("JPY")
    _assert_argument_error(info.value, "rounding.increment", Decimal("0.5"))
    with pytest.raises(InvalidArgumentError) as info:
        RoundingPolicy(increment="0.001").increment_in("CNY")
    assert info.value.argument == "rounding.increment"


def test_pretty_printers_show_the_short_repr() -> None:
    class Printer:
        def __init__(self) -> None:
            self.texts: list[str] = []

        def text(self, value: str) -> None:
            self.texts.append(value)

    printer = Printer()
    policy = RoundingPolicy(residual="first", increment="1")
    policy._repr_pretty_(printer, False)
    assert printer.texts == [repr(policy)]


# ------------------------------------------------------------------ split: arguments, increment


@pytest.mark.parametrize("parts", [0, -1, -5, True, False, 2.0, "3", None])
def test_split_parts_must_be_a_positive_integer(parts: object) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        RoundingPolicy().split(100, parts)  # type: ignore[arg-type]
    assert str(info.value) == f"parts: must be a positive integer (got {parts!r})"
    _assert_argument_error(info.value, "parts", parts)


@pytest.mark.parametrize("amount", [-1, -10**12])
def test_split_amount_must_not_be_negative(amount: int) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        RoundingPolicy().split(amount, 3)
    assert str(info.value) == f"amount: must not be negative (got {amount})"
    _assert_argument_error(info.value, "amount", amount)


@pytest.mark.parametrize(("payment", "residual", "expected"), [
    # 1,250.00 in 3 in whole units (100 minor units): 1250 / 3 = 416.67 units.
    ("half_up", "last", [41700, 41700, 41600]),    # 417, 417, 1250 - 834 = 416
    ("up", "last", [41700, 41700, 41600]),
    ("down", "last", [41600, 41600, 41800]),       # 416, 416, 1250 - 832 = 418
    ("half_even", "first", [41600, 41700, 41700]),
    ("down", "first", [41800, 41600, 41600]),
])
def test_split_in_multiples_of_an_increment(payment: str, residual: str,
                                            expected: list[int]) -> None:
    policy = RoundingPolicy(payment=payment, residual=residual, increment="1")
    assert policy.split(125000, 3, increment=100) == expected


def test_split_in_multiples_rounds_by_the_payment_mode_on_ties() -> None:
    # 300.00 in 4 in multiples of 2.00 (200 minor units): 300 / 4 / 2 = 37.5 steps.
    assert RoundingPolicy(increment="2").split(30000, 4, increment=200) == [
        7600, 7600, 7600, 7200]                      # half-up: 38 steps = 76.00
    assert RoundingPolicy(increment="2", payment="half_even").split(
        30000, 4, increment=200) == [7600, 7600, 7600, 7200]  # 38 is even
    assert RoundingPolicy(increment="2", payment="half_down").split(
        30000, 4, increment=200) == [7400, 7400, 7400, 7800]  # 37 steps = 74.00


@given(amount=st.integers(1, 10**9), parts=st.integers(1, 60),
       increment=st.sampled_from([2, 5, 10, 100, 500]), mode=st.sampled_from(MODES),
       residual=st.sampled_from(list(Residual)))
def test_split_in_multiples_properties(amount: int, parts: int, increment: int,
                                       mode: RoundingMode, residual: Residual) -> None:
    policy = RoundingPolicy(payment=mode, residual=residual, increment="0.02")
    expected_base = round_ratio(amount, parts * increment, mode) * increment
    try:
        shares = policy.split(amount, parts, increment=increment)
    except InvalidArgumentError as err:
        assert err.argument == "rounding.increment"
        # refused only when an installment would be zero or negative
        assert expected_base == 0 or amount - (parts - 1) * expected_base <= 0
        return
    assert sum(shares) == amount
    assert all(type(s) is int and s > 0 for s in shares)  # no zero installment
    others = shares[:-1] if residual is Residual.LAST else shares[1:]
    assert all(s == expected_base for s in others)
    assert expected_base % increment == 0


def test_split_increment_too_large_is_refused() -> None:
    policy = RoundingPolicy(increment="2")
    # 1.50 in 2 in multiples of 2.00: 1.50 / 4.00 rounds to 0 steps -> zero installments.
    with pytest.raises(InvalidArgumentError) as info:
        policy.split(150, 2, increment=200)
    assert str(info.value) == (
        "rounding.increment: is too large to split 150 minor units into 2 installments: "
        "an installment would be zero or negative; use a smaller increment "
        "(got Decimal('2'))")
    assert info.value.received == Decimal("2")
    # 11.00 in 7: 2.00 each (0.79 steps rounds to 1) leaves 11 - 12 = -1.00 for the last.
    with pytest.raises(InvalidArgumentError, match="split 1100 minor units into 7"):
        policy.split(1100, 7, increment=200)
    # 5.00 in 3: 2.00, 2.00 and 1.00 is fine.
    assert policy.split(500, 3, increment=200) == [200, 200, 100]
    assert RoundingPolicy(increment="2", residual="first").split(500, 3, increment=200) == [
        100, 200, 200]


def test_split_increment_leaving_a_zero_installment_is_refused() -> None:
    # 10.00 in 6 in multiples of 2.00: 2.00 x 5 = 10.00 leaves a zero last installment;
    # the increment documentation makes that a typed error, like a negative one.
    with pytest.raises(InvalidArgumentError, match="split 1000 minor units into 6"):
        RoundingPolicy(increment="2").split(1000, 6, increment=200)
    with pytest.raises(InvalidArgumentError, match="split 200 minor units into 2"):
        RoundingPolicy(increment="2", residual="first").split(200, 2, increment=200)
