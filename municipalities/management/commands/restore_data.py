import gzip
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from measures.models import Plan
from municipalities.models import Municipality


class Command(BaseCommand):
    help = "backup_data で書き出したファイルから全データを戻します（空のデータベースへ）。"

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="backup_data のファイル（.json.gz）")
        parser.add_argument(
            "--force", action="store_true", help="データが残っているデータベースにも戻す"
        )

    def handle(self, *args, backup: Path, force: bool, **options):
        if not backup.is_file():
            raise CommandError(f"{backup}: ファイルがありません。")
        if not force and (Municipality.objects.exists() or Plan.objects.exists()):
            raise CommandError(
                "データベースにデータが残っています。空のデータベースに戻すか、--force を付けてください。"
            )
        with (
            gzip.open(backup, "rt", encoding="utf-8") as source,
            tempfile.TemporaryDirectory() as folder,
        ):
            fixture = Path(folder) / "backup.json"
            fixture.write_text(source.read(), encoding="utf-8")
            with transaction.atomic():
                call_command("loaddata", str(fixture), verbosity=0)
        self.stdout.write(f"{backup} から戻しました。")
