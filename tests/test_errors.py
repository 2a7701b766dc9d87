"""Tests for bnpl_restructure.errors: the hierarchy and the message format."""

from __future__ import annotations

import copy
import inspect
import pickle
from decimal import Decimal

import pytest

import bnpl_restructure.errors as errors_module
from bnpl_restructure.errors import (
    BnplError,
    ConvergenceError,
    CurrencyMismatchError,
    InvalidArgumentError,
    InvalidDocumentError,
    InvalidTermsError,
    NoSolutionError,
    RestructureNotAllowedError,
)

ALL_ERRORS = [BnplError, ConvergenceError, CurrencyMismatchError, InvalidArgumentError,
              InvalidDocumentError, InvalidTermsError, NoSolutionError,
              RestructureNotAllowedError]
ARGUMENT_ERRORS = [InvalidArgumentError, InvalidTermsError, CurrencyMismatchError,
                   InvalidDocumentError]


def test_all_lists_every_exception_class_of_the_module() -> None:
    defined = {name for name, obj in vars(errors_module).items()
               if inspect.isclass(obj) and issubclass(obj, BaseException)
               and obj.__module__ == errors_module.__name__}
    assert defined == set(errors_module.__all__) - {"parse_enum"}
    assert {cls.__name__ for cls in ALL_ERRORS} == defined


@pytest.mark.parametrize("cls", ALL_ERRORS, ids=lambda c: c.__name__)
def test_every_error_derives_from_bnpl_error(cls: type[Exception]) -> None:
    assert issubclass(cls, BnplError)
    assert issubclass(cls, Exception)


def test_bnpl_error_is_a_plain_exception() -> None:
    assert BnplError.__bases__ == (Exception,)


@pytest.mark.parametrize("cls", ARGUMENT_ERRORS, ids=lambda c: c.__name__)
def test_argument_errors_are_value_errors(cls: type[Exception]) -> None:
    assert issubclass(cls, InvalidArgumentError)
    assert issubclass(cls, ValueError)
    assert not issubclass(cls, ArithmeticError)


def test_no_solution_error_is_arithmetic_error() -> None:
    assert issubclass(NoSolutionError, ArithmeticError)
    assert not issubclass(NoSolutionError, ValueError)


def test_convergence_error_is_no_solution_error() -> None:
    assert issubclass(ConvergenceError, NoSolutionError)
    assert issubclass(ConvergenceError, ArithmeticError)


def test_restructure_not_allowed_is_neither_argument_nor_arithmetic_error() -> None:
    assert not issubclass(RestructureNotAllowedError, InvalidArgumentError)
    assert not issubclass(RestructureNotAllowedError, ArithmeticError)


def test_catching_by_builtin_base() -> None:
    # Callers who only know the builtins still catch the right errors.
    with pytest.raises(ValueError):
        raise InvalidTermsError("first_due", "must be after the start")
    with pytest.raises(ArithmeticError):
        raise ConvergenceError("no convergence after 100 iterations")
    with pytest.raises(BnplError):
        raise CurrencyMismatchError("other", "must be in CNY", received="USD")


# ------------------------------------------------------------------ message format


def test_message_with_received_uses_repr() -> None:
    err = InvalidArgumentError("principal", "must be positive", received="-5")
    assert str(err) == "principal: must be positive (got '-5')"
    assert err.argument == "principal"
    assert err.received == "-5"
    assert err.args == ("principal: must be positive (got '-5')",)


@pytest.mark.parametrize(("received", "shown"), [
    (Decimal("-5.00"), "Decimal('-5.00')"),
    (-5, "-5"),
    (None, "None"),  # an explicit None is shown, unlike a missing received
    ("", "''"),
    ([1, 2], "[1, 2]"),
])
def test_message_shows_repr_of_received(received: object, shown: str) -> None:
    err = InvalidArgumentError("principal", "must be positive", received=received)
    assert str(err) == f"principal: must be positive (got {shown})"
    assert err.received == received


def test_message_without_received() -> None:
    err = InvalidArgumentError("installments", "must be between 1 and 360")
    assert str(err) == "installments: must be between 1 and 360"
    assert "(got" not in str(err)
    assert err.received is None
    assert err.argument == "installments"


@pytest.mark.parametrize("cls", ARGUMENT_ERRORS, ids=lambda c: c.__name__)
def test_subclasses_share_the_message_format(cls: type[InvalidArgumentError]) -> None:
    err = cls("rounding.payment", "must be a RoundingMode", received="bogus")
    assert str(err) == "rounding.payment: must be a RoundingMode (got 'bogus')"
    assert err.argument == "rounding.payment"
    assert str(err).startswith(f"{err.argument}: ")
    bare = cls("currency", "must match")
    assert str(bare) == "currency: must match"


def test_received_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        InvalidArgumentError("principal", "must be positive", "-5")  # type: ignore[misc]


def test_non_argument_errors_take_a_plain_message() -> None:
    err = NoSolutionError("the cash flows never change sign")
    assert str(err) == "the cash flows never change sign"
    assert str(ConvergenceError("stopped")) == "stopped"
    assert str(RestructureNotAllowedError("loan is closed")) == "loan is closed"


@pytest.mark.parametrize("cls", ARGUMENT_ERRORS, ids=lambda c: c.__name__)
def test_argument_errors_survive_pickle_and_copy(cls: type[InvalidArgumentError]) -> None:
    err = cls("principal", "must be positive", received="-5")
    for clone in (pickle.loads(pickle.dumps(err)), copy.copy(err)):
        assert type(clone) is cls
        assert str(clone) == str(err)
        assert (clone.argument, clone.received) == ("principal", "-5")
