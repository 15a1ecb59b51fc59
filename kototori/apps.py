from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KototoriConfig(AppConfig):
    name = "kototori"
    verbose_name = _("Kototori core")
