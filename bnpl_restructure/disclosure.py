"""Disclosure documents: the true cost of a plan, under Regulation Z, the EU CCD or PBOC rules.

:func:`disclose` turns a plan (or schedule) into an immutable :class:`Disclosure` that renders
as plain text (``str``), as an HTML table in a notebook, and as a JSON-ready ``dict`` (money
and rates as strings, no floats). The Chinese document is in Chinese.

Examples
--------
>>> from bnpl_restructure import Plan
>>> plan = Plan.flat_fee("6000.00", fee_rate="0.006", installments=12, start="2026-01-15")
>>> print(disclose(plan, standard="cn"))
分期还款费用披露 (CNY)
年化利率            13.03%  按内部收益率法 (IRR) 计算
复利年化利率        13.84%  按每期IRR复利折算
借款本金          6,000.00
实际到手金额      6,000.00  扣除前置费用后
利息及手续费总额    432.00
还款总额          6,432.00
还款计划          12期 每期 536.00, 2026-02-15 至 2027-01-15
计算方法: 内部收益率法 (IRR), 年化利率 = 每期IRR × 12
依据: 中国人民银行公告〔2021〕第3号
"""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ._context import in_library_context
from .apr import TimeBasis, cn_annualized_rate, eu_aprc, format_rate, reg_z_apr
from .errors import InvalidArgumentError, parse_enum
from .money import Currency, format_money, to_decimal
from .plans import Plan
from .schedule import Schedule

__all__ = ["Disclosure", "PaymentGroup", "disclose", "payment_groups"]


def _width(text: str) -> int:
    """Columns a string takes in a terminal: East Asian wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

_STANDARDS = ("reg_z", "eu", "cn")


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentGroup:
    """A run of consecutive equal payments: ``count`` payments of ``amount``."""

    count: int
    amount: Decimal
    first_due: date
    last_due: date


def payment_groups(schedule: Schedule) -> tuple[PaymentGroup, ...]:
    """Group consecutive equal payments (Regulation Z 1026.18(g): number, amounts, timing).

    Raises
    ------
    InvalidArgumentError
        ``schedule`` is not a :class:`~bnpl_restructure.schedule.Schedule`.

    Examples
    --------
    >>> from bnpl_restructure import Plan
    >>> [(g.count, str(g.amount)) for g in payment_groups(
    ...     Plan.flat_fee("1000", fee_rate="0.007", installments=3, start="2024-01-15").schedule())]
    [(2, '340.33'), (1, '340.34')]
    """
    if not isinstance(schedule, Schedule):
        raise InvalidArgumentError("schedule", "must be a Schedule", received=schedule)
    groups: list[PaymentGroup] = []
    major = schedule.currency.to_major
    for due, pay in zip(schedule.due_dates, schedule.payment, strict=True):
        amount = major(pay)
        if groups and groups[-1].amount == amount:
            last = groups[-1]
            groups[-1] = PaymentGroup(count=last.count + 1, amount=amount,
                                      first_due=last.first_due, last_due=due)
        else:
            groups.append(PaymentGroup(count=1, amount=amount, first_due=due, last_due=due))
    return tuple(groups)


@dataclass(frozen=True, slots=True, kw_only=True)
class Disclosure:
    """A cost-of-credit disclosure for one plan.

    Attributes use each rule book's own words in ``labels``; the values are the same
    everywhere: ``annual_rate`` (the APR, APRC or 年化利率 as a fraction),
    ``finance_charge`` (what the credit costs), ``amount_financed``,
    ``total_of_payments`` and the payment schedule summary ``payments``.
    """

    standard: str
    currency: Currency
    annual_rate: Decimal
    annual_rate_places: int
    finance_charge: Decimal
    amount_financed: Decimal
    total_of_payments: Decimal
    principal: Decimal
    payments: tuple[PaymentGroup, ...]
    periods_per_year: int | None
    compound_rate: Decimal | None
    method: str
    citation: str

    @property
    def language(self) -> str:
        """``"zh"`` for the Chinese document, else ``"en"``."""
        return "zh" if self.standard == "cn" else "en"

    @property
    def rate_display(self) -> str:
        """The annual rate as the document shows it (e.g. ``'10.90%'``)."""
        return format_rate(self.annual_rate, self.annual_rate_places)

    def _money(self, amount: Decimal) -> str:
        return format_money(self.currency.to_minor(amount), self.currency)

    def _schedule_lines(self) -> list[str]:
        lines = []
        for g in self.payments:
            when = g.first_due.isoformat() if g.count == 1 else (
                f"{g.first_due.isoformat()} to {g.last_due.isoformat()}")
            if self.language == "zh":
                when = when.replace(" to ", " 至 ")
                lines.append(f"{g.count}期 每期 {self._money(g.amount)}, {when}")
            else:
                noun = "payment" if g.count == 1 else "payments"
                lines.append(f"{g.count} {noun} of {self._money(g.amount)}, {when}")
        return lines

    def rows(self) -> list[tuple[str, str, str]]:
        """(label, value, explanation) triples in the document's language and order."""
        schedule = "; ".join(self._schedule_lines())
        if self.standard == "cn":
            rows = [("年化利率", self.rate_display, "按内部收益率法 (IRR) 计算"),
                    ("借款本金", self._money(self.principal), ""),
                    ("实际到手金额", self._money(self.amount_financed), "扣除前置费用后"),
                    ("利息及手续费总额", self._money(self.finance_charge), ""),
                    ("还款总额", self._money(self.total_of_payments), ""),
                    ("还款计划", schedule, "")]
            if self.compound_rate is not None:
                rows.insert(1, ("复利年化利率", format_rate(self.compound_rate),
                                "按每期IRR复利折算"))
            return rows
        if self.standard == "eu":
            return [("APRC", self.rate_display, "annual percentage rate of charge"),
                    ("Total amount of credit", self._money(self.amount_financed), ""),
                    ("Total cost of the credit", self._money(self.finance_charge), ""),
                    ("Total amount payable", self._money(self.total_of_payments), ""),
                    ("Repayments", schedule, "")]
        money_word = "dollar amount" if self.currency.code == "USD" else "amount"
        return [("ANNUAL PERCENTAGE RATE", self.rate_display,
                 "The cost of your credit as a yearly rate."),
                ("FINANCE CHARGE", self._money(self.finance_charge),
                 f"The {money_word} the credit will cost you."),
                ("Amount Financed", self._money(self.amount_financed),
                 "The amount of credit provided to you or on your behalf."),
                ("Total of Payments", self._money(self.total_of_payments),
                 "The amount you will have paid after you have made all payments as "
                 "scheduled."),
                ("Payment schedule", schedule, "")]

    @property
    def title(self) -> str:
        """The document's heading."""
        return {"cn": f"分期还款费用披露 ({self.currency.code})",
                "eu": f"Standard European Consumer Credit Information ({self.currency.code})",
                "reg_z": f"Truth in Lending Disclosure ({self.currency.code})"}[self.standard]

    def to_text(self) -> str:
        """The document as plain text (aligned for wide CJK characters too)."""
        rows = self.rows()
        label_width = max(_width(label) for label, _, _ in rows)
        value_width = max(_width(value) for _, value, _ in rows[:-1])
        lines = [self.title]
        for k, (label, value, note) in enumerate(rows):
            pad = " " * (label_width - _width(label))
            if k == len(rows) - 1:  # the payment schedule: left-aligned, may be long
                lines.append(f"{label}{pad}  {value}")
            else:
                gap = " " * (value_width - _width(value))
                lines.append(f"{label}{pad}  {gap}{value}  {note}".rstrip())
        method, ref = ("计算方法", "依据") if self.language == "zh" else ("Method", "Reference")
        lines += [f"{method}: {self.method}", f"{ref}: {self.citation}"]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return (f"<Disclosure {self.standard} {self.currency.code} "
                f"{self._money(self.amount_financed)} · rate {self.rate_display} · finance "
                f"charge {self._money(self.finance_charge)}>")

    def _repr_html_(self) -> str:
        esc = html.escape
        body = "".join(f"<tr><th style='text-align:left'>{esc(k)}</th>"
                       f"<td style='text-align:right'>{esc(v)}</td><td>{esc(n)}</td></tr>"
                       for k, v, n in self.rows())
        foot = "计算方法" if self.language == "zh" else "Method"
        ref = "依据" if self.language == "zh" else "Reference"
        return (f"<div><h4>{esc(self.title)}</h4><table>{body}</table>"
                f"<p><small>{foot}: {esc(self.method)}<br>{ref}: {esc(self.citation)}"
                "</small></p></div>")

    @in_library_context  # str() of a Decimal follows the context's ``capitals``
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: money and rates as strings (Decimal text), dates ISO."""
        return {
            "standard": self.standard,
            "language": self.language,
            "currency": self.currency.code,
            "annual_rate": str(self.annual_rate),
            "annual_rate_display": self.rate_display,
            "compound_rate": None if self.compound_rate is None else str(self.compound_rate),
            "finance_charge": str(self.finance_charge),
            "amount_financed": str(self.amount_financed),
            "principal": str(self.principal),
            "total_of_payments": str(self.total_of_payments),
            "payments": [{"count": g.count, "amount": str(g.amount),
                          "first_due": g.first_due.isoformat(),
                          "last_due": g.last_due.isoformat()} for g in self.payments],
            "method": self.method,
            "citation": self.citation,
        }


@in_library_context
def disclose(plan: Plan | Schedule, *, standard: str = "reg_z",
             upfront_fees: Any = 0, time_basis: TimeBasis | str = TimeBasis.CALENDAR
             ) -> Disclosure:
    """The cost-of-credit disclosure of a plan under one rule book.

    Parameters
    ----------
    plan
        A :class:`~bnpl_restructure.Plan` or its :class:`~bnpl_restructure.schedule.Schedule`.
    standard
        ``"reg_z"`` (US Truth in Lending, APR by Appendix J), ``"eu"`` (CCD APRC), or
        ``"cn"`` (年化利率 by the IRR method, in Chinese).
    upfront_fees
        Fees paid at or deducted from the advance (major units): a prepaid finance
        charge under Regulation Z (reducing the amount financed), part of the total cost
        under the CCD, and a deduction from the principal actually received under the
        PBOC rule.
    time_basis
        For ``standard="eu"``: how time is measured in years
        (:class:`~bnpl_restructure.apr.TimeBasis`; calendar days by default).

    Raises
    ------
    InvalidArgumentError
        ``standard`` is not ``'reg_z'``, ``'eu'`` or ``'cn'``; ``plan`` is not a plan or a
        schedule; ``upfront_fees`` is not an amount from 0 to less than the principal;
        ``time_basis`` is unknown.
    NoSolutionError
        No rate solves the flows, or the rate is too large to express (from
        :func:`~bnpl_restructure.regz.reg_z_apr`, :func:`~bnpl_restructure.apr.eu_aprc`
        or :func:`~bnpl_restructure.apr.cn_annualized_rate`).

    References
    ----------
    12 CFR 1026.18 (content of disclosures) and 1026.22 / Appendix J (APR); Directive
    2008/48/EC Art. 3 (g)-(i) and Annex I; PBOC Announcement [2021] No. 3.
    """
    if standard not in _STANDARDS:
        raise InvalidArgumentError("standard", "must be 'reg_z', 'eu' or 'cn'",
                                   received=standard)
    if isinstance(plan, Plan):
        schedule = plan.schedule()
    elif isinstance(plan, Schedule):
        schedule = plan
    else:
        raise InvalidArgumentError("plan", "must be a Plan or a Schedule", received=plan)
    currency = schedule.currency
    fee_minor = currency.to_minor(to_decimal(upfront_fees, argument="upfront_fees"),
                                  argument="upfront_fees")
    if not 0 <= fee_minor < schedule.principal:
        raise InvalidArgumentError("upfront_fees", "must be at least 0 and less than the "
                                   "principal", received=upfront_fees)
    major = currency.to_major
    principal = major(schedule.principal)
    financed = major(schedule.principal - fee_minor)
    total = major(sum(schedule.payment))
    groups = payment_groups(schedule)
    ppy = None if schedule.frequency is None else schedule.frequency.periods_per_year
    compound = None
    if standard == "reg_z":
        rate = reg_z_apr(financed, list(zip(schedule.due_dates,
                                            (major(p) for p in schedule.payment),
                                            strict=True)), advance_date=schedule.start)
        places, method = 2, "Actuarial method, 12 CFR 1026 Appendix J"
        citation = "12 CFR 1026.18, 1026.22 and Appendix J (Regulation Z)"
        charge = total - financed
    elif standard == "eu":
        draws = [(schedule.start, financed)]
        pays = list(zip(schedule.due_dates, (major(p) for p in schedule.payment),
                        strict=True))
        basis = parse_enum(TimeBasis, time_basis, argument="time_basis")
        rate = eu_aprc(draws, pays, time_basis=basis)
        places = 1
        method = ("Annex I basic equation, effective annual rate, time in "
                  + {TimeBasis.CALENDAR: "calendar days", TimeBasis.EQUAL_MONTHS:
                     "equal months", TimeBasis.WEEKS: "weeks"}[basis])
        citation = "Directive 2008/48/EC, Annex I (Directive (EU) 2023/2225, Annex III)"
        charge = total - financed
    else:
        cn = cn_annualized_rate(schedule, upfront_fees=major(fee_minor))
        rate, compound = cn.nominal, cn.compound
        per_year = int(cn.periods_per_year) if cn.periods_per_year.denominator == 1 else None
        places = 2
        method = (f"内部收益率法 (IRR), 年化利率 = 每期IRR × {per_year}" if per_year
                  else "内部收益率法 (IRR)")
        citation = "中国人民银行公告〔2021〕第3号"
        charge = total - financed
    return Disclosure(standard=standard, currency=currency, annual_rate=rate,
                      annual_rate_places=places, finance_charge=charge,
                      amount_financed=financed, total_of_payments=total, principal=principal,
                      payments=groups,
                      periods_per_year=None if ppy is None or ppy.denominator != 1 else int(ppy),
                      compound_rate=compound, method=method, citation=citation)
