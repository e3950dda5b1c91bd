"""Suggestions learnt from the office's own history: what they say, who sees them, accepting."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.suggest.conftest import Office, client_for, today
from vanthu.audit.models import Event
from vanthu.core.workdays import add_working_days
from vanthu.records.models import DossierDocument
from vanthu.registry.models import Assignment, Document, Status
from vanthu.suggest import services
from vanthu.suggest.models import TrainedModel

pytestmark = pytest.mark.django_db


def _get(user: Any, pk: int) -> dict[str, Any]:
    response = client_for(user).get(f"/api/v1/incoming/{pk}/suggestions/")
    assert response.status_code == 200, response.content
    return response.json()


def test_without_a_model_nothing_is_shown(office: Office) -> None:
    doc = office.register("Hướng dẫn phát triển đảng viên", sender="Ban Tổ chức", code="HD")
    data = _get(office.clerk, doc.pk)
    assert data["model"] is None
    assert not any(s["shown"] for s in data["suggestions"].values())
    assert data["applicable"] == []


def test_too_little_history_trains_nothing(office: Office) -> None:
    office.personnel(PERSONNEL_ONE)
    assert services.train(organization=office.org) is None
    assert not TrainedModel.objects.exists()


PERSONNEL_ONE = "Hướng dẫn công tác phát triển đảng viên năm nay"


def test_the_office_routing_is_learnt_and_explained(office: Office) -> None:
    office.build_history()
    trained = services.train(organization=office.org)
    assert trained is not None and trained.incoming_examples == 24
    doc = office.register(
        "Hướng dẫn phát triển đảng viên là công nhân", sender="Ban Tổ chức Trung ương", code="HD"
    )
    s = _get(office.clerk, doc.pk)["suggestions"]
    assert s["leader"]["shown"] and s["leader"]["value"] == str(office.leader_a.pk)
    assert s["lead"]["value"] == str(office.cv_tc.pk)
    assert s["support"]["values"] == [str(office.cv_ph.pk)]
    assert s["deadline"]["value"] == add_working_days(today(), 10).isoformat()
    assert s["dossier"]["value"] == str(office.dossier_tc.pk)
    assert "Ban Tổ chức Trung ương" in s["leader"]["explanation"]
    assert s["leader"]["explanation"].startswith("Vì ")
    assert s["leader"]["confidence"] >= 0.6
    # The other kind of mail goes elsewhere: the model did not learn one answer for all.
    other = office.register(
        "Báo cáo tình hình kinh tế - xã hội tháng", sender="Ủy ban nhân dân thành phố", code="BC"
    )
    s2 = _get(office.clerk, other.pk)["suggestions"]
    assert s2["leader"]["value"] == str(office.leader_b.pk)
    assert s2["lead"]["value"] == str(office.cv_kt.pk)
    assert s2["dossier"]["value"] == str(office.dossier_kt.pk)
    assert not s2["support"]["shown"]


def test_clerk_accepts_presenting_and_filing_in_one_request(office: Office) -> None:
    office.build_history()
    services.train(organization=office.org)
    doc = office.register(PERSONNEL_ONE, sender="Ban Tổ chức Trung ương", code="HD")
    data = _get(office.clerk, doc.pk)
    assert data["applicable"] == ["leader", "dossier"]
    response = client_for(office.clerk).post(
        f"/api/v1/incoming/{doc.pk}/suggestions/accept/",
        {"targets": data["applicable"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"applied": ["leader", "dossier"]}
    doc.refresh_from_db()
    assert doc.directed_by == office.leader_a and doc.status == Status.AWAITING_DIRECTION
    assert DossierDocument.objects.filter(document=doc, dossier=office.dossier_tc).exists()
    assert Event.objects.filter(action="suggest.accept", object_id=str(doc.pk)).count() == 1
    # The leader then accepts the bút phê the same way.
    assert _get(office.leader_a, doc.pk)["applicable"] == ["assign"]
    response = client_for(office.leader_a).post(
        f"/api/v1/incoming/{doc.pk}/suggestions/accept/", {"targets": ["assign"]}, format="json"
    )
    assert response.status_code == 200, response.content
    lead = Assignment.objects.get(document=doc, role=Assignment.Role.LEAD)
    assert lead.user == office.cv_tc and lead.deadline == add_working_days(today(), 10)
    support = Assignment.objects.filter(document=doc, role=Assignment.Role.SUPPORT)
    assert [a.user for a in support] == [office.cv_ph]


@pytest.mark.parametrize(
    ("targets", "field"),
    [([], "targets"), (["nonsense"], "targets"), (["assign"], "targets"), ("leader", "targets")],
)
def test_bad_accept_is_refused_and_changes_nothing(
    office: Office, targets: Any, field: str
) -> None:
    office.build_history(rounds=1)
    services.train(organization=office.org)
    doc = office.register(PERSONNEL_ONE, sender="Ban Tổ chức Trung ương", code="HD")
    events = Event.objects.count()
    response = client_for(office.clerk).post(
        f"/api/v1/incoming/{doc.pk}/suggestions/accept/", {"targets": targets}, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    doc.refresh_from_db()
    assert doc.status == Status.NEW and doc.directed_by is None
    assert not DossierDocument.objects.filter(document=doc).exists()
    assert Event.objects.count() == events


def test_accept_without_a_confident_suggestion_is_refused(office: Office) -> None:
    doc = office.register(PERSONNEL_ONE, sender="Ban Tổ chức Trung ương", code="HD")
    response = client_for(office.clerk).post(
        f"/api/v1/incoming/{doc.pk}/suggestions/accept/", {"targets": ["leader"]}, format="json"
    )
    assert response.status_code == 400
    assert "tin cậy" in response.json()["targets"][0]
    doc.refresh_from_db()
    assert doc.directed_by is None


def test_a_document_the_user_may_not_see_is_404(office: Office, settings: Any) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    office.build_history(rounds=1)
    services.train(organization=office.org)
    doc = office.register(PERSONNEL_ONE, sender="Ban Tổ chức Trung ương", code="HD")
    secret = office.register(
        PERSONNEL_ONE, sender="Ban Tổ chức Trung ương", code="HD", secrecy="secret"
    )
    for user, pk in ((office.outsider, doc.pk), (office.junior, secret.pk)):
        client = client_for(user)
        assert client.get(f"/api/v1/incoming/{pk}/suggestions/").status_code == 404
        accept = client.post(
            f"/api/v1/incoming/{pk}/suggestions/accept/", {"targets": ["leader"]}, format="json"
        )
        assert accept.status_code == 404
        web = Client()
        web.force_login(user)
        assert web.get(f"/van-ban/goi-y/den/{pk}/").status_code == 404
        assert (
            web.post(f"/van-ban/goi-y/den/{pk}/ap-dung/", {"targets": "leader"}).status_code == 404
        )
    assert Document.objects.get(pk=secret.pk).directed_by is None


def test_classified_documents_never_change_what_an_uncleared_user_is_told(
    office: Office,
) -> None:
    """The marker word of classified documents routed elsewhere must not move a suggestion."""
    office.build_history(rounds=1)
    services.train(organization=office.org)
    marker = "Hướng dẫn phát triển đảng viên theo phương án Sao Khuê"
    probe = office.register(marker, sender="Ban Tổ chức Trung ương", code="HD")
    before = _get(office.junior, probe.pk)
    # Many classified documents with the marker words, all handled the other way.
    secret_ids = []
    for i in range(12):
        d = office.register(
            f"Phương án Sao Khuê số {i}",
            sender="Ban Tổ chức Trung ương",
            code="HD",
            secrecy="secret",
        )
        office.handle(
            d, leader=office.leader_b, lead=office.cv_kt, support=[], days=3, dossier=None
        )
        secret_ids.append(d.pk)
    trained = services.train(organization=office.org)
    assert trained is not None and trained.incoming_examples == 12
    after = _get(office.junior, probe.pk)
    assert after["suggestions"] == before["suggestions"]
    assert after["suggestions"]["leader"]["value"] == str(office.leader_a.pk)
    # Not even a cleared clerk is told anything learnt from them.
    cleared = _get(office.clerk, probe.pk)["suggestions"]
    assert cleared == before["suggestions"]
    named = {i for s in cleared.values() for i in s["examples"]}
    assert named and not named & set(secret_ids)


def test_training_job_runs_per_organisation(office: Office) -> None:
    from django.db import transaction

    from vanthu.core import jobs
    from vanthu.core.models import Job, JobStatus

    office.build_history(rounds=1)
    with transaction.atomic():
        jobs.enqueue("suggest.train_all", {}, dedupe_key="suggest.train_all")
        bad = jobs.enqueue("suggest.train", {"organization_id": "x"})
    jobs.run_pending()
    assert TrainedModel.objects.get(organization=office.org).incoming_examples == 12
    assert Job.objects.get(pk=bad.pk).status == JobStatus.FAILED
    done = Job.objects.get(kind="suggest.train", payload__organization_id=office.org.pk)
    assert done.status == JobStatus.DONE and done.result["trained"] is True


def test_a_tampered_model_file_is_not_loaded(office: Office) -> None:
    office.build_history(rounds=1)
    trained = services.train(organization=office.org)
    assert trained is not None
    path = services.model_dir() / trained.file_name
    path.write_bytes(path.read_bytes() + b"x")
    services._cache.clear()
    doc = office.register(PERSONNEL_ONE, sender="Ban Tổ chức Trung ương", code="HD")
    data = _get(office.clerk, doc.pk)
    assert not any(s["shown"] for s in data["suggestions"].values())
