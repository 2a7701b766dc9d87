"""The plan commands: ``schedule`` (the installments and the true cost) and ``disclose``
(the cost-of-credit document under US Regulation Z, the EU CCD or the PBOC rule)."""

from __future__ import annotations

import argparse
from typing import Any, Final

from .._context import in_library_context
from ..apr import cn_annualized_rate, format_rate, reg_z_apr
from ..disclosure import Disclosure, disclose
from ..persistence import write_decimal
from ..plans import Plan
from ..schedule import Schedule
from .errors import UsageError
from .output import Output, add_format_argument, width
from .plans import add_plan_arguments, plan_from_args

__all__ = ["add_commands", "cost_summary", "disclose_command", "schedule_command"]

_COLUMNS: Final = ("number", "due_date", "payment", "principal", "interest", "fee", "balance")


def add_commands(sub: Any) -> None:
    """The ``schedule`` and ``disclose`` sub-commands."""
    sched = sub.add_parser("schedule", help="the schedule of a plan and its true cost",
                           description="The schedule of a plan given by its kind, principal "
                           "and flags (or --plan-json), with its totals and true annual "
                           "rate. CSV output is one row per installment, the columns "
                           "reconcile reads back.")
    add_plan_arguments(sched)
    add_format_argument(sched)
    sched.set_defaults(run=schedule_command)
    doc = sub.add_parser("disclose", help="the cost-of-credit disclosure of a plan",
                         description="The cost-of-credit document of a plan: US Truth in "
                         "Lending (reg_z, APR by 12 CFR 1026 Appendix J), EU Standard "
                         "Information (eu, APRC by Directive 2008/48/EC Annex I) or the "
                         "PBOC 年化利率 (cn, IRR method).")
    add_plan_arguments(doc)
    doc.add_argument("--standard", choices=("cn", "reg_z", "eu"), default="reg_z",
                     help="the rule book (default reg_z)")
    doc.add_argument("--lang", choices=("zh", "en"), default=None,
                     help="language of the labels (default: the rule book's own, zh for "
                     "cn, en otherwise)")
    doc.add_argument("--upfront-fees", default=None,
                     help="fees paid at or deducted from the advance (major units)")
    doc.add_argument("--time-basis", default=None,
                     help="eu only: calendar (default), equal_months or weeks")
    add_format_argument(doc)
    doc.set_defaults(run=disclose_command)


def _plan_of(schedule: Schedule) -> Plan | None:
    return schedule.source if isinstance(schedule.source, Plan) else None


def cost_summary(plan: Plan | None, schedule: Schedule) -> str:
    """The totals and the true annual rate, as the demo and ``schedule`` print them."""
    cur = schedule.currency.code
    apr = cn_annualized_rate(schedule)
    lines = [
        f"Amount financed     {cur} {schedule.amount:,}",
        f"Total of payments   {cur} {schedule.total_of_payments:,}",
        f"Cost of credit      {cur} {schedule.total_cost:,}"
        f"  (interest {schedule.total_interest:,} + fees {schedule.total_fees:,})",
    ]
    if plan is not None and plan.fee_rate is not None:
        per_period = plan.fee_rate * 100
        lines.append(f"Quoted fee rate     {float(per_period):.4g}% per period "
                     f"(looks like {float(per_period * 12):.4g}% a year)")
    lines.append(f"True annual rate    {format_rate(apr.nominal)} (IRR method; compound "
                 f"{format_rate(apr.compound)}; US Reg Z APR "
                 f"{format_rate(reg_z_apr(schedule))})")
    return "\n".join(lines)


def _rows(schedule: Schedule) -> list[tuple[Any, ...]]:
    return [(r.number, r.due_date.isoformat(), str(r.payment), str(r.principal),
             str(r.interest), str(r.fee), str(r.balance)) for r in schedule]


@in_library_context
def schedule_command(args: argparse.Namespace) -> Output:
    """``schedule``: rows, totals and rates."""
    built = plan_from_args(args)
    plan = built if isinstance(built, Plan) else _plan_of(built)
    schedule = built.schedule() if isinstance(built, Plan) else built
    rows = _rows(schedule)
    apr = cn_annualized_rate(schedule)
    document = {
        "plan": None if plan is None else plan.to_dict(),
        "currency": schedule.currency.code,
        "installments": [dict(zip(_COLUMNS, row, strict=True)) for row in rows],
        "totals": {"amount_financed": str(schedule.amount),
                   "total_of_payments": str(schedule.total_of_payments),
                   "total_principal": str(schedule.total_principal),
                   "total_interest": str(schedule.total_interest),
                   "total_fees": str(schedule.total_fees),
                   "cost_of_credit": str(schedule.total_cost),
                   "closing_balance": str(schedule.closing_balance)},
        "rates": {"cn_annual_rate": write_decimal(apr.nominal),
                  "cn_compound_rate": write_decimal(apr.compound),
                  "reg_z_apr": write_decimal(reg_z_apr(schedule))},
    }
    text = "\n\n".join([repr(plan if plan is not None else schedule), schedule.to_text(),
                        cost_summary(plan, schedule)])
    return Output(text=text, document=document, header=_COLUMNS, rows=tuple(rows))


# The labels of each rule book's document in the other language (the values and the
# computation are the rule book's; only the words change).
_LABELS: Final[dict[str, str]] = {
    # Chinese document, in English
    "年化利率": "Annualized rate",
    "按内部收益率法 (IRR) 计算": "by the internal rate of return (IRR) method",
    "复利年化利率": "Compound annualized rate",
    "按每期IRR复利折算": "the periodic IRR compounded",
    "借款本金": "Principal",
    "实际到手金额": "Amount received",
    "扣除前置费用后": "after upfront fees",
    "利息及手续费总额": "Total interest and fees",
    "还款总额": "Total repayment",
    "还款计划": "Repayment plan",
    "计算方法": "Method",
    "依据": "Reference",
    # English documents, in Chinese
    "ANNUAL PERCENTAGE RATE": "年利率 (APR)",
    "The cost of your credit as a yearly rate.": "以年利率表示的信贷成本。",
    "FINANCE CHARGE": "财务费用",
    "The dollar amount the credit will cost you.": "该信贷将花费您的金额。",
    "The amount the credit will cost you.": "该信贷将花费您的金额。",
    "Amount Financed": "融资金额",
    "The amount of credit provided to you or on your behalf.": "向您或代表您提供的信贷金额。",
    "Total of Payments": "还款总额",
    "The amount you will have paid after you have made all payments as scheduled.":
        "按计划还清全部款项后您将支付的总额。",
    "Payment schedule": "还款计划",
    "APRC": "年度总费率 (APRC)",
    "annual percentage rate of charge": "年度总费率",
    "Total amount of credit": "信贷总额",
    "Total cost of the credit": "信贷总成本",
    "Total amount payable": "应付总额",
    "Repayments": "还款计划",
    "Method": "计算方法",
    "Reference": "依据",
}

# The method and citation lines, phrase by phrase (longest first).
_PHRASES: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "en": (("内部收益率法 (IRR), 年化利率 = 每期IRR", "IRR method, annual rate = periodic IRR"),
           ("内部收益率法 (IRR)", "IRR method"),
           ("中国人民银行公告〔2021〕第3号", "PBOC Announcement [2021] No. 3")),
    "zh": (("Actuarial method, 12 CFR 1026 Appendix J", "精算法, 12 CFR 1026 附录J"),
           ("12 CFR 1026.18, 1026.22 and Appendix J (Regulation Z)",
            "12 CFR 1026.18、1026.22 及附录J (美国Z条例)"),
           ("Annex I basic equation, effective annual rate, time in ",
            "附件一基本公式, 实际年利率, 时间按"),
           ("calendar days", "日历日"), ("equal months", "等长月份"), ("weeks", "周"),
           ("Directive 2008/48/EC, Annex I (Directive (EU) 2023/2225, Annex III)",
            "欧盟指令 2008/48/EC 附件一 (指令 (EU) 2023/2225 附件三)")),
}


def _translate(text: str, lang: str) -> str:
    for original, translated in _PHRASES[lang]:
        text = text.replace(original, translated)
    return text


_TITLES: Final[dict[tuple[str, str], str]] = {
    ("cn", "en"): "Installment cost disclosure",
    ("reg_z", "zh"): "诚实借贷披露 (美国Z条例)",
    ("eu", "zh"): "欧洲消费信贷标准信息",
}


def _schedule_text(d: Disclosure, lang: str) -> str:
    parts = []
    for g in d.payments:
        amount = f"{g.amount:,}"
        when = g.first_due.isoformat() if g.count == 1 else (
            f"{g.first_due.isoformat()} {'至' if lang == 'zh' else 'to'} "
            f"{g.last_due.isoformat()}")
        if lang == "zh":
            parts.append(f"{g.count}期 每期 {amount}, {when}")
        else:
            parts.append(f"{g.count} {'payment' if g.count == 1 else 'payments'} of "
                         f"{amount}, {when}")
    return "; ".join(parts)


def _document_rows(d: Disclosure, lang: str) -> tuple[str, list[tuple[str, str, str]]]:
    """The title and (label, value, note) rows in ``lang``."""
    rows = d.rows()
    if lang == d.language:
        return d.title, rows
    title = f"{_TITLES[(d.standard, lang)]} ({d.currency.code})"
    out = [(_LABELS.get(label, label), value, _LABELS.get(note, note))
           for label, value, note in rows[:-1]]
    out.append((_LABELS.get(rows[-1][0], rows[-1][0]), _schedule_text(d, lang), ""))
    return title, out


@in_library_context
def disclose_command(args: argparse.Namespace) -> Output:
    """``disclose``: the document in the rule book's language or in ``--lang``."""
    built = plan_from_args(args)
    options: dict[str, Any] = {}
    if args.upfront_fees is not None:
        options["upfront_fees"] = args.upfront_fees
    if args.time_basis is not None:
        if args.standard != "eu":
            raise UsageError("--time-basis", f"applies to --standard eu only, not "
                             f"{args.standard}", received=args.time_basis)
        options["time_basis"] = args.time_basis
    d = disclose(built, standard=args.standard, **options)
    lang = args.lang or d.language
    title, rows = _document_rows(d, lang)
    method, ref = ("计算方法", "依据") if lang == "zh" else ("Method", "Reference")
    if lang == d.language:
        text = d.to_text()
    else:
        columns = max(width(label) for label, _, _ in rows)
        lines = [title] + [f"{label}{' ' * (columns - width(label))}  {value}  {note}".rstrip()
                           for label, value, note in rows]
        text = "\n".join([*lines, f"{method}: {_translate(d.method, lang)}",
                          f"{ref}: {_translate(d.citation, lang)}"])
    document = d.to_dict()
    document["language"] = lang
    document["title"] = title
    document["method_text"] = _translate(d.method, lang) if lang != d.language else d.method
    document["citation_text"] = _translate(d.citation, lang) if lang != d.language \
        else d.citation
    document["rows"] = [{"label": label, "value": value, "note": note}
                        for label, value, note in rows]
    return Output(text=text, document=document, header=_CSV_HEADER,
                  rows=tuple(_csv_rows(d, rows)))


#: The disclosure's CSV columns: a stable key, the label in the document's language,
#: the exact value (a rate as a decimal fraction, money in major units), its unit, the
#: value as the document shows it, and for each group of equal payments its count and
#: first and last due dates.
_CSV_HEADER: Final[tuple[str, ...]] = ("item", "label", "value", "unit", "shown", "note",
                                       "count", "first_due", "last_due")
_ITEMS: Final[dict[str, tuple[str, ...]]] = {
    "cn": ("annual_rate", "principal", "amount_financed", "finance_charge",
           "total_of_payments"),
    "eu": ("annual_rate", "amount_financed", "finance_charge", "total_of_payments"),
    "reg_z": ("annual_rate", "finance_charge", "amount_financed", "total_of_payments"),
}


def _csv_rows(d: Disclosure, rows: list[tuple[str, str, str]]) -> list[tuple[Any, ...]]:
    """One row per figure of the document (``rows``: its labelled rows, in order), then
    one per group of equal payments; values exact, as in the JSON document."""
    items = list(_ITEMS[d.standard])
    if d.compound_rate is not None:
        items.insert(1, "compound_rate")
    out: list[tuple[Any, ...]] = []
    for item, (label, shown, note) in zip(items, rows[:-1], strict=True):
        value = getattr(d, item)
        unit = "rate" if item.endswith("_rate") else d.currency.code
        out.append((item, label, str(value), unit, shown, note, "", "", ""))
    schedule_label = rows[-1][0]
    for group in d.payments:
        out.append(("payment", schedule_label, str(group.amount), d.currency.code,
                    f"{group.amount:,}", "", group.count, group.first_due.isoformat(),
                    group.last_due.isoformat()))
    return out
