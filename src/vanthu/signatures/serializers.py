"""The signature check of a file as the API shows it (docs/api.md, docs/signatures.md)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from vanthu.exchange.verify import Revocation, State

from .models import FileSignature, Level, OrganizationSignature


class SignatureEntryOut(serializers.Serializer[Any]):
    """One signature. ``revocation``: what the revocation check found (``unknown``: no CRL or
    OCSP for the chain, the verdict is kept unchecked; ``revocation_note`` says why);
    ``level``: the PAdES level the file shows for it. Checks kept before these fields existed
    read ``unknown`` and ``B-B``."""

    state = serializers.ChoiceField(choices=State.choices)
    signer = serializers.CharField()
    signing_time = serializers.DateTimeField(allow_null=True)
    summary = serializers.CharField()
    revocation = serializers.ChoiceField(choices=Revocation.choices, default=Revocation.UNKNOWN)
    revocation_note = serializers.CharField(default="")
    level = serializers.ChoiceField(choices=Level.choices, default=Level.B_B)


class FileSignatureOut(serializers.ModelSerializer[FileSignature]):
    """``state`` is the worst signature's; ``reason`` says why in Vietnamese."""

    signatures = SignatureEntryOut(many=True, read_only=True)

    class Meta:
        model = FileSignature
        fields = ["state", "signer_name", "signing_time", "reason", "signatures", "checked_at"]
        read_only_fields = fields


class SignOutgoingIn(serializers.Serializer[Any]):
    """Which file to sign: by default the document's first PDF the organisation has not
    signed; ``attachment`` by default: every file but the document's first PDF."""

    file = serializers.IntegerField(required=False, min_value=1)
    attachment = serializers.BooleanField(required=False, allow_null=True, default=None)


class CertifiedCopyIn(serializers.Serializer[Any]):
    place = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


class SignedFileOut(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    sha256 = serializers.CharField(source="plaintext_sha256")
    size = serializers.IntegerField()


class OrganizationSignatureOut(serializers.Serializer[Any]):
    """A file the organisation signed: the new file, its source, and its signature check."""

    kind = serializers.ChoiceField(choices=OrganizationSignature.Kind.choices)
    source_file = serializers.IntegerField(source="source_id")
    file = SignedFileOut(source="signed")
    copy_number = serializers.IntegerField(allow_null=True)
    copy_symbol = serializers.CharField()
    signed_at = serializers.DateTimeField()
    level = serializers.ChoiceField(choices=Level.choices)
    level_note = serializers.CharField()
    signature = FileSignatureOut(source="signed.signature_check")


class SignPersonalIn(serializers.Serializer[Any]):
    """The signer's own key for this one signing (never stored): ``key`` a PKCS#12 file,
    ``passphrase`` its password; ``file`` by default the document's first PDF not signed yet;
    ``image`` their handwritten signature (PNG, transparent), kept for their next signings."""

    file = serializers.IntegerField(required=False, min_value=1)
    key = serializers.FileField(allow_empty_file=True)
    passphrase = serializers.CharField(max_length=1024, trim_whitespace=False, allow_blank=True)
    image = serializers.FileField(required=False, allow_empty_file=True)


class PersonalSignatureOut(serializers.Serializer[Any]):
    """A file the competent person signed: the new file, its source, and its check."""

    id = serializers.IntegerField()
    source_file = serializers.IntegerField(source="source_id")
    file = SignedFileOut(source="signed")
    signed_at = serializers.DateTimeField()
    level = serializers.ChoiceField(choices=Level.choices)
    level_note = serializers.CharField()
    signature = FileSignatureOut(source="signed.signature_check")
