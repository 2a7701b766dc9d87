"""Documents for :class:`~.result.Restructuring` and :class:`~.comparison.Comparison`
(the envelope and readers are :mod:`bnpl_restructure.persistence`)."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..daycount import DayCount
from ..errors import (
    InvalidArgumentError,
    InvalidDocumentError,
    RestructureNotAllowedError,
)
from ..persistence import (
    build,
    check_keys,
    path,
    read_bool,
    read_currency,
    read_date,
    read_decimal,
    read_fraction,
    read_int,
    read_list,
    read_mapping,
    read_money,
    read_optional,
    read_str,
    read_value,
    write_currency,
    write_decimal,
    write_fraction,
    write_money,
)
from ..schedule import Schedule
from ..servicing import LoanState
from .changes import (
    CapitalizeArrears,
    Change,
    ChangeRate,
    DeferPrincipal,
    ExtendTerm,
    FeeBasis,
    ForgivePrincipal,
    HolidayInterest,
    PaymentHoliday,
    ReducePayment,
    ReduceRate,
    ShiftDueDates,
    Shortfall,
    WaiveFees,
)
from .comparison import Comparison, ComparisonRow
from .forbearance import Forbearance, ForbearanceInterest, InterestPause, PartialClaim
from .positions import ARREARS, Position
from .reage import (
    FineractReAge,
    ReAge,
    ReAgeInterest,
    ReAgeInterestHandling,
    ReAgePolicy,
    ReAmortizationInterestHandling,
    ReAmortize,
)
from .result import Restructuring, restructure

_CHANGES: dict[str, type[Change]] = {c.kind: c for c in (
    ExtendTerm, ReducePayment, PaymentHoliday, ReduceRate, WaiveFees, ForgivePrincipal,
    CapitalizeArrears, DeferPrincipal, ReAge, ReAmortize, FineractReAge, Forbearance,
    InterestPause, PartialClaim, ChangeRate, ShiftDueDates)}
_TERM_ENUMS: dict[str, type[enum.Enum]] = {e.__name__: e for e in (
    Shortfall, HolidayInterest, ReAgeInterest, ReAmortizationInterestHandling,
    ReAgeInterestHandling, ForbearanceInterest, DayCount, FeeBasis)}
_SUMMARY = ("as_of", "currency", "changes", "first_payment", "max_payment", "due_now",
            "installments", "maturity", "total_to_pay", "capitalized", "deferred", "waived",
            "forgiven", "history")
_ENVELOPE = ("format", "version", "kind")
_FLOAT_TEXT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


def _write_term(value: Any, where: str) -> Any:
    """A change's argument as given (``"0.08"``, ``Decimal``, ``Fraction``, a float, an
    enum member, a tuple, a :class:`ReAgePolicy`), JSON-safe and typed so that it reads
    back as the same type: JSON null, booleans, ints and strings as they are, others as
    ``{"decimal": "0.08"}``, ``{"fraction": "1/3"}``, ``{"float": "0.5"}``,
    ``{"date": ...}``, ``{"tuple": [...]}``, ``{"list": [...]}``,
    ``{"enum": "Shortfall", "value": "defer"}``, ``{"re_age_policy": {...}}``."""
    if value is None or type(value) in (bool, int, str):
        return value
    if isinstance(value, enum.Enum) and _TERM_ENUMS.get(type(value).__name__) is type(value):
        return {"enum": type(value).__name__, "value": value.value}
    if type(value) is Decimal and value.is_finite():
        return {"decimal": str(value)}
    if type(value) is Fraction:
        return {"fraction": write_fraction(value)}
    if type(value) is float and value == value and abs(value) != float("inf"):
        return {"float": float.__repr__(value)}
    if type(value) is date:
        return {"date": value.isoformat()}
    if type(value) in (tuple, list):
        items = [_write_term(v, path(where, k)) for k, v in enumerate(value)]
        return {type(value).__name__: items}
    if type(value) is ReAgePolicy:
        return {"re_age_policy": {name: _write_term(getattr(value, name), f"{where}.{name}")
                                  for name in ReAgePolicy.__dataclass_fields__}}
    raise InvalidArgumentError(where, "cannot be stored in a document: use a str, int, "
                               "Decimal, Fraction, finite float, date or the option's enum",
                               received=value)


def _read_term(doc: Any, key: str | int, where: str) -> Any:
    """The argument :func:`_write_term` wrote."""
    at = path(where, key)
    value = read_value(doc, key, where)
    if value is None or type(value) in (bool, int, str):
        return value
    if not isinstance(value, Mapping):
        raise InvalidDocumentError(at, "must be null, true/false, an integer, a string or "
                                   "a tagged value such as {'decimal': '0.08'}",
                                   received=value)
    if len(value) != 1 and set(value) != {"enum", "value"}:
        raise InvalidDocumentError(at, "must be a tagged value with one tag",
                                   received=sorted(value))
    if "enum" in value:
        enum_type = _TERM_ENUMS.get(read_str(value, "enum", at))
        if enum_type is None:
            raise InvalidDocumentError(f"{at}.enum", "must be one of "
                                       + ", ".join(map(repr, _TERM_ENUMS)),
                                       received=value["enum"])
        text = read_str(value, "value", at)
        for member in enum_type:
            if member.value == text:
                return member
        raise InvalidDocumentError(f"{at}.value", f"must be a {enum_type.__name__} value",
                                   received=text)
    tag = next(iter(value))
    if tag == "decimal":
        return read_decimal(value, tag, at)
    if tag == "fraction":
        return read_fraction(value, tag, at)
    if tag == "float":
        text = read_str(value, tag, at)
        if _FLOAT_TEXT.fullmatch(text) is None:
            raise InvalidDocumentError(f"{at}.float", "must be a finite number",
                                       received=text)
        return float(text)
    if tag == "date":
        return read_date(value, tag, at)
    if tag in ("tuple", "list"):
        items = read_list(value, tag, at)
        read = [_read_term(items, k, f"{at}.{tag}") for k in range(len(items))]
        return tuple(read) if tag == "tuple" else read
    if tag == "re_age_policy":
        fields = read_mapping(value, tag, at)
        check_keys(fields, ReAgePolicy.__dataclass_fields__, f"{at}.{tag}")
        return build(f"{at}.{tag}", ReAgePolicy, **{
            name: _read_term(fields, name, f"{at}.{tag}") for name in fields})
    raise InvalidDocumentError(at, "must be tagged 'decimal', 'fraction', 'float', 'date', "
                               "'tuple', 'list', 'enum' or 're_age_policy'", received=tag)


def _change_body(change: Change, k: int) -> dict[str, Any]:
    """A change as ``{"change": kind, argument: value, ...}``."""
    if type(change) not in _CHANGES.values():
        raise InvalidArgumentError(f"changes[{k}]", "must be one of the library's changes to "
                                   "be stored", received=type(change).__name__)
    names = [f.name for f in change.__dataclass_fields__.values()  # type: ignore[attr-defined]
             if f.init]
    return {"change": change.kind, **{
        name: _write_term(getattr(change, name), f"changes[{k}].{name}") for name in names}}


def _change_from_body(doc: Mapping[str, Any], where: str) -> Change:
    kind = read_str(doc, "change", where)
    cls = _CHANGES.get(kind)
    if cls is None:
        raise InvalidDocumentError(f"{where}.change", "must be one of "
                                   + ", ".join(map(repr, _CHANGES)), received=kind)
    names = [f.name for f in cls.__dataclass_fields__.values()  # type: ignore[attr-defined]
             if f.init]
    check_keys(doc, ["change", *names], where)
    return build(where, cls, **{name: _read_term(doc, name, where)
                                for name in names if name in doc})


def _position_body(pos: Position) -> dict[str, Any]:
    cur = pos.currency
    state: dict[str, Any] | None = None
    if pos.state is not None:
        try:
            state = pos.state.to_dict()
        except (ImportError, NotImplementedError):  # servicing cannot store a state yet
            state = None
    return {"as_of": pos.as_of.isoformat(), "opened": pos.opened.isoformat(),
            "principal": write_money(pos.principal, cur),
            "arrears": {k: write_money(v, cur) for k, v in pos.arrears.items()},
            "history": [d.isoformat() for d in pos.history],
            "original": pos.original._body(), "remaining": pos.remaining._body(),
            "state": state}


def _position_from_body(body: Mapping[str, Any], where: str) -> Position:
    check_keys(body, ("as_of", "opened", "principal", "arrears", "history", "original",
                      "remaining", "state"), where)
    original = Schedule._from_body(read_mapping(body, "original", where), f"{where}.original")
    remaining = Schedule._from_body(read_mapping(body, "remaining", where),
                                    f"{where}.remaining")
    cur = remaining.currency
    arrears_doc = read_mapping(body, "arrears", where)
    arrears = {k: cur.to_minor(read_money(arrears_doc, k, cur, f"{where}.arrears"))
               for k in arrears_doc}
    if set(arrears) != set(ARREARS):
        raise InvalidDocumentError(f"{where}.arrears", f"must have the components {ARREARS}",
                                   received=sorted(arrears))
    history = read_list(body, "history", where)
    state_doc = read_optional(read_mapping, body, "state", where)
    state = None if state_doc is None else LoanState.from_dict(state_doc)
    return Position(as_of=read_date(body, "as_of", where),
                    opened=read_date(body, "opened", where), original=original,
                    remaining=remaining,
                    principal=cur.to_minor(read_money(body, "principal", cur, where)),
                    arrears=arrears, history=tuple(
                        read_date(history, k, f"{where}.history") for k in range(len(history))),
                    state=state)


def _restructuring_from_body(body: Mapping[str, Any], where: str) -> Restructuring:
    check_keys(body, (*_SUMMARY, "position", "change_terms", "schedule"), where)
    pos = _position_from_body(read_mapping(body, "position", where), f"{where}.position")
    terms = read_list(body, "change_terms", where)
    changes = tuple(_change_from_body(read_mapping(terms, k, f"{where}.change_terms"),
                                      f"{where}.change_terms[{k}]") for k in range(len(terms)))
    schedule = Schedule._from_body(read_mapping(body, "schedule", where), f"{where}.schedule")
    cur = pos.currency

    def amounts(key: str) -> dict[str, Decimal]:
        book = read_mapping(body, key, where)
        return {k: read_money(book, k, cur, f"{where}.{key}") for k in book}

    stored = Restructuring(position=pos, changes=changes, schedule=schedule,
                           capitalized=amounts("capitalized"),
                           deferred=read_money(body, "deferred", cur, where),
                           waived=amounts("waived"),
                           forgiven=read_money(body, "forgiven", cur, where))
    _check_restructuring(stored, where)
    summary = stored.to_dict()
    for key in _SUMMARY:
        if body[key] != summary[key]:
            raise InvalidDocumentError(f"{where}.{key}", "must be what the stored "
                                       f"restructuring shows ({summary[key]!r})",
                                       received=body[key])
    return stored


def _check_restructuring(stored: Restructuring, where: str) -> None:
    """The stored changes applied to the stored position give the stored result."""
    try:
        again = restructure(stored.position, list(stored.changes))
    except RestructureNotAllowedError as exc:
        if stored.position.state is None and any(isinstance(c, ReAge)
                                                 for c in stored.changes):
            return  # a re-age's policy reads the servicing ledger, not stored here
        raise InvalidDocumentError(f"{where}.change_terms", "must apply to the stored "
                                   f"position ({exc})") from None
    except InvalidArgumentError as exc:
        raise InvalidDocumentError(f"{where}.change_terms", "must apply to the stored "
                                   f"position ({exc})") from None
    if again == stored:
        return
    if again.schedule != stored.schedule:
        for name in ("due_dates", "payment", "principal_paid", "interest", "fee", "balance",
                     "capitalized", "waived", "arrears", "forgiven"):
            got, want = getattr(stored.schedule, name), getattr(again.schedule, name)
            if got != want:
                k = next((j for j, (a, b) in enumerate(zip(got, want, strict=False))
                          if a != b), min(len(got), len(want)))
                raise InvalidDocumentError(
                    path(f"{where}.schedule.{name}", k), "must be what the stored changes "
                    f"give on the stored position ({_shown(stored, want, k)})",
                    received=_shown(stored, got, k))
        raise InvalidDocumentError(f"{where}.schedule", "must be what the stored changes "
                                   "give on the stored position")
    for name in ("capitalized", "deferred", "waived", "forgiven"):
        if getattr(stored, name) != getattr(again, name):
            raise InvalidDocumentError(f"{where}.{name}", "must be what the stored changes "
                                       f"give ({getattr(again, name)})",
                                       received=getattr(stored, name))


def _shown(option: Restructuring, column: tuple[Any, ...], k: int) -> str:
    """Row ``k`` of a schedule column as a document shows it (``"no row"`` past its end)."""
    if k >= len(column):
        return "no row"
    value = column[k]
    return value.isoformat() if isinstance(value, date) else format(
        option.schedule.currency.to_major(value), "f")


_ROW_MONEY = ("first_payment", "max_payment", "average_payment", "payment_relief",
              "due_now", "total_to_pay", "extra_cost", "lender_npv", "npv_change")


def _comparison_body(table: Comparison) -> dict[str, Any]:
    rows = []
    for row in table.rows:
        out: dict[str, Any] = {"name": row.name}
        out.update({name: str(getattr(row, name)) for name in _ROW_MONEY})
        out.update(installments=row.installments, maturity=row.maturity.isoformat(),
                   annual_rate=None if row.annual_rate is None else write_decimal(row.annual_rate),
                   reg_z_apr=None if row.reg_z_apr is None else write_decimal(row.reg_z_apr),
                   eu_aprc=None if row.eu_aprc is None else write_decimal(row.eu_aprc),
                   months_added=row.months_added,
                   payment_to_income=None if row.payment_to_income is None
                   else write_decimal(row.payment_to_income),
                   affordable=row.affordable, over_caps=list(row.over_caps))
        option = None if row.option is None else row.option.to_dict()
        out["option"] = None if option is None else {
            k: v for k, v in option.items() if k not in _ENVELOPE}
        rows.append(out)
    return {"currency": write_currency(table.currency), "best": table.best, "rows": rows}


def _comparison_from_body(body: Mapping[str, Any], where: str) -> Comparison:
    check_keys(body, ("currency", "best", "rows"), where)
    cur = read_currency(body, "currency", where)
    docs = read_list(body, "rows", where)
    rows = []
    for k in range(len(docs)):
        at = f"{where}.rows[{k}]"
        doc = read_mapping(docs, k, f"{where}.rows")
        check_keys(doc, ("name", *_ROW_MONEY, "installments", "maturity", "annual_rate",
                         "reg_z_apr", "eu_aprc", "months_added", "payment_to_income",
                         "affordable", "over_caps", "option"), at)
        caps = read_list(doc, "over_caps", at)
        option_doc = read_optional(read_mapping, doc, "option", at)
        option = None if option_doc is None else _restructuring_from_body(
            option_doc, f"{at}.option")
        row = build(at, ComparisonRow, name=read_str(doc, "name", at),
                    installments=read_int(doc, "installments", at, minimum=0),
                    maturity=read_date(doc, "maturity", at),
                    annual_rate=read_optional(read_decimal, doc, "annual_rate", at),
                    reg_z_apr=read_optional(read_decimal, doc, "reg_z_apr", at),
                    eu_aprc=read_optional(read_decimal, doc, "eu_aprc", at),
                    months_added=read_optional(read_int, doc, "months_added", at) or 0,
                    payment_to_income=read_optional(read_decimal, doc, "payment_to_income",
                                                    at),
                    affordable=read_optional(read_bool, doc, "affordable", at),
                    over_caps=tuple(read_str(caps, j, f"{at}.over_caps")
                                    for j in range(len(caps))),
                    option=option, **{name: read_money(doc, name, cur, at)
                                      for name in _ROW_MONEY})
        if option is not None:
            shown = {"name": "no change" if k == 0 else option.name,
                     "first_payment": option.first_payment,
                     "max_payment": option.max_payment,
                     "installments": len(option.installments),
                     "maturity": option.schedule.due_dates[-1], "due_now": option.due_now,
                     "total_to_pay": cur.to_major(sum(option.schedule.payment))}
            for name, value in shown.items():
                if getattr(row, name) != value:
                    raise InvalidDocumentError(f"{at}.{name}", "must be what the row's "
                                               f"option shows ({value})",
                                               received=doc[name])
        rows.append(row)
    best = read_optional(read_int, body, "best", where)
    eligible = [k for k, r in enumerate(rows) if r.affordable is not False and not r.over_caps]
    expected = min(eligible, key=lambda k: (rows[k].total_to_pay, rows[k].max_payment)) \
        if eligible else None
    if best != expected:
        raise InvalidDocumentError(f"{where}.best", "must be the index of the cheapest "
                                   f"affordable row within the caps ({expected})",
                                   received=best)
    return Comparison(rows=tuple(rows), currency=cur, best=best)
