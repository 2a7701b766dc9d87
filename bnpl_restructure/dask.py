"""Portfolios beyond one machine: :class:`~bnpl_restructure.portfolio.Portfolio` over a
``dask.dataframe``, partition by partition.

Each function takes a dask DataFrame of loans (the columns of
:meth:`Portfolio.from_frame <bnpl_restructure.portfolio.Portfolio.from_frame>`) and
returns a lazy dask DataFrame: every partition becomes a Portfolio and gives its frame
(``map_partitions`` with a fixed ``meta``), so the figures are exactly the in-process
ones, wherever the partitions run (threads, processes, a ``distributed`` cluster). A
loan never spans two partitions; each partition runs the batch kernel on its own loans,
so a partition of 100,000 loans × 36 installments needs about 0.6 GiB (the chunked path
for books larger than memory).

Needs the ``dask`` extra (``pip install bnpl_restructure[dask]``).

Examples
--------
>>> import pandas as pd
>>> import pytest; dd = pytest.importorskip("dask.dataframe")  # the dask extra
>>> book = pd.DataFrame({"loan_id": [1, 2, 3, 4], "amount": ["1200", "1000", "600", "900"],
...                      "annual_rate": ["12%", "8%", "0", "18%"], "installments": [12, 3, 6, 9],
...                      "start": ["2026-01-15"] * 4})
>>> loans = dd.from_pandas(book, npartitions=2)
>>> lazy = schedules(loans)
>>> lazy.npartitions
2
>>> lazy.groupby("loan_id").interest.sum().compute().tolist()
[7942, 1337, 0, 6883]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .errors import InvalidArgumentError
from .portfolio import Portfolio
from .portfolio.frames import check_options
from .restructure import Change
from .servicing import LoanState, ServicingTerms

__all__ = ["loans", "rates", "report", "scenario", "schedules", "states"]


def _dd() -> Any:
    try:
        import dask.dataframe as dd
    except ImportError as exc:  # pragma: no cover - exercised without the extra
        raise ImportError("bnpl_restructure.dask needs dask: pip install "
                          "'bnpl_restructure[dask]'") from exc
    return dd


def _check(frame: Any, argument: str = "loans") -> Any:
    dd = _dd()
    if not isinstance(frame, dd.DataFrame):
        raise InvalidArgumentError(argument, "must be a dask.dataframe.DataFrame (use "
                                   "Portfolio.from_frame for an in-memory frame)",
                                   received=type(frame).__name__)
    return dd


def _apply(frame: Any, make: Callable[[Portfolio], Any], build: Mapping[str, Any],
           argument: str = "loans") -> Any:
    """``make(Portfolio.from_frame(partition, **build))`` on every partition, with the
    meta of the same call on an empty partition (dtypes cast to match)."""
    dd = _check(frame, argument)
    meta = _like_input(make(Portfolio.from_frame(frame._meta, **build)), frame, build)

    def run(partition: Any) -> Any:
        out = make(Portfolio.from_frame(partition, **build))
        return out.astype(meta.dtypes.to_dict()) if len(out) else meta

    return dd.map_partitions(run, frame, meta=meta, align_dataframes=False)


def _like_input(meta: Any, frame: Any, build: Mapping[str, Any]) -> Any:
    """The meta with ``loan_id`` of the input's dtype (an empty partition cannot show
    what pandas infers for the ids of a full one)."""
    key = (build.get("columns") or {}).get("loan_id", "loan_id")
    if key in frame._meta.columns:
        return meta.astype({"loan_id": frame._meta[key].dtype})
    return meta


def _build(columns: Mapping[str, str] | None, amount_units: str, errors: str,
           defaults: Mapping[str, Any] | None) -> dict[str, Any]:
    return {"columns": columns, "amount_units": amount_units, "errors": errors,
            "defaults": defaults}


def schedules(loans: Any, *, columns: Mapping[str, str] | None = None,
              amount_units: str = "major", errors: str = "raise",
              defaults: Mapping[str, Any] | None = None, money: str = "minor") -> Any:
    """Every loan's schedule, one row per installment (``Portfolio.schedules``, long
    layout, pandas partitions): a lazy dask DataFrame.

    Raises
    ------
    InvalidArgumentError
        ``loans`` is not a dask DataFrame; the options as :meth:`Portfolio.from_frame
        <bnpl_restructure.portfolio.Portfolio.from_frame>` and :meth:`Portfolio.schedules
        <bnpl_restructure.portfolio.Portfolio.schedules>` check them (when the graph is built,
        or for a bad row when it is computed).
    ImportError
        dask is not installed (``pip install 'bnpl_restructure[dask]'``).
    """
    check_options("pandas", money)
    return _apply(loans, lambda p: p.schedules(money=money),
                  _build(columns, amount_units, errors, defaults))


def loans(frame: Any, *, columns: Mapping[str, str] | None = None,
          amount_units: str = "major", errors: str = "raise",
          defaults: Mapping[str, Any] | None = None, money: str = "minor") -> Any:
    """One row per loan with its totals (``Portfolio.loans``): a lazy dask DataFrame.

    Raises
    ------
    InvalidArgumentError
        ``frame`` is not a dask DataFrame; the options as :meth:`Portfolio.from_frame
        <bnpl_restructure.portfolio.Portfolio.from_frame>` and :meth:`Portfolio.loans
        <bnpl_restructure.portfolio.Portfolio.loans>` check them (when the graph is built,
        or for a bad row when it is computed).
    ImportError
        dask is not installed (``pip install 'bnpl_restructure[dask]'``).
    """
    check_options("pandas", money)
    return _apply(frame, lambda p: p.loans(money=money),
                  _build(columns, amount_units, errors, defaults), argument="frame")


def rates(loans: Any, *, which: Sequence[str] = ("cn_irr", "reg_z_apr", "eu_aprc"),
          columns: Mapping[str, str] | None = None, amount_units: str = "major",
          errors: str = "raise", defaults: Mapping[str, Any] | None = None) -> Any:
    """Every loan's true annual rates as float64 (``Portfolio.rates``).

    Raises
    ------
    InvalidArgumentError
        ``loans`` is not a dask DataFrame; the options as :meth:`Portfolio.from_frame
        <bnpl_restructure.portfolio.Portfolio.from_frame>` and :meth:`Portfolio.rates
        <bnpl_restructure.portfolio.Portfolio.rates>` check them (when the graph is built,
        or for a bad row when it is computed).
    ImportError
        dask is not installed (``pip install 'bnpl_restructure[dask]'``).
    """
    return _apply(loans, lambda p: p.rates(which=which),
                  _build(columns, amount_units, errors, defaults))


def report(loans: Any, *, columns: Mapping[str, str] | None = None,
           amount_units: str = "major", defaults: Mapping[str, Any] | None = None) -> Any:
    """The bad rows of every partition: ``index`` (the row's index label), ``column``
    and ``reason``, as ``Portfolio.from_frame(..., errors="collect").report``.

    Raises
    ------
    InvalidArgumentError
        ``loans`` is not a dask DataFrame; the options as :meth:`Portfolio.from_frame
        <bnpl_restructure.portfolio.Portfolio.from_frame>` and :meth:`Portfolio.from_frame
        <bnpl_restructure.portfolio.Portfolio.from_frame>` check them (when the graph is built,
        or for a bad row when it is computed).
    ImportError
        dask is not installed (``pip install 'bnpl_restructure[dask]'``).
    """
    dd = _check(loans)
    import pandas as pd

    build = _build(columns, amount_units, "collect", defaults)
    meta = pd.DataFrame({"index": pd.Series([], dtype=loans.index.dtype),
                         "column": pd.Series([], dtype=object),
                         "reason": pd.Series([], dtype=object)})

    def run(partition: Any) -> Any:
        found = Portfolio.from_frame(partition, **build).report.errors
        if not found:
            return meta
        return pd.DataFrame({"index": partition.index[[e.row for e in found]],
                             "column": [e.column for e in found],
                             "reason": [e.reason for e in found]}).astype(meta.dtypes)

    return dd.map_partitions(run, loans, meta=meta, align_dataframes=False)


def _with_payments(loans: Any, payments: Any, make: Callable[[Portfolio, Any], Any],
                   build: Mapping[str, Any], payment_columns: Mapping[str, str] | None
                   ) -> Any:
    """``make(portfolio, its payments)`` per partition. A pandas payments table goes to
    every partition whole; a dask one is shuffled with the loans on ``loan_id`` so that
    each loan meets its payments in one partition."""
    dd = _check(loans)
    import pandas as pd

    meta = _like_input(make(Portfolio.from_frame(loans._meta, **build), None), loans, build)

    def run(partition: Any, paid: Any) -> Any:
        out = make(Portfolio.from_frame(partition, **build), paid)
        return out.astype(meta.dtypes.to_dict()) if len(out) else meta

    if payments is None or isinstance(payments, pd.DataFrame):
        return dd.map_partitions(run, loans, payments, meta=meta, align_dataframes=False)
    if not isinstance(payments, dd.DataFrame):
        raise InvalidArgumentError("payments", "must be a pandas or dask DataFrame",
                                   received=type(payments).__name__)
    key = (build.get("columns") or {}).get("loan_id", "loan_id")
    paid_key = (payment_columns or {}).get("loan_id", "loan_id")
    parts = loans.npartitions
    return dd.map_partitions(run, loans.shuffle(on=key, npartitions=parts),
                             payments.shuffle(on=paid_key, npartitions=parts), meta=meta,
                             align_dataframes=False)


def states(loans: Any, payments: Any = None, *, as_of: Any,
           terms: ServicingTerms | None = None,
           payment_columns: Mapping[str, str] | None = None,
           payment_units: str = "major", columns: Mapping[str, str] | None = None,
           amount_units: str = "major", errors: str = "raise",
           defaults: Mapping[str, Any] | None = None, money: str = "minor") -> Any:
    """Every loan's state on ``as_of`` from a payments table (``Portfolio.states``).

    ``payments`` is a pandas DataFrame (sent to every partition) or a dask DataFrame
    (shuffled with the loans on ``loan_id``; its ``loan_id`` must have the loans'
    dtype). With a dask payments table the output's partitions follow the shuffle, not
    the book's order. Each partition sees payments of loans in other partitions, so
    payments whose ``loan_id`` is in no partition are left out here (unlike
    ``Portfolio.states``, which refuses them by default): check the ids beforehand.

    Raises
    ------
    InvalidArgumentError
        ``loans`` is not a dask DataFrame; the options as :meth:`Portfolio.from_frame
        <bnpl_restructure.portfolio.Portfolio.from_frame>` and :meth:`Portfolio.states
        <bnpl_restructure.portfolio.Portfolio.states>` check them (when the graph is built,
        or for a bad row when it is computed).
    ImportError
        dask is not installed (``pip install 'bnpl_restructure[dask]'``).
    """
    check_options("pandas", money)

    def make(portfolio: Portfolio, paid: Any) -> Any:
        return portfolio.states(paid, as_of=as_of, terms=terms,
                                payment_columns=payment_columns,
                                amount_units=payment_units, money=money,
                                unmatched="ignore")  # a partition sees others' payments

    return _with_payments(loans, payments, make,
                          _build(columns, amount_units, errors, defaults), payment_columns)


def scenario(loans: Any, changes: Change | Sequence[Change], *, as_of: Any,
             discount_rate: Any, payments: Any = None, terms: ServicingTerms | None = None,
             eligible: Callable[[LoanState], bool] | None = None,
             payment_columns: Mapping[str, str] | None = None,
             payment_units: str = "major", columns: Mapping[str, str] | None = None,
             amount_units: str = "major", errors: str = "raise",
             defaults: Mapping[str, Any] | None = None, money: str = "minor") -> Any:
    """A restructuring scenario on every loan (``Portfolio.scenario``): the lazy frame
    of one row per loan. Totals are its column sums over the qualifying rows, e.g.
    ``frame[frame.qualifies][["payment_relief", "npv_change", "months_added"]].sum()``.

    Raises
    ------
    InvalidArgumentError
        ``loans`` is not a dask DataFrame; the options as :meth:`Portfolio.from_frame
        <bnpl_restructure.portfolio.Portfolio.from_frame>` and :meth:`Portfolio.scenario
        <bnpl_restructure.portfolio.Portfolio.scenario>` check them (when the graph is built,
        or for a bad row when it is computed).
    ImportError
        dask is not installed (``pip install 'bnpl_restructure[dask]'``).
    """
    check_options("pandas", money)

    def make(portfolio: Portfolio, paid: Any) -> Any:
        return portfolio.scenario(changes, as_of=as_of, discount_rate=discount_rate,
                                  payments=paid, terms=terms, eligible=eligible,
                                  payment_columns=payment_columns,
                                  amount_units=payment_units, money=money,
                                  unmatched="ignore").frame  # others' payments too

    return _with_payments(loans, payments, make,
                          _build(columns, amount_units, errors, defaults), payment_columns)
