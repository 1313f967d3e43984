"""Is a text Chinese, and its simplified form: what ``nlp.pipeline`` asks before it
chooses the English or the Chinese extractor (nlp/zh_pipeline.py).

``is_chinese(text)``: the text's Chinese characters are at least ``min_cjk_share``
(data/nlp/zh.yaml) of its Chinese characters plus Latin words, so "SLE 8年，MMF无效" is
Chinese and "I live in 杭州" is not. A text without a Chinese character costs one regular
expression search and nothing is loaded for it.

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

# CJK unified ideographs (and extension A, compatibility ideographs)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_converting = threading.Lock()


def is_chinese(text: str) -> bool:
    """True when ``text`` is to be read as Chinese (see the module docstring)."""
    if not text or _CJK.search(text) is None:
        return False
    from nlp.resources import chinese_vocabulary   # start-up: read only once a Chinese character is seen

    characters = len(_CJK.findall(text))
    words = len(_LATIN_WORD.findall(text))
    return characters / (characters + words) >= float(chinese_vocabulary()["min_cjk_share"])


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
