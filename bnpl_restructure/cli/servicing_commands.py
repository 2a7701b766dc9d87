"""The servicing commands: ``state`` (where a loan stands on a day, after the payments
received) and ``payoff`` (what settles it that day)."""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import Any, Final

from .._context import in_library_context
from .loans import add_loan_arguments, loan_from_args
from .output import Output, add_format_argument, text_table

__all__ = ["add_commands", "payoff_command", "state_command"]

_LEDGER: Final = ("date", "kind", "amount", "installment", "component", "note")
_SUMMARY: Final = (("outstanding principal", "outstanding_principal"),
                   ("unpaid interest", "unpaid_interest"), ("unpaid fees", "unpaid_fees"),
                   ("unpaid penalty", "unpaid_penalty"),
                   ("unpaid late fees", "unpaid_late_fees"),
                   ("unpaid charges", "unpaid_charges"), ("overdue", "overdue_amount"),
                   ("credit balance", "credit_balance"), ("total paid", "total_paid"),
                   ("payoff amount", "payoff_amount"))
_PAYOFF: Final = ("as_of", "currency", "payoff_amount", "outstanding_principal",
                  "unpaid_interest", "unpaid_fees", "unpaid_penalty", "unpaid_late_fees",
                  "unpaid_charges", "accrued_interest", "credit_balance", "payoff_rebate",
                  "future_finance_charges")


def add_commands(sub: Any) -> None:
    """The ``state`` and ``payoff`` sub-commands."""
    state = sub.add_parser("state", help="where a loan stands on a day, after its payments",
                           description="Replay the payments received against the plan "
                           "under the servicing terms and report the loan on --on: what is "
                           "outstanding and overdue, penalty and late fees, the payoff "
                           "amount, and the ledger. CSV output is the ledger.")
    add_loan_arguments(state)
    add_format_argument(state)
    state.set_defaults(run=state_command)
    payoff = sub.add_parser("payoff", help="what settles a loan on a day",
                            description="The payoff quote on --on: everything charged and "
                            "unpaid, the principal to come and the finance charges the "
                            "terms' early-payoff rule keeps, less any credit.")
    add_loan_arguments(payoff)
    add_format_argument(payoff)
    payoff.set_defaults(run=payoff_command)


def _fmt(amount: Decimal) -> str:
    return f"{amount:,}"


@in_library_context
def state_command(args: argparse.Namespace) -> Output:
    """``state``: the report of :meth:`LoanState.report`."""
    state = loan_from_args(args)
    report = state.report()
    cur = state.currency.code
    summary = text_table(("figure", cur), [(label, _fmt(getattr(state, name)))
                                          for label, name in _SUMMARY])
    parts = [repr(state), f"terms: {state.terms_name}; {state.days_past_due} days past due "
             f"({state.bucket})", summary]
    if state.overdue:
        parts.append("Overdue installments:\n" + text_table(
            ("#", "due date", "days", "principal", "interest", "fee", "penalty", "late fee",
             "charge", "total"),
            [(o.number, o.due_date.isoformat(),
              f"{o.days_past_due}{' (grace)' if o.in_grace else ''}",
              *(_fmt(getattr(o, c)) for c in ("principal", "interest", "fee",
                                                     "penalty", "late_fee", "charge",
                                                     "total")))
             for o in state.overdue]))
    ledger = [tuple("" if e.get(k) is None else e[k] for k in _LEDGER)
              for e in report["ledger"]]
    parts.append("Ledger:\n" + text_table(_LEDGER, ledger))
    return Output(text="\n\n".join(parts), document=report, header=_LEDGER,
                  rows=tuple(ledger))


@in_library_context
def payoff_command(args: argparse.Namespace) -> Output:
    """``payoff``: the quote and what it is made of."""
    state = loan_from_args(args)
    figures = {"as_of": state.as_of.isoformat(), "currency": state.currency.code}
    figures.update({name: str(getattr(state, name)) for name in _PAYOFF[2:-1]})
    # what the early-payoff rule keeps of the finance charges not yet due
    kept = state.payoff_amount + state.credit_balance - sum(
        (getattr(state, name) for name in _PAYOFF[3:-3]), start=Decimal(0))
    figures["future_finance_charges"] = str(kept)
    cur = state.currency.code
    parts = [(name.replace("_", " "), getattr(state, name)) for name in _PAYOFF[3:-3]]
    parts += [("finance charges not yet due", kept),
              ("less credit balance", -state.credit_balance)]
    lines = [f"Payoff on {state.as_of.isoformat()}: {cur} {state.payoff_amount:,}",
             text_table(("of which", cur), [(label, _fmt(amount)) for label, amount in parts
                                            if amount]),
             f"(rebate of finance charges not yet due: {state.payoff_rebate:,}; terms: "
             f"{state.terms_name})"]
    return Output(text="\n\n".join(lines), document=figures, header=_PAYOFF,
                  rows=(tuple(figures[k] for k in _PAYOFF),))
