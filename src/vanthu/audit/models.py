"""The append-only, hash-chained audit log.

One chain per organisation (plus one for events that belong to no organisation). Why per
organisation: every write that records an event already serialises on its organisation's rows
(the register counter), so a per-organisation head adds no new contention, whereas one global
head would make every write of the whole installation wait for every other. A rewrite of a whole
chain is caught by the daily digest of all chain heads (integrity issue), not by the chain alone.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Chain(models.Model):
    """The head of one chain: locked for update while an event is appended."""

    key = models.CharField(max_length=40, unique=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"{self.key}#{self.last_seq}"


class Event(models.Model):
    chain = models.CharField(max_length=40)
    seq = models.BigIntegerField()
    created_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    # The name as it was when the event happened: users get renamed, events do not.
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(_("hành động"), max_length=80, db_index=True)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, null=True, blank=True
    )
    # Type and id only: never a title, which could be a classified document's.
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq_unique")
        ]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["organization", "created_at"]),
        ]
        ordering = ["chain", "seq"]
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = _("nhật ký")

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("audit events are append-only")


class AuditDigest(models.Model):
    """The heads of every chain on one day, signed with a key derived from the installation key.

    Someone who rewrites the whole event table and recomputes every hash still cannot make the
    chains pass: the signed heads of earlier days no longer appear in them, and a new signature
    needs the installation key, which is not in the database (core/crypto.py).
    """

    day = models.DateField(unique=True)
    created_at = models.DateTimeField()
    # {chain key: [seq, hash]} of every chain head at ``created_at``.
    heads = models.JSONField(default=dict)
    # The signature of the digest before this one: deleting a day in between is detected.
    previous = models.CharField(max_length=64, blank=True)
    key_id = models.CharField(max_length=16)
    signature = models.CharField(max_length=64)

    class Meta:
        ordering = ["day"]
        verbose_name = _("bản tóm tắt nhật ký")
        verbose_name_plural = _("bản tóm tắt nhật ký")

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} ({len(self.heads)} chuỗi)"
