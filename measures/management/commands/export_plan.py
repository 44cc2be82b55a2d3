import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from measures.models import Plan
from measures.plan_files.formats import FORMATS, write_plan_file


class Command(BaseCommand):
    help = "計画を丸ごと書き出します（xlsx・CSVのzip・JSON）。標準出力またはファイルへ。"

    def add_arguments(self, parser):
        parser.add_argument("municipality_code", help="地方公共団体コード（6桁）")
        parser.add_argument("--plan", type=int, help="計画のID（自治体に計画が複数あるとき）")
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument(
            "--output", "-o", type=Path, help="書き出すファイル（省略時は標準出力）"
        )
        parser.add_argument(
            "--published-only", action="store_true", help="公表済みの年度評価だけを含める"
        )

    def handle(self, *args, municipality_code, plan, format, output, published_only, **options):
        plans = Plan.objects.filter(municipality__code=municipality_code)
        if plan is not None:
            plans = plans.filter(pk=plan)
        found = list(plans.order_by("pk")[:2])
        if not found:
            raise CommandError(f"自治体 {municipality_code} の計画が見つかりません。")
        if len(found) > 1:
            listing = ", ".join(f"{p.pk}: {p.name}" for p in plans)
            raise CommandError(f"計画が複数あります。--plan で選んでください（{listing}）。")
        plan_file = write_plan_file(found[0], format, published_only=published_only)
        if output:
            output.write_bytes(plan_file.content)
            self.stderr.write(f"{output} に書き出しました（{len(plan_file.content):,} バイト）。")
        else:
            sys.stdout.buffer.write(plan_file.content)
            sys.stdout.buffer.flush()
