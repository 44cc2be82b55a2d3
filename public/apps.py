from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = _("市民向けページ")

    def ready(self):
        from django.db.models.signals import post_save

        from measures.models import Report
        from public.documents import report_published

        post_save.connect(report_published, sender=Report, dispatch_uid="public:stored_documents")
