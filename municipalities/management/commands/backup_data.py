import gzip
import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from reform.backups import write_backup


class Command(BaseCommand):
    help = (
        "全データ（履歴、利用者、権限、管理画面の操作記録を含む）を gzip の JSON 行形式で"
        "書き出します。restore_data で戻せます。"
    )

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help="書き出すファイル（.json.gz）")

    def handle(self, *args, output: Path, **options):
        # Written beside the output and renamed at the end, so that a backup that fails
        # half-way never stands under the name of a finished one.
        partial = output.with_name(output.name + ".partial")
        try:
            with gzip.open(partial, "wt", encoding="utf-8", compresslevel=6) as target:
                summary = write_backup(target)
            os.replace(partial, output)
        finally:
            partial.unlink(missing_ok=True)
        sys.stderr.write(
            f"{output} に書き出しました（{summary.tables} 表、{summary.rows:,} 行、"
            f"{output.stat().st_size:,} バイト）。\n"
        )
