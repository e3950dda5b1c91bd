"""Text typed in the pre-Unicode Vietnamese font encodings TCVN3 (ABC) and VNI.

Until the mid-2000s most Party and State offices typed in TCVN3 (.VnTime fonts, north) or VNI
(VNI-Times, south). The bytes are ordinary single-byte codes, so a program that reads an old
.doc or .xls without the font sees them as Windows-1252/Latin-1 characters: "Céng hoµ" (TCVN3)
or "Coäng hoøa" (VNI) for "Cộng hoà". These functions work on that mis-read ``str``; codes 0xA0
to 0xFF are the same characters in Windows-1252 and Latin-1, and neither encoding uses
0x80-0x9F, so it does not matter which of the two the reader used.

TCVN3 is TCVN 5712:1993's VN3 table: 67 lower-case letters and the 7 upper-case base letters
Ă Â Ê Ô Ơ Ư Đ at 0xA1-0xFE. It has no upper-case vowels with tone marks: an upper-case "Ộ" was
typed as the lower-case code and shown in capitals by switching to a capitals-only font
(.VnTimeH). Plain text keeps no font, so such a code decodes to lower case, except in a word or
line that is otherwise all capitals (typed with Caps Lock for a heading), where it decodes to
upper case. VN2's extra capitals (at 0xC0-0xC5 and other Latin-1 letter positions) were not used
by .VnTime fonts and are not decoded.

VNI writes a letter as base letter + a sign byte ("Vieät" = V i e+ä t = "Việt"), with a few
single-byte letters (ñ = đ, ô = ơ, ö = ư, and five i-s and ỵ). It has both cases.

The tables are written here as rows, one per base vowel, in tone order, and checked by round
trips (tests/core/test_text_legacy.py) and, for TCVN3, against glibc's TCVN5712-1 converter.
"""

from __future__ import annotations

import re
import string
import unicodedata
from typing import Final, Literal

from .letters import Tone, with_tone
from .normalize import nfc
from .syllable import is_vietnamese_syllable

Encoding = Literal["unicode", "tcvn3", "vni"]
ENCODINGS: Final[tuple[Encoding, ...]] = ("unicode", "tcvn3", "vni")

# --- TCVN3 --------------------------------------------------------------------------------------
# Code of each lower-case vowel in tone order ngang, huyền, hỏi, ngã, sắc, nặng (0 = plain ASCII).
_TCVN3_ROWS: Final[dict[str, tuple[int, int, int, int, int, int]]] = {
    "a": (0x00, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (0x00, 0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (0x00, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (0x00, 0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (0x00, 0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": (0x00, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
_TCVN3_OTHERS: Final[dict[str, int]] = {
    "đ": 0xAE,
    "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7,
}  # fmt: skip


def _tcvn3_tables() -> tuple[dict[int, str], dict[str, str]]:
    decode: dict[int, str] = {}
    for base, codes in _TCVN3_ROWS.items():
        for tone, code in zip(Tone, codes, strict=True):
            if code:
                decode[code] = with_tone(base, tone)
    for letter, code in _TCVN3_OTHERS.items():
        decode[code] = letter
    encode = {letter: chr(code) for code, letter in decode.items()}
    # No upper-case toned vowels in VN3: write the lower-case code, as .VnTimeH users did.
    for letter, legacy in list(encode.items()):
        if letter.upper() not in encode:
            encode[letter.upper()] = legacy
    return decode, encode


_TCVN3_DECODE, _TCVN3_ENCODE = _tcvn3_tables()
# Codes that are lower-case letters shown as capitals by .VnTimeH (all but the 7 capitals).
_TCVN3_CASELESS: Final[frozenset[str]] = frozenset(
    chr(code) for code, letter in _TCVN3_DECODE.items() if letter.islower()
)
_TCVN3_CAPITALS: Final[frozenset[str]] = frozenset(chr(code) for code in range(0xA1, 0xA8))

# --- VNI ----------------------------------------------------------------------------------------
# Lower-case spelling of each vowel in tone order ngang, huyền, hỏi, ngã, sắc, nặng. Upper case
# is the same bytes upper-cased ("AØ" = "À"), which holds for every sign byte in Latin-1.
_VNI_ROWS: Final[dict[str, tuple[str, str, str, str, str, str]]] = {
    "a": ("a", "aø", "aû", "aõ", "aù", "aï"),
    "ă": ("aê", "aè", "aú", "aü", "aé", "aë"),
    "â": ("aâ", "aà", "aå", "aã", "aá", "aä"),
    "e": ("e", "eø", "eû", "eõ", "eù", "eï"),
    "ê": ("eâ", "eà", "eå", "eã", "eá", "eä"),
    "i": ("i", "ì", "æ", "ó", "í", "ò"),
    "o": ("o", "oø", "oû", "oõ", "où", "oï"),
    "ô": ("oâ", "oà", "oå", "oã", "oá", "oä"),
    "ơ": ("ô", "ôø", "ôû", "ôõ", "ôù", "ôï"),
    "u": ("u", "uø", "uû", "uõ", "uù", "uï"),
    "ư": ("ö", "öø", "öû", "öõ", "öù", "öï"),
    "y": ("y", "yø", "yû", "yõ", "yù", "î"),
}


def _vni_tables() -> tuple[dict[str, str], dict[str, str]]:
    encode: dict[str, str] = {"đ": "ñ", "Đ": "Ñ"}
    for base, spellings in _VNI_ROWS.items():
        for tone, spelling in zip(Tone, spellings, strict=True):
            encode[with_tone(base, tone)] = spelling
            encode[with_tone(base.upper(), tone)] = spelling.upper()
    decode: dict[str, str] = {}
    for letter, spelling in encode.items():
        if spelling != letter:
            decode[spelling] = letter
            if len(spelling) == 2:
                # Tolerate a sign byte whose case differs from its base letter's (seen in text
                # retyped or converted by tools); the base letter decides the case.
                decode.setdefault(spelling[0] + spelling[1].swapcase(), letter)
    return decode, encode


_VNI_DECODE, _VNI_ENCODE = _vni_tables()
_VNI_PATTERN: Final = re.compile(
    "|".join(re.escape(key) for key in sorted(_VNI_DECODE, key=len, reverse=True))
)

# --- API ----------------------------------------------------------------------------------------
_WORD: Final = re.compile(r"\S+")
_LETTER_RUN: Final = re.compile(r"[^\W\d_]+")
_EDGE_PUNCTUATION: Final = string.punctuation + "\u201c\u201d\u2018\u2019\u2026\u2013\u2014"
# Words looked at by detection: enough for a verdict, bounded for a long document.
_DETECTION_SAMPLE: Final = 2000


def decode_legacy(text: str, encoding: str | None = None) -> str:
    """Decode TCVN3 or VNI text read as Windows-1252/Latin-1 into NFC Unicode.

    ``encoding`` is ``"tcvn3"``, ``"vni"``, ``"unicode"`` (nothing to decode), or None to
    detect it with :func:`detect_legacy_encoding`. Characters that are not codes of the
    encoding pass through, so ASCII and already-Unicode parts survive. Tone-mark placement is
    kept as typed; apply ``canonical()`` for the stored form.
    """
    chosen = detect_legacy_encoding(text) if encoding is None else _check(encoding)
    if chosen == "tcvn3":
        text = _decode_tcvn3(text)
    elif chosen == "vni":
        text = _VNI_PATTERN.sub(_vni_letter, text)
    return nfc(text)


def encode_legacy(text: str, encoding: str) -> str:
    """Write ``text`` in TCVN3 or VNI as the Windows-1252 characters a legacy font would show.

    The inverse of :func:`decode_legacy` for Vietnamese text, except that TCVN3 has no
    upper-case toned vowels (they become lower-case codes, see the module docstring).
    """
    chosen = _check(encoding)
    text = nfc(text)
    if chosen == "tcvn3":
        return "".join(_TCVN3_ENCODE.get(char, char) for char in text)
    if chosen == "vni":
        return "".join(_VNI_ENCODE.get(char, char) for char in text)
    return text


def detect_legacy_encoding(text: str) -> Encoding:
    """Guess whether ``text`` is Unicode, or TCVN3 or VNI read as Windows-1252.

    Each word with a non-ASCII character is decoded both ways and kept as is. An encoding
    scores first by how many such words come out as well-formed Vietnamese in a plausible case
    (:func:`~vanthu.core.text.syllable.is_vietnamese_syllable`), then, to break ties in short
    texts, by how many come out made of letters only (TCVN3 writes letters with codes that are
    symbols in Windows-1252: "§" for Đ, "¸" for á). Ties that remain go to Unicode, so ASCII,
    Unicode Vietnamese and text in other languages are left alone.
    """
    if text.isascii():
        return "unicode"
    words: list[str] = []
    # NFC so that decomposed Unicode is judged like composed; legacy text is all precomposed
    # Latin-1, which NFC leaves as it is.
    for match in _WORD.finditer(unicodedata.normalize("NFC", text)):
        word = match.group().strip(_EDGE_PUNCTUATION)
        if word and not word.isascii():
            words.append(word)
            if len(words) >= _DETECTION_SAMPLE:
                break
    scores = {encoding: [0, 0] for encoding in ENCODINGS}
    for word in words:
        candidates: tuple[tuple[Encoding, str], ...] = (
            ("unicode", word),
            ("tcvn3", _decode_tcvn3_word(word, line_is_capitals=False)),
            ("vni", _VNI_PATTERN.sub(_vni_letter, word)),
        )
        for encoding, decoded in candidates:
            score = scores[encoding]
            score[0] += _is_vietnamese(decoded)
            score[1] += _is_letters(decoded)
    # max() keeps the first of equal scores: Unicode, then TCVN3 (the more common legacy one).
    return max(ENCODINGS, key=lambda encoding: scores[encoding])


def _is_vietnamese(word: str) -> bool:
    """Every letter run is a Vietnamese syllable in lower, Title or UPPER case.

    The case test catches TCVN3 read as Unicode: its codes for toned vowels include Latin-1
    capitals, so "chÝnh" or "tÕ" shows up in the middle of lower-case words.
    """
    runs = _LETTER_RUN.findall(word)
    return bool(runs) and all(
        (run.islower() or run.isupper() or run[1:].islower()) and is_vietnamese_syllable(run)
        for run in runs
    )


def _vni_letter(match: re.Match[str]) -> str:
    return _VNI_DECODE[match.group()]


def _is_letters(word: str) -> bool:
    """Letters (and digits, hyphens, slashes of codes like "15/NQ-TU") only."""
    return all(char.isalnum() or char in "-/." for char in word)


def _check(encoding: str) -> Encoding:
    for known in ENCODINGS:
        if encoding == known:
            return known
    raise ValueError(f"unknown encoding {encoding!r}; expected one of {', '.join(ENCODINGS)}")


def _decode_tcvn3(text: str) -> str:
    return "\n".join(_decode_tcvn3_line(line) for line in text.split("\n"))


def _decode_tcvn3_line(line: str) -> str:
    line_lower, line_upper = _case_evidence(line)
    line_is_capitals = line_lower == 0 and line_upper >= 3
    return _WORD.sub(lambda match: _decode_tcvn3_word(match.group(), line_is_capitals), line)


def _decode_tcvn3_word(word: str, line_is_capitals: bool) -> str:
    decoded = word.translate(_TCVN3_DECODE)
    lower, upper = _case_evidence(word)
    if lower == 0 and (upper >= 2 or line_is_capitals):
        # Typed in capitals: the caseless codes were shown as capitals by .VnTimeH.
        return "".join(
            new.upper() if old in _TCVN3_CASELESS else new
            for old, new in zip(word, decoded, strict=True)
        )
    return decoded


def _case_evidence(text: str) -> tuple[int, int]:
    """(lower-case, upper-case) letters whose case TCVN3 does record."""
    lower = upper = 0
    for char in text:
        if char.isascii():
            lower += char.islower()
            upper += char.isupper()
        elif char in _TCVN3_CAPITALS:
            upper += 1
    return lower, upper


__all__ = [
    "ENCODINGS",
    "Encoding",
    "decode_legacy",
    "detect_legacy_encoding",
    "encode_legacy",
]
