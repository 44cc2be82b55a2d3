import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from measures.importing import PlanImportError, import_plan_document
from measures.models import MeasureDepartment
from municipalities.models import Membership, Municipality
from municipalities.services import create_staff_user

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
                summary = import_plan_document(document, publish=True)
            except PlanImportError as error:
                raise CommandError(f"{path.name}: {error}") from error
            self.stdout.write(f"取り込み: {path.name} → {summary.plan}")
        accounts = self.create_accounts()
        self.stdout.write("")
        self.stdout.write(f"デモ用アカウント（パスワードはすべて {DEMO_PASSWORD}）")
        for username, description in accounts:
            self.stdout.write(f"  {username:<28} {description}")

    def create_accounts(self) -> list[tuple[str, str]]:
        user_model = get_user_model()
        admin = user_model.objects.filter(username="admin").first() or user_model(username="admin")
        admin.is_staff = admin.is_superuser = True
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        accounts = [("admin", "システム管理者（全自治体）")]
        for municipality in Municipality.objects.order_by("code"):
            create_staff_user(
                username=f"{municipality.slug}-office",
                password=DEMO_PASSWORD,
                municipality=municipality,
                role=Membership.Role.REFORM_OFFICE,
                display_name=f"{municipality.name} 行政改革担当",
            )
            accounts.append((f"{municipality.slug}-office", f"{municipality.name} 行政改革担当"))
            lead = (
                MeasureDepartment.objects.filter(
                    measure__plan__municipality=municipality,
                    role=MeasureDepartment.Role.LEAD,
                )
                .select_related("department")
                .order_by("measure__order", "order")
                .first()
            )
            if lead is None:
                continue
            create_staff_user(
                username=f"{municipality.slug}-staff",
                password=DEMO_PASSWORD,
                municipality=municipality,
                role=Membership.Role.DEPARTMENT_STAFF,
                departments=[lead.department],
                display_name=f"{municipality.name} {lead.department.name}",
            )
            accounts.append(
                (f"{municipality.slug}-staff", f"{municipality.name} {lead.department.name} 職員")
            )
        return accounts
