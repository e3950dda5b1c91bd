"""REST calls of the holdings: fonds, kho/giá/hộp, archival numbers, giữ lại."""

from __future__ import annotations

import datetime

from tests.archive.test_holdings import accepted
from tests.archive.test_transfer import closed
from tests.records.conftest import Office, client_for
from vanthu.archive import services
from vanthu.archive.models import ArchivalUnit, Fonds, HeldBack, StorageLocation


def test_fonds_create_list_and_field_errors(office: Office) -> None:
    api = client_for(office.archivist)
    made = api.post(
        "/api/v1/fonds/", {"kind": "party", "code": "P01", "name": "Phông VPTU"}, format="json"
    )
    assert made.status_code == 201, made.content
    assert made.json()["organization"] == office.org.pk
    bad = api.post("/api/v1/fonds/", {"kind": "x", "code": "", "name": ""}, format="json")
    assert bad.status_code == 400
    assert {"kind", "code", "name"} <= set(bad.json())
    assert "Loại phông" in bad.json()["kind"][0]
    again = api.post(
        "/api/v1/fonds/", {"kind": "party", "code": "P02", "name": "Phông 2"}, format="json"
    )
    assert again.status_code == 400 and "đã có phông" in again.json()["kind"][0]
    clerk = client_for(office.clerk).post(
        "/api/v1/fonds/", {"kind": "state", "code": "S1", "name": "NN"}, format="json"
    )
    assert clerk.status_code == 403
    assert Fonds.objects.count() == 1
    assert api.get("/api/v1/fonds/").json()["count"] == 1
    assert client_for(office.outsider).get("/api/v1/fonds/").json()["count"] == 0


def test_locations_tree_and_bad_parent(office: Office) -> None:
    api = client_for(office.archivist)
    store = api.post("/api/v1/storage-locations/", {"kind": "store", "code": "K1"}, format="json")
    assert store.status_code == 201
    shelf = api.post(
        "/api/v1/storage-locations/",
        {"kind": "shelf", "code": "G1", "parent": store.json()["id"]},
        format="json",
    )
    assert shelf.status_code == 201
    # A box straight in a store, a parent that does not exist, a box with no parent.
    for body, field in (
        ({"kind": "box", "code": "01", "parent": store.json()["id"]}, "parent"),
        ({"kind": "box", "code": "01", "parent": 999999}, "parent"),
        ({"kind": "box", "code": "01"}, "parent"),
        ({"kind": "cellar", "code": "01"}, "kind"),
    ):
        answer = api.post("/api/v1/storage-locations/", body, format="json")
        assert answer.status_code == 400 and field in answer.json(), (body, answer.json())
    assert StorageLocation.objects.count() == 2
    boxes = api.get("/api/v1/storage-locations/", {"kind": "shelf"}).json()
    assert [b["code"] for b in boxes["results"]] == ["G1"]
    # Another organisation's shelf is not a parent one can name.
    outsider = client_for(office.outsider).post(
        "/api/v1/storage-locations/",
        {"kind": "box", "code": "09", "parent": shelf.json()["id"]},
        format="json",
    )
    assert outsider.status_code in (400, 403)
    assert StorageLocation.objects.count() == 2


def test_archival_number_through_the_api(office: Office) -> None:
    dossier = accepted(office)
    api = client_for(office.archivist)
    fonds = api.post(
        "/api/v1/fonds/", {"kind": "party", "code": "P01", "name": "Phông"}, format="json"
    ).json()
    body = {"dossier": dossier.pk, "fonds": fonds["id"], "catalogue_number": 1, "file_number": 3}
    made = api.post("/api/v1/archival-units/", body, format="json")
    assert made.status_code == 201 and made.json()["number"] == "P01/ML1/HS3"
    bad = api.post(
        "/api/v1/archival-units/",
        {**body, "catalogue_number": 0, "fonds": 987654},
        format="json",
    )
    assert bad.status_code == 400 and "fonds" in bad.json()
    zero = api.post("/api/v1/archival-units/", {**body, "catalogue_number": 0}, format="json")
    assert zero.status_code == 400 and "catalogue_number" in zero.json()
    assert ArchivalUnit.objects.get().file_number == 3
    other = client_for(office.outsider).post("/api/v1/archival-units/", body, format="json")
    assert other.status_code == 404
    assert client_for(office.outsider).get("/api/v1/archival-units/").json()["count"] == 0


def test_held_back_request_and_decision(office: Office) -> None:
    dossier = closed(office, "01.VP", ended=datetime.date(2025, 6, 20))
    due = services.due_date(dossier)
    assert due is not None
    api = client_for(office.leader)
    too_long = api.post(
        "/api/v1/held-back/",
        {"dossier": dossier.pk, "reason": "Còn dùng", "until": str(due.replace(year=due.year + 3))},
        format="json",
    )
    assert too_long.status_code == 400 and "02 năm" in too_long.json()["until"][0]
    no_date = api.post(
        "/api/v1/held-back/", {"dossier": dossier.pk, "reason": "", "until": "31/12"}, format="json"
    )
    assert no_date.status_code == 400 and "until" in no_date.json()
    assert not HeldBack.objects.exists()
    made = api.post(
        "/api/v1/held-back/",
        {"dossier": dossier.pk, "reason": "Còn dùng", "until": str(due.replace(year=due.year + 1))},
        format="json",
    )
    assert made.status_code == 201
    url = f"/api/v1/held-back/{made.json()['id']}/decide/"
    assert api.post(url, {"approve": True}, format="json").status_code == 403  # own request
    assert (
        client_for(office.outsider).post(url, {"approve": True}, format="json").status_code == 404
    )
    assert client_for(office.tu_head).post(url, {}, format="json").status_code == 400
    assert HeldBack.objects.get().status == "requested"
    decided = client_for(office.tu_head).post(url, {"approve": True}, format="json")
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    foreign = client_for(office.outsider).post(
        "/api/v1/held-back/",
        {"dossier": dossier.pk, "reason": "x", "until": str(due)},
        format="json",
    )
    assert foreign.status_code == 404
    assert HeldBack.objects.count() == 1
