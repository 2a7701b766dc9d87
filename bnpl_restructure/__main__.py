"""Command line: python -m bnpl_restructure [demo | schedule ...].

demo (the default) tells the built-in example's story: the plan, its true cost, the
borrower two installments behind, and the restructuring options side by side.
schedule prints the schedule of a plan given on the command line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from decimal import Decimal

from ._context import in_library_context
from .apr import cn_annualized_rate, fee_rate_table, format_rate, reg_z_apr
from .disclosure import disclose
from .errors import BnplError, InvalidArgumentError
from .examples import seed_plan
from .plans import Plan
from .restructure import (
    CapitalizeArrears,
    Change,
    ExtendTerm,
    PaymentHoliday,
    ReducePayment,
    Restructuring,
    WaiveFees,
    compare,
    find_option,
)
from .schedule import Schedule
from .servicing import ServicingTerms, loan_state

__all__ = ["main"]


def _cost_summary(plan: Plan, schedule: Schedule) -> str:
    cur = plan.currency.code
    apr = cn_annualized_rate(schedule)
    lines = [
        f"Amount financed     {cur} {schedule.amount:,}",
        f"Total of payments   {cur} {schedule.total_of_payments:,}",
        f"Cost of credit      {cur} {schedule.total_cost:,}"
        f"  (interest {schedule.total_interest:,} + fees {schedule.total_fees:,})",
    ]
    if plan.fee_rate is not None:
        per_period = plan.fee_rate * 100
        lines.append(f"Quoted fee rate     {float(per_period):.4g}% per period "
                     f"(looks like {float(per_period * 12):.4g}% a year)")
    lines.append(f"True annual rate    {format_rate(apr.nominal)} (IRR method; compound "
                 f"{format_rate(apr.compound)}; US Reg Z APR "
                 f"{format_rate(reg_z_apr(schedule))})")
    return "\n".join(lines)


@in_library_context
def _demo() -> str:
    plan = seed_plan()
    schedule = plan.schedule()
    # The seed's story: the borrower paid the first installment, then nothing; today,
    # two installments are overdue and they ask for help. Income: 1,500.00 a month.
    today, income = "2026-04-20", "1500.00"
    state = loan_state(schedule, [("2026-02-15", "536.00")], as_of=today,
                       terms=ServicingTerms.jd_baitiao())
    options: list[Restructuring | list[Change]] = [
        [CapitalizeArrears(), ExtendTerm(periods=6)],
        [CapitalizeArrears(), ExtendTerm(periods=12)],
        [CapitalizeArrears(), PaymentHoliday(periods=2)],
        [CapitalizeArrears(), ReducePayment(fraction="0.5", periods=3, shortfall="defer")],
        [CapitalizeArrears(), WaiveFees(), ExtendTerm(periods=6)],
    ]
    target = Decimal(income) * Decimal("0.31")
    found = find_option(state, target_payment=target.quantize(Decimal("0.01")))
    if isinstance(found, Restructuring):
        options.append(found)
    table = compare(state, options, discount_rate="0.05", monthly_income=income)
    sections = [
        "bnpl_restructure demo: the built-in example loan",
        repr(plan),
        schedule.to_text(),
        _cost_summary(plan, schedule),
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


@in_library_context
def _schedule(args: argparse.Namespace) -> str:
    common = {"installments": args.installments or 12, "start": args.start,
              "currency": args.currency, "frequency": args.frequency or "monthly"}
    if args.kind == "flat_fee":
        plan = Plan.flat_fee(args.principal, fee_rate=args.fee_rate, **common)
    elif args.kind != "pay_in_4" and args.annual_rate is None:
        raise InvalidArgumentError("--annual-rate", f"is required for {args.kind} "
                                   "(0 for an interest-free plan)")
    elif args.kind == "pay_in_4":
        plan = Plan.pay_in_4(args.principal, start=args.start, currency=args.currency,
                             installments=args.installments or 4,
                             frequency=args.frequency or "biweekly")
    else:
        constructor = {"annuity": Plan.annuity, "equal_principal": Plan.equal_principal,
                       "interest_only": Plan.interest_only}[args.kind]
        plan = constructor(args.principal, annual_rate=args.annual_rate, **common)
    schedule = plan.schedule()
    return "\n\n".join([repr(plan), schedule.to_text(), _cost_summary(plan, schedule)])


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="bnpl-restructure", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("demo", help="the built-in example loan (default)")
    sched = sub.add_parser("schedule", help="print the schedule of a plan")
    sched.add_argument("kind", choices=["annuity", "equal_principal", "flat_fee", "pay_in_4",
                                        "interest_only"])
    sched.add_argument("principal", help="amount financed in major units, e.g. 6000.00")
    sched.add_argument("--installments", type=int, default=None,
                       help="number of installments (default 12; 4 for pay_in_4)")
    sched.add_argument("--start", required=True, help="advance date, YYYY-MM-DD")
    sched.add_argument("--annual-rate", default=None,
                       help="nominal annual rate: 0.08 or 8%% (required for annuity, "
                       "equal_principal, interest_only; 0 for interest-free)")
    sched.add_argument("--fee-rate", default=None, help="flat fee per period: 0.006 or 0.6%%")
    sched.add_argument("--frequency", default=None,
                       help="weekly, biweekly, semi_monthly, monthly (default; biweekly "
                       "for pay_in_4), quarterly")
    sched.add_argument("--currency", default="CNY")
    args = parser.parse_args(argv)
    try:
        text = _schedule(args) if args.command == "schedule" else _demo()
    except BnplError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(text)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
