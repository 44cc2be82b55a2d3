import gzip
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reform.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "backup_data で書き出したファイルから全データを戻します。同じマイグレーションまで"
        " migrate した空のデータベースへ戻します（--force で今のデータを置き換えます）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="backup_data のファイル（.json.gz）")
        parser.add_argument(
            "--force",
            action="store_true",
            help="データが残っているデータベースでも、そのデータを消してバックアップで置き換える",
        )

    def handle(self, *args, backup: Path, force: bool, **options):
        if not backup.is_file():
            raise CommandError(f"{backup}: ファイルがありません。")
        try:
            with gzip.open(backup, "rt", encoding="utf-8") as source:
                summary = restore_backup(source, name=str(backup), replace=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{backup} から戻しました（{summary.tables} 表、{summary.rows:,} 行）。")
