"""The archivist's pages and printed PDFs: they answer, and never leak to an outsider."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.test import Client

from tests.archive.test_disposal import expired
from tests.archive.test_holdings import accepted, shelf_and_box
from tests.archive.test_transfer import closed
from tests.records.conftest import Office, client_for
from vanthu.orgs.models import User
from vanthu.records import services as records


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
    assert "Lưu trữ hiện hành" in page.content.decode()
    holdings = web(reader).get("/luu-tru/phan/kho/").content.decode()
    assert "Hộp số 01" in holdings
    for url in (
        f"/luu-tru/nop-luu/{transfer.pk}/muc-luc.pdf",
        f"/luu-tru/nop-luu/{transfer.pk}/bien-ban.pdf",
        f"/luu-tru/hop/{box.pk}/nhan.pdf",
    ):
        answer = web(reader).get(url)
        assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
        assert web(office.outsider).get(url).status_code == 404
    assert transfer.title in web(reader).get("/luu-tru/phan/nop-luu/").content.decode()
    outsider_page = web(office.outsider).get("/luu-tru/phan/nop-luu/").content.decode()
    assert transfer.title not in outsider_page
    api = client_for(office.archivist).get(f"/api/v1/transfers/{transfer.pk}/list.pdf")
    assert api.status_code == 200
    assert (
        client_for(office.outsider).get(f"/api/v1/transfers/{transfer.pk}/handover.pdf").status_code
        == 404
    )


SECTIONS = ("den-han", "nop-luu", "kho", "giu-lai", "huy", "khai-thac")


def test_the_page_loads_each_section_on_its_own(office: Office, settings: Any) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    page = web(office.archivist).get("/luu-tru/").content.decode()
    for anchor in SECTIONS:
        # One placeholder per section, fetched by htmx when the page loads.
        assert f'id="{anchor}" hx-get="/luu-tru/phan/{anchor}/" hx-trigger="load"' in page
    for anchor in SECTIONS:
        answer = web(office.archivist).get(f"/luu-tru/phan/{anchor}/")
        assert answer.status_code == 200, anchor
        assert "<html" not in answer.content.decode()  # a fragment, not a page


def test_sections_show_only_what_the_user_may_see(office: Office, settings: Any) -> None:
    settings.VANTHU_OTP_REQUIRED_CLEARANCE = ""
    open_one = closed(office, "01.VP", ended=datetime.date(2025, 6, 20))
    secret = office.dossier(code="02.VP", title="Hồ sơ nhân sự mật")
    records.add_document(
        actor=office.clerk,
        dossier=secret,
        document=office.document(secrecy="secret", issued=datetime.date(2025, 6, 21)),
    )
    records.close_dossier(actor=office.clerk, dossier=secret)
    old = expired(office, "03.VP")
    due = web(office.clerk).get("/luu-tru/phan/den-han/").content.decode()
    assert open_one.title in due and "Hồ sơ nhân sự mật" in due
    hidden = web(office.specialist).get("/luu-tru/phan/den-han/").content.decode()
    assert "01.VP" in hidden and "Hồ sơ nhân sự mật" not in hidden
    review = web(office.archivist).get("/luu-tru/phan/huy/").content.decode()
    assert f'value="{old.pk}"' in review
    for anchor in SECTIONS:
        text = web(office.outsider).get(f"/luu-tru/phan/{anchor}/").content.decode()
        assert "01.VP" not in text and "03.VP" not in text and "nhân sự mật" not in text
        anonymous = Client().get(f"/luu-tru/phan/{anchor}/")
        assert anonymous.status_code == 302 and "VP" not in anonymous.content.decode()
