"""The organisation's seal image: set by its administrator only, checked, audited; the
organisation's own image comes before the installation's setting."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.signatures.conftest import png, seal_png
from vanthu.audit.models import Event
from vanthu.signatures.models import SealImage
from vanthu.signatures.seals import seal_for, set_seal_image

pytestmark = pytest.mark.django_db


def test_the_administrator_sets_the_seal_and_it_comes_before_the_setting(
    people: Any, city: Any, seal_file: Path
) -> None:
    assert seal_for(city.tu) == (seal_file.read_bytes(), 36.0)
    from PIL import Image

    own = png(Image.new("RGBA", (200, 200), (200, 0, 0, 255)))
    set_seal_image(actor=people.admin, organization=city.tu, png=own, diameter_mm=Decimal(40))
    assert seal_for(city.tu) == (own, 40.0)
    event = Event.objects.get(action="signatures.seal.set")
    assert event.organization_id == city.tu.pk and event.details["diameter_mm"] == "40"


def test_others_and_bad_images_are_refused_and_nothing_is_kept(people: Any, city: Any) -> None:
    for user in (people.clerk, people.specialist):
        with pytest.raises(PermissionDenied):
            set_seal_image(actor=user, organization=city.tu, png=seal_png())
    with pytest.raises(ValidationError) as bad:
        set_seal_image(actor=people.admin, organization=city.tu, png=b"GIF89a")
    assert "không đọc được" in bad.value.message_dict["png"][0]
    with pytest.raises(ValidationError) as size:
        set_seal_image(
            actor=people.admin, organization=city.tu, png=seal_png(), diameter_mm=Decimal(5)
        )
    assert "10 đến 80" in size.value.message_dict["diameter_mm"][0]
    assert not SealImage.objects.exists()
    assert not Event.objects.filter(action="signatures.seal.set").exists()
    assert seal_for(city.tu) is None


def test_the_admin_form_uploads_a_seal(people: Any, city: Any, make_user: Any) -> None:
    admin = make_user(username="su", organization=city.tu, roles=["admin"], is_staff=True,
                      is_superuser=True)  # fmt: skip
    client = Client()
    client.force_login(admin)
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = "/admin/signatures/sealimage/add/"
    bad = client.post(url, {"organization": city.tu.pk, "diameter_mm": "36",
                            "upload": SimpleUploadedFile("dau.gif", b"GIF89a")})  # fmt: skip
    assert bad.status_code == 200 and "PNG" in bad.content.decode()
    assert not SealImage.objects.exists()
    good = client.post(url, {"organization": city.tu.pk, "diameter_mm": "36",
                             "upload": SimpleUploadedFile("dau.png", seal_png())})  # fmt: skip
    assert good.status_code == 302, good.content.decode()[:2000]
    assert seal_for(city.tu) == (seal_png(), 36.0)
