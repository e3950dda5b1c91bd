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
