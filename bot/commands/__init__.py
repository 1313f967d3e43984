"""One module per command of ``python bot.py``; see bot/cli.py for the contract."""

import sys
from pathlib import Path


def command_name() -> str:
    """How the person ran trialbot, for the commands a reply suggests next: "python bot.py"
    from a checkout, "trialbot" when installed (the wheel's entry point)."""
    return "python bot.py" if Path(sys.argv[0]).name == "bot.py" else "trialbot"
