"""Dossier suggestions: the file-plan heading and retention, from the office's own dossiers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.suggest.conftest import Office, client_for, today
from vanthu.records import services as records
from vanthu.records.models import Dossier
from vanthu.suggest import services

pytestmark = pytest.mark.django_db

PERSONNEL = [
    "Hồ sơ phát triển đảng viên",
    "Hồ sơ đánh giá, xếp loại đảng viên",
    "Hồ sơ quy hoạch cán bộ",
    "Hồ sơ luân chuyển cán bộ",
]
ECONOMY = [
    "Hồ sơ báo cáo kinh tế - xã hội",
    "Hồ sơ thu chi ngân sách",
    "Hồ sơ đầu tư công",
    "Hồ sơ kế hoạch phát triển kinh tế",
]


def _last_year_plan(office: Office) -> None:
    """Last year's approved file plan, with a dossier opened from each item."""
    year = today().year - 1
    plan = records.create_file_plan(actor=office.clerk, organization=office.org, year=year)
    tc = records.add_heading(
        actor=office.clerk, plan=plan, title="Công tác tổ chức", abbreviation="TC"
    )
    kt = records.add_heading(
        actor=office.clerk, plan=plan, title="Kinh tế - xã hội", abbreviation="KT"
    )
    items = [
        records.add_plan_item(actor=office.clerk, heading=tc, title=t, retention_code="01")
        for t in PERSONNEL
    ]
    items += [
        records.add_plan_item(actor=office.clerk, heading=kt, title=t, retention_code="06")
        for t in ECONOMY
    ]
    records.approve_file_plan(actor=office.leader_a, plan=plan)
    for item in items:
        records.create_dossier(
            actor=office.clerk, organization=office.org, data={"plan_item": item}
        )


def _get(user: Any, dossier: Dossier) -> Any:
    return client_for(user).get(f"/api/v1/dossiers/{dossier.pk}/suggestions/")


def test_heading_and_retention_are_learnt_from_the_file_plan(office: Office) -> None:
    _last_year_plan(office)
    trained = services.train(organization=office.org)
    assert trained is not None and trained.dossier_examples == len(PERSONNEL) + len(ECONOMY)
    new = records.create_dossier(
        actor=office.clerk,
        organization=office.org,
        data={"code": "09.X", "title": "Hồ sơ phát triển đảng viên mới", "year": today().year},
    )
    response = _get(office.clerk, new)
    assert response.status_code == 200, response.content
    s = response.json()["suggestions"]
    assert s["heading"]["top"][0]["value"]["title"] == "Công tác tổ chức"
    assert s["retention"]["top"][0]["value"] == {"retention_code": "01", "retention_years": None}
    assert s["retention"]["top"][0]["text"] == "Vĩnh viễn"
    assert s["heading"]["explanation"].startswith("Vì ")
    other = records.create_dossier(
        actor=office.clerk,
        organization=office.org,
        data={"code": "10.X", "title": "Hồ sơ thu chi ngân sách quý", "year": today().year},
    )
    s2 = _get(office.clerk, other).json()["suggestions"]
    assert s2["heading"]["top"][0]["value"]["title"] == "Kinh tế - xã hội"
    assert s2["retention"]["top"][0]["value"] == {"retention_code": "06", "retention_years": 10}


def test_without_a_model_there_is_nothing_and_outsiders_get_404(office: Office) -> None:
    new = records.create_dossier(
        actor=office.clerk,
        organization=office.org,
        data={"code": "09.X", "title": "Hồ sơ phát triển đảng viên", "year": today().year},
    )
    response = _get(office.clerk, new)
    assert response.status_code == 200
    assert response.json()["model"] is None and response.json()["suggestions"] == {}
    assert _get(office.outsider, new).status_code == 404
    assert client_for(office.clerk).get("/api/v1/dossiers/999999/suggestions/").status_code == 404
