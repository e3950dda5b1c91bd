"""The archivist's pages and printed PDFs: they answer, and never leak to an outsider."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from tests.archive.test_holdings import accepted, shelf_and_box
from tests.records.conftest import Office, client_for
from vanthu.orgs.models import User


def web(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_archive_page_and_pdfs(office: Office, make_user: Callable[..., User]) -> None:
    # A cleared user must enrol a second factor before any page (docs/security.md); this
    # archivist holds no clearance so that the page itself is what is tested.
    reader = make_user(username="luutru2", organization=office.org, roles=["archivist"])
    dossier = accepted(office)
    transfer = dossier.transfer_items.get().transfer
    box = shelf_and_box(office)
    page = web(reader).get("/luu-tru/")
    assert page.status_code == 200
    assert "Lưu trữ hiện hành" in page.content.decode() and "01" in page.content.decode()
    for url in (
        f"/luu-tru/nop-luu/{transfer.pk}/muc-luc.pdf",
        f"/luu-tru/nop-luu/{transfer.pk}/bien-ban.pdf",
        f"/luu-tru/hop/{box.pk}/nhan.pdf",
    ):
        answer = web(reader).get(url)
        assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
        assert web(office.outsider).get(url).status_code == 404
    outsider_page = web(office.outsider).get("/luu-tru/").content.decode()
    assert transfer.title not in outsider_page
    api = client_for(office.archivist).get(f"/api/v1/transfers/{transfer.pk}/list.pdf")
    assert api.status_code == 200
    assert (
        client_for(office.outsider).get(f"/api/v1/transfers/{transfer.pk}/handover.pdf").status_code
        == 404
    )
