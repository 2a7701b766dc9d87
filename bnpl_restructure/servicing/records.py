"""What happens to a loan, as records: payments received, charges added on a date, and
the ledger lines the servicing engine writes.

Payments and charges are the *inputs* of a loan's history (with its schedule and terms
they determine everything); ledger lines are its *output*.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from .._context import in_library_context
from ..calendar import parse_date
from ..errors import (
    CurrencyMismatchError,
    InvalidArgumentError,
    InvalidDocumentError,
    InvalidTermsError,
)
from ..money import Currency, parse_money, to_decimal

__all__ = ["LEDGER_KINDS", "Charge", "LedgerEvent", "Payment"]


def _positive(value: Any, argument: str) -> Decimal:
    amount = to_decimal(value, argument=argument)
    if amount <= 0:
        raise InvalidArgumentError(argument, "must be greater than zero", received=value)
    return amount


@dataclass(frozen=True, slots=True, kw_only=True)
class Payment:
    """A payment received: its date, amount (major units, positive) and optionally its
    currency (checked against the schedule's).

    Raises
    ------
    InvalidArgumentError
        ``payment.date`` is not a date; ``payment.amount`` is not an amount greater than
        zero; ``currency`` is unknown.
    """

    date: date
    amount: Decimal
    currency: Currency | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "date", parse_date(self.date, argument="payment.date"))
        object.__setattr__(self, "amount", _positive(self.amount, "payment.amount"))
        if self.currency is not None:
            object.__setattr__(self, "currency", Currency.of(self.currency))


@dataclass(frozen=True, slots=True, kw_only=True)
class Charge:
    """A named charge added to the loan on a date: a returned payment (NSF) fee, a
    snooze or extension fee, a collection fee.

    ``installment``: the number of the installment it is added to, or ``None`` for the
    loan as a whole. A charge to the loan falls due on ``date``; a charge to an
    installment is payable with it, like its penalty and late fees
    (:attr:`ServicingTerms.charge_dating`: dated on the installment's due date, so a fee
    added to an installment still to come is owed when it falls due; or on ``date``).
    Among an installment's parts it takes the place of ``"charge"`` in
    :attr:`ServicingTerms.waterfall`.

    >>> Charge(date="2026-03-02", name="nsf", amount="15.00")
    Charge(date=datetime.date(2026, 3, 2), name='nsf', amount=Decimal('15.00'), \
installment=None, currency=None)

    Raises
    ------
    InvalidArgumentError
        ``charge.date`` is not a date; ``charge.name`` is not a non-empty string;
        ``charge.amount`` is not an amount greater than zero; ``charge.installment`` is not
        None or an installment number of at least 1; ``currency`` is unknown.
    """

    date: date
    name: str
    amount: Decimal
    installment: int | None = None
    currency: Currency | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "date", parse_date(self.date, argument="charge.date"))
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidArgumentError("charge.name", "must be a non-empty string such as "
                                       "'nsf' or 'extension_fee'", received=self.name)
        object.__setattr__(self, "amount", _positive(self.amount, "charge.amount"))
        if self.installment is not None and (
                isinstance(self.installment, bool) or not isinstance(self.installment, int)
                or self.installment < 1):
            raise InvalidArgumentError("charge.installment", "must be an installment "
                                       "number (>= 1) or None for the loan",
                                       received=self.installment)
        if self.currency is not None:
            object.__setattr__(self, "currency", Currency.of(self.currency))


#: Ledger kinds. ``due``, ``penalty``, ``late_fee`` and ``charge`` charge money;
#: ``allocation`` pays a charge; ``rebate`` forgives a charge; ``refund`` returns money
#: paid on a charge that was rebated (to the credit balance); ``payment`` and ``credit``
#: are cash in and cash held; ``cancelled`` records scheduled charges of future
#: installments that will never be charged (early payoff, a shortened plan), and
#: ``reschedule`` a re-run plan; these two are information, not charges.
LEDGER_KINDS = ("payment", "due", "penalty", "late_fee", "charge", "allocation", "rebate",
                "refund", "credit", "cancelled", "reschedule")


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerEvent:
    """One ledger line (see :data:`LEDGER_KINDS`); ``amount`` in major units, >= 0."""

    date: date
    kind: str
    amount: Decimal
    installment: int | None = None
    component: str | None = None
    note: str = ""

    @in_library_context  # str() of a Decimal follows the context's ``capitals``
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (amount as a Decimal string, date ISO)."""
        return {"date": self.date.isoformat(), "kind": self.kind, "amount": str(self.amount),
                "installment": self.installment, "component": self.component,
                "note": self.note}

    @classmethod
    @in_library_context  # Decimal(text): the context decides what a malformed one does
    def from_dict(cls, data: dict[str, Any]) -> LedgerEvent:
        """Inverse of :meth:`to_dict`.

        Raises
        ------
        InvalidDocumentError
            ``data`` is not a mapping, or ``ledger_event.<field>`` is missing or not of
            its type (an ISO date, a kind of :data:`LEDGER_KINDS`, an amount written as
            a string, an int or null, a string or null).
        """
        from ..persistence import (
            check_keys,
            read_date,
            read_decimal,
            read_int,
            read_optional,
            read_str,
        )

        where = "ledger_event"
        if not isinstance(data, Mapping):
            raise InvalidDocumentError(where, "must be a mapping (a JSON object)",
                                       received=type(data).__name__)
        check_keys(data, cls.__dataclass_fields__, where)
        kind = read_str(data, "kind", where)
        if kind not in LEDGER_KINDS:
            raise InvalidDocumentError(f"{where}.kind", f"must be one of {LEDGER_KINDS}",
                                       received=kind)
        note = read_optional(read_str, data, "note", where)
        return cls(date=read_date(data, "date", where), kind=kind,
                   amount=read_decimal(data, "amount", where),
                   installment=read_optional(read_int, data, "installment", where),
                   component=read_optional(read_str, data, "component", where),
                   note="" if note is None else note)


def _check_currency(record: Payment | Charge, currency: Currency, where: str) -> None:
    if record.currency is not None and record.currency != currency:
        raise CurrencyMismatchError(f"{where}.currency", f"must be {currency.code}, the "
                                    "schedule's currency", received=record.currency.code)


def _check_date(day: date, previous: date | None, start: date, where: str,
                since: str) -> None:
    if day < start:
        raise InvalidTermsError(f"{where}.date", f"must not be before {since} "
                                f"({start.isoformat()})", received=day.isoformat())
    if previous is not None and day < previous:
        raise InvalidArgumentError(f"{where}.date", "must be in date order (previous "
                                   f"{previous.isoformat()})", received=day.isoformat())


def read_payments(payments: Iterable[Any] | None, currency: Currency,
                  start: date, *, argument: str = "payments",
                  since: str = "the loan starts") -> list[Payment]:
    """Payments as given (:class:`Payment` or ``(date, amount[, currency])``) checked and
    normalized: date order, not before ``start`` (``since`` names it), the schedule's
    currency, whole minor units."""
    if payments is None or isinstance(payments, (str, bytes, Mapping)) or not isinstance(
            payments, Iterable):
        raise InvalidArgumentError(argument, "must be a sequence of Payment objects or "
                                   "(date, amount[, currency]) tuples", received=payments)
    out: list[Payment] = []
    for k, item in enumerate(payments):
        where = f"{argument}[{k}]"
        if isinstance(item, Payment):
            payment = item
        elif isinstance(item, (tuple, list)) and len(item) in (2, 3):
            payment = Payment(date=parse_date(item[0], argument=f"{where}.date"),
                              amount=_positive(item[1], f"{where}.amount"),
                              currency=Currency.of(item[2]) if len(item) == 3 else None)
        else:
            raise InvalidArgumentError(where, "must be a Payment or a (date, amount[, "
                                       "currency]) tuple", received=item)
        _check_currency(payment, currency, where)
        minor = parse_money(payment.amount, currency, argument=f"{where}.amount")
        _check_date(payment.date, out[-1].date if out else None, start, where, since)
        out.append(Payment(date=payment.date, amount=currency.to_major(minor),
                           currency=currency))
    return out


def read_charges(charges: Iterable[Any] | None, currency: Currency, start: date,
                 numbers: Sequence[int], since: str = "the loan starts") -> list[Charge]:
    """Charges as given (:class:`Charge` objects), checked like payments; an installment
    number must be one of ``numbers`` (the schedule's, in order)."""
    if charges is None or isinstance(charges, (str, bytes, Mapping)) or not isinstance(
            charges, Iterable):
        raise InvalidArgumentError("charges", "must be a sequence of Charge objects",
                                   received=charges)
    out: list[Charge] = []
    known: set[int] | None = None
    for k, charge in enumerate(charges):
        where = f"charges[{k}]"
        if not isinstance(charge, Charge):
            raise InvalidArgumentError(where, "must be a Charge(date=, name=, amount=[, "
                                       "installment=])", received=charge)
        _check_currency(charge, currency, where)
        minor = parse_money(charge.amount, currency, argument=f"{where}.amount")
        _check_date(charge.date, out[-1].date if out else None, start, where, since)
        known = set(numbers) if known is None else known
        if charge.installment is not None and charge.installment not in known:
            raise InvalidArgumentError(f"{where}.installment", "is not an installment of "
                                       f"the loan still to pay ({numbers[0]}..{numbers[-1]})"
                                       if numbers else "is not an installment of the loan",
                                       received=charge.installment)
        out.append(Charge(date=charge.date, name=charge.name.strip(),
                          amount=currency.to_major(minor), installment=charge.installment,
                          currency=currency))
    return out
