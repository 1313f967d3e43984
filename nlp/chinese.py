"""Is a text Chinese, and its simplified form: what ``nlp.pipeline`` asks before it
chooses the English or the Chinese extractor (nlp/zh_pipeline.py).

``is_chinese(text)``: the text's Chinese words (its Chinese characters over
``characters_per_word``, data/nlp/zh.yaml) outnumber its Latin prose words (two letters or
more, not in capitals, not a unit glued to a number): "SLE 8年，MMF无效" and
"血常规：WBC 3.2×10^9/L，PLT 30×10^9/L" are Chinese, "I live in 杭州" is not. A text without
a Chinese character costs one regular expression search and nothing is loaded for it.

``to_simplified(text)``: traditional characters converted to simplified with OpenCC
(``t2s``), one character for one, so every offset into the simplified text is an offset
into the text as written.

    >>> is_chinese("我女儿26岁，狼疮"), is_chinese("my daughter is 26")
    (True, False)
    >>> to_simplified("系統性紅斑狼瘡")
    '系统性红斑狼疮'
"""
from __future__ import annotations

import re
import threading
from functools import lru_cache

# CJK unified ideographs (extensions A to F, compatibility ideographs)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
# prose: "lupus", "My", "have"; not "SLE", "MMF", "WBC" (capitals) nor "g" and "mol" in
# "85g/L", "120μmol/L" (units)
_LATIN_WORD = re.compile(r"(?<![\w/^])[A-Za-z]?[a-z]+(?![\w/])")
_converting = threading.Lock()


def is_chinese(text: str) -> bool:
    """True when ``text`` is to be read as Chinese (see the module docstring)."""
    if not text or _CJK.search(text) is None:
        return False
    from nlp.resources import chinese_vocabulary   # start-up: read only once a Chinese character is seen

    chinese = len(_CJK.findall(text)) / float(chinese_vocabulary()["characters_per_word"])
    latin = sum(1 for word in _LATIN_WORD.findall(text) if len(word) > 1)
    return chinese > latin


@lru_cache(maxsize=1)
def _converter():
    from opencc import OpenCC   # start-up: loaded with the first Chinese text

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """``text`` in simplified characters, of the same length (offsets stay true)."""
    if not text or _CJK.search(text) is None:
        return text
    converter = _converter()
    with _converting:                       # the converter keeps state while it converts
        converted = converter.convert(text)
        if len(converted) != len(text):     # a phrase changed length: convert one by one
            converted = "".join(_one(converter, ch) for ch in text)
    return converted


def _one(converter, character: str) -> str:
    out = converter.convert(character)
    return out if len(out) == 1 else character
