"""Vietnamese alphabetical order (for lists of names, registers, indexes).

Code-point order puts "Đà Nẵng" after "Yên Bái" and "Ân Thi" after "Bắc Ninh"; Vietnamese order
is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y. The key compares word by word, as
dictionaries do ("ba lô" before "bà con"): within a word the letters first, case ignored, then
the tone in dictionary order (ngang, huyền, hỏi, ngã, sắc, nặng). Numbers compare by value
("Phường 2" before "Phường 10"). Case, punctuation and finally the raw text break remaining ties,
so the order is total and stable.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Final, TypeVar, overload

from .letters import ALPHABET, FOREIGN_LETTERS, split_tone
from .normalize import canonical

T = TypeVar("T")

_RUN: Final = re.compile(r"\d+|(?:[^\W\d_]|[\u0300-\u036f])+")
# Letters outside the alphabet sort after it, by code point.
_FOREIGN_BASE: Final = 1000

Run = tuple[int, tuple[int, ...], tuple[int, ...]]
SortKey = tuple[tuple[Run, ...], tuple[int, ...], str, str]


def _alphabet_order() -> dict[str, int]:
    # f j w z sit where the Latin alphabet has them (as in CLDR's Vietnamese collation).
    letters = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
    if set(letters) != set(ALPHABET + FOREIGN_LETTERS):
        raise RuntimeError("collation alphabet out of step with letters.ALPHABET")
    return {letter: weight for weight, letter in enumerate(letters, start=1)}


_WEIGHT: Final[dict[str, int]] = _alphabet_order()


def vietnamese_sort_key(text: str) -> SortKey:
    """A key that sorts strings in Vietnamese alphabetical order (see the module docstring)."""
    text_canonical = canonical(text)
    runs: list[Run] = []
    cases: list[int] = []
    for match in _RUN.finditer(text_canonical):
        run = match.group()
        if run[0].isdecimal():
            digits = "".join(str(unicodedata.decimal(char)) for char in run)
            value = digits.lstrip("0")
            # Compare by value without int(): length first, then digits (no size limit).
            runs.append((0, (len(value), *map(int, value)), (len(run),)))
            continue
        weights: list[int] = []
        tones: list[int] = []
        for char in run:
            base, tone = split_tone(char)
            cases.append(int(base.isupper()))
            weights.append(_letter_weight(base.lower()))
            tones.append(int(tone))
        runs.append((1, tuple(weights), tuple(tones)))
    return (tuple(runs), tuple(cases), text_canonical, text)


def _letter_weight(letter: str) -> int:
    weight = _WEIGHT.get(letter)
    if weight is not None:
        return weight
    # A Latin letter with another accent (ñ, ü, ç) sorts with its base letter.
    stripped = unicodedata.normalize("NFD", letter)[:1]
    weight = _WEIGHT.get(stripped)
    return weight if weight is not None else _FOREIGN_BASE + ord(letter)


@overload
def sort_vietnamese(items: Iterable[str], key: None = None) -> list[str]: ...
@overload
def sort_vietnamese(items: Iterable[T], key: Callable[[T], str]) -> list[T]: ...
def sort_vietnamese(items: Iterable[T], key: Callable[[T], str] | None = None) -> list[T]:
    """``items`` sorted in Vietnamese order; ``key`` gives the text of an item (default: itself)."""
    if key is None:
        return sorted(items, key=lambda item: vietnamese_sort_key(str(item)))
    text_of = key
    return sorted(items, key=lambda item: vietnamese_sort_key(text_of(item)))


__all__ = ["SortKey", "sort_vietnamese", "vietnamese_sort_key"]
