from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def refresh_reform_office_group(**kwargs) -> None:
    """Give the existing reform officers' group the permissions of this app's admin pages
    (new accounts get them when they are created)."""
    from django.contrib.auth.models import Group

    from municipalities.services import REFORM_OFFICE_GROUP, reform_office_group

    if Group.objects.filter(name=REFORM_OFFICE_GROUP).exists():
        reform_office_group()


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("外部評価")

    def ready(self) -> None:
        # After Django has created this app's permissions (connected for every app before).
        post_migrate.connect(refresh_reform_office_group, sender=self)
