"""Conventions of other loan systems, reproduced to the cent from their published
schedules: installments in multiples of a unit (``RoundingPolicy(increment=...)``) and
the level payment solved from the nominal rate while interest follows actual days
(``Plan.annuity(..., payment_basis="nominal")``).

Sources (Apache Fineract, open-source core banking, Apache License 2.0; figures quoted
from its test fixtures, commit 4198b0bcf9a94e1c7aa0f386317ba71f40ceb1d9, 2024-10-24):

- ``fineract-e2e-tests-runner/src/test/resources/features/LoanRepayment.feature``,
  scenarios RS01 (flat interest), RS02 (declining balance, interest per period) and
  RS03 (declining balance, daily interest): a product with
  ``installmentAmountInMultiplesOf = 1``, EUR with 2 decimals, days in year "ACTUAL"
  (365 in its cumulative schedule generator, even in 2024), Fineract's default rounding
  half-even.
- ``integration-tests/.../LoanInstallmentMultiplesOfTest.java`` and
  ``integration-tests/.../LoanAccountRepaymentCalculationTest.java``: 0% and flat loans
  with ``installmentAmountInMultiplesOf`` 1.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bnpl_restructure import PaymentBasis, Plan, RoundingPolicy
from bnpl_restructure.errors import InvalidArgumentError

FINERACT = RoundingPolicy(payment="half_even", interest="half_even", increment="1")
D = Decimal

# LoanRepayment.feature, RS03 (lines 375-404): 5000 EUR at 12% a year, 18 monthly
# repayments from 1 Nov 2022, daily interest. Rows: (due date, balance, principal,
# interest, due).
RS03 = [
    ("2022-12-01", "4744.32", "255.68", "49.32", "305.00"),
    ("2023-01-01", "4487.67", "256.65", "48.35", "305.00"),
    ("2023-02-01", "4228.41", "259.26", "45.74", "305.00"),
    ("2023-03-01", "3962.33", "266.08", "38.92", "305.00"),
    ("2023-04-01", "3697.71", "264.62", "40.38", "305.00"),
    ("2023-05-01", "3429.18", "268.53", "36.47", "305.00"),
    ("2023-06-01", "3159.13", "270.05", "34.95", "305.00"),
    ("2023-07-01", "2885.29", "273.84", "31.16", "305.00"),
    ("2023-08-01", "2609.70", "275.59", "29.41", "305.00"),
    ("2023-09-01", "2331.30", "278.40", "26.60", "305.00"),
    ("2023-10-01", "2049.29", "282.01", "22.99", "305.00"),
    ("2023-11-01", "1765.18", "284.11", "20.89", "305.00"),
    ("2023-12-01", "1477.59", "287.59", "17.41", "305.00"),
    ("2024-01-01", "1187.65", "289.94", "15.06", "305.00"),
    ("2024-02-01", "894.75", "292.90", "12.10", "305.00"),
    ("2024-03-01", "598.28", "296.47", "8.53", "305.00"),
    ("2024-04-01", "299.38", "298.90", "6.10", "305.00"),
    ("2024-05-01", "0.00", "299.38", "2.95", "302.33"),
]


def _rows(plan: Plan) -> list[tuple[str, str, str, str, str]]:
    return [(r.due_date.isoformat(), str(r.balance), str(r.principal), str(r.interest),
             str(r.payment)) for r in plan.schedule()]


def test_fineract_rs03_payment_from_the_nominal_rate_interest_by_actual_days() -> None:
    plan = Plan.annuity("5000", annual_rate="0.12", installments=18, start="2022-11-01",
                        currency="EUR", day_count="act/365f", payment_basis="nominal",
                        rounding=FINERACT)
    assert _rows(plan) == RS03
    schedule = plan.schedule()
    assert (schedule.total_interest, schedule.total_of_payments) == (D("487.33"),
                                                                     D("5487.33"))
    # solved from the actual-day factors instead, the payment differs: the convention
    # matters (and the last installment then differs from the others by rounding only)
    by_days = Plan.annuity("5000", annual_rate="0.12", installments=18,
                           start="2022-11-01", currency="EUR", day_count="act/365f",
                           rounding=RoundingPolicy(payment="half_even",
                                                   interest="half_even"))
    assert by_days.payment_basis is PaymentBasis.PERIODS
    assert by_days.schedule()[0].payment != plan.schedule()[0].payment


def test_fineract_rs02_interest_per_period_in_whole_installments() -> None:
    """RS02 (lines 343-372): the same loan, interest 1% of the balance each month."""
    plan = Plan.annuity("5000", annual_rate="0.12", installments=18, start="2022-11-01",
                        currency="EUR", rounding=FINERACT)
    rows = plan.schedule()
    quoted = {1: ("50.00", "255.00", "4745.00"), 2: ("47.45", "257.55", "4487.45"),
              17: ("5.99", "299.01", "300.22"), 18: ("3.00", "300.22", "0.00")}
    for number, (interest, principal, balance) in quoted.items():
        row = rows[number - 1]
        assert (str(row.interest), str(row.principal), str(row.balance)) == (
            interest, principal, balance)
    assert [str(r.payment) for r in rows] == ["305.00"] * 17 + ["303.22"]
    assert (rows.total_interest, rows.total_of_payments) == (D("488.22"), D("5488.22"))
    # with the per-period day count both payment bases agree
    nominal = Plan.annuity("5000", annual_rate="0.12", installments=18, start="2022-11-01",
                           currency="EUR", rounding=FINERACT, payment_basis="nominal")
    assert nominal.schedule().payment == rows.payment


def test_fineract_rs01_flat_interest_in_whole_installments() -> None:
    """RS01 (lines 311-340): flat interest, 1% of 5000 a month: principal 278 x 17 + 274,
    interest 50 each, due 328 x 17 + 324 (Fineract books the flat charge as interest; a
    flat-fee plan books it as a fee)."""
    plan = Plan.flat_fee("5000", fee_rate="0.01", installments=18, start="2022-11-01",
                         currency="EUR", rounding=FINERACT)
    rows = plan.schedule()
    assert [str(r.principal) for r in rows] == ["278.00"] * 17 + ["274.00"]
    assert [str(r.fee) for r in rows] == ["50.00"] * 18
    assert [str(r.payment) for r in rows] == ["328.00"] * 17 + ["324.00"]
    assert rows.total_fees == D("900.00")


@pytest.mark.parametrize("kind", ["annuity", "pay_in_n"])
def test_fineract_zero_interest_in_multiples_of_one(kind: str) -> None:
    """LoanInstallmentMultiplesOfTest (lines 61-97): 1250 over 4 months at 0%:
    312, 312, 312, 314 (312.5 rounds half-even to 312, the rest on the last)."""
    if kind == "annuity":
        plan = Plan.annuity("1250", annual_rate="0", installments=4, start="2024-01-01",
                            currency="USD", rounding=FINERACT)
    else:
        plan = Plan.pay_in_4("1250", start="2024-01-01", frequency="monthly",
                             currency="USD", rounding=FINERACT)
    assert [str(r.payment) for r in plan.schedule()] == ["312.00", "312.00", "312.00",
                                                         "314.00"]


def test_fineract_three_installments_with_and_without_a_multiple() -> None:
    """LoanAccountRepaymentCalculationTest: 1250 over 3 months at 0%: without a multiple
    416.67, 416.67, 416.66 (lines 297-306); in multiples of 1: 417, 417, 416 (lines
    377-386)."""
    plain = Plan.annuity("1250", annual_rate="0", installments=3, start="2024-01-01",
                         currency="USD", rounding=RoundingPolicy(payment="half_even"))
    assert [str(r.payment) for r in plain.schedule()] == ["416.67", "416.67", "416.66"]
    whole = Plan.annuity("1250", annual_rate="0", installments=3, start="2024-01-01",
                         currency="USD", rounding=FINERACT)
    assert [str(r.payment) for r in whole.schedule()] == ["417.00", "417.00", "416.00"]


def test_fineract_flat_loan_in_multiples_of_one() -> None:
    """LoanInstallmentMultiplesOfTest (lines 122-159): 1250 over 3 months, flat 12% a
    year: (principal, interest, due) = (416.5, 12.5, 429.0) twice, then
    (417.0, 12.5, 429.5)."""
    rows = Plan.flat_fee("1250", fee_rate="0.01", installments=3, start="2024-01-01",
                         currency="USD", rounding=FINERACT).schedule()
    assert [(str(r.principal), str(r.fee), str(r.payment)) for r in rows] == [
        ("416.50", "12.50", "429.00"), ("416.50", "12.50", "429.00"),
        ("417.00", "12.50", "429.50")]


# ------------------------------------------------------------ the option itself


def test_whole_units_with_the_remainder_first() -> None:
    """Installments in whole yuan, the odd remainder on the first installment (first
    installment larger, as some retail plans present it): computed here, 1000.00 in 3."""
    plan = Plan.pay_in_4("1000.00", start="2024-01-01", installments=3,
                         frequency="monthly",
                         rounding=RoundingPolicy(increment="1", residual="first"))
    assert [str(r.payment) for r in plan.schedule()] == ["334.00", "333.00", "333.00"]
    down = Plan.pay_in_4("1000.00", start="2024-01-01", installments=3, frequency="monthly",
                         rounding=RoundingPolicy(increment="10", payment="down"))
    assert [str(r.payment) for r in down.schedule()] == ["330.00", "330.00", "340.00"]


def test_an_increment_of_ten_cents_and_equal_principal() -> None:
    rows = Plan.equal_principal("1000.00", annual_rate="0.12", installments=3,
                                start="2024-01-15",
                                rounding=RoundingPolicy(increment="0.10")).schedule()
    # 333.333... rounds to 333.30 (half-up to a multiple of 0.10); the last takes 333.40
    assert [str(r.principal) for r in rows] == ["333.30", "333.30", "333.40"]
    assert sum(r.principal for r in rows) == D("1000.00")


def test_annuity_payment_in_multiples_rounds_by_the_payment_mode() -> None:
    # Excel PMT(8%/12, 10, 10000) = 1,037.03 (Microsoft's PMT documentation): in whole
    # dollars half-up 1,037; rounded up (to the next whole dollar) 1,038
    base = {"annual_rate": "0.08", "installments": 10, "start": "2024-01-01",
            "currency": "USD"}
    assert Plan.annuity("10000", **base).schedule()[0].payment == D("1037.03")
    half_up = Plan.annuity("10000", rounding=RoundingPolicy(increment="1"), **base)
    up = Plan.annuity("10000", rounding=RoundingPolicy(increment="1", payment="up"), **base)
    assert half_up.level_payment() == 103700 and up.level_payment() == 103800
    for plan in (half_up, up):
        rows = plan.schedule()
        assert rows[-1].balance == 0 and sum(r.principal for r in rows) == D("10000.00")
        assert all(r.payment == rows[0].payment for r in rows[:-1])


@pytest.mark.parametrize(("kwargs", "argument", "says"), [
    ({"rounding": RoundingPolicy(increment="0.001")}, "rounding.increment",
     "at most 2 decimal places"),
    ({"kind": "interest_only", "rounding": RoundingPolicy(increment="1")},
     "rounding.increment", "not to a interest_only plan"),
    ({"kind": "flat_fee", "payment_basis": "nominal"}, "payment_basis", "annuities only"),
    ({"payment_basis": "spreadsheet"}, "payment_basis", "'nominal'"),
    ({"kind": "pay_in_n", "rounding": RoundingPolicy(increment="600")},
     "rounding.increment", "too large"),
])
def test_contradicting_or_impossible_conventions_are_typed_errors(
        kwargs: dict[str, object], argument: str, says: str) -> None:
    kwargs = dict(kwargs)
    kind = kwargs.pop("kind", "annuity")
    common: dict[str, object] = {"installments": 3, "start": "2024-01-01", **kwargs}
    with pytest.raises(InvalidArgumentError) as caught:
        if kind == "annuity":
            Plan.annuity("1000", annual_rate="0.1", **common)  # type: ignore[arg-type]
        elif kind == "interest_only":
            Plan.interest_only("1000", annual_rate="0.1", **common)  # type: ignore[arg-type]
        elif kind == "flat_fee":
            plan = Plan.flat_fee("1000", fee_rate="0.01", **{  # type: ignore[arg-type]
                k: v for k, v in common.items() if k != "payment_basis"})
            Plan(kind=plan.kind, principal=plan.principal, currency=plan.currency,
                 start=plan.start, due_dates=plan.due_dates, fees=plan.fees,
                 principal_parts=plan.principal_parts,
                 payment_basis=kwargs["payment_basis"])  # type: ignore[arg-type]
        else:
            Plan.pay_in_4("1000", frequency="monthly", **common)  # type: ignore[arg-type]
    assert caught.value.argument == argument and says in str(caught.value)


def test_an_increment_cannot_be_combined_with_an_exact_balance() -> None:
    with pytest.raises(InvalidArgumentError, match=r"^rounding.increment: cannot be "
                                                   r"combined with balance='exact'"):
        RoundingPolicy(increment="1", balance="exact")
    with pytest.raises(InvalidArgumentError, match=r"^rounding.increment: must be positive"):
        RoundingPolicy(increment="0")


def test_due_dates_of_the_fineract_fixture() -> None:
    plan = Plan.annuity("5000", annual_rate="0.12", installments=18, start="2022-11-01",
                        currency="EUR", rounding=FINERACT)
    assert plan.due_dates[0] == date(2022, 12, 1) and plan.due_dates[-1] == date(2024, 5, 1)
