"""Every loan's schedule: batch kernel calls for the loans it covers, plans for the rest.

Loans whose terms the batch functions cover (annuity, equal principal and flat fee at a
per-period rate, a regular first period, no fixed fee) are grouped by kind and rounding
and run through :func:`~bnpl_restructure.batch.annuity_batch`,
:func:`~bnpl_restructure.batch.equal_principal_batch` or
:func:`~bnpl_restructure.batch.flat_fee_batch` (one kernel call a group, every loan at
once). Every other loan runs its :class:`~bnpl_restructure.Plan`'s ``schedule()``. The
rows are then laid out loan after loan, in book order.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from ..batch import annuity_batch, equal_principal_batch, flat_fee_batch
from ..core import KernelResult
from ..plans import Plan, PlanKind
from ..rounding import RoundingPolicy
from .book import BatchTerms, Book

__all__ = ["MONEY_COLUMNS", "LongSchedules", "long_schedules"]

#: The money columns of a schedule, in order.
MONEY_COLUMNS = ("payment", "principal", "interest", "fee", "balance")
_KERNEL = {"payment": "payment", "principal": "principal", "interest": "interest",
           "fee": "fee", "balance": "balance"}
#: Loans per kernel call: the kernel's arrays stay small (a few MiB a period column),
#: whatever the size of the book.
CHUNK = 1 << 16
_SCHEDULE = {"payment": "payment", "principal": "principal_paid", "interest": "interest",
             "fee": "fee", "balance": "balance"}


class LongSchedules(NamedTuple):
    """Every installment of every loan, loan after loan: ``loan`` is the loan's index in
    the book, ``offsets[k]`` the first row of loan ``k`` (``offsets[-1]`` the total)."""

    loan: npt.NDArray[np.intp]
    installment: npt.NDArray[np.int64]
    due_date: npt.NDArray[np.datetime64]
    money: dict[str, npt.NDArray[Any]]
    offsets: npt.NDArray[np.int64]


def _int_column(values: list[int]) -> npt.NDArray[Any]:
    arr = np.asarray(values, dtype=object)
    if not values or max(abs(min(values)), abs(max(values))) < 2**63:
        return arr.astype(np.int64)
    return arr


def _run_rates(kind: PlanKind, rounding: RoundingPolicy, principal: npt.NDArray[Any],
               numerators: npt.NDArray[Any], denominators: npt.NDArray[Any],
               count: npt.NDArray[np.int64]) -> KernelResult:
    """One kernel call for loans of one kind and rounding, each at its own rate."""
    if kind is PlanKind.FLAT_FEE:
        return flat_fee_batch(principal, fee_rate_numerator=numerators,
                              fee_rate_denominator=denominators, installments=count,
                              interest_rounding=rounding.interest, residual=rounding.residual)
    if kind is PlanKind.ANNUITY:
        return annuity_batch(principal, periodic_rate_numerator=numerators,
                             periodic_rate_denominator=denominators, installments=count,
                             payment_rounding=rounding.payment,
                             interest_rounding=rounding.interest)
    return equal_principal_batch(principal, periodic_rate_numerator=numerators,
                                 periodic_rate_denominator=denominators, installments=count,
                                 interest_rounding=rounding.interest,
                                 residual=rounding.residual)


def long_schedules(book: Book) -> LongSchedules:
    """Every loan's rows (see :class:`LongSchedules`), exact, in minor units."""
    counts = book.installments
    loans = len(book)
    offsets = np.zeros(loans + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    total = int(offsets[-1])
    loan = np.repeat(np.arange(loans, dtype=np.intp), counts)
    installment = np.arange(total, dtype=np.int64) - np.repeat(offsets[:-1], counts) + 1
    money: dict[str, npt.NDArray[Any]] = {
        name: np.zeros(total, dtype=np.int64) for name in MONEY_COLUMNS}

    def place(name: str, dest: Any, values: npt.NDArray[Any]) -> None:
        column = money[name]
        if values.dtype == object and column.dtype != object:
            money[name] = column = column.astype(object)
        column[dest] = values

    codes, distinct = book.term_code, book.term_table
    principal = book.principal
    by_kind: dict[tuple[PlanKind, RoundingPolicy], list[int]] = {}
    for code, term in enumerate(distinct):
        if isinstance(term, BatchTerms):
            by_kind.setdefault((term.kind, term.rounding), []).append(code)
    plans = np.flatnonzero(np.isin(codes, [c for c, t in enumerate(distinct)
                                           if isinstance(t, Plan)])).tolist()
    for (kind, rounding), members in by_kind.items():
        index = np.flatnonzero(np.isin(codes, members))
        rates = {c: distinct[c].rate for c in members}
        lookup = np.zeros(len(distinct), dtype=np.intp)
        lookup[members] = np.arange(len(members))
        local = lookup[codes[index]]
        numerators = _int_column([rates[c].numerator for c in members])[local]
        denominators = _int_column([rates[c].denominator for c in members])[local]
        for begin in range(0, len(index), CHUNK):  # bounded kernel arrays, cache-sized
            part = slice(begin, begin + CHUNK)
            chunk = index[part]
            count = counts[chunk]
            result = _run_rates(kind, rounding, principal[chunk], numerators[part],
                                denominators[part], count)
            periods = result.payment.shape[0]
            mask = np.arange(periods)[None, :] < count[:, None]
            full = bool(mask.all())  # every loan as long as the longest: no padding
            first, last = int(chunk[0]), int(chunk[-1])
            if last - first + 1 == len(chunk):  # consecutive loans: consecutive rows
                dest: Any = slice(int(offsets[first]), int(offsets[last + 1]))
            else:
                dest = np.repeat(offsets[chunk], count) + (
                    np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count))
            for name in MONEY_COLUMNS:
                column = getattr(result, _KERNEL[name]).T
                place(name, dest, column.ravel() if full else column[mask])
    for k in plans:
        schedule = book.term_table[codes[k]].schedule()
        dest = np.arange(offsets[k], offsets[k + 1])
        for name in MONEY_COLUMNS:
            place(name, dest, _int_column(list(getattr(schedule, _SCHEDULE[name]))))
    due_date = _due_dates(book)
    for array in (loan, installment, due_date, *money.values()):
        array.flags.writeable = False  # computed once, shared by the frames made of them
    return LongSchedules(loan=loan, installment=installment,
                         due_date=due_date, money=money,
                         offsets=offsets)


def _due_dates(book: Book) -> npt.NDArray[np.datetime64]:
    """Each row's due date as ``datetime64[D]``, from a table of the book's distinct
    date sequences (the same start, frequency and term share one)."""
    sequences = book.due_table
    width = max((len(d) for d in sequences), default=0)
    table = np.zeros((len(sequences), width), dtype="datetime64[D]")
    epoch = date(1970, 1, 1).toordinal()
    for c, dates in enumerate(sequences):  # day numbers: faster than converting dates
        if isinstance(dates, tuple):
            table[c, :len(dates)] = np.array([d.toordinal() - epoch for d in dates],
                                             dtype=np.int64).view("datetime64[D]")
    per_loan = table[book.due_code]  # (loans, width): whole rows, a fast gather
    counts = book.installments
    if not len(counts) or bool((counts == width).all()):
        return per_loan.ravel()
    return per_loan[np.arange(width)[None, :] < counts[:, None]]
