"""The single command-line entry point: ``python bot.py COMMAND`` (or ``trialbot COMMAND``).

Each command lives in its own module (``bot/commands/``; ``bench`` in ``benchmarks/``) and exposes:

* ``HELP``: one line for the command list,
* ``add_arguments(parser)``: its options (the parser's description is the module docstring,
  which ends with an example),
* ``run(args) -> int``: the exit status.

Modules are imported only when their command runs, so ``trials`` does not pay for spaCy.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from data.settings import setting

# command name -> its module. ``bench`` lives with the benchmarks, beside the product
# (benchmarks/ imports bot/, never the other way): the table names modules, it does not
# import them, so only the command that runs is imported.
COMMANDS = {
    "chat": "bot.commands.chat",
    "telegram": "bot.commands.telegram",
    "triage": "bot.commands.triage",
    "extract": "bot.commands.extract",
    "trials": "bot.commands.trials",
    "trial": "bot.commands.trial",
    "import": "bot.commands.import_",
    "sync": "bot.commands.sync",
    "check": "bot.commands.check",
    "bench": "benchmarks.command",
}

EXIT_USAGE = 2
EXIT_INTERNAL = 70      # EX_SOFTWARE


def _load(name: str):
    return importlib.import_module(COMMANDS[name])


def _try_load(name: str):
    """The command's module, or None when this build does not have it."""
    try:
        return _load(name)
    except ModuleNotFoundError as exc:
        if exc.name in (COMMANDS[name], COMMANDS[name].rpartition(".")[0]):
            return None
        raise


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trialbot",
        description="trialbot: find CAR-T cell trials a patient may qualify for, and whom to call.",
        epilog="Example: python bot.py trials",
    )
    parser.add_argument("--db", help="SQLite database path (default: $TRIALBOT_DB or ./trialbot.db)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        if only is not None and name != only:
            sub.add_parser(name, add_help=False)
            continue
        module = _try_load(name)
        if module is None:
            sub.add_parser(name, help="(not available in this build)")
            continue
        command = sub.add_parser(
            name,
            help=module.HELP,
            description=module.__doc__,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.add_argument("--db", help=argparse.SUPPRESS, dest="db_sub")
        module.add_arguments(command)
    return parser


def _command_name(argv: list[str]) -> str | None:
    """The command word in ``argv`` (skipping the global ``--db VALUE``), if it is known."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--db":
            skip = True
        elif not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    only = _command_name(argv)
    parser = build_parser(only=only)
    args = parser.parse_args(argv)
    if getattr(args, "db_sub", None):
        args.db = args.db_sub
    if not args.command:
        parser.print_help()
        return EXIT_USAGE
    module = _try_load(args.command)
    if module is None:
        print(f"trialbot: error: the {args.command} command is not available in this build", file=sys.stderr)
        return EXIT_USAGE
    try:
        return int(module.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        from data.store import StoreError  # start-up: the store only for commands that open it

        if isinstance(exc, StoreError):
            print(f"trialbot: error: {exc}", file=sys.stderr)
            return 1
        if setting("debug"):
            raise
        # a bug must not end in a traceback that may quote the input: one line, no content
        print(f"trialbot: error: internal error ({type(exc).__name__}); please report it "
              f"(docs/SECURITY.md); set TRIALBOT_DEBUG=1 to see the traceback", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
