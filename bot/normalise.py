"""Input text made safe to read, before anything reads it (issue #17 item 4).

``normalise_input(text)``:

1. terminal escape sequences are removed whole: CSI (``ESC [ ... final``, and the one-byte
   C1 CSI ``\\x9b``), OSC / DCS / APC / PM / SOS strings up to their terminator (BEL or
   ``ESC \\``), and two-character ``ESC x`` sequences. So ``"lupus\\x1b[31m since 2014"``
   reads as ``"lupus since 2014"``, never as "31" of anything;
2. Unicode NFKC: full-width digits and letters, ligatures and compatibility forms become
   the plain characters the extractor knows;
3. format characters (category Cf: zero-width space, non-joiner and joiner U+200B–U+200D,
   word joiner U+2060, BOM U+FEFF, soft hyphen, bidirectional controls …) are removed:
   ``"lu\\u200bpus"`` reads as ``"lupus"``;
4. any other control character (C0, DEL, C1) becomes a space, except newline and tab,
   which are kept; CR, CR LF, NEL and the Unicode line and paragraph separators become a
   newline.

Used by the engine on every typed message (``Engine._message``) and by the ``triage`` and
``extract`` commands on their input.
"""
from __future__ import annotations

import re
import unicodedata

# escape sequences (ECMA-48): string commands up to ST/BEL, CSI with parameters, then
# any other two-character escape; an unterminated string command runs to the end
_ESCAPES = re.compile(
    r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|$)"   # OSC, DCS, SOS, PM, APC
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"                                            # CSI
    r"|\x1b[ -/]*[0-~]"                                                              # nF / Fp / Fe / Fs
)
_NEWLINES = re.compile(r"\r\n?|[\x85\u2028\u2029]")


def _clean_char(ch: str) -> str:
    if ch in "\n\t":
        return ch
    category = unicodedata.category(ch)
    if category == "Cf":
        return ""
    if category == "Cc":
        return " "
    return ch


def normalise_input(text: str | None) -> str:
    """``text`` with escape sequences, format and control characters removed, NFKC-normal;
    newlines and tabs kept (see the module docstring)."""
    if not text:
        return text or ""
    text = _ESCAPES.sub("", text)
    text = _NEWLINES.sub("\n", text)
    text = unicodedata.normalize("NFKC", text)
    text = _ESCAPES.sub("", text)          # NFKC never makes ESC, but a C1 may be left
    if text.isascii() and text.isprintable():
        return text
    return "".join(_clean_char(ch) for ch in text)
