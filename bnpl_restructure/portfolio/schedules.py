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
from .book import BatchTerms, Book

__all__ = ["MONEY_COLUMNS", "LongSchedules", "long_schedules"]

#: The money columns of a schedule, in order.
MONEY_COLUMNS = ("payment", "principal", "interest", "fee", "balance")
_KERNEL = {"payment": "payment", "principal": "principal", "interest": "interest",
           "fee": "fee", "balance": "balance"}
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


def _run_rates(group: list[int], book: Book, batch: list[BatchTerms],
               count: npt.NDArray[np.int64]) -> KernelResult:
    """One kernel call for loans of one kind and rounding with their own rates."""
    first = batch[0]
    principal = _int_column([book.principal[k] for k in group])
    numerators = _int_column([t.rate.numerator for t in batch])
    denominators = _int_column([t.rate.denominator for t in batch])
    rounding = first.rounding
    if first.kind is PlanKind.FLAT_FEE:
        return flat_fee_batch(principal, fee_rate_numerator=numerators,
                              fee_rate_denominator=denominators, installments=count,
                              interest_rounding=rounding.interest, residual=rounding.residual)
    if first.kind is PlanKind.ANNUITY:
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

    def place(name: str, dest: npt.NDArray[Any], values: npt.NDArray[Any]) -> None:
        column = money[name]
        if values.dtype == object and column.dtype != object:
            money[name] = column = column.astype(object)
        column[dest] = values

    groups: dict[tuple[Any, ...], list[int]] = {}
    plans: list[int] = []
    for k, term in enumerate(book.terms):
        if isinstance(term, Plan):
            plans.append(k)
        else:
            groups.setdefault((term.kind, term.rounding), []).append(k)
    for group in groups.values():
        index = np.asarray(group, dtype=np.intp)
        count = counts[index]
        result = _run_rates(group, book, [book.terms[k] for k in group],  # type: ignore[misc]
                            count)
        periods = result.payment.shape[0]
        mask = np.arange(periods)[None, :] < count[:, None]
        dest = np.flatnonzero(np.isin(loan, index)) if len(group) < loans \
            else np.arange(total)
        for name in MONEY_COLUMNS:
            place(name, dest, getattr(result, _KERNEL[name]).T[mask])
    for k in plans:
        schedule = book.terms[k].schedule()  # type: ignore[union-attr]
        dest = np.arange(offsets[k], offsets[k + 1])
        for name in MONEY_COLUMNS:
            place(name, dest, _int_column(list(getattr(schedule, _SCHEDULE[name]))))
    return LongSchedules(loan=loan, installment=installment,
                         due_date=_due_dates(book, offsets, total), money=money,
                         offsets=offsets)


def _due_dates(book: Book, offsets: npt.NDArray[np.int64],
               total: int) -> npt.NDArray[np.datetime64]:
    """Each row's due date as ``datetime64[D]``; loans sharing a date sequence (the
    same start, frequency and term) are filled at once."""
    out = np.empty(total, dtype="datetime64[D]")
    shared: dict[int, tuple[tuple[date, ...], list[int]]] = {}
    for k, dates in enumerate(book.due_dates):  # the book shares one tuple per sequence
        shared.setdefault(id(dates), (dates, []))[1].append(k)
    for dates, members in shared.values():
        days = np.asarray(dates, dtype="datetime64[D]")
        dest = offsets[np.asarray(members, dtype=np.intp)][:, None] + np.arange(len(dates))
        out[dest.reshape(-1)] = np.tile(days, len(members))
    return out
