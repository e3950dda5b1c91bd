"""``vanthu demo [--full]``: seed a city committee hierarchy, users and sample documents.

Idempotent: what exists (by code, username, term start, documents of an organisation) is left
alone, so a second run changes nothing. Everything goes through the services, as a user would.
"""

from __future__ import annotations

import datetime
import importlib.util
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from vanthu.audit.services import record
from vanthu.core.enums import Clearance, OrgKind, Role
from vanthu.orgs import demo_data as data
from vanthu.orgs import services
from vanthu.orgs.models import DocumentType, Organization, Term, User

DOCUMENTS_PER_DIRECTION = 100


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu: Thành ủy, các đảng bộ trực thuộc, người dùng, văn bản."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--full", action="store_true", help="đủ 2.820 tổ chức cơ sở đảng (chậm hơn)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        self.created = {"org": 0, "user": 0, "term": 0, "doc": 0}
        admin = self._superuser()
        city = self._org(
            admin,
            data.CITY["code"],
            data.CITY["name"],
            data.CITY["symbol"],
            OrgKind.COMMITTEE,
            None,
        )
        self._term(admin, city, *data.CITY_TERM)
        orgs = {"TU": city}
        for code, name in data.AGENCIES:
            orgs[code] = self._org(admin, code, name, code, OrgKind.AGENCY, city)
        committees = data.subordinate_committees()
        counts = data.grassroots_counts(len(committees), options["full"])
        for index, ((code, name), count) in enumerate(zip(committees, counts, strict=True)):
            with transaction.atomic():
                committee = self._org(admin, code, name, "ĐU", OrgKind.COMMITTEE, city)
                self._term(admin, committee, *data.SUBORDINATE_TERM)
                for g_code, g_name, g_symbol in data.grassroots(code, name, count):
                    self._org(admin, g_code, g_name, g_symbol, OrgKind.GRASSROOTS, committee)
                full_name, clearance = data.committee_clerk(index)
                self._user(
                    admin,
                    f"vanthu.{code.lower()}",
                    full_name,
                    committee,
                    [Role.CLERK],
                    clearance,
                    "Văn thư",
                )
        for username, full_name, org_code, roles, clearance, title in data.CITY_USERS:
            self._user(admin, username, full_name, orgs[org_code], roles, clearance, title)
        clerk = User.objects.get(username="vanthu")
        # The VPTU clerk also keeps the city committee's registers (văn thư cơ quan).
        if not clerk.positions.filter(organization=city, role=Role.CLERK).exists():
            services.set_positions(actor=admin, user=clerk, organization=city, roles=[Role.CLERK])
        documents = self._documents(clerk, [city, orgs["VPTU"]])
        self._summary(time.monotonic() - started, documents)

    # --- building blocks, each a no-op when the thing exists ---------------------------------

    def _superuser(self) -> User:
        admin = User.objects.filter(username="admin").first()
        if admin is not None:
            return admin
        with transaction.atomic():
            admin = User.objects.create_superuser(
                username="admin",
                email="",
                password=data.DEMO_PASSWORD,
                full_name="Quản trị hệ thống",
                clearance=Clearance.TOP_SECRET,
            )
            record(
                action="user.create",
                actor=None,
                obj=admin,
                details={"username": "admin", "superuser": True, "by": "vanthu demo"},
            )
        self.created["user"] += 1
        return admin

    def _org(
        self, admin: User, code: str, name: str, symbol: str, kind: str, parent: Organization | None
    ) -> Organization:
        org = Organization.objects.filter(code=code).first()
        if org is not None:
            return org
        self.created["org"] += 1
        return services.create_organization(
            actor=admin, code=code, name=name, symbol=symbol, kind=kind, parent=parent
        )

    def _term(self, admin: User, org: Organization, name: str, start: Any) -> None:
        if not Term.objects.filter(organization=org, start_date=start).exists():
            services.add_term(actor=admin, organization=org, name=name, start_date=start)
            self.created["term"] += 1

    def _user(
        self,
        admin: User,
        username: str,
        full_name: str,
        org: Organization,
        roles: list[str],
        clearance: str,
        title: str,
    ) -> None:
        if User.objects.filter(username=username).exists():
            return
        services.create_user(
            actor=admin,
            username=username,
            password=data.DEMO_PASSWORD,
            full_name=full_name,
            organization=org,
            roles=roles,
            clearance=clearance,
            position_title=title,
        )
        self.created["user"] += 1

    def _documents(self, clerk: User, organizations: list[Organization]) -> str:
        """Sample register entries through the registry's services, when that app has them."""
        if importlib.util.find_spec("vanthu.registry.services") is None:
            return "bỏ qua (chưa có phân hệ đăng ký văn bản)"
        from vanthu.registry.models import Document

        now = timezone.now()
        types = {t.code: t for t in DocumentType.objects.all()}
        for seed, org in enumerate(organizations):
            if Document.objects.filter(organization=org).exists():
                continue
            with transaction.atomic():  # all of an organisation's samples, or none
                self._documents_of(clerk, org, organizations, types, seed, now)
        return str(Document.objects.filter(organization__in=organizations).count())

    def _documents_of(
        self,
        clerk: User,
        org: Organization,
        organizations: list[Organization],
        types: dict[str, DocumentType],
        seed: int,
        now: datetime.datetime,
    ) -> None:
        from vanthu.orgs import demo_documents
        from vanthu.registry import services as registry

        for entry in demo_documents.incoming(DOCUMENTS_PER_DIRECTION, seed, now):
            entry["document_type"] = types[entry["document_type"]]
            registry.register_incoming(actor=clerk, organization=org, data=entry)
            self.created["doc"] += 1
        recipients = [o for o in organizations if o.pk != org.pk]
        for entry in demo_documents.outgoing(DOCUMENTS_PER_DIRECTION, seed):
            entry["document_type"] = types[entry["document_type"]]
            entry["recipients"] = [{"organization": o} for o in recipients]
            entry["recipients"].append({"name": "Lưu: VT"})
            draft = registry.create_outgoing(actor=clerk, organization=org, data=entry)
            registry.issue_outgoing(actor=clerk, document=draft)
            self.created["doc"] += 1

    def _summary(self, seconds: float, documents: str) -> None:
        c = self.created
        grassroots = Organization.objects.filter(kind=OrgKind.GRASSROOTS).count()
        committees = Organization.objects.filter(kind=OrgKind.COMMITTEE).count() - 1
        self.stdout.write(
            f"Đã tạo dữ liệu mẫu trong {seconds:.1f} giây "
            f"(mới: {c['org']} tổ chức, {c['user']} người dùng, {c['term']} nhiệm kỳ, "
            f"{c['doc']} văn bản).\n"
            f"  {data.CITY['name']}: {committees} đảng bộ trực thuộc, "
            f"{grassroots} tổ chức cơ sở đảng, văn bản mẫu: {documents}.\n"
            f"Đăng nhập (mật khẩu chung: {data.DEMO_PASSWORD}):\n"
            "  admin        quản trị toàn hệ thống\n"
            "  quantri      quản trị Thành ủy (Tối mật)\n"
            "  lanhdao      lãnh đạo Thành ủy (Tuyệt mật)\n"
            "  lanhdao.vp   Chánh Văn phòng Thành ủy (Tối mật)\n"
            "  vanthu       văn thư Văn phòng Thành ủy và Thành ủy (Tối mật)\n"
            "  chuyenvien   chuyên viên Văn phòng Thành ủy (Mật)\n"
            "  luutru       lưu trữ viên Văn phòng Thành ủy (Mật)\n"
            "  vanthu.du01 … vanthu.du59   văn thư từng đảng bộ trực thuộc"
        )
