"""How an article of a regulation reads to people: 《信访工作条例》第三十六条, never an internal code.

The workflow tables cite articles by short codes (STATUTE.md): W + number for 《信访工作条例》
(2022), X + number for the older 《信访条例》 (2005), whose numbers serve as configurable
defaults. `cite` turns a code such as "W35", "W22/W36", "W22, W28", "W19-W21" or
"X36 (configurable default)" into the words a reader sees; every page, message and notice that
names an article goes through it.
"""

from __future__ import annotations

import re

from django.utils.translation import get_language, gettext

# The 2005 regulation is no longer in force: 原 marks it as the former one.
REGULATIONS = {"W": "《信访工作条例》", "X": "原《信访条例》"}
REGULATIONS_EN = {
    "W": "Regulations on Petition Work (2022)",
    "X": "former Regulations on Letters and Visits (2005)",
}

_DIGITS = "零一二三四五六七八九"
_CODE = re.compile(r"\b([WX])(\d+)(?:\s*-\s*(?:[WX])?(\d+))?")
_NOTE = re.compile(r"\(([^)]*)\)")
# Notes that may follow a code in the tables, as a reader should see them.
_NOTES = {
    "configurable default": "default",
    "grid": "grid",
}


def chinese_number(n: int) -> str:
    """1-999 in Chinese numerals as articles are numbered: 十, 二十一, 一百零五."""
    if not 0 < n < 1000:
        raise ValueError(f"no article number {n}")
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _DIGITS[hundreds] + "百"
        if rest and tens == 0:
            out += "零"
    if tens:
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    if ones:
        out += _DIGITS[ones]
    return out


def article_words(number: int) -> str:
    return f"第{chinese_number(number)}条"


def _articles(code: str) -> list[tuple[str, list[int]]]:
    """[(regulation letter, [article numbers])] in the order the code names them."""
    out: list[tuple[str, list[int]]] = []
    for letter, first, last in _CODE.findall(code):
        numbers = list(range(int(first), int(last or first) + 1))
        if out and out[-1][0] == letter:
            out[-1][1].extend(n for n in numbers if n not in out[-1][1])
        else:
            out.append((letter, numbers))
    return out


def cite(code: str) -> str:
    """The articles a code names, as a reader sees them; "" for no code. A reader of English
    gets the regulations' English names and Arabic numbers."""
    if not code:
        return ""
    english = (get_language() or "").startswith("en")
    parts = []
    for letter, numbers in _articles(code):
        if english:
            which = "Article" if len(numbers) == 1 else "Articles"
            listed = ", ".join(str(n) for n in numbers)
            parts.append(f"{REGULATIONS_EN[letter]}, {which} {listed}")
        else:
            parts.append(REGULATIONS[letter] + "、".join(article_words(n) for n in numbers))
    text = ("; " if english else "、").join(parts)
    notes = [_note_words(n.strip()) for n in _NOTE.findall(code)]
    notes = [n for n in notes if n]
    if notes:
        text += f" ({'; '.join(notes)})" if english else "（" + "；".join(notes) + "）"
    return text


def _note_words(note: str) -> str:
    kind = _NOTES.get(note)
    if kind == "default":
        return gettext("default, configurable")
    if kind == "grid":
        return gettext("grid reports")
    return note


def codes_in(text: str) -> list[str]:
    """Internal article codes left in a text (what tests look for): W36, X36, （W35）."""
    return re.findall(r"\b[WX]\d+", text)


def with_article(message, code: str) -> str:
    """A message whose text names an article as %(article)s, with the article filled in."""
    return str(message) % {"article": cite(code)}
