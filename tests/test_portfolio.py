"""Portfolio: frames in, every loan's figures equal to the single-loan API row by row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bnpl_restructure import Plan, RoundingPolicy, cn_annualized_rate, eu_aprc, reg_z_apr
from bnpl_restructure.errors import InvalidArgumentError, RestructureNotAllowedError
from bnpl_restructure.portfolio import Portfolio
from bnpl_restructure.restructure import ExtendTerm, compare
from bnpl_restructure.servicing import ServicingTerms, loan_state

pd = pytest.importorskip("pandas")

# --------------------------------------------------------------------------------------
# a drawn mixed book and the single-plan calls it stands for (written out here, apart
# from the package's own mapping of cells to arguments)

KINDS = ("annuity", "equal_principal", "flat_fee", "pay_in_4", "interest_only")


@st.composite
def loan_rows(draw: Any) -> dict[str, Any]:
    kind = draw(st.sampled_from(KINDS))
    currency = draw(st.sampled_from(("CNY", "USD", "JPY", "BHD")))
    exponent = {"CNY": 2, "USD": 2, "JPY": 0, "BHD": 3}[currency]
    minor = draw(st.integers(1, 10**9))
    row: dict[str, Any] = {
        "kind": kind, "currency": currency,
        "amount": str(Decimal(minor).scaleb(-exponent)),
        "start": draw(st.dates(date(2020, 1, 1), date(2030, 12, 31))),
        "installments": draw(st.integers(2, 6)) if kind == "pay_in_4"
        else draw(st.integers(1, 48)),
        "annual_rate": None, "periodic_rate": None, "fee_rate": None, "fee": None,
        "frequency": None, "day_count": None, "first_due": None, "rounding": None,
        "rate_convention": None,
    }
    if kind in ("annuity", "equal_principal", "interest_only"):
        if draw(st.booleans()):
            row["annual_rate"] = draw(st.sampled_from(("0", "12%", "0.18", "24%", "7.25%")))
            row["rate_convention"] = draw(st.sampled_from((None, "nominal", "effective")))
        else:
            row["periodic_rate"] = draw(st.sampled_from(("0.5%", "0.0075", "1%")))
        row["day_count"] = draw(st.sampled_from((None, None, "per_period", "act/365f")))
        row["fee"] = draw(st.sampled_from((None, None, "0", "1")))
    elif kind == "flat_fee":
        row["fee_rate"] = draw(st.sampled_from(("0.005", "0.6%", "0.0075", "0")))
    row["frequency"] = draw(st.sampled_from((None, "monthly", "biweekly")))
    if draw(st.integers(0, 4)) == 0:
        row["first_due"] = row["start"] + draw(st.sampled_from((
            np.timedelta64(10, "D"), np.timedelta64(45, "D")))).item()
    row["rounding"] = draw(st.sampled_from((None, None, "half_even", "down")))
    return row


def expected_plan(row: dict[str, Any]) -> Plan:
    """The loan as a user would build it by hand with the single-plan API."""
    given_ = {k: v for k, v in row.items()
              if v is not None and k not in ("kind", "amount", "loan_id")}
    if "rounding" in given_:
        given_["rounding"] = RoundingPolicy(payment=given_["rounding"],
                                            interest=given_["rounding"])
    build = {"annuity": Plan.annuity, "equal_principal": Plan.equal_principal,
             "flat_fee": Plan.flat_fee, "pay_in_4": Plan.pay_in_4,
             "interest_only": Plan.interest_only}[row["kind"]]
    return build(row["amount"], **given_)


def _valid(row: dict[str, Any]) -> bool:
    try:
        expected_plan(row)
    except (InvalidArgumentError, TypeError):  # TypeError: an argument the kind lacks
        return False
    return True


books = st.lists(loan_rows(), min_size=1, max_size=12).map(
    lambda rows: [dict(r, loan_id=f"L{k}") for k, r in enumerate(rows)])


def _frame(rows: list[dict[str, Any]]) -> Any:
    return pd.DataFrame(rows)


@settings(max_examples=60)
@given(books)
def test_every_loan_equals_its_single_plan(rows: list[dict[str, Any]]) -> None:
    """Mixed books (batch and fallback loans, currencies, conventions): each loan's
    schedule rows equal its own Plan's; bad rows are reported, not computed."""
    portfolio = Portfolio.from_frame(_frame(rows), errors="collect")
    valid = [k for k, r in enumerate(rows) if _valid(r)]
    assert portfolio.rows.tolist() == valid
    assert portfolio.report.rows() == [k for k in range(len(rows)) if k not in valid]
    frame = portfolio.schedules()
    for index, row_number in enumerate(valid):
        s = expected_plan(rows[row_number]).schedule()
        assert portfolio.schedule(index) == s
        mine = frame[frame.loan_id == rows[row_number]["loan_id"]]
        assert mine.payment.tolist() == list(s.payment)
        assert mine.principal.tolist() == list(s.principal_paid)
        assert mine.interest.tolist() == list(s.interest)
        assert mine.fee.tolist() == list(s.fee)
        assert mine.balance.tolist() == list(s.balance)
        assert [d.date() for d in mine.due_date] == list(s.due_dates)
        assert mine.installment.tolist() == list(range(1, len(s.payment) + 1))


@settings(max_examples=40)
@given(st.lists(loan_rows(), min_size=1, max_size=8).map(
    lambda rows: [dict(r, loan_id=k) for k, r in enumerate(rows)]))
def test_rates_equal_single_loan_functions(rows: list[dict[str, Any]]) -> None:
    """The book's rates (solved all at once) equal each loan's single-loan rates."""
    portfolio = Portfolio.from_frame(_frame(rows), errors="collect")
    rates = portfolio.rates(which=("cn_irr", "cn_irr_compound", "reg_z_apr", "eu_aprc"),
                            exact=True)
    floats = portfolio.rates(which=("reg_z_apr",))
    for index, row_number in enumerate(portfolio.rows.tolist()):
        s = expected_plan(rows[row_number]).schedule()
        for column, solve in (("cn_irr", lambda s: cn_annualized_rate(s).nominal),
                              ("cn_irr_compound", lambda s: cn_annualized_rate(s).compound),
                              ("reg_z_apr", reg_z_apr), ("eu_aprc", eu_aprc)):
            try:
                want: Decimal | None = solve(s)
            except (InvalidArgumentError, ArithmeticError):
                want = None
            got = rates[column][index]
            # both are float roots quantized to 12 places; solved together or alone,
            # the root may differ in its last bits and so, rarely, in the 12th place
            # (a 0.01 loan with a 1.00 fee a period: 9.747893155954 against ...953)
            assert (got is None) == (want is None)
            if want is not None:
                assert abs(got - want) <= Decimal("1e-12") * max(1, abs(want)), column
        apr = rates["reg_z_apr"][index]
        if apr is None:
            assert np.isnan(floats.reg_z_apr[index])
        else:
            assert floats.reg_z_apr[index] == float(apr)


BOOK = pd.DataFrame({
    "loan_id": ["A", "B", "C", "D"],
    "amount": ["1200.00", "1000.00", "6000.00", "500.00"],
    "rate": ["12%/year", "0.7%/month", None, "10%/year"],
    "fee_rate": [None, None, "0.006", None],
    "installments": [12, 3, 12, 6],
    "kind": ["annuity", "equal_principal", "flat_fee", "annuity"],
    "day_count": [None, None, None, "act/365f"],
    "start": ["2026-01-15", "2026-01-15", "2026-01-15", "2026-01-31"],
})


def test_batch_and_plan_loans() -> None:
    portfolio = Portfolio.from_frame(BOOK)
    assert repr(portfolio) == ("<Portfolio of 4 loans (3 by the batch kernel, 1 by plan), "
                               "0 rows refused>")
    loans = portfolio.loans()
    assert loans.batch.tolist() == [True, True, True, False]
    plan = Plan.annuity("500.00", annual_rate="10%", installments=6, start="2026-01-31",
                        day_count="act/365f")
    assert loans.total_of_payments[3] == sum(plan.schedule().payment)
    assert str(loans.maturity[3].date()) == "2026-07-31"
    assert loans.first_payment.tolist()[:3] == [10662, 34033, 53600]


def test_rate_with_period_must_match_frequency() -> None:
    book = BOOK.assign(frequency=["weekly", None, None, None])
    portfolio = Portfolio.from_frame(book, errors="collect")
    assert [(e.row, e.column) for e in portfolio.report.errors] == []
    book = BOOK.assign(frequency=[None, "weekly", None, None])
    report = Portfolio.from_frame(book, errors="collect").report
    assert [(e.row, e.column) for e in report.errors] == [(1, "rate")]
    assert "per month" in report.errors[0].reason


def test_bad_rows_collected_with_row_column_reason() -> None:
    book = pd.DataFrame({
        "loan_id": [1, 2, 3, 4, 5, 6, 7],
        "amount": ["100.00", "-5", "100.001", "100", "100", "100", "100"],
        "annual_rate": ["12%", "12%", "12%", "8", "12%", "12%", None],
        "installments": [3, 3, 3, 3, 0, 3, 3],
        "start": ["2026-01-15", "2026-01-15", "2026-01-15", "2026-01-15", "2026-01-15",
                  "2026-02-30", "2026-01-15"],
        "fee_rate": [None, None, None, None, None, None, "0.01"],
    })
    portfolio = Portfolio.from_frame(book, errors="collect")
    assert len(portfolio) == 1
    assert [(e.row, e.column) for e in portfolio.report.errors] == [
        (1, "amount"), (2, "amount"), (3, "annual_rate"), (4, "installments"),
        (5, "start"), (6, "fee_rate")]
    assert "must not be negative" in portfolio.report.errors[0].reason
    assert "does not apply to a annuity plan" in portfolio.report.errors[5].reason
    assert portfolio.report.to_records()[0] == {
        "row": 1, "column": "amount", "reason": portfolio.report.errors[0].reason}
    with pytest.raises(InvalidArgumentError,
                       match=r"^amount: row 1: principal: must not be negative"):
        Portfolio.from_frame(book)


def test_missing_required_column_and_options() -> None:
    with pytest.raises(InvalidArgumentError, match=r"missing \['start'\]"):
        Portfolio.from_frame(BOOK.drop(columns="start"))
    # without an installments column only pay-in-4 rows have a count (4): the others
    # are refused row by row, naming the column
    with pytest.raises(InvalidArgumentError, match=r"^installments: row 0: installments: "
                                                   r"is required"):
        Portfolio.from_frame(BOOK.drop(columns="installments"))
    with pytest.raises(InvalidArgumentError, match=r"^frame: must be a pandas"):
        Portfolio.from_frame({"loan_id": [1]})
    with pytest.raises(InvalidArgumentError, match=r"^columns: keys must be"):
        Portfolio.from_frame(BOOK, columns={"principal_fen": "amount"})
    with pytest.raises(InvalidArgumentError, match=r"^amount_units:"):
        Portfolio.from_frame(BOOK, amount_units="cents")
    with pytest.raises(InvalidArgumentError, match=r"^errors:"):
        Portfolio.from_frame(BOOK, errors="ignore")
    portfolio = Portfolio.from_frame(BOOK)
    with pytest.raises(InvalidArgumentError, match=r"^to:"):
        portfolio.schedules(to="excel")
    with pytest.raises(InvalidArgumentError, match=r"^money:"):
        portfolio.schedules(money="cents")
    with pytest.raises(InvalidArgumentError, match=r"^layout:"):
        portfolio.schedules(layout="tall")
    with pytest.raises(InvalidArgumentError, match=r"^which:"):
        portfolio.rates(which=("apy",))


def test_minor_units_mapping_and_defaults() -> None:
    book = pd.DataFrame({"id": ["x", "y"], "principal_fen": [120_000, 100_000],
                         "term": [12.0, float("nan")], "start": pd.to_datetime(
                             ["2026-01-15", "2026-01-15"]), "annual_rate": ["12%", "12%"]})
    portfolio = Portfolio.from_frame(book, columns={"amount": "principal_fen"},
                                     amount_units="minor", defaults={"installments": 6,
                                                                     "currency": "USD"},
                                     errors="collect")
    assert portfolio.loan_ids == ["x", "y"]
    assert portfolio.plan(1) == Plan.annuity("1000.00", annual_rate="12%", installments=6,
                                             start="2026-01-15", currency="USD")
    assert portfolio.schedule(0) == Plan.annuity("1200", annual_rate="12%", installments=12,
                                                 start="2026-01-15",
                                                 currency="USD").schedule()
    bad = book.assign(principal_fen=[120_000.5, 100_000.0])
    report = Portfolio.from_frame(bad, columns={"amount": "principal_fen"},
                                  amount_units="minor", errors="collect").report
    assert [(e.row, e.column) for e in report.errors] == [(0, "amount"), (1, "amount"),
                                                          (1, "installments")][:2]


def test_money_representations_and_wide_layout() -> None:
    portfolio = Portfolio.from_frame(BOOK.assign(currency=["CNY", "JPY", "BHD", "USD"],
                                                 amount=["1200", "1000", "6000", "500"]))
    minor = portfolio.schedules()
    as_float = portfolio.schedules(money="float")
    as_decimal = portfolio.schedules(money="decimal")
    exponent = minor.loan_id.map({"A": 2, "B": 0, "C": 3, "D": 2})
    assert (as_float.payment * 10.0 ** exponent).round().astype("int64").tolist() == \
        minor.payment.tolist()
    assert [d.as_tuple().exponent for d in as_decimal.payment[minor.loan_id == "C"]] == \
        [-3] * 12
    assert minor.payment.dtype == np.int64 and as_float.payment.dtype == np.float64
    wide = portfolio.schedules(layout="wide", values="interest")
    assert list(wide.columns) == ["loan_id", *[str(k) for k in range(1, 13)]]
    assert wide.iloc[1].tolist()[1:5] == [*minor[minor.loan_id == "B"].interest.tolist(), 0]
    described = minor.groupby("loan_id").payment.sum()
    assert described["A"] == sum(portfolio.schedule(0).payment)


def test_polars_and_arrow_in_and_out() -> None:
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    rows = {k: [None if v is None or v != v else v for v in values]
            for k, values in BOOK.to_dict("list").items()}
    want = Portfolio.from_frame(BOOK).schedules()
    for frame in (pl.DataFrame(rows), pa.table(rows)):
        got = Portfolio.from_frame(frame).schedules()
        assert got.equals(want)
    out = Portfolio.from_frame(BOOK).schedules(to="polars")
    assert out["payment"].to_list() == want.payment.tolist()
    assert str(out["due_date"].dtype) == "Date"
    table = Portfolio.from_frame(BOOK).schedules(to="arrow", money="decimal")
    assert table.column("payment").to_pylist()[0] == Decimal("106.62")
    dated = pl.DataFrame(rows).with_columns(pl.col("start").str.to_date())
    assert Portfolio.from_frame(dated).schedules().equals(want)


def test_empty_book() -> None:
    portfolio = Portfolio.from_frame(BOOK.iloc[:0])
    assert len(portfolio) == 0
    assert list(portfolio.schedules().columns) == [
        "loan_id", "installment", "due_date", "payment", "principal", "interest", "fee",
        "balance"]
    assert len(portfolio.loans()) == 0 and len(portfolio.rates()) == 0


PAYMENTS = pd.DataFrame({
    "loan_id": ["A", "A", "C", "B"],
    "date": ["2026-02-15", "2026-03-15", "2026-02-15", "2026-01-10"],
    "amount": ["106.62", "106.62", "536.00", "10"],
})


def test_states_equal_loan_state() -> None:
    portfolio = Portfolio.from_frame(BOOK)
    terms = ServicingTerms.jd_baitiao()
    states = portfolio.states(PAYMENTS, as_of="2026-04-20", terms=terms)
    for index, loan in enumerate("ACD"):
        k = "ABCD".index(loan)
        flows = [(d, a) for i, d, a in PAYMENTS.itertuples(index=False) if i == loan]
        want = loan_state(portfolio.plan(k).schedule(), flows, as_of="2026-04-20",
                          terms=terms)
        got = states.iloc[k]
        assert got.days_past_due == want.days_past_due, index
        assert got.bucket == want.bucket
        assert got.payoff_amount == want.payoff_amount * 100
        assert got.outstanding_principal == want.outstanding_principal * 100
        assert got.unpaid_penalty == want.unpaid_penalty * 100
    assert states.error.tolist()[1].startswith("payments")  # paid before the loan started
    minor = PAYMENTS.assign(amount=[10662, 10662, 53600, 1000])
    assert portfolio.states(minor, as_of="2026-04-20", terms=terms,
                            amount_units="minor").equals(states)


def test_scenario_extends_every_qualifying_loan() -> None:
    portfolio = Portfolio.from_frame(BOOK)
    paid = PAYMENTS[PAYMENTS.loan_id != "B"]
    scenario = portfolio.scenario(ExtendTerm(periods=6), payments=paid, as_of="2026-04-20",
                                  discount_rate="0.05", money="decimal")
    frame = scenario.frame
    for k in range(4):
        flows = [(d, a) for i, d, a in paid.itertuples(index=False)
                 if i == "ABCD"[k]]
        state = loan_state(portfolio.plan(k).schedule(), flows, as_of="2026-04-20")
        if k == 1:  # B's three installments are all due: nothing left to extend
            with pytest.raises(RestructureNotAllowedError) as refused:
                compare(state, [[ExtendTerm(periods=6)]], discount_rate="0.05")
            assert not frame.qualifies[k] and frame.reason[k] == str(refused.value)
            assert frame.payment_relief[k] == 0
            continue
        row = compare(state, [[ExtendTerm(periods=6)]], discount_rate="0.05").rows[1]
        assert frame.qualifies[k]
        assert frame.payment_relief[k] == row.payment_relief
        assert frame.lender_npv[k] == row.lender_npv
        assert frame.months_added[k] == row.months_added == 6
    assert scenario.totals["loans"] == 3
    assert scenario.totals["payment_relief"] == sum(frame.payment_relief)
    assert scenario.totals["lender_npv"] == sum(frame.lender_npv)
    assert scenario.totals["months_added"] == 18
    late = portfolio.scenario([ExtendTerm(periods=6)], payments=paid, as_of="2026-04-20",
                              discount_rate="0.05", eligible=lambda s: s.days_past_due > 0)
    assert late.frame.qualifies.tolist() == [True, False, True, True]
    assert late.totals["loans"] == 3
    current = portfolio.scenario([ExtendTerm(periods=6)], payments=paid, as_of="2026-02-20",
                                 discount_rate="0.05", eligible=lambda s: s.days_past_due > 0)
    assert current.frame.qualifies.tolist() == [False, True, False, False]
    assert current.frame.reason[0] == "not eligible"
    over = portfolio.scenario(ExtendTerm(periods=6), as_of="2027-06-01",
                              discount_rate="0.05")
    assert not over.frame.qualifies.any()
    assert over.totals["loans"] == 0
    with pytest.raises(InvalidArgumentError, match=r"^changes:"):
        portfolio.scenario([], as_of="2026-04-20", discount_rate="0.05")


def test_rates_of_loans_outside_the_book_solve() -> None:
    """A loan with zero payments (0.03 in four parts) takes the loan-by-loan path; an
    interest-free loan has a rate of exactly zero; both as the single functions say."""
    book = pd.DataFrame({"loan_id": ["tiny", "free", "usual"],
                         "amount": ["0.03", "400.00", "1000.00"],
                         "kind": ["pay_in_4", "pay_in_4", "annuity"],
                         "annual_rate": [None, None, "12%"], "installments": [4, 4, 12],
                         "start": ["2026-03-01"] * 3})
    portfolio = Portfolio.from_frame(book)
    assert portfolio.schedule(0).payment == (0, 0, 0, 3)
    rates = portfolio.rates(which=("cn_irr", "reg_z_apr", "eu_aprc"), exact=True)
    for k in range(3):
        s = portfolio.plan(k).schedule()
        assert rates.reg_z_apr[k] == reg_z_apr(s)
        assert rates.eu_aprc[k] == eu_aprc(s)
        assert rates.cn_irr[k] == cn_annualized_rate(s).nominal
    assert rates.reg_z_apr[1] == 0 and str(rates.reg_z_apr[1]) == "0E-12"


def test_books_larger_than_one_kernel_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """Books split into several kernel calls (chunks of loans, some interleaved with
    loans of another kind or computed by plan) give the same rows."""
    from bnpl_restructure.portfolio import schedules

    rows = [{"loan_id": k, "amount": f"{1000 + 37 * k}.{k % 100:02d}",
             "kind": ("annuity", "equal_principal", "annuity", "interest_only")[k % 4],
             "annual_rate": f"{(k % 7) * 3}%", "installments": 1 + k % 13,
             "start": f"2026-01-{1 + k % 28:02d}"} for k in range(40)]
    want = Portfolio.from_frame(pd.DataFrame(rows)).schedules()
    monkeypatch.setattr(schedules, "CHUNK", 3)
    got = Portfolio.from_frame(pd.DataFrame(rows)).schedules()
    pd.testing.assert_frame_equal(got, want)
    for k in (0, 1, 3, 39):
        mine = got[got.loan_id == k]
        assert mine.payment.tolist() == list(expected_plan(
            {**rows[k], "loan_id": None}).schedule().payment)


def test_frames_are_the_callers() -> None:
    """Writing into a returned frame changes neither the portfolio nor later frames."""
    portfolio = Portfolio.from_frame(BOOK)
    first = portfolio.schedules()
    first.loc[0, "payment"] = -1
    first["interest"] *= 2
    assert portfolio.schedules().payment[0] == 10662
    assert portfolio.schedules().interest[0] == 1200
    wide = portfolio.schedules(layout="wide")
    wide.loc[0, "1"] = 0
    assert portfolio.schedules(layout="wide").loc[0, "1"] == 10662
    assert portfolio.loans().first_payment[0] == 10662


def test_loan_ids_must_be_unique() -> None:
    book = BOOK.assign(loan_id=["A", "B", "A", None])
    portfolio = Portfolio.from_frame(book, errors="collect")
    assert portfolio.loan_ids == ["A", "B"]
    assert [(e.row, e.column, e.reason) for e in portfolio.report.errors] == [
        (2, "loan_id", "loan_id: must be unique; 'A' is also row 0"),
        (3, "loan_id", "loan_id: is required")]
    with pytest.raises(InvalidArgumentError, match=r"^loan_id: row 2: loan_id: must be"):
        Portfolio.from_frame(book)


def test_payments_for_loans_not_in_the_book_are_refused_unless_ignored() -> None:
    # a typo'd loan id must not make a paying loan look behind without a word
    book = Portfolio.from_frame(pd.DataFrame({
        "loan_id": ["L1"], "amount": ["1200"], "kind": ["annuity"], "rate": ["12%"],
        "installments": [12], "start": ["2024-01-01"], "currency": ["USD"]}))
    paid = pd.DataFrame({"loan_id": ["L1", "ZZ"], "date": ["2024-02-01"] * 2,
                         "amount": ["106.62", "1"]})
    with pytest.raises(InvalidArgumentError, match=r"^payments: has payments for 1 loan "
                                                   r"id\(s\) not in the book.*'ZZ'"):
        book.states(paid, as_of="2024-04-10")
    with pytest.raises(InvalidArgumentError, match=r"^payments: "):
        book.scenario(ExtendTerm(periods=3), as_of="2024-04-10", discount_rate="0.05",
                      payments=paid)
    with pytest.raises(InvalidArgumentError, match=r"^unmatched: "):
        book.states(paid, as_of="2024-04-10", unmatched="drop")
    states = book.states(paid, as_of="2024-04-10", unmatched="ignore")
    assert states.total_paid.tolist() == [10662]  # minor units: L1's one payment


def test_a_pay_in_4_row_without_a_count_has_four_installments() -> None:
    # as Plan.pay_in_4 (installments=4 by default): a book of pay-in-4 loans needs no
    # installments column, and a blank count in a mixed book is 4 for pay-in-4 rows only
    only = Portfolio.from_frame(pd.DataFrame({
        "loan_id": ["X"], "amount": ["100.01"], "kind": ["pay_in_4"],
        "start": ["2024-03-01"], "currency": ["USD"]}))
    assert only.schedule(0) == Plan.pay_in_4("100.01", start="2024-03-01",
                                             currency="USD").schedule()
    mixed = Portfolio.from_frame(pd.DataFrame({
        "loan_id": ["X", "Y"], "amount": ["100.01", "1200"],
        "kind": ["pay_in_4", "annuity"], "rate": [None, "12%"], "installments": [None, None],
        "start": ["2024-03-01"] * 2, "currency": ["USD"] * 2}), errors="collect")
    assert mixed.loan_ids == ["X"]
    assert mixed.report.to_records() == [{"row": 1, "column": "installments",
                                          "reason": "installments: is required"}]
