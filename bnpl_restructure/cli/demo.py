"""The ``demo`` command: the built-in example loan's story, from its schedule and true cost
to the borrower two installments behind and the restructuring options side by side."""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import Any

from .._context import in_library_context
from ..apr import fee_rate_table
from ..disclosure import disclose
from ..examples import seed_plan
from ..restructure import Restructuring, compare, find_option
from ..servicing import ServicingTerms, loan_state
from .output import Output
from .plan_commands import cost_summary
from .restructure_commands import DEFAULT_OPTIONS, parse_option

__all__ = ["add_commands", "demo_command", "demo_text"]


def add_commands(sub: Any) -> None:
    """The ``demo`` sub-command (also what runs with no command)."""
    demo = sub.add_parser("demo", help="the built-in example loan (default)",
                          description="The built-in example loan: its schedule, true cost "
                          "and disclosure, the borrower two installments behind, and the "
                          "restructuring options compared. Text only.")
    demo.set_defaults(run=demo_command)


@in_library_context
def demo_text() -> str:
    """The demo's story as text."""
    plan = seed_plan()
    schedule = plan.schedule()
    # The seed's story: the borrower paid the first installment, then nothing; today,
    # two installments are overdue and they ask for help. Income: 1,500.00 a month.
    today, income = "2026-04-20", "1500.00"
    state = loan_state(schedule, [("2026-02-15", "536.00")], as_of=today,
                       terms=ServicingTerms.jd_baitiao())
    options: list[Restructuring | Any] = [parse_option(spec) for spec in DEFAULT_OPTIONS]
    target = Decimal(income) * Decimal("0.31")
    found = find_option(state, target_payment=target.quantize(Decimal("0.01")))
    if isinstance(found, Restructuring):
        options.append(found)
    table = compare(state, options, discount_rate="0.05", monthly_income=income)
    sections = [
        "bnpl_restructure demo: the built-in example loan",
        repr(plan),
        schedule.to_text(),
        cost_summary(plan, schedule),
        disclose(plan, standard="cn").to_text(),
    ]
    if plan.fee_rate is not None:
        sections.append("What a flat fee of this rate really costs:\n"
                        + fee_rate_table(plan.fee_rate).to_text())
    overdue = ", ".join(f"#{o.number} due {o.due_date.isoformat()} ({o.days_past_due} days, "
                        f"{o.total})" for o in state.overdue)
    sections += [
        f"Today, {today}, the borrower has paid one installment: {state!r}\n"
        f"Overdue: {overdue}; penalty (违约金) {state.unpaid_penalty}.",
        f"Options (income {income} a month; PTI: the largest installment over income, "
        "affordable at 31% or less;\n* marks the cheapest affordable option within the rate "
        "caps; compare(...).to_text() has more columns):\n"
        + table.to_text(columns=("first", "max", "n", "maturity", "due now", "total",
                                 "extra cost", "rate", "PTI")),
    ]
    return "\n\n".join(sections)


def demo_command(args: argparse.Namespace) -> Output:
    """``demo``: text only (JSON and CSV belong to the other commands)."""
    text = demo_text()
    return Output(text=text, document=None, header=())
