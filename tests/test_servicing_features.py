"""Servicing as loan systems run it: dated charges, late-fee bases and order-value tiers,
delinquency buckets, contract rebates on early payoff, and lossless documents."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from bnpl_restructure import Plan
from bnpl_restructure.early_settlement import uk_2004_settlement
from bnpl_restructure.errors import InvalidArgumentError, InvalidDocumentError, InvalidTermsError
from bnpl_restructure.precomputed import PrecomputedLoan
from bnpl_restructure.schedule import Schedule
from bnpl_restructure.servicing import (
    COMPONENTS,
    Charge,
    LateFee,
    LoanState,
    ServicingTerms,
    loan_state,
)

D = Decimal


def _flat() -> Schedule:
    # 1,200.00 at a 0.5% monthly fee over 12: 100.00 principal + 6.00 fee a month,
    # due on the 10th from 2026-02-10.
    return Plan.flat_fee("1200.00", fee_rate="0.005", installments=12,
                         start="2026-01-10").schedule()


def _on_time(s: Schedule, count: int) -> list[tuple[date, Decimal]]:
    return [(d, s.currency.to_major(p)) for d, p in zip(s.due_dates[:count],
                                                       s.payment[:count], strict=True)]


# ----------------------------------------------------------------- dated charges


def test_a_returned_payment_fee_is_charged_on_its_date_and_paid_in_its_place() -> None:
    s = _flat()
    nsf = Charge(date="2026-02-11", name="nsf", amount="15.00", installment=1)
    # installment 1 (106.00) unpaid, a 15.00 returned-payment fee added to it on Feb 11;
    # on Feb 12 a payment of 110.00 goes by the default waterfall (penalty, late fee,
    # charge, fee, interest, principal): 15.00 charge, 6.00 fee, 89.00 principal.
    state = loan_state(s, [("2026-02-12", "110.00")], as_of="2026-02-12", charges=[nsf])
    assert state.charges_charged == D("15.00") and state.unpaid_charges == 0
    assert (state.paid["charge"], state.paid["fee"], state.paid["principal"]) == (
        D("15.00"), D("6.00"), D("89.00"))
    assert state.overdue[0].principal == D("11.00") and state.overdue[0].charge == 0
    charged = [e for e in state.ledger if e.kind == "charge"]
    assert [(e.date, e.amount, e.installment, e.note) for e in charged] == [
        (date(2026, 2, 11), D("15.00"), 1, "nsf")]
    # a charge dated after the day asked about is not applied yet
    assert loan_state(s, as_of="2026-02-10", charges=[nsf]).charges_charged == 0


def test_a_charge_to_the_loan_is_owed_and_settled_by_the_payoff() -> None:
    s = _flat()
    fee = Charge(date="2026-03-01", name="extension_fee", amount="20.00")
    paid = _on_time(s, 1)
    state = loan_state(s, paid, as_of="2026-03-01", charges=[fee])
    without = loan_state(s, paid, as_of="2026-03-01")
    assert state.unpaid_charges == D("20.00") and state.overdue == ()
    assert state.payoff_amount == without.payoff_amount + D("20.00")
    settled = loan_state(s, [*paid, ("2026-03-01", state.payoff_amount)], as_of="2026-03-01",
                         charges=[fee])
    assert settled.is_settled and settled.credit_balance == 0
    assert settled.paid["charge"] == D("20.00")


def test_a_charge_can_take_its_own_place_in_the_waterfall() -> None:
    s = _flat()
    nsf = Charge(date="2026-02-11", name="nsf", amount="15.00", installment=1)
    last = ServicingTerms(waterfall=("penalty", "late_fee", "fee", "interest", "principal",
                                     "charge"))
    state = loan_state(s, [("2026-02-12", "110.00")], as_of="2026-02-12", charges=[nsf],
                       terms=last)
    assert (state.paid["fee"], state.paid["principal"], state.paid["charge"]) == (
        D("6.00"), D("100.00"), D("4.00"))
    # a waterfall written before dated charges existed gets them right after late fees
    old = ServicingTerms(waterfall=("late_fee", "fee", "penalty", "interest", "principal"))
    assert old.waterfall == ("late_fee", "charge", "fee", "penalty", "interest", "principal")


@pytest.mark.parametrize(("charges", "argument"), [
    ([Charge(date="2026-01-01", name="nsf", amount="5")], "charges[0].date"),
    ([Charge(date="2026-03-01", name="nsf", amount="5"),
      Charge(date="2026-02-01", name="nsf", amount="5")], "charges[1].date"),
    ([Charge(date="2026-03-01", name="nsf", amount="5", installment=13)],
     "charges[0].installment"),
    ([Charge(date="2026-03-01", name="nsf", amount="5.001")], "charges[0].amount"),
    ([("2026-03-01", "5")], "charges[0]"),
    ("nsf", "charges"),
])
def test_bad_charges_name_the_argument(charges: object, argument: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        loan_state(_flat(), as_of="2026-04-01", charges=charges)  # type: ignore[arg-type]
    assert info.value.argument == argument


@pytest.mark.parametrize(("kwargs", "argument"), [
    ({"name": ""}, "charge.name"), ({"amount": "0"}, "charge.amount"),
    ({"installment": 0}, "charge.installment"), ({"date": "someday"}, "charge.date"),
])
def test_a_bad_charge_names_its_field(kwargs: dict[str, object], argument: str) -> None:
    values: dict[str, object] = {"date": "2026-03-01", "name": "nsf", "amount": "5"}
    with pytest.raises(InvalidArgumentError) as info:
        Charge(**(values | kwargs))  # type: ignore[arg-type]
    assert info.value.argument == argument


# ------------------------------------------------------------------- late fees


@pytest.mark.parametrize(("base", "fee"), [
    # installment 1 of a 1,200.00 annuity at 12% over 12 (106.62 = 12.00 interest +
    # 94.62 principal) unpaid; a 5% late fee one day after the due date:
    ("principal", "4.73"),                # 94.62 x 5% = 4.731
    ("principal_and_interest", "5.33"),   # 106.62 x 5% = 5.331
    ("installment", "5.43"),              # (106.62 + 2.00 fee) x 5% = 5.431
])
def test_a_late_fee_is_a_percentage_of_the_base_the_terms_name(base: str, fee: str) -> None:
    s = Plan.annuity("1200", annual_rate="0.12", installments=12, start="2026-01-15",
                     fee="2.00").schedule()
    assert (s[0].principal, s[0].interest, s[0].fee) == (D("94.62"), D("12.00"), D("2.00"))
    terms = ServicingTerms(late_fees=(LateFee(days_past_due=1, percent=Fraction(5, 100)),),
                           late_fee_base=base)
    assert loan_state(s, as_of="2026-02-16", terms=terms).late_fees_charged == D(fee)


def test_late_fee_tiers_by_order_value() -> None:
    # a $10 fee on orders under $40, $10 then $7 a week later on larger ones
    tiers = (LateFee(days_past_due=1, amount=D(10)),
             LateFee(days_past_due=8, amount=D(7), order_at_least=D(40)))
    terms = ServicingTerms(late_fees=tiers)
    small = Plan.pay_in_4("39.99", start="2026-01-01", currency="USD").schedule()
    large = Plan.pay_in_4("400.00", start="2026-01-01", currency="USD").schedule()
    late = small.due_dates[1].toordinal() + 10
    as_of = date.fromordinal(late)
    assert loan_state(small, [(small.start, small.currency.to_major(small.payment[0]))],
                      as_of=as_of, terms=terms).late_fees_charged == D(10)
    assert loan_state(large, [(large.start, large.currency.to_major(large.payment[0]))],
                      as_of=as_of, terms=terms).late_fees_charged == D(17)
    with pytest.raises(InvalidArgumentError) as bad:
        LateFee(days_past_due=1, amount=1, order_at_least=50, order_below=40)
    assert bad.value.argument == "late_fee.order_below"


def test_delinquency_buckets_as_the_terms_set_them() -> None:
    s = _flat()
    terms = ServicingTerms(delinquency_buckets=(15, 45))
    state = loan_state(s, as_of="2026-03-30", terms=terms)  # 48 and 20 days past due
    assert state.days_past_due == 48 and state.bucket == "45+"
    assert [(o.number, o.days_past_due, o.bucket) for o in state.overdue] == [
        (1, 48, "45+"), (2, 20, "16-45")]
    assert loan_state(s, as_of="2026-03-30").bucket == "31-60"
    for bounds in ((), (30, 30), (0, 30), (60, 30), "30", (30.0,)):
        with pytest.raises(InvalidArgumentError) as bad:
            ServicingTerms(delinquency_buckets=bounds)  # type: ignore[arg-type]
        assert bad.value.argument == "delinquency_buckets"


# ------------------------------------------------------------- early payoff rules


@pytest.mark.parametrize(("rule", "payoff", "rebate"), [
    # 1,200.00 flat fee 0.5% over 12, four installments paid on time, payoff on
    # 2026-05-20: 800.00 principal and 8 fees of 6.00 (48.00) still scheduled.
    ("no_rebate", "848.00", "0.00"),
    # the period in progress (May 10..Jun 10, 10 of 31 days) pro rata: 6 x 10/31 = 1.94
    ("accrued_to_date", "801.94", "46.06"),
    # 72.00 x 8 x 9 / (12 x 13) = 33.2307... -> 33.23
    ("rule_of_78", "814.77", "33.23"),
    # the actuarial unearned charge after 4 installments (PrecomputedLoan, checked below)
    ("actuarial", "814.37", "33.63"),
    # SI 2004/1483 on a 12-month term: no deferral (early_settlement, checked below)
    ("uk_2004", "816.94", "31.06"),
])
def test_payoff_quotes_show_the_rebate(rule: str, payoff: str, rebate: str) -> None:
    s = _flat()
    state = loan_state(s, _on_time(s, 4), as_of="2026-05-20",
                       terms=ServicingTerms(early_payoff=rule))
    assert (state.payoff_amount, state.payoff_rebate) == (D(payoff), D(rebate))
    assert state.payoff_amount + state.payoff_rebate == D("848.00")
    settled = loan_state(s, [*_on_time(s, 4), ("2026-05-20", state.payoff_amount)],
                         as_of="2026-05-20", terms=ServicingTerms(early_payoff=rule))
    assert settled.is_settled and settled.credit_balance == 0


def test_contract_rebates_are_the_published_methods() -> None:
    s = _flat()
    assert PrecomputedLoan.from_schedule(s).rebate(after_installments=4,
                                                   method="actuarial") == D("33.63")
    uk = uk_2004_settlement(s, "2026-05-20")
    assert (uk.rebate, uk.amount_to_settle) == (D("31.06"), D("816.94"))


def test_the_rule_of_78_is_refused_beyond_61_months() -> None:
    long = Plan.flat_fee("6200.00", fee_rate="0.005", installments=62,
                         start="2026-01-10").schedule()
    with pytest.raises(InvalidTermsError) as banned:
        loan_state(long, as_of="2026-03-01", terms=ServicingTerms(early_payoff="rule_of_78"))
    assert banned.value.argument == "terms.early_payoff" and "1615" in str(banned.value)
    allowed = ServicingTerms(early_payoff="rule_of_78", allow_rule_of_78_over_61_months=True)
    assert loan_state(long, as_of="2026-03-01", terms=allowed).payoff_rebate > 0
    sixty_one = Plan.flat_fee("6100.00", fee_rate="0.005", installments=61,
                              start="2026-01-10").schedule()
    assert loan_state(sixty_one, as_of="2026-03-01",
                      terms=ServicingTerms(early_payoff="rule_of_78")).payoff_rebate > 0


def test_contract_rebates_need_the_contract_schedule() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        ServicingTerms(early_payoff="actuarial", overpayment="prepay_reduce")
    assert info.value.argument == "overpayment"
    with pytest.raises(InvalidArgumentError) as deferral:
        ServicingTerms(early_payoff="uk_2004", rebate_deferral=45)
    assert deferral.value.argument == "rebate_deferral"


# -------------------------------------------------------------------- documents


TERMS = [ServicingTerms(), ServicingTerms.jd_baitiao(), ServicingTerms.afterpay(),
         ServicingTerms.klarna_uk(), ServicingTerms.us_card(), ServicingTerms.cn_civil_code(),
         ServicingTerms(penalty_rate=Fraction(1, 3000), late_fee_base="principal",
                        late_fees=(LateFee(days_past_due=5, amount=D("2.50"),
                                           percent=Fraction(1, 30), every=10,
                                           order_below=D(500)),),
                        delinquency_buckets=(10, 20), early_payoff="uk_2004",
                        rebate_deferral=14, late_fee_cap_percent=Fraction(1, 3))]


@pytest.mark.parametrize("terms", TERMS, ids=lambda t: t.name)
def test_terms_round_trip_through_json(terms: ServicingTerms) -> None:
    doc = json.loads(json.dumps(terms.to_dict()))
    assert ServicingTerms.from_dict(doc) == terms
    assert doc["kind"] == "servicing_terms" and doc["version"] == 1


@pytest.mark.parametrize(("change", "argument"), [
    ({"penalty_rate": 0.0005}, "servicing_terms.penalty_rate"),
    ({"grace_days": "3"}, "servicing_terms.grace_days"),
    ({"order": "diagonal"}, "servicing_terms.order"),
    ({"grace": 3}, "servicing_terms.grace"),
    ({"grace_days": 400}, "servicing_terms.grace_days"),
    ({"version": 9}, "servicing_terms.version"),
    ({"kind": "plan"}, "servicing_terms.kind"),
])
def test_a_malformed_terms_document_names_the_field(change: dict[str, object],
                                                    argument: str) -> None:
    doc = ServicingTerms.jd_baitiao().to_dict() | change
    with pytest.raises(InvalidDocumentError) as info:
        ServicingTerms.from_dict(doc)
    assert info.value.argument == argument


def test_a_state_document_is_checked_against_its_history() -> None:
    s = _flat()
    state = loan_state(s, [("2026-02-20", "50.00")], as_of="2026-03-25",
                       terms=ServicingTerms.jd_baitiao(),
                       charges=[Charge(date="2026-03-01", name="nsf", amount="15")])
    doc = json.loads(json.dumps(state.to_dict()))
    back = LoanState.from_dict(doc)
    assert back == state and back.remaining == state.remaining
    assert back.to_dict() == state.to_dict()
    tampered = doc | {"payoff_amount": "1.00"}
    with pytest.raises(InvalidDocumentError) as info:
        LoanState.from_dict(tampered)
    assert info.value.argument == "loan_state.payoff_amount"
    forged = json.loads(json.dumps(doc))
    forged["history"]["payments"][0]["amount"] = "60.00"
    with pytest.raises(InvalidDocumentError) as edited:
        LoanState.from_dict(forged)
    assert edited.value.argument.startswith("loan_state.")
    bad = json.loads(json.dumps(doc))
    bad["history"]["payments"][0]["amount"] = 50.0
    with pytest.raises(InvalidDocumentError) as floats:
        LoanState.from_dict(bad)
    assert floats.value.argument == "loan_state.history.payments[0].amount"


def test_every_component_is_reported() -> None:
    state = loan_state(_flat(), as_of="2026-01-10")
    assert set(state.paid) == set(COMPONENTS) and "charge" in COMPONENTS


# ------------------------------------------- found by review: regressions


def test_a_same_day_charge_after_that_days_payments_is_refused() -> None:
    s = _flat()
    state = loan_state(s, as_of="2026-02-10").apply(("2026-02-10", "106.00"))
    nsf = Charge(date="2026-02-10", name="nsf", amount="15.00")
    with pytest.raises(InvalidArgumentError) as info:
        state.apply(("2026-02-10", "5.00"), charges=[nsf])
    assert info.value.argument == "charges"
    # given with the day's first payment it equals a full replay
    first = loan_state(s, as_of="2026-02-10").apply(("2026-02-10", "106.00"), charges=[nsf])
    assert first == loan_state(s, [("2026-02-10", "106.00")], as_of="2026-02-10",
                               charges=[nsf])


def test_a_charge_to_an_installment_a_prepayment_removed_is_a_typed_error() -> None:
    s = _flat()
    terms = ServicingTerms(overpayment="prepay_shorten", early_payoff="no_rebate")
    with pytest.raises(InvalidArgumentError) as info:
        loan_state(s, [("2026-02-10", "800.00")], as_of="2026-03-05", terms=terms,
                   charges=[Charge(date="2026-03-01", name="nsf", amount="5",
                                   installment=12)])
    assert info.value.argument == "charges" and "prepay_shorten" in str(info.value)


def test_a_document_history_after_its_day_is_refused() -> None:
    s = _flat()
    doc = json.loads(json.dumps(loan_state(s, [("2026-02-10", "106.00")],
                                           as_of="2026-02-20").to_dict()))
    doc["history"]["payments"].append({"date": "2026-03-10", "amount": "1.00"})
    with pytest.raises(InvalidDocumentError) as info:
        LoanState.from_dict(doc)
    assert info.value.argument == "loan_state.history.payments[1].date"


def test_terms_documents_written_before_later_fields_existed_still_load() -> None:
    doc = ServicingTerms.jd_baitiao().to_dict()
    for name in ("interest", "compounding", "annual_rate", "day_count", "rebate_deferral",
                 "allow_rule_of_78_over_61_months", "late_fee_base",
                 "delinquency_buckets"):
        del doc[name]
    assert ServicingTerms.from_dict(doc) == ServicingTerms.jd_baitiao()


@pytest.mark.parametrize(("kwargs", "argument"), [
    ({"late_fees": None}, "late_fees"),
    ({"late_fees": LateFee(days_past_due=1)}, "late_fees"),
    ({"waterfall": None}, "waterfall"),
    ({"delinquency_buckets": (x for x in (30, 60))}, "delinquency_buckets"),
])
def test_bad_terms_are_typed_errors(kwargs: dict[str, object], argument: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        ServicingTerms(**kwargs)  # type: ignore[arg-type]
    assert info.value.argument == argument


def test_bad_histories_are_typed_errors() -> None:
    for call, argument in ((lambda: loan_state(_flat(), 5, as_of="2026-03-01"), "payments"),
                           (lambda: loan_state(_flat(), as_of="2026-03-01", charges=5),
                            "charges")):
        with pytest.raises(InvalidArgumentError) as info:
            call()  # type: ignore[no-untyped-call]
        assert info.value.argument == argument
    later = loan_state(_flat(), as_of="2026-03-01")
    with pytest.raises(InvalidArgumentError) as before:
        later.apply(("2026-02-01", "10"))
    assert "the state's day" in str(before.value)
