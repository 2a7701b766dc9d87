"""Options side by side: :func:`compare` and :class:`Comparison`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from .._context import in_library_context, make_context
from ..apr import cn_annualized_rate, eu_aprc, format_rate, reg_z_apr
from ..calendar import Frequency
from ..errors import (
    BnplError,
    InvalidArgumentError,
)
from ..money import Currency, format_money, parse_money
from ..persistence import (
    envelope,
    open_envelope,
)
from ..rates import parse_rate
from ..rounding import RoundingMode, round_ratio
from ..schedule import Schedule
from ..servicing import LoanState, ServicingTerms
from .changes import Change
from .positions import Position, position
from .result import Restructuring, restructure


@dataclass(frozen=True, slots=True, kw_only=True)
class ComparisonRow:
    """One option in a :class:`Comparison` (money in major units, rates as fractions):
    the true annual rate of what is left to pay three ways (``annual_rate``: China's IRR
    method, PBOC 2021 No. 3; ``reg_z_apr``: US Regulation Z Appendix J; ``eu_aprc``: the
    EU APRC), and ``months_added`` to the maturity (negative when it comes sooner)."""

    name: str
    first_payment: Decimal
    max_payment: Decimal
    average_payment: Decimal
    payment_relief: Decimal
    installments: int
    maturity: date
    due_now: Decimal
    total_to_pay: Decimal
    extra_cost: Decimal
    annual_rate: Decimal | None
    lender_npv: Decimal
    npv_change: Decimal
    payment_to_income: Decimal | None
    affordable: bool | None
    over_caps: tuple[str, ...]
    reg_z_apr: Decimal | None = None
    eu_aprc: Decimal | None = None
    months_added: int = 0
    option: Restructuring | None = field(default=None, compare=False, repr=False)

    def __repr__(self) -> str:
        return (f"<ComparisonRow {self.name}: first {self.first_payment:,}, max "
                f"{self.max_payment:,}, total {self.total_to_pay:,}>")


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    """Options side by side (first row: no change); ``best`` is the cheapest option for
    the borrower that is affordable (when income is given) and within the rate caps."""

    rows: tuple[ComparisonRow, ...]
    currency: Currency
    best: int | None  # index of the best row

    def __repr__(self) -> str:
        best = "none" if self.best is None else repr(self.rows[self.best].name)
        return f"<Comparison of {len(self.rows)} options (no change first); best: {best}>"

    def to_dict(self) -> dict[str, Any]:
        """The comparison as a JSON-safe document (kind ``"comparison"``): each row's
        figures (money and rates as Decimal strings, never floats) with the option it
        measures (a restructuring document's fields), the currency and the best row.

        Examples
        --------
        >>> from bnpl_restructure import Plan
        >>> from bnpl_restructure.restructure import ExtendTerm
        >>> s = Plan.annuity("1200", annual_rate="0.12", installments=12,
        ...                  start="2026-01-15").schedule()
        >>> table = compare(s, [[ExtendTerm(periods=6)]], discount_rate="0.05",
        ...                 as_of="2026-01-20")
        >>> doc = table.to_dict()
        >>> [row["name"] for row in doc["rows"]], doc["rows"][1]["first_payment"]
        (['no change', 'extend +6'], '73.18')
        >>> Comparison.from_dict(doc).to_text() == table.to_text()
        True
        """
        from .persist import _comparison_body
        return envelope("comparison", _comparison_body(self))

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Comparison:
        """The comparison a :meth:`to_dict` document holds (equal, the same table).

        Raises
        ------
        InvalidDocumentError
            A malformed document, one of another kind or a newer version, a ``best``
            that is not the cheapest eligible row, or a row whose figures are not its
            option's; the message names the field's path (``"comparison.rows[1].name"``).
        """
        from .persist import _comparison_from_body
        return _comparison_from_body(open_envelope(document, "comparison"), "comparison")

    _HEADER = ("option", "first", "max", "relief", "n", "maturity", "+months", "due now",
               "total", "extra cost", "rate", "APR", "APRC", "lender NPV", "ΔNPV", "PTI",
               "caps")

    def _fmt(self, value: Decimal) -> str:
        return format_money(self.currency.to_minor(value), self.currency)

    def _cells(self) -> list[tuple[str, ...]]:
        fmt = self._fmt
        out: list[tuple[str, ...]] = []
        for k, r in enumerate(self.rows):
            mark = " *" if k == self.best else ""
            rates = tuple("—" if v is None else format_rate(v)
                          for v in (r.annual_rate, r.reg_z_apr, r.eu_aprc))
            out.append((r.name + mark, fmt(r.first_payment), fmt(r.max_payment),
                        fmt(r.payment_relief), str(r.installments), r.maturity.isoformat(),
                        f"{r.months_added:+d}", fmt(r.due_now), fmt(r.total_to_pay),
                        fmt(r.extra_cost), *rates, fmt(r.lender_npv), fmt(r.npv_change),
                        "—" if r.payment_to_income is None else format_rate(
                            r.payment_to_income, 1) + (" ok" if r.affordable else " over"),
                        ", ".join(r.over_caps) or "ok"))
        return out

    def to_text(self, columns: Sequence[str] | None = None) -> str:
        """A plain-text table; ``*`` marks the best option. ``columns`` picks some of the
        headers (the option's name always comes first), e.g. for a narrow terminal.

        Raises
        ------
        InvalidArgumentError
            ``columns`` is not a list of the table's column names.

        Examples
        --------
        >>> from bnpl_restructure.examples import seed_plan
        >>> from bnpl_restructure.restructure import CapitalizeArrears, ExtendTerm
        >>> from bnpl_restructure.servicing import loan_state
        >>> state = loan_state(seed_plan().schedule(), [("2026-02-15", "536.00")],
        ...                    as_of="2026-04-20")
        >>> table = compare(state, [[CapitalizeArrears(), ExtendTerm(periods=6)]],
        ...                 discount_rate="0.05")
        >>> print(table.to_text(columns=("first", "n", "total")))
        option                           first   n     total
        no change *                     536.00   9  5,896.00
        capitalize arrears + extend +6  404.89  15  6,073.45
        """
        keep = list(range(len(self._HEADER)))
        if columns is not None:
            if isinstance(columns, str) or not isinstance(columns, Iterable):
                raise InvalidArgumentError("columns", "must be a list of column names",
                                           received=columns)
            columns = list(columns)
            unknown = [c for c in columns if not isinstance(c, str) or c not in self._HEADER]
            if unknown:
                raise InvalidArgumentError("columns", f"must be among {self._HEADER}",
                                           received=unknown)
            keep = [0] + [self._HEADER.index(c) for c in columns if c != "option"]
        rows = [tuple(row[i] for i in keep) for row in (self._HEADER, *self._cells())]
        widths = [max(len(row[i]) for row in rows) for i in range(len(keep))]
        lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                           for i, (c, w) in enumerate(zip(row, widths, strict=True)))
                 for row in rows]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        """The notebook view: the best option's figures and the table (``*`` marks it)."""
        from .._html import card
        figures = [("best", "none (no option is affordable and within the caps)")]
        if self.best is not None:
            row = self.rows[self.best]
            figures = [("best", row.name), ("first payment", self._fmt(row.first_payment)),
                       ("total to pay", self._fmt(row.total_to_pay)),
                       ("extra cost", self._fmt(row.extra_cost))]
        return card(f"{len(self.rows)} options compared ({self.currency.code}; no change "
                    "first)", figures, self._HEADER, self._cells())

    _MONEY_FIELDS = ("first_payment", "max_payment", "average_payment", "payment_relief",
                     "due_now", "total_to_pay", "extra_cost", "lender_npv", "npv_change")
    _RATE_FIELDS = ("annual_rate", "reg_z_apr", "eu_aprc", "payment_to_income")

    def to_pandas(self, *, money: str = "float") -> Any:
        """A data frame of the rows, one per option (needs pandas).

        Parameters
        ----------
        money
            How money columns come: ``"float"`` (default) float64 in major units,
            ``"minor"`` int64 minor units, ``"decimal"`` exact
            :class:`~decimal.Decimal` objects; see :meth:`Schedule.to_pandas
            <bnpl_restructure.schedule.Schedule.to_pandas>` for why float is the
            default. Rates (``annual_rate``, ``reg_z_apr``, ``eu_aprc``,
            ``payment_to_income``, fractions: 0.1303 for 13.03%) are float64 with NaN
            where there is none, or Decimal / ``None`` with ``money="decimal"``;
            ``maturity`` is a datetime64 column.

        Raises
        ------
        InvalidArgumentError
            ``money`` is not ``"float"``, ``"minor"`` or ``"decimal"``.
        ImportError
            pandas is not installed (``pip install 'bnpl_restructure[pandas]'``).

        Examples
        --------
        The seed's plan (6,000.00 in 12 months at a 0.6% monthly fee) extended by six
        months on 2026-03-01:

        >>> from bnpl_restructure.examples import seed_plan
        >>> from bnpl_restructure.restructure import ExtendTerm
        >>> frame = compare(seed_plan().schedule(), [[ExtendTerm(periods=6)]],
        ...                 discount_rate="0.05", as_of="2026-03-01").to_pandas()
        >>> frame[["name", "first_payment", "installments", "annual_rate"]]
                name  first_payment  installments  annual_rate
        0  no change         536.00            11     0.154761
        1  extend +6         356.52            17     0.140424
        >>> str(frame["first_payment"].dtype), str(frame["annual_rate"].dtype)
        ('float64', 'float64')
        """
        import pandas as pd

        from ..schedule import _money_column

        fields = [f for f in ComparisonRow.__dataclass_fields__ if f != "option"]
        data: dict[str, Any] = {f: [getattr(r, f) for r in self.rows] for f in fields}
        for name in self._MONEY_FIELDS:
            data[name] = _money_column(
                [self.currency.to_minor(v) for v in data[name]], self.currency, money)
        if money != "decimal":
            for name in self._RATE_FIELDS:
                data[name] = [float("nan") if v is None else float(v) for v in data[name]]
        data["maturity"] = pd.to_datetime(data["maturity"])
        return pd.DataFrame(data)

    def plot(self, **options: Any) -> Any:
        """The options compared as a chart: :func:`bnpl_restructure.plot.options_chart`
        (needs matplotlib, the ``plot`` extra); returns its Figure.

        Raises
        ------
        InvalidArgumentError
            As :func:`~bnpl_restructure.plot.options_chart` (``figure``; a row with no
            option).
        ImportError
            matplotlib is not installed (``pip install 'bnpl_restructure[plot]'``).
        """
        from ..plot import options_chart
        return options_chart(self, **options)


_PTI_PLACES = Decimal("1e-12")  # payment-to-income, a fraction to 12 places

#: Rate caps (annual rates, fractions) checked by :func:`compare` by default.
RATE_CAPS = {"CN 24%": Fraction(24, 100), "CN 36%": Fraction(36, 100),
             "US MLA 36%": Fraction(36, 100)}

#: Payment-to-income thresholds: HAMP's 31% target; China's 50% (CBRC 2004 Art. 36).
AFFORDABILITY = {"hamp": Fraction(31, 100), "cn_50": Fraction(50, 100),
                 "cn_55": Fraction(55, 100)}


def rate_caps(caps: Mapping[str, Any] | None) -> dict[str, Fraction]:
    """The rate caps a comparison checks: ``caps`` (a mapping of a cap's name to an
    annual rate) parsed, or :data:`RATE_CAPS` when ``None``.

    Raises
    ------
    InvalidArgumentError
        ``caps`` is not a mapping of names to rates (naming ``caps`` or ``caps['name']``).
    """
    if caps is None:
        caps = RATE_CAPS
    if not isinstance(caps, Mapping):
        raise InvalidArgumentError("caps", "must be a mapping of a cap's name to an annual "
                                   "rate, e.g. {'24% (judicial)': '0.24'}", received=caps)
    limits = {}
    for name, value in caps.items():
        if not isinstance(name, str):
            raise InvalidArgumentError("caps", "must have names (str) as keys",
                                       received=name)
        limits[name] = parse_rate(value, argument=f"caps[{name!r}]")
    return limits


@in_library_context
def compare(loan: Schedule | LoanState | Position,
            options: Sequence[Restructuring | Sequence[Change]], *, discount_rate: Any,
            monthly_income: Any = None, affordability: Any = AFFORDABILITY["hamp"],
            caps: dict[str, Any] | None = None, lpr: Any = None,
            default_probability: Any = 0, redefault_probability: Any = 0,
            recovery_rate: Any = 0, as_of: Any = None, payments: Iterable[Any] = (),
            terms: ServicingTerms | None = None) -> Comparison:
    """Options side by side with "no change".

    Parameters
    ----------
    loan
        The position (a LoanState, a Position, or a schedule with ``as_of``).
    options
        :class:`Restructuring` results, or lists of changes to apply.
    discount_rate
        Annual rate for the lender's net present value of the remaining cash flows
        (HAMP NPV test: the change in NPV against "no change").
    monthly_income
        Borrower's monthly income (major units): payment-to-income is the maximum regular
        installment a month over it, checked against ``affordability`` (31% HAMP target
        by default; :data:`AFFORDABILITY` has the Chinese 50% / 55% limits).
    caps
        ``{name: annual rate}`` caps to check the new plan's annualized rate against
        (default :data:`RATE_CAPS`); with ``lpr``, "4 × LPR" is added.
    default_probability, redefault_probability, recovery_rate
        The lender's NPV as the HAMP NPV test weighs it: "no change" defaults with
        ``default_probability`` and an option with ``redefault_probability``, a default
        recovering ``recovery_rate`` of the principal owed today; so
        ``NPV = (1 - p) × PV(payments) + p × recovery × principal`` (all 0 by default:
        the plain present value of the payments).

    Raises
    ------
    InvalidArgumentError
        ``options`` is not a list of :class:`Restructuring` or lists of changes
        (``options[k]``, also for an option built on another date); ``discount_rate``,
        ``lpr`` or a probability is not a rate; ``monthly_income`` is not an amount;
        ``affordability`` is not a share; ``caps`` is not a mapping of names to rates; the
        errors of :func:`restructure` for ``loan`` and each option.
    RestructureNotAllowedError
        An option's change is not allowed on the loan (a rate that has no solution is
        shown as none, not raised).

    References
    ----------
    U.S. Treasury, Making Home Affordable Program Handbook, the NPV test: compare the
    investor's NPV with and without the modification; a positive change favours it.
    """
    if isinstance(options, (Change, Restructuring)) or not isinstance(options, Sequence):
        raise InvalidArgumentError("options", "must be a list of options, each a "
                                   "Restructuring or a list of changes", received=options)
    pos = position(loan, payments, as_of=as_of, terms=terms)
    base = restructure(pos, [])
    built = [base]
    for k, o in enumerate(options):
        if isinstance(o, Restructuring):
            if o.position.as_of != pos.as_of:
                raise InvalidArgumentError(f"options[{k}]", "was built on another date "
                                           f"({o.position.as_of.isoformat()}) than the "
                                           f"position ({pos.as_of.isoformat()})")
            built.append(o)
        elif isinstance(o, Sequence) and all(isinstance(c, Change) for c in o):
            built.append(restructure(pos, list(o)))
        else:
            raise InvalidArgumentError(f"options[{k}]", "must be a Restructuring or a list "
                                       "of changes, e.g. [CapitalizeArrears(), "
                                       "ExtendTerm(periods=6)]", received=o)
    cur = pos.currency
    d = parse_rate(discount_rate, argument="discount_rate")
    income = None if monthly_income is None else parse_money(
        monthly_income, cur, argument="monthly_income")
    threshold = parse_rate(affordability, argument="affordability")
    limits = rate_caps(caps)
    if lpr is not None:
        limits["4 × LPR"] = 4 * parse_rate(lpr, argument="lpr")
    freq = pos.remaining.frequency or Frequency.MONTHLY
    per_month = freq.periods_per_year / 12
    p_default = parse_rate(default_probability, argument="default_probability")
    p_redefault = parse_rate(redefault_probability, argument="redefault_probability")
    recovery = parse_rate(recovery_rate, argument="recovery_rate")

    def lender_npv(option: Restructuring, p: Fraction) -> int:
        value = (1 - p) * _npv(option.schedule, d) + p * recovery * pos.outstanding
        return round_ratio(value.numerator, value.denominator, RoundingMode.HALF_UP)

    base_npv = lender_npv(base, p_default)
    base_first = base._regular()[0]
    base_total = sum(base.schedule.payment)
    rows = []
    for option in built:
        s = option.schedule
        regular = option._regular()
        total = sum(s.payment)
        npv = lender_npv(option, p_default if option is base else p_redefault)
        ahead = s.after(pos.as_of)  # the plan's own rates (amounts due today are not credit)
        rate, reg_z, eu = _rates(ahead)
        last, was = s.due_dates[-1], base.schedule.due_dates[-1]
        pti = None if income is None else Fraction(max(regular)) * per_month / income
        rows.append(ComparisonRow(
            name="no change" if option is base else option.name,
            first_payment=cur.to_major(regular[0]), max_payment=cur.to_major(max(regular)),
            average_payment=cur.to_major(round_ratio(sum(regular), len(regular),
                                                     RoundingMode.HALF_UP)),
            payment_relief=cur.to_major(base_first - regular[0]),
            installments=len(option.installments), maturity=s.due_dates[-1],
            due_now=option.due_now, total_to_pay=cur.to_major(total),
            extra_cost=cur.to_major(total - base_total), annual_rate=rate,
            lender_npv=cur.to_major(npv), npv_change=cur.to_major(npv - base_npv),
            # 12 places, as every rate of the table (not the 28 digits of a division)
            payment_to_income=None if pti is None else (
                Decimal(pti.numerator) / Decimal(pti.denominator)).quantize(_PTI_PLACES),
            affordable=None if pti is None else pti <= threshold,
            over_caps=tuple(name for name, cap in limits.items()
                            if rate is not None and Fraction(rate) > cap),
            reg_z_apr=reg_z, eu_aprc=eu,
            months_added=(last.year - was.year) * 12 + last.month - was.month,
            option=option))
    eligible = [k for k, r in enumerate(rows) if r.affordable is not False and not r.over_caps]
    best = min(eligible, key=lambda k: (rows[k].total_to_pay, rows[k].max_payment)) \
        if eligible else None
    return Comparison(rows=tuple(rows), currency=cur, best=best)


def _rates(ahead: Schedule) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """China's, Regulation Z's and the EU's annual rates of what is left to pay (``None``
    where the flows have no meaningful rate)."""
    solvers: tuple[Callable[[], Decimal], ...] = (
        lambda: cn_annualized_rate(ahead).nominal, lambda: reg_z_apr(ahead),
        lambda: eu_aprc(ahead))
    out: list[Decimal | None] = []
    for solve in solvers:
        try:
            out.append(solve())
        except (BnplError, ArithmeticError):
            out.append(None)
    return out[0], out[1], out[2]


_NPV_CONTEXT = make_context(34)


def _npv(schedule: Schedule, annual_rate: Fraction) -> int:
    """The lender's present value on the schedule's start of its payments, discounted
    at ``annual_rate`` (effective, time in days / 365), rounded half-up to a minor unit.

    Evaluated in 34-digit decimal arithmetic (the discount factors are irrational)."""
    ctx = _NPV_CONTEXT
    growth = ctx.add(Decimal(1), ctx.divide(Decimal(annual_rate.numerator),
                                            Decimal(annual_rate.denominator)))
    total = Decimal(0)
    for due, pay in zip(schedule.due_dates, schedule.payment, strict=True):
        years = ctx.divide(Decimal((due - schedule.start).days), Decimal(365))
        total = ctx.add(total, ctx.divide(Decimal(pay), ctx.power(growth, years)))
    return int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP, context=ctx))
