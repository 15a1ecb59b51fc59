from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KototoriConfig(AppConfig):
    name = "kototori"
    verbose_name = _("Kototori core")

    def ready(self) -> None:
        from allauth.account.signals import password_reset
        from allauth.mfa.signals import authenticator_added
        from django.contrib.auth.signals import user_logged_in

        from . import checks, middleware  # noqa: F401 - checks registers the system checks

        user_logged_in.connect(middleware.session_start, dispatch_uid="kototori.session_start")
        authenticator_added.connect(
            middleware.authenticator_added, dispatch_uid="kototori.mfa_verified"
        )
        password_reset.connect(middleware.password_reset, dispatch_uid="kototori.password_reset")
