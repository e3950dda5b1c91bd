"""Encryption at rest of classified files (docs/security.md, issue 6 item 4).

Envelope encryption: each file gets a fresh 256-bit data key; the file is encrypted with
AES-256-GCM and the data key is wrapped (AES key wrap, RFC 3394) by the installation key. Key
rotation re-wraps the data keys only, so files are never re-encrypted and their blob addresses
(SHA-256 of the ciphertext, so ``vanthu verify`` fixity still works) never change.

Streaming format (no header; the key material lives in the database row): the plaintext is cut
into ``CHUNK`` bytes; chunk ``i`` is sealed with nonce ``base_nonce XOR i`` and associated data
``MAGIC || i || final``. Reordering, dropping or appending chunks, or truncating the file, makes
a tag fail: a tampered file raises ``TamperedError``, never garbage bytes.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from vanthu import config

CHUNK = 64 * 1024
TAG = 16
NONCE = 12
MAGIC = b"vanthu-enc-v1"


class CryptoError(Exception):
    """A key or file that cannot be used; the message names no secret."""


class TamperedError(CryptoError):
    """The GCM tag failed: the stored bytes are not the bytes that were encrypted."""


class UnknownKeyError(CryptoError):
    """The file's data key is wrapped by a key this installation no longer holds."""


@dataclass(frozen=True)
class Sealed:
    """What the database keeps about one encrypted file (the key material, never the key)."""

    key_id: str
    wrapped_key: str  # base64 of the AES-KW wrapped data key
    nonce: str  # base64 of the 12-byte base nonce


def key_id(kek: bytes) -> str:
    """A public name of a key: it identifies the key, it does not reveal it."""
    return hashlib.sha256(b"vanthu-key-id:" + kek).hexdigest()[:16]


def _decode_key(value: str) -> bytes:
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (ValueError, TypeError) as exc:
        raise CryptoError("Khóa mã hóa không phải base64 hợp lệ.") from exc
    if len(raw) != 32:
        raise CryptoError("Khóa mã hóa phải dài đúng 32 byte (256 bit).")
    return raw


@dataclass(frozen=True)
class Keyring:
    current_id: str
    keys: dict[str, bytes]

    def current(self) -> bytes:
        return self.keys[self.current_id]


@functools.cache
def keyring() -> Keyring:
    """The installation key and the retired keys still readable (cached; see ``reset``)."""
    current, retired = config.encryption_keys()
    kek = _decode_key(current)
    keys = {key_id(k): k for k in (_decode_key(r) for r in retired)}
    keys[key_id(kek)] = kek
    return Keyring(current_id=key_id(kek), keys=keys)


def reset() -> None:
    """Forget the cached keyring (after a rotation, or a test changing the environment)."""
    keyring.cache_clear()


def new_key() -> str:
    """A fresh installation key, base64 of 32 random bytes."""
    return base64.b64encode(os.urandom(32)).decode()


def wrap(data_key: bytes, ring: Keyring | None = None) -> tuple[str, str]:
    ring = ring or keyring()
    return ring.current_id, base64.b64encode(aes_key_wrap(ring.current(), data_key)).decode()


def unwrap(sealed: Sealed, ring: Keyring | None = None) -> bytes:
    ring = ring or keyring()
    kek = ring.keys.get(sealed.key_id)
    if kek is None:
        raise UnknownKeyError(f"Không có khóa {sealed.key_id} để mở tệp mã hóa.")
    try:
        return aes_key_unwrap(kek, base64.b64decode(sealed.wrapped_key))
    except (InvalidUnwrap, ValueError) as exc:
        raise TamperedError("Khóa dữ liệu của tệp đã bị thay đổi.") from exc


def rewrap(sealed: Sealed, ring: Keyring | None = None) -> Sealed:
    """The same data key wrapped by the current installation key (key rotation)."""
    ring = ring or keyring()
    if sealed.key_id == ring.current_id:
        return sealed
    kid, wrapped = wrap(unwrap(sealed, ring), ring)
    return Sealed(key_id=kid, wrapped_key=wrapped, nonce=sealed.nonce)


def _nonce(base: bytes, index: int) -> bytes:
    counter = index.to_bytes(NONCE, "big")
    return bytes(a ^ b for a, b in zip(base, counter, strict=True))


def _aad(index: int, final: bool) -> bytes:
    return MAGIC + struct.pack(">QB", index, 1 if final else 0)


def _chunks(stream: BinaryIO) -> Iterator[tuple[bytes, bool]]:
    """The stream's chunks, each with "is it the last one" (one chunk read ahead)."""
    current = stream.read(CHUNK)
    while True:
        following = stream.read(CHUNK)
        yield current, not following
        if not following:
            return
        current = following


class EncryptingReader(io.RawIOBase):
    """Reads the ciphertext of ``source`` under a fresh data key: pass it to ``blobstore.put``.

    After the stream is read to the end, ``sealed``, ``plaintext_sha256`` and ``plaintext_size``
    describe it.
    """

    def __init__(self, source: BinaryIO, *, data_key: bytes | None = None) -> None:
        self._key = data_key or AESGCM.generate_key(bit_length=256)
        self._aead = AESGCM(self._key)
        self._base = os.urandom(NONCE)
        kid, wrapped = wrap(self._key)
        self.sealed = Sealed(kid, wrapped, base64.b64encode(self._base).decode())
        self._plain = hashlib.sha256()
        self.plaintext_size = 0
        self._iter = _chunks(source)
        self._index = 0
        self._buffer = b""
        self._done = False

    def readable(self) -> bool:
        return True

    @property
    def plaintext_sha256(self) -> str:
        return self._plain.hexdigest()

    def readinto(self, b: memoryview) -> int:  # type: ignore[override]
        while not self._buffer and not self._done:
            try:
                chunk, final = next(self._iter)
            except StopIteration:
                self._done = True
                break
            self._plain.update(chunk)
            self.plaintext_size += len(chunk)
            nonce = _nonce(self._base, self._index)
            self._buffer = self._aead.encrypt(nonce, chunk, _aad(self._index, final))
            self._index += 1
            self._done = final
        n = min(len(b), len(self._buffer))
        b[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


class DecryptingReader(io.RawIOBase):
    """The plaintext of an encrypted blob, chunk by chunk; raises ``TamperedError`` on a bad
    tag before handing out a single byte of the bad chunk."""

    def __init__(self, source: BinaryIO, sealed: Sealed, ring: Keyring | None = None) -> None:
        self._source = source
        self._aead = AESGCM(unwrap(sealed, ring))
        self._base = base64.b64decode(sealed.nonce)
        self._index = 0
        self._pending = source.read(CHUNK + TAG)
        self._buffer = b""
        self._done = False

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._source.close()
        super().close()

    def readinto(self, b: memoryview) -> int:  # type: ignore[override]
        while not self._buffer and not self._done:
            sealed = self._pending
            self._pending = self._source.read(CHUNK + TAG)
            final = not self._pending
            if len(sealed) < TAG:
                raise TamperedError("Tệp mã hóa bị cắt cụt.")
            try:
                self._buffer = self._aead.decrypt(
                    _nonce(self._base, self._index), sealed, _aad(self._index, final)
                )
            except InvalidTag as exc:
                raise TamperedError("Tệp mã hóa không khớp mã xác thực (GCM).") from exc
            self._index += 1
            self._done = final
        n = min(len(b), len(self._buffer))
        b[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


def decrypt_stream(source: BinaryIO, sealed: Sealed) -> BinaryIO:
    return io.BufferedReader(DecryptingReader(source, sealed), buffer_size=CHUNK)


def encrypt_bytes(data: bytes) -> tuple[bytes, Sealed]:
    reader = EncryptingReader(io.BytesIO(data))
    return reader.read(), reader.sealed


def decrypt_bytes(data: bytes, sealed: Sealed) -> bytes:
    return decrypt_stream(io.BytesIO(data), sealed).read()
