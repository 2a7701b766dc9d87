"""The Plan: a product's terms, compiled to a period program."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from operator import lt as _lt
from typing import Any

from ..calendar import Frequency, parse_date
from ..core import (
    Period,
    Program,
    UnpaidInterest,
    _run_raw,
    run_single,
)
from ..daycount import DayCount
from ..errors import InvalidArgumentError, InvalidTermsError, parse_enum
from ..money import Currency, format_money, parse_money
from ..persistence import (
    envelope,
    open_envelope,
)
from ..rates import parse_rate
from ..rounding import RoundingPolicy
from ..schedule import Schedule
from ._persist import plan_body, plan_from_body
from ._terms import (
    _AMOUNT,
    _CARRIED,
    _CARRY,
    _DEFAULT_ROUNDING,
    _EXACT,
    _FIXED,
    _INTEREST_ONLY,
    _KIND_ANNUITY,
    _KIND_INTEREST_ONLY,
    _KIND_ROWS,
    _LEVEL_LAST,
    _NOMINAL_BASIS,
    _ONE,
    _PAYOFF,
    _PER_PERIOD,
    _PRINCIPAL,
    _ROUNDED,
    _ZERO,
    LastInstallment,
    OddDays,
    PaymentBasis,
    PlanKind,
    PlannedRow,
    _check_fields,
    _check_installments,
    _check_minor_units,
    _flat_split,
    _KernelInputs,
    _level_payment,
    _parse_last_installment,
    _parse_payment_basis,
    _rate,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """The terms of an installment plan. Build one with a ``Plan.<kind>`` constructor.

    Amounts are integer minor units of ``currency``; rates are exact fractions.

    Parameters
    ----------
    kind
        :class:`PlanKind`.
    principal
        The amount financed, minor units.
    currency, start, due_dates, frequency
        The currency, the advance (purchase) date, the due dates in order, and the
        payment frequency (used for the periodic rate and odd periods).
    periodic_rate
        The contract's rate for one regular period (exact).
    day_count, odd_days
        How each period's interest factor is computed.
    fees
        The fee due with each installment, minor units.
    principal_parts
        The principal due with each installment for split plans (equal principal, flat
        fee, pay-in-4, explicit rows); empty for level-payment plans.
    payments
        Fixed payments of explicit rows (``None`` where not fixed).
    balloon
        Principal left for the last installment of an annuity (0 for a full annuity).
    rounding
        :class:`~bnpl_restructure.rounding.RoundingPolicy`.
    fee_rate
        The quoted per-period fee rate of a flat-fee plan (for disclosure), if any.

    Raises
    ------
    InvalidArgumentError
        ``kind`` is not a :class:`PlanKind`; ``currency``, ``start``, ``frequency`` or
        ``rounding`` is not of its type; ``due_dates`` is not a tuple of dates;
        ``fee_rate`` is not None or a Fraction;
        ``principal`` is not a positive int of minor units; ``periodic_rate`` is not a
        non-negative Fraction; ``fees``, ``principal_parts``, ``payments`` or ``balloon``
        hold something other than ints of minor units (``fees[k]`` names the value), or
        not one per installment; ``day_count``, ``odd_days``, ``payment_basis`` or
        ``last_installment`` is unknown or does not apply to this kind of plan;
        ``rounding.balance`` or ``rounding.increment`` does not apply to it, or the
        increment is too large for the loan.
    InvalidTermsError
        ``first_due`` before ``start``; ``due_dates`` not strictly increasing;
        ``principal_parts`` not adding up to the principal; ``balloon`` above it.
    """

    kind: PlanKind
    principal: int
    currency: Currency
    start: date
    due_dates: tuple[date, ...]
    frequency: Frequency = Frequency.MONTHLY
    periodic_rate: Fraction = Fraction(0)
    day_count: DayCount = DayCount.PER_PERIOD
    odd_days: OddDays = OddDays.CHARGE
    fees: tuple[int, ...] = ()
    principal_parts: tuple[int, ...] = ()
    payments: tuple[int | None, ...] = ()
    balloon: int = 0
    rounding: RoundingPolicy = field(default_factory=RoundingPolicy)
    fee_rate: Fraction | None = None
    payment_basis: PaymentBasis = PaymentBasis.PERIODS
    last_installment: LastInstallment = LastInstallment.PAYOFF
    _program: Program | None = field(default=None, init=False, repr=False, compare=False)
    _inputs: _KernelInputs | None = field(default=None, init=False, repr=False,
                                          compare=False)

    def __post_init__(self) -> None:
        if type(self.kind) is not PlanKind:
            object.__setattr__(self, "kind", parse_enum(PlanKind, self.kind, argument="kind"))
        _check_fields(self)
        n = len(self.due_dates)
        if n < 1:
            raise InvalidArgumentError("installments", "must be at least 1", received=n)
        if type(self.principal) is not int:
            raise InvalidArgumentError("principal", "must be an int of minor units (the "
                                       "Plan.<kind> constructors take major units)",
                                       received=self.principal)
        if type(self.periodic_rate) is not Fraction or self.periodic_rate.numerator < 0:
            raise InvalidArgumentError("periodic_rate", "must be a non-negative "
                                       "fractions.Fraction (exact)",
                                       received=self.periodic_rate)
        _check_minor_units("fees", self.fees)
        _check_minor_units("principal_parts", self.principal_parts,
                           minimum=-1 if self.kind is PlanKind.ROWS else 0)
        _check_minor_units("payments", self.payments, optional=True)
        if type(self.balloon) is not int:
            _check_minor_units("balloon", (self.balloon,))
        if self.principal <= 0:
            raise InvalidArgumentError("principal", "must be positive",
                                       received=self.principal)
        if self.due_dates[0] < self.start:
            raise InvalidTermsError("first_due", f"must not be before start "
                                    f"({self.start.isoformat()})",
                                    received=self.due_dates[0].isoformat())
        if not all(map(_lt, self.due_dates, self.due_dates[1:])):
            raise InvalidTermsError("due_dates", "must strictly increase")
        if not self.fees:
            object.__setattr__(self, "fees", (0,) * n)
        if len(self.fees) != n:
            raise InvalidArgumentError("fees", f"must have one value per installment ({n})",
                                       received=len(self.fees))
        if self.principal_parts and len(self.principal_parts) != n:
            raise InvalidArgumentError("principal_parts",
                                       f"must have one value per installment ({n})",
                                       received=len(self.principal_parts))
        if type(self.day_count) is not DayCount:
            object.__setattr__(self, "day_count", DayCount.parse(self.day_count))
        if type(self.odd_days) is not OddDays:
            object.__setattr__(self, "odd_days", OddDays.parse(self.odd_days))
        if self.principal_parts and self.kind is not PlanKind.ROWS and \
                sum(self.principal_parts) != self.principal:
            raise InvalidTermsError("principal_parts", "must add up to the principal",
                                    received=sum(self.principal_parts))
        if not 0 <= self.balloon <= self.principal:
            raise InvalidTermsError("balloon", "must be between 0 and the principal",
                                    received=self.balloon)
        if type(self.payment_basis) is not PaymentBasis:
            object.__setattr__(self, "payment_basis", _parse_payment_basis(self.payment_basis))
        if self.payment_basis is _NOMINAL_BASIS and self.kind is not _KIND_ANNUITY:
            raise InvalidArgumentError("payment_basis", "applies to annuities only (a level "
                                       f"payment), not to a {self.kind.value} plan",
                                       received=self.payment_basis.value)
        if type(self.last_installment) is not LastInstallment:
            object.__setattr__(self, "last_installment",
                               _parse_last_installment(self.last_installment))
        if self.last_installment is _LEVEL_LAST:
            if self.balloon:
                raise InvalidArgumentError(
                    "last_installment", "'level' cannot be combined with a balloon: the "
                    "balloon is the last installment's own amount", received="level")
            if self.kind is not _KIND_ANNUITY:
                raise InvalidArgumentError("last_installment", "'level' applies to "
                                           f"annuities only, not to a {self.kind.value} plan",
                                           received=self.last_installment.value)
            if self.rounding.balance is not _ROUNDED:
                raise InvalidArgumentError(
                    "last_installment", "'level' needs balance='rounded': an exact or "
                    "carried balance pays off in its last row by construction",
                    received=self.last_installment.value)
        if self.rounding.balance is _CARRIED and self.kind is not _KIND_ANNUITY:
            raise InvalidArgumentError(
                "rounding.balance", "'carried' (a rounded level payment on an unrounded "
                f"balance) applies to annuities, not to a {self.kind.value} plan; use "
                "'exact' or 'rounded'", received=self.rounding.balance.value)
        if self.rounding.increment is not None:
            if self.kind is _KIND_INTEREST_ONLY or self.kind is _KIND_ROWS:
                raise InvalidArgumentError(
                    "rounding.increment", "applies to level and equal installments, not "
                    f"to a {self.kind.value} plan", received=self.rounding.increment)
            self.rounding.increment_in(self.currency)  # a multiple of the minor unit
            if self.kind is _KIND_ANNUITY:
                self._check_increment_schedule()

    # ------------------------------------------------------------------ constructors

    @classmethod
    def _common(cls, principal: Any, *, currency: Any, start: Any, first_due: Any,
                installments: Any, frequency: Any, rounding: RoundingPolicy | None,
                default_first_due_offset: int = 1) -> dict[str, Any]:
        cur = Currency.of(currency)
        start_date = parse_date(start, argument="start")
        freq = Frequency.parse(frequency)
        n = _check_installments(installments)
        if first_due is None:  # anchored on start: a Jan 31 start is due Feb 29, Mar 31
            try:
                due_dates = freq._dates(start_date, default_first_due_offset,
                                        default_first_due_offset + n)
            except (OverflowError, ValueError):  # past 9999-12-31: the typed error
                freq.due_dates(start_date, n + default_first_due_offset)
                raise
        else:
            first = parse_date(first_due, argument="first_due")
            if first < start_date:
                raise InvalidTermsError("first_due", f"must not be before start "
                                        f"({start_date.isoformat()})",
                                        received=first.isoformat())
            due_dates = freq.due_dates(first, n)
        if rounding is not None and not isinstance(rounding, RoundingPolicy):
            raise InvalidArgumentError("rounding", "must be a RoundingPolicy", received=rounding)
        return {
            "principal": parse_money(principal, cur, argument="principal"),
            "currency": cur,
            "start": start_date,
            "due_dates": due_dates,
            "frequency": freq,
            "rounding": rounding or _DEFAULT_ROUNDING,
        }

    @classmethod
    def _rated(cls, principal: Any, *, installments: Any, start: Any, annual_rate: Any,
               periodic_rate: Any, first_due: Any, frequency: Any, currency: Any,
               rate_convention: Any, compounding_per_year: int | None, day_count: Any,
               odd_days: Any, fee: Any, rounding: RoundingPolicy | None) -> dict[str, Any]:
        """The terms of an interest-bearing plan (annuity, equal principal, interest only)."""
        installments = _check_installments(installments)
        terms = cls._common(principal, currency=currency, start=start, first_due=first_due,
                            installments=installments, frequency=frequency, rounding=rounding)
        terms.update(periodic_rate=_rate(annual_rate, periodic_rate,
                                         frequency=terms["frequency"],
                                         convention=rate_convention,
                                         compounding_per_year=compounding_per_year),
                     day_count=DayCount.parse(day_count), odd_days=OddDays.parse(odd_days),
                     fees=cls._fee_each(fee, terms["currency"], installments))
        return terms

    @staticmethod
    def _fee_each(fee: Any, currency: Currency, n: int) -> tuple[int, ...]:
        return (parse_money(fee, currency, argument="fee", allow_zero=True),) * n

    @classmethod
    def annuity(cls, principal: Any, *, installments: int | str, start: Any,
                annual_rate: Any = None, periodic_rate: Any = None, first_due: Any = None,
                frequency: Any = "monthly", currency: Any = "CNY",
                rate_convention: Any = "nominal", compounding_per_year: int | None = None,
                day_count: Any = "per_period", odd_days: Any = "charge", fee: Any = 0,
                balloon: Any = 0, rounding: RoundingPolicy | None = None,
                payment_basis: Any = "periods", last_installment: Any = "payoff") -> Plan:
        """Equal installments (等额本息): a level payment of principal and interest.

        Parameters
        ----------
        principal
            Amount financed in major units (``"10000.00"``, ``Decimal``, ``int``).
        installments
            Number of installments: an int, or its digits as text (``"12"``).
        start
            Advance date (``date`` or ISO string).
        annual_rate, periodic_rate
            The rate as a fraction (``"0.08"`` is 8%): a quoted annual rate read by
            ``rate_convention`` (``"nominal"``, ``"effective"``), or the rate of one
            period directly. ``0`` makes an interest-free plan.
        first_due
            First due date; default one period after ``start``.
        frequency
            ``"monthly"`` (default), ``"weekly"``, ``"biweekly"``, ``"semi_monthly"``,
            ``"semi_monthly_15_days"``, ``"quarterly"`` or a
            :class:`~bnpl_restructure.calendar.Frequency`.
        currency
            ISO code or :class:`~bnpl_restructure.money.Currency`; default ``"CNY"``.
        compounding_per_year
            Compounding frequency of a nominal rate when it differs from the payments
            (2 for Canadian mortgages).
        day_count, odd_days
            See the module docstring.
        fee
            A fixed fee due with every installment (major units).
        balloon
            Principal left to the last installment (major units; default 0).
        rounding
            :class:`~bnpl_restructure.rounding.RoundingPolicy`; the level payment is
            rounded by ``rounding.payment`` (to a multiple of ``rounding.increment`` when
            one is set), each period's interest by ``rounding.interest``.
        payment_basis
            :class:`PaymentBasis`: the level payment solved from the periods' own
            factors (``"periods"``, default) or from the nominal periodic rate
            (``"nominal"``, a spreadsheet's PMT) while interest follows ``day_count``.
        last_installment
            :class:`LastInstallment`: the last installment pays off (``"payoff"``,
            default) or is the level payment too (``"level"``), the rounding residual
            then left as :attr:`Schedule.closing_balance
            <bnpl_restructure.schedule.Schedule.closing_balance>`.

        Raises
        ------
        InvalidArgumentError
            Naming the argument: ``principal``, ``fee`` or ``balloon`` is not an amount of
            ``currency`` (negative, NaN, more decimals than it has); ``installments`` is not a
            whole number from 1 to 2,600; ``start`` or ``first_due`` is not a date, or the last
            due date is after 9999; ``annual_rate`` and ``periodic_rate`` both or neither given,
            or not a rate; ``currency``, ``frequency``, ``rate_convention``, ``day_count``,
            ``odd_days``, ``payment_basis`` or ``last_installment`` is unknown;
            ``compounding_per_year`` is not a positive int; ``rounding`` is not a
            :class:`~bnpl_restructure.rounding.RoundingPolicy` or its increment does not fit.
        InvalidTermsError
            ``first_due`` before ``start``; ``balloon`` above the principal.

        References
        ----------
        The level payment solves ``P·G_n − A·Σ_k G_n/G_k = balloon`` with
        ``G_k = Π_{j≤k}(1 + r_j)``; for a constant rate this is the spreadsheet
        ``PMT(rate, n, -P)``.

        Examples
        --------
        >>> s = Plan.annuity("200000", annual_rate="0.075", installments=180,
        ...                  start="2024-01-01", currency="USD").schedule()
        >>> s[0].payment, s[-1].balance
        (Decimal('1854.02'), Decimal('0.00'))

        Apache Fineract's cumulative schedule (its end-to-end fixture RS03): the payment
        from the nominal 1% a month in whole units, interest by Actual/365 days, rounded
        half-even; the last installment absorbs the difference:

        >>> s = Plan.annuity("5000", annual_rate="0.12", installments=18, start="2022-11-01",
        ...                  currency="EUR", day_count="act/365f", payment_basis="nominal",
        ...                  rounding=RoundingPolicy(payment="half_even", interest="half_even",
        ...                                          increment="1"))
        >>> [str(r.payment) for r in s.schedule()][::6], str(s.schedule()[-1].payment)
        (['305.00', '305.00', '305.00'], '302.33')
        """
        terms = cls._rated(principal, installments=installments, start=start,
                           annual_rate=annual_rate, periodic_rate=periodic_rate,
                           first_due=first_due, frequency=frequency, currency=currency,
                           rate_convention=rate_convention,
                           compounding_per_year=compounding_per_year, day_count=day_count,
                           odd_days=odd_days, fee=fee, rounding=rounding)
        return cls(kind=PlanKind.ANNUITY, balloon=parse_money(
            balloon, terms["currency"], argument="balloon", allow_zero=True),
            payment_basis=_parse_payment_basis(payment_basis),
            last_installment=_parse_last_installment(last_installment), **terms)

    @classmethod
    def equal_principal(cls, principal: Any, *, installments: int | str, start: Any,
                        annual_rate: Any = None, periodic_rate: Any = None,
                        first_due: Any = None, frequency: Any = "monthly",
                        currency: Any = "CNY", rate_convention: Any = "nominal",
                        compounding_per_year: int | None = None,
                        day_count: Any = "per_period", odd_days: Any = "charge",
                        fee: Any = 0, rounding: RoundingPolicy | None = None) -> Plan:
        """Equal principal (等额本金): principal split exactly, interest on the balance.

        Parameters are those of :meth:`annuity` (without ``balloon``); the principal is
        split into equal parts with the leftover minor units on the installment that
        ``rounding.residual`` names (the last by default).

        Raises
        ------
        InvalidArgumentError
            Naming the argument, as :meth:`annuity` (``principal``, ``installments``,
            ``start``, ``first_due``, the rate, ``currency``, ``frequency``, ``day_count``,
            ``odd_days``, ``fee``, ``rounding``).
        InvalidTermsError
            ``first_due`` before ``start``.

        Examples
        --------
        >>> s = Plan.equal_principal("1200.00", annual_rate="0.12", installments=12,
        ...                          start="2024-01-15").schedule()
        >>> str(s[0].payment), str(s[0].interest), str(s[-1].payment)
        ('112.00', '12.00', '101.00')
        """
        terms = cls._rated(principal, installments=installments, start=start,
                           annual_rate=annual_rate, periodic_rate=periodic_rate,
                           first_due=first_due, frequency=frequency, currency=currency,
                           rate_convention=rate_convention,
                           compounding_per_year=compounding_per_year, day_count=day_count,
                           odd_days=odd_days, fee=fee, rounding=rounding)
        policy: RoundingPolicy = terms["rounding"]
        parts = policy.split(terms["principal"], len(terms["due_dates"]),
                             increment=policy.increment_in(terms["currency"]))
        return cls(kind=PlanKind.EQUAL_PRINCIPAL, principal_parts=tuple(parts), **terms)

    @classmethod
    def flat_fee(cls, principal: Any, *, installments: int | str, start: Any,
                 fee_rate: Any = None, total_fee_rate: Any = None, first_due: Any = None,
                 frequency: Any = "monthly", currency: Any = "CNY",
                 rounding: RoundingPolicy | None = None) -> Plan:
        """Flat fee on the original principal (等本等息), JD Baitiao / Ant Huabei style.

        Parameters
        ----------
        principal
            Amount financed in major units.
        installments
            Number of installments (3, 6, 12, 24 are typical); an int, or its digits as
            text (``"12"``).
        start
            Purchase (advance) date.
        fee_rate
            The per-period fee rate on the original principal (``"0.005"`` is 0.5% a
            period): every installment's fee is ``principal × fee_rate`` rounded by
            ``rounding.interest``.
        total_fee_rate
            Alternatively the fee rate for the whole term (Huabei quotes 2.5% for 3
            installments): the total fee ``principal × total_fee_rate`` (rounded once)
            is split exactly over the installments.
        first_due, frequency, currency, rounding
            As in :meth:`annuity`.

        Raises
        ------
        InvalidArgumentError
            Naming the argument: ``principal`` is not an amount of ``currency``;
            ``installments`` is not a whole number from 1 to 2,600; ``start`` or ``first_due``
            is not a date; ``fee_rate`` and ``total_fee_rate`` both or neither given, or not a
            rate (a plain ``fee_rate`` of 10% or more must be written as a percentage);
            ``currency`` or ``frequency`` is unknown; ``rounding`` is not a
            :class:`~bnpl_restructure.rounding.RoundingPolicy`, or ``rounding.increment`` is
            too large for the installments or their fees.
        InvalidTermsError
            ``first_due`` before ``start``.

        References
        ----------
        JD Baitiao fee standard: per-period fee = principal × monthly fee rate, collected
        with each period's principal; Huabei: total fee = amount × total rate, spread
        evenly over the installments.

        Examples
        --------
        >>> s = Plan.flat_fee("1000.00", fee_rate="0.007", installments=3,
        ...                   start="2024-01-15").schedule()
        >>> [(str(r.principal), str(r.fee)) for r in s]
        [('333.33', '7.00'), ('333.33', '7.00'), ('333.34', '7.00')]
        >>> s = Plan.flat_fee("1000.00", total_fee_rate="0.025", installments=3,
        ...                   start="2024-01-15").schedule()
        >>> [str(r.payment) for r in s]
        ['341.66', '341.66', '341.68']
        """
        installments = _check_installments(installments)
        terms = cls._common(principal, currency=currency, start=start, first_due=first_due,
                            installments=installments, frequency=frequency, rounding=rounding)
        policy: RoundingPolicy = terms["rounding"]
        p = terms["principal"]
        if (fee_rate is None) == (total_fee_rate is None):
            raise InvalidArgumentError("fee_rate", "give exactly one of fee_rate (per "
                                       "period) and total_fee_rate (whole term)",
                                       received=(fee_rate, total_fee_rate))
        if fee_rate is not None:
            quoted = parse_rate(fee_rate, argument="fee_rate", plain_limit=Fraction(1, 10))
        else:
            quoted = parse_rate(total_fee_rate, argument="total_fee_rate") / installments
        fees, parts = _flat_split(p, installments, quoted, policy, terms["currency"],
                                  per_period=fee_rate is not None)
        return cls(kind=PlanKind.FLAT_FEE, fees=fees, fee_rate=quoted,
                   principal_parts=parts, **terms)

    @classmethod
    def pay_in_4(cls, principal: Any, *, start: Any, installments: int | str = 4,
                 frequency: Any = "biweekly", currency: Any = "CNY",
                 rounding: RoundingPolicy | None = None) -> Plan:
        """Pay-in-4: the first installment at purchase, the rest every two weeks.

        No interest and no fees; the principal is split exactly into ``installments``
        parts, the leftover minor units going to the installment that
        ``rounding.residual`` names: the **last** by default (100.01 → 25.00, 25.00,
        25.00, 25.01), the first with ``RoundingPolicy(residual="first")``.

        Raises
        ------
        InvalidArgumentError
            Naming the argument: ``principal`` is not an amount of ``currency``;
            ``installments`` is not a whole number from 2 to 6; ``start`` is not a date;
            ``currency`` or ``frequency`` is unknown; ``rounding`` is not a
            :class:`~bnpl_restructure.rounding.RoundingPolicy`, or its increment is too large.

        References
        ----------
        CFPB interpretive rule on BNPL (89 Fed. Reg. 47068, 2024): core BNPL is repaid
        in four or fewer interest-free installments, typically 25% at purchase and
        three more every two weeks.

        Examples
        --------
        >>> s = Plan.pay_in_4("100.01", start="2024-03-01", currency="USD").schedule()
        >>> [(r.due_date.isoformat(), str(r.payment)) for r in s]  # doctest: +NORMALIZE_WHITESPACE
        [('2024-03-01', '25.00'), ('2024-03-15', '25.00'), ('2024-03-29', '25.00'),
         ('2024-04-12', '25.01')]
        """
        if isinstance(installments, str):
            installments = _check_installments(installments)
        if isinstance(installments, bool) or not isinstance(installments, int) or \
                not 2 <= installments <= 6:
            raise InvalidArgumentError("installments", "must be an integer from 2 to 6 for a "
                                       "pay-in-N plan (use Plan.equal_principal for more)",
                                       received=installments)
        terms = cls._common(principal, currency=currency, start=start, first_due=start,
                            installments=installments, frequency=frequency, rounding=rounding)
        policy: RoundingPolicy = terms["rounding"]
        return cls(kind=PlanKind.PAY_IN_4,
                   principal_parts=tuple(policy.split(
                       terms["principal"], installments,
                       increment=policy.increment_in(terms["currency"]))),
                   **terms)

    @classmethod
    def interest_only(cls, principal: Any, *, installments: int | str, start: Any,
                      annual_rate: Any = None, periodic_rate: Any = None,
                      first_due: Any = None, frequency: Any = "monthly",
                      currency: Any = "CNY", rate_convention: Any = "nominal",
                      compounding_per_year: int | None = None,
                      day_count: Any = "per_period", odd_days: Any = "charge",
                      fee: Any = 0, rounding: RoundingPolicy | None = None) -> Plan:
        """Interest only, with the whole principal as a balloon on the last installment.

        Parameters are those of :meth:`annuity`. For a partly amortizing loan with a
        balloon use ``Plan.annuity(..., balloon=...)``.

        Raises
        ------
        InvalidArgumentError
            Naming the argument, as :meth:`annuity` (``principal``, ``installments``,
            ``start``, ``first_due``, the rate, ``currency``, ``frequency``, ``day_count``,
            ``odd_days``, ``fee``); ``rounding.increment``, which does not apply here.
        InvalidTermsError
            ``first_due`` before ``start``.

        Examples
        --------
        >>> s = Plan.interest_only("1000.00", annual_rate="0.12", installments=3,
        ...                        start="2024-01-15").schedule()
        >>> [str(r.payment) for r in s]
        ['10.00', '10.00', '1010.00']
        """
        terms = cls._rated(principal, installments=installments, start=start,
                           annual_rate=annual_rate, periodic_rate=periodic_rate,
                           first_due=first_due, frequency=frequency, currency=currency,
                           rate_convention=rate_convention,
                           compounding_per_year=compounding_per_year, day_count=day_count,
                           odd_days=odd_days, fee=fee, rounding=rounding)
        return cls(kind=PlanKind.INTEREST_ONLY, balloon=terms["principal"], **terms)

    @classmethod
    def from_rows(cls, principal: Any, *, rows: Iterable[Any], start: Any,
                  annual_rate: Any = None, periodic_rate: Any = None,
                  frequency: Any = "monthly", currency: Any = "CNY",
                  rate_convention: Any = "nominal", compounding_per_year: int | None = None,
                  day_count: Any = "per_period", odd_days: Any = "regular",
                  rounding: RoundingPolicy | None = None) -> Plan:
        """A plan from explicit rows, for irregular or restructured plans.

        Parameters
        ----------
        principal
            Amount financed in major units.
        rows
            Each row a :class:`PlannedRow` (minor units), a mapping with ``due`` and
            optionally ``principal``, ``payment``, ``fee`` (major units), or a tuple
            ``(due, principal)`` / ``(due, principal, fee)``. A row with ``principal``
            pays that principal plus the interest due; one with ``payment`` pays that
            amount (interest first); one with neither pays interest only. The last row
            pays off what remains; when every row gives its principal they must add up
            to ``principal``.
        annual_rate, periodic_rate
            The rate (default 0: interest-free). With the ``"per_period"`` day count each
            row's period is charged the periodic rate of ``frequency``.
        odd_days
            Default ``"regular"``: the first row's period is charged as one period.

        Raises
        ------
        InvalidArgumentError
            ``rows`` is not a non-empty sequence of rows, or has more than 2,600;
            ``rows[k]`` is not a :class:`PlannedRow`, a mapping or a ``(due, principal[,
            fee])`` tuple, or gives both principal and payment; ``rows[k].due``,
            ``rows[k].principal``, ``rows[k].payment`` or ``rows[k].fee`` is not a date or an
            amount; ``principal``, ``start``, the rate, ``currency``, ``frequency``,
            ``day_count``, ``odd_days`` or ``rounding`` as for :meth:`annuity`.
        InvalidTermsError
            ``rows``: the principal parts do not add up to (or exceed) the principal;
            ``rows[0].due`` before ``start``; ``rows[k].due`` not after the row before.

        Examples
        --------
        >>> s = Plan.from_rows("900.00", start="2024-01-01", rows=[
        ...     ("2024-02-01", "300.00"), ("2024-04-01", "300.00", "5.00"),
        ...     {"due": "2024-05-01", "principal": "300.00"}]).schedule()
        >>> [str(r.payment) for r in s]
        ['300.00', '305.00', '300.00']
        """
        cur = Currency.of(currency)
        start_date = parse_date(start, argument="start")
        freq = Frequency.parse(frequency)
        if rounding is not None and not isinstance(rounding, RoundingPolicy):
            raise InvalidArgumentError("rounding", "must be a RoundingPolicy", received=rounding)
        amount = parse_money(principal, cur, argument="principal")
        if isinstance(rows, (str, bytes, Mapping)) or not isinstance(rows, Iterable):
            raise InvalidArgumentError("rows", "must be a sequence of rows (PlannedRow, "
                                       "mapping or (due, principal[, fee]) tuple)",
                                       received=rows)
        planned = [cls._planned_row(row, cur, k) for k, row in enumerate(rows)]
        if not planned:
            raise InvalidArgumentError("rows", "must contain at least one row", received=[])
        _check_installments(len(planned))
        parts = [r.principal for r in planned]
        principal_parts: tuple[int, ...] = ()
        if all(p is not None for p in parts):
            total = sum(p for p in parts if p is not None)
            if total != amount:
                raise InvalidTermsError(
                    "rows", f"principal parts add up to {format_money(total, cur)}, the "
                    f"plan's principal is {format_money(amount, cur)}", received=total)
            principal_parts = tuple(p for p in parts if p is not None)
        elif any(p is not None for p in parts):
            given = sum(p for p in parts if p is not None)
            if given > amount:
                raise InvalidTermsError(
                    "rows", f"principal parts add up to {format_money(given, cur)}, more "
                    f"than the plan's principal {format_money(amount, cur)}", received=given)
            principal_parts = tuple(-1 if p is None else p for p in parts)
        if planned[0].due < start_date:
            raise InvalidTermsError("rows[0].due", f"must not be before start "
                                    f"({start_date.isoformat()})",
                                    received=planned[0].due.isoformat())
        for k in range(1, len(planned)):
            if planned[k].due <= planned[k - 1].due:
                raise InvalidTermsError(f"rows[{k}].due", "due dates must strictly increase",
                                        received=planned[k].due.isoformat())
        return cls(kind=PlanKind.ROWS, principal=amount, currency=cur, start=start_date,
                   due_dates=tuple(r.due for r in planned), frequency=freq,
                   periodic_rate=_rate(annual_rate, periodic_rate, frequency=freq,
                                       convention=rate_convention,
                                       compounding_per_year=compounding_per_year,
                                       required=False),
                   day_count=DayCount.parse(day_count), odd_days=OddDays.parse(odd_days),
                   fees=tuple(r.fee for r in planned), principal_parts=principal_parts,
                   payments=tuple(r.payment for r in planned),
                   rounding=rounding or RoundingPolicy())

    @staticmethod
    def _planned_row(row: Any, currency: Currency, k: int) -> PlannedRow:
        where = f"rows[{k}]"
        if isinstance(row, PlannedRow):
            return row
        if isinstance(row, Mapping):
            unknown = set(row) - {"due", "principal", "payment", "fee"}
            if unknown or "due" not in row:
                raise InvalidArgumentError(where, "needs 'due' and optionally 'principal', "
                                           "'payment', 'fee'", received=dict(row))
            due, principal, payment, fee = (row.get("due"), row.get("principal"),
                                            row.get("payment"), row.get("fee", 0))
        elif isinstance(row, Sequence) and not isinstance(row, str) and 2 <= len(row) <= 3:
            due, principal, payment = row[0], row[1], None
            fee = row[2] if len(row) == 3 else 0
        else:
            raise InvalidArgumentError(where, "must be a PlannedRow, a mapping or a tuple "
                                       "(due, principal[, fee])", received=row)
        if due is None:
            raise InvalidArgumentError(f"{where}.due", "is required", received=None)
        if principal is not None and payment is not None:
            raise InvalidArgumentError(where, "give principal or payment, not both",
                                       received=row)
        return PlannedRow(
            due=parse_date(due, argument=f"{where}.due"),
            principal=None if principal is None else parse_money(
                principal, currency, argument=f"{where}.principal", allow_zero=True),
            payment=None if payment is None else parse_money(
                payment, currency, argument=f"{where}.payment", allow_zero=True),
            fee=parse_money(fee, currency, argument=f"{where}.fee", allow_zero=True))

    # ---------------------------------------------------------------------- program

    @property
    def installments(self) -> int:
        """Number of installments."""
        return len(self.due_dates)

    @property
    def first_due(self) -> date:
        """The first due date."""
        return self.due_dates[0]

    @property
    def maturity(self) -> date:
        """The last due date."""
        return self.due_dates[-1]

    @property
    def nominal_annual_rate(self) -> Fraction:
        """The nominal annual rate: periodic rate × periods per year (for an effective
        or differently compounded quoted rate, its nominal equivalent at the payment
        frequency; this is the rate the day counts apply to)."""
        return self.periodic_rate * self.frequency.periods_per_year

    def _odd_fraction(self) -> Fraction:
        """The first period's length in regular periods, per the ``odd_days`` rule."""
        first, start = self.due_dates[0], self.start
        try:
            if self.frequency._step(start, 1) == first:
                return _ONE  # the usual case: due one period after the start
        except (OverflowError, ValueError):  # one period after start is past 9999-12-31
            pass
        forward = 0  # a first due date a whole number of periods after start (Jan 31 -> Feb 29)
        while (day := self.frequency.advance(start, forward)) <= first:
            if day == first:
                return Fraction(forward)
            forward += 1
        whole = 0
        while self.frequency.advance(first, -(whole + 1)) >= start:
            whole += 1
        stub_end = self.frequency.advance(first, -whole)
        if stub_end == start:
            return Fraction(whole)
        containing = self.frequency.advance(first, -whole - 1)
        return whole + Fraction((stub_end - start).days, (stub_end - containing).days)

    def factors(self) -> tuple[Fraction, ...]:
        """Each period's interest factor (interest = balance × factor), exact."""
        n = len(self.due_dates)
        rate = self.periodic_rate
        if rate.numerator == 0:
            return (_ZERO,) * n
        if self.day_count is _PER_PERIOD:
            odd = self._odd_fraction()
            if odd is _ONE or odd == 1:
                return (rate,) * n
            charged = rate * odd
            first = {OddDays.CHARGE: charged, OddDays.REGULAR: rate,
                     OddDays.FREE: min(charged, rate)}[self.odd_days]
            return (first,) + (rate,) * (n - 1)
        annual = self.nominal_annual_rate
        regular = annual * self.day_count.year_fraction(
            self.frequency.advance(self.due_dates[0], -1), self.due_dates[0])
        charged = annual * self.day_count.year_fraction(self.start, self.due_dates[0])
        first = {OddDays.CHARGE: charged, OddDays.REGULAR: regular,
                 OddDays.FREE: min(charged, regular)}[self.odd_days]
        later = (annual * self.day_count.year_fraction(a, b)
                 for a, b in zip(self.due_dates, self.due_dates[1:], strict=False))
        return (first, *later)

    def level_payment(self) -> int:
        """The level payment of principal and interest of an annuity, minor units (solved
        from the factors that :attr:`payment_basis` names, rounded by the rounding
        policy's ``payment`` mode to its ``increment``)."""
        return _level_payment(self.principal, self._payment_factors(self.factors()),
                              mode=self.rounding.payment, balloon=self.balloon,
                              increment=self.rounding.increment_in(self.currency))

    def _check_increment_schedule(self) -> None:
        """An increment must leave every installment something to pay and the loan to
        its last due date (a level payment rounded to 0, or one that pays off early,
        means the increment is too large for the loan)."""
        payments = self.schedule().payment
        if 0 in payments or (self.rounding.balance is not _EXACT and not payments[-1]):
            raise InvalidArgumentError(
                "rounding.increment", f"is too large for this loan: installments "
                f"{[format_money(p, self.currency) for p in payments[:3]]}... would "
                "include nothing to pay; use a smaller increment",
                received=self.rounding.increment)

    def _payment_factors(self, factors: tuple[Fraction, ...]) -> tuple[Fraction, ...]:
        """The factors the level payment is solved from (:class:`PaymentBasis`)."""
        if self.payment_basis is _NOMINAL_BASIS:
            return (self.periodic_rate,) * len(factors)
        return factors

    def program(self) -> Program:
        """Compile the plan to the core's period program (compiled once; plans and
        programs are immutable)."""
        if self._program is None:
            object.__setattr__(self, "_program", self._compile())
        assert self._program is not None
        return self._program

    def _kernel_inputs(self) -> _KernelInputs:
        """The program column by column (computed once): the compiled form that both
        :meth:`program` and :meth:`schedule` use."""
        if self._inputs is not None:
            return self._inputs
        factors = self.factors()
        n = len(factors)
        kind = self.kind
        exact = self.rounding.balance is _EXACT
        last = n - 1
        amounts: tuple[int | Fraction, ...]
        if kind is _KIND_ANNUITY:
            # spreadsheet-style plans carry the unrounded payment, as a spreadsheet does
            pay = _level_payment(self.principal, self._payment_factors(factors),
                                 balloon=self.balloon,
                                 mode=None if exact else self.rounding.payment,
                                 increment=self.rounding.increment_in(self.currency))
            if self.last_installment is _LEVEL_LAST:  # the residual stays as the balance
                rules = (_AMOUNT,) * last + (_FIXED,)
                amounts = (pay,) * n
            else:
                rules = (_AMOUNT,) * last + (_PAYOFF,)
                amounts = (pay,) * last + (0,)
        elif kind is _KIND_INTEREST_ONLY:
            rules = (_INTEREST_ONLY,) * last + (_PAYOFF,)
            amounts = (0,) * n
        elif kind is _KIND_ROWS:
            rule_list, amount_list = [], []
            for k in range(last):
                part = self.principal_parts[k] if self.principal_parts else -1
                payment = self.payments[k] if self.payments else None
                if part >= 0:
                    rule_list.append(_PRINCIPAL)
                    amount_list.append(part)
                elif payment is not None:
                    rule_list.append(_AMOUNT)
                    amount_list.append(payment)
                else:
                    rule_list.append(_INTEREST_ONLY)
                    amount_list.append(0)
            rules = (*rule_list, _PAYOFF)
            amounts = (*amount_list, 0)
        else:
            rules = (_PRINCIPAL,) * last + (_PAYOFF,)
            amounts = (*self.principal_parts[:-1], 0)
        first = factors[0]
        if factors.count(first) == n:  # one rate throughout: no per-period work
            nums, dens = (first.numerator,) * n, (first.denominator,) * n
        else:
            nums = tuple(f.numerator for f in factors)
            dens = tuple(f.denominator for f in factors)
        inputs = _KernelInputs(nums, dens, factors, rules, amounts, self.fees, (_CARRY,) * n)
        object.__setattr__(self, "_inputs", inputs)
        return inputs

    def _compile(self) -> Program:
        inputs = self._kernel_inputs()
        periods = tuple(
            Period(due=due, factor=factor, rule=rule, amount=amount, fee=fee,
                   unpaid=UnpaidInterest.CARRY)
            for due, factor, rule, amount, fee in zip(self.due_dates, inputs.factors,
                                                      inputs.rules, inputs.amounts,
                                                      inputs.fees, strict=True))
        balance = self.rounding.balance
        return Program(principal=self.principal, periods=periods,
                       interest_rounding=self.rounding.interest,
                       exact_balance=balance is not _ROUNDED,
                       payment_rounding=self.rounding.payment,
                       carried_payoff=balance is _CARRIED)

    def with_rounding(self, rounding: RoundingPolicy) -> Plan:
        """The same plan under another rounding policy, rebuilt as its constructor would
        build it: a split plan's principal re-split (residual, increment), a flat plan's
        fees re-rounded (per period when they are level, else the term's fee split).
        Explicit rows (``Plan.from_rows``) keep their amounts.

        Raises
        ------
        InvalidArgumentError
            ``rounding`` is not a :class:`~bnpl_restructure.rounding.RoundingPolicy`, or
            its increment is too large for a flat plan's fees (``rounding.increment``).

        Examples
        --------
        >>> plan = Plan.equal_principal("100.01", annual_rate=0, installments=4,
        ...                             start="2024-01-15")
        >>> plan.principal_parts, plan.with_rounding(
        ...     RoundingPolicy(residual="first")).principal_parts
        ((2500, 2500, 2500, 2501), (2501, 2500, 2500, 2500))
        """
        if not isinstance(rounding, RoundingPolicy):
            raise InvalidArgumentError("rounding", "must be a RoundingPolicy",
                                       received=rounding)
        n = len(self.due_dates)
        if self.kind in (PlanKind.EQUAL_PRINCIPAL, PlanKind.PAY_IN_4):
            parts = tuple(rounding.split(self.principal, n,
                                         increment=rounding.increment_in(self.currency)))
            return replace(self, rounding=rounding, principal_parts=parts)
        if self.kind is PlanKind.FLAT_FEE and self.fee_rate is not None:
            fees, parts = _flat_split(self.principal, n, self.fee_rate, rounding,
                                      self.currency, per_period=len(set(self.fees)) == 1)
            return replace(self, rounding=rounding, fees=fees, principal_parts=parts)
        return replace(self, rounding=rounding)

    def schedule(self) -> Schedule:
        """Run the plan through the core and return its :class:`Schedule`."""
        cols: Sequence[tuple[int, ...]]
        if self.rounding.balance is not _ROUNDED:
            cols = run_single(self.program())
        else:
            inputs = self._kernel_inputs()
            cols = _run_raw(self.principal, inputs.nums, inputs.dens, inputs.rules,
                            inputs.amounts,  # type: ignore[arg-type]  # ints when rounded
                            inputs.fees, inputs.unpaids, self.rounding.interest)
        return Schedule._from_columns(cols, currency=self.currency, start=self.start,
                                      principal=self.principal, due_dates=self.due_dates,
                                      source=self, frequency=self.frequency)

    def __repr__(self) -> str:
        rate = self.periodic_rate
        if self.kind is PlanKind.FLAT_FEE and self.fee_rate is not None:
            quoted = f"fee {float(self.fee_rate) * 100:.4g}%/period"
        elif rate:
            quoted = f"{float(self.nominal_annual_rate) * 100:.6g}%/yr nominal"
        else:
            quoted = "interest-free"
        return (f"Plan.{self.kind.value}({self.currency.code} "
                f"{format_money(self.principal, self.currency)}, {quoted}, "
                f"{self.installments} × {self.frequency.name}, "
                f"{self.due_dates[0].isoformat()}..{self.due_dates[-1].isoformat()})")

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Pretty printers (IPython, Hypothesis' reports) show the short repr."""
        printer.text(repr(self))

    def _repr_html_(self) -> str:
        """The notebook view: the plan, its payments and cost, and its terms."""
        from .._html import card
        s = self.schedule()

        def fmt(minor: int) -> str:
            return format_money(minor, self.currency)

        pay = s.payment
        figures = [("payment", fmt(pay[0]) if min(pay) == max(pay) else
                    f"{fmt(pay[0])} first, {fmt(pay[-1])} last"),
                   ("total of payments", fmt(sum(pay))),
                   ("interest + fees", fmt(sum(s.interest) + sum(s.fee)))]
        terms = [("principal", f"{self.currency.code} {fmt(self.principal)}"),
                 ("installments", f"{self.installments} × {self.frequency.name}"),
                 ("due", f"{self.first_due.isoformat()} .. {self.maturity.isoformat()}"),
                 ("day count", self.day_count.value), ("rounding", repr(self.rounding))]
        return card(repr(self), figures, ("term", "value"), terms)

    # ------------------------------------------------------------------ persistence

    def to_dict(self) -> dict[str, Any]:
        """The plan as a JSON-safe document (kind ``"plan"``): its terms, field by field.

        Money is written as strings in major units, dates in ISO 8601, rates exactly
        (``"0.005"``, ``"1/1200"``), conventions by their value; never a float.
        :meth:`from_dict` gives back an equal plan, with the same schedule. See
        :mod:`bnpl_restructure.persistence`.

        Examples
        --------
        >>> plan = Plan.annuity("1200", annual_rate="0.1", installments=3,
        ...                     start="2024-01-31")
        >>> doc = plan.to_dict()
        >>> doc["kind"], doc["principal"], doc["periodic_rate"], doc["due_dates"][:2]
        ('plan', '1200.00', '1/120', ['2024-02-29', '2024-03-31'])
        >>> Plan.from_dict(doc) == plan
        True
        """
        return envelope("plan", self._body())

    def _body(self) -> dict[str, Any]:
        """The fields of :meth:`to_dict` without the envelope."""
        return plan_body(self)

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Plan:
        """The plan a :meth:`to_dict` document holds.

        Raises
        ------
        InvalidDocumentError
            The document is malformed (a missing field, a float where money belongs,
            an unknown convention, terms that do not make a plan), of another kind, or
            from a newer version; the message names the field's path (``"plan.fees[3]"``).

        Examples
        --------
        >>> doc = Plan.pay_in_4("100.01", start="2024-03-01").to_dict()
        >>> Plan.from_dict(doc).schedule().payment
        (2500, 2500, 2500, 2501)
        >>> Plan.from_dict(doc | {"balloon": 5})
        Traceback (most recent call last):
        ...
        bnpl_restructure.errors.InvalidDocumentError: plan.balloon: must be a string of \
money in major units such as '340.33' (never a float) (got 5)
        """
        return cls._from_body(open_envelope(document, "plan"), "plan")

    @classmethod
    def _from_body(cls, body: Mapping[str, Any], where: str) -> Plan:
        """:meth:`from_dict` of the fields without the envelope; paths below ``where``."""
        return plan_from_body(cls, body, where)
