"""The text module on real names: the 3,321 communes and wards of the July 2025 GSO list."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import pytest

from vanthu.core.text import (
    ALPHABET,
    canonical,
    decode_legacy,
    detect_legacy_encoding,
    encode_legacy,
    fold,
    nfc,
    search_key,
    sort_vietnamese,
    split_tone,
    tokenize,
)

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
COMMUNES_CSV = SHARED_DATA / "dvhc" / "gso_official" / "Cap-xa-2025-07.csv"

pytestmark = pytest.mark.skipif(
    not COMMUNES_CSV.is_file(),
    reason=f"GSO commune list not found at {COMMUNES_CSV} (the shared data folder beside the repo)",
)


@pytest.fixture(scope="module")
def names() -> list[str]:
    # Columns: code, name, province, note; province heading rows have no code.
    with COMMUNES_CSV.open(encoding="utf-8", newline="") as handle:
        return [row[1].strip() for row in csv.reader(handle) if row and row[0].strip()]


def test_the_list_has_every_commune(names: list[str]) -> None:
    assert len(names) == 3321


def test_canonical_is_idempotent_and_nfc_on_every_name(names: list[str]) -> None:
    for name in names:
        once = canonical(name)
        assert canonical(once) == once
        assert unicodedata.is_normalized("NFC", once)
        assert canonical(unicodedata.normalize("NFD", name)) == once
        assert search_key(name) == search_key(once.upper())


def test_fold_of_every_name_has_ascii_letters_and_keeps_the_words(names: list[str]) -> None:
    for name in names:
        folded = fold(name)
        # Letters only: one name has an en dash ("Chân Mây – Lăng Cô"), which fold keeps.
        assert all(char.isascii() for char in folded if char.isalnum()), name
        assert len(tokenize(folded)) == len(tokenize(name))


def test_names_sort_by_the_vietnamese_alphabet(names: list[str]) -> None:
    # Strip the "Phường"/"Xã"/"Đặc khu" prefix so the order of the names themselves is tested.
    bare = [name.split(" ", 1)[1] if " " in name else name for name in names]
    ordered = sort_vietnamese(bare)
    first_letters = [ALPHABET.find(split_tone(name[0])[0].lower()) for name in ordered]
    known = [index for index in first_letters if index >= 0]
    assert known == sorted(known)


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_every_name_round_trips_through_the_legacy_encodings(
    names: list[str], encoding: str
) -> None:
    for name in names:
        decoded = decode_legacy(encode_legacy(name, encoding), encoding)
        if encoding == "vni":
            assert decoded == nfc(name)
        else:
            assert decoded.lower() == nfc(name).lower()
        capitals = nfc(name).upper()
        assert decode_legacy(encode_legacy(capitals, encoding), encoding) == capitals


@pytest.mark.parametrize("encoding", ["unicode", "tcvn3", "vni"])
def test_detection_on_single_names(names: list[str], encoding: str) -> None:
    right = total = 0
    for name in names:
        legacy = encode_legacy(name, encoding) if encoding != "unicode" else nfc(name)
        expected = encoding if legacy != nfc(name) else "unicode"
        total += 1
        right += detect_legacy_encoding(legacy) == expected
    # A name is two to five words, some of them Ê-đê or Bahnar words, so this is harder than
    # a sentence; still, nearly every one must be recognised.
    assert right / total >= 0.98
