from __future__ import annotations

from django.apps import AppConfig


class FrontendConfig(AppConfig):
    name = "frontend"
    verbose_name = "Pages"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from frontend.timezones import remember_on_sign_in

        user_logged_in.connect(remember_on_sign_in, dispatch_uid="frontend.time_zone")
