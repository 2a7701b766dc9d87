"""bnpl_restructure.dask: partition by partition, the same figures as in process."""

from __future__ import annotations

import pytest

from bnpl_restructure.errors import InvalidArgumentError
from bnpl_restructure.portfolio import Portfolio
from bnpl_restructure.restructure import ExtendTerm
from bnpl_restructure.servicing import ServicingTerms

pd = pytest.importorskip("pandas")
dd = pytest.importorskip("dask.dataframe")
bdask = pytest.importorskip("bnpl_restructure.dask")

BOOK = pd.DataFrame({
    "loan_id": [f"L{k}" for k in range(12)],
    "amount": ["1200.00", "1000.00", "6000.00", "500.00", "99.99", "25000", "0.01",
               "-3", "800", "3000", "1500", "700"],
    "rate": ["12%/year", "0.7%/month", None, "10%/year", None, "7.25%/year", "18%/year",
             "12%/year", None, "24%/year", "0.5%/month", "9%/year"],
    "fee_rate": [None, None, "0.006", None, None, None, None, None, None, None, None, None],
    "installments": [12, 3, 12, 6, 4, 36, 1, 12, 4, 24, 6, 18],
    "kind": ["annuity", "equal_principal", "flat_fee", "annuity", "pay_in_4", "annuity",
             "annuity", "annuity", "pay_in_4", "equal_principal", "annuity",
             "interest_only"],
    "day_count": [None, None, None, "act/365f", None, None, None, None, None, None, None,
                  None],
    "start": ["2026-01-15", "2026-01-15", "2026-01-15", "2026-01-31", "2026-02-01",
              "2025-12-31", "2026-01-15", "2026-01-15", "2026-03-01", "2026-01-20",
              "2026-01-15", "2026-01-05"],
})
PAYMENTS = pd.DataFrame({
    "loan_id": ["L0", "L0", "L2", "L4", "L5", "L9"],
    "date": ["2026-02-15", "2026-03-15", "2026-02-15", "2026-02-01", "2026-01-31",
             "2026-02-20"],
    "amount": ["106.62", "106.62", "536.00", "25.00", "700", "200"],
})


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as connected:
        yield connected


def _plain(frame):  # type: ignore[no-untyped-def]
    """Text columns as Python objects: dask reads them as Arrow strings, an empty
    partition's meta says object, pandas infers its own string dtype."""
    text = {c: object for c in frame.columns
            if not (pd.api.types.is_numeric_dtype(frame[c])
                    or pd.api.types.is_datetime64_any_dtype(frame[c]))}
    return frame.reset_index(drop=True).astype(text)


def _same(lazy, eager) -> None:  # type: ignore[no-untyped-def]
    pd.testing.assert_frame_equal(_plain(lazy.compute()), _plain(eager))


def test_schedules_loans_rates_on_a_cluster(client) -> None:  # type: ignore[no-untyped-def]
    loans = dd.from_pandas(BOOK, npartitions=3)
    portfolio = Portfolio.from_frame(BOOK, errors="collect")
    for money in ("minor", "float"):
        _same(bdask.schedules(loans, errors="collect", money=money),
              portfolio.schedules(money=money))
    _same(bdask.loans(loans, errors="collect"), portfolio.loans())
    _same(bdask.rates(loans, errors="collect"), portfolio.rates())
    bad = bdask.report(loans).compute()
    assert bad["index"].tolist() == [7] == portfolio.report.rows()
    assert bad.column.tolist() == ["amount"]


def test_states_and_scenario_on_a_cluster(client) -> None:  # type: ignore[no-untyped-def]
    loans = dd.from_pandas(BOOK, npartitions=3)
    portfolio = Portfolio.from_frame(BOOK, errors="collect")
    terms = ServicingTerms.jd_baitiao()
    eager = portfolio.states(PAYMENTS, as_of="2026-04-20", terms=terms)
    _same(bdask.states(loans, PAYMENTS, as_of="2026-04-20", terms=terms, errors="collect"),
          eager)
    shuffled = bdask.states(loans, dd.from_pandas(PAYMENTS, npartitions=2),
                            as_of="2026-04-20", terms=terms, errors="collect").compute()
    pd.testing.assert_frame_equal(_plain(shuffled).set_index("loan_id").sort_index(),
                                  _plain(eager).set_index("loan_id").sort_index())
    scenario = portfolio.scenario(ExtendTerm(periods=6), payments=PAYMENTS,
                                  as_of="2026-04-20", discount_rate="0.05")
    lazy = bdask.scenario(loans, ExtendTerm(periods=6), payments=PAYMENTS,
                          as_of="2026-04-20", discount_rate="0.05", errors="collect")
    _same(lazy, scenario.frame)
    qualified = lazy[lazy.qualifies]
    assert int(qualified.payment_relief.sum().compute()) == scenario.totals["payment_relief"] \
        * 100
    assert int(qualified.months_added.sum().compute()) == scenario.totals["months_added"]


def test_errors_surface_at_compute_and_type_checks() -> None:
    loans = dd.from_pandas(BOOK, npartitions=2)
    with pytest.raises(InvalidArgumentError, match=r"^amount: row \d+: principal: must not be"):
        bdask.schedules(loans).compute(scheduler="sync")
    with pytest.raises(InvalidArgumentError, match=r"^loans: must be a dask"):
        bdask.schedules(BOOK)
    with pytest.raises(InvalidArgumentError, match=r"^money:"):
        bdask.schedules(loans, money="cents")
