import zlib

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StoredDocument(models.Model):
    """A public plan's open-data document, serialised once per content version of its
    municipality and served from here by the API and the downloads (public/documents.py).

    Derived data: it can always be rebuilt from the plan, so a row whose version is not the
    municipality's current one is simply replaced. It holds only what is published (it is
    built with published_only), and it belongs to no municipality's content, so writing it
    changes no content version."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("計画の公開データ（JSON）")

    plan = models.ForeignKey(
        "measures.Plan", on_delete=models.CASCADE, related_name="+", verbose_name=_("計画")
    )
    kind = models.CharField(_("種類"), max_length=20, choices=Kind.choices)
    content_version = models.CharField(_("内容の版"), max_length=32)
    body = models.BinaryField(_("内容"))
    built_at = models.DateTimeField(_("作成日時"), default=timezone.now)

    class Meta:
        verbose_name = _("公開データの保存版")
        verbose_name_plural = _("公開データの保存版")
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind"], name="stored_document_per_plan_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.plan_id}"


class StoredPage(models.Model):
    """A public page as an anonymous visitor is served it, rendered once per content version
    and kept in the database, where every worker and every app server finds it, also with
    the page cache cold or off (public/stored_pages.py).

    One row per address and language: a newer rendering replaces the row, and a row whose
    version is not current is never served. Derived data, like StoredDocument: it holds only
    what anonymous visitors are shown, and writing it changes no content version."""

    # A digest of the language and the page's absolute address.
    address = models.CharField(_("アドレス"), max_length=32, unique=True)
    # A digest of the content versions the page was built from and of the code that built it.
    version = models.CharField(_("内容の版"), max_length=32)
    path = models.CharField(_("パス"), max_length=2000)
    language = models.CharField(_("言語"), max_length=8)
    # The answer's body, compressed with zlib.
    body = models.BinaryField(_("内容"))
    headers = models.JSONField(_("ヘッダー"), default=dict)
    built_at = models.DateTimeField(_("作成日時"), default=timezone.now)

    class Meta:
        verbose_name = _("公開ページの保存版")
        verbose_name_plural = _("公開ページの保存版")

    def __str__(self) -> str:
        return f"{self.language} {self.path}"

    @property
    def content(self) -> bytes:
        """The body as it is served."""
        return zlib.decompress(self.body)
