"""Servicing tests written from mutation testing of ``state.py``, ``terms.py``,
``records.py`` and ``persist.py`` (docs/explanation/mutation-testing-servicing-data.md).

Each test states behaviour the servicing tests left unchecked (a mutant of the code
survived them): an error's exact type, argument, message and received value, a figure
worked by hand in the comments, or a stated invariant. Reference values are never read
back from the code under test.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from bnpl_restructure import Plan
from bnpl_restructure.errors import (
    CurrencyMismatchError,
    InvalidArgumentError,
    InvalidDocumentError,
    InvalidTermsError,
)
from bnpl_restructure.servicing import Charge, LoanState, ServicingTerms, loan_state, payoff_quote

D = Decimal


def _raises(call: Callable[[], Any], kind: type[InvalidArgumentError], text: str,
            argument: str) -> InvalidArgumentError:
    """``call()`` raises exactly ``kind`` whose text is ``text`` and argument ``argument``
    (the text holds the argument, the message and the received value's repr)."""
    with pytest.raises(InvalidArgumentError) as info:
        call()
    error = info.value
    assert type(error) is kind
    assert str(error) == text
    assert error.argument == argument
    return error


def _flat(installments: int = 3, principal: str = "900.00", start: str = "2026-01-15") -> Any:
    # a flat-fee plan: principal / n a month plus a fee of 1% of the principal a month
    return Plan.flat_fee(principal, fee_rate="0.01", installments=installments,
                         start=start).schedule()


# ------------------------------------------------------------------------ state.py


def test_a_charge_on_the_states_day_after_its_payments_is_refused_by_apply_and_on() -> None:
    # a state on Feb 15 that received a payment that day: a charge dated Feb 15 given
    # afterwards would come after the day's payments (charges come first on a day)
    s = _flat()
    state = loan_state(s, [("2026-02-15", "309.00")], as_of="2026-02-15")
    nsf = Charge(date="2026-02-15", name="nsf", amount="15.00")
    text = ("charges: a charge dated 2026-02-15 would come after that day's payments, but "
            "a day's charges come before its payments: give it with the day's first "
            "payment, or date it the next day (got '2026-02-15')")
    _raises(lambda: state.on("2026-02-20", charges=[nsf]), InvalidArgumentError, text,
            "charges")
    _raises(lambda: state.apply(("2026-02-16", "1.00"), charges=[nsf]),
            InvalidArgumentError, text, "charges")
    # the next day is fine: 15.00 charged to the loan, unpaid
    later = state.on("2026-02-16", charges=[Charge(date="2026-02-16", name="nsf",
                                                    amount="15.00")])
    assert later.unpaid_charges == D("15.00")


def test_a_charge_after_the_new_states_day_is_refused() -> None:
    # two charges after the day: the first is named
    s = _flat()
    state = loan_state(s, as_of="2026-02-01")
    late = [Charge(date="2026-02-21", name="nsf", amount="15.00"),
            Charge(date="2026-02-22", name="nsf", amount="15.00")]
    _raises(lambda: state.on("2026-02-20", charges=late), InvalidArgumentError,
            "charges: a charge dated 2026-02-21 is after the day of the new state "
            "(2026-02-20) (got '2026-02-21')", "charges")
    _raises(lambda: state.apply(("2026-02-20", "1.00"), charges=late),
            InvalidArgumentError,
            "charges: a charge dated 2026-02-21 is after the day of the new state "
            "(2026-02-20) (got '2026-02-21')", "charges")


def test_a_charge_before_the_states_day_names_the_states_day() -> None:
    # read_charges' "since" names what the date must not precede: the state's day here
    s = _flat()
    state = loan_state(s, as_of="2026-02-10")
    early = Charge(date="2026-02-09", name="nsf", amount="15.00")
    _raises(lambda: state.on("2026-02-20", charges=[early]), InvalidTermsError,
            "charges[0].date: must not be before the state's day (2026-02-10) "
            "(got '2026-02-09')", "charges[0].date")


def test_payoff_quote_counts_the_charges() -> None:
    # nothing paid, quoted on day one: principal 900.00 (accrued to date: no fee earned
    # yet) plus a 15.00 charge to the loan that day = 915.00
    s = _flat()
    nsf = Charge(date="2026-01-15", name="nsf", amount="15.00")
    assert payoff_quote(s, as_of="2026-01-15") == D("900.00")
    assert payoff_quote(s, as_of="2026-01-15", charges=[nsf]) == D("915.00")


def test_the_pretty_printer_shows_the_short_repr() -> None:
    class Printer:
        def __init__(self) -> None:
            self.parts: list[str] = []

        def text(self, part: str) -> None:
            self.parts.append(part)

    state = loan_state(_flat(), as_of="2026-01-15")
    printer = Printer()
    state._repr_pretty_(printer, False)
    assert printer.parts == [repr(state)]
    # day one of a CNY plan of 900.00: nothing overdue, payoff the principal
    assert printer.parts == ["<LoanState 2026-01-15 CNY: principal 900.00 outstanding, "
                             "overdue 0.00 (0 days, current), payoff 900.00>"]


def test_loan_state_refuses_what_is_not_a_schedule_or_terms() -> None:
    s = _flat()
    _raises(lambda: loan_state("plan", as_of="2026-01-15"), InvalidArgumentError,
            "schedule: must be a Schedule (plan.schedule()) (got 'plan')", "schedule")
    _raises(lambda: loan_state(s, as_of="2026-01-15", terms="jd"), InvalidArgumentError,
            "terms: must be a ServicingTerms (got 'jd')", "terms")
    _raises(lambda: loan_state(s, as_of="2026-01-14"), InvalidArgumentError,
            "as_of: must not be before the loan starts (2026-01-15) (got '2026-01-14')",
            "as_of")


def test_a_schedule_that_leaves_a_closing_balance_cannot_be_serviced() -> None:
    # 1,000.00 at 1% a month over 3 months, the level payment 340.02 kept on the last
    # row: 1000 + 10.00 - 340.02 = 669.98; + 6.70 - 340.02 = 336.66; + 3.37 - 340.02
    # leaves 0.01
    s = Plan.annuity("1000.00", annual_rate="0.12", installments=3, start="2026-01-01",
                     currency="USD", last_installment="level").schedule()
    _raises(lambda: loan_state(s, as_of="2026-01-01"), InvalidTermsError,
            "schedule: leaves a closing balance of 0.01 (the level payment kept on the "
            "last installment): servicing needs a schedule that pays the loan off; build "
            "the plan with last_installment='payoff' (got '0.01')", "schedule")


def test_a_state_centuries_on_owes_more_than_any_amount() -> None:
    # 1,000.00 (10^5 minor units) compounding daily at 36% a year (act/365 fixed) from
    # 2026-01-01 to 2200-01-01, 63,552 days: log10 = 5 + 63552 log10(1 + 0.36/365)
    # = 32.2, a 33-digit number of minor units, past 10^20
    s = Plan.annuity("1000.00", annual_rate="0.36", installments=2,
                     start="2026-01-01").schedule()
    terms = ServicingTerms(interest="daily", compounding="daily")
    _raises(lambda: loan_state(s, as_of="2200-01-01", terms=terms), InvalidArgumentError,
            "as_of: the loan would owe a 33-digit number of minor units by then, beyond "
            "the largest amount the library handles (1E+12 major units); ask about an "
            "earlier day (got '2200-01-01')", "as_of")


def test_a_state_without_its_history_cannot_go_on() -> None:
    import dataclasses

    state = loan_state(_flat(), as_of="2026-01-15")
    bare = dataclasses.replace(state, _engine=None)
    text = ("state: was built without its history (schedule, terms, payments); use "
            "loan_state() or LoanState.from_dict()")
    _raises(lambda: bare.on("2026-02-01"), InvalidArgumentError, text, "state")
    _raises(lambda: bare.apply(("2026-02-01", "1.00")), InvalidArgumentError, text, "state")
    for missing in ("schedule", "terms"):
        _raises(lambda m=missing: dataclasses.replace(state, **{m: None}).on("2026-02-01"),
                InvalidArgumentError, text, "state")
    _raises(lambda: dataclasses.replace(state, paid=[("principal", D(1))]),
            InvalidArgumentError,
            "paid: must be a mapping of components to amounts (got [('principal', "
            "Decimal('1'))])", "paid")
    _raises(lambda: state.on("2026-01-14"), InvalidArgumentError,
            "as_of: must not be before the state's day (2026-01-15) (got '2026-01-14')",
            "as_of")


# ------------------------------------------------------------------------ terms.py


@pytest.mark.parametrize(("kwargs", "text", "argument"), [
    ({"days_past_due": 0}, "late_fee.days_past_due: must be an integer >= 1 (got 0)",
     "late_fee.days_past_due"),
    ({"days_past_due": True}, "late_fee.days_past_due: must be an integer >= 1 (got True)",
     "late_fee.days_past_due"),
    ({"days_past_due": 1.0}, "late_fee.days_past_due: must be an integer >= 1 (got 1.0)",
     "late_fee.days_past_due"),
    ({"days_past_due": 1, "every": 0}, "late_fee.every: must be an integer >= 1 (got 0)",
     "late_fee.every"),
    ({"days_past_due": 1, "every": False},
     "late_fee.every: must be an integer >= 1 (got False)", "late_fee.every"),
    ({"days_past_due": 1, "amount": "-0.01"},
     "late_fee.amount: must not be negative (got '-0.01')", "late_fee.amount"),
    ({"days_past_due": 1, "order_at_least": "-1"},
     "late_fee.order_at_least: must not be negative (got '-1')", "late_fee.order_at_least"),
    ({"days_past_due": 1, "order_below": "-1"},
     "late_fee.order_below: must not be negative (got '-1')", "late_fee.order_below"),
    ({"days_past_due": 1, "order_at_least": "40", "order_below": "40"},
     "late_fee.order_below: must be above order_at_least (40) (got Decimal('40'))",
     "late_fee.order_below"),
])
def test_a_late_fee_tier_names_what_is_wrong(kwargs: dict[str, Any], text: str,
                                              argument: str) -> None:
    from bnpl_restructure.servicing import LateFee

    _raises(lambda: LateFee(**kwargs), InvalidArgumentError, text, argument)


def test_a_late_fee_tier_applies_to_its_order_range_only() -> None:
    from bnpl_restructure.servicing import LateFee

    tier = LateFee(days_past_due=1, amount="5", order_at_least="40", order_below="100")
    # [40, 100): 40 in, 100 out, 39.99 out
    assert [tier.applies_to(D(v)) for v in ("39.99", "40", "99.99", "100")] == [
        False, True, True, False]
    assert LateFee(days_past_due=1, order_at_least="40").applies_to(D("1e9"))
    assert LateFee(days_past_due=1, order_below="40").applies_to(D("0"))
    # an exactly empty range is refused, one a cent wide is not
    assert LateFee(days_past_due=1, order_at_least="40", order_below="40.01").order_below \
        == D("40.01")
    _raises(lambda: tier.applies_to("abc"), InvalidArgumentError,
            "order_value: must be a decimal number such as '1234.56' (finite; ASCII digits) "
            "(got 'abc')", "order_value")


_DAILY_PAYOFF = ("early_payoff: must be accrued_to_date, current_period or no_rebate under "
                 "daily interest (interest is owed to the day; the rule applies to fees) "
                 "(got '{}')")
_CREDIT_NEXT = ("overpayment: must be 'credit_next' with early_payoff='{}': that rebate is "
                "defined on the contract's schedule, which a prepayment against principal "
                "would re-run (got '{}')")


@pytest.mark.parametrize(("kwargs", "text", "argument"), [
    ({"name": 1}, "name: must be a string (got 1)", "name"),
    ({"count_due_date": 1}, "count_due_date: must be True or False (got 1)",
     "count_due_date"),
    ({"count_payment_date": None}, "count_payment_date: must be True or False (got None)",
     "count_payment_date"),
    ({"late_fee_at_most_payment_due": "yes"},
     "late_fee_at_most_payment_due: must be True or False (got 'yes')",
     "late_fee_at_most_payment_due"),
    ({"allow_rule_of_78_over_61_months": 0},
     "allow_rule_of_78_over_61_months: must be True or False (got 0)",
     "allow_rule_of_78_over_61_months"),
    ({"grace_days": -1}, "grace_days: must be an integer from 0 to 365 (got -1)",
     "grace_days"),
    ({"grace_days": 366}, "grace_days: must be an integer from 0 to 365 (got 366)",
     "grace_days"),
    ({"grace_days": True}, "grace_days: must be an integer from 0 to 365 (got True)",
     "grace_days"),
    ({"grace_days": 3.0}, "grace_days: must be an integer from 0 to 365 (got 3.0)",
     "grace_days"),
    ({"penalty_minimum_per_day": "-0.01"},
     "penalty_minimum_per_day: must not be negative (got '-0.01')",
     "penalty_minimum_per_day"),
    ({"late_fees": ()}, None, None),
    ({"late_fees": "x"}, "late_fees: must be a tuple of LateFee tiers (got 'x')",
     "late_fees"),
    ({"late_fees": (1,)}, "late_fees: must be LateFee tiers (got (1,))", "late_fees"),
    ({"late_fee_cap_per_installment": "-1"},
     "late_fee_cap_per_installment: must not be negative (got '-1')",
     "late_fee_cap_per_installment"),
    ({"late_fee_cap_per_plan": "-1"},
     "late_fee_cap_per_plan: must not be negative (got '-1')", "late_fee_cap_per_plan"),
    ({"max_late_fees": -1}, "max_late_fees: must be a non-negative integer (got -1)",
     "max_late_fees"),
    ({"max_late_fees": True}, "max_late_fees: must be a non-negative integer (got True)",
     "max_late_fees"),
    ({"max_late_fees": 1.0}, "max_late_fees: must be a non-negative integer (got 1.0)",
     "max_late_fees"),
    ({"waterfall": "principal"},
     "waterfall: must be a tuple ordering each of ('penalty', 'late_fee', 'charge', "
     "'fee', 'interest', 'principal') once (got 'principal')", "waterfall"),
    ({"waterfall": ("principal", "interest")},
     "waterfall: must order each of ('penalty', 'late_fee', 'charge', 'fee', 'interest', "
     "'principal') once (got ('principal', 'interest'))", "waterfall"),
    ({"delinquency_buckets": ()},
     "delinquency_buckets: must be increasing whole days past due, each >= 1, e.g. "
     "(30, 60, 90) (got ())", "delinquency_buckets"),
    ({"delinquency_buckets": (0, 30)},
     "delinquency_buckets: must be increasing whole days past due, each >= 1, e.g. "
     "(30, 60, 90) (got (0, 30))", "delinquency_buckets"),
    ({"delinquency_buckets": (30, 30)},
     "delinquency_buckets: must be increasing whole days past due, each >= 1, e.g. "
     "(30, 60, 90) (got (30, 30))", "delinquency_buckets"),
    ({"delinquency_buckets": (60, 30)},
     "delinquency_buckets: must be increasing whole days past due, each >= 1, e.g. "
     "(30, 60, 90) (got (60, 30))", "delinquency_buckets"),
    ({"delinquency_buckets": (30, True)},
     "delinquency_buckets: must be increasing whole days past due, each >= 1, e.g. "
     "(30, 60, 90) (got (30, True))", "delinquency_buckets"),
    ({"delinquency_buckets": (30.0,)},
     "delinquency_buckets: must be increasing whole days past due, each >= 1, e.g. "
     "(30, 60, 90) (got (30.0,))", "delinquency_buckets"),
    ({"delinquency_buckets": 30},
     "delinquency_buckets: must be increasing whole days past due, each >= 1, e.g. "
     "(30, 60, 90) (got 30)", "delinquency_buckets"),
    ({"interest": "daily", "day_count": "per_period"},
     "day_count: must count days (act/365f, act/360, act/act or 30/360) for daily "
     "interest (got 'per_period')", "day_count"),
    ({"annual_rate": "0.1"},
     "interest: must be 'daily' for annual_rate, day_count or compounding to apply "
     "(got 'precomputed')", "interest"),
    ({"day_count": "act/360"},
     "interest: must be 'daily' for annual_rate, day_count or compounding to apply "
     "(got 'precomputed')", "interest"),
    ({"compounding": "daily"},
     "interest: must be 'daily' for annual_rate, day_count or compounding to apply "
     "(got 'precomputed')", "interest"),
    *[({"interest": "daily", "early_payoff": rule}, _DAILY_PAYOFF.format(rule),
       "early_payoff") for rule in ("rule_of_78", "actuarial", "uk_2004")],
    *[({"early_payoff": rule, "overpayment": over}, _CREDIT_NEXT.format(rule, over),
       "overpayment") for rule, over in (("actuarial", "prepay_shorten"),
                                         ("uk_2004", "prepay_reduce"))],
])
def test_servicing_terms_name_what_is_wrong(kwargs: dict[str, Any], text: str | None,
                                            argument: str | None) -> None:
    if text is None:  # the valid neighbour of a refused value
        ServicingTerms(**kwargs)
        return
    assert argument is not None
    _raises(lambda: ServicingTerms(**kwargs), InvalidArgumentError, text, argument)


@pytest.mark.parametrize("kwargs", [
    {"interest": "daily", "early_payoff": "no_rebate"},
    {"interest": "daily", "early_payoff": "current_period"},
    {"interest": "daily", "early_payoff": "accrued_to_date"},
    {"early_payoff": "rule_of_78", "overpayment": "prepay_shorten"},
    {"early_payoff": "no_rebate", "overpayment": "prepay_reduce"},
    {"interest": "daily", "annual_rate": "0.1", "day_count": "act/360",
     "compounding": "due_dates"},
    {"delinquency_buckets": [1]},
    {"max_late_fees": 0},
    {"grace_days": 0},
    {"grace_days": 365},
])
def test_servicing_terms_accept_the_neighbours_of_what_they_refuse(
        kwargs: dict[str, Any]) -> None:
    terms = ServicingTerms(**kwargs)
    for name, value in kwargs.items():
        stored = getattr(terms, name)
        shown = stored.value if hasattr(stored, "value") and not isinstance(
            stored, int) else stored
        if name == "delinquency_buckets":
            assert stored == tuple(value)
        elif name not in ("annual_rate", "day_count"):
            assert shown == value, name


# ------------------------------------------------------------------------ records.py


@pytest.mark.parametrize(("kwargs", "text", "argument"), [
    ({"amount": "0"}, "payment.amount: must be greater than zero (got '0')",
     "payment.amount"),
    ({"amount": "-1.00"}, "payment.amount: must be greater than zero (got '-1.00')",
     "payment.amount"),
])
def test_a_payment_names_what_is_wrong(kwargs: dict[str, Any], text: str,
                                       argument: str) -> None:
    from bnpl_restructure.servicing import Payment

    _raises(lambda: Payment(**{"date": "2026-02-15", **kwargs}), InvalidArgumentError,
            text, argument)


def test_a_payment_keeps_its_values() -> None:
    from bnpl_restructure.money import Currency
    from bnpl_restructure.servicing import Payment

    p = Payment(date="2026-02-15", amount="0.01", currency="USD")
    assert (p.date, p.amount, p.currency) == (date(2026, 2, 15), D("0.01"),
                                              Currency.of("USD"))
    assert Payment(date=date(2026, 2, 15), amount=1).currency is None


@pytest.mark.parametrize(("kwargs", "text", "argument"), [
    ({"name": "  "}, "charge.name: must be a non-empty string such as 'nsf' or "
     "'extension_fee' (got '  ')", "charge.name"),
    ({"name": 5}, "charge.name: must be a non-empty string such as 'nsf' or "
     "'extension_fee' (got 5)", "charge.name"),
    ({"amount": "0"}, "charge.amount: must be greater than zero (got '0')",
     "charge.amount"),
    ({"installment": 0}, "charge.installment: must be an installment number (>= 1) or "
     "None for the loan (got 0)", "charge.installment"),
    ({"installment": True}, "charge.installment: must be an installment number (>= 1) or "
     "None for the loan (got True)", "charge.installment"),
    ({"installment": 1.0}, "charge.installment: must be an installment number (>= 1) or "
     "None for the loan (got 1.0)", "charge.installment"),
])
def test_a_charge_names_what_is_wrong(kwargs: dict[str, Any], text: str,
                                      argument: str) -> None:
    values = {"date": "2026-02-15", "name": "nsf", "amount": "15.00", **kwargs}
    _raises(lambda: Charge(**values), InvalidArgumentError, text, argument)


def test_a_charge_keeps_its_values() -> None:
    from bnpl_restructure.money import Currency

    c = Charge(date="2026-02-15", name="nsf", amount="15", installment=1, currency="CNY")
    assert (c.date, c.name, c.amount, c.installment, c.currency) == (
        date(2026, 2, 15), "nsf", D("15"), 1, Currency.of("CNY"))


def test_a_ledger_event_round_trips_and_names_what_is_wrong() -> None:
    from bnpl_restructure.servicing import LedgerEvent

    event = LedgerEvent(date=date(2026, 2, 15), kind="allocation", amount=D("7.00"),
                        installment=1, component="fee", note="paid")
    data = {"date": "2026-02-15", "kind": "allocation", "amount": "7.00",
            "installment": 1, "component": "fee", "note": "paid"}
    assert event.to_dict() == data
    assert LedgerEvent.from_dict(data) == event
    # note null reads as "", installment and component may be null
    bare = LedgerEvent.from_dict({**data, "note": None, "installment": None,
                                  "component": None})
    assert (bare.note, bare.installment, bare.component) == ("", None, None)
    _raises(lambda: LedgerEvent.from_dict(["2026-02-15"]),  # type: ignore[arg-type]
            InvalidDocumentError, "ledger_event: must be a mapping (a JSON object) "
            "(got 'list')", "ledger_event")
    _raises(lambda: LedgerEvent.from_dict({**data, "kind": "gift"}), InvalidDocumentError,
            "ledger_event.kind: must be one of ('payment', 'due', 'penalty', 'late_fee', "
            "'charge', 'allocation', 'rebate', 'refund', 'credit', 'cancelled', "
            "'reschedule') (got 'gift')", "ledger_event.kind")


def test_payments_given_to_loan_state_name_what_is_wrong() -> None:
    from bnpl_restructure.servicing import Payment

    s = _flat()  # CNY, from 2026-01-15
    for bad in ("x", None, {"2026-02-15": "1"}, 5):
        _raises(lambda b=bad: loan_state(s, b, as_of="2026-03-01"), InvalidArgumentError,
                "payments: must be a sequence of Payment objects or (date, amount[, "
                f"currency]) tuples (got {bad!r})", "payments")
    for item in (5, ("2026-02-15",), ("2026-02-15", "1", "CNY", "x")):
        _raises(lambda i=item: loan_state(s, [i], as_of="2026-03-01"),
                InvalidArgumentError, "payments[0]: must be a Payment or a (date, "
                f"amount[, currency]) tuple (got {item!r})", "payments[0]")
    _raises(lambda: loan_state(s, [("2026-02-15", "1.00"), ("2026-02-16", "0")],
                               as_of="2026-03-01"),
            InvalidArgumentError, "payments[1].amount: must be greater than zero (got '0')",
            "payments[1].amount")
    _raises(lambda: loan_state(s, [("2026-02-15", "1.00", "USD")], as_of="2026-03-01"),
            CurrencyMismatchError, "payments[0].currency: must be CNY, the schedule's "
            "currency (got 'USD')", "payments[0].currency")
    _raises(lambda: loan_state(s, [Payment(date="2026-02-15", amount="1", currency="USD")],
                               as_of="2026-03-01"),
            CurrencyMismatchError, "payments[0].currency: must be CNY, the schedule's "
            "currency (got 'USD')", "payments[0].currency")
    _raises(lambda: loan_state(s, [("2026-02-15", "1.001")], as_of="2026-03-01"),
            InvalidArgumentError, "payments[0].amount: must have at most 2 decimal places "
            "for CNY; round it explicitly first (got Decimal('1.001'))", "payments[0].amount")
    _raises(lambda: loan_state(s, [("2026-01-14", "1.00")], as_of="2026-03-01"),
            InvalidTermsError, "payments[0].date: must not be before the loan starts "
            "(2026-01-15) (got '2026-01-14')", "payments[0].date")
    _raises(lambda: loan_state(s, [("2026-02-15", "1.00"), ("2026-02-14", "1.00")],
                               as_of="2026-03-01"),
            InvalidArgumentError, "payments[1].date: must be in date order (previous "
            "2026-02-15) (got '2026-02-14')", "payments[1].date")
    # on the start day, and two on one day, are fine; amounts are whole minor units in
    # the schedule's currency (a payment of 1 is 1.00 CNY)
    state = loan_state(s, [("2026-01-15", "1"), ("2026-01-15", "2", "CNY"),
                           Payment(date="2026-01-15", amount="3")], as_of="2026-01-15")
    assert [(p.date, str(p.amount), p.currency.code) for p in state.payments] == [
        (date(2026, 1, 15), "1.00", "CNY"), (date(2026, 1, 15), "2.00", "CNY"),
        (date(2026, 1, 15), "3.00", "CNY")]


def test_charges_given_to_loan_state_name_what_is_wrong() -> None:
    s = _flat()  # CNY, installments 1..3, from 2026-01-15
    for bad in ("x", None, {"nsf": "1"}, 5):
        _raises(lambda b=bad: loan_state(s, as_of="2026-03-01", charges=b),
                InvalidArgumentError, "charges: must be a sequence of Charge objects "
                f"(got {bad!r})", "charges")
    _raises(lambda: loan_state(s, as_of="2026-03-01", charges=[("2026-02-15", "1")]),
            InvalidArgumentError, "charges[0]: must be a Charge(date=, name=, amount=[, "
            "installment=]) (got ('2026-02-15', '1'))", "charges[0]")

    def charge(day: str = "2026-02-15", **kw: Any) -> Charge:
        return Charge(date=day, name=kw.pop("name", "nsf"), amount=kw.pop("amount", "15"),
                      **kw)

    _raises(lambda: loan_state(s, as_of="2026-03-01", charges=[charge(), charge(
        installment=4)]), InvalidArgumentError, "charges[1].installment: is not an "
        "installment of the loan still to pay (1..3) (got 4)", "charges[1].installment")
    _raises(lambda: loan_state(s, as_of="2026-03-01", charges=[charge(currency="USD")]),
            CurrencyMismatchError, "charges[0].currency: must be CNY, the schedule's "
            "currency (got 'USD')", "charges[0].currency")
    _raises(lambda: loan_state(s, as_of="2026-03-01", charges=[charge(amount="0.001")]),
            InvalidArgumentError, "charges[0].amount: must have at most 2 decimal places "
            "for CNY; round it explicitly first (got Decimal('0.001'))", "charges[0].amount")
    _raises(lambda: loan_state(s, as_of="2026-03-01", charges=[charge("2026-01-14")]),
            InvalidTermsError, "charges[0].date: must not be before the loan starts "
            "(2026-01-15) (got '2026-01-14')", "charges[0].date")
    _raises(lambda: loan_state(s, as_of="2026-03-01", charges=[charge(), charge(
        "2026-02-14")]), InvalidArgumentError, "charges[1].date: must be in date order "
        "(previous 2026-02-15) (got '2026-02-14')", "charges[1].date")
    # the name is stripped, the amount whole minor units, the currency the schedule's
    state = loan_state(s, as_of="2026-03-01", charges=[charge(name=" nsf ", installment=3),
                                                       charge(installment=1)])
    assert [(c.name, str(c.amount), c.installment, c.currency.code)
            for c in state.charges] == [("nsf", "15.00", 3, "CNY"), ("nsf", "15.00", 1,
                                                                      "CNY")]


# ------------------------------------------------------------------------ persist.py


def _custom_terms() -> ServicingTerms:
    from bnpl_restructure.servicing import LateFee

    return ServicingTerms(
        name="custom book", grace_days=4, penalty_rate="0.0005",
        penalty_base="overdue_principal", penalty_start="grace_end",
        penalty_minimum_per_day="0.05", count_due_date=True, count_payment_date=False,
        charge_dating="charge_date",
        late_fees=(LateFee(days_past_due=8, amount="7.5", percent="0.01", every=7,
                           order_at_least="40", order_below="1000"),
                   LateFee(days_past_due=2, amount="1")),
        late_fee_cap_per_installment="12", late_fee_cap_per_plan="68.00",
        late_fee_cap_percent="0.25", max_late_fees=3, late_fee_at_most_payment_due=True,
        waterfall=("late_fee", "fee", "penalty", "interest", "principal"),
        order="vertical", overpayment="prepay_shorten", early_payoff="rule_of_78",
        late_fee_base="principal", delinquency_buckets=(15, 45), rebate_deferral=30,
        allow_rule_of_78_over_61_months=True)


# the document of _custom_terms(), written by hand from the terms above: tiers sorted by
# days past due, "charge" placed right after "late_fee", amounts as given, rates as
# terminating decimals
_CUSTOM_DOCUMENT = {
    "format": "bnpl_restructure", "version": 1, "kind": "servicing_terms",
    "name": "custom book", "grace_days": 4, "penalty_rate": "0.0005",
    "penalty_base": "overdue_principal", "penalty_start": "grace_end",
    "charge_dating": "charge_date", "order": "vertical", "overpayment": "prepay_shorten",
    "early_payoff": "rule_of_78", "late_fee_base": "principal", "interest": "precomputed",
    "compounding": "none", "count_due_date": True, "count_payment_date": False,
    "late_fee_at_most_payment_due": True, "allow_rule_of_78_over_61_months": True,
    "penalty_minimum_per_day": "0.05", "late_fee_cap_per_installment": "12",
    "late_fee_cap_per_plan": "68.00", "late_fee_cap_percent": "0.25", "max_late_fees": 3,
    "late_fees": [
        {"days_past_due": 2, "amount": "1", "percent": "0", "every": None,
         "order_at_least": None, "order_below": None},
        {"days_past_due": 8, "amount": "7.5", "percent": "0.01", "every": 7,
         "order_at_least": "40", "order_below": "1000"}],
    "waterfall": ["late_fee", "charge", "fee", "penalty", "interest", "principal"],
    "delinquency_buckets": [15, 45], "rebate_deferral": 30, "annual_rate": None,
    "day_count": None}


def test_the_document_of_servicing_terms_is_every_field_as_written() -> None:
    terms = _custom_terms()
    assert terms.to_dict() == _CUSTOM_DOCUMENT
    assert list(terms.to_dict()) == list(_CUSTOM_DOCUMENT)
    back = ServicingTerms.from_dict(_CUSTOM_DOCUMENT)
    assert back == terms
    assert back.to_dict() == _CUSTOM_DOCUMENT


def test_daily_terms_round_trip() -> None:
    terms = ServicingTerms(interest="daily", compounding="due_dates", annual_rate="0.18",
                           day_count="act/360", early_payoff="current_period",
                           rebate_deferral="none")
    document = terms.to_dict()
    assert {k: document[k] for k in ("interest", "compounding", "annual_rate",
                                     "day_count", "early_payoff", "rebate_deferral")} == {
        "interest": "daily", "compounding": "due_dates", "annual_rate": "0.18",
        "day_count": "act/360", "early_payoff": "current_period", "rebate_deferral": "none"}
    assert ServicingTerms.from_dict(document) == terms


def test_a_terms_document_written_before_the_later_fields_means_their_defaults() -> None:
    # the fields added after the first documents, left out: their defaults; a document
    # with no minimum penalty (null) means 0
    later = ("late_fee_base", "delinquency_buckets", "rebate_deferral",
             "allow_rule_of_78_over_61_months", "interest", "compounding", "annual_rate",
             "day_count")
    old = {k: v for k, v in _CUSTOM_DOCUMENT.items() if k not in later}
    old["penalty_minimum_per_day"] = None
    terms = ServicingTerms.from_dict(old)
    defaults = ServicingTerms()
    for name in later:
        assert getattr(terms, name) == getattr(defaults, name), name
    assert terms.penalty_minimum_per_day == 0
    assert terms.grace_days == 4 and terms.max_late_fees == 3


def test_terms_documents_name_what_is_wrong() -> None:
    from bnpl_restructure.servicing.persist import terms_body, terms_to_dict

    for call in (lambda: terms_body("x"), lambda: terms_to_dict("x")):  # type: ignore[arg-type]
        _raises(call, InvalidArgumentError, "terms: must be a ServicingTerms (got 'x')",
                "terms")
    bad_tier = {**_CUSTOM_DOCUMENT, "late_fees": [
        {**_CUSTOM_DOCUMENT["late_fees"][0], "days_past_due": 0}]}  # type: ignore[index]
    _raises(lambda: ServicingTerms.from_dict(bad_tier), InvalidDocumentError,
            "servicing_terms.late_fees[0].days_past_due: must be an integer >= 1 (got 0)",
            "servicing_terms.late_fees[0].days_past_due")
    _raises(lambda: ServicingTerms.from_dict({**_CUSTOM_DOCUMENT, "grace_days": 400}),
            InvalidDocumentError,
            "servicing_terms.grace_days: must be an integer from 0 to 365 (got 400)",
            "servicing_terms.grace_days")


@pytest.mark.parametrize(("field", "value", "text"), [
    ("every", 0, "every: must be an integer >= 1 (got 0)"),
    ("amount", "-1", "amount: must not be negative (got Decimal('-1'))"),
    ("order_below", "40", "order_below: must be above order_at_least (40) "
     "(got Decimal('40'))"),
])
def test_a_bad_late_fee_tier_in_a_document_is_named_by_its_path(field: str, value: Any,
                                                                text: str) -> None:
    # the path is the document's: late_fees[1].every, not late_fees[1].late_fee.every
    # (a regression: the tier's own argument name was put under the tier's path)
    tiers = [dict(t) for t in _CUSTOM_DOCUMENT["late_fees"]]  # type: ignore[attr-defined]
    tiers[1][field] = value
    _raises(lambda: ServicingTerms.from_dict({**_CUSTOM_DOCUMENT, "late_fees": tiers}),
            InvalidDocumentError, f"servicing_terms.late_fees[1].{text}",
            f"servicing_terms.late_fees[1].{field}")


def _stored_state() -> LoanState:
    # 900.00 flat fee over 3 months (300.00 + 9.00 fee a month, due Feb 15, Mar 15,
    # Apr 15); the first installment paid; a 15.00 charge to installment 2 on Feb 20
    return loan_state(_flat(), [("2026-02-15", "309.00")], as_of="2026-03-01",
                      charges=[Charge(date="2026-02-20", name="nsf", amount="15",
                                      installment=2)])


def test_a_state_document_holds_its_history_and_its_figures() -> None:
    state = _stored_state()
    document = state.to_dict()
    history = document["history"]
    assert list(history) == ["schedule", "terms", "payments", "charges"]
    assert history["payments"] == [{"date": "2026-02-15", "amount": "309.00"}]
    assert history["charges"] == [{"date": "2026-02-20", "name": "nsf", "amount": "15.00",
                                   "installment": 2}]
    assert history["terms"] == {k: v for k, v in ServicingTerms().to_dict().items()
                                if k not in ("format", "version", "kind")}
    assert (document["format"], document["version"], document["kind"]) == (
        "bnpl_restructure", 1, "loan_state")
    # the figures, by hand: 600.00 of principal left; a payoff on Mar 1 owes the fee
    # earned in the period in progress, 9.00 x 14 / 28 days = 4.50, and the 15.00
    # charge: 619.50; the fees still scheduled (9.00 + 9.00) less 4.50 are rebated
    assert {k: document[k] for k in ("as_of", "opened", "currency", "outstanding_principal",
                                     "payoff_amount", "payoff_rebate", "charges_charged",
                                     "total_paid", "unpaid_charges")} == {
        "as_of": "2026-03-01", "opened": "2026-01-15", "currency": "CNY",
        "outstanding_principal": "600.00", "payoff_amount": "619.50",
        "payoff_rebate": "13.50", "charges_charged": "15.00", "total_paid": "309.00",
        "unpaid_charges": "0.00"}
    back = LoanState.from_dict(document)
    assert back == state
    assert back.to_dict() == document


def test_an_altered_state_document_is_refused_naming_the_first_figure() -> None:
    document = _stored_state().to_dict()
    altered = {**document, "total_paid": "1.00", "payoff_amount": "1.00"}
    # two figures altered: the first in alphabetical order is named
    _raises(lambda: LoanState.from_dict(altered), InvalidDocumentError,
            "loan_state.payoff_amount: does not follow from the loan's history (its "
            "schedule, terms, payments and charges give '619.50'): the document was "
            "altered (got '1.00')", "loan_state.payoff_amount")
    extra = {**document, "note": "hello"}
    _raises(lambda: LoanState.from_dict(extra), InvalidDocumentError,
            "loan_state.note: does not follow from the loan's history (its schedule, "
            "terms, payments and charges give None): the document was altered "
            "(got 'hello')", "loan_state.note")
    missing = {k: v for k, v in document.items() if k != "bucket"}
    _raises(lambda: LoanState.from_dict(missing), InvalidDocumentError,
            "loan_state.bucket: does not follow from the loan's history (its schedule, "
            "terms, payments and charges give 'current'): the document was altered "
            "(got None)",
            "loan_state.bucket")


def test_a_stored_history_holds_only_what_was_received_by_its_day() -> None:
    document = _stored_state().to_dict()
    history = document["history"]
    late_payment = {**document, "history": {**history, "payments": [
        {"date": "2026-02-15", "amount": "309.00"}, {"date": "2026-03-02", "amount": "1"}]}}
    _raises(lambda: LoanState.from_dict(late_payment), InvalidDocumentError,
            "loan_state.history.payments[1].date: is after the state's day (2026-03-01): "
            "a stored history holds only what was received (got '2026-03-02')",
            "loan_state.history.payments[1].date")
    late_charge = {**document, "history": {**history, "charges": [
        {"date": "2026-03-02", "name": "nsf", "amount": "15.00", "installment": None}]}}
    _raises(lambda: LoanState.from_dict(late_charge), InvalidDocumentError,
            "loan_state.history.charges[0].date: is after the state's day (2026-03-01): "
            "a stored history holds only what was received (got '2026-03-02')",
            "loan_state.history.charges[0].date")
    # on the day itself is fine (the payment changes the figures, so they are refused
    # as altered, not as late)
    on_the_day = {**document, "history": {**history, "payments": [
        {"date": "2026-02-15", "amount": "309.00"}, {"date": "2026-03-01", "amount": "1"}]}}
    with pytest.raises(InvalidDocumentError, match="the document was altered"):
        LoanState.from_dict(on_the_day)


def test_errors_inside_a_stored_history_are_named_by_their_path() -> None:
    # the paths are the document's: payments[0].amount, not payments[0].payment.amount
    # (a regression: the record's own argument name was put under the item's path)
    document = _stored_state().to_dict()
    history = document["history"]
    early = {**document, "history": {**history, "payments": [
        {"date": "2026-01-14", "amount": "309.00"}]}}
    _raises(lambda: LoanState.from_dict(early), InvalidDocumentError,
            "loan_state.history.payments[0].date: must not be before the loan starts "
            "(2026-01-15) (got '2026-01-14')", "loan_state.history.payments[0].date")
    zero = {**document, "history": {**history, "payments": [
        {"date": "2026-02-15", "amount": "0"}]}}
    _raises(lambda: LoanState.from_dict(zero), InvalidDocumentError,
            "loan_state.history.payments[0].amount: must be greater than zero "
            "(got Decimal('0'))", "loan_state.history.payments[0].amount")
    nameless = {**document, "history": {**history, "charges": [
        {"date": "2026-02-20", "name": " ", "amount": "15.00", "installment": 2}]}}
    _raises(lambda: LoanState.from_dict(nameless), InvalidDocumentError,
            "loan_state.history.charges[0].name: must be a non-empty string such as 'nsf' "
            "or 'extension_fee' (got ' ')", "loan_state.history.charges[0].name")
    schedule = dict(history["schedule"])
    schedule["start"] = "2026-02-20"  # after the first due date
    with pytest.raises(InvalidDocumentError) as info:
        LoanState.from_dict({**document, "history": {**history, "schedule": schedule}})
    assert info.value.argument.startswith("loan_state.history.")


def test_only_a_state_with_its_history_can_be_stored() -> None:
    import dataclasses

    from bnpl_restructure.servicing.persist import state_to_dict

    _raises(lambda: state_to_dict("x"), InvalidArgumentError,  # type: ignore[arg-type]
            "state: must be a LoanState (got 'x')", "state")
    state = _stored_state()
    for missing in ("schedule", "terms"):
        bare = dataclasses.replace(state, **{missing: None})
        _raises(bare.to_dict, InvalidArgumentError, "state: was built without its "
                "history; only a state from loan_state() can be stored losslessly", "state")


def _amounts(schedule: Any) -> list[tuple[str, int, int]]:
    return [(p.rule.name, p.amount, p.fee) for p in schedule.program.periods]


def test_the_program_of_the_plan_still_to_come_has_the_rows_as_they_stand() -> None:
    # annuity of 1,000.00 at 1% a month, 3 months: level rows of 340.02 (interest 10.00,
    # 6.70; the last a payoff row). 100.00 paid on Jan 15 pays installment 1 early:
    # its interest 10.00, then 90.00 of its 330.02 of principal; its row now asks for
    # the 240.02 left (an AMOUNT row: principal + interest left), the others unchanged
    s = Plan.annuity("1000.00", annual_rate="0.12", installments=3,
                     start="2026-01-01").schedule()
    left = loan_state(s, [("2026-01-15", "100.00")], as_of="2026-01-15").remaining
    assert _amounts(left) == [("AMOUNT", 24002, 0), ("AMOUNT", 33332 + 670, 0),
                              ("PAYOFF", 0, 0)]
    assert left.program.principal == 24002 + 33332 + 33666
    # equal principal, 900.00 at 1% a month: 300.00 of principal a row (PRINCIPAL rows)
    # plus interest 9.00, 6.00, 3.00; 100.00 early pays 9.00 of interest and 91.00 of
    # principal: 209.00 of principal left on row 1
    s = Plan.equal_principal("900.00", annual_rate="0.12", installments=3,
                             start="2026-01-01").schedule()
    left = loan_state(s, [("2026-01-15", "100.00")], as_of="2026-01-15").remaining
    assert _amounts(left) == [("PRINCIPAL", 20900, 0), ("PRINCIPAL", 30000, 0),
                              ("PAYOFF", 0, 0)]
    # flat fee, 900.00 with 9.00 of fee a month: 5.00 early pays the fee first, 4.00 of
    # it is left on row 1
    left = loan_state(_flat(), [("2026-01-20", "5.00")], as_of="2026-01-20").remaining
    assert _amounts(left) == [("PRINCIPAL", 30000, 400), ("PRINCIPAL", 30000, 900),
                              ("PAYOFF", 0, 900)]


@pytest.mark.parametrize(("as_of", "paid", "rows"), [
    # (payment, principal, interest) of the installments still to come, in minor units
    ("2026-01-01", 0, [(34002, 32983, 1019), (34002, 33385, 617), (33975, 33632, 343)]),
    ("2026-01-20", 0, [(34002, 32983, 1019), (34002, 33385, 617), (33975, 33632, 343)]),
    ("2026-02-01", 1, [(34002, 33385, 617), (33975, 33632, 343)]),
    ("2026-02-10", 1, [(34002, 33385, 617), (33975, 33632, 343)]),
    ("2026-03-01", 2, [(33975, 33632, 343)]),
])
def test_under_daily_interest_the_plan_to_come_is_projected_paid_on_its_due_dates(
        as_of: str, paid: int, rows: list[tuple[int, int, int]]) -> None:
    # 1,000.00 at 12% a year, act/365 fixed, 3 installments of 340.02 due Feb 1, Mar 1,
    # Apr 1, each paid on its due date. By hand: Jan 1 - Feb 1, 31 days on 1,000.00:
    # 10.19 of interest, 329.83 of principal (670.17 left); Feb 1 - Mar 1, 28 days on
    # 670.17: 6.17, 333.85 (336.32 left); Mar 1 - Apr 1, 31 days on 336.32: 3.43, and
    # the last installment takes all 336.32 of principal: 339.75. Whatever the day asked
    # about (on a due date or between), the plan still to come is those rows.
    s = Plan.annuity("1000.00", annual_rate="0.12", installments=3,
                     start="2026-01-01").schedule()
    terms = ServicingTerms(interest="daily")
    payments = [("2026-02-01", "340.02"), ("2026-03-01", "340.02")][:paid]
    left = loan_state(s, payments, as_of=as_of, terms=terms).remaining
    assert list(zip(left.payment, left.principal_paid, left.interest, strict=True)) == rows
    assert left.first_number == 4 - len(rows)
    # paid so, the loan is settled to the cent: the projection is what happens
    done = loan_state(s, [("2026-02-01", "340.02"), ("2026-03-01", "340.02"),
                          ("2026-04-01", "339.75")], as_of="2026-04-01", terms=terms)
    assert (done.payoff_amount, done.credit_balance, done.paid["interest"]) == (
        D("0.00"), D("0.00"), D("19.79"))


def test_overdue_installments_are_listed_past_an_unpaid_charge_to_the_loan() -> None:
    # installment 1 (309.00, due Feb 15) unpaid on Feb 18 under 3 grace days: overdue
    # 3 days, still in grace (3 <= 3), so 0 days past due; a 15.00 charge to the loan
    # (not to an installment) unpaid beside it does not hide it
    terms = ServicingTerms.jd_baitiao().with_(penalty_rate=0, penalty_minimum_per_day=0)
    state = loan_state(_flat(), as_of="2026-02-18", terms=terms,
                       charges=[Charge(date="2026-02-01", name="nsf", amount="15")])
    assert [(o.number, o.days_past_due, o.in_grace, o.total) for o in state.overdue] == [
        (1, 3, True, D("309.00"))]
    assert (state.days_past_due, state.bucket, state.unpaid_charges) == (0, "current",
                                                                          D("15.00"))
    # a day later it is out of grace: 4 days past due
    later = state.on("2026-02-19")
    assert [(o.days_past_due, o.in_grace) for o in later.overdue] == [(4, False)]
    assert (later.days_past_due, later.bucket) == (4, "1-30")


def test_a_state_carries_its_terms_name_and_no_accrual_without_daily_interest() -> None:
    state = loan_state(_flat(), as_of="2026-02-01", terms=ServicingTerms.ant_huabei())
    assert state.terms_name == "ant_huabei"
    assert state.report()["terms_name"] == "ant_huabei"
    assert state.accrued_interest == D("0")  # precomputed: nothing accrues by the day


def test_under_daily_interest_the_last_installment_projected_takes_what_is_left() -> None:
    # The 1,000.00 loan above (12%, act/365 fixed, 340.02 due Feb 1, Mar 1, Apr 1), the
    # first installment paid, the second unpaid on Mar 17: what is left of the plan is
    # the last installment, which takes all the principal not yet charged (336.32) and
    # the interest: accrued Mar 1 - Mar 17 on all the unpaid principal, 670.17 x 0.12 x
    # 16 / 365 = 3.5253, and projected Mar 17 - Apr 1 on 336.32, x 0.12 x 15 / 365 =
    # 1.6586: 5.18; 341.50 in all, more than its scheduled 340.03
    s = Plan.annuity("1000.00", annual_rate="0.12", installments=3,
                     start="2026-01-01").schedule()
    assert s.payment[-1] == 34003
    left = loan_state(s, [("2026-02-01", "340.02")], as_of="2026-03-17",
                      terms=ServicingTerms(interest="daily")).remaining
    assert list(zip(left.payment, left.principal_paid, left.interest, strict=True)) == [
        (34150, 33632, 518)]


def test_under_daily_interest_a_projected_installment_keeps_its_fee_apart() -> None:
    # the same loan with a 5.00 fee on each installment (345.02 a month): the interest
    # and principal projected are those of the loan without the fee (the room for them
    # is the payment less the fee), the fee is added on top
    s = Plan.annuity("1000.00", annual_rate="0.12", installments=3, start="2026-01-01",
                     fee="5.00").schedule()
    left = loan_state(s, as_of="2026-01-05", terms=ServicingTerms(interest="daily")).remaining
    assert list(zip(left.payment, left.principal_paid, left.interest, left.fee,
                    strict=True)) == [(34502, 32983, 1019, 500), (34502, 33385, 617, 500),
                                      (34475, 33632, 343, 500)]


@pytest.mark.parametrize(("first_due", "as_of", "days"), [
    # due dates Feb 28, Mar 28, Apr 28, May 28; on Mar 31 (the first two paid) the
    # periods still to come are Mar 28 - Apr 28 and Apr 28 - May 28: 30 days each in
    # 30/360 (Mar 28 - Mar 31 is 3 of them, accrued; Mar 31 - Apr 28 counted alone
    # would be 28, not 27: the count runs from the period's start)
    ("2026-02-28", "2026-03-31", [30, 30]),
    # due dates Jan 31, Feb 28, Mar 31, Apr 30; on Feb 28, a due date (the first two
    # paid), the period to come runs from Feb 28: Feb 28 - Mar 31 is 33 days in 30/360
    # (the 31st is kept when the start is not the 30th or 31st), Mar 31 - Apr 30 is 30
    # (counted from Jan 31 it would be 32)
    ("2026-01-31", "2026-02-28", [33, 30]),
])
def test_under_daily_interest_30_360_periods_are_counted_from_their_start(
        first_due: str, as_of: str, days: list[int]) -> None:
    s = Plan.annuity("1000.00", annual_rate="0.24", installments=4, start="2026-01-30",
                     first_due=first_due).schedule()
    terms = ServicingTerms(interest="daily", day_count="30/360")
    payments = [(d, s.currency.to_major(p)) for d, p in zip(s.due_dates[:2], s.payment[:2],
                                                            strict=True)]
    state = loan_state(s, payments, as_of=as_of, terms=terms)
    left = state.remaining
    balance = int(state.outstanding_principal * 100)
    expected = []
    for n, p in zip(days, left.payment, strict=True):
        interest = (Decimal(balance) * D("0.24") * n / 360).quantize(D(1), "ROUND_HALF_UP")
        expected.append(int(interest))
        balance -= p - int(interest)
    assert list(left.interest) == expected


def test_under_compounding_the_plan_projected_paid_on_time_bears_no_unpaid_interest() -> None:
    # 1,000.00 at 300% a year (act/365 fixed), interest on unpaid interest from its due
    # date: paid on its due dates no interest is ever unpaid, so the projection is
    # simple interest: Jan 1 - Feb 1, 1000 x 3 x 31/365 = 254.79, principal 512.30 -
    # 254.79 = 257.51; Feb 1 - Mar 1 on 742.49, x 3 x 28/365 = 170.87, principal 341.43;
    # Mar 1 - Apr 1 on 401.06, x 3 x 31/365 = 102.19, and the last takes 401.06
    s = Plan.annuity("1000.00", annual_rate="300%", installments=3,
                     start="2026-01-01").schedule()
    terms = ServicingTerms(interest="daily", compounding="due_dates")
    left = loan_state(s, as_of="2026-01-06", terms=terms).remaining
    assert list(zip(left.payment, left.principal_paid, left.interest, strict=True)) == [
        (51230, 25751, 25479), (51230, 34143, 17087), (50325, 40106, 10219)]


@pytest.mark.parametrize(("name", "value"), [
    ("penalty_base", "x"), ("penalty_start", "x"), ("charge_dating", "x"), ("order", "x"),
    ("overpayment", "x"), ("early_payoff", "x"), ("late_fee_base", "x"),
    ("interest", "x"), ("compounding", "x"), ("penalty_rate", "x"),
    ("late_fee_cap_percent", "x"), ("penalty_minimum_per_day", "x"),
    ("late_fee_cap_per_installment", "x"), ("late_fee_cap_per_plan", "x"),
    ("rebate_deferral", "x"),
])
def test_a_bad_term_is_named(name: str, value: Any) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        ServicingTerms(**{name: value})
    assert info.value.argument == name
    assert str(info.value).startswith(f"{name}: ")
    with pytest.raises(InvalidArgumentError) as info:
        ServicingTerms(interest="daily", annual_rate=value)
    assert info.value.argument == "annual_rate"


@pytest.mark.parametrize(("name", "value"), [("amount", "x"), ("percent", "x"),
                                             ("order_at_least", "x"), ("order_below", "x")])
def test_a_bad_late_fee_field_is_named(name: str, value: Any) -> None:
    from bnpl_restructure.servicing import LateFee

    with pytest.raises(InvalidArgumentError) as info:
        LateFee(days_past_due=1, **{name: value})
    assert info.value.argument == f"late_fee.{name}"
    assert str(info.value).startswith(f"late_fee.{name}: ")


def test_a_daily_penalty_rate_of_1_percent_or_more_must_be_written_as_a_percentage() -> None:
    # a plain number for the penalty rate (a rate a day) must be below 1%: 0.01 could be
    # meant as 1%; "1%" says it is
    for plain in ("0.01", "0.02"):
        with pytest.raises(InvalidArgumentError) as info:
            ServicingTerms(penalty_rate=plain)
        assert info.value.argument == "penalty_rate"
        assert "write a rate of 1% or more as a percentage" in info.value.message
    from fractions import Fraction

    assert ServicingTerms(penalty_rate="0.00995").penalty_rate == Fraction(995, 100_000)
    assert ServicingTerms(penalty_rate="1%").penalty_rate == Fraction(1, 100)


@pytest.mark.parametrize(("days", "bucket"), [
    (-3, "current"), (0, "current"), (1, "1-30"), (30, "1-30"), (31, "31-60"), (60, "31-60"),
    (61, "61-90"), (90, "61-90"), (91, "90+")])
def test_delinquency_buckets_include_their_upper_bound(days: int, bucket: str) -> None:
    assert ServicingTerms().bucket(days) == bucket


def test_bucket_and_with_name_what_is_wrong() -> None:
    terms = ServicingTerms()
    for bad in (True, 3.0, "3"):
        _raises(lambda b=bad: terms.bucket(b), InvalidArgumentError,
                f"days_past_due: must be a whole number of days (got {bad!r})",
                "days_past_due")
    # two unknown names: the first in alphabetical order is named
    _raises(lambda: terms.with_(zeta=1, grace=2), InvalidArgumentError,
            "grace: is not a servicing term (got 2)", "grace")


def test_the_presets_are_the_documented_terms() -> None:
    from fractions import Fraction

    from bnpl_restructure.servicing import LateFee

    default = ServicingTerms()

    def changed(terms: ServicingTerms) -> dict[str, Any]:
        return {name: getattr(terms, name) for name in terms.__dataclass_fields__
                if getattr(terms, name) != getattr(default, name)}

    # each preset differs from the defaults in exactly what its docstring states
    assert changed(ServicingTerms.jd_baitiao()) == {
        "name": "jd_baitiao", "grace_days": 3, "penalty_rate": Fraction(5, 10_000),
        "penalty_minimum_per_day": D("0.01"), "early_payoff": ServicingTerms(
            early_payoff="no_rebate").early_payoff}
    assert changed(ServicingTerms.ant_huabei()) == {
        "name": "ant_huabei", "penalty_rate": Fraction(5, 10_000),
        "early_payoff": ServicingTerms(early_payoff="no_rebate").early_payoff}
    assert changed(ServicingTerms.afterpay()) == {
        "name": "afterpay", "late_fees": (LateFee(days_past_due=1, amount=D(10)),
                                          LateFee(days_past_due=8, amount=D(7))),
        "late_fee_cap_percent": Fraction(1, 4), "late_fee_cap_per_plan": D(68)}
    assert changed(ServicingTerms.klarna_uk()) == {
        "name": "klarna_uk", "grace_days": 7,
        "late_fees": (LateFee(days_past_due=8, amount=D(5)),), "max_late_fees": 2,
        "late_fee_cap_percent": Fraction(1, 4)}
    assert changed(ServicingTerms.us_card()) == {
        "name": "us_card", "late_fees": (LateFee(days_past_due=1, amount=D(32)),),
        "late_fee_at_most_payment_due": True}
    assert changed(ServicingTerms.cn_civil_code()) == {
        "name": "cn_civil_code",
        "waterfall": ("late_fee", "charge", "fee", "penalty", "interest", "principal"),
        "order": ServicingTerms(order="vertical").order}


def test_unreadable_payment_and_charge_fields_are_named() -> None:
    from bnpl_restructure.servicing import Payment

    for call, argument in [
            (lambda: Payment(date="x", amount="1"), "payment.date"),
            (lambda: Payment(date="2026-02-15", amount="x"), "payment.amount"),
            (lambda: Charge(date="x", name="nsf", amount="1"), "charge.date"),
            (lambda: Charge(date="2026-02-15", name="nsf", amount="x"), "charge.amount"),
            (lambda: loan_state(_flat(), [("x", "1")], as_of="2026-03-01"),
             "payments[0].date"),
            (lambda: loan_state(_flat(), [("2026-02-15", "x")], as_of="2026-03-01"),
             "payments[0].amount")]:
        with pytest.raises(InvalidArgumentError) as info:
            call()
        assert info.value.argument == argument
        assert str(info.value).startswith(f"{argument}: ")


def _state_document() -> dict[str, Any]:
    return _stored_state().to_dict()


def _set(document: dict[str, Any], where: list[Any], value: Any) -> dict[str, Any]:
    import copy

    out = copy.deepcopy(document)
    here: Any = out
    for key in where[:-1]:
        here = here[key]
    here[where[-1]] = value
    return out


@pytest.mark.parametrize(("where", "value", "argument"), [
    # every malformed field of a stored state is named by its path in the document
    (["history"], "x", "loan_state.history"),
    (["history", "extra"], 1, "loan_state.history.extra"),
    # (a regression: this one was named loan_state.history.loan_state.history.schedule)
    (["history", "schedule"], "x", "loan_state.history.schedule"),
    (["history", "terms"], "x", "loan_state.history.terms"),
    (["history", "terms", "max_late_fees"], "3", "loan_state.history.terms.max_late_fees"),
    (["history", "terms", "count_due_date"], 1, "loan_state.history.terms.count_due_date"),
    (["history", "terms", "late_fees"], "x", "loan_state.history.terms.late_fees"),
    (["history", "terms", "late_fees"], ["x"], "loan_state.history.terms.late_fees[0]"),
    (["history", "terms", "late_fees"], [{"days_past_due": 1, "amount": "1", "percent": "0",
                                          "every": None, "order_at_least": None,
                                          "order_below": None, "extra": 1}],
     "loan_state.history.terms.late_fees[0].extra"),
    (["history", "terms", "late_fees"], [{"days_past_due": "1", "amount": "1",
                                          "percent": "0", "every": None,
                                          "order_at_least": None, "order_below": None}],
     "loan_state.history.terms.late_fees[0].days_past_due"),
    (["history", "terms", "late_fees"], [{"days_past_due": 1, "amount": "1", "percent": "0",
                                          "every": "7", "order_at_least": None,
                                          "order_below": None}],
     "loan_state.history.terms.late_fees[0].every"),
    (["history", "terms", "waterfall"], "x", "loan_state.history.terms.waterfall"),
    (["history", "terms", "waterfall"], [1], "loan_state.history.terms.waterfall[0]"),
    (["history", "terms", "delinquency_buckets"], "x",
     "loan_state.history.terms.delinquency_buckets"),
    (["history", "terms", "delinquency_buckets"], ["30"],
     "loan_state.history.terms.delinquency_buckets[0]"),
    (["history", "terms", "day_count"], 360, "loan_state.history.terms.day_count"),
    (["history", "terms", "rebate_deferral"], 1.5, "loan_state.history.terms.rebate_deferral"),
    (["history", "terms", "rebate_deferral"], 10 ** 9,
     "loan_state.history.terms.rebate_deferral"),
    (["history", "payments"], "x", "loan_state.history.payments"),
    (["history", "payments"], ["x"], "loan_state.history.payments[0]"),
    (["history", "payments"], [{"date": "2026-02-15", "amount": "309.00", "x": 1}],
     "loan_state.history.payments[0].x"),
    (["history", "payments"], [{"date": "x", "amount": "309.00"}],
     "loan_state.history.payments[0].date"),
    (["history", "charges"], "x", "loan_state.history.charges"),
    (["history", "charges"], ["x"], "loan_state.history.charges[0]"),
    (["history", "charges"], [{"date": "2026-02-20", "name": "nsf", "amount": "15.00",
                               "installment": 2, "x": 1}], "loan_state.history.charges[0].x"),
    (["history", "charges"], [{"date": "x", "name": "nsf", "amount": "15.00",
                               "installment": 2}], "loan_state.history.charges[0].date"),
    (["history", "charges"], [{"date": "2026-02-20", "name": 1, "amount": "15.00",
                               "installment": 2}], "loan_state.history.charges[0].name"),
    (["history", "charges"], [{"date": "2026-02-20", "name": "nsf", "amount": "15.00",
                               "installment": "2"}],
     "loan_state.history.charges[0].installment"),
    (["as_of"], "x", "loan_state.as_of"),
    # a stored schedule's own errors, nested under the history
    (["history", "schedule", "currency"], "XXX", "loan_state.history.schedule.currency"),
    (["history", "schedule", "principal"], 5, "loan_state.history.schedule.principal"),
    (["history", "schedule", "start"], "x", "loan_state.history.schedule.start"),
])
def test_a_malformed_state_document_names_the_field(where: list[Any], value: Any,
                                                    argument: str) -> None:
    document = _state_document()
    if where == ["history", "extra"]:
        document["history"]["extra"] = 1
    else:
        document = _set(document, where, value)
    with pytest.raises(InvalidDocumentError) as info:
        LoanState.from_dict(document)
    assert info.value.argument == argument
    assert str(info.value).startswith(f"{argument}: ")


def test_a_schedule_refused_inside_a_state_document_is_named_under_its_history() -> None:
    # Schedule.from_dict refuses with an InvalidArgumentError of its own (not a document
    # error) for a schedule that cannot be one; it is named under the history's path
    from bnpl_restructure.servicing.persist import _nested

    error = _nested("loan_state.history", InvalidTermsError("schedule.start", "is late",
                                                            received="2026-02-20"))
    assert type(error) is InvalidDocumentError
    assert str(error) == ("loan_state.history.schedule.start: is late (got '2026-02-20')")
    bare = _nested("loan_state.history", InvalidArgumentError("x", "is bad"))
    assert str(bare) == "loan_state.history.x: is bad"


def test_a_terms_document_with_a_deferral_in_days_round_trips() -> None:
    terms = ServicingTerms(rebate_deferral=30)
    assert terms.to_dict()["rebate_deferral"] == 30
    assert ServicingTerms.from_dict(terms.to_dict()).rebate_deferral == 30
    document = {k: v for k, v in terms.to_dict().items() if k != "rebate_deferral"}
    assert ServicingTerms.from_dict(document).rebate_deferral == "one_month"


def test_amounts_are_written_in_plain_notation() -> None:
    # Decimal("1E+1") is 10: written "10", never in exponent form; tiny amounts too
    from bnpl_restructure.servicing import LateFee

    terms = ServicingTerms(late_fees=(LateFee(days_past_due=1, amount=D("1E+1"),
                                              order_below=D("1E+3")),),
                           late_fee_cap_per_plan=D("6.8E+1"))
    document = terms.to_dict()
    assert document["late_fees"][0]["amount"] == "10"
    assert document["late_fees"][0]["order_below"] == "1000"
    assert document["late_fee_cap_per_plan"] == "68"
    state = loan_state(_flat(), [("2026-02-15", D("3.09E+2"))], as_of="2026-03-01",
                       charges=[Charge(date="2026-02-20", name="nsf", amount=D("1.5E+1"))])
    history = state.to_dict()["history"]
    assert history["payments"][0]["amount"] == "309.00"
    assert history["charges"][0]["amount"] == "15.00"
