"""A plan as a document's fields and back (Plan.to_dict / Plan.from_dict)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..daycount import DayCount
from ..persistence import (
    build,
    check_keys,
    read_currency,
    read_date,
    read_decimal,
    read_enum,
    read_fraction,
    read_frequency,
    read_list,
    read_mapping,
    read_minor,
    read_optional,
    write_currency,
    write_fraction,
    write_money,
)
from ..rounding import BalancePrecision, Residual, RoundingMode, RoundingPolicy
from ._terms import (
    _KIND_ROWS,
    LastInstallment,
    OddDays,
    PaymentBasis,
    PlanKind,
)

if TYPE_CHECKING:
    from ._plan import Plan

DOCUMENT_FIELDS = ("plan_kind", "principal", "currency", "start", "due_dates",
                    "frequency", "periodic_rate", "day_count", "odd_days", "fees",
                    "principal_parts", "payments", "balloon", "rounding", "fee_rate",
                    "payment_basis", "last_installment")


def plan_body(self: Plan) -> dict[str, Any]:
    """The fields of :meth:`Plan.to_dict <bnpl_restructure.plans.Plan.to_dict>` without the
    envelope."""
    cur = self.currency
    rounding = self.rounding
    rows = self.kind is _KIND_ROWS

    def money(minor: int) -> str:
        return write_money(minor, cur)

    return {
        "plan_kind": self.kind.value,
        "principal": money(self.principal),
        "currency": write_currency(cur),
        "start": self.start.isoformat(),
        "due_dates": [d.isoformat() for d in self.due_dates],
        "frequency": self.frequency.name,
        "periodic_rate": write_fraction(self.periodic_rate),
        "day_count": self.day_count.value,
        "odd_days": self.odd_days.value,
        "fees": [money(f) for f in self.fees],
        # an explicit row without a principal part is -1 inside: null here
        "principal_parts": [None if rows and p == -1 else money(p)
                            for p in self.principal_parts],
        "payments": [None if p is None else money(p) for p in self.payments],
        "balloon": money(self.balloon),
        "rounding": {"payment": rounding.payment.value,
                     "interest": rounding.interest.value,
                     "balance": rounding.balance.value,
                     "residual": rounding.residual.value,
                     "increment": None if rounding.increment is None
                     else str(rounding.increment)},
        "fee_rate": None if self.fee_rate is None else write_fraction(self.fee_rate),
        "payment_basis": self.payment_basis.value,
        "last_installment": self.last_installment.value,
    }


def plan_from_body(cls: type[Plan], body: Mapping[str, Any], where: str) -> Plan:
    """:meth:`Plan.from_dict <bnpl_restructure.plans.Plan.from_dict>` of the fields without
    the envelope; paths below ``where``."""
    check_keys(body, DOCUMENT_FIELDS, where)
    kind = read_enum(body, "plan_kind", PlanKind, where)
    cur = read_currency(body, "currency", where)
    due_list = read_list(body, "due_dates", where)
    n = len(due_list)

    def minors(key: str, *, optional: bool = False) -> tuple[Any, ...]:
        values = read_list(body, key, where)
        at = f"{where}.{key}"
        return tuple(None if optional and v is None else read_minor(values, k, cur, at)
                     for k, v in enumerate(values))

    rounding_doc = read_mapping(body, "rounding", where)
    at = f"{where}.rounding"
    check_keys(rounding_doc, ("payment", "interest", "balance", "residual", "increment"),
               at)
    rounding = build(at, RoundingPolicy,
                     payment=read_enum(rounding_doc, "payment", RoundingMode, at),
                     interest=read_enum(rounding_doc, "interest", RoundingMode, at),
                     balance=read_enum(rounding_doc, "balance", BalancePrecision, at),
                     residual=read_enum(rounding_doc, "residual", Residual, at),
                     increment=read_optional(read_decimal, rounding_doc, "increment", at))
    parts = minors("principal_parts", optional=kind is _KIND_ROWS)
    return build(
        where, cls, kind=kind, principal=read_minor(body, "principal", cur, where),
        currency=cur, start=read_date(body, "start", where),
        due_dates=tuple(read_date(due_list, k, f"{where}.due_dates") for k in range(n)),
        frequency=read_frequency(body, "frequency", where),
        periodic_rate=read_fraction(body, "periodic_rate", where),
        day_count=read_enum(body, "day_count", DayCount, where),
        odd_days=read_enum(body, "odd_days", OddDays, where),
        fees=minors("fees"), principal_parts=tuple(-1 if p is None else p for p in parts),
        payments=minors("payments", optional=True),
        balloon=read_minor(body, "balloon", cur, where), rounding=rounding,
        fee_rate=read_optional(read_fraction, body, "fee_rate", where),
        payment_basis=read_enum(body, "payment_basis", PaymentBasis, where),
        last_installment=read_enum(body, "last_installment", LastInstallment, where))
