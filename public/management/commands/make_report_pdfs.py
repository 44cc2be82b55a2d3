from django.core.management.base import BaseCommand, CommandError

from measures.models import Report
from public.reports.pdf import unavailable, write_files


class Command(BaseCommand):
    help = "公表した進捗報告のうち、PDFがまだない版のPDFを作成します（作成済みのPDFは変えません）。"

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, help="この計画（ID）の報告だけ")

    def handle(self, *args, plan=None, **options):
        reason = unavailable()
        if reason:
            raise CommandError(reason)
        reports = Report.objects.select_related("plan").order_by(
            "plan_id", "fiscal_year", "revision"
        )
        if plan:
            reports = reports.filter(plan_id=plan)
        count = 0
        for report in reports:
            for item in write_files(report):
                count += 1
                self.stdout.write(f"作成: {report} {item.layout_name}（{item.size:,}バイト）")
        self.stdout.write(f"{count}件のPDFを作成しました。")
