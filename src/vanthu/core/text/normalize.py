"""Normal forms of Vietnamese text: stored (canonical), exact-match key, accent-free key, tokens."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Final

from .letters import Tone, split_tone, with_tone
from .syllable import parse, tone_position

# Line breaks in other clothes: CR/CRLF from Windows, VT is Word's manual line break, FF a page
# break in extracted PDF text, NEL from EBCDIC-era data, LS/PS from Unicode-aware editors.
_LINE_BREAKS: Final = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# Other C0/C1 controls carry nothing a reader sees, and PostgreSQL rejects NUL in text columns.
# U+FEFF (a BOM left inside text) and U+200B (zero-width space, pasted from the web) split words
# invisibly, so search would miss them. Kept on purpose: tab, newline, soft hyphen (U+00AD is
# "ư" in TCVN3, so stripping it would destroy legacy text before it can be decoded) and
# ZWJ/ZWNJ (needed by other scripts and emoji).
_INVISIBLE: Final = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff\u200b]")
# Lone surrogates (e.g. from os.fsdecode's surrogateescape) cannot be encoded to UTF-8 for the
# database or a file: replace them the way a UTF-8 decoder would.
_SURROGATES: Final = re.compile("[\ud800-\udfff]")
# A word for tone placement: letters, plus any combining mark NFC could not compose (such a
# word then fails to parse and is left as it is).
_WORD: Final = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+")
# Diacritics that fold() removes: the combining blocks used by Latin, Greek and Cyrillic. Marks
# of other scripts (Devanagari vowel signs, Thai tone marks …) are letters' parts there, not
# accents, so they stay.
_ACCENTS: Final = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Letters with a stroke or bar have no decomposition, so NFD cannot strip them: đ is the one
# Vietnamese needs (SQLite's and PostgreSQL's unaccent both miss it); ð/Ð (eth) stands in for
# đ/Đ in text typed with some old keyboards and Windows-1258 mix-ups.
_UNSTROKE: Final = str.maketrans({"đ": "d", "ð": "d"})
# Tokens: runs of letters and digits; combining marks stay with their letter.
_TOKEN: Final = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")


def nfc(text: str) -> str:
    """NFC-normalise ``text`` and clean what no reader can see.

    Line breaks of every kind become ``\\n``; other control characters, BOMs and zero-width
    spaces are removed; lone surrogates become U+FFFD. Tabs and newlines are kept.
    """
    text = _LINE_BREAKS.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    text = _SURROGATES.sub("\ufffd", text)
    return unicodedata.normalize("NFC", text)


def normalize_tone_marks(text: str) -> str:
    """Put every Vietnamese syllable's tone mark on its canonical letter; output is NFC.

    ``hoá`` -> ``hóa``, ``toạ`` -> ``tọa``, ``uỷ`` -> ``ủy``, ``thuý`` -> ``thúy``,
    ``khoẻ`` -> ``khỏe``, ``qúy`` -> ``quý``; ``quý``, ``giá``, ``người`` are unchanged. Each
    letter keeps its case. Words that do not parse as one Vietnamese syllable (names, loanwords,
    ``café``, ``Đắk``, abbreviations) are returned unchanged. Idempotent.
    """
    return _WORD.sub(_place_tone, unicodedata.normalize("NFC", text))


def _place_tone(match: re.Match[str]) -> str:
    word = match.group()
    return word if word.isascii() else _place_tone_in_word(word)


# Running text repeats a few thousand distinct syllables; caching them makes canonical() about
# seven times faster on long documents (measured on 900 kB of generated text: 1.07 s -> 0.14 s).
@functools.lru_cache(maxsize=65536)
def _place_tone_in_word(word: str) -> str:
    syllable = parse(word)
    if syllable is None or syllable.marked_at < 0:
        return word
    target = tone_position(syllable)
    if target == syllable.marked_at:
        return word
    letters = list(word)
    for index, tone in ((syllable.marked_at, Tone.NGANG), (target, syllable.tone)):
        base, _ = split_tone(letters[index])
        letters[index] = with_tone(base, tone)
    return "".join(letters)


def canonical(text: str) -> str:
    """The form Vanthu stores and compares: :func:`nfc` then :func:`normalize_tone_marks`."""
    return normalize_tone_marks(nfc(text))


def search_key(text: str) -> str:
    """The exact-diacritics match key: canonical form, case-folded."""
    # canonical() again after casefold(): folding can expand characters (ß -> ss) and leave a
    # string that is no longer NFC; it never moves a Vietnamese tone mark.
    return canonical(canonical(text).casefold())


def fold(text: str) -> str:
    """The accent-free match key: no diacritics, đ -> d, case-folded.

    ``fold("Đảng ủy") == "dang uy"``; Vietnamese text always folds to ASCII. Tone placement
    cannot matter here, so old and new spellings fold alike.
    """
    folded = unicodedata.normalize("NFD", nfc(text).casefold())
    folded = _ACCENTS.sub("", folded).translate(_UNSTROKE)
    return unicodedata.normalize("NFC", folded)


def tokenize(text: str) -> list[str]:
    """Split ``text`` into word tokens: maximal runs of letters and digits, in NFC.

    Everything else separates tokens, so ``"Số 15-NQ/TU ngày 3/2"`` gives ``["Số", "15", "NQ",
    "TU", "ngày", "3", "2"]``. A Vietnamese token is one syllable. Document numbers and symbols
    stay findable as consecutive tokens (a phrase query); tokens keep their case, so callers
    apply :func:`search_key` or :func:`fold` to each.
    """
    return _TOKEN.findall(nfc(text))
