"""Lossless JSON persistence: documents with a format, a version and a kind.

Every persistent object (:class:`~bnpl_restructure.plans.Plan`,
:class:`~bnpl_restructure.schedule.Schedule`,
:class:`~bnpl_restructure.restructure.Restructuring`,
:class:`~bnpl_restructure.restructure.Comparison`, and the servicing
``LoanState`` / ``ServicingTerms``) has ``to_dict()`` and ``from_dict()``. The dict is
an *envelope* around the object's fields::

    {"format": "bnpl_restructure", "version": 1, "kind": "plan", ...fields...}

and holds only JSON-safe values: money as decimal strings in major units with the
currency's exact number of places (``"340.33"``), dates as ISO strings
(``"2024-01-15"``), rates as exact strings (a decimal such as ``"0.005"`` when the
fraction terminates, else ``"n/d"`` such as ``"1/1200"``), enums by their value, and
never a float. Reading is strict: a float where money belongs, an amount with more
decimals than its currency, a missing field, a wrong kind or a document written by a
newer version raise :class:`~bnpl_restructure.errors.InvalidDocumentError` naming the
exact path of the field (``"schedule.payment[3]"``).

The readers here (:func:`read_str`, :func:`read_money`, :func:`read_fraction`, ...) are
the building blocks of every ``from_dict``; ``key`` is a mapping key or, for a list, an
int index, and ``where`` the path of the container.

Examples
--------
>>> import json
>>> from bnpl_restructure import Plan
>>> from bnpl_restructure import persistence
>>> plan = Plan.flat_fee("1200.00", fee_rate="0.005", installments=12, start="2024-01-10")
>>> text = persistence.dumps(plan)
>>> persistence.loads(text) == plan
True
>>> json.loads(text)["kind"], json.loads(text)["version"], json.loads(text)["fee_rate"]
('plan', 1, '0.005')
>>> persistence.read_money({"fee": 7.0}, "fee", "CNY", "plan")
Traceback (most recent call last):
...
bnpl_restructure.errors.InvalidDocumentError: plan.fee: must be a string of money in \
major units such as '340.33' (never a float) (got 7.0)
"""

from __future__ import annotations

import enum
import importlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, TypeVar

from .calendar import Frequency
from .errors import InvalidArgumentError, InvalidDocumentError
from .money import Currency, CurrencyLike, _fraction_to_decimal, to_decimal

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "KINDS",
    "build",
    "check_keys",
    "dumps",
    "envelope",
    "load",
    "loads",
    "open_envelope",
    "path",
    "read_bool",
    "read_currency",
    "read_date",
    "read_decimal",
    "read_enum",
    "read_fraction",
    "read_frequency",
    "read_int",
    "read_list",
    "read_mapping",
    "read_minor",
    "read_money",
    "read_optional",
    "read_str",
    "read_value",
    "write_currency",
    "write_decimal",
    "write_enum",
    "write_fraction",
    "write_money",
]

FORMAT: Final[str] = "bnpl_restructure"
"""The ``format`` field of every document."""

FORMAT_VERSION: Final[int] = 1
"""The version this library writes, and the newest it reads."""

KINDS: Final[dict[str, str]] = {
    "plan": "bnpl_restructure.plans:Plan",
    "schedule": "bnpl_restructure.schedule:Schedule",
    "restructuring": "bnpl_restructure.restructure:Restructuring",
    "comparison": "bnpl_restructure.restructure:Comparison",
    "loan_state": "bnpl_restructure.servicing:LoanState",
    "servicing_terms": "bnpl_restructure.servicing:ServicingTerms",
}
"""Each document kind and the class (``module:Class``) whose ``from_dict`` reads it."""

# Migrations of older documents, version -> a function returning the document one
# version newer. Version 1 is the first: none yet.
_MIGRATIONS: Final[dict[int, Callable[[dict[str, Any]], dict[str, Any]]]] = {}

_ENVELOPE_KEYS: Final = frozenset({"format", "version", "kind"})
_FRACTION: Final = re.compile(r"([+-]?[0-9]{1,400})/([0-9]{1,400})", re.ASCII)
_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)


# ------------------------------------------------------------------------ envelope


def envelope(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """The document of an object of ``kind``: format, version and kind, then ``body``.

    Raises
    ------
    InvalidArgumentError
        ``kind`` is not a string or ``body`` not a mapping with string keys.

    Examples
    --------
    >>> envelope("plan", {"principal": "1200.00"})
    {'format': 'bnpl_restructure', 'version': 1, 'kind': 'plan', 'principal': '1200.00'}
    """
    if not isinstance(kind, str):
        raise InvalidArgumentError("kind", "must be a string", received=kind)
    if not isinstance(body, Mapping) or not all(isinstance(k, str) for k in body):
        raise InvalidArgumentError("body", "must be a mapping with string keys",
                                   received=type(body).__name__)
    return {"format": FORMAT, "version": FORMAT_VERSION, "kind": kind, **body}


def open_envelope(document: object, kind: str) -> Mapping[str, Any]:
    """Check a document's envelope and return its body (the fields without the envelope).

    Parameters
    ----------
    document
        What ``json.loads`` gave (or a ``to_dict()``).
    kind
        The kind expected (``"plan"``); also the root of the paths in error messages.

    Raises
    ------
    InvalidDocumentError
        The document is not a mapping (``argument=kind``), its ``format`` is not
        ``"bnpl_restructure"``, its ``version`` is not an int, is newer than
        :data:`FORMAT_VERSION` (written by a newer bnpl_restructure) or older than any
        supported, or its ``kind`` is another.

    Examples
    --------
    >>> open_envelope({"format": "bnpl_restructure", "version": 1, "kind": "plan",
    ...                "principal": "1.00"}, "plan")
    {'principal': '1.00'}
    >>> open_envelope({"format": "bnpl_restructure", "version": 2, "kind": "plan"}, "plan")
    Traceback (most recent call last):
    ...
    bnpl_restructure.errors.InvalidDocumentError: plan.version: was written by a newer \
bnpl_restructure (document format version 2; this one reads versions up to 1): upgrade \
bnpl_restructure to read it (got 2)
    """
    if not isinstance(document, Mapping):
        raise InvalidDocumentError(kind, f"must be a mapping (a JSON object) of a {kind!r} "
                                   "document", received=type(document).__name__)
    if document.get("format") != FORMAT:
        raise InvalidDocumentError(path(kind, "format"), f"must be {FORMAT!r}: this is not a "
                                   "bnpl_restructure document",
                                   received=document.get("format"))
    version = read_int(document, "version", kind)
    if version > FORMAT_VERSION:
        raise InvalidDocumentError(
            path(kind, "version"), "was written by a newer bnpl_restructure (document "
            f"format version {version}; this one reads versions up to {FORMAT_VERSION}): "
            "upgrade bnpl_restructure to read it", received=version)
    if version < 1:
        raise InvalidDocumentError(path(kind, "version"), "must be a format version from 1 "
                                   f"to {FORMAT_VERSION}", received=version)
    body = dict(document)
    while version < FORMAT_VERSION:  # older documents, migrated one version at a time
        body = _MIGRATIONS[version](body)
        version += 1
    found = read_str(body, "kind", kind)
    if found != kind:
        raise InvalidDocumentError(path(kind, "kind"), f"must be {kind!r} (this document "
                                   f"holds a {found!r}: read it with persistence.load)",
                                   received=found)
    return {k: v for k, v in body.items() if k not in _ENVELOPE_KEYS}


# ------------------------------------------------------------------------- readers


def path(where: str, key: str | int) -> str:
    """The path of ``key`` inside ``where``: ``"plan.fees"``, ``"plan.fees[3]"``.

    Raises
    ------
    InvalidArgumentError
        ``where`` is not a string, or ``key`` not a string or an int.

    Examples
    --------
    >>> path("plan", "fees"), path("plan.fees", 3), path("", "plan")
    ('plan.fees', 'plan.fees[3]', 'plan')
    """
    if not isinstance(where, str):
        raise InvalidArgumentError("where", "must be a string", received=where)
    if isinstance(key, bool) or not isinstance(key, str | int):
        raise InvalidArgumentError("key", "must be a string or an int", received=key)
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


def _get(doc: Any, key: str | int, where: str) -> Any:
    """The value at ``key`` (a mapping key or a list index), or the typed error."""
    if isinstance(key, bool) or not isinstance(key, str | int):
        raise InvalidArgumentError("key", "must be a string or an int", received=key)
    if isinstance(key, int):
        if isinstance(doc, Sequence) and not isinstance(doc, str) and 0 <= key < len(doc):
            return doc[key]
        raise InvalidDocumentError(path(where, key), "is missing")
    if not isinstance(doc, Mapping):
        raise InvalidDocumentError(where or key, "must be a mapping (a JSON object)",
                                   received=type(doc).__name__)
    if key not in doc:
        raise InvalidDocumentError(path(where, key), "is missing")
    return doc[key]


def read_optional(reader: Callable[..., T], doc: Any, key: str | int,
                  *args: Any) -> T | None:
    """``reader(doc, key, *args)``, or ``None`` when the field is absent or ``null``.

    Raises
    ------
    InvalidDocumentError
        Nothing of its own: what ``reader`` raises for a field that is present.

    Examples
    --------
    >>> read_optional(read_str, {"name": None}, "name", "plan") is None
    True
    >>> read_optional(read_int, {"n": 3}, "n", "plan")
    3
    """
    if isinstance(doc, Mapping) and doc.get(key) is None:
        return None
    return reader(doc, key, *args)


def read_value(doc: Any, key: str | int, where: str) -> Any:
    """A field's value as it is (any JSON value); only its presence is checked.

    Raises
    ------
    InvalidDocumentError
        ``where.key`` is missing (``where`` when ``doc`` is not a mapping).

    Examples
    --------
    >>> read_value({"amount": None}, "amount", "change")
    >>> read_value({}, "amount", "change")
    Traceback (most recent call last):
    ...
    bnpl_restructure.errors.InvalidDocumentError: change.amount: is missing
    """
    return _get(doc, key, where)


def read_str(doc: Any, key: str | int, where: str) -> str:
    """A string field.

    Raises
    ------
    InvalidDocumentError
        ``where.key`` is missing or not a string.

    Examples
    --------
    >>> read_str({"kind": 1}, "kind", "plan")
    Traceback (most recent call last):
    ...
    bnpl_restructure.errors.InvalidDocumentError: plan.kind: must be a string (got 1)
    """
    value = _get(doc, key, where)
    if not isinstance(value, str):
        raise InvalidDocumentError(path(where, key), "must be a string", received=value)
    return value


def read_int(doc: Any, key: str | int, where: str, *, minimum: int | None = None) -> int:
    """An int field (a JSON integer: not a bool, a float or a string), at least
    ``minimum`` when given.

    Raises
    ------
    InvalidDocumentError
        ``where.key`` is missing, not a JSON integer, or below ``minimum``.

    Examples
    --------
    >>> read_int({"n": 12}, "n", "plan", minimum=1)
    12
    >>> read_int({"n": 12.0}, "n", "plan")
    Traceback (most recent call last):
    ...
    bnpl_restructure.errors.InvalidDocumentError: plan.n: must be an integer (got 12.0)
    """
    if minimum is not None and type(minimum) is not int:
        raise InvalidArgumentError("minimum", "must be None or an int", received=minimum)
    value = _get(doc, key, where)
    if type(value) is not int:
        raise InvalidDocumentError(path(where, key), "must be an integer", received=value)
    if minimum is not None and value < minimum:
        raise InvalidDocumentError(path(where, key), f"must be at least {minimum}",
                                   received=value)
    return value


def read_bool(doc: Any, key: str | int, where: str) -> bool:
    """A boolean field (``true`` or ``false``; not 0 or 1).

    Raises
    ------
    InvalidDocumentError
        ``where.key`` is missing or not ``true``/``false`` (``where`` when ``doc`` is not a
        mapping).

    Examples
    --------
    >>> read_bool({"shift": True}, "shift", "change")
    True
    """
    value = _get(doc, key, where)
    if type(value) is not bool:
        raise InvalidDocumentError(path(where, key), "must be true or false", received=value)
    return value


def read_decimal(doc: Any, key: str | int, where: str) -> Decimal:
    """A decimal number written as a string (``"0.08"``); floats are refused.

    Raises
    ------
    InvalidDocumentError
        ``where.key`` is missing or not a finite decimal number written as a string.

    Examples
    --------
    >>> read_decimal({"rate": "0.0825"}, "rate", "row")
    Decimal('0.0825')
    """
    value = _get(doc, key, where)
    if not isinstance(value, str):
        raise InvalidDocumentError(path(where, key), "must be a decimal number written as a "
                                   "string such as '0.08' (never a float)", received=value)
    try:
        return to_decimal(value, argument=path(where, key))
    except InvalidArgumentError as exc:
        raise _document_error(exc) from None


def read_money(doc: Any, key: str | int, currency: CurrencyLike, where: str) -> Decimal:
    """An amount in major units written as a string, with at most the currency's
    decimals (``"340.33"`` in CNY); floats, ints and over-precise amounts are refused.

    Raises
    ------
    InvalidDocumentError
        ``where.key`` is missing, not a string, or not an amount of ``currency`` (more
        decimals than it has, NaN, too large).

    Examples
    --------
    >>> read_money({"fee": "7.00"}, "fee", "CNY", "plan")
    Decimal('7.00')
    >>> read_money({"fee": "7.001"}, "fee", "CNY", "plan")
    Traceback (most recent call last):
    ...
    bnpl_restructure.errors.InvalidDocumentError: plan.fee: must have at most 2 decimal \
places for CNY; round it explicitly first (got '7.001')
    """
    value = _get(doc, key, where)
    if not isinstance(value, str):
        raise InvalidDocumentError(path(where, key), "must be a string of money in major "
                                   "units such as '340.33' (never a float)", received=value)
    where_key = path(where, key)
    try:
        Currency.of(currency).to_minor(value, argument=where_key)  # not over-precise
        amount = to_decimal(value, argument=where_key)
    except InvalidArgumentError as exc:
        raise _document_error(exc) from None
    return amount


def read_minor(doc: Any, key: str | int, currency: CurrencyLike, where: str) -> int:
    """:func:`read_money` as an int of minor units.

    Raises
    ------
    InvalidDocumentError
        As :func:`read_money`.

    Examples
    --------
    >>> read_minor(["340.33", "0.05"], 1, "CNY", "schedule.payment")
    5
    """
    return Currency.of(currency).to_minor(read_money(doc, key, currency, where))


def read_date(doc: Any, key: str | int, where: str) -> date:
    """A date written in ISO 8601 (``"2024-01-15"``).

    Raises
    ------
    InvalidDocumentError
        ``where.key`` is missing or not a date written ``YYYY-MM-DD``.

    Examples
    --------
    >>> read_date({"start": "2024-02-29"}, "start", "plan")
    datetime.date(2024, 2, 29)
    >>> read_date({"start": "2023-02-29"}, "start", "plan")
    Traceback (most recent call last):
    ...
    bnpl_restructure.errors.InvalidDocumentError: plan.start: must be a date written \
YYYY-MM-DD (got '2023-02-29')
    """
    value = _get(doc, key, where)
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidDocumentError(path(where, key), "must be a date written YYYY-MM-DD",
                               received=value)


def read_fraction(doc: Any, key: str | int, where: str) -> Fraction:
    """An exact rate written as a string: ``"n/d"`` (``"1/1200"``) or a decimal
    (``"0.005"``); floats are refused.

    Raises
    ------
    InvalidDocumentError
        ``where.key`` is missing, not ``"n/d"`` or a decimal string, or has a zero
        denominator.

    Examples
    --------
    >>> read_fraction({"rate": "1/1200"}, "rate", "plan"), read_fraction(["0.005"], 0, "r")
    (Fraction(1, 1200), Fraction(1, 200))
    >>> read_fraction({"rate": 0.005}, "rate", "plan")
    Traceback (most recent call last):
    ...
    bnpl_restructure.errors.InvalidDocumentError: plan.rate: must be an exact rate written \
as a string, 'n/d' or a decimal such as '0.005' (never a float) (got 0.005)
    """
    value = _get(doc, key, where)
    allowed = ("must be an exact rate written as a string, 'n/d' or a decimal such as "
               "'0.005' (never a float)")
    if not isinstance(value, str):
        raise InvalidDocumentError(path(where, key), allowed, received=value)
    match = _FRACTION.fullmatch(value)
    if match is not None:
        if int(match.group(2)) == 0:
            raise InvalidDocumentError(path(where, key), "must not have a zero denominator",
                                       received=value)
        return Fraction(int(match.group(1)), int(match.group(2)))
    try:
        return Fraction(to_decimal(value, argument=path(where, key)))
    except InvalidArgumentError:
        raise InvalidDocumentError(path(where, key), allowed, received=value) from None


def read_enum(doc: Any, key: str | int, enum_type: type[E], where: str) -> E:
    """A member of ``enum_type`` written by its value (``"half_up"``), or by its name for
    an integer enum (``"PRINCIPAL"``); exact spelling.

    Raises
    ------
    InvalidDocumentError
        ``where.key`` is missing or not one of ``enum_type``'s written values (listed).

    Examples
    --------
    >>> from bnpl_restructure.rounding import RoundingMode
    >>> read_enum({"mode": "half_even"}, "mode", RoundingMode, "rounding")
    <RoundingMode.HALF_EVEN: 'half_even'>
    """
    if not (isinstance(enum_type, type) and issubclass(enum_type, enum.Enum)):
        raise InvalidArgumentError("enum_type", "must be an Enum class", received=enum_type)
    value = _get(doc, key, where)
    for member in enum_type:
        if isinstance(value, str) and value == write_enum(member):
            return member
    allowed = ", ".join(repr(write_enum(m)) for m in enum_type)
    raise InvalidDocumentError(path(where, key), f"must be one of {allowed}", received=value)


def read_list(doc: Any, key: str | int, where: str, *,
              length: int | None = None) -> list[Any]:
    """A list field (a JSON array), of ``length`` items when given.

    Raises
    ------
    InvalidDocumentError
        ``where.key`` is missing, not a list, or not of ``length`` items.

    Examples
    --------
    >>> read_list({"fees": ["1.00"]}, "fees", "plan", length=2)
    Traceback (most recent call last):
    ...
    bnpl_restructure.errors.InvalidDocumentError: plan.fees: must have 2 items (got 1)
    """
    if length is not None and type(length) is not int:
        raise InvalidArgumentError("length", "must be None or an int", received=length)
    value = _get(doc, key, where)
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
        raise InvalidDocumentError(path(where, key), "must be a list (a JSON array)",
                                   received=type(value).__name__)
    if length is not None and len(value) != length:
        raise InvalidDocumentError(path(where, key), f"must have {length} items",
                                   received=len(value))
    return list(value)


def read_mapping(doc: Any, key: str | int, where: str) -> Mapping[str, Any]:
    """A mapping field (a JSON object).

    Raises
    ------
    InvalidDocumentError
        ``where.key`` is missing or not a mapping.

    Examples
    --------
    >>> read_mapping({"rounding": {}}, "rounding", "plan")
    {}
    """
    value = _get(doc, key, where)
    if not isinstance(value, Mapping):
        raise InvalidDocumentError(path(where, key), "must be a mapping (a JSON object)",
                                   received=type(value).__name__)
    return value


def read_currency(doc: Any, key: str | int, where: str) -> Currency:
    """A currency written by :func:`write_currency`: a known ISO code (``"CNY"``) or
    ``{"code": "CHF", "exponent": 2}``.

    Raises
    ------
    InvalidDocumentError
        ``where.key`` is missing, or neither a known ISO code nor ``{"code", "exponent"}``
        of a valid currency.

    Examples
    --------
    >>> read_currency({"currency": "JPY"}, "currency", "plan")
    Currency('JPY', exponent=0)
    >>> read_currency({"currency": {"code": "CHF", "exponent": 2}}, "currency", "plan")
    Currency('CHF', exponent=2)
    """
    value = _get(doc, key, where)
    at = path(where, key)
    try:
        if isinstance(value, Mapping):
            check_keys(value, ("code", "exponent"), at)
            return Currency(read_str(value, "code", at),
                            exponent=read_int(value, "exponent", at))
        if isinstance(value, str) and value == value.strip().upper():
            return Currency.of(value)
    except InvalidArgumentError as exc:
        raise InvalidDocumentError(at, "must be a known ISO 4217 code such as 'CNY' or "
                                   "{'code': ..., 'exponent': ...}: " + exc.message,
                                   received=value) from None
    raise InvalidDocumentError(at, "must be a known ISO 4217 code such as 'CNY' or "
                               "{'code': ..., 'exponent': ...}", received=value)


def read_frequency(doc: Any, key: str | int, where: str) -> Frequency:
    """A payment frequency written by its name (``"monthly"``, ``"every 4 weeks"``).

    Raises
    ------
    InvalidDocumentError
        ``where.key`` is missing or not the name of a frequency.

    Examples
    --------
    >>> read_frequency({"frequency": "every 28 days"}, "frequency", "plan").periods_per_year
    Fraction(13, 1)
    """
    text = read_str(doc, key, where)
    try:
        return Frequency.parse(text)
    except InvalidArgumentError as exc:
        raise InvalidDocumentError(path(where, key), exc.message, received=text) from None


def check_keys(doc: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
    """Refuse a field that is not among ``allowed`` (a misspelt or foreign field is a
    malformed document, not something to ignore).

    Raises
    ------
    InvalidDocumentError
        ``where.<name>`` for the first field of ``doc`` that is not in ``allowed``.

    Examples
    --------
    >>> check_keys({"principal": "1.00", "principle": "2.00"}, ("principal",), "plan")
    Traceback (most recent call last):
    ...
    bnpl_restructure.errors.InvalidDocumentError: plan.principle: is not a field of this \
document (got '2.00')
    """
    if isinstance(allowed, str) or not isinstance(allowed, Iterable):
        raise InvalidArgumentError("allowed", "must be an iterable of field names",
                                   received=allowed)
    known = set(allowed)
    if not isinstance(doc, Mapping):
        raise InvalidDocumentError(where or "document", "must be a mapping (a JSON object)",
                                   received=type(doc).__name__)
    for name in doc:
        if name not in known:
            raise InvalidDocumentError(path(where, str(name)), "is not a field of this "
                                       "document", received=doc[name])


def build(where: str, factory: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``factory(*args, **kwargs)``, its argument errors raised as document errors at
    ``where`` (``InvalidTermsError("balloon", ...)`` becomes ``"plan.balloon"``).

    Raises
    ------
    InvalidDocumentError
        ``factory`` refused its arguments: its :class:`InvalidArgumentError` (or one it
        passed on as an InvalidDocumentError) with the argument's path put under ``where``.

    Examples
    --------
    >>> from bnpl_restructure.money import Currency
    >>> build("plan.currency", Currency, "CHF", exponent=7)
    Traceback (most recent call last):
    ...
    bnpl_restructure.errors.InvalidDocumentError: plan.currency.exponent: must be an int \
from 0 to 4 (the decimals of the currency's minor unit) (got 7)
    """
    if not callable(factory):
        raise InvalidArgumentError("factory", "must be callable", received=factory)
    try:
        return factory(*args, **kwargs)
    except InvalidDocumentError:
        raise
    except InvalidArgumentError as exc:
        raise InvalidDocumentError(path(where, exc.argument), exc.message, **(
            {} if exc.received is None else {"received": exc.received})) from None


# ------------------------------------------------------------------------- writers


def write_currency(currency: Currency) -> str | dict[str, Any]:
    """A currency: its code when it is one of the known ISO codes with its usual
    exponent, else ``{"code": ..., "exponent": ...}``.

    Raises
    ------
    InvalidArgumentError
        ``currency`` is not a :class:`~bnpl_restructure.money.Currency`.

    Examples
    --------
    >>> from bnpl_restructure.money import CNY, Currency
    >>> write_currency(CNY), write_currency(Currency("CHF", exponent=2))
    ('CNY', {'code': 'CHF', 'exponent': 2})
    """
    if not isinstance(currency, Currency):
        raise InvalidArgumentError("currency", "must be a Currency", received=currency)
    try:
        if Currency.of(currency.code) == currency:
            return currency.code
    except InvalidArgumentError:
        pass
    return {"code": currency.code, "exponent": currency.exponent}



def write_decimal(value: Decimal) -> str:
    """A Decimal as plain positional text, never in exponent form (a rate of zero
    quantized to 12 places is ``"0.000000000000"``, not ``"0E-12"``).

    Raises
    ------
    InvalidArgumentError
        ``value`` is not a finite Decimal.

    Examples
    --------
    >>> write_decimal(Decimal("0E-12")), write_decimal(Decimal("0.109044"))
    ('0.000000000000', '0.109044')
    """
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidArgumentError("value", "must be a finite Decimal", received=value)
    return format(value, "f")


def write_fraction(value: Fraction) -> str:
    """An exact rate as a string: a decimal when the fraction terminates, else ``"n/d"``.

    Raises
    ------
    InvalidArgumentError
        ``value`` is not a Fraction or an int.

    Examples
    --------
    >>> write_fraction(Fraction(1, 200)), write_fraction(Fraction(1, 1200))
    ('0.005', '1/1200')
    >>> write_fraction(Fraction(3)), write_fraction(Fraction(-1, 10**9))
    ('3', '-0.000000001')
    """
    if isinstance(value, bool) or not isinstance(value, Fraction | int):
        raise InvalidArgumentError("value", "must be a Fraction or an int", received=value)
    value = Fraction(value)
    try:
        decimal = _fraction_to_decimal(value, argument="value")
    except InvalidArgumentError:
        return f"{value.numerator}/{value.denominator}"
    return format(decimal, "f")


def write_money(minor: int, currency: Currency) -> str:
    """Minor units as a string in major units with the currency's places.

    Raises
    ------
    InvalidArgumentError
        ``minor`` is not an int of minor units or ``currency`` not a
        :class:`~bnpl_restructure.money.Currency`.

    Examples
    --------
    >>> from bnpl_restructure.money import CNY, JPY
    >>> write_money(34033, CNY), write_money(0, CNY), write_money(25, JPY)
    ('340.33', '0.00', '25')
    """
    if not isinstance(currency, Currency):
        raise InvalidArgumentError("currency", "must be a Currency", received=currency)
    return format(currency.to_major(minor), "f")


def write_enum(member: enum.Enum) -> str:
    """How :func:`read_enum` reads a member back: its value, or its name for an integer
    enum.

    Raises
    ------
    InvalidArgumentError
        ``member`` is not an enum member.

    Examples
    --------
    >>> from bnpl_restructure.core import PaymentRule
    >>> from bnpl_restructure.rounding import RoundingMode
    >>> write_enum(RoundingMode.HALF_UP), write_enum(PaymentRule.PAYOFF)
    ('half_up', 'PAYOFF')
    """
    if not isinstance(member, enum.Enum):
        raise InvalidArgumentError("member", "must be an enum member", received=member)
    value = member.value
    return value if isinstance(value, str) else member.name




def _document_error(exc: InvalidArgumentError) -> InvalidDocumentError:
    """An :class:`InvalidArgumentError` raised while reading, as a document error."""
    if isinstance(exc, InvalidDocumentError):
        return exc
    return InvalidDocumentError(exc.argument, exc.message, **(
        {} if exc.received is None else {"received": exc.received}))


# ---------------------------------------------------------------------------- load


def load(document: object) -> Any:
    """The object a document holds, by its ``kind``
    (``persistence.load(json.loads(text))``).

    Raises
    ------
    InvalidDocumentError
        Not a mapping, not a bnpl_restructure document, an unknown kind, a kind this
        installation cannot read yet, or whatever the kind's ``from_dict`` refuses.

    Examples
    --------
    >>> from bnpl_restructure import Plan
    >>> plan = Plan.pay_in_4("100.00", start="2024-03-01", currency="USD")
    >>> load(plan.to_dict()) == plan
    True
    >>> load({"format": "bnpl_restructure", "version": 1, "kind": "invoice"})
    Traceback (most recent call last):
    ...
    bnpl_restructure.errors.InvalidDocumentError: document.kind: must be one of 'plan', \
'schedule', 'restructuring', 'comparison', 'loan_state', 'servicing_terms' (got 'invoice')
    """
    if not isinstance(document, Mapping):
        raise InvalidDocumentError("document", "must be a mapping (a JSON object)",
                                   received=type(document).__name__)
    if document.get("format") != FORMAT:
        raise InvalidDocumentError("document.format", f"must be {FORMAT!r}: this is not a "
                                   "bnpl_restructure document",
                                   received=document.get("format"))
    kind = read_str(document, "kind", "document")
    target = KINDS.get(kind)
    if target is None:
        raise InvalidDocumentError("document.kind", "must be one of "
                                   + ", ".join(map(repr, KINDS)), received=kind)
    module_name, class_name = target.split(":")
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
        reader = cls.from_dict
    except (ImportError, AttributeError):
        raise InvalidDocumentError("document.kind", f"{kind!r} documents cannot be read by "
                                   f"this installation yet ({target}.from_dict is not "
                                   "available)", received=kind) from None
    return reader(document)


def dumps(obj: Any, **json_options: Any) -> str:
    """``json.dumps(obj.to_dict(), **json_options)``.

    Raises
    ------
    InvalidArgumentError
        ``obj`` has no ``to_dict()``; ``json_options`` holds an option ``json.dumps``
        does not take.

    Examples
    --------
    >>> from bnpl_restructure import Plan
    >>> dumps(Plan.pay_in_4("100.00", start="2024-03-01"))[:60]
    '{"format": "bnpl_restructure", "version": 1, "kind": "plan",'
    >>> dumps(object())
    Traceback (most recent call last):
    ...
    bnpl_restructure.errors.InvalidArgumentError: obj: must have to_dict() (a Plan, a \
Schedule, a Restructuring, a Comparison, ...) (got 'object')
    """
    to_dict = getattr(obj, "to_dict", None)
    if to_dict is None:
        raise InvalidArgumentError("obj", "must have to_dict() (a Plan, a Schedule, a "
                                   "Restructuring, a Comparison, ...)",
                                   received=type(obj).__name__)
    document = to_dict()
    try:
        return json.dumps(document, **json_options)
    except TypeError as exc:
        raise InvalidArgumentError("json_options", f"must be options of json.dumps ({exc})",
                                   received=sorted(json_options)) from None


def loads(text: str | bytes) -> Any:
    """:func:`load` of a JSON text.

    Raises
    ------
    InvalidDocumentError
        ``argument="document"`` when the text is not JSON; else as :func:`load`.

    Examples
    --------
    >>> loads("{not json")
    Traceback (most recent call last):
    ...
    bnpl_restructure.errors.InvalidDocumentError: document: must be JSON text (line 1 \
column 2: Expecting property name enclosed in double quotes)
    """
    if not isinstance(text, (str, bytes, bytearray)):
        raise InvalidDocumentError("document", "must be JSON text (a str or bytes)",
                                   received=type(text).__name__)
    try:
        document = json.loads(text)
    except ValueError as exc:
        detail = f"line {exc.lineno} column {exc.colno}: {exc.msg}" if isinstance(
            exc, json.JSONDecodeError) else str(exc)
        raise InvalidDocumentError("document", f"must be JSON text ({detail})") from None
    except RecursionError:  # [[[[...: no document of ours nests so deep
        raise InvalidDocumentError("document", "must be JSON text nested to a sensible "
                                   "depth (arrays and objects nest too deeply)") from None
    return load(document)
