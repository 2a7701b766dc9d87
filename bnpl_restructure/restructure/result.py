""":class:`Restructuring`, :func:`restructure` and the one-change functions."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import MISSING, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from .._context import in_library_context
from ..errors import (
    InvalidArgumentError,
)
from ..money import format_money
from ..persistence import (
    envelope,
    open_envelope,
)
from ..schedule import Schedule
from ..servicing import LoanState, ServicingTerms
from .changes import (
    CapitalizeArrears,
    Change,
    DeferPrincipal,
    ExtendTerm,
    ForgivePrincipal,
    PaymentHoliday,
    ReducePayment,
    ReduceRate,
    WaiveFees,
)
from .positions import Position, _plus, _start, position
from .run import _compile


@dataclass(frozen=True, slots=True, kw_only=True)
class Restructuring:
    """A restructuring option: the position before, the changes, the new schedule (a
    normal :class:`~bnpl_restructure.Schedule`: disclosure and servicing work on it), and
    what was capitalized, deferred, waived and forgiven (major units).

    ``schedule`` starts on the restructuring date; a first row due that day carries
    the arrears that were not folded into the plan.
    """

    position: Position
    changes: tuple[Change, ...]
    schedule: Schedule
    capitalized: dict[str, Decimal]
    deferred: Decimal
    waived: dict[str, Decimal]
    forgiven: Decimal

    @property
    def plan(self) -> Schedule:
        """The new installment plan without the arrears due on the restructuring date
        (what to disclose: those arrears are owed now, not credit extended)."""
        return self.schedule.after(self.position.as_of)

    @property
    def history(self) -> tuple[date, ...]:
        """Restructuring dates of the loan's record, this one included (keep it with the
        loan: :class:`ReAgePolicy` checks it)."""
        return (*self.position.history, self.position.as_of)

    @in_library_context  # str() of a Decimal follows the context's ``capitals``
    def to_dict(self) -> dict[str, Any]:
        """The restructuring as a JSON-safe document (kind ``"restructuring"``).

        The summary a report shows (Decimal strings, ISO dates: ``as_of``, ``changes``
        as text, ``first_payment``, ``max_payment``, ``due_now``, ``installments``,
        ``maturity``, ``total_to_pay``, ``capitalized``, ``deferred``, ``waived``,
        ``forgiven``, ``history``) and, for :meth:`from_dict`, everything to restore it:
        the ``position`` (its schedules, arrears and history), the ``change_terms`` (each
        change with its arguments as given) and the new ``schedule``. See
        :mod:`bnpl_restructure.persistence`.

        Examples
        --------
        >>> from bnpl_restructure import Plan
        >>> s = Plan.annuity("1200", annual_rate="0.12", installments=12,
        ...                  start="2026-01-15").schedule()
        >>> option = restructure(s, [PaymentHoliday(periods=2)], as_of="2026-01-20")
        >>> doc = option.to_dict()
        >>> doc["changes"], doc["first_payment"], doc["change_terms"][0]["change"]
        (['holiday 2 (capitalize, shift)'], '0.00', 'payment_holiday')
        >>> Restructuring.from_dict(doc) == option
        True
        """
        from . import persist
        s = self.schedule
        major = s.currency.to_major
        return envelope("restructuring", {
            "as_of": self.position.as_of.isoformat(), "currency": s.currency.code,
            "changes": [c.describe() for c in self.changes],
            "first_payment": str(self.first_payment), "max_payment": str(self.max_payment),
            "due_now": str(self.due_now), "installments": len(self.installments),
            "maturity": s.due_dates[-1].isoformat(),
            "total_to_pay": str(major(sum(s.payment))),
            "capitalized": {k: str(v) for k, v in self.capitalized.items()},
            "deferred": str(self.deferred),
            "waived": {k: str(v) for k, v in self.waived.items()},
            "forgiven": str(self.forgiven),
            "history": [d.isoformat() for d in self.history],
            "position": persist._position_body(self.position),
            "change_terms": [persist._change_body(c, k) for k, c in enumerate(self.changes)],
            "schedule": s._body(),
        })

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Restructuring:
        """The restructuring a :meth:`to_dict` document holds: equal to the original,
        rendering the same text, its schedule servicing and restructuring again as the
        original's does.

        Raises
        ------
        InvalidDocumentError
            A malformed document, one of another kind or a newer version, or figures
            that do not agree: the changes applied to the stored position do not give the
            stored schedule, or a summary field (``first_payment``, ``total_to_pay``,
            ...) is not what the stored restructuring shows. The message names the
            field's path (``"restructuring.schedule.payment[2]"``).

        Examples
        --------
        >>> from bnpl_restructure import Plan
        >>> s = Plan.flat_fee("1200", fee_rate="0.005", installments=12,
        ...                   start="2026-01-10").schedule()
        >>> doc = extend_term(s, periods=3, as_of="2026-01-20").to_dict()
        >>> Restructuring.from_dict(doc | {"total_to_pay": "1.00"})
        Traceback (most recent call last):
        ...
        bnpl_restructure.errors.InvalidDocumentError: restructuring.total_to_pay: must be \
what the stored restructuring shows ('1290.00') (got '1.00')
        """
        from . import persist
        return persist._restructuring_from_body(open_envelope(document, "restructuring"),
                                                "restructuring")

    def _repr_html_(self) -> str:
        """The notebook view: the option's key figures, what it capitalized, deferred,
        waived and forgave, and the new schedule."""
        from .._html import card
        s = self.schedule
        fmt = s.currency.to_minor
        figures = [("first payment", format_money(fmt(self.first_payment), s.currency)),
                   ("installments", str(len(self.installments))),
                   ("total to pay", format_money(sum(s.payment), s.currency)),
                   ("maturity", s.due_dates[-1].isoformat())]
        if self.due_now:
            figures.insert(0, ("due now", format_money(fmt(self.due_now), s.currency)))
        moved = [(f"{verb} {what}", format_money(fmt(amount), s.currency))
                 for verb, items in (("capitalized", self.capitalized),
                                     ("deferred", {"principal": self.deferred}),
                                     ("waived", self.waived),
                                     ("forgiven", {"principal": self.forgiven}))
                 for what, amount in items.items() if amount]
        return card(f"Restructuring on {self.position.as_of.isoformat()}: {self.name}",
                    figures, ("moved", s.currency.code), moved,
                    extra=s._repr_html_())

    @property
    def name(self) -> str:
        """The changes, as text."""
        return " + ".join(c.describe() for c in self.changes) or "no change"

    @property
    def installments(self) -> tuple[int, ...]:
        """Indexes of the regular installments (after any row due on the date itself)."""
        start = 1 if self.schedule.due_dates[0] == self.position.as_of else 0
        return tuple(range(start, len(self.schedule)))

    def _regular(self) -> list[int]:
        return [self.schedule.payment[k] for k in self.installments] or [0]

    @property
    def first_payment(self) -> Decimal:
        """The first regular installment after the restructuring date."""
        return self.schedule.currency.to_major(self._regular()[0])

    @property
    def max_payment(self) -> Decimal:
        """The largest regular installment."""
        return self.schedule.currency.to_major(max(self._regular()))

    @property
    def due_now(self) -> Decimal:
        """Arrears still due on the restructuring date."""
        if self.schedule.due_dates[0] == self.position.as_of:
            return self.schedule.currency.to_major(self.schedule.payment[0])
        return self.schedule.currency.to_major(0)

    def __repr__(self) -> str:
        s = self.schedule
        now = f"{self.due_now:,} due now, " if self.due_now else ""
        return (f"<Restructuring {self.name}: {now}{len(self.installments)} installments from "
                f"{format_money(self._regular()[0], s.currency)}, total "
                f"{format_money(sum(s.payment), s.currency)} to "
                f"{s.due_dates[-1].isoformat()}>")


@in_library_context
def restructure(loan: Schedule | LoanState | Position, changes: Sequence[Change] = (), *,
                as_of: Any = None, payments: Iterable[Any] = (),
                terms: ServicingTerms | None = None,
                history: Iterable[Any] = ()) -> Restructuring:
    """Apply ``changes`` in order to the remaining plan and run it through the core.

    Raises
    ------
    InvalidArgumentError
        ``changes`` is not a list of :class:`Change` (``changes[k]``); ``loan`` is not a
        :class:`LoanState`, a :class:`Position` or a schedule with ``as_of``; ``as_of``,
        ``payments``, ``terms`` or ``history`` refused as by
        :func:`~bnpl_restructure.servicing.loan_state`; a change refused on this loan
        (named by its field).
    RestructureNotAllowedError
        The loan is paid off, or past its last due date, or a change is not allowed on
        its position.

    Examples
    --------
    No change reproduces the remaining plan exactly:

    >>> from bnpl_restructure import Plan
    >>> s = Plan.annuity("1200", annual_rate="0.12", installments=12,
    ...                  start="2026-01-15").schedule()
    >>> same = restructure(s, [], as_of="2026-01-20")
    >>> same.schedule.payment == s.payment
    True
    """
    if isinstance(changes, Change) or not isinstance(changes, Sequence):
        raise InvalidArgumentError("changes", "must be a list of changes, e.g. "
                                   "[CapitalizeArrears(), ExtendTerm(periods=6)]",
                                   received=changes)
    # a first change that builds a new schedule (FineractReAge) may follow maturity
    new_plan = bool(changes) and getattr(changes[0], "builds_schedule", False) is True
    pos = position(loan, payments, as_of=as_of, terms=terms, history=history,
                   matured=new_plan)
    draft = _start(pos)
    for k, change in enumerate(changes):
        if not isinstance(change, Change):
            raise InvalidArgumentError(f"changes[{k}]", "must be a Change (ExtendTerm(...), "
                                       "PaymentHoliday(...), ...)", received=change)
        draft = change.apply(pos, draft)
    schedule, deferred_shortfall = _compile(pos, draft)
    cur = pos.currency
    waived = dict(draft.waived)
    if sum(schedule.waived):
        waived = _plus(waived, "interest", sum(schedule.waived))
    if sum(schedule.forgiven):
        waived = _plus(waived, "principal", sum(schedule.forgiven))
    capitalized = dict(draft.capitalized)
    if sum(schedule.capitalized):
        capitalized = _plus(capitalized, "interest", sum(schedule.capitalized))
    deferred = draft.deferred + deferred_shortfall
    return Restructuring(
        position=pos, changes=tuple(changes), schedule=schedule,
        capitalized={k: cur.to_major(v) for k, v in capitalized.items()},
        deferred=cur.to_major(deferred),
        waived={k: cur.to_major(v) for k, v in waived.items()},
        forgiven=cur.to_major(draft.forgiven))


def _one(change_type: type[Change]) -> Any:
    """The function form of one change: ``extend_term(state, periods=6)``."""
    fields = [f for f in change_type.__dataclass_fields__.values()  # type: ignore[attr-defined]
              if f.init]
    names = {f.name for f in fields}

    def option(loan: Schedule | LoanState | Position, *, as_of: Any = None,
               payments: Iterable[Any] = (), terms: ServicingTerms | None = None,
               history: Iterable[Any] = (), **kwargs: Any) -> Restructuring:
        unknown = sorted(set(kwargs) - names)
        if unknown:
            raise InvalidArgumentError(unknown[0], f"is not an option of {option.__name__}; "
                                       f"it takes {', '.join(sorted(names))}",
                                       received=kwargs[unknown[0]])
        return restructure(loan, [change_type(**kwargs)], as_of=as_of, payments=payments,
                           terms=terms, history=history)

    option.__name__ = option.__qualname__ = change_type.kind
    option.__doc__ = (f"Apply one :class:`{change_type.__name__}` to the loan (a LoanState, "
                      "a Position, or a schedule with ``as_of`` and ``payments``) and "
                      "return the :class:`Restructuring`.\n\n"
                      + (change_type.__doc__ or ""))
    loan = inspect.Parameter("loan", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    keyword = [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY,
                                 default=f.default if f.default is not MISSING else
                                 (f.default_factory() if f.default_factory is not MISSING
                                  else inspect.Parameter.empty))
               for f in fields]
    common = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default)
              for name, default in (("as_of", None), ("payments", ()), ("terms", None),
                                    ("history", ()))]
    option.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [loan, *keyword, *common])
    return option


extend_term = _one(ExtendTerm)
"""One :class:`ExtendTerm` applied by :func:`restructure`: ``extend_term(loan, **fields,
as_of=..., payments=..., terms=..., history=...)`` takes its fields as keywords."""
reduce_payment = _one(ReducePayment)
"""One :class:`ReducePayment` applied by :func:`restructure`: ``reduce_payment(loan, **fields,
as_of=..., payments=..., terms=..., history=...)`` takes its fields as keywords."""
payment_holiday = _one(PaymentHoliday)
"""One :class:`PaymentHoliday` applied by :func:`restructure`: ``payment_holiday(loan, **fields,
as_of=..., payments=..., terms=..., history=...)`` takes its fields as keywords."""
reduce_rate = _one(ReduceRate)
"""One :class:`ReduceRate` applied by :func:`restructure`: ``reduce_rate(loan, **fields,
as_of=..., payments=..., terms=..., history=...)`` takes its fields as keywords."""
waive_fees = _one(WaiveFees)
"""One :class:`WaiveFees` applied by :func:`restructure`: ``waive_fees(loan, **fields,
as_of=..., payments=..., terms=..., history=...)`` takes its fields as keywords."""
forgive_principal = _one(ForgivePrincipal)
"""One :class:`ForgivePrincipal` applied by :func:`restructure`: ``forgive_principal(loan, **fields,
as_of=..., payments=..., terms=..., history=...)`` takes its fields as keywords."""
capitalize_arrears = _one(CapitalizeArrears)
"""One :class:`CapitalizeArrears` applied by :func:`restructure`: ``capitalize_arrears(loan,
**fields, as_of=..., payments=..., terms=..., history=...)`` takes its fields as keywords."""
defer_principal = _one(DeferPrincipal)
"""One :class:`DeferPrincipal` applied by :func:`restructure`: ``defer_principal(loan, **fields,
as_of=..., payments=..., terms=..., history=...)`` takes its fields as keywords."""
