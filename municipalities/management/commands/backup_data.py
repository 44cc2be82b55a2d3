import gzip
import sys
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Rebuilt by migrations or by Django itself; leaving them out keeps a backup loadable into
# a freshly migrated database.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]


class Command(BaseCommand):
    help = "全データをJSON（gzip）で書き出します。restore_data で戻せます。"

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help="書き出すファイル（.json.gz）")

    def handle(self, *args, output: Path, **options):
        with gzip.open(output, "wt", encoding="utf-8") as target:
            call_command(
                "dumpdata",
                natural_foreign=True,
                natural_primary=False,
                exclude=EXCLUDED,
                stdout=target,
                indent=None,
            )
        sys.stderr.write(f"{output} に書き出しました（{output.stat().st_size:,} バイト）。\n")
