"""One module per command of ``python bot.py``; see bot/cli.py for the contract."""
