from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    name = "kototori.rights"
    label = "rights"
    verbose_name = _("Data-subject rights and retention")
    default_auto_field = "django.db.models.BigAutoField"
