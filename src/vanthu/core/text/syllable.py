"""Vietnamese syllable structure: initial consonant + vowel nucleus + final consonant, and a tone.

Written Vietnamese is one syllable per word-space token, built from a closed inventory of
initials, vowel clusters and finals, so a short table-driven parser is enough to tell "this is a
Vietnamese syllable, its tone belongs on letter N" from "this is something else (a name, a
loanword, an abbreviation): leave it alone". The parser serves two callers:

* tone-mark placement (:func:`tone_position`) uses the structural parse only;
* legacy-encoding detection (:func:`is_vietnamese_syllable`) adds the spelling and phonotactic
  rules, so that mojibake rarely passes for Vietnamese.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from .letters import BASE_VOWELS, SHAPED_VOWELS, Tone, split_tone

# Longest first, so "ngh" wins over "ng" and "ng" over "n".
INITIALS: Final[tuple[str, ...]] = (
    "ngh",
    "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
)  # fmt: skip
FINALS: Final[frozenset[str]] = frozenset({"c", "ch", "m", "n", "ng", "nh", "p", "t"})

# Vowel clusters (medial + main vowel + final semivowel), split by whether a final consonant
# may, must or must not follow. After "qu" and "gi" the u/i belongs to the initial, so "quy",
# "gia" reach this table as "y", "a".
_NUCLEI_OPEN_ONLY: Final[frozenset[str]] = frozenset(
    {
        "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi", "ua", "ui",
        "ưa", "ưi", "ưu",
        "iêu", "yêu", "oai", "oao", "oay", "oeo", "uây", "uôi", "uya", "uyu", "ươi", "ươu",
    }
)  # fmt: skip
_NUCLEI_CLOSED_ONLY: Final[frozenset[str]] = frozenset(
    {"ă", "â", "iê", "yê", "oă", "oo", "ôô", "uâ", "uô", "ươ", "uyê"}
)
_NUCLEI_EITHER: Final[frozenset[str]] = frozenset(
    {"a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "oa", "oe", "uê", "uơ", "uy"}
)
NUCLEI: Final[frozenset[str]] = _NUCLEI_OPEN_ONLY | _NUCLEI_CLOSED_ONLY | _NUCLEI_EITHER

# Open syllables where the two placements differ. The canonical form puts the mark on the
# first vowel (hòa, khỏe, thủy), the form most Vietnamese text and software use; the other
# (hoà, khoẻ, thuỷ) is read as the same word (docs/architecture.md, invariant 5).
_FIRST_VOWEL_PAIRS: Final[frozenset[str]] = frozenset({"oa", "oe", "uy"})

_FRONT_VOWELS: Final[frozenset[str]] = frozenset("eêiy")
_STOP_FINALS: Final[frozenset[str]] = frozenset({"c", "ch", "p", "t"})


@dataclass(frozen=True, slots=True)
class Syllable:
    """A parsed syllable; letters are lower-case base letters (tone removed)."""

    initial: str
    nucleus: str
    final: str
    tone: Tone
    #: Index in the word of the letter that carries the tone mark now, or -1 if none does.
    marked_at: int

    @property
    def nucleus_start(self) -> int:
        return len(self.initial)


def parse(word: str) -> Syllable | None:
    """Parse one word (letters only, NFC) as a Vietnamese syllable; None if it is not one.

    Structural only: it checks that the word is initial + known vowel cluster + final with at
    most one tone mark, not that the combination is spelled right (see
    :func:`is_vietnamese_syllable`).
    """
    bases: list[str] = []
    tone = Tone.NGANG
    marked_at = -1
    for index, char in enumerate(word):
        base, char_tone = split_tone(char)
        base = base.lower()
        if len(base) != 1 or not ("a" <= base <= "z" or base in "ăâđêôơư"):
            return None
        if char_tone is not Tone.NGANG:
            if marked_at >= 0:
                return None  # two tone marks: not one syllable
            tone, marked_at = char_tone, index
        bases.append(base)
    letters = "".join(bases)
    initial = _match_initial(letters)
    if initial is None:
        return None
    rest = letters[len(initial) :]
    end = len(rest)
    for index, char in enumerate(rest):
        if char not in BASE_VOWELS:
            end = index
            break
    nucleus, final = rest[:end], rest[end:]
    if nucleus not in NUCLEI or (final and final not in FINALS):
        return None
    return Syllable(initial, nucleus, final, tone, marked_at)


def _match_initial(letters: str) -> str | None:
    for initial in INITIALS:
        if letters.startswith(initial):
            after = letters[len(initial) : len(initial) + 1]
            if initial in ("gi", "qu") and not (after and after in BASE_VOWELS):
                # "gì", "gìn": the i is the vowel, the initial is g. "qu" needs a vowel.
                return "g" if initial == "gi" else None
            return initial
    if letters[:1] in BASE_VOWELS:
        return ""
    return None


def tone_position(syllable: Syllable) -> int:
    """Index in the word of the letter that should carry the tone mark (canonical placement).

    Rules (Quy tắc đặt dấu thanh, as in the Bộ GD&ĐT spelling rules and common practice):
    1. a vowel with a shape (ă â ê ô ơ ư) carries it; in ươ the ơ (người, được);
    2. otherwise, with a final consonant, the last vowel (hoàng, toán, huýt);
    3. otherwise oa, oe, uy take it on the first vowel (hòa, khỏe, thủy), other pairs on the
       first (mái, mùa, kìa) and three-vowel clusters on the middle one (ngoài, khuỷu).
    """
    nucleus = syllable.nucleus
    shaped = [index for index, char in enumerate(nucleus) if char in SHAPED_VOWELS]
    if shaped:
        offset = shaped[-1]
    elif syllable.final or len(nucleus) == 1:
        offset = len(nucleus) - 1
    elif len(nucleus) == 3:
        offset = 1
    else:
        offset = 0  # two vowels, open: including oa, oe, uy (_FIRST_VOWEL_PAIRS)
    return syllable.nucleus_start + offset


def _accepted_positions(syllable: Syllable) -> set[int]:
    position = tone_position(syllable)
    if not syllable.final and syllable.nucleus in _FIRST_VOWEL_PAIRS:
        return {position, position + 1}  # hoà, khoẻ, thuỷ: the other accepted placement
    return {position}


def is_vietnamese_syllable(word: str) -> bool:
    """Whether ``word`` is a well-formed Vietnamese syllable.

    On top of :func:`parse`: the mark sits where one of the two accepted placements puts it;
    stop finals (c ch p t) take only sắc or nặng; k gh ngh only before e ê i y, c ng never
    there, g never before e ê; ch and nh follow only a, ê, i (ach, êch, ich, oach, uych);
    vowel clusters that end in a semivowel take no final, and those that need one (iê, uô, ươ,
    ă, â …) have one.
    """
    syllable = parse(word)
    if syllable is None:
        return False
    initial, nucleus, final = syllable.initial, syllable.nucleus, syllable.final
    if syllable.marked_at >= 0 and syllable.marked_at not in _accepted_positions(syllable):
        return False
    if final in _STOP_FINALS and syllable.tone not in (Tone.SAC, Tone.NANG):
        return False
    if final and nucleus in _NUCLEI_OPEN_ONLY:
        return False
    if not final and nucleus in _NUCLEI_CLOSED_ONLY:
        return False
    if nucleus in ("oo", "ôô") and (
        final not in ("c", "ng") or syllable.tone not in (Tone.NGANG, Tone.HUYEN, Tone.SAC)
    ):
        # Only in a few loanwords (xoong, boong, goòng, moóc); VNI's "oä", "oâ" read as TCVN3
        # would otherwise pass for such words.
        return False
    if final in ("ch", "nh") and nucleus[-1] not in "aêiy":
        return False
    front = nucleus[0] in _FRONT_VOWELS
    if initial in ("k", "gh", "ngh") and not front:
        return False
    if initial == "g" and nucleus[0] in "eê":
        return False  # spelt gh: ghe, ghế
    return not (initial in ("c", "ng") and front)
