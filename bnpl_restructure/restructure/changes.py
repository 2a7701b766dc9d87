"""The changes: each a rewrite of the draft of the remaining plan."""

from __future__ import annotations

import calendar
import enum
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from ..apr import format_rate
from ..calendar import Frequency, parse_date
from ..core import PaymentRule, Period, Program, UnpaidInterest, run_batch
from ..daycount import DayCount
from ..errors import (
    InvalidArgumentError,
    RestructureNotAllowedError,
    parse_enum,
)
from ..money import format_money, parse_money, to_decimal
from ..plans import MAX_INSTALLMENTS, Plan
from ..rates import parse_rate
from ..rounding import RoundingMode, round_ratio
from .positions import ARREARS, Position, _Draft, _more_dues, _original_fee_rate, _plus, _Special
from .run import _compile


class Shortfall(enum.Enum):
    """The part of the normal payment a reduced payment does not pay: ``CAPITALIZE``
    (stays principal, earns interest), ``DEFER`` (moved to a non-interest-bearing
    balance, repaid at the end or spread), ``WAIVE`` (forgiven)."""

    CAPITALIZE = "capitalize"
    DEFER = "defer"
    WAIVE = "waive"


class HolidayInterest(enum.Enum):
    """Interest during a payment holiday: ``CAPITALIZE`` (added to principal), ``ACCRUE``
    (kept without interest and collected first by later payments), ``WAIVE``."""

    CAPITALIZE = "capitalize"
    ACCRUE = "accrue"
    WAIVE = "waive"


_UNPAID = {HolidayInterest.CAPITALIZE: UnpaidInterest.CAPITALIZE,
           HolidayInterest.ACCRUE: UnpaidInterest.CARRY,
           HolidayInterest.WAIVE: UnpaidInterest.WAIVE}


class Change:
    """Base of the typed changes; ``apply`` rewrites a draft.

    Every change checks its own arguments when it is built (``_check``, run by the
    dataclass' ``__post_init__``): a value no position could accept (a count that is not
    a whole number, a rate or amount that does not parse, an unknown enum value, a flag
    that is not ``True``/``False``) raises
    :class:`~bnpl_restructure.errors.InvalidArgumentError` naming the field, so a bad
    option fails where it is written, not when it is first applied. What depends on the
    loan (an amount above the principal, a date before the restructuring) is checked
    when the change is applied.

    Raises
    ------
    InvalidArgumentError
        A field refused when the change is built, named (each subclass says which).
    RestructureNotAllowedError
        When applied: the loan's position does not allow the change.
    """

    kind = "change"

    def __post_init__(self) -> None:
        self._check()

    def _check(self) -> None:
        """Validate the fields that do not depend on the loan (nothing by default)."""

    def apply(self, pos: Position, draft: _Draft) -> _Draft:  # pragma: no cover
        raise NotImplementedError

    def describe(self) -> str:
        """A short description for tables."""
        return self.kind.replace("_", " ")


def _count(value: Any, argument: str, *, minimum: int = 1, maximum: int | None = None,
           optional: bool = False) -> int:
    """A whole number from ``minimum`` (to ``maximum``); the error names ``argument``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum or (
            maximum is not None and value > maximum):
        allowed = f">= {minimum}" if maximum is None else f"from {minimum} to {maximum}"
        raise InvalidArgumentError(argument, f"must be a whole number {allowed}"
                                   + (", or None" if optional else ""), received=value)
    return value


# ------------------------------------------------- checks run when a change is built


def _check_count(value: Any, argument: str, *, minimum: int = 1,
                 optional: bool = False) -> None:
    """A whole number of installments from ``minimum`` to the plan limit."""
    if value is not None or not optional:
        _count(value, argument, minimum=minimum, maximum=MAX_INSTALLMENTS, optional=optional)


def _check_flag(value: Any, argument: str) -> None:
    if not isinstance(value, bool):
        raise InvalidArgumentError(argument, "must be True or False", received=value)


def _check_amount(value: Any, argument: str, *, optional: bool = False,
                  allow_zero: bool = False) -> None:
    """An amount in major units: anything :func:`~bnpl_restructure.money.to_decimal`
    reads, positive (or zero where allowed)."""
    if value is None and optional:
        return
    if value is None:
        raise InvalidArgumentError(argument, "is required (an amount in major units)",
                                   received=value)
    amount = to_decimal(value, argument=argument)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise InvalidArgumentError(argument, "must be " + ("zero or more" if allow_zero
                                                           else "more than zero"),
                                   received=value)


def _check_rate(value: Any, argument: str, *, plain_limit: Fraction = Fraction(1)) -> None:
    if value is not None:
        parse_rate(value, argument=argument, plain_limit=plain_limit)


def _check_share(value: Any, argument: str, *, whole: bool) -> None:
    """A fraction above 0 and below 1 (up to 1 when ``whole``)."""
    if value is None:
        return
    share = parse_rate(value, argument=argument)
    if share <= 0 or share > 1 or (share == 1 and not whole):
        raise InvalidArgumentError(argument, "must be above 0 and "
                                   + ("at most 1 (100%)" if whole else "below 1 (100%)"),
                                   received=value)


def _check_one_of(first: str, a: Any, second: str, b: Any) -> None:
    if (a is None) == (b is None):
        raise InvalidArgumentError(first, f"give either {first} or {second} (one of them)",
                                   received=(a, b))


def _check_rates(change: Any) -> None:
    """``annual_rate`` / ``periodic_rate`` (not both) and ``fee_rate``, each parsed."""
    if change.annual_rate is not None and change.periodic_rate is not None:
        raise InvalidArgumentError("periodic_rate", "give annual_rate or periodic_rate, "
                                   "not both", received=change.periodic_rate)
    _check_rate(change.annual_rate, "annual_rate")
    _check_rate(change.periodic_rate, "periodic_rate", plain_limit=Fraction(1, 10))
    _check_rate(change.fee_rate, "fee_rate")


def _check_components(change: Any) -> None:
    """``components``: a sequence of arrears components, stored as a tuple."""
    value = change.components
    if isinstance(value, str) or not isinstance(value, (tuple, list)) or not value:
        raise InvalidArgumentError("components", f"must be a non-empty list of {ARREARS}",
                                   received=value)
    bad = [c for c in value if not isinstance(c, str) or c not in ARREARS]
    if bad:
        raise InvalidArgumentError("components", f"must be among {ARREARS}", received=bad)
    if len(set(value)) != len(value):
        raise InvalidArgumentError("components", "must not repeat a component",
                                   received=list(value))
    object.__setattr__(change, "components", tuple(value))


def _new_rate(pos: Position, annual_rate: Any, periodic_rate: Any) -> Fraction | None:
    if periodic_rate is not None:  # not both: checked when the change was built
        return parse_rate(periodic_rate, argument="periodic_rate", plain_limit=Fraction(1, 10))
    if annual_rate is not None:
        freq = pos.remaining.frequency or Frequency.MONTHLY
        return parse_rate(annual_rate, argument="annual_rate") / freq.periods_per_year
    return None


def _scaled(factors: Sequence[Fraction], new: Fraction, regular: Fraction) -> list[Fraction]:
    """Factors at a new periodic rate: scaled by new/old (day counts and odd periods
    keep their shape), or the new rate itself where the old was zero."""
    if regular == 0:
        return [new] * len(factors)
    return [f * new / regular for f in factors]


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtendTerm(Change):
    """Term extension (展期): ``periods`` more installments, or a new ``maturity`` (the
    new last due date is the plan's last due date on or before it); the rate unchanged
    or new; the installment recomputed in the plan's own method (a flat fee on the
    outstanding principal at ``fee_rate`` a period, by default the plan's). A plan has
    at most :data:`~bnpl_restructure.plans.MAX_INSTALLMENTS` installments: an extension
    beyond that is refused, naming ``periods`` or ``maturity``.

    Raises
    ------
    InvalidArgumentError
        Built: neither or both of ``periods`` and ``maturity``; ``periods`` not a whole
        number from 1 to 2,600; ``maturity`` not a date; ``annual_rate`` and
        ``periodic_rate`` both given, or a rate that does not parse. Applied (by
        :func:`restructure` or :func:`extend_term`, which also raise for ``loan``,
        ``as_of``, ``payments``, ``terms``): ``maturity`` not after the current maturity or
        adding no due date; ``annual_rate`` for a flat-fee plan (give ``fee_rate``); dates
        past 9999.
    RestructureNotAllowedError
        Applied to a loan with nothing to restructure (paid off, or past its last due date).
    """

    periods: int | None = None
    maturity: date | str | None = None
    annual_rate: Any = None
    periodic_rate: Any = None
    fee_rate: Any = None
    kind = "extend_term"

    def _check(self) -> None:
        _check_one_of("periods", self.periods, "maturity", self.maturity)
        _check_count(self.periods, "periods", optional=True)
        if self.maturity is not None:
            parse_date(self.maturity, argument="maturity")
        _check_rates(self)

    def describe(self) -> str:
        """E.g. ``extend +6``."""
        what = f"+{self.periods}" if self.periods is not None else f"to {self.maturity}"
        if self.fee_rate is not None:
            fee = parse_rate(self.fee_rate, argument="fee_rate")
            return f"extend {what} at fee {format_rate(fee, 3)}"
        rate = self.annual_rate if self.annual_rate is not None else self.periodic_rate
        if rate is None:
            return f"extend {what}"
        return f"extend {what} at {format_rate(parse_rate(rate, argument='annual_rate'), 3)}"

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        room = MAX_INSTALLMENTS  # periods or maturity (one): checked when built - len(draft.dues)
        if self.periods is not None:
            extra = _more_dues(pos, draft.dues[-1], _count(self.periods, "periods"),
                               limit=room)
        else:
            assert self.maturity is not None
            until = parse_date(self.maturity, argument="maturity")
            if until <= draft.dues[-1]:
                raise InvalidArgumentError("maturity", "must be after the current maturity "
                                           f"({draft.dues[-1].isoformat()})",
                                           received=until.isoformat())
            extra = _more_dues(pos, draft.dues[-1], until=until, limit=room)
            if not extra:
                raise InvalidArgumentError("maturity", "adds no due date",
                                           received=until.isoformat())
        factors = list(draft.factors) + [draft.factors[-1]] * len(extra)
        if draft.method == "flat" and (self.annual_rate or self.periodic_rate) is not None:
            raise InvalidArgumentError("annual_rate", "a flat-fee plan's cost is its fee: "
                                       "give fee_rate", received=self.annual_rate)
        rate = _new_rate(pos, self.annual_rate, self.periodic_rate)
        if rate is not None:
            regular = max(draft.factors, key=draft.factors.count)
            factors = _scaled(factors, rate, regular)
        fees = list(draft.fees) + [draft.fees[-1] if draft.method != "flat" else 0] * len(extra)
        if (draft.method == "flat" and any(draft.fees)) or self.fee_rate is not None:
            # a flat fee on the outstanding principal for the new term (fees waived
            # before stay waived)
            fee_rate = (draft.fee_rate or _original_fee_rate(pos)) if self.fee_rate is None \
                else parse_rate(self.fee_rate, argument="fee_rate")
            each = draft.principal * fee_rate
            fee = round_ratio(each.numerator, each.denominator, RoundingMode.HALF_UP)
            # re-price the regular installments (and the new ones); holidays and rows
            # whose fee was cut keep theirs
            usual = max((f for f in draft.fees if f), key=draft.fees.count, default=0)
            fees = [fee if f == usual else f for f in draft.fees] + [fee] * len(extra)
            draft = replace(draft, fee_rate=fee_rate)
        return replace(draft, dues=draft.dues + extra, factors=tuple(factors),
                       fees=tuple(fees), special=draft.special + (None,) * len(extra),
                       reamortize=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReducePayment(Change):
    """A lower payment (``amount`` in major units, or ``fraction`` of the current one)
    for ``periods`` installments, then back to the normal payment (re-amortized when the
    shortfall was capitalized); ``periods=None`` makes it permanent, with the number of
    installments solved. ``shortfall``: capitalize, defer (repaid at the end, or spread
    over the installments after the reduced ones with ``spread=True``) or waive.

    Raises
    ------
    InvalidArgumentError
        Built: neither or both of ``amount`` and ``fraction``; ``amount`` not positive;
        ``fraction`` not above 0 and below 1; ``periods`` not a whole number from 1 to
        2,600; ``shortfall`` unknown; ``spread`` not True or False. Applied (also
        :func:`restructure`'s errors): ``amount`` not below the current payment;
        ``shortfall`` other than capitalize for a permanent reduction.
    RestructureNotAllowedError
        Applied: the reduced periods do not fit the remaining plan, or the reduced payment
        does not repay the loan within the limit on installments.
    """

    amount: Any = None
    fraction: Any = None
    periods: int | None = None
    shortfall: Shortfall | str = Shortfall.CAPITALIZE
    spread: bool = False
    kind = "reduce_payment"

    def _check(self) -> None:
        _check_one_of("amount", self.amount, "fraction", self.fraction)
        _check_amount(self.amount, "amount", optional=True)
        _check_share(self.fraction, "fraction", whole=False)
        _check_count(self.periods, "periods", optional=True)
        parse_enum(Shortfall, self.shortfall, argument="shortfall")
        _check_flag(self.spread, "spread")

    def describe(self) -> str:
        """E.g. ``pay 50% ×3 (defer)``."""
        if self.amount is not None:
            how = str(self.amount)
        else:  # any form parse_rate reads: 0.5, "50%", Fraction(1, 2)
            percent = parse_rate(self.fraction, argument="fraction") * 100
            how = f"{percent.numerator // percent.denominator}%" if (
                percent.denominator == 1) else f"{float(percent):.4g}%"
        span = "for good" if self.periods is None else f"×{self.periods}"
        mode = parse_enum(Shortfall, self.shortfall, argument="shortfall").value
        return f"pay {how} {span} ({mode})"

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        mode = parse_enum(Shortfall, self.shortfall, argument="shortfall")
        current, _ = _compile(pos, replace(draft, arrears={}))
        regular = [k for k, spec in enumerate(draft.special) if spec is None
                   and all(k != j for j, _ in draft.shortfall)]
        normal = current.payment[regular[0] if regular else 0]  # the plan as changed so far
        if self.amount is not None:  # amount or fraction (one): checked when built
            reduced = parse_money(self.amount, pos.currency, argument="amount")
        else:
            share = parse_rate(self.fraction, argument="fraction")
            cut = share * normal
            reduced = round_ratio(cut.numerator, cut.denominator, RoundingMode.HALF_UP)
        if reduced >= normal:
            raise InvalidArgumentError("amount", "must be less than the current payment "
                                       f"({format_money(normal, pos.currency)})",
                                       received=format_money(reduced, pos.currency))
        n = len(draft.dues)
        if self.periods is None:
            return _permanent(pos, draft, reduced, mode)
        count = _count(self.periods, "periods")
        if count >= n:
            raise RestructureNotAllowedError(
                f"a reduced payment for {count} periods leaves no regular installment of "
                f"the {n} remaining: make it permanent (periods=None) or extend the term")
        if mode is Shortfall.CAPITALIZE:
            special = list(draft.special)
            for k in range(count):
                fee = draft.fees[k]
                if reduced < fee:
                    raise RestructureNotAllowedError(
                        f"the reduced payment {format_money(reduced, pos.currency)} does "
                        f"not cover the fee due ({format_money(fee, pos.currency)})")
                special[k] = _Special(rule=PaymentRule.AMOUNT, amount=reduced - fee,
                                      unpaid=UnpaidInterest.CAPITALIZE, total=reduced)
            return replace(draft, special=tuple(special), reamortize=True)
        return replace(draft, shortfall=tuple((k, reduced) for k in range(count)),
                       shortfall_mode=mode.value, shortfall_spread=self.spread)


def _permanent(pos: Position, draft: _Draft, reduced: int, mode: Shortfall) -> _Draft:
    """A permanent lower payment: the number of installments solved through the core."""
    if mode is not Shortfall.CAPITALIZE:
        raise InvalidArgumentError("shortfall", "a permanent reduced payment keeps all the "
                                   "principal interest-bearing: use 'capitalize'",
                                   received=mode.value)
    fee = draft.fees[-1]  # the regular fee (the first rows may be holidays or cuts)
    net = reduced - fee
    interest = draft.principal * draft.factors[0]
    if net <= 0 or net <= interest:
        raise RestructureNotAllowedError(
            f"the reduced payment {format_money(reduced, pos.currency)} does not cover the "
            f"interest and fee due each period: the balance would never be repaid")
    room = MAX_INSTALLMENTS - len(draft.dues)
    more = _more_dues(pos, draft.dues[-1], min(1200, room), limit=room)
    dues = draft.dues + more
    factors = list(draft.factors) + [draft.factors[-1]] * len(more)
    fees = [fee] * len(dues)
    trial = Program(principal=draft.principal, periods=tuple(
        Period(due=d, factor=f, rule=PaymentRule.AMOUNT, amount=net, fee=fee)
        for d, f in zip(dues, factors, strict=True)))
    cols = run_batch([trial]).loan(0)
    paid_off = next((k for k, b in enumerate(cols.balance) if b == 0), None)
    if paid_off is None:
        raise RestructureNotAllowedError("the reduced payment does not repay the loan within "
                                         f"{len(more)} more installments")
    n = paid_off + 1
    special = [_Special(rule=PaymentRule.AMOUNT, amount=net,
                        unpaid=UnpaidInterest.CAPITALIZE)] * (n - 1) + [None]
    return replace(draft, dues=dues[:n], factors=tuple(factors[:n]), fees=tuple(fees[:n]),
                   special=tuple(special), reamortize=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentHoliday(Change):
    """A payment holiday (宽限期): ``periods`` installments with nothing due
    (``interest_only=False``) or interest only; the holiday's interest capitalized,
    accrued (collected first by later payments, without interest) or waived; then the
    plan ``shift``-ed by the holiday (maturity moves) or re-amortized within the
    original maturity (``shift=False``). At most ``max_periods`` (default 6).

    Raises
    ------
    InvalidArgumentError
        Built: ``periods`` or ``max_periods`` not a whole number from 1 to 2,600;
        ``interest_only`` or ``shift`` not True or False; ``interest`` unknown. Applied:
        :func:`restructure`'s errors.
    RestructureNotAllowedError
        Built: ``periods`` above ``max_periods``. Applied: more periods than remain, or
        periods whose payment is already reduced.
    """

    periods: int = 1
    interest_only: bool = False
    interest: HolidayInterest | str = HolidayInterest.CAPITALIZE
    shift: bool = True
    max_periods: int = 6
    kind = "payment_holiday"

    def _check(self) -> None:
        _check_count(self.periods, "periods")
        _check_count(self.max_periods, "max_periods")
        _check_flag(self.interest_only, "interest_only")
        _check_flag(self.shift, "shift")
        parse_enum(HolidayInterest, self.interest, argument="interest")
        if self.periods > self.max_periods:
            raise RestructureNotAllowedError(
                f"periods: a payment holiday of {self.periods} periods is longer than the "
                f"{self.max_periods} allowed (the lender's max_periods)")

    def describe(self) -> str:
        """E.g. ``holiday 2 (capitalize, shift)``."""
        how = parse_enum(HolidayInterest, self.interest, argument="interest").value
        kind = "interest-only" if self.interest_only else "holiday"
        return f"{kind} {self.periods} ({how}, {'shift' if self.shift else 'reamortize'})"

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        count = _count(self.periods, "periods")
        if count > self.max_periods:
            raise RestructureNotAllowedError(
                f"periods: a payment holiday of {count} periods is longer than the "
                f"{self.max_periods} allowed (the lender's max_periods)")
        how = parse_enum(HolidayInterest, self.interest, argument="interest")
        rule = PaymentRule.INTEREST_ONLY if self.interest_only else PaymentRule.NOTHING
        holiday = _Special(rule=rule, amount=0, unpaid=_UNPAID[how])
        n = len(draft.dues)
        if any(k < count for k, _ in draft.shortfall) and not self.shift:
            raise RestructureNotAllowedError("a holiday cannot fall on periods whose payment "
                                             "was reduced: put the holiday first")
        if self.shift:
            draft = replace(draft, shortfall=tuple((k + count, r) for k, r in draft.shortfall),
                            first_interest=draft.first_interest,
                            first_fee=draft.first_fee)
            extra = _more_dues(pos, draft.dues[-1], count,
                               limit=MAX_INSTALLMENTS - len(draft.dues))
            dues = draft.dues + extra
            factors = draft.factors + (draft.factors[-1],) * count
            fees = (0,) * count + draft.fees  # fees move with their installments
            special = (holiday,) * count + draft.special
        else:
            if count >= n:
                raise RestructureNotAllowedError(
                    f"a {count}-period holiday leaves no installment of the {n} remaining "
                    "to repay within the original maturity: shift the plan instead")
            dues, factors = draft.dues, draft.factors
            waived = sum(draft.fees[:count])
            fees = (0,) * count + draft.fees[count:]
            special = (holiday,) * count + draft.special[count:]
            draft = replace(draft, waived=_plus(draft.waived, "fee", waived))
        return replace(draft, dues=dues, factors=factors, fees=fees, special=special,
                       reamortize=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReduceRate(Change):
    """A lower rate (``annual_rate`` nominal, or ``periodic_rate``) for ``periods``
    installments or for good (``None``); for a flat-fee plan, a lower ``fee_rate`` (a
    period, on the outstanding principal).

    Raises
    ------
    InvalidArgumentError
        Built: ``annual_rate`` and ``periodic_rate`` both given or not rates; ``fee_rate``
        not a rate; ``periods`` not a whole number from 1 to 2,600. Applied (also
        :func:`restructure`'s errors): no new rate given; a rate above the current one (use
        :class:`ChangeRate`); ``fee_rate`` on a plan that is not flat-fee, or missing on
        one.
    """

    annual_rate: Any = None
    periodic_rate: Any = None
    fee_rate: Any = None
    periods: int | None = None
    kind = "reduce_rate"

    def _check(self) -> None:
        _check_rates(self)
        _check_count(self.periods, "periods", optional=True)

    def describe(self) -> str:
        """E.g. ``rate 8%/yr`` or ``fee 0.3%/period``."""
        span = "" if self.periods is None else f" ×{self.periods}"
        def percent(value: Any, argument: str, places: int) -> str:
            text = format_rate(parse_rate(value, argument=argument), places).rstrip("%")
            return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"

        if self.fee_rate is not None:
            return f"fee {percent(self.fee_rate, 'fee_rate', 3)}/period{span}"
        if self.annual_rate is not None:
            return f"rate {percent(self.annual_rate, 'annual_rate', 3)}/yr{span}"
        return f"rate {percent(self.periodic_rate, 'periodic_rate', 4)}/period{span}"

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        return _rerate(pos, draft, self, first=0, periods=self.periods,
                       fee_basis=FeeBasis.OUTSTANDING, increase=False)


class FeeBasis(enum.Enum):
    """What a flat-fee plan's new fee rate is charged on: the ``OUTSTANDING`` principal
    at the restructuring (the default), or the ``ORIGINAL`` amount financed, as flat
    (等本等息) plans price their fee."""

    OUTSTANDING = "outstanding"
    ORIGINAL = "original"


def _rerate(pos: Position, draft: _Draft, change: ReduceRate | ChangeRate, *, first: int,
            periods: int | None, fee_basis: FeeBasis, increase: bool) -> _Draft:
    """A new rate (or a flat plan's fee rate) on installments ``first`` .. ``first +
    periods`` of the draft (to the end when ``periods`` is ``None``)."""
    n = len(draft.dues)
    if first >= n:
        raise InvalidArgumentError("start", f"must be an installment of the new plan (1 to "
                                   f"{n})", received=first + 1)
    last = n if periods is None else min(first + _count(periods, "periods"), n)
    if draft.method == "flat":
        if change.fee_rate is None:
            raise InvalidArgumentError("fee_rate", "a flat-fee plan's cost is its fee: "
                                       "give the new fee_rate", received=None)
        fee_rate = parse_rate(change.fee_rate, argument="fee_rate")
        base = draft.principal if fee_basis is FeeBasis.OUTSTANDING else pos.original.principal
        each = base * fee_rate
        fee = round_ratio(each.numerator, each.denominator, RoundingMode.HALF_UP)
        if not increase and any(fee > f for f in draft.fees[first:last] if f):
            raise InvalidArgumentError("fee_rate", "must not raise the fee (now "
                                       f"{format_money(max(draft.fees), pos.currency)} a "
                                       "period): use ChangeRate to raise it",
                                       received=str(change.fee_rate))
        fees = tuple(fee if first <= k < last and f else f for k, f in enumerate(draft.fees))
        whole = first == 0 and last == n and fee_basis is FeeBasis.OUTSTANDING
        return replace(draft, fees=fees, fee_rate=fee_rate if whole else draft.fee_rate,
                       reamortize=True)
    if change.fee_rate is not None:
        raise InvalidArgumentError("fee_rate", "applies to flat-fee plans; give annual_rate "
                                   "or periodic_rate", received=str(change.fee_rate))
    rate = _new_rate(pos, change.annual_rate, change.periodic_rate)
    if rate is None:
        raise InvalidArgumentError("annual_rate", "give the new annual_rate or "
                                   "periodic_rate", received=None)
    regular = max(draft.factors, key=draft.factors.count)
    if rate > regular and not increase:
        raise InvalidArgumentError("annual_rate", "must not be above the current rate: use "
                                   "ChangeRate to raise it",
                                   received=str(change.annual_rate or change.periodic_rate))
    scaled = _scaled(draft.factors, rate, regular)
    factors = tuple(scaled[k] if first <= k < last else f for k, f in enumerate(draft.factors))
    return replace(draft, factors=factors, reamortize=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeRate(Change):
    """A new rate, higher or lower, from installment ``start`` (1: the first of the new
    plan) for ``periods`` installments or to the end: a rate increase, a step-up, or a
    cut that ends. Compose them for steps, e.g. 2% for 12 installments then 4%:
    ``[ChangeRate(annual_rate="0.02", periods=12), ChangeRate(annual_rate="0.04",
    start=13)]``. For a flat-fee plan, a new ``fee_rate`` a period, charged on the
    outstanding principal or the original amount financed (``fee_basis``). The plan is
    re-amortized at the new rates, in its own method.

    >>> from bnpl_restructure import Plan
    >>> s = Plan.annuity("1200", annual_rate="0.12", installments=12,
    ...                  start="2026-01-15").schedule()
    >>> from bnpl_restructure.restructure import restructure
    >>> stepped = restructure(s, [ChangeRate(annual_rate="0.06", periods=3),
    ...                           ChangeRate(annual_rate="0.18", start=4)],
    ...                       as_of="2026-01-20")

    One level payment over the steps (107.08), interest 0.5% a month then 1.5%:

    >>> str(stepped.schedule[0].payment), [str(stepped.schedule[k].interest) for k in (0, 3)]
    ('107.08', ['6.00', '13.43'])

    Raises
    ------
    InvalidArgumentError
        Built: ``annual_rate`` and ``periodic_rate`` both given or not rates; ``fee_rate``
        not a rate; ``start`` or ``periods`` not a whole number from 1 to 2,600;
        ``fee_basis`` unknown. Applied (also :func:`restructure`'s errors): ``start`` not an
        installment of the new plan; no new rate, or ``fee_rate`` on a plan that is not
        flat-fee.
    """

    annual_rate: Any = None
    periodic_rate: Any = None
    fee_rate: Any = None
    start: int = 1
    periods: int | None = None
    fee_basis: FeeBasis | str = FeeBasis.OUTSTANDING
    kind = "change_rate"

    def _check(self) -> None:
        _check_rates(self)
        _check_count(self.start, "start")
        _check_count(self.periods, "periods", optional=True)
        parse_enum(FeeBasis, self.fee_basis, argument="fee_basis")

    def describe(self) -> str:
        """E.g. ``rate 18%/yr from #4`` or ``fee 0.5%/period of the original``."""
        text = ReduceRate(annual_rate=self.annual_rate, periodic_rate=self.periodic_rate,
                          fee_rate=self.fee_rate, periods=self.periods).describe()
        if self.start != 1:
            text += f" from #{self.start}"
        if self.fee_rate is not None and parse_enum(
                FeeBasis, self.fee_basis, argument="fee_basis") is FeeBasis.ORIGINAL:
            text += " of the original"
        return text

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        basis = parse_enum(FeeBasis, self.fee_basis, argument="fee_basis")
        return _rerate(pos, draft, self, first=_count(self.start, "start") - 1,
                       periods=self.periods, fee_basis=basis, increase=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class WaiveFees(Change):
    """Waive fees: the remaining plan's ``future`` fees, and overdue ``fees``,
    ``penalties`` and ``late_fees`` (each True by default).

    Raises
    ------
    InvalidArgumentError
        Built: ``future``, ``fees``, ``penalties`` or ``late_fees`` not True or False.
        Applied: :func:`restructure`'s errors.
    """

    future: bool = True
    fees: bool = True
    penalties: bool = True
    late_fees: bool = True
    kind = "waive_fees"

    def _check(self) -> None:
        for name in ("future", "fees", "penalties", "late_fees"):
            _check_flag(getattr(self, name), name)

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        waived, arrears = dict(draft.waived), dict(draft.arrears)
        for flag, component in ((self.fees, "fee"), (self.penalties, "penalty"),
                                (self.late_fees, "late_fee")):
            if flag and arrears.get(component):
                waived = _plus(waived, component, arrears.pop(component))
        fees = draft.fees
        if self.future:
            waived = _plus(waived, "fee", sum(fees))
            fees = (0,) * len(fees)
        return replace(draft, fees=fees, waived=waived, arrears=arrears)


@dataclass(frozen=True, slots=True, kw_only=True)
class ForgivePrincipal(Change):
    """Forgive part of the principal not yet due: ``amount`` (major units) or
    ``fraction``; the rest is re-amortized over the same installments.

    Raises
    ------
    InvalidArgumentError
        Built: neither or both of ``amount`` and ``fraction``; ``amount`` not positive;
        ``fraction`` not above 0 and at most 1. Applied (also :func:`restructure`'s
        errors): ``amount`` above the principal not yet due.
    """

    amount: Any = None
    fraction: Any = None
    kind = "forgive_principal"

    def _check(self) -> None:
        _check_one_of("amount", self.amount, "fraction", self.fraction)
        _check_amount(self.amount, "amount", optional=True)
        _check_share(self.fraction, "fraction", whole=True)

    def describe(self) -> str:
        """E.g. ``forgive 500``."""
        return f"forgive {self.amount if self.amount is not None else self.fraction}"

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        if self.amount is not None:  # amount or fraction (one): checked when built
            cut = parse_money(self.amount, pos.currency, argument="amount")
        else:
            share = parse_rate(self.fraction, argument="fraction") * draft.principal
            cut = round_ratio(share.numerator, share.denominator, RoundingMode.DOWN)
        if cut > draft.principal:
            raise InvalidArgumentError("amount", "must not exceed the principal not yet due "
                                       f"({format_money(draft.principal, pos.currency)})",
                                       received=format_money(cut, pos.currency))
        return replace(draft, principal=draft.principal - cut, forgiven=draft.forgiven + cut,
                       reamortize=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class CapitalizeArrears(Change):
    """Bring the account current by moving overdue amounts into the new plan's principal
    (re-amortized). ``components`` default to principal, interest and fees; penalty and
    late fees stay due (HAMP does not allow capitalizing late fees) unless listed.

    Raises
    ------
    InvalidArgumentError
        Built: ``components`` not a non-empty list of distinct arrears components
        (``"principal"``, ``"interest"``, ``"fee"``, ...). Applied: :func:`restructure`'s
        errors.
    """

    components: tuple[str, ...] = ("principal", "interest", "fee")
    kind = "capitalize_arrears"

    def _check(self) -> None:
        _check_components(self)

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        arrears, capitalized, principal = dict(draft.arrears), dict(draft.capitalized), \
            draft.principal
        for component in self.components:
            amount = arrears.pop(component, 0)
            if amount:
                capitalized = _plus(capitalized, component, amount)
                principal += amount
        return replace(draft, principal=principal, arrears=arrears, capitalized=capitalized,
                       reamortize=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeferPrincipal(Change):
    """Principal forbearance: move ``amount`` (major units) of the interest-bearing
    principal to a non-interest-bearing balance repaid with the last installment.

    Raises
    ------
    InvalidArgumentError
        Built: ``amount`` missing or not positive. Applied (also :func:`restructure`'s
        errors): ``amount`` not below the interest-bearing principal.
    """

    amount: Any
    kind = "defer_principal"

    def _check(self) -> None:
        _check_amount(self.amount, "amount")

    def describe(self) -> str:
        """E.g. ``defer 1000``."""
        return f"defer {self.amount}"

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        cut = parse_money(self.amount, pos.currency, argument="amount")
        if cut >= draft.principal:
            raise InvalidArgumentError("amount", "must be less than the interest-bearing "
                                       f"principal ({format_money(draft.principal, pos.currency)})",
                                       received=format_money(cut, pos.currency))
        return replace(draft, principal=draft.principal - cut, deferred=draft.deferred + cut,
                       reamortize=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class ShiftDueDates(Change):
    """Move the remaining due dates: by ``days`` (later, or earlier when negative), or to
    a new ``day_of_month`` (clipped to a short month's last day). The interest of a
    period made longer or shorter follows the plan's day count: under a day count
    (Actual/365, 30/360, ...) each moved period's rate is the annual rate times its new
    year fraction; a plan that charges a rate per period charges the first moved period
    pro rata to its days (as an odd first period is charged) and the others as before.
    The plan is re-amortized over the moved dates.

    >>> from bnpl_restructure import Plan
    >>> from bnpl_restructure.restructure import restructure
    >>> s = Plan.annuity("1200", annual_rate="0.12", installments=12,
    ...                  start="2026-01-15").schedule()
    >>> moved = restructure(s, [ShiftDueDates(day_of_month=25)], as_of="2026-01-20")
    >>> moved.schedule.due_dates[0], str(moved.schedule[0].interest)
    (datetime.date(2026, 2, 25), '15.87')

    Raises
    ------
    InvalidArgumentError
        Built: neither or both of ``days`` and ``day_of_month``; ``days`` not a non-zero
        whole number of days in range; ``day_of_month`` not a day from 1 to 31. Applied
        (also :func:`restructure`'s errors): a shift that moves a due date before the
        restructuring date or past 9999, or makes two installments fall due together.
    """

    days: int | None = None
    day_of_month: int | None = None
    kind = "shift_due_dates"

    def _check(self) -> None:
        _check_one_of("days", self.days, "day_of_month", self.day_of_month)
        days = self.days
        if days is not None and (isinstance(days, bool) or not isinstance(days, int) or
                                 not -365 <= days <= 365 or days == 0):
            raise InvalidArgumentError("days", "must be a non-zero whole number of days "
                                       "from -365 to 365", received=days)
        day = self.day_of_month
        if day is not None and (isinstance(day, bool) or not isinstance(day, int) or
                                not 1 <= day <= 31):
            raise InvalidArgumentError("day_of_month", "must be a day from 1 to 31",
                                       received=day)

    def describe(self) -> str:
        """E.g. ``due dates +10 days`` or ``due on day 25``."""
        if self.days is not None:
            return f"due dates {self.days:+d} days"
        return f"due on day {self.day_of_month}"

    def apply(self, pos: Position, draft: _Draft) -> _Draft:
        if self.days is not None:  # both checked when the change was built
            dues = tuple(d + timedelta(days=self.days) for d in draft.dues)
        else:
            day = self.day_of_month
            assert day is not None
            dues = tuple(d.replace(day=min(day, calendar.monthrange(d.year, d.month)[1]))
                         for d in draft.dues)
        if dues[0] <= draft.as_of:
            raise InvalidArgumentError("days" if self.days is not None else "day_of_month",
                                       f"would move the first due date to {dues[0]}, not "
                                       f"after the restructuring date ({draft.as_of})",
                                       received=self.days if self.days is not None
                                       else self.day_of_month)
        if any(a >= b for a, b in itertools.pairwise(dues)):
            raise InvalidArgumentError("day_of_month", "would make two installments fall "
                                       "due on one day", received=self.day_of_month)
        before = [d for d in pos.original.due_dates if d <= draft.as_of]
        opened = before[-1] if before else pos.opened
        plan = pos.original.source
        counts = getattr(plan, "day_count", DayCount.PER_PERIOD)
        if counts is not DayCount.PER_PERIOD and isinstance(plan, Plan):
            annual = plan.nominal_annual_rate
            starts = (opened, *dues[:-1])
            factors = tuple(annual * counts.year_fraction(a, b) if draft.factors[k]
                            else Fraction(0)  # an interest-free period stays so
                            for k, (a, b) in enumerate(zip(starts, dues, strict=True)))
        else:
            old_days = (draft.dues[0] - opened).days
            new_days = (dues[0] - opened).days
            first = draft.factors[0] * Fraction(new_days, old_days) if old_days > 0 \
                else draft.factors[0]
            factors = (first, *draft.factors[1:])
        return replace(draft, dues=dues, factors=factors, reamortize=True)
