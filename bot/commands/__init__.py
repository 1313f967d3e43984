"""One module per command of ``python bot.py``; see bot/cli.py for the contract."""

import argparse
import sys
from pathlib import Path


def command_name() -> str:
    """How the person ran trialbot, for the commands a reply suggests next: "python bot.py"
    from a checkout, "trialbot" when installed (the wheel's entry point)."""
    return "python bot.py" if Path(sys.argv[0]).name == "bot.py" else "trialbot"


def add_workers_argument(parser: argparse.ArgumentParser) -> None:
    """``--workers N``: processes reading the studies' criteria (``import``, ``sync``);
    None when not given (one per CPU, ``registry.workers.default_workers``)."""
    parser.add_argument("--workers", type=_workers, default=None, metavar="N",
                        help="processes reading the studies' criteria (default: one per CPU; 1: in this process); "
                             "the stored trials are the same with any number")


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of processes, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more processes, got {value}")
    return value
