"""The signature check of a file as the API shows it (docs/api.md, docs/signatures.md)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from vanthu.exchange.verify import State

from .models import FileSignature


class SignatureEntryOut(serializers.Serializer[Any]):
    state = serializers.ChoiceField(choices=State.choices)
    signer = serializers.CharField()
    signing_time = serializers.DateTimeField(allow_null=True)
    summary = serializers.CharField()


class FileSignatureOut(serializers.ModelSerializer[FileSignature]):
    """``state`` is the worst signature's; ``reason`` says why in Vietnamese."""

    signatures = SignatureEntryOut(many=True, read_only=True)

    class Meta:
        model = FileSignature
        fields = ["state", "signer_name", "signing_time", "reason", "signatures", "checked_at"]
        read_only_fields = fields
