from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmulationConfig(AppConfig):
    name = "emulation"
    verbose_name = _("Cổng khối thi đua")

    def ready(self):
        from emulation import checks  # noqa: F401 (registers the audit role check)
