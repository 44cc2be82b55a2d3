import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from measures.models import Round
from measures.round.services import send_reminders


class Command(BaseCommand):
    help = "入力期限が近い年度について、未入力・差戻し中の取組がある部署へ催促メールを送ります。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="期限の何日前から送るか（既定 7）")

    def handle(self, *args, days, **options):
        today = timezone.localdate()
        rounds = Round.objects.open().filter(
            deadline__gte=today, deadline__lte=today + datetime.timedelta(days=days)
        )
        total = 0
        for round_ in rounds.select_related("plan"):
            sent = send_reminders(round_=round_, today=today)
            self.stdout.write(f"{round_}: {sent}件送信")
            total += sent
        self.stdout.write(f"合計 {total}件")
