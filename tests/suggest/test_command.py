"""``vanthu train-suggestions``: train now, per organisation."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.suggest.conftest import Office
from vanthu.suggest.models import TrainedModel

pytestmark = pytest.mark.django_db


def test_command_trains_each_organisation_with_history(office: Office) -> None:
    office.build_history(rounds=1)
    out = io.StringIO()
    call_command("train-suggestions", stdout=out)
    assert f"{office.org.code}: học 12 văn bản đến, 0 hồ sơ" in out.getvalue()
    assert TrainedModel.objects.get(organization=office.org).incoming_examples == 12


def test_command_refuses_an_unknown_organisation_and_trains_nothing(office: Office) -> None:
    office.build_history(rounds=1)
    with pytest.raises(CommandError, match="Không có tổ chức: NOPE"):
        call_command("train-suggestions", "--org", "NOPE", stdout=io.StringIO())
    assert not TrainedModel.objects.exists()
