from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from measures.plan_files.formats import PlanFileError, read_plan_file
from measures.plan_files.importing import PlanImportError, import_plan_document


class Command(BaseCommand):
    help = (
        "計画ファイル（xlsx・CSVのzip・JSON）を取り込みます。"
        "誤りが一つでもあればそのファイルからは何も書き込みません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, help="計画ファイル")
        parser.add_argument(
            "--dry-run", action="store_true", help="書き込まずに、作成・更新される件数だけ表示する"
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="年度評価を公表済みとして取り込む（公表済みの資料用）",
        )

    def handle(self, *args, files, dry_run, publish, **options):
        for path in files:
            if not path.is_file():
                raise CommandError(f"{path}: ファイルがありません。")
            if path.stat().st_size > settings.IMPORT_MAX_BYTES:
                raise CommandError(
                    f"{path}: ファイルが大きすぎます（上限 {settings.IMPORT_MAX_BYTES:,} バイト）。"
                )
            try:
                document = read_plan_file(path.name, path.read_bytes(), lenient=True)
                summary = import_plan_document(document, publish=publish, dry_run=dry_run)
            except PlanFileError as error:
                raise CommandError(f"{path}: 読み込めませんでした。\n{error}") from error
            except PlanImportError as error:
                # At most IMPORT_MAX_PROBLEMS lines, then how many more there were.
                lines = "\n".join(f"  - {line}" for line in error.lines())
                raise CommandError(f"{path}: 取り込めませんでした。\n{lines}") from error
            verb = "取り込み予定（書き込みなし）" if dry_run else "取り込みました"
            self.stdout.write(f"{path.name}: {summary.plan} を{verb}")
            for line in summary.lines():
                self.stdout.write(f"  {line}")
            for warning in summary.warnings:
                self.stdout.write(f"  注意: {warning}")
