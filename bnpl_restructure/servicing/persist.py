"""Lossless, versioned documents for servicing: :class:`~.terms.ServicingTerms` and
:class:`~.state.LoanState` (see :mod:`bnpl_restructure.persistence` for the envelope).

A state's document holds its figures (the report a reader or a dashboard wants) and its
history (schedule, terms, payments, charges, day). Reading it replays the history, which
is what makes the restored state able to go on (be serviced, restructured, stored
again), and checks that the figures stored are the figures the history gives: a document
edited by hand, or by a buggy writer, is refused rather than believed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ..errors import InvalidArgumentError, InvalidDocumentError
from ..persistence import (
    build,
    check_keys,
    envelope,
    open_envelope,
    path,
    read_bool,
    read_date,
    read_decimal,
    read_enum,
    read_fraction,
    read_int,
    read_list,
    read_mapping,
    read_optional,
    read_str,
    write_enum,
    write_fraction,
)
from ..schedule import Schedule
from .records import Charge, Payment
from .state import LoanState, loan_state
from .terms import (
    ChargeDating,
    Compounding,
    EarlyPayoff,
    InterestMethod,
    LateFee,
    LateFeeBase,
    Overpayment,
    PaymentOrder,
    PenaltyBase,
    PenaltyStart,
    ServicingTerms,
)

T = TypeVar("T")

_ENUMS: dict[str, type[Any]] = {
    "penalty_base": PenaltyBase, "penalty_start": PenaltyStart,
    "charge_dating": ChargeDating, "order": PaymentOrder, "overpayment": Overpayment,
    "early_payoff": EarlyPayoff, "late_fee_base": LateFeeBase,
    "interest": InterestMethod, "compounding": Compounding}
_FLAGS = ("count_due_date", "count_payment_date", "late_fee_at_most_payment_due",
          "allow_rule_of_78_over_61_months")
_AMOUNTS = ("penalty_minimum_per_day", "late_fee_cap_per_installment",
            "late_fee_cap_per_plan")
_FEE_FIELDS = ("days_past_due", "amount", "percent", "every", "order_at_least",
               "order_below")


def _text(value: Any) -> str | None:
    return None if value is None else format(value, "f")


def terms_body(terms: ServicingTerms) -> dict[str, Any]:
    """The fields of a :class:`ServicingTerms` as JSON values.

    Raises
    ------
    InvalidArgumentError
        ``terms`` is not a :class:`ServicingTerms`.
    """
    if not isinstance(terms, ServicingTerms):
        raise InvalidArgumentError("terms", "must be a ServicingTerms", received=terms)
    body: dict[str, Any] = {"name": terms.name, "grace_days": terms.grace_days,
                            "penalty_rate": write_fraction(terms.penalty_rate)}
    body.update({name: write_enum(getattr(terms, name)) for name in _ENUMS})
    body.update({name: getattr(terms, name) for name in _FLAGS})
    body.update({name: _text(getattr(terms, name)) for name in _AMOUNTS})
    body["late_fee_cap_percent"] = None if terms.late_fee_cap_percent is None else \
        write_fraction(terms.late_fee_cap_percent)
    body["max_late_fees"] = terms.max_late_fees
    body["late_fees"] = [{"days_past_due": f.days_past_due, "amount": _text(f.amount),
                          "percent": write_fraction(f.percent), "every": f.every,
                          "order_at_least": _text(f.order_at_least),
                          "order_below": _text(f.order_below)} for f in terms.late_fees]
    body["waterfall"] = list(terms.waterfall)
    body["delinquency_buckets"] = list(terms.delinquency_buckets)
    body["rebate_deferral"] = terms.rebate_deferral
    body["annual_rate"] = None if terms.annual_rate is None else write_fraction(
        terms.annual_rate)
    body["day_count"] = None if terms.day_count is None else terms.day_count.value
    return body


def terms_to_dict(terms: ServicingTerms) -> dict[str, Any]:
    """The versioned document of ``terms`` (:meth:`ServicingTerms.to_dict`).

    Raises
    ------
    InvalidArgumentError
        ``terms`` is not a :class:`ServicingTerms`.
    """
    return envelope("servicing_terms", terms_body(terms))


#: Fields added to the terms after the first documents were written: a document without
#: them was written before they existed and means their defaults.
_LATER = ("late_fee_base", "delinquency_buckets", "rebate_deferral",
          "allow_rule_of_78_over_61_months", "interest", "compounding", "annual_rate",
          "day_count")


def read_terms(body: Mapping[str, Any], where: str) -> ServicingTerms:
    """A :class:`ServicingTerms` from its fields (errors name ``where.field``).

    Raises
    ------
    InvalidDocumentError
        ``where`` when ``body`` is not a mapping; ``where.<field>`` for a field that is
        unknown, malformed or refused by :class:`ServicingTerms`.
    """
    check_keys(body, ServicingTerms.__dataclass_fields__, where)
    defaults = ServicingTerms()
    body = {**{name: _default_value(getattr(defaults, name)) for name in _LATER
               if name not in body}, **body}
    values: dict[str, Any] = {
        "name": read_str(body, "name", where),
        "grace_days": read_int(body, "grace_days", where),
        "penalty_rate": read_fraction(body, "penalty_rate", where),
        "late_fee_cap_percent": read_optional(read_fraction, body, "late_fee_cap_percent",
                                              where),
        "max_late_fees": read_optional(read_int, body, "max_late_fees", where),
    }
    values.update({name: read_enum(body, name, kind, where) for name, kind in _ENUMS.items()})
    values.update({name: read_bool(body, name, where) for name in _FLAGS})
    values.update({name: read_optional(read_decimal, body, name, where) for name in _AMOUNTS})
    values["penalty_minimum_per_day"] = values["penalty_minimum_per_day"] or 0
    fees = []
    for k, _ in enumerate(read_list(body, "late_fees", where)):
        at = path(path(where, "late_fees"), k)
        fee = read_mapping(body["late_fees"], k, path(where, "late_fees"))
        check_keys(fee, _FEE_FIELDS, at)
        fees.append(build(at, _fields(LateFee, "late_fee."),
                          days_past_due=read_int(fee, "days_past_due", at),
                          amount=read_decimal(fee, "amount", at),
                          percent=read_fraction(fee, "percent", at),
                          every=read_optional(read_int, fee, "every", at),
                          order_at_least=read_optional(read_decimal, fee, "order_at_least",
                                                       at),
                          order_below=read_optional(read_decimal, fee, "order_below", at)))
    values["late_fees"] = tuple(fees)
    values["waterfall"] = tuple(read_str(body["waterfall"], k, path(where, "waterfall"))
                                for k, _ in enumerate(read_list(body, "waterfall", where)))
    values["delinquency_buckets"] = tuple(
        read_int(body["delinquency_buckets"], k, path(where, "delinquency_buckets"))
        for k, _ in enumerate(read_list(body, "delinquency_buckets", where)))
    values["annual_rate"] = read_optional(read_fraction, body, "annual_rate", where)
    values["day_count"] = read_optional(read_str, body, "day_count", where)
    deferral = body.get("rebate_deferral", "one_month")
    values["rebate_deferral"] = read_int(body, "rebate_deferral", where) if isinstance(
        deferral, int) else read_str(body, "rebate_deferral", where)
    return build(where, ServicingTerms, **values)


def _fields(factory: Callable[..., T], prefix: str) -> Callable[..., T]:
    """``factory`` whose errors name its fields as its document does (``amount``, put
    under the item's path by :func:`build`), not as the record names them
    (``payment.amount``, ``late_fee.every``)."""
    def make(**values: Any) -> T:
        try:
            return factory(**values)
        except InvalidArgumentError as exc:
            raise InvalidArgumentError(exc.argument.removeprefix(prefix), exc.message, **(
                {} if exc.received is None else {"received": exc.received})) from None
    return make


def _default_value(value: Any) -> Any:
    """A default term as its document writes it."""
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "value"):
        return value.value
    return value


def terms_from_dict(document: Any) -> ServicingTerms:
    """:meth:`ServicingTerms.from_dict`.

    Raises
    ------
    InvalidDocumentError
        ``document`` is not a servicing-terms document, or a field is malformed (named
        by its path, ``servicing_terms.grace_days``).
    """
    return read_terms(open_envelope(document, "servicing_terms"), "servicing_terms")


# ------------------------------------------------------------------------ states


_HISTORY = ("schedule", "terms", "payments", "charges")


def state_to_dict(state: LoanState) -> dict[str, Any]:
    """:meth:`LoanState.to_dict`.

    Raises
    ------
    InvalidArgumentError
        ``state`` is not a :class:`LoanState`, or was built without its history.
    """
    if not isinstance(state, LoanState):
        raise InvalidArgumentError("state", "must be a LoanState", received=state)
    if state.schedule is None or state.terms is None:
        raise InvalidArgumentError("state", "was built without its history; only a state "
                                   "from loan_state() can be stored losslessly")
    history = {
        "schedule": state.schedule.to_dict(),
        "terms": terms_body(state.terms),
        "payments": [{"date": p.date.isoformat(), "amount": format(p.amount, "f")}
                     for p in state.payments],
        "charges": [{"date": c.date.isoformat(), "name": c.name,
                     "amount": format(c.amount, "f"), "installment": c.installment}
                    for c in state.charges],
    }
    return envelope("loan_state", {**state.report(), "history": history})


def _nested(where: str, error: InvalidArgumentError) -> InvalidDocumentError:
    return InvalidDocumentError(path(where, error.argument), error.message, **(
        {} if error.received is None else {"received": error.received}))


def state_from_dict(document: Any) -> LoanState:
    """:meth:`LoanState.from_dict`.

    Raises
    ------
    InvalidDocumentError
        ``document`` is not a loan-state document, a field is malformed (named by its
        path), or its figures are not those its history gives.
    """
    where = "loan_state"
    body = open_envelope(document, where)
    history = read_mapping(body, "history", where)
    at = path(where, "history")
    check_keys(history, _HISTORY, at)
    stored = read_mapping(history, "schedule", at)  # its error is named already
    try:
        schedule = Schedule.from_dict(stored)
    except InvalidArgumentError as exc:
        raise _nested(at, exc) from None
    terms = read_terms(read_mapping(history, "terms", at), path(at, "terms"))
    payments = []
    for k, _ in enumerate(read_list(history, "payments", at)):
        item = read_mapping(history["payments"], k, path(at, "payments"))
        here = path(path(at, "payments"), k)
        check_keys(item, ("date", "amount"), here)
        payments.append(build(here, _fields(Payment, "payment."),
                              date=read_date(item, "date", here),
                              amount=read_decimal(item, "amount", here)))
    charges = []
    for k, _ in enumerate(read_list(history, "charges", at)):
        item = read_mapping(history["charges"], k, path(at, "charges"))
        here = path(path(at, "charges"), k)
        check_keys(item, ("date", "name", "amount", "installment"), here)
        charges.append(build(here, _fields(Charge, "charge."),
                             date=read_date(item, "date", here),
                             name=read_str(item, "name", here),
                             amount=read_decimal(item, "amount", here),
                             installment=read_optional(read_int, item, "installment", here)))
    as_of = read_date(body, "as_of", where)
    dated: list[tuple[str, list[Payment] | list[Charge]]] = [("payments", payments),
                                                            ("charges", charges)]
    for name, items in dated:
        for k, day in enumerate(item.date for item in items):
            if day > as_of:
                raise InvalidDocumentError(
                    path(path(path(at, name), k), "date"), f"is after the state's day "
                    f"({as_of.isoformat()}): a stored history holds only what was received",
                    received=day.isoformat())
    try:
        state = loan_state(schedule, payments, as_of=as_of, terms=terms, charges=charges)
    except InvalidArgumentError as exc:
        raise _nested(at, exc) from None
    figures = {k: v for k, v in body.items() if k != "history"}
    report = state.report()
    for name in sorted(set(figures) | set(report)):
        if figures.get(name) != report.get(name):
            raise InvalidDocumentError(
                path(where, name), "does not follow from the loan's history (its schedule, "
                "terms, payments and charges give "
                f"{report.get(name)!r}): the document was altered",
                received=figures.get(name))
    return state
