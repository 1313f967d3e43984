"""How people type short replies, undone before a reply is compared: a letter held down
("nooo", "yesss", "nopeee none"). No spaCy: the chat process reads replies with it before
any extraction (bot.texts, matching.answers)."""
from __future__ import annotations

import re

# a letter written three times or more in a row: no English word has one; never the letters of
# a Roman numeral ("IIIB" is a stage, "xxx" may be a count)
_HELD_LETTER = re.compile(r"([a-hj-uwyz])\1{2,}")


def held_letters_squeezed(text: str) -> str:
    """A short reply with its held letters made one ("nooo" -> "no", "yesss" -> "yes",
    "nopeee none" -> "nope none"), the way a "no" or "yes" of reply is compared (h155, round 33)."""
    return _HELD_LETTER.sub(r"\1", text)
