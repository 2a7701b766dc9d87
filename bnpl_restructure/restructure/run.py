"""A draft compiled into a period program and run through the core."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from ..core import PaymentRule, Period, Program, run_batch
from ..errors import (
    RestructureNotAllowedError,
)
from ..money import format_money
from ..plans import _level_payment
from ..rounding import round_ratio
from ..schedule import Schedule
from .positions import Position, _Draft


def _compile(pos: Position, draft: _Draft) -> tuple[Schedule, int]:
    """The new schedule of a draft (the interest-bearing program through the core, then
    the non-interest-bearing amounts and the arrears still due), and the shortfall
    deferred."""
    n = len(draft.dues)
    if draft.reamortize:
        rows = _run(pos, draft)
    else:  # the plan's own rows (reproduced exactly), fees as edited
        r = pos.remaining
        rows = {"payment": [p - f + g for p, f, g in zip(r.payment, r.fee, draft.fees,
                                                          strict=True)],
                "principal": list(r.principal_paid), "interest": list(r.interest),
                "fee": list(draft.fees), "balance": list(r.balance),
                "capitalized": [0] * n, "waived": [0] * n, "forgiven": [0] * n}
    if draft.reamortize and pos.remaining.due_dates:  # interest paid early on the first
        # row is not charged twice
        rest = pos.remaining
        scheduled = dict(zip(pos.original.due_dates, pos.original.interest, strict=True))
        early = scheduled.get(rest.due_dates[0], 0) - rest.interest[0]
        if early > 0:
            credit = min(early, rows["interest"][0])
            rows["interest"][0] -= credit
            rows["payment"][0] -= credit
    if draft.first_interest or draft.first_fee:  # a re-age: overdue interest and charges
        rows["interest"][0] += draft.first_interest  # on the first installment
        rows["fee"][0] += draft.first_fee
        rows["payment"][0] += draft.first_interest + draft.first_fee
    for name, moved in (("interest", draft.spread_interest), ("fee", draft.spread_fee)):
        if moved:  # moved amounts split equally over the installments (Fineract's
            # equal amortization: each share rounded, the last the rest), booked as
            # what they are
            policy = pos.original.rounding_policy
            share = round_ratio(moved, n, policy.payment)
            parts = [share] * (n - 1) + [moved - share * (n - 1)]
            for k, part in enumerate(parts if parts[-1] >= 0 else policy.split(moved, n)):
                rows[name][k] += part
                rows["payment"][k] += part
    # reduced payments whose shortfall is deferred or waived: the interest-bearing part
    # follows the normal path, the borrower pays less
    shortfall = 0
    deferred_by_row = [0] * n
    last_reduced = max((k for k, _ in draft.shortfall), default=-1)
    for k, reduced in draft.shortfall:
        floor = rows["interest"][k] + rows["fee"][k]
        if reduced < floor:
            raise RestructureNotAllowedError(
                f"amount: the reduced payment {format_money(reduced, pos.currency)} does not "
                f"cover the interest and fee due ({format_money(floor, pos.currency)}); pay at "
                "least that, or capitalize the shortfall (shortfall='capitalize')")
        cut = max(rows["payment"][k] - reduced, 0)
        rows["payment"][k] -= cut
        rows["principal"][k] -= cut
        shortfall += cut
        if draft.shortfall_mode == "waive":
            rows["forgiven"][k] += cut
        else:
            deferred_by_row[k] += cut
    # non-interest-bearing balances: principal deferred at as_of and deferred shortfall
    to_repay = draft.deferred + (shortfall if draft.shortfall_mode == "defer" else 0)
    if to_repay:
        after = [k for k in range(n) if k > last_reduced]
        if draft.shortfall_spread and after:
            repay = dict(zip(after, pos.original.rounding_policy.split(to_repay, len(after)),
                             strict=True))
        else:
            repay = {n - 1: to_repay}
        owed = draft.deferred
        for k in range(n):
            owed += deferred_by_row[k] - repay.get(k, 0)
            rows["payment"][k] += repay.get(k, 0)
            rows["principal"][k] += repay.get(k, 0)
            rows["balance"][k] += owed
    opening = draft.principal + draft.deferred
    dues = list(draft.dues)
    arrears = draft.arrears
    if any(arrears.values()):  # arrears not folded into the plan stay due now
        if dues[0] == draft.as_of:
            raise RestructureNotAllowedError(
                "an installment falls due on the restructuring date: restructure the day "
                "after it")
        charges = arrears.get("fee", 0) + arrears.get("penalty", 0) + arrears.get(
            "late_fee", 0)
        first = (arrears.get("principal", 0), arrears.get("interest", 0), charges)
        opening += first[0]
        dues.insert(0, draft.as_of)
        rows["payment"].insert(0, sum(first))
        rows["principal"].insert(0, first[0])
        rows["interest"].insert(0, first[1])
        rows["fee"].insert(0, first[2])
        rows["balance"].insert(0, opening - first[0])
        for name in ("capitalized", "waived", "forgiven"):
            rows[name].insert(0, 0)
    deferred_shortfall = shortfall if draft.shortfall_mode == "defer" else 0
    due_now_row = len(dues) > n
    first_number = pos.remaining.first_number - (1 if due_now_row else 0)
    return Schedule(currency=pos.currency, start=draft.as_of, principal=opening,
                    due_dates=tuple(dues), payment=tuple(rows["payment"]),
                    principal_paid=tuple(rows["principal"]), interest=tuple(rows["interest"]),
                    fee=tuple(rows["fee"]), balance=tuple(rows["balance"]),
                    capitalized=tuple(rows["capitalized"]), waived=tuple(rows["waived"]),
                    forgiven=tuple(rows["forgiven"]), first_number=max(first_number, 1),
                    source=_program_for(pos, draft, dues, rows, opening),
                    frequency=draft.frequency or pos.remaining.frequency), deferred_shortfall


def _program_for(pos: Position, draft: _Draft, dues: list[date],
                 rows: dict[str, list[int]], opening: int) -> Program:
    """A period program for the new schedule, so that servicing (prepayments) and a later
    restructuring can read it: the draft's factors and the rows' amounts, in the plan's
    method (a row due on the restructuring date carries no interest)."""
    assert pos.remaining.program is not None
    offset = len(dues) - len(draft.dues)
    periods = []
    for k, due in enumerate(dues):
        j = k - offset
        factor = draft.factors[j] if j >= 0 else Fraction(0)
        if k == len(dues) - 1:
            rule, amount = PaymentRule.PAYOFF, 0
        elif j >= 0 and draft.method == "level":
            rule, amount = PaymentRule.AMOUNT, rows["payment"][k] - rows["fee"][k]
        elif j >= 0 and draft.method == "interest_only" and not rows["principal"][k]:
            rule, amount = PaymentRule.INTEREST_ONLY, 0
        else:
            rule, amount = PaymentRule.PRINCIPAL, rows["principal"][k]
        periods.append(Period(due=due, factor=factor, rule=rule, amount=max(amount, 0),
                              fee=rows["fee"][k]))
    return Program(principal=opening, periods=tuple(periods),
                   interest_rounding=pos.remaining.program.interest_rounding)


def _run(pos: Position, draft: _Draft) -> dict[str, list[int]]:
    """Rebuild the interest-bearing program (special periods first, then the rest
    re-amortized in the plan's method) and run it through the core."""
    program = pos.remaining.program
    assert program is not None
    mode = program.interest_rounding
    n = len(draft.dues)
    specials = [k for k in range(n) if draft.special[k] is not None]
    if specials != list(range(len(specials))):
        raise RestructureNotAllowedError("special periods (holidays, reduced payments) must "
                                         "come first in the new plan")
    first_normal = len(specials)
    if first_normal >= n:
        raise RestructureNotAllowedError("the new plan has no regular installment left to "
                                         "repay the principal")
    periods: list[Period] = []
    for k in range(first_normal):
        spec = draft.special[k]
        assert spec is not None
        amount = spec.amount if spec.total is None else spec.total - draft.fees[k]
        if amount < 0:
            raise RestructureNotAllowedError(
                f"the reduced payment {format_money(spec.total or 0, pos.currency)} does "
                f"not cover the fee due ({format_money(draft.fees[k], pos.currency)})")
        periods.append(Period(due=draft.dues[k], factor=draft.factors[k], rule=spec.rule,
                              amount=amount, fee=draft.fees[k], unpaid=spec.unpaid))
    opening, carried = draft.principal, 0
    if periods:  # the balance the regular installments start from, through the core
        cols = run_batch([Program(principal=draft.principal, periods=tuple(periods),
                                  interest_rounding=mode)]).loan(0)
        opening, carried = cols.balance[-1], cols.arrears[-1]
    factors = tuple(draft.factors[first_normal:])
    # the plan's own rounding: its payment mode, and whole units when it has an increment
    policy = pos.original.rounding_policy
    increment = policy.increment_in(pos.currency)
    if draft.method == "level":
        pay = _level_payment(opening + carried, factors, mode=policy.payment, balloon=0,
                             increment=increment)
        rules = [(PaymentRule.AMOUNT, pay)] * len(factors)
    elif draft.method == "interest_only":
        rules = [(PaymentRule.INTEREST_ONLY, 0)] * len(factors)
    else:
        rules = [(PaymentRule.PRINCIPAL, s)
                 for s in policy.split(opening, len(factors), increment=increment)]
    rules[-1] = (PaymentRule.PAYOFF, 0)
    for j, (rule, amount) in enumerate(rules):
        k = first_normal + j
        periods.append(Period(due=draft.dues[k], factor=draft.factors[k], rule=rule,
                              amount=amount, fee=draft.fees[k]))
    cols = run_batch([Program(principal=draft.principal, periods=tuple(periods),
                              interest_rounding=mode)]).loan(0)
    return {"payment": list(cols.payment), "principal": list(cols.principal),
            "interest": list(cols.interest), "fee": list(cols.fee),
            "balance": list(cols.balance), "capitalized": list(cols.capitalized),
            "waived": list(cols.waived), "forgiven": [0] * n}
