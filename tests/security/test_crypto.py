"""AES-256-GCM envelope encryption: round trips, tampering, wrong keys, key files, rotation."""

from __future__ import annotations

import base64
import io
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vanthu import config
from vanthu.core import crypto


@pytest.mark.parametrize(
    "size", [0, 1, crypto.CHUNK - 1, crypto.CHUNK, crypto.CHUNK + 1, 3 * crypto.CHUNK]
)
def test_round_trip_across_chunk_boundaries(size: int) -> None:
    plain = os.urandom(size)
    cipher, sealed = crypto.encrypt_bytes(plain)
    assert len(cipher) == size + crypto.TAG * max(1, -(-size // crypto.CHUNK))
    assert crypto.decrypt_bytes(cipher, sealed) == plain


@settings(max_examples=25, deadline=None)
@given(st.binary(max_size=3000))
def test_round_trip_any_bytes_small_reads(plain: bytes) -> None:
    cipher, sealed = crypto.encrypt_bytes(plain)
    out = crypto.decrypt_stream(io.BytesIO(cipher), sealed)
    got = b""
    while chunk := out.read(7):
        got += chunk
    assert got == plain


def test_ciphertext_holds_none_of_the_plaintext() -> None:
    plain = b"NGHI QUYET TUYET MAT " * 5000
    cipher, _sealed = crypto.encrypt_bytes(plain)
    assert b"NGHI QUYET" not in cipher


def test_each_file_gets_its_own_key_and_nonce() -> None:
    _c1, s1 = crypto.encrypt_bytes(b"x")
    _c2, s2 = crypto.encrypt_bytes(b"x")
    assert s1.wrapped_key != s2.wrapped_key and s1.nonce != s2.nonce


@pytest.mark.parametrize("where", [0, crypto.CHUNK + 5, -1])
def test_one_flipped_byte_is_refused(where: int) -> None:
    cipher, sealed = crypto.encrypt_bytes(os.urandom(2 * crypto.CHUNK + 10))
    bad = bytearray(cipher)
    bad[where] ^= 0x01
    with pytest.raises(crypto.TamperedError):
        crypto.decrypt_bytes(bytes(bad), sealed)


def test_truncated_swapped_or_extended_files_are_refused() -> None:
    plain = os.urandom(3 * crypto.CHUNK)
    cipher, sealed = crypto.encrypt_bytes(plain)
    step = crypto.CHUNK + crypto.TAG
    chunks = [cipher[i : i + step] for i in range(0, len(cipher), step)]
    for bad in (
        b"".join(chunks[:2]),  # the last chunk dropped
        chunks[1] + chunks[0] + chunks[2],  # reordered
        cipher + chunks[2],  # a chunk appended
        cipher[:-1],  # one byte short
    ):
        with pytest.raises(crypto.TamperedError):
            crypto.decrypt_bytes(bad, sealed)


def test_the_first_bad_chunk_yields_no_byte() -> None:
    cipher, sealed = crypto.encrypt_bytes(b"A" * 100)
    bad = bytearray(cipher)
    bad[3] ^= 0xFF
    reader = crypto.decrypt_stream(io.BytesIO(bytes(bad)), sealed)
    with pytest.raises(crypto.TamperedError):
        reader.read(1)


def test_a_tampered_wrapped_key_is_refused() -> None:
    cipher, sealed = crypto.encrypt_bytes(b"abc")
    raw = bytearray(base64.b64decode(sealed.wrapped_key))
    raw[0] ^= 1
    bad = crypto.Sealed(sealed.key_id, base64.b64encode(bytes(raw)).decode(), sealed.nonce)
    with pytest.raises(crypto.TamperedError):
        crypto.decrypt_bytes(cipher, bad)


def test_without_the_key_nothing_opens(monkeypatch: pytest.MonkeyPatch) -> None:
    cipher, sealed = crypto.encrypt_bytes(b"bi mat")
    monkeypatch.setenv("VANTHU_ENCRYPTION_KEY", crypto.new_key())
    crypto.reset()
    with pytest.raises(crypto.UnknownKeyError):
        crypto.decrypt_bytes(cipher, sealed)


def test_rewrap_keeps_the_file_and_changes_only_the_wrap(monkeypatch: pytest.MonkeyPatch) -> None:
    old = os.environ["VANTHU_ENCRYPTION_KEY"]
    cipher, sealed = crypto.encrypt_bytes(b"noi dung mat")
    monkeypatch.setenv("VANTHU_ENCRYPTION_KEY", crypto.new_key())
    monkeypatch.setenv("VANTHU_ENCRYPTION_OLD_KEYS", old)
    crypto.reset()
    new = crypto.rewrap(sealed)
    assert new.key_id == crypto.keyring().current_id != sealed.key_id
    assert new.nonce == sealed.nonce
    monkeypatch.delenv("VANTHU_ENCRYPTION_OLD_KEYS")
    crypto.reset()
    assert crypto.decrypt_bytes(cipher, new) == b"noi dung mat"


@pytest.mark.parametrize("value", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_malformed_installation_key_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("VANTHU_ENCRYPTION_KEY", value)
    crypto.reset()
    with pytest.raises(crypto.CryptoError, match="Khóa mã hóa"):
        crypto.keyring()


def test_embedded_key_file_is_made_once_and_private(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("VANTHU_ENCRYPTION_KEY")
    monkeypatch.setenv("VANTHU_DATA_DIR", str(tmp_path))
    first, retired = config.encryption_keys()
    again, _ = config.encryption_keys()
    assert first == again and retired == []
    assert len(base64.b64decode(first)) == 32
    mode = stat.S_IMODE((tmp_path / "encryption_key").stat().st_mode)
    assert mode == 0o600
