"""Schedule: rows, totals, views, arrays and presentation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from bnpl_restructure import Plan
from bnpl_restructure.errors import InvalidArgumentError, InvalidTermsError
from bnpl_restructure.money import CNY
from bnpl_restructure.schedule import Schedule


def _seed() -> Schedule:
    # 1,200.00 at a 0.5% monthly flat fee over 12: 100.00 principal + 6.00 fee each.
    return Plan.flat_fee("1200", fee_rate="0.005", installments=12,
                         start="2024-01-10").schedule()


def test_rows_and_totals() -> None:
    s = _seed()
    assert len(s) == 12
    assert s[0].number == 1 and s[-1].number == 12
    assert s[0].due_date == date(2024, 2, 10)
    assert (s.total_of_payments, s.total_principal, s.total_interest, s.total_fees,
            s.total_cost) == (Decimal("1272.00"), Decimal("1200.00"), Decimal("0.00"),
                              Decimal("72.00"), Decimal("72.00"))
    assert [r.balance for r in s[:2]] == [Decimal("1100.00"), Decimal("1000.00")]
    assert s.first_due == date(2024, 2, 10) and s.maturity == date(2025, 1, 10)
    with pytest.raises(IndexError):
        s[12]


def test_after_and_until_split_the_plan() -> None:
    s = _seed()
    rest = s.after("2024-06-10")  # installments 1-5 are due on or before Jun 10
    done = s.until(date(2024, 6, 10))
    assert (rest.first_number, len(rest), done.first_number, len(done)) == (6, 7, 1, 5)
    assert rest.principal == 70_000  # 1,200.00 - 5 x 100.00 outstanding after Jun 10
    assert rest.start == date(2024, 6, 10)
    assert done.total_of_payments + rest.total_of_payments == s.total_of_payments
    assert rest[0].number == 6
    assert len(s.after("2030-01-01")) == 0 and s.after("2030-01-01").maturity is None
    assert s.after("2000-01-01").principal == s.principal


def test_after_keeps_interest_carried_across_the_cut() -> None:
    # 900.00 at 1%/month, nothing paid for two months: 9.00 and 9.00 of interest are
    # carried as arrears, so the view after Mar 1 opens with 18.00 unpaid interest and
    # its one row pays 900.00 + 18.00 + 9.00 = 927.00.
    s = Plan.from_rows("900.00", start="2024-01-01", periodic_rate="0.01", rows=[
        {"due": "2024-02-01", "payment": "0"}, {"due": "2024-03-01", "payment": "0"},
        {"due": "2024-04-01"}]).schedule()
    rest = s.after("2024-03-01")
    assert (rest.principal, rest.opening_arrears, rest.payment) == (90_000, 1_800, (92_700,))


def test_columns_are_exact_arrays() -> None:
    cols = _seed().columns()
    assert cols["payment"].dtype == np.int64 and cols["payment"].sum() == 127_200
    assert cols["due_date"].dtype == np.dtype("datetime64[D]")
    assert cols["number"].tolist() == list(range(1, 13))
    dec = _seed().columns(as_decimal=True)
    assert dec["fee"][0] == Decimal("6.00") and dec["fee"].dtype == object


def test_presentation() -> None:
    s = _seed()
    assert repr(s) == ("<Schedule CNY 1,200.00 · 12 installments 2024-02-10..2025-01-10 · "
                       "total of payments 1,272.00>")
    text = s.to_text()
    assert text.splitlines()[0].split() == ["#", "due", "date", "payment", "principal",
                                            "interest", "fee", "balance"]
    assert "1,272.00" in text.splitlines()[-1]
    html = s._repr_html_()
    assert html.count("<tr>") == 14 and "1,272.00" in html
    assert repr(s[0]) == ("<Installment #1 2024-02-10: 106.00 = principal 100.00 + interest "
                          "0.00 + fee 6.00; balance 1,100.00>")


def test_to_pandas() -> None:
    pd = pytest.importorskip("pandas")
    frame = _seed().to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert frame.loc[1, "payment"] == 106.0 and frame["payment"].dtype == "float64"
    exact = _seed().to_pandas(money="decimal")
    assert exact.loc[1, "payment"] == Decimal("106.00")


def test_construction_checks_every_row() -> None:
    with pytest.raises(InvalidTermsError) as info:
        Schedule(currency=CNY, start=date(2024, 1, 1), principal=100,
                 due_dates=(date(2024, 2, 1),), payment=(101,), principal_paid=(100,),
                 interest=(0,), fee=(0,), balance=(0,))
    assert info.value.argument == "payment" and "row 1 does not reconcile" in str(info.value)
    with pytest.raises(InvalidArgumentError) as info2:
        Schedule(currency=CNY, start=date(2024, 1, 1), principal=100,
                 due_dates=(date(2024, 2, 1),), payment=(100, 1), principal_paid=(100,),
                 interest=(0,), fee=(0,), balance=(0,))
    assert info2.value.argument == "payment"


def test_views_reject_bad_dates() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        _seed().after("2024-02-30")
    assert info.value.argument == "when"


def test_rows_are_built_once_and_kept() -> None:
    """Reading a schedule a second time costs nothing: the same Installment objects."""
    schedule = Plan.annuity("10000", annual_rate="0.08", installments=12,
                            start="2024-01-15", currency="USD").schedule()
    first = schedule.installments
    assert schedule.installments is first
    assert tuple(schedule) == first and schedule[3] is first[3] and schedule[-1] is first[-1]
    assert schedule[2:5] == first[2:5]
    # the kept rows are what the columns say (principal 10,000.00 at 8%/12: PMT 869.88)
    assert [(r.number, r.payment, r.principal + r.interest + r.fee) for r in first[:2]] == [
        (1, Decimal("869.88"), Decimal("869.88")), (2, Decimal("869.88"), Decimal("869.88"))]
    assert str(first[0].interest) == "66.67" and str(first[0].fee) == "0.00"
    assert sum(r.principal for r in first) == Decimal("10000.00")
    # a view has rows of its own, numbered as in the whole schedule
    assert schedule.after("2024-06-15")[0].number == 6


def test_a_schedule_built_directly_takes_integers_only() -> None:
    """Floats were turned into float-expanded Decimals (100.0029999999999927...);
    numpy integers (a pandas column) are integers."""
    import numpy as np
    kwargs = {"currency": CNY, "start": date(2024, 1, 1), "due_dates": (date(2024, 2, 1),),
              "interest": (0,), "fee": (0,), "balance": (0,)}
    with pytest.raises(InvalidArgumentError, match=r"^payment\[0\]: must be an int of "
                                                   r"minor units"):
        Schedule(principal=10000, payment=(10000.3,), principal_paid=(10000,),
                 **kwargs)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match=r"^principal: must be an int"):
        Schedule(principal=True, payment=(1,), principal_paid=(1,),
                 **kwargs)  # type: ignore[arg-type]
    s = Schedule(principal=np.int64(10000), payment=(np.int64(10000),),
                 principal_paid=(10000,), **kwargs)  # type: ignore[arg-type]
    assert type(s.payment[0]) is int and s[0].payment == Decimal("100.00")


def test_pickled_schedules_carry_no_rows_and_rebuild_them() -> None:
    import pickle
    schedule = Plan.annuity("10000", annual_rate="0.08", installments=12,
                            start="2024-01-31").schedule()
    size = len(pickle.dumps(schedule))
    first = schedule[0]
    assert len(pickle.dumps(schedule)) == size  # the built rows are not pickled
    restored = pickle.loads(pickle.dumps(schedule))
    assert restored == schedule and restored[0] == first


def test_running_interest_of_views_counts_from_the_loan_start() -> None:
    from bnpl_restructure import RoundingPolicy
    for policy in (RoundingPolicy(), RoundingPolicy(balance="carried")):
        s = Plan.annuity("280000", annual_rate="0.084", installments=20, start="2024-01-01",
                         rounding=policy).schedule()
        whole = s.running_interest()
        assert s.until("2025-02-15").running_interest() == whole[:13]
        assert s.after("2024-06-15").running_interest() == whole[5:]
