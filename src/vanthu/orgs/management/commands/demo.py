"""``vanthu demo [--full]``: seed a city committee hierarchy, users and sample documents.

Idempotent: what exists (by code, username, term start, documents of an organisation) is left
alone, so a second run changes nothing. Everything goes through the services, as a user would.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib.util
import time
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from vanthu.audit.services import record
from vanthu.core.enums import Clearance, OrgKind, Role
from vanthu.orgs import demo_data as data
from vanthu.orgs import demo_history as rules
from vanthu.orgs import services
from vanthu.orgs.models import DocumentType, Organization, Term, User

# 200 documents per organisation, most of them incoming: the handled history the suggestions
# learn from (docs/demo.md).
INCOMING_PER_ORG = 160
OUTGOING_PER_ORG = 40
# The history leaves the newest incoming mail of each organisation in the clerk's queue (not
# yet presented) and the few before it on the leader's desk (presented, not yet directed).
UNHANDLED = 4
WAITING = 4
DONE_SHARE = 0.85


@contextlib.contextmanager
def _clock(moment: datetime.datetime) -> Iterator[None]:
    """Run the services as if it were ``moment``: the history is written when it happened
    (dates in the audit trail, deadlines checked against that day). Only ``timezone.now`` is
    moved, and only inside this block of this command."""
    real = timezone.now
    utc = moment.astimezone(datetime.UTC)  # as Django's own clock gives it (USE_TZ)
    timezone.now = lambda: utc
    try:
        yield
    finally:
        timezone.now = real


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu: Thành ủy, các đảng bộ trực thuộc, người dùng, văn bản."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--full", action="store_true", help="đủ 2.820 tổ chức cơ sở đảng (chậm hơn)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        # One hash for the one published password of every demo account: hashing it per
        # account (PBKDF2, about half a second of CPU each) was a third of the demo's time.
        self.password_hash = make_password(data.DEMO_PASSWORD)
        self.created = {"org": 0, "user": 0, "term": 0, "doc": 0, "history": 0}
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
        # The Văn phòng's specialists handle the city committee's mail too.
        for username, full_name, clearance, title in rules.SPECIALISTS:
            self._user(
                admin, username, full_name, orgs["VPTU"], [Role.SPECIALIST], clearance, title
            )
            specialist = User.objects.get(username=username)
            if not specialist.positions.filter(organization=city).exists():
                services.set_positions(
                    actor=admin, user=specialist, organization=city, roles=[Role.SPECIALIST]
                )
        documents = self._documents(clerk, [city, orgs["VPTU"]])
        history = self._history(clerk, [city, orgs["VPTU"]])
        self._summary(time.monotonic() - started, documents, history)

    # --- building blocks, each a no-op when the thing exists ---------------------------------

    def _superuser(self) -> User:
        admin = User.objects.filter(username="admin").first()
        if admin is not None:
            return admin
        with transaction.atomic():
            admin = User.objects.create_superuser(
                username="admin",
                email="",
                password=None,  # the shared hash is set below
                full_name="Quản trị hệ thống",
                clearance=Clearance.TOP_SECRET,
            )
            admin.password = self.password_hash
            admin.save(update_fields=["password"])
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
            password_hash=self.password_hash,
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

        for entry in demo_documents.incoming(INCOMING_PER_ORG, seed, now):
            entry["document_type"] = types[entry["document_type"]]
            registry.register_incoming(actor=clerk, organization=org, data=entry)
            self.created["doc"] += 1
        recipients = [o for o in organizations if o.pk != org.pk]
        for entry in demo_documents.outgoing(OUTGOING_PER_ORG, seed):
            entry["document_type"] = types[entry["document_type"]]
            entry["recipients"] = [{"organization": o} for o in recipients]
            entry["recipients"].append({"name": "Lưu: VT"})
            draft = registry.create_outgoing(actor=clerk, organization=org, data=entry)
            registry.issue_outgoing(actor=clerk, document=draft)
            self.created["doc"] += 1

    # --- the handled history (trình, bút phê, lập hồ sơ, hoàn thành), then the suggestions ---

    def _history(self, clerk: User, organizations: list[Organization]) -> str:
        """A year-by-year file plan with open dossiers, and the older incoming mail handled as
        the office would (``demo_history`` rules), each step through the services at the time
        it would have happened; then the suggestion models learn it. Skipped for an
        organisation that has a file plan already (so a second run changes nothing)."""
        if importlib.util.find_spec("vanthu.suggest.services") is None:
            return "bỏ qua (chưa có phân hệ gợi ý)"
        from vanthu.records.models import FilePlan
        from vanthu.registry.models import Document, Status
        from vanthu.suggest import services as suggest

        now = timezone.now()
        for seed, org in enumerate(organizations):
            if FilePlan.objects.filter(organization=org).exists():
                continue
            if not Document.objects.filter(organization=org).exists():
                continue
            try:
                with transaction.atomic():  # the whole history of an organisation, or none
                    self._history_of(clerk, org, now, seed)
            except (ValidationError, PermissionDenied, KeyError) as exc:
                raise CommandError(
                    f"Không tạo được lịch sử xử lý mẫu của {org.name} (không lưu gì): {exc}"
                ) from exc
            self.created["history"] += 1
            suggest.train(organization=org)
        handled = Document.objects.filter(organization__in=organizations).exclude(status=Status.NEW)
        return str(handled.filter(direction="incoming").count())

    def _history_of(
        self, clerk: User, org: Organization, now: datetime.datetime, seed: int
    ) -> None:
        import random

        from vanthu.core.workdays import add_working_days
        from vanthu.records import services as records
        from vanthu.registry.models import Direction, Document, Status

        rng = random.Random(100 + seed)  # noqa: S311 (repeatable sample data, not secrets)
        users = {u.username: u for u in User.objects.filter(is_active=True)}
        office = org.code != data.CITY["code"]
        head = users[rules.OFFICE_LEADER if office else "lanhdao"]
        docs = list(
            Document.objects.filter(
                organization=org,
                direction=Direction.INCOMING,
                status=Status.NEW,
            )
            .select_related("document_type")
            .order_by("received_at", "pk")
        )[:-UNHANDLED]
        if not docs:
            return
        # Every step of every document (and each year's file plan), done in the order they
        # happened.
        first = timezone.localtime(docs[0].received_at).year
        steps: list[tuple[datetime.datetime, int, str, Any, Any]] = [
            (timezone.make_aware(datetime.datetime(year, 1, 1, 7, 0)), -1, "plan", head, year)
            for year in range(first, timezone.localdate().year + 1)
        ]
        dossiers: dict[tuple[int, str], Any] = {}
        for n, doc in enumerate(docs):
            received: datetime.datetime = doc.received_at  # type: ignore[assignment]
            entry = {
                "sender": doc.sender,
                "summary": doc.summary,
                "document_type": doc.document_type.code,
                "urgency": doc.urgency,
            }
            classified = doc.secrecy != "none"
            if classified or doc.sender not in rules.LEADERS:
                r = rules.Route(
                    rules.LEADERS.get(doc.sender, "lanhdao"),
                    rules.CLASSIFIED_LEAD,
                    None,
                    "",
                    rules.DEADLINE_BY_TYPE.get(entry["document_type"], 5),
                )
            else:
                r = rules.route(entry, rng)
            if office:
                r = rules.Route(rules.OFFICE_LEADER, r.lead, r.support, r.dossier, r.days)
            at = received + datetime.timedelta(minutes=rng.randint(30, 180))
            steps.append((at, n, "present", doc, r))
            if n >= len(docs) - WAITING:
                continue  # still on the leader's desk
            at += datetime.timedelta(minutes=rng.randint(60, 360))
            due = add_working_days(timezone.localtime(received).date(), r.days)
            steps.append((at, n, "assign", doc, (r, due)))
            if r.dossier:
                key = (timezone.localtime(received).year, r.dossier)
                filed = at + datetime.timedelta(minutes=rng.randint(10, 90))
                steps.append((filed, n, "file", doc, key))
            if rng.random() < DONE_SHARE:
                end = timezone.make_aware(datetime.datetime.combine(due, datetime.time(16, 30)))
                done = at + (end - at) * rng.uniform(0.3, 1.0)
                if done < now:
                    steps.append((done, n, "complete", doc, r))
        steps.sort(key=lambda s: (s[0], s[1]))
        for at, _n, kind, doc, arg in steps:
            with _clock(at):
                if kind == "plan":
                    dossiers |= self._plan(clerk, doc, org, arg, first)
                elif kind == "file":
                    records.add_document(actor=clerk, dossier=dossiers[arg], document=doc)
                else:
                    self._step(clerk, users, kind, doc, arg)

    def _step(self, clerk: User, users: dict[str, User], kind: str, doc: Any, arg: Any) -> None:
        from vanthu.registry import services as registry

        if kind == "present":
            registry.present(actor=clerk, document=doc, leader=users[arg.leader])
        elif kind == "assign":
            route, due = arg
            registry.assign(
                actor=users[route.leader],
                document=doc,
                lead=users[route.lead],
                support=[users[route.support]] if route.support else [],
                deadline=due,
            )
        else:
            registry.complete(actor=users[arg.lead], document=doc)

    def _plan(
        self, clerk: User, head: User, org: Organization, year: int, first: int
    ) -> dict[tuple[int, str], Any]:
        """The year's file plan (the first built, the next copied), approved by the head, with
        every planned dossier opened at the start of the year."""
        from vanthu.records import services as records

        if year == first:
            plan = records.create_file_plan(actor=clerk, organization=org, year=year)
            for title, abbreviation, items in rules.FILE_PLAN:
                heading = records.add_heading(
                    actor=clerk, plan=plan, title=title, abbreviation=abbreviation
                )
                for code, item_title, retention, years_kept in items:
                    records.add_plan_item(
                        actor=clerk,
                        heading=heading,
                        title=item_title,
                        code=code,
                        retention_code=retention,
                        retention_years=years_kept,
                    )
        else:
            plan = records.copy_file_plan_from_previous_year(
                actor=clerk, organization=org, year=year
            )
        records.approve_file_plan(actor=head, plan=plan)
        out: dict[tuple[int, str], Any] = {}
        for item in plan.items.order_by("position"):
            dossier = records.create_dossier(
                actor=clerk, organization=org, data={"plan_item": item}
            )
            out[(year, item.code)] = dossier
        return out

    def _summary(self, seconds: float, documents: str, history: str) -> None:
        c = self.created
        grassroots = Organization.objects.filter(kind=OrgKind.GRASSROOTS).count()
        committees = Organization.objects.filter(kind=OrgKind.COMMITTEE).count() - 1
        self.stdout.write(
            f"Đã tạo dữ liệu mẫu trong {seconds:.1f} giây "
            f"(mới: {c['org']} tổ chức, {c['user']} người dùng, {c['term']} nhiệm kỳ, "
            f"{c['doc']} văn bản).\n"
            f"  {data.CITY['name']}: {committees} đảng bộ trực thuộc, "
            f"{grassroots} tổ chức cơ sở đảng, văn bản mẫu: {documents} "
            f"(văn bản đến đã xử lý: {history}).\n"
            f"Đăng nhập (mật khẩu chung: {data.DEMO_PASSWORD}):\n"
            "  admin        quản trị toàn hệ thống\n"
            "  quantri      quản trị Thành ủy (Tối mật)\n"
            "  bithu        Bí thư Thành ủy (Tuyệt mật)\n"
            "  lanhdao      lãnh đạo Thành ủy (Tuyệt mật)\n"
            "  phobithu     Phó Bí thư Thành ủy, Chủ tịch UBND (Tối mật)\n"
            "  lanhdao.vp   Chánh Văn phòng Thành ủy (Tối mật)\n"
            "  vanthu       văn thư Văn phòng Thành ủy và Thành ủy (Tối mật)\n"
            "  chuyenvien   chuyên viên Văn phòng Thành ủy (Mật)\n"
            "  luutru       lưu trữ viên Văn phòng Thành ủy (Mật)\n"
            "  cv.tochuc, cv.kiemtra, cv.tuyengiao, cv.vanphong, cv.kinhte, cv.noichinh\n"
            "               chuyên viên xử lý văn bản đến của Thành ủy và Văn phòng\n"
            "  vanthu.du01 … vanthu.du59   văn thư từng đảng bộ trực thuộc"
        )
