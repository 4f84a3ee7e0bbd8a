"""`python -m bot`: start the bot, exactly as `briefbot run` does."""

import sys

from bot.cli import main

sys.exit(main(["run"]))
