import datetime
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from measures.fiscal_years import fiscal_year_display
from measures.models import Evaluation, MeasureDepartment, Plan, Round
from measures.plan_files.importing import PlanImportError, import_plan_document
from measures.round.services import open_round
from municipalities.models import Membership, Municipality
from municipalities.population import apply_population
from municipalities.services import create_staff_user
from public.reports.presets import apply_own_presets

DEMO_PASSWORD = "demo-2026"


class Command(BaseCommand):
    help = "fixtures/ の5市のデータを取り込み、デモ用アカウントを作成して一覧を表示します。"

    def add_arguments(self, parser):
        parser.add_argument("--fixtures", type=Path, default=Path(settings.BASE_DIR) / "fixtures")

    def handle(self, *args, fixtures: Path, **options):
        files = sorted(fixtures.glob("*.json"))
        if not files:
            raise CommandError(f"{fixtures} に計画ファイルがありません。")
        for path in files:
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
                # One transaction per city: the reports' PDFs are written when it commits,
                # in the layouts of the city's own document.
                with transaction.atomic():
                    summary = import_plan_document(document, publish=True)
                    layouts = apply_own_presets(summary.plan)
            except PlanImportError as error:
                raise CommandError(f"{path.name}: {error}") from error
            self.stdout.write(f"取り込み: {path.name} → {summary.plan}")
            if layouts:
                self.stdout.write(f"  進捗報告の様式: {'、'.join(str(x) for x in layouts)}")
        self.stdout.write(f"人口を設定: {apply_population()}団体（令和2年国勢調査）")
        admin = self.create_admin()
        self.open_rounds(admin)
        accounts = self.create_accounts()
        self.stdout.write("")
        self.stdout.write(f"デモ用アカウント（パスワードはすべて {DEMO_PASSWORD}）")
        for username, description in accounts:
            self.stdout.write(f"  {username:<28} {description}")

    def create_admin(self):
        user_model = get_user_model()
        admin = user_model.objects.filter(username="admin").first() or user_model(username="admin")
        admin.is_staff = admin.is_superuser = True
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        return admin

    def open_rounds(self, admin) -> None:
        """Open a round for every plan: its first year with no results yet, so that the demo's
        department staff have entries to fill in.

        A plan whose every year has results (南アルプス市's file reports the one year its
        period holds) is continued by one year in the demo database only, so that its round
        can be walked through too, with last year's results beside the form."""
        deadline = timezone.localdate() + datetime.timedelta(days=30)
        for plan in Plan.objects.order_by("municipality__code"):
            if plan.rounds.exists():
                continue
            done = set(
                Evaluation.objects.filter(measure__plan=plan).values_list("fiscal_year", flat=True)
            )
            year = next((y for y in plan.fiscal_years if y not in done), None)
            if year is None:
                year = plan.last_fiscal_year + 1
                plan.last_fiscal_year = year
                plan.full_clean()
                plan.save(update_fields=["last_fiscal_year"])
                self.stdout.write(
                    f"デモ用に計画期間を延長: {plan} {fiscal_year_display(year)}まで"
                    "（取り込んだ資料の全年度に実績があるため）"
                )
            open_round(plan=plan, fiscal_year=year, deadline=deadline, by=admin)
            self.stdout.write(
                f"受付開始: {plan} {fiscal_year_display(year)}（期限 {deadline:%Y-%m-%d}）"
            )

    def create_accounts(self) -> list[tuple[str, str]]:
        """admin, and per municipality its reform office and one staff account for each lead
        department with entries in an open round (`<slug>-staff`, `<slug>-staff-2`, …, in the
        order of the departments' first measures)."""
        accounts = [("admin", "システム管理者（全自治体）")]
        password_hash = make_password(DEMO_PASSWORD)  # one hash for every demo account
        open_round_of_entry = Round.objects.filter(
            plan_id=OuterRef("measure__plan_id"),
            fiscal_year=OuterRef("fiscal_year"),
            status=Round.Status.OPEN,
        )
        open_entries = Evaluation.objects.filter(Exists(open_round_of_entry))
        for municipality in Municipality.objects.order_by("code"):
            create_staff_user(
                username=f"{municipality.slug}-office",
                password_hash=password_hash,
                municipality=municipality,
                role=Membership.Role.REFORM_OFFICE,
                display_name=f"{municipality.name} 行政改革担当",
            )
            accounts.append((f"{municipality.slug}-office", f"{municipality.name} 行政改革担当"))
            links = (
                MeasureDepartment.objects.filter(
                    measure__plan__municipality=municipality,
                    role=MeasureDepartment.Role.LEAD,
                    measure__in=open_entries.values("measure_id"),
                )
                .select_related("department")
                .order_by("measure__plan_id", "measure__order", "order", "pk")
            )
            departments = list(dict.fromkeys(link.department for link in links))
            for number, department in enumerate(departments, start=1):
                username = f"{municipality.slug}-staff" + (f"-{number}" if number > 1 else "")
                create_staff_user(
                    username=username,
                    password_hash=password_hash,
                    municipality=municipality,
                    role=Membership.Role.DEPARTMENT_STAFF,
                    departments=[department],
                    display_name=f"{municipality.name} {department.name}",
                )
                accounts.append((username, f"{municipality.name} {department.name} 職員"))
        return accounts
