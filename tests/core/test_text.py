"""Normal forms of Vietnamese text: nfc, tone-mark placement, canonical, search_key, fold."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vanthu.core.text import (
    ALPHABET,
    BASE_VOWELS,
    VIETNAMESE_LETTERS,
    VOWEL_LETTERS,
    Tone,
    canonical,
    fold,
    is_vietnamese_syllable,
    nfc,
    normalize_tone_marks,
    search_key,
    split_tone,
    tokenize,
    with_tone,
)
from vanthu.core.text.syllable import FINALS, INITIALS, NUCLEI, parse

# --- strategies ---------------------------------------------------------------------------------

vietnamese_text = st.text(
    alphabet=st.sampled_from(sorted(VIETNAMESE_LETTERS) + list(" ,.-/\n0123456789")),
    max_size=60,
)


@st.composite
def syllables(draw: st.DrawFn) -> tuple[str, int]:
    """A structurally valid syllable with a tone, and the index of each nucleus vowel.

    Returns the syllable written with the mark on a randomly chosen vowel of its nucleus, and
    that choice, so tests can compare every placement of the same syllable.
    """
    initial = draw(st.sampled_from(("", *INITIALS)))
    nucleus = draw(st.sampled_from(sorted(NUCLEI)))
    final = draw(st.sampled_from(("", *sorted(FINALS))))
    tone = draw(st.sampled_from(list(Tone)[1:]))
    where = draw(st.integers(0, len(nucleus) - 1))
    upper = draw(st.sampled_from(("lower", "title", "upper")))
    marked = nucleus[:where] + with_tone(nucleus[where], tone) + nucleus[where + 1 :]
    word = initial + marked + final
    if upper == "title":
        word = word[:1].upper() + word[1:]
    elif upper == "upper":
        word = word.upper()
    return word, where


# --- the letter tables --------------------------------------------------------------------------


def test_vowel_letters_are_twelve_vowels_by_six_tones_in_both_cases() -> None:
    assert len(VOWEL_LETTERS) == 144
    assert len(set(VOWEL_LETTERS)) == 144
    assert VOWEL_LETTERS[:6] == ("a", "à", "ả", "ã", "á", "ạ")
    assert VOWEL_LETTERS[-6:] == ("Y", "Ỳ", "Ỷ", "Ỹ", "Ý", "Ỵ")
    assert all(len(letter) == 1 for letter in VOWEL_LETTERS)
    assert all(unicodedata.is_normalized("NFC", letter) for letter in VOWEL_LETTERS)


@pytest.mark.parametrize("letter", VOWEL_LETTERS)
def test_every_vowel_with_every_tone_splits_and_joins_back(letter: str) -> None:
    base, tone = split_tone(letter)
    assert base.lower() in BASE_VOWELS
    assert with_tone(base, tone) == letter
    assert base.isupper() == letter.isupper()
    assert fold(letter) in "aeiouy"
    assert canonical(letter) == letter
    assert canonical(unicodedata.normalize("NFD", letter)) == letter


def test_alphabet_has_the_29_letters_in_order() -> None:
    assert len(ALPHABET) == 29
    assert ALPHABET.startswith("aăâbcdđeê")
    assert ALPHABET.endswith("uưvxy")


def test_tone_marks_are_numbered_in_dictionary_order() -> None:
    order = [split_tone(letter)[1] for letter in "aàảãáạ"]
    assert order == sorted(order)
    assert [tone.name for tone in Tone] == ["NGANG", "HUYEN", "HOI", "NGA", "SAC", "NANG"]


# --- nfc ----------------------------------------------------------------------------------------


def test_nfc_composes_decomposed_text() -> None:
    decomposed = unicodedata.normalize("NFD", "Nghị quyết của Đảng ủy")
    assert nfc(decomposed) == "Nghị quyết của Đảng ủy"


def test_nfc_keeps_tabs_and_newlines_and_unifies_line_breaks() -> None:
    assert nfc("a\tb\r\nc\rd\x0be\x0cf\u2028g") == "a\tb\nc\nd\ne\nf\ng"


def test_nfc_removes_controls_bom_and_zero_width_space() -> None:
    assert nfc("\ufeffSố\x00 1\x07\u200b5\x9f") == "Số 15"


def test_nfc_keeps_soft_hyphen_because_it_is_tcvn3_u_horn() -> None:
    assert nfc("Ph\xadêng") == "Ph\xadêng"


def test_nfc_replaces_lone_surrogates() -> None:
    assert nfc("a\udce9b") == "a\ufffdb"
    nfc("a\udce9b").encode("utf-8")


# --- tone-mark placement ------------------------------------------------------------------------

OLD_AND_CANONICAL = [
    ("hoá", "hóa"),
    ("toạ", "tọa"),
    ("uỷ", "ủy"),
    ("thuý", "thúy"),
    ("khoẻ", "khỏe"),
    ("hoà", "hòa"),
    ("Hoà Bình", "Hòa Bình"),
    ("HOÀ BÌNH", "HÒA BÌNH"),
    ("Thanh Hoá", "Thanh Hóa"),
    ("Đảng uỷ", "Đảng ủy"),
    ("Uỷ ban", "Ủy ban"),
    ("luỹ", "lũy"),
    ("xoè", "xòe"),
    ("loà", "lòa"),
    ("hoạ", "họa"),
    ("Thuỵ", "Thụy"),
]


@pytest.mark.parametrize(("written", "expected"), OLD_AND_CANONICAL)
def test_old_placement_moves_to_canonical(written: str, expected: str) -> None:
    assert normalize_tone_marks(written) == expected
    assert normalize_tone_marks(expected) == expected


@pytest.mark.parametrize(
    "word",
    [
        "Quý", "quý", "giá", "già", "gìn", "gì", "quả", "quạ", "quyết", "quyển", "Quỳnh",
        "giữa", "giường", "người", "được", "ngoài", "khuỷu", "hoàng", "toán", "khoét", "huỳnh",
        "thuở", "tuần", "hoặc", "mùa", "của", "mía", "kìa", "núi", "cứu", "hươu", "yêu",
        "nghiêng", "khuya", "ngoáy", "uể", "ý", "à", "ổn", "xoong",
    ],
)  # fmt: skip
def test_canonical_words_are_left_as_they_are(word: str) -> None:
    assert normalize_tone_marks(word) == word


@pytest.mark.parametrize(
    ("typo", "expected"), [("qúy", "quý"), ("qùa", "quà"), ("gía", "giá"), ("gìa", "già")]
)
def test_mark_on_the_u_of_qu_or_the_i_of_gi_moves_to_the_vowel(typo: str, expected: str) -> None:
    assert normalize_tone_marks(typo) == expected


@pytest.mark.parametrize(
    "word",
    ["café", "José", "Đắk", "Lắk", "résumé", "naïve", "Pleiku", "Krông", "UBND", "x²"],
)
def test_words_that_are_not_vietnamese_syllables_are_untouched(word: str) -> None:
    assert normalize_tone_marks(word) == word


def test_placement_keeps_each_letters_case() -> None:
    assert normalize_tone_marks("HoÁ") == "HóA"
    assert normalize_tone_marks("HOÁ") == "HÓA"


def test_placement_works_inside_punctuation_and_numbers() -> None:
    assert normalize_tone_marks("(hoá),15-toạ/uỷ") == "(hóa),15-tọa/ủy"


@given(syllables())
def test_every_placement_of_a_syllables_mark_gives_one_canonical_form(
    drawn: tuple[str, int],
) -> None:
    word, _ = drawn
    syllable = parse(word)
    assert syllable is not None
    forms = set()
    start = syllable.nucleus_start
    for where in range(len(syllable.nucleus)):
        letters = [split_tone(char)[0] for char in word]
        letters[start + where] = with_tone(letters[start + where], syllable.tone)
        forms.add(canonical("".join(letters)))
    assert forms == {canonical(word)}
    assert fold(canonical(word)) == fold(word)


# --- canonical and search_key -------------------------------------------------------------------


@given(st.text())
@settings(max_examples=300)
def test_canonical_and_fold_never_raise_and_are_idempotent(text: str) -> None:
    once = canonical(text)
    assert canonical(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert fold(fold(text)) == fold(text)
    assert search_key(search_key(text)) == search_key(text)
    tokenize(text)


@given(vietnamese_text)
def test_decomposed_input_equals_composed_after_canonical(text: str) -> None:
    assert canonical(unicodedata.normalize("NFD", text)) == canonical(text)
    assert canonical(unicodedata.normalize("NFKD", text)) == canonical(text)


@given(vietnamese_text)
def test_canonical_keeps_vietnamese_text_the_same_length_and_letters(text: str) -> None:
    result = canonical(text)
    assert len(result) == len(nfc(text))
    assert fold(result) == fold(text)


def test_search_key_matches_old_and_new_placement_and_case() -> None:
    assert search_key("HOÀ BÌNH") == search_key("Hòa Bình") == "hòa bình"
    assert search_key("Uỷ ban") == search_key("ủy ban")
    assert search_key("Đảng") != search_key("Dang")


# --- fold -------------------------------------------------------------------------------------


def test_fold_removes_every_diacritic_including_d_stroke() -> None:
    assert fold("Đảng ủy") == "dang uy"
    assert fold("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM") == "cong hoa xa hoi chu nghia viet nam"
    assert fold("Ðà Nẵng") == "da nang"  # Icelandic eth used for Đ by some keyboards


@given(vietnamese_text)
def test_fold_of_vietnamese_text_is_ascii(text: str) -> None:
    assert fold(text).isascii()


def test_fold_leaves_marks_of_other_scripts() -> None:
    assert fold("हिन्दी") == "हिन्दी"


# --- tokenize -----------------------------------------------------------------------------------


def test_tokenize_splits_on_everything_but_letters_and_digits() -> None:
    assert tokenize("Số 15-NQ/TU ngày 03/02/2025, về việc…") == [
        "Số", "15", "NQ", "TU", "ngày", "03", "02", "2025", "về", "việc",
    ]  # fmt: skip


def test_tokenize_keeps_decomposed_words_whole() -> None:
    assert tokenize(unicodedata.normalize("NFD", "Nghị quyết")) == ["Nghị", "quyết"]


# --- the syllable checker used by detection -----------------------------------------------------


@pytest.mark.parametrize(
    "word", ["người", "được", "nghiêng", "khuỷu", "Quý", "gìn", "hoà", "hòa", "uống", "ích"]
)
def test_real_syllables_are_vietnamese(word: str) -> None:
    assert is_vietnamese_syllable(word)


@pytest.mark.parametrize(
    "word", ["céng", "hoµ", "xaõ", "kan", "ce", "ngi", "ghu", "hac", "bich", "mươ", "ă", "hoá2"]
)
def test_misspelt_or_mojibake_words_are_not_vietnamese(word: str) -> None:
    assert not is_vietnamese_syllable(word)
