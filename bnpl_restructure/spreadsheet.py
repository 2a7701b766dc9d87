"""A plan as a spreadsheet amortization table prints it: every cell rounded on its own.

A spreadsheet table built with ``PMT``, ``IPMT`` and ``PPMT`` (and numpy-financial's
``pmt``/``ipmt``/``ppmt``) carries the schedule unrounded: the level payment, each
period's interest and principal, the balance. Each displayed cell is that exact value
rounded on its own, so a row need not add up to the cent (207.56 + 10.18 = 217.74 under
a payment shown as 217.75), and the totals are the exact totals rounded, not the sums of
the cells. :func:`cell_table` reproduces such a table from a plan: the plan's program run
on exact rationals by the one kernel (``core.exact_columns``), with the level payment
unrounded, then every cell rounded once by the plan's rounding policy (the payment cell
by its ``payment`` mode, the others by its ``interest`` mode).

It is a presentation, not a schedule to service: a
:class:`~bnpl_restructure.schedule.Schedule` always reconciles row by row. For a
spreadsheet-style schedule that reconciles, use ``RoundingPolicy(balance="exact")``.

References
----------
numpy-financial, ``numpy_financial/_financial.py``, the amortization example in the
docstring of ``ipmt`` (2,500 at 8.24% over 12 months, commit f47e8af2, 2025-05-21);
Microsoft Excel, the IPMT and PPMT function documentation.

Examples
--------
>>> from bnpl_restructure import Plan
>>> table = cell_table(Plan.annuity("2500", annual_rate="0.0824", installments=12,
...                                 start="2024-01-01", currency="USD"))
>>> row = table[5]
>>> str(row.payment), str(row.principal), str(row.interest), str(row.balance)
('217.75', '207.56', '10.18', '1275.66')
>>> str(table.total_interest)
'112.98'
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import ClassVar, overload

from .core import exact_columns
from .errors import InvalidArgumentError
from .money import Currency
from .plans import LastInstallment, Plan
from .rounding import BalancePrecision, RoundingMode, round_ratio

__all__ = ["CellRow", "CellTable", "cell_table"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CellRow:
    """One row of a :class:`CellTable`: each amount the exact value rounded on its own
    (major units), so ``payment`` need not equal ``principal + interest + fee``."""

    number: int
    due_date: date
    payment: Decimal
    principal: Decimal
    interest: Decimal
    fee: Decimal
    balance: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class CellTable:
    """The rows of :func:`cell_table` (a sequence of :class:`CellRow`), with the exact
    totals rounded once."""

    currency: Currency
    rows: tuple[CellRow, ...]
    total_interest: Decimal
    total_of_payments: Decimal

    _HEADER: ClassVar[tuple[str, ...]] = ("#", "due date", "payment", "principal",
                                          "interest", "fee", "balance")

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> CellRow: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[CellRow, ...]: ...

    def __getitem__(self, index: int | slice) -> CellRow | tuple[CellRow, ...]:
        return self.rows[index]

    def __iter__(self) -> Iterator[CellRow]:
        return iter(self.rows)

    def _cells(self) -> list[tuple[str, ...]]:
        return [(str(r.number), r.due_date.isoformat(), f"{r.payment:,}", f"{r.principal:,}",
                 f"{r.interest:,}", f"{r.fee:,}", f"{r.balance:,}") for r in self]

    def rows_that_do_not_add_up(self) -> tuple[int, ...]:
        """The numbers of the rows whose cells do not add up (payment ≠ principal +
        interest + fee, each rounded on its own)."""
        return tuple(r.number for r in self if r.payment != r.principal + r.interest + r.fee)

    def to_text(self) -> str:
        """A plain-text table, the totals under it."""
        rows = [self._HEADER, *self._cells()]
        widths = [max(len(row[i]) for row in rows) for i in range(len(self._HEADER))]
        lines = ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True))
                 for row in rows]
        lines.append(f"total interest {self.total_interest:,}, total of payments "
                     f"{self.total_of_payments:,} (exact totals, rounded once)")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        odd = self.rows_that_do_not_add_up()
        return (f"<CellTable {self.currency.code} · {len(self)} rows · total interest "
                f"{self.total_interest:,} · rows not adding up: {list(odd) or 'none'}>")

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{h}</th>" for h in self._HEADER)
        body = "".join("<tr>" + "".join(f'<td style="text-align:right">{html.escape(c)}</td>'
                                        for c in row) + "</tr>" for row in self._cells())
        return (f"<div><p>{html.escape(repr(self))}</p><table><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table></div>")


def _rounded(value: Fraction, mode: RoundingMode, currency: Currency) -> Decimal:
    return currency.to_major(round_ratio(value.numerator, value.denominator, mode))


def cell_table(plan: Plan) -> CellTable:
    """``plan`` as a spreadsheet amortization table prints it (see the module docstring).

    Parameters
    ----------
    plan
        Any :class:`~bnpl_restructure.Plan`. Its program is run on exact rationals with
        the level payment (of an annuity) unrounded and any payment increment ignored, as
        a spreadsheet's ``PMT`` cell is; its rounding policy then rounds each cell.

    Returns
    -------
    CellTable
        One :class:`CellRow` per installment, and the exact total interest and total of
        payments, each rounded once.

    Raises
    ------
    InvalidArgumentError
        ``plan`` is not a Plan.
    """
    if not isinstance(plan, Plan):
        raise InvalidArgumentError("plan", "must be a Plan", received=plan)
    policy = plan.rounding
    exact_twin = replace(plan, rounding=replace(policy, balance=BalancePrecision.EXACT,
                                                increment=None),
                         last_installment=LastInstallment.PAYOFF)
    program = exact_twin.program()
    columns = exact_columns(program)
    currency = plan.currency
    rows = []
    for k, period in enumerate(program.periods):
        paid, interest = columns["payment_pi"][k], columns["interest"][k]
        rows.append(CellRow(
            number=k + 1, due_date=period.due,
            payment=_rounded(paid + period.fee, policy.payment, currency),
            principal=_rounded(paid - interest, policy.interest, currency),
            interest=_rounded(interest, policy.interest, currency),
            fee=currency.to_major(period.fee),
            balance=_rounded(columns["balance"][k], policy.interest, currency)))
    total_interest = sum(columns["interest"], Fraction(0))
    total = sum(columns["payment_pi"], Fraction(0)) + sum(p.fee for p in program.periods)
    return CellTable(currency=currency, rows=tuple(rows),
                     total_interest=_rounded(total_interest, policy.interest, currency),
                     total_of_payments=_rounded(total, policy.payment, currency))
