from django.conf import settings
from django.core.management.base import BaseCommand

from measures.plan_files import uploads as import_uploads


class Command(BaseCommand):
    help = (
        "確認されないまま残った計画ファイル（管理画面の取り込みで、確認待ちのもの）のうち、"
        "IMPORT_UPLOAD_MAX_AGE_HOURS（既定 24 時間）より古いものを削除します。"
        "cron などから定期的に実行してください。"
    )

    def handle(self, *args, **options):
        removed = import_uploads.remove_stale()
        hours = settings.IMPORT_UPLOAD_MAX_AGE_HOURS
        self.stdout.write(f"{hours}時間より古い確認待ちのファイルを {removed} 件削除しました。")
