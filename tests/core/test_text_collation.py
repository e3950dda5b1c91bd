"""Vietnamese alphabetical order."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vanthu.core.text import ALPHABET, VOWEL_LETTERS, sort_vietnamese, vietnamese_sort_key


def test_provinces_sort_in_vietnamese_alphabetical_order() -> None:
    names = ["Đà Nẵng", "Cà Mau", "An Giang", "Bắc Ninh", "Ân Thi", "Ăn"]
    assert sort_vietnamese(names) == ["An Giang", "Ăn", "Ân Thi", "Bắc Ninh", "Cà Mau", "Đà Nẵng"]


def test_d_stroke_sorts_after_d_and_before_e() -> None:
    assert sort_vietnamese(["Đông", "Eo", "Dương", "Yên"]) == ["Dương", "Đông", "Eo", "Yên"]


def test_letters_follow_the_alphabet() -> None:
    shuffled = list(reversed(ALPHABET))
    assert "".join(sort_vietnamese(shuffled)) == ALPHABET


@pytest.mark.parametrize("base", "aăâeêioôơuưy")
def test_tones_sort_ngang_huyen_hoi_nga_sac_nang(base: str) -> None:
    start = VOWEL_LETTERS.index(base)
    toned = list(VOWEL_LETTERS[start : start + 6])
    assert sort_vietnamese(reversed(toned)) == toned


def test_letters_come_before_tones() -> None:
    # "bà" < "ban": the tone is compared only when the letters are equal.
    assert sort_vietnamese(["ban", "bạ", "bà", "ba", "bác", "bạc"]) == [
        "ba", "bà", "bạ", "bác", "bạc", "ban",
    ]  # fmt: skip


def test_words_compare_one_by_one_as_in_a_dictionary() -> None:
    assert sort_vietnamese(["bà con", "ba lô", "ba"]) == ["ba", "ba lô", "bà con"]


def test_case_is_ignored_before_it_breaks_ties() -> None:
    assert sort_vietnamese(["Bình", "an", "ÂN", "bình"]) == ["an", "ÂN", "bình", "Bình"]


def test_numbers_sort_by_value() -> None:
    names = ["Phường 10", "Phường 2", "Phường 1", "Phường 02"]
    assert sort_vietnamese(names) == ["Phường 1", "Phường 2", "Phường 02", "Phường 10"]


def test_old_and_new_placement_sort_together() -> None:
    assert vietnamese_sort_key("Hoà")[0] == vietnamese_sort_key("Hòa")[0]


def test_foreign_letters_sit_in_latin_order() -> None:
    assert sort_vietnamese(["Zê", "Wil", "Jút", "Fan", "Ea"]) == ["Ea", "Fan", "Jút", "Wil", "Zê"]


@dataclass
class Office:
    name: str


def test_sort_by_a_key_function() -> None:
    offices = [Office("Văn phòng"), Office("Ban Tổ chức"), Office("Ủy ban Kiểm tra")]
    assert [o.name for o in sort_vietnamese(offices, key=lambda o: o.name)] == [
        "Ban Tổ chức", "Ủy ban Kiểm tra", "Văn phòng",
    ]  # fmt: skip


@given(st.lists(st.text(), max_size=8))
def test_sort_key_is_a_total_order_on_any_text(texts: list[str]) -> None:
    once = sort_vietnamese(texts)
    assert sort_vietnamese(reversed(once)) == once
    keys = [vietnamese_sort_key(text) for text in once]
    assert keys == sorted(keys)
