"""bnpl_restructure: installment schedules, true cost of credit and hardship restructuring.

Exact to the minor unit: money is integer minor units inside and :class:`~decimal.Decimal`
at the edges; every plan runs through one amortization core.

Examples
--------
>>> from bnpl_restructure import Plan
>>> Plan.flat_fee("1200.00", fee_rate="0.005", installments=12, start="2024-01-10")
Plan.flat_fee(CNY 1,200.00, fee 0.5%/period, 12 × monthly, 2024-02-10..2025-01-10)
"""

from . import persistence
from .adjustable import AdjustableSchedule, RateChange, RatePath
from .apr import cn_annualized_rate, eu_aprc, fee_rate_table, irr, reg_z_apr, xirr
from .calendar import Frequency
from .core import PaymentRule, Period, Program, UnpaidInterest
from .daycount import DayCount
from .disclosure import Disclosure, disclose
from .early_settlement import UkEarlySettlement, uk_2004_settlement
from .errors import BnplError, InvalidArgumentError, InvalidDocumentError
from .money import Currency
from .plans import LastInstallment, OddDays, PaymentBasis, Plan, PlanKind, PlannedRow
from .portfolio import Portfolio
from .precomputed import EarningMethod, PrecomputedLoan
from .rates import RateConvention
from .rounding import BalancePrecision, Residual, RoundingMode, RoundingPolicy
from .schedule import Installment, Schedule
from .servicing import Charge, LoanState, Payment, ServicingTerms, loan_state, payoff_quote

__all__ = [
    "AdjustableSchedule",
    "BalancePrecision",
    "BnplError",
    "Charge",
    "Currency",
    "DayCount",
    "Disclosure",
    "EarningMethod",
    "Frequency",
    "Installment",
    "InvalidArgumentError",
    "InvalidDocumentError",
    "LastInstallment",
    "LoanState",
    "OddDays",
    "Payment",
    "PaymentBasis",
    "PaymentRule",
    "Period",
    "Plan",
    "PlanKind",
    "PlannedRow",
    "Portfolio",
    "PrecomputedLoan",
    "Program",
    "RateChange",
    "RateConvention",
    "RatePath",
    "Residual",
    "RoundingMode",
    "RoundingPolicy",
    "Schedule",
    "ServicingTerms",
    "UkEarlySettlement",
    "UnpaidInterest",
    "cn_annualized_rate",
    "disclose",
    "eu_aprc",
    "fee_rate_table",
    "irr",
    "loan_state",
    "payoff_quote",
    "persistence",
    "reg_z_apr",
    "uk_2004_settlement",
    "xirr",
]

__version__ = "0.1.0"
