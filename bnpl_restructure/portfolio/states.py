"""Loan states from a payments table, and restructuring scenarios over a whole book.

Both run the single-loan functions loan by loan (the servicing replay and the
restructuring options have no vectorised form): :func:`~bnpl_restructure.servicing.loan_state`
on each loan's schedule with its own payments, then
:func:`~bnpl_restructure.restructure.compare` for a scenario. Their figures are the
single-loan API's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from ..calendar import parse_date
from ..errors import BnplError, InvalidArgumentError
from ..money import Currency
from ..restructure import Change, compare
from ..schedule import Schedule
from ..servicing import LoanState, ServicingTerms, loan_state
from .columns import _reader

__all__ = ["SCENARIO_MONEY", "STATE_MONEY", "read_payments", "scenario_rows", "state_rows"]

#: Money columns of a state frame (LoanState fields).
STATE_MONEY = ("outstanding_principal", "unpaid_interest", "unpaid_fees", "unpaid_penalty",
               "unpaid_late_fees", "total_paid", "payoff_amount")
#: Money columns of a scenario frame (ComparisonRow fields).
SCENARIO_MONEY = ("first_payment", "payment_relief", "total_to_pay", "extra_cost",
                  "lender_npv", "npv_change")

Flow = tuple[date, Any]


def read_payments(payments: Any, *, columns: Mapping[str, str] | None,
                  amount_units: str) -> dict[Any, list[tuple[date, Any, bool]]]:
    """A payments frame (``loan_id``, ``date``, ``amount``) grouped by loan, each loan's
    payments in date order (a stable sort: same-day payments keep their order);
    ``(date, amount, amount is minor units)``."""
    names, read = _reader(payments)
    mapping = {"loan_id": "loan_id", "date": "date", "amount": "amount",
               **(columns or {})}
    missing = [source for source in mapping.values() if source not in names]
    if missing:
        raise InvalidArgumentError("payments", "must have the columns loan_id, date and "
                                   "amount (map yours with payment_columns={...})",
                                   received=names)
    ids = read(payments, mapping["loan_id"]).tolist()
    days = read(payments, mapping["date"]).tolist()
    amounts = read(payments, mapping["amount"]).tolist()
    grouped: dict[Any, list[tuple[date, Any, bool]]] = {}
    for row, (loan, day, amount) in enumerate(zip(ids, days, amounts, strict=True)):
        try:
            when = parse_date(day, argument="payments.date")
        except InvalidArgumentError as exc:
            raise InvalidArgumentError("payments", f"row {row}: {exc}") from None
        grouped.setdefault(loan, []).append((when, amount, amount_units == "minor"))
    for flows in grouped.values():
        flows.sort(key=lambda flow: flow[0])
    return grouped


def _major(flows: Sequence[tuple[date, Any, bool]], currency: Currency) -> list[Flow]:
    return [(day, currency.to_major(amount) if minor else amount)
            for day, amount, minor in flows]


def state_rows(schedules: Sequence[Schedule], flows: Sequence[Sequence[Any]], *,
               as_of: date, terms: ServicingTerms | None
               ) -> list[LoanState | BnplError]:
    """Each loan's :class:`~bnpl_restructure.servicing.LoanState` (or its error)."""
    out: list[LoanState | BnplError] = []
    for schedule, paid in zip(schedules, flows, strict=True):
        try:
            out.append(loan_state(schedule, _major(paid, schedule.currency), as_of=as_of,
                                  terms=terms))
        except BnplError as exc:
            out.append(exc)
    return out


def scenario_rows(states: Sequence[LoanState | BnplError], changes: Sequence[Change], *,
                  discount_rate: Any, eligible: Callable[[LoanState], bool] | None
                  ) -> list[dict[str, Any]]:
    """Each loan's scenario figures (``qualifies``, ``reason``, the option's row of
    :func:`~bnpl_restructure.restructure.compare`); money in Decimal major units."""
    out: list[dict[str, Any]] = []
    for state in states:
        row: dict[str, Any] = {"qualifies": False, "reason": "", "months_added": 0,
                               "installments": 0}
        row.update({name: Decimal(0) for name in SCENARIO_MONEY})
        if isinstance(state, BnplError):
            row["reason"] = str(state)
        elif eligible is not None and not eligible(state):
            row["reason"] = "not eligible"
        else:
            try:
                option = compare(state, [list(changes)], discount_rate=discount_rate).rows[1]
            except BnplError as exc:
                row["reason"] = str(exc)
            else:
                row.update(qualifies=True, months_added=option.months_added,
                           installments=option.installments,
                           **{name: getattr(option, name) for name in SCENARIO_MONEY})
        out.append(row)
    return out


def parse_as_of(value: Any) -> date:
    return parse_date(value, argument="as_of")
