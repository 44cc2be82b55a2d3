from django.core.management.base import BaseCommand
from django.utils import timezone

from measures.models import Round
from measures.round.notifications import send_due_reminders


class Command(BaseCommand):
    help = (
        "入力期限の前後に、未提出の入力がある部署へ段階ごとの催促メールを送ります"
        "（期限の数日前・前日・翌日は担当課へ、1週間後は所属長へも）。"
        "同じ段階の催促は一度しか送らないので、毎日実行できます。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=7, help="最初の催促を期限の何日前に送るか（既定 7）"
        )

    def handle(self, *args, days, **options):
        today = timezone.localdate()
        total = 0
        for round_ in Round.objects.open().select_related("plan").order_by("deadline", "pk"):
            sent = send_due_reminders(round_=round_, today=today, days_before=days)
            if sent:
                self.stdout.write(f"{round_}: {sent}件送信")
            total += sent
        self.stdout.write(f"合計 {total}件")
