"""What a turn answers, before any wording: ``Reply`` (blocks of content and quick-reply
``Choice``s), and the ``Channel`` a turn comes from. ``bot.render`` words a reply; the
transports deliver it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True)
class Choice:
    """A quick reply: ``data`` comes back when pressed; the label is the choice ``key``
    in data/bot_texts.yaml, or ``text`` (an option a question gives; ``worded``: the
    option's text in other languages, as ``(language, text)`` pairs)."""

    data: str
    key: str | None = None
    text: str | None = None
    worded: tuple[tuple[str, str], ...] = ()


@dataclass
class Block:
    kind: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Reply:
    role: str | None
    state: str
    blocks: list[Block] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    queued: bool = False       # stored in the outbox with the turn (the transport delivers it)
    lang: str = "en"           # the language the reply is worded in (bot.language, data/bot_texts.yaml)

    def kinds(self) -> list[str]:
        return [b.kind for b in self.blocks]


@dataclass(frozen=True)
class Channel:
    """Where a turn comes from. ``clinician_ok``: this user may use clinician mode (False:
    patient wording, with a polite note). ``outbox``: renders a reply into JSON-able pieces
    stored with the turn until the transport delivers them; ``chat_id`` goes with them."""

    clinician_ok: bool = True
    outbox: Callable[["Reply"], list[dict[str, Any]]] | None = None
    chat_id: int | None = None
