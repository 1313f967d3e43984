"""The single command-line entry point: ``python bot.py COMMAND`` (or ``trialbot COMMAND``).

Each command lives in its own module under ``bot/commands/`` and exposes:

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

# command name -> module under bot.commands
COMMANDS = {
    "chat": "chat",
    "telegram": "telegram",
    "triage": "triage",
    "extract": "extract",
    "trials": "trials",
    "trial": "trial",
    "import": "import_",
    "bench": "bench",
}

EXIT_USAGE = 2


def _load(name: str):
    return importlib.import_module(f"bot.commands.{COMMANDS[name]}")


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
        module = _load(name)
        command = sub.add_parser(
            name,
            help=module.HELP,
            description=module.__doc__,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.add_argument("--db", help=argparse.SUPPRESS, dest="db_sub")
        module.add_arguments(command)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    name = next((a for a in argv if not a.startswith("-")), None)
    only = name if name in COMMANDS else None
    parser = build_parser(only=only if only else None) if only else build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "db_sub", None):
        args.db = args.db_sub
    if not args.command:
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(_load(args.command).run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
