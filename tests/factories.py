"""factory_boy factories that go through the services, so the tree paths are real."""

from __future__ import annotations

from typing import Any

import factory

from vanthu.orgs.models import Organization, Position, User


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    code = factory.Sequence(lambda n: f"ORG{n:04d}")
    name = factory.Sequence(lambda n: f"Đảng ủy phường số {n}")
    symbol = "ĐU"
    kind = "committee"
    parent = None

    @classmethod
    def _create(cls, model_class: type[Organization], *args: Any, **kwargs: Any) -> Organization:
        org = model_class.objects.create(*args, **kwargs)
        parent_path = org.parent.path if org.parent else ""
        org.path = parent_path + Organization.segment(org.pk)
        org.depth = len(org.path) // len(Organization.segment(0)) - 1
        model_class.objects.filter(pk=org.pk).update(path=org.path, depth=org.depth)
        return org


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    clearance = "none"
    organization = factory.SubFactory(OrganizationFactory)
    password = factory.PostGenerationMethodCall("set_password", "Mat-khau-2026!")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        if not create:
            return
        self.save()
        for role in extracted if extracted is not None else ["specialist"]:
            Position.objects.create(user=self, organization=self.organization, role=role)


def tiny_pdf(marker: bytes | str = b"") -> bytes:
    """A minimal valid one-page PDF for tests that upload "some file": uploads take only the
    accepted types, read from the bytes (docs/capture.md). ``marker`` is kept readable in the
    bytes (the document's /Subject, uncompressed), so that different markers give different
    files and a test can still find its marker in what it downloads; the same marker gives the
    same bytes."""
    import io

    import pikepdf

    text = marker.decode() if isinstance(marker, bytes) else marker
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    if text:
        pdf.docinfo["/Subject"] = text
    out = io.BytesIO()
    pdf.save(
        out,
        static_id=True,
        compress_streams=False,
        object_stream_mode=pikepdf.ObjectStreamMode.disable,
    )
    return out.getvalue()
