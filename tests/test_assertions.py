"""The testing toolkit's assertions and ``Schedule.from_records``: messages that name the
first differing row and the minor units."""

from __future__ import annotations

import io
from decimal import Decimal
from fractions import Fraction

import pytest

from bnpl_restructure import Plan, Schedule, disclose
from bnpl_restructure.errors import InvalidArgumentError, InvalidTermsError
from bnpl_restructure.servicing import ServicingTerms, loan_state
from bnpl_restructure.testing.assertions import (
    assert_conserves,
    assert_rate_equal,
    assert_schedule_equal,
)

SEED = Plan.flat_fee("6000.00", fee_rate="0.006", installments=12, start="2026-01-15")


def test_schedule_equal_exact_and_within_a_tolerance() -> None:
    theirs = [{"payment": "536.00"}] * 11 + [{"payment": "536.02"}]
    with pytest.raises(AssertionError, match=r"^schedules differ in 1 cell; first: row 12 "
                                             r"payment: theirs 536\.02, ours 536\.00 "
                                             r"\(\+2 minor units\)$"):
        assert_schedule_equal(theirs, SEED)
    assert_schedule_equal(theirs, SEED, tolerance="0.02")
    with pytest.raises(AssertionError, match=r"by more than 0\.01 in 1 cell"):
        assert_schedule_equal(theirs, SEED, tolerance="0.01")
    assert_schedule_equal(SEED.schedule(), SEED.schedule())
    with pytest.raises(InvalidArgumentError, match=r"^tolerance: must not be negative"):
        assert_schedule_equal(theirs, SEED, tolerance="-0.01")
    with pytest.raises(InvalidArgumentError, match=r"^ours: must be a Plan or a Schedule"):
        assert_schedule_equal(theirs, "ours")  # type: ignore[arg-type]


def test_rate_equal_to_the_places_disclosed() -> None:
    rate = disclose(SEED, standard="cn").annual_rate  # 13.03% (the README's figure)
    assert_rate_equal(rate, "0.1303")
    assert_rate_equal(Fraction(1303, 10000), "0.13034")
    with pytest.raises(AssertionError, match=r"^rate 13\.03% != expected 13\.04% to 4 "
                                             r"decimals \(difference -0\.01% points\)$"):
        assert_rate_equal("0.13034", "0.1304")
    assert_rate_equal("0.130349", "0.13035", places=5)
    with pytest.raises(InvalidArgumentError, match=r"^places:"):
        assert_rate_equal("0.1", "0.1", places=-1)
    with pytest.raises(InvalidArgumentError, match=r"^expected:"):
        assert_rate_equal("0.1", "ten percent")


def test_conserves_on_a_serviced_loan() -> None:
    state = loan_state(SEED.schedule(), [("2026-02-15", "536.00"), ("2026-03-20", "600")],
                       as_of="2026-04-20", terms=ServicingTerms.jd_baitiao())
    assert_conserves(state)
    paid_up = loan_state(SEED.schedule(), [("2026-02-15", "7000")], as_of="2026-02-15")
    assert_conserves(paid_up)
    broken = type(state)(**{**{f: getattr(state, f) for f in state.__dataclass_fields__},
                            "total_paid": state.total_paid + Decimal("0.01")})
    with pytest.raises(AssertionError, match=r"^received .* but allocated"):
        assert_conserves(broken)
    with pytest.raises(InvalidArgumentError, match=r"^state: must be a LoanState"):
        assert_conserves("state")  # type: ignore[arg-type]


def test_schedule_from_records_and_csv() -> None:
    csv_text = ("Date,Payment,Principal,Interest,Balance\n"
                "2024-02-15,536.00,500.00,36.00,5500.00\n"
                "2024-03-15,536.00,500.00,36.00,5000.00\n")
    s = Schedule.from_csv(io.StringIO(csv_text), start="2024-01-15")
    assert (s.principal, s.payment, s.interest, s.balance) == (
        600000, (53600, 53600), (3600, 3600), (550000, 500000))
    derived = Schedule.from_records([{"date": "2024-02-15", "payment": "536.00",
                                      "principal": "500.00", "fee": "36.00"}],
                                    principal="500.00")
    assert (derived.interest, derived.balance, derived.start.isoformat()) == (
        (0,), (0,), "2024-02-15")
    with pytest.raises(InvalidTermsError, match=r"row 1 does not reconcile"):
        Schedule.from_records([{"date": "2024-02-15", "payment": "536.00",
                                "principal": "500.00", "interest": "35.99"}])
    with pytest.raises(InvalidArgumentError, match=r"^rows\[0\]\.due_date: is required"):
        Schedule.from_records([{"payment": "1.00", "principal": "1.00"}])
    with pytest.raises(InvalidArgumentError, match=r"^rows\[0\]: needs two of payment"):
        Schedule.from_records([{"date": "2024-02-15", "payment": "1.00"}])
