"""The command line: ``bnpl-restructure`` or ``python -m bnpl_restructure``.

Commands (``bnpl-restructure COMMAND --help`` lists every flag):

- ``demo`` (the default): the built-in example loan's story.
- ``schedule``: the installments of a plan and its true cost.
- ``disclose``: the cost-of-credit document (``--standard cn|reg_z|eu``, ``--lang zh|en``).
- ``state``: where a loan stands on a day (``--on``) after its payments.
- ``payoff``: what settles the loan on a day.
- ``options``: restructuring options compared for a borrower, with a search for the
  option that meets a target payment.
- ``reconcile``: another system's schedule against a plan (exit 1 when they differ).

Every command but ``demo`` takes ``--format table|json|csv``. A plan is a kind, a
principal and flags (a flag that does not apply to the kind is an error), or
``--plan-json FILE`` (a ``Plan.to_dict`` or ``Schedule.to_dict`` document); a serviced
loan may be ``--loan-json FILE`` (a ``LoanState.to_dict`` document).

Exit codes: 0 done; 1 the answer is "no" (their schedule differs, no option meets the
target, the library refused a restructuring or found no solution); 2 a usage error (a
flag, a date, an amount, a file). Messages go to standard error, without a traceback.

Examples
--------
>>> main(["payoff", "flat_fee", "1200", "--fee-rate", "0.5%", "--start", "2026-01-10",
...       "--on", "2026-01-10", "--early-payoff", "no_rebate", "--format", "csv"])
as_of,currency,payoff_amount,outstanding_principal,...,future_finance_charges
2026-01-10,CNY,1272.00,1200.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00,72.00
0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from ..errors import BnplError
from . import demo, plan_commands, reconcile_command, restructure_commands, servicing_commands
from .errors import DOMAIN, OK, USAGE, DomainError, exit_code

__all__ = ["main", "parser"]


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors as ``error: ...`` on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(USAGE)


def parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    text = (__doc__ or "").split("\n\nExamples")[0].replace("``", "")
    top = _Parser(prog="bnpl-restructure", description=text,
                  formatter_class=argparse.RawDescriptionHelpFormatter)
    from .. import __version__

    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in (demo, plan_commands, servicing_commands, restructure_commands,
                   reconcile_command):
        module.add_commands(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); returns the exit
    status (0 ok, 1 a "no" answer, 2 a usage error)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments:
        arguments = ["demo"]
    try:
        args = parser().parse_args(arguments)
    except SystemExit as exc:  # --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else USAGE
    fmt = getattr(args, "format", "table")
    try:
        output = args.run(args)
    except DomainError as failure:
        _write("" if failure.output is None else failure.output.render(fmt), DOMAIN)
        print(f"error: {failure}", file=sys.stderr)
        return DOMAIN
    except BnplError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exit_code(exc)
    return _write(output.render(fmt), OK)


def _write(text: str, code: int) -> int:
    """Print ``text``; a reader that went away (``| head``) is not an error."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # pragma: no cover - depends on the reader's timing
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return code
