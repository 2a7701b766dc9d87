""":class:`Portfolio`: a loan book from a data frame, every loan computed at once."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import InvalidArgumentError
from ..plans import Plan
from ..restructure import Change
from ..schedule import Schedule
from ..servicing import LoanState, ServicingTerms
from .book import Book, load_book
from .frames import check_options, convert_money, to_frame
from .rates import RATES, Flows, loan_rates
from .schedules import MONEY_COLUMNS, LongSchedules, long_schedules
from .states import (
    SCENARIO_MONEY,
    STATE_MONEY,
    parse_as_of,
    read_payments,
    scenario_rows,
    state_rows,
)
from .validation import ValidationReport

__all__ = ["Portfolio", "Scenario"]


@dataclass(frozen=True, slots=True)
class Scenario:
    """A restructuring scenario over a book: one row per loan (``frame``) and the
    totals over the loans that qualify (money in major units as Decimal:
    ``payment_relief``, ``lender_npv``, ``npv_change``, ``extra_cost``;
    ``months_added`` and the number of ``loans`` that qualify)."""

    frame: Any
    totals: Mapping[str, Any]


class Portfolio:
    """A loan book: every loan's schedule, true annual rates, state and options.

    Build one with :meth:`from_frame`. Loans the batch kernel covers (annuity, equal
    principal and flat fee at a per-period rate with a regular first period and no fixed
    fee) are computed together, all at once; every other loan through its own
    :class:`~bnpl_restructure.Plan`. Either way each loan's figures equal the
    single-loan API's (:meth:`plan` builds that plan).

    Raises
    ------
    InvalidArgumentError
        Built directly with anything but the book :meth:`from_frame` reads (``book``).

    Examples
    --------
    >>> import pandas as pd
    >>> book = pd.DataFrame({
    ...     "loan_id": ["A", "B", "C"],
    ...     "amount": ["1200.00", "1000.00", "600.00"],
    ...     "rate": ["12%/year", "0.7%/month", None],
    ...     "fee_rate": [None, None, "0.006"],
    ...     "installments": [12, 3, 6],
    ...     "kind": ["annuity", "equal_principal", "flat_fee"],
    ...     "start": ["2026-01-15", "2026-01-15", "2026-02-01"]})
    >>> portfolio = Portfolio.from_frame(book)
    >>> portfolio
    <Portfolio of 3 loans (3 by the batch kernel, 0 by plan), 0 rows refused>
    >>> s = portfolio.schedules()
    >>> s[s.loan_id == "B"][["installment", "payment", "interest", "balance"]]
       installment  payment  interest  balance
    12           1    34033       700    66667
    13           2    33800       467    33334
    14           3    33567       233        0
    >>> portfolio.loans(money="float")[["loan_id", "total_of_payments", "total_interest"]]
      loan_id  total_of_payments  total_interest
    0       A            1279.42           79.42
    1       B            1014.00           14.00
    2       C             621.60            0.00
    """

    __slots__ = ("_book", "_long")

    def __init__(self, book: Book) -> None:
        if not isinstance(book, Book):
            raise InvalidArgumentError("book", "must come from Portfolio.from_frame",
                                       received=type(book).__name__)
        self._book = book
        self._long: LongSchedules | None = None

    @classmethod
    def from_frame(cls, frame: Any, *, columns: Mapping[str, str] | None = None,
                   amount_units: str = "major", errors: str = "raise",
                   defaults: Mapping[str, Any] | None = None) -> Portfolio:
        """A portfolio from a loan book (a pandas or polars DataFrame, a pyarrow Table).

        Parameters
        ----------
        frame
            One row per loan. Columns (by these names, or mapped with ``columns``):
            ``loan_id``, ``amount``, ``installments`` (or ``term``; a pay-in-4 row's
            blank count is 4, as :meth:`Plan.pay_in_4
            <bnpl_restructure.plans.Plan.pay_in_4>` has it) and ``start`` are required;
            ``kind`` (default ``annuity``), ``currency`` (default ``CNY``),
            ``annual_rate`` / ``periodic_rate`` / ``rate`` (``'18%/year'``,
            ``'0.5%/month'``), ``rate_convention``, ``fee_rate`` / ``total_fee_rate``
            (flat fee), ``fee``, ``frequency``, ``day_count``, ``odd_days``,
            ``first_due`` and ``rounding`` (one mode for payment and interest) are
            optional; see :data:`~bnpl_restructure.portfolio.columns.COLUMNS`. A cell
            is read as the single-plan constructor of the row's kind reads the argument
            of that name; an empty cell (``None``, ``NaN``, ``NaT``, ``""``) takes the
            constructor's default.
        columns
            ``{canonical name: frame column}``, e.g. ``{"amount": "principal_fen"}``.
        amount_units
            ``"major"`` (default: ``"1200.00"``, ``Decimal``, ``int`` yuan) or
            ``"minor"`` (integer fen / cents).
        errors
            ``"raise"`` (default): the first bad row raises; ``"collect"``: bad rows are
            left out and listed in :attr:`report`, the rest is computed.
        defaults
            ``{column: value}`` for cells a column leaves empty (or for a column the
            frame does not have), e.g. ``{"currency": "USD"}``.

        Raises
        ------
        InvalidArgumentError
            A frame of another type, a required column missing, an unknown option; with
            ``errors="raise"``, the first bad row (its number and column in the message).
        """
        return cls(load_book(frame, columns=columns, amount_units=amount_units,
                             errors=errors, defaults=defaults))

    # ------------------------------------------------------------------ the book

    def __len__(self) -> int:
        return len(self._book)

    def __repr__(self) -> str:
        book = self._book
        plans = sum(isinstance(book.term_table[c], Plan) for c in set(book.term_code.tolist()))
        return (f"<Portfolio of {len(self)} loans ({len(self) - plans} by the batch kernel, "
                f"{plans} by plan), {len(self.report)} rows refused>")

    @property
    def report(self) -> ValidationReport:
        """The bad rows left out (empty unless built with ``errors="collect"``)."""
        return self._book.report

    @property
    def loan_ids(self) -> list[Any]:
        """The loans' ids, in book order."""
        return list(self._book.loan_id.tolist())

    @property
    def rows(self) -> npt.NDArray[np.intp]:
        """Each loan's row number in the frame it was read from."""
        return self._book.rows.copy()

    def _index(self, index: Any) -> int:
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or \
                not 0 <= index < len(self):
            raise InvalidArgumentError("index", f"must be a whole number from 0 to "
                                       f"{len(self) - 1} (a loan's place in the book)",
                                       received=index)
        return int(index)

    def plan(self, index: int) -> Plan:
        """The loan at ``index`` (0-based, book order) built by the single-plan API.

        Raises
        ------
        InvalidArgumentError
            ``index`` is not a whole number from 0 to ``len(portfolio) - 1``.
        """
        return self._book.plan(self._index(index))

    def _schedules_long(self) -> LongSchedules:
        if self._long is None:
            self._long = long_schedules(self._book)
        return self._long

    def schedule(self, index: int) -> Schedule:
        """The schedule of the loan at ``index``, equal to ``plan(index).schedule()``.

        Raises
        ------
        InvalidArgumentError
            ``index`` is not a whole number from 0 to ``len(portfolio) - 1``.
        """
        index = self._index(index)
        book, long = self._book, self._schedules_long()
        term = book.term_table[book.term_code[index]]
        if isinstance(term, Plan):
            return term.schedule()
        rows = slice(int(long.offsets[index]), int(long.offsets[index + 1]))
        money = {name: tuple(int(v) for v in long.money[name][rows].tolist())
                 for name in MONEY_COLUMNS}
        return Schedule(currency=book.currency[index], start=book.start[index],
                        principal=int(book.principal[index]),
                        due_dates=book.due_table[book.due_code[index]],
                        payment=money["payment"], principal_paid=money["principal"],
                        interest=money["interest"], fee=money["fee"],
                        balance=money["balance"], frequency=term.frequency)

    def _exponents(self) -> npt.NDArray[np.int64]:
        return np.array([c.exponent for c in self._book.currency], dtype=np.int64)

    # ------------------------------------------------------------------ outputs

    def schedules(self, *, layout: str = "long", values: str = "payment",
                  to: str = "pandas", money: str = "minor") -> Any:
        """Every loan's schedule as one frame.

        Parameters
        ----------
        layout
            ``"long"`` (default): one row per installment with ``loan_id``,
            ``installment`` (1, 2, ...), ``due_date``, ``payment``, ``principal``,
            ``interest``, ``fee``, ``balance``. ``"wide"``: one row per loan with
            ``loan_id`` and one column per installment number (``"1"``, ``"2"``, ...)
            holding ``values``; a shorter loan's later columns are 0.
        values
            The money column a wide frame shows (default ``"payment"``).
        to
            ``"pandas"`` (default), ``"polars"`` or ``"arrow"``.
        money
            ``"minor"`` (default: int64 minor units, exact), ``"float"`` (float64 major
            units) or ``"decimal"`` (``Decimal`` major units).

        Raises
        ------
        InvalidArgumentError
            ``layout`` is not "long" or "wide"; ``values`` is not a money column;
            ``to`` is not "pandas", "polars" or "arrow"; ``money`` is not "minor", "float" or
            "decimal".
        ImportError
            The library of the frame asked for (pandas, polars, pyarrow) is not installed.
        """
        check_options(to, money)
        if layout not in ("long", "wide"):
            raise InvalidArgumentError("layout", "must be 'long' or 'wide'", received=layout)
        if values not in MONEY_COLUMNS:
            raise InvalidArgumentError("values", f"must be one of {MONEY_COLUMNS}",
                                       received=values)
        long = self._schedules_long()
        exponents = self._exponents()
        if layout == "long":
            row_exponent = exponents[long.loan]
            cached = {id(long.installment), id(long.due_date),
                      *(id(v) for v in long.money.values())}
            columns: dict[str, Any] = {"loan_id": self._book.loan_id[long.loan],
                                       "installment": long.installment,
                                       "due_date": long.due_date}
            for name in MONEY_COLUMNS:
                columns[name] = convert_money(long.money[name], row_exponent, money)
            if to == "pandas":  # pandas writes into its arrays: it gets its own copies
                columns = {k: v.copy() if id(v) in cached else v for k, v in columns.items()}
            # the rows are computed once and kept read-only; polars and Arrow frames
            # (immutable) share them, pandas takes its copies without a second one
            return to_frame(columns, to, owned=True)
        width = int(self._book.installments.max()) if len(self) else 0
        matrix = np.zeros((len(self), width), dtype=long.money[values].dtype)
        matrix[long.loan, long.installment - 1] = long.money[values]
        columns = {"loan_id": self._book.loan_id}
        for k in range(width):
            columns[str(k + 1)] = convert_money(matrix[:, k], exponents, money)
        return to_frame(columns, to)

    def loans(self, *, to: str = "pandas", money: str = "minor") -> Any:
        """One row per loan: ``loan_id``, ``kind``, ``currency``, ``amount``,
        ``installments``, ``first_due``, ``maturity``, ``first_payment``,
        ``total_of_payments``, ``total_interest``, ``total_fees`` and ``batch`` (computed
        by the batch kernel rather than by its plan).

        Raises
        ------
        InvalidArgumentError
            ``to`` is not "pandas", "polars" or "arrow"; ``money`` is not "minor", "float" or
            "decimal".
        ImportError
            The library of the frame asked for (pandas, polars, pyarrow) is not installed.
        """
        check_options(to, money)
        book, long = self._book, self._schedules_long()
        exponents = self._exponents()
        starts = long.offsets[:-1]
        ends = long.offsets[1:] - 1

        def total(name: str) -> npt.NDArray[Any]:
            values = long.money[name]
            if not len(self):
                return np.zeros(0, dtype=np.int64)
            sums = np.add.reduceat(values, starts.astype(np.intp))
            return sums

        columns: dict[str, Any] = {
            "loan_id": book.loan_id,
            "kind": np.array([k.value for k in book.kind], dtype=object),
            "currency": np.array([c.code for c in book.currency], dtype=object),
            "amount": convert_money(np.array(book.principal, dtype=object), exponents, money),
            "installments": book.installments,
            "first_due": long.due_date[starts] if len(self) else long.due_date[:0],
            "maturity": long.due_date[ends] if len(self) else long.due_date[:0],
            "first_payment": convert_money(long.money["payment"][starts] if len(self)
                                           else np.zeros(0, np.int64), exponents, money),
            "total_of_payments": convert_money(total("payment"), exponents, money),
            "total_interest": convert_money(total("interest"), exponents, money),
            "total_fees": convert_money(total("fee"), exponents, money),
            "batch": np.array([not isinstance(t, Plan) for t in book.term_table],
                              dtype=bool)[book.term_code],
        }
        return to_frame(columns, to)

    def rates(self, *, which: Sequence[str] = ("cn_irr", "reg_z_apr", "eu_aprc"),
              exact: bool = False, to: str = "pandas") -> Any:
        """Every loan's true annual rates, one row per loan (``loan_id`` and a column per
        rate): ``cn_irr`` (China's annualized rate by the IRR method, nominal;
        ``cn_irr_compound`` its compound form; PBOC Announcement [2021] No. 3),
        ``reg_z_apr`` (12 CFR 1026, Appendix J) and ``eu_aprc`` (Directive 2008/48/EC,
        Annex I), each as a fraction: float64 (``NaN`` where a loan has no rate) or
        ``Decimal`` when ``exact`` (``None`` where none), equal to the single-loan
        functions on the loan's schedule (both are float roots given to 12 places: solved
        with the whole book, a root may differ from the loan's own by one unit in the
        12th place).

        Raises
        ------
        InvalidArgumentError
            ``which`` names no rate or an unknown one; ``to`` is not "pandas", "polars" or
            "arrow".
        ImportError
            The library of the frame asked for (pandas, polars, pyarrow) is not installed.
        """
        check_options(to, "minor")
        unknown = [w for w in which if w not in RATES]
        if unknown or not which:
            raise InvalidArgumentError("which", f"must name rates among {sorted(RATES)}",
                                       received=list(which))
        book, long = self._book, self._schedules_long()
        flows = Flows(principal=book.principal, payments=long.money["payment"],
                      offsets=long.offsets, exponent=self._exponents(), start=book.start,
                      due_dates=book.due_dates,
                      frequency=[t.frequency for t in book.terms], schedule=self.schedule)
        columns: dict[str, Any] = {"loan_id": book.loan_id}
        columns.update(loan_rates(flows, tuple(which), exact))
        return to_frame(columns, to)

    def _states(self, payments: Any, *, as_of: Any, terms: ServicingTerms | None,
                payment_columns: Mapping[str, str] | None, amount_units: str,
                unmatched: str = "raise") -> list[Any]:
        if amount_units not in ("major", "minor"):
            raise InvalidArgumentError("amount_units", "must be 'major' or 'minor'",
                                       received=amount_units)
        if unmatched not in ("raise", "ignore"):
            raise InvalidArgumentError("unmatched", "must be 'raise' or 'ignore'",
                                       received=unmatched)
        day = parse_as_of(as_of)
        grouped = {} if payments is None else read_payments(
            payments, columns=payment_columns, amount_units=amount_units)
        ids = self._book.loan_id.tolist()
        if unmatched == "raise":  # a typo'd id must not make a paying loan look behind
            known = set(ids)
            stray = [loan for loan in grouped if loan not in known]
            if stray:
                raise InvalidArgumentError(
                    "payments", f"has payments for {len(stray)} loan id(s) not in the book "
                    f"(a typo, or a row refused when the book was read): {stray[:5]!r}; "
                    "pass unmatched='ignore' to leave them out", received=len(stray))
        flows = [grouped.get(loan, []) for loan in ids]
        # servicing and restructuring re-run the rest of a plan: they need the Plan
        plans = [self._book.plan(k).schedule() for k in range(len(self))]
        return state_rows(plans, flows, as_of=day, terms=terms)

    def states(self, payments: Any = None, *, as_of: Any,
               terms: ServicingTerms | None = None,
               payment_columns: Mapping[str, str] | None = None,
               amount_units: str = "major", to: str = "pandas", money: str = "minor",
               unmatched: str = "raise") -> Any:
        """Every loan's state on ``as_of`` from a payments table.

        Parameters
        ----------
        payments
            A frame with ``loan_id``, ``date`` and ``amount`` (major units, or minor
            with ``amount_units="minor"``), one row per payment received; rename with
            ``payment_columns``. ``None``: nothing paid. Payments are matched to loans
            by ``loan_id`` (unique in a book).
        as_of
            The day of the positions.
        terms
            :class:`~bnpl_restructure.servicing.ServicingTerms` for every loan.
        unmatched
            Payments for a ``loan_id`` not in the book (a typo, or a row refused when
            the book was read): ``"raise"`` (default) refuses them naming ``payments``;
            ``"ignore"`` leaves them out.

        Returns
        -------
        frame
            One row per loan: ``loan_id``, the money of
            :class:`~bnpl_restructure.servicing.LoanState` (``outstanding_principal``,
            ``unpaid_interest``, ``unpaid_fees``, ``unpaid_penalty``,
            ``unpaid_late_fees``, ``total_paid``, ``payoff_amount``),
            ``days_past_due``, ``bucket`` and ``error`` (empty unless the loan's
            payments were refused, e.g. paid before the loan started).

        Raises
        ------
        InvalidArgumentError
            ``payments`` is not a frame with the payment columns, a payment is not a
            date and an amount (naming its row), or (``unmatched="raise"``) a payment's
            ``loan_id`` is not in the book; ``unmatched`` is unknown; ``as_of`` is not a
            date; ``amount_units``
            is not "major" or "minor"; ``to`` is not "pandas", "polars" or "arrow";
            ``money`` is not "minor", "float" or "decimal".
        ImportError
            The library of the frame asked for (pandas, polars, pyarrow) is not installed.
        """
        check_options(to, money)
        states = self._states(payments, as_of=as_of, terms=terms,
                              payment_columns=payment_columns, amount_units=amount_units,
                              unmatched=unmatched)
        return to_frame(self._state_columns(states, money), to)

    def _state_columns(self, states: list[Any], money: str) -> dict[str, Any]:
        columns: dict[str, Any] = {"loan_id": self._book.loan_id}
        exponents = self._exponents()
        ok = [isinstance(s, LoanState) for s in states]
        for name in STATE_MONEY:
            minor = np.array([c.to_minor(getattr(s, name)) if good else 0 for s, c, good
                              in zip(states, self._book.currency, ok, strict=True)],
                             dtype=object)
            columns[name] = convert_money(minor, exponents, money)
        columns["days_past_due"] = np.array([s.days_past_due if good else 0
                                             for s, good in zip(states, ok, strict=True)],
                                            dtype=np.int64)
        columns["bucket"] = np.array([s.bucket if good else "" for s, good
                                      in zip(states, ok, strict=True)], dtype=object)
        columns["error"] = np.array(["" if good else str(s) for s, good
                                     in zip(states, ok, strict=True)], dtype=object)
        return columns

    def scenario(self, changes: Change | Sequence[Change], *, as_of: Any,
                 discount_rate: Any, payments: Any = None,
                 terms: ServicingTerms | None = None,
                 eligible: Callable[[LoanState], bool] | None = None,
                 payment_columns: Mapping[str, str] | None = None,
                 amount_units: str = "major", to: str = "pandas",
                 money: str = "minor", unmatched: str = "raise") -> Scenario:
        """A restructuring applied to every loan that qualifies, with totals.

        Each loan's state on ``as_of`` (as :meth:`states`) is restructured with
        ``changes`` (e.g. ``ExtendTerm(periods=6)`` or ``[CapitalizeArrears(),
        ExtendTerm(periods=6)]``) and compared with no change by
        :func:`~bnpl_restructure.restructure.compare` at ``discount_rate``. A loan
        qualifies when ``eligible(state)`` (default: every loan) and the change can be
        applied (a paid-off or matured loan cannot be restructured).

        Returns
        -------
        Scenario
            ``frame``: one row per loan with ``loan_id``, ``qualifies``, ``reason`` (why
            not), ``first_payment``, ``payment_relief`` (the first regular payment's
            drop), ``total_to_pay``, ``extra_cost``, ``lender_npv``, ``npv_change``
            (against no change; HAMP NPV test), ``months_added`` and ``installments``;
            ``totals``: the sums over the loans that qualify.

        Raises
        ------
        InvalidArgumentError
            ``changes`` is not a change or a list of them; ``discount_rate`` is not a rate;
            as :meth:`states` for ``payments``, ``as_of``, ``amount_units``, ``to`` and
            ``money``. A loan the change cannot be applied to does not raise: its row says
            why (``reason``).
        """
        check_options(to, money)
        steps = [changes] if isinstance(changes, Change) else list(changes)
        if not steps or not all(isinstance(c, Change) for c in steps):
            raise InvalidArgumentError("changes", "must be a restructuring change or a list "
                                       "of them (ExtendTerm(periods=6), ...)",
                                       received=changes)
        states = self._states(payments, as_of=as_of, terms=terms,
                              payment_columns=payment_columns, amount_units=amount_units,
                              unmatched=unmatched)
        rows = scenario_rows(states, steps, discount_rate=discount_rate, eligible=eligible)
        exponents = self._exponents()
        columns: dict[str, Any] = {
            "loan_id": self._book.loan_id,
            "qualifies": np.array([r["qualifies"] for r in rows], dtype=bool),
            "reason": np.array([r["reason"] for r in rows], dtype=object)}
        for name in SCENARIO_MONEY:
            minor = np.array([c.to_minor(r[name]) for r, c in
                              zip(rows, self._book.currency, strict=True)], dtype=object)
            columns[name] = convert_money(minor, exponents, money)
        columns["months_added"] = np.array([r["months_added"] for r in rows], dtype=np.int64)
        columns["installments"] = np.array([r["installments"] for r in rows], dtype=np.int64)
        qualified = [r for r in rows if r["qualifies"]]
        totals: dict[str, Any] = {"loans": len(qualified),
                                  "months_added": sum(r["months_added"] for r in qualified)}
        currencies = {c.code for c, r in zip(self._book.currency, rows, strict=True)
                      if r["qualifies"]}
        for name in ("payment_relief", "lender_npv", "npv_change", "extra_cost"):
            totals[name] = sum((r[name] for r in qualified), start=type(
                rows[0][name])(0) if rows else 0) if len(currencies) <= 1 else None
        return Scenario(frame=to_frame(columns, to), totals=totals)
