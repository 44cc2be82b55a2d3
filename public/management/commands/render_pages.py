import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from measures.models import Plan
from public import stored_pages


class Command(BaseCommand):
    help = (
        "公開ページを描画して保存します（リリースの後、利用者が開く前に）。"
        "保存したページはページキャッシュが空でも描画せずに返されます。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--plan", type=int, action="append", help="この計画（ID）だけ（複数可）"
        )
        parser.add_argument(
            "--municipality", action="append", help="この団体コードの計画だけ（複数可）"
        )
        parser.add_argument(
            "--without-measures", action="store_true", help="取組ごとのページを除く"
        )

    def handle(self, *args, plan=None, municipality=None, without_measures=False, **options):
        if not settings.STORED_PAGES:
            raise CommandError("STORED_PAGES=0 のため、ページは保存されません。")
        plans = Plan.objects.filter(is_public=True).order_by("municipality__code", "pk")
        if plan:
            plans = plans.filter(pk__in=plan)
        if municipality:
            plans = plans.filter(municipality__code__in=municipality)
        started = time.monotonic()
        count = 0
        if not plan and not municipality:
            site = [
                reverse("public:home"),
                reverse("public:compare_grades"),
                reverse("public:compare_effects"),
                reverse("public:compare_measures"),
            ]
            count += stored_pages.render(site)
        for pk in plans.values_list("pk", flat=True):
            stored = stored_pages.render(stored_pages.plan_paths(pk, measures=not without_measures))
            count += stored
            self.stdout.write(f"計画 {pk}: {stored}ページ")
        seconds = time.monotonic() - started
        self.stdout.write(f"{count:,}ページを保存しました（{seconds:.1f} 秒）。")
