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

from bnpl_restructure import PaymentBasis, Plan, RoundingPolicy, Schedule
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


# ------------------------------------------- the level payment kept on the last row


def _level(principal: str, annual_rate: str, installments: int) -> Schedule:
    """A USD annuity from 2024-01-01 with the level payment kept on the last row."""
    return Plan.annuity(principal, annual_rate=annual_rate, installments=installments,
                        start="2024-01-01", currency="USD",
                        last_installment="level").schedule()


def _calculator_closing(principal: str, annual: str, n: int, payment: str) -> Decimal:
    """Independent: the Texas Instruments BA II PLUS guidebook's amortization formulas
    (Appendix, "Amortization": bal(0) = RND(PV); I_m = RND(i x bal(m-1));
    bal(m) = bal(m-1) - (RND(PMT) - I_m)), every payment the rounded PMT, in Decimal."""
    cent = Decimal("0.01")
    rate = Decimal(annual) / 12
    balance = Decimal(principal)
    for _ in range(n):
        interest = (balance * rate).quantize(cent, rounding="ROUND_HALF_UP")
        balance -= Decimal(payment) - interest
    return balance


def test_texas_instruments_amortization_with_the_level_payment_kept() -> None:
    """Texas Instruments knowledge base, solution 11219 (BA II PLUS): 150,000 at 7% over
    360 months, PMT 997.95; after payments 1-60: BAL 141,197.64, PRN 8,802.36,
    INT 51,074.64."""
    rows = _level("150000", "0.07", 360)
    assert rows[0].payment == D("997.95") and rows[-1].payment == D("997.95")
    first_60 = rows[:60]
    assert rows[59].balance == D("141197.64")
    assert sum(r.principal for r in first_60) == D("8802.36")
    assert sum(r.interest for r in first_60) == D("51074.64")
    # the residual after the 360th level payment, as the calculator leaves it
    assert rows.closing_balance == _calculator_closing("150000", "0.07", 360, "997.95")
    assert rows.closing_balance == D("4.34")
    assert sum(r.principal for r in rows) == D("150000") - rows.closing_balance
    assert "closing balance 4.34" in repr(rows)
    paid_off = Plan.annuity("150000", annual_rate="0.07", installments=360,
                            start="2024-01-01", currency="USD").schedule()
    assert paid_off[-1].payment == D("997.95") + D("4.34") + (
        paid_off[-1].interest - rows[-1].interest)
    assert paid_off.closing_balance == 0


def test_hp_12c_amortization_rounds_every_amount() -> None:
    """hp 12c user's guide, section 3, "Amortization": 50,000 at 13 1/4% over 25 years,
    payment 573.35; payment 1: interest 552.08, principal 21.27; payment 2: 551.85,
    21.50; second year: interest 6,570.72, principal 309.48, balance 49,419.21. The same
    handbook (12C Platinum): 250,000 at 5.25% over 25 years, PMT 1,498.12, payment 1
    interest 1,093.75 and principal 404.37, payment 2 1,091.98 and 406.14."""
    rows = _level("50000", "0.1325", 300)
    assert rows[0].payment == D("573.35")
    assert [(r.interest, r.principal) for r in rows[:2]] == [
        (D("552.08"), D("21.27")), (D("551.85"), D("21.50"))]
    year_2 = rows[12:24]
    assert sum(r.interest for r in year_2) == D("6570.72")
    assert sum(r.principal for r in year_2) == D("309.48")
    assert rows[23].balance == D("49419.21")
    assert rows.closing_balance == _calculator_closing("50000", "0.1325", 300, "573.35")
    platinum = _level("250000", "0.0525", 300)
    assert platinum[0].payment == D("1498.12")
    assert [(r.interest, r.principal) for r in platinum[:2]] == [
        (D("1093.75"), D("404.37")), (D("1091.98"), D("406.14"))]


def test_an_overpaid_level_schedule_ends_below_zero() -> None:
    """numpy-financial's ipmt docstring loan (2,500 at 8.24% over 12 months): the payment
    217.75 kept on the last row overpays by 0.03 (computed here and independently)."""
    rows = _level("2500", "0.0824", 12)
    assert rows[-1].payment == D("217.75")
    assert rows.closing_balance == D("-0.03") == _calculator_closing("2500", "0.0824", 12,
                                                                     "217.75")
    assert all(r.payment == r.principal + r.interest + r.fee for r in rows)


@pytest.mark.parametrize(("build", "says"), [
    (lambda: Plan.annuity("1000", annual_rate="0.1", installments=3, start="2024-01-01",
                          last_installment="level",
                          rounding=RoundingPolicy(balance="exact")), "balance='rounded'"),
    (lambda: Plan.annuity("1000", annual_rate="0.1", installments=3, start="2024-01-01",
                          last_installment="level",
                          rounding=RoundingPolicy(balance="carried")), "carried"),
    (lambda: Plan.annuity("1000", annual_rate="0.1", installments=3, start="2024-01-01",
                          last_installment="sometimes"), "'level'"),
])
def test_a_level_last_installment_that_cannot_be_is_a_typed_error(
        build: object, says: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        build()  # type: ignore[operator]
    assert caught.value.argument == "last_installment" and says in str(caught.value)


def test_a_fixed_rule_only_ends_a_program() -> None:
    from fractions import Fraction

    from bnpl_restructure import PaymentRule, Period, Program
    period = Period(due=date(2024, 2, 1), factor=Fraction(1, 100), rule=PaymentRule.FIXED,
                    amount=100)
    with pytest.raises(InvalidArgumentError, match=r"^periods\[0\].rule: FIXED"):
        Program(principal=1000, periods=(period, period))


def test_a_schedule_with_a_closing_residual_is_not_serviced_silently() -> None:
    from bnpl_restructure.errors import InvalidTermsError
    from bnpl_restructure.servicing import loan_state
    rows = Plan.annuity("10000", annual_rate="0.08", installments=12, start="2024-01-01",
                        last_installment="level").schedule()
    assert rows.closing_balance == D("0.06")
    with pytest.raises(InvalidTermsError, match=r"^schedule: leaves a closing balance of "
                                                r"0\.06 .* last_installment='payoff'"):
        loan_state(rows, [], as_of="2024-03-01")


# ------------------------------------------------------------ spreadsheet cell rule

# numpy-financial, numpy_financial/_financial.py, the docstring of ``ipmt`` (lines
# 572-611, commit f47e8af289f9abd34002267c6663869b9ed586a8, 2025-05-21): 2,500.00 at
# 8.24% a year over 12 months, ``ppmt``, ``ipmt`` and the running balance printed with
# two decimals (payments negative there). Rows: (principal, interest, balance).
NPF_IPMT_TABLE = [
    ("200.58", "17.17", "2299.42"), ("201.96", "15.79", "2097.46"),
    ("203.35", "14.40", "1894.11"), ("204.74", "13.01", "1689.37"),
    ("206.15", "11.60", "1483.22"), ("207.56", "10.18", "1275.66"),
    ("208.99", "8.76", "1066.67"), ("210.42", "7.32", "856.25"),
    ("211.87", "5.88", "644.38"), ("213.32", "4.42", "431.05"),
    ("214.79", "2.96", "216.26"), ("216.26", "1.49", "0.00"),
]


def test_numpy_financial_amortization_table_cell_by_cell() -> None:
    from bnpl_restructure.spreadsheet import cell_table
    plan = Plan.annuity("2500", annual_rate="0.0824", installments=12, start="2024-01-01",
                        currency="USD")
    table = cell_table(plan)
    assert [(str(r.principal), str(r.interest), str(r.balance)) for r in table] == \
        NPF_IPMT_TABLE
    # the cell-rule fingerprint: rows 6, 8 and 10 do not add up to the payment 217.75
    assert table.rows_that_do_not_add_up() == (6, 8, 10)
    assert {str(r.payment) for r in table} == {"217.75"}
    # np.round(interestpd, 2) -> -112.98 in the same docstring: the exact total, rounded
    assert table.total_interest == D("112.98")
    assert "rows not adding up: [6, 8, 10]" in repr(table) and "1,275.66" in table.to_text()
    # the schedule of the same plan reconciles every row (it rounds as a ledger does)
    rows = plan.schedule()
    assert all(r.payment == r.principal + r.interest + r.fee for r in rows)


def test_excel_ipmt_and_ppmt_cells() -> None:
    """Microsoft Excel documentation: PPMT(10%/12, 1, 2*12, 2000) = (75.62) and
    IPMT(10%/12, 1, 3*12, 8000) = (66.67): the first cells of those tables."""
    from bnpl_restructure.spreadsheet import cell_table
    ppmt = cell_table(Plan.annuity("2000", annual_rate="0.10", installments=24,
                                   start="2024-01-01", currency="USD"))
    assert ppmt[0].principal == D("75.62")
    ipmt = cell_table(Plan.annuity("8000", annual_rate="0.10", installments=36,
                                   start="2024-01-01", currency="USD"))
    assert ipmt[0].interest == D("66.67")


def test_a_cell_table_needs_a_plan() -> None:
    from bnpl_restructure.spreadsheet import cell_table
    with pytest.raises(InvalidArgumentError, match=r"^plan: must be a Plan"):
        cell_table("2500")  # type: ignore[arg-type]


# ------------------------------------------------------------- carried precision


def test_frappe_lending_carried_precision() -> None:
    """frappe/lending (open-source loan management, GPL-3.0; figures quoted from its test
    fixture ``lending/loan_management/doctype/loan/test_loan.py`` lines 132-164, commit
    3f2cbc13dcd0a6583e3adda6f862a1c8caa2eeff): 280,000 at 8.4% a year over 20 months,
    the payment rounded up to a whole unit (15,052), interest and balance carried
    unrounded, the last row the remainder; asserted there to whole units: rows 4, 18 and
    20 (principal, interest, balance) = (13369, 1683, 227080), (14740, 312, 29785),
    (14941, 105, 0); total interest 21034, total payment 301034."""
    plan = Plan.annuity("280000", annual_rate="0.084", installments=20, start="2024-01-01",
                        rounding=RoundingPolicy(balance="carried", payment="up",
                                                increment="1"))
    rows = plan.schedule()
    whole = [(round(r.principal), round(r.interest), round(r.balance)) for r in rows]
    assert (whole[3], whole[17], whole[19]) == ((13369, 1683, 227080), (14740, 312, 29785),
                                                (14941, 105, 0))
    assert (round(rows.total_interest), round(rows.total_of_payments)) == (21034, 301034)
    assert {r.payment for r in rows[:-1]} == {D("15052.00")}
    # the last row to the cent: round(exact remaining balance + exact interest), an
    # independent computation in Fractions of the same carried recurrence
    from fractions import Fraction
    balance, rate = Fraction(280000), Fraction(84, 12000)
    for _ in range(19):
        balance -= 15052 - balance * rate
    last = balance * (1 + rate)
    assert rows[-1].payment == D(round(last * 100)) / 100 == D("15046.07")
    from bnpl_restructure.testing.invariants import check_schedule
    check_schedule(rows)  # the total of payments is the exact total rounded once


def test_carried_precision_against_the_rounded_ledger() -> None:
    """The same loan on a rounded ledger (interest rounded into the balance each month)
    ends a few cents differently: the convention is visible in the last installment."""
    kwargs = {"annual_rate": "0.084", "installments": 20, "start": "2024-01-01"}
    carried = Plan.annuity("280000", rounding=RoundingPolicy(balance="carried"), **kwargs)
    ledger = Plan.annuity("280000", **kwargs)
    assert carried.schedule()[0].payment == ledger.schedule()[0].payment == D("15051.72")
    assert carried.schedule()[-1].payment != ledger.schedule()[-1].payment
    with pytest.raises(InvalidArgumentError, match=r"^rounding.balance: 'carried'"):
        Plan.equal_principal("1000", annual_rate="0.1", installments=3, start="2024-01-01",
                             rounding=RoundingPolicy(balance="carried"))


def test_running_total_of_unrounded_interest() -> None:
    """Carried precision prints the running total of the unrounded interest: its last
    value is the exact total rounded once (frappe/lending's total_interest_payable is
    that sum: 21034 to whole units), which the sum of the rounded cells need not be."""
    from fractions import Fraction
    rows = Plan.annuity("280000", annual_rate="0.084", installments=20, start="2024-01-01",
                        rounding=RoundingPolicy(balance="carried", payment="up",
                                                increment="1")).schedule()
    running = rows.running_interest()
    # independently: the carried recurrence in Fractions
    balance, rate, exact, expected = Fraction(280000), Fraction(84, 12000), Fraction(0), []
    for k in range(20):
        interest = balance * rate
        exact += interest
        expected.append(D(round(exact * 100)) / 100)
        balance += interest - (15052 if k < 19 else balance + interest)
    assert list(running) == expected and round(running[-1]) == 21034
    assert running[-1] == D("21034.07") != rows.total_interest == D("21034.06")
    ledger = Plan.annuity("1000", annual_rate="0.1", installments=3,
                          start="2024-01-01").schedule()
    # a rounded ledger: the running sum of its interest cells (8.33 + 5.58 + 2.80)
    assert ledger.running_interest() == (D("8.33"), D("13.91"), D("16.71"))
    assert ledger.running_interest()[-1] == ledger.total_interest


def test_check_schedule_accepts_the_level_payment_kept() -> None:
    """The invariant check allows the closing balance a level last row leaves (it
    rejected every such schedule: principal parts 999,994 against 1,000,000)."""
    from bnpl_restructure.testing.invariants import check_schedule
    for principal, rate in (("10000", "0.08"), ("2500", "0.0824")):
        rows = Plan.annuity(principal, annual_rate=rate, installments=12,
                            start="2024-01-01", last_installment="level").schedule()
        assert rows.closing_balance != 0
        check_schedule(rows)
    tampered = Schedule(currency=rows.currency, start=rows.start, principal=rows.principal,
                        due_dates=rows.due_dates, payment=rows.payment,
                        principal_paid=rows.principal_paid, interest=rows.interest,
                        fee=rows.fee, balance=(*rows.balance[:-1], 5))
    with pytest.raises(AssertionError):
        check_schedule(tampered)


def test_carried_precision_pays_tiny_installments_as_they_are() -> None:
    """A tiny loan with its payment rounded up pays off early; each carried installment
    is paid as it is (it was clamped to the published principal left, so the total of
    payments fell a cent short of the exact total rounded once)."""
    from bnpl_restructure.testing.invariants import check_schedule
    rows = Plan.annuity("1.43", annual_rate="0.0198", installments=17, start="2000-01-01",
                        first_due="2000-01-16", frequency="semi-monthly",
                        rounding=RoundingPolicy(payment="up", balance="carried")).schedule()
    assert rows.payment == (9,) * 16 + (1,)
    check_schedule(rows, allow_capitalization=True)


def test_carried_payoff_interest_cell_never_exceeds_the_payoff() -> None:
    """The payoff row of a carried schedule pays round(exact balance + exact interest)
    (``payment`` mode); its interest cell, rounded by the ``interest`` mode on its own,
    may round *up* past a payoff rounded *down*. The cell then shows the payoff, not
    more (the negative principal was clamped to zero instead, which raised the payment:
    0.03 paid on 0.02 whose exact total rounded once is 0.02; hypothesis' minimal case).

    Independently, in cents: principal 2, periodic rate r = 0.01%/52 = 1/520000.
    Level payment 2r / (1 - (1+r)^-3) = 0.666... -> half-up 1.
    Row 1: interest 2r = 1/260000; balance 2 + 2r - 1 = 1 + 1/260000 = 260001/260000.
    Row 2: interest 260001/135200000000; balance 260001/260000 - 1 + that interest
           = 780001/135200000000 (0.0000058 cents).
    Row 3 (payoff): balance x (1 + r) = 0.0000058 cents -> half-up 0.
    Interest cells rounded up: 1, 1, and 1 capped at the payoff 0; principal cells are
    payment - interest: 0, 0, 0 (each off by the up-rounding of its interest cell, under
    a cent a row). Balance cells rounded up: 2, 1, 0. Total of payments 2 = the exact
    total 2 + 0.0000077 rounded once. Rounded down instead, the interest cells are
    0, 0, 0, so the principal cells are 1, 1, 0 and the balance cells 1, 0, 0."""
    from fractions import Fraction

    from bnpl_restructure.testing.invariants import check_schedule

    def cell(value: Fraction, mode: str) -> int:  # value >= 0, to whole cents
        return {"up": -(-value.numerator // value.denominator),
                "down": value.numerator // value.denominator,
                "half_up": (2 * value.numerator + value.denominator)
                // (2 * value.denominator)}[mode]

    rate = Fraction(1, 520000)
    expected = {"up": ((1, 1, 0), (0, 0, 0), (1, 1, 0), (2, 1, 0)),
                "down": ((1, 1, 0), (1, 1, 0), (0, 0, 0), (1, 0, 0)),
                "half_up": ((1, 1, 0), (1, 1, 0), (0, 0, 0), (1, 0, 0))}
    for mode, columns in expected.items():
        rows = Plan.annuity("0.02", annual_rate="0.0001", installments=3,
                            start="2000-01-01", first_due="2000-01-08", frequency="weekly",
                            rounding=RoundingPolicy(payment="half_up", interest=mode,
                                                    balance="carried")).schedule()
        assert rows.program is not None and rows.program.periods[0].factor == rate
        # the carried recurrence in Fractions, published cell by cell
        balance, payments, principal, interest, balances = Fraction(2), [], [], [], []
        for k in range(3):
            exact_interest = balance * rate
            pay = 1 if k < 2 else cell(balance + exact_interest, "half_up")
            shown = min(cell(exact_interest, mode), pay)
            balance += exact_interest - (pay if k < 2 else balance + exact_interest)
            payments.append(pay)
            interest.append(shown)
            principal.append(pay - shown)
            balances.append(cell(balance, mode))
        assert (tuple(payments), tuple(principal), tuple(interest),
                tuple(balances)) == columns
        assert (rows.payment, rows.principal_paid, rows.interest, rows.balance) == columns
        check_schedule(rows, allow_capitalization=True)


# ------------------------------------------------ regressions from the review


def test_an_increment_too_large_for_the_loan_is_refused() -> None:
    base = {"annual_rate": "0.08", "installments": 12, "start": "2024-01-31"}
    for step in ("5000", "1000"):  # 0.00 x 11 then everything; or paid off a row early
        with pytest.raises(InvalidArgumentError, match=r"^rounding.increment: is too "
                                                       r"large for this loan"):
            Plan.annuity("10000", rounding=RoundingPolicy(increment=step), **base)
    with pytest.raises(InvalidArgumentError, match=r"^rounding.increment: is too large to "
                                                   r"split 9999 minor units"):
        Plan.pay_in_4("99.99", start="2024-01-01", rounding=RoundingPolicy(increment="50"))
    assert Plan.annuity("10000", rounding=RoundingPolicy(increment="1"),
                        **base).schedule()[0].payment == D("870.00")


def test_an_increment_of_the_minor_unit_changes_nothing() -> None:
    """'0.01' for a 2-decimal currency is the default's own rounding: the split, and a
    flat-fee plan's fee split, are as without an increment."""
    for policy in (RoundingPolicy(increment="0.01"), RoundingPolicy()):
        split = Plan.pay_in_4("100.03", start="2024-01-01", rounding=policy).schedule()
        assert [str(r.payment) for r in split] == ["25.00", "25.00", "25.00", "25.03"]
    fees = {str(policy.increment): Plan.flat_fee(
        "6000.50", total_fee_rate="0.07", installments=7, start="2024-01-01",
        rounding=policy).schedule().fee for policy in (RoundingPolicy(increment="0.01"),
                                                       RoundingPolicy())}
    assert fees["0.01"] == fees["None"]


def test_a_level_last_row_with_a_balloon_is_refused() -> None:
    with pytest.raises(InvalidArgumentError, match=r"^last_installment: 'level' cannot be "
                                                   r"combined with a balloon"):
        Plan.annuity("10000", annual_rate="0.08", installments=12, start="2024-01-31",
                     balloon="5000", last_installment="level")


def test_the_carried_check_adds_fees_after_rounding() -> None:
    # 10.00 at 3% for one month with a 0.01 fee, payments rounded half-even: principal and
    # interest are 10.025 exactly, rounded half-even to 10.02, plus the 0.01 fee: 10.03.
    # Rounding the total with the fee in it (10.035 -> 10.04) is not what the library
    # does, and the invariant check must not claim it is.
    plan = Plan.annuity("10.00", annual_rate="0.03", installments=1, start="2000-01-01",
                        fee="0.01", rounding=RoundingPolicy(payment="half_even",
                                                           balance="carried"))
    from bnpl_restructure.testing.invariants import check_schedule
    s = plan.schedule()
    assert s.payment == (1003,)
    check_schedule(s, allow_capitalization=True)
