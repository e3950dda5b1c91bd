"""Vietnamese text: the one place every app normalises, matches, sorts and decodes text.

House rule (docs/style.md): Vietnamese text is always NFC and always goes through this module.

Forms, from the most faithful to the most forgiving:

``nfc(text)``
    Unicode NFC with invisible junk removed (control characters, BOMs, zero-width spaces; every
    kind of line break becomes ``\\n``). Text pasted from Word, PDFs and old systems arrives
    decomposed (NFD, Windows-1258 style) or composed; NFC makes equal text equal bytes.
``canonical(text)``
    ``nfc`` plus one tone-mark placement. The same word is written "hoá" or "hóa", "uỷ" or "ủy"
    (two placements have been taught; even the GSO's 2025 list of communes mixes "Hoà" and
    "Hòa"), and docs/architecture.md invariant 5 requires search to treat them alike. Stored
    text is canonical. The canonical placement puts the mark of an open oa/oe/uy syllable on
    the first vowel (hòa, khỏe, thủy; quý and giá unchanged), what common typing tools produce
    by default. Sources disagree on which placement is "old" and which "new", so the code
    names neither; the examples are the specification.
``search_key(text)``
    ``canonical`` case-folded: matches with exact diacritics (ranked first by search).
``fold(text)``
    No diacritics, đ -> d, case-folded: matches typed without accents ("dang uy" finds
    "Đảng ủy"). Databases' own unaccent functions miss đ, so this key is computed here.

Also: ``tokenize`` (letter/digit runs), ``vietnamese_sort_key`` / ``sort_vietnamese``
(dictionary order a ă â b … y, tones ngang < huyền < hỏi < ngã < sắc < nặng), and legacy
decoding of TCVN3 (ABC, .VnTime) and VNI (VNI-Times) text seen through Windows-1252
(``detect_legacy_encoding``, ``decode_legacy``, ``encode_legacy``).

Words that are not Vietnamese syllables (names like "Đắk Lắk", loanwords, codes) are never
rewritten by tone placement; they are still folded and sorted.
"""

from __future__ import annotations

from .collation import SortKey, sort_vietnamese, vietnamese_sort_key
from .legacy import ENCODINGS, Encoding, decode_legacy, detect_legacy_encoding, encode_legacy
from .letters import (
    ALPHABET,
    BASE_VOWELS,
    TONE_MARKS,
    VIETNAMESE_LETTERS,
    VOWEL_LETTERS,
    Tone,
    split_tone,
    with_tone,
)
from .normalize import canonical, fold, nfc, normalize_tone_marks, search_key, tokenize
from .syllable import is_vietnamese_syllable

__all__ = [
    "ALPHABET",
    "BASE_VOWELS",
    "ENCODINGS",
    "TONE_MARKS",
    "VIETNAMESE_LETTERS",
    "VOWEL_LETTERS",
    "Encoding",
    "SortKey",
    "Tone",
    "canonical",
    "decode_legacy",
    "detect_legacy_encoding",
    "encode_legacy",
    "fold",
    "is_vietnamese_syllable",
    "nfc",
    "normalize_tone_marks",
    "search_key",
    "sort_vietnamese",
    "split_tone",
    "tokenize",
    "vietnamese_sort_key",
    "with_tone",
]
