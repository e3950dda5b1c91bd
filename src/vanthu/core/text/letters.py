"""The Vietnamese alphabet as data: letters, tones, and splitting a vowel into base and tone.

Everything else in the text package builds on two maps made here once, at import, from
``unicodedata``: vowel letter -> (base letter, tone) and back. Deriving them from the Unicode
database rather than typing 144 letters by hand means a typo cannot slip into the tables.
"""

from __future__ import annotations

import unicodedata
from enum import IntEnum
from typing import Final


class Tone(IntEnum):
    """The six tones (thanh điệu), numbered in dictionary order.

    Vietnamese dictionaries (e.g. Hoàng Phê's Từ điển tiếng Việt) order a syllable's tones as
    ngang, huyền, hỏi, ngã, sắc, nặng; the values are that order so they sort directly.
    """

    NGANG = 0  # no mark: a
    HUYEN = 1  # grave: à
    HOI = 2  # hook above: ả
    NGA = 3  # tilde: ã
    SAC = 4  # acute: á
    NANG = 5  # dot below: ạ


#: Combining mark of each marked tone (NFD form).
TONE_MARKS: Final[dict[Tone, str]] = {
    Tone.HUYEN: "\u0300",
    Tone.HOI: "\u0309",
    Tone.NGA: "\u0303",
    Tone.SAC: "\u0301",
    Tone.NANG: "\u0323",
}
_TONE_OF_MARK: Final[dict[str, Tone]] = {mark: tone for tone, mark in TONE_MARKS.items()}

#: The 12 vowel letters without tone, lower case, in alphabetical order.
BASE_VOWELS: Final[str] = "aăâeêioôơuưy"
#: Vowels whose shape (breve, circumflex, horn) makes them the main vowel of a syllable.
SHAPED_VOWELS: Final[str] = "ăâêôơư"
#: The 29 letters of the Vietnamese alphabet in order (Bộ GD&ĐT's "bảng chữ cái").
ALPHABET: Final[str] = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
#: Latin letters outside the alphabet, found in loanwords and names; collation places them
#: where the Latin alphabet does (as CLDR's Vietnamese collation does).
FOREIGN_LETTERS: Final[str] = "fjwz"


def _build_tables() -> tuple[dict[str, tuple[str, Tone]], dict[tuple[str, Tone], str]]:
    split: dict[str, tuple[str, Tone]] = {}
    join: dict[tuple[str, Tone], str] = {}
    for base_lower in BASE_VOWELS:
        for base in (base_lower, base_lower.upper()):
            for tone in Tone:
                mark = TONE_MARKS.get(tone, "")
                letter = unicodedata.normalize("NFC", base + mark)
                # Every toned Vietnamese vowel has a precomposed code point (U+1EA0 block
                # and Latin-1); a failure here would mean a broken Unicode database.
                if len(letter) != 1:
                    raise RuntimeError(f"no precomposed letter for {base!r} + {tone.name}")
                split[letter] = (base, tone)
                join[(base, tone)] = letter
    return split, join


_SPLIT, _JOIN = _build_tables()

#: Every vowel letter with each of the six tones, lower case then upper case:
#: 12 vowels x 6 tones x 2 cases = 144 letters, ordered a à ả ã á ạ ă ằ ... Ỵ.
VOWEL_LETTERS: Final[tuple[str, ...]] = tuple(
    _JOIN[(base, tone)] for base in BASE_VOWELS + BASE_VOWELS.upper() for tone in Tone
)
#: All letters that can appear in a Vietnamese word, both cases (vowels with tones, đ/Đ, and
#: the consonants).
VIETNAMESE_LETTERS: Final[frozenset[str]] = frozenset(
    VOWEL_LETTERS + tuple(ALPHABET) + tuple(ALPHABET.upper())
)


def split_tone(letter: str) -> tuple[str, Tone]:
    """Split one character into its base letter (shape kept, case kept) and its tone.

    ``split_tone("Ở") == ("Ơ", Tone.HOI)``. Anything that is not a Vietnamese vowel comes back
    unchanged with ``Tone.NGANG``.
    """
    return _SPLIT.get(letter, (letter, Tone.NGANG))


def with_tone(base: str, tone: Tone) -> str:
    """The vowel ``base`` (one of :data:`BASE_VOWELS`, either case) carrying ``tone``."""
    return _JOIN[(base, tone)]


def tone_of_mark(mark: str) -> Tone | None:
    """The tone a combining mark stands for, or None if it is not a tone mark."""
    return _TONE_OF_MARK.get(mark)
