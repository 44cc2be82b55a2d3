from django.conf import settings
from django.core.management.base import BaseCommand

from public.open_data.package import build_national_package


class Command(BaseCommand):
    help = (
        "全国のデータパッケージ（公開されたすべての計画）を作り直します。"
        "夜間に定期実行してください（docs/deployment.md）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            default=settings.SITE_URL,
            help="パッケージに載せる公開ページのアドレスの先頭（既定は SITE_URL）",
        )

    def handle(self, *args, base_url: str, **options):
        info = build_national_package(base_url.rstrip("/"))
        self.stdout.write(
            f"{info['plans']}件の計画を書き出しました（{info['bytes']:,} バイト、{info['seconds']} 秒）。"
        )
