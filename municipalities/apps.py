from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MunicipalitiesConfig(AppConfig):
    name = "municipalities"
    verbose_name = _("自治体と職員")

    def ready(self):
        from django.apps import apps

        from municipalities import content_version

        content_version.connect(
            owned=[
                model
                for model in apps.get_models()
                if hasattr(model, "municipality_path")
                and model._meta.app_label in ("municipalities", "measures", "reviews")
            ],
            shared=[
                apps.get_model("measures", "SustainableDevelopmentGoal"),
                apps.get_model("measures", "CoCreationActor"),
            ],
        )
