from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmulationConfig(AppConfig):
    name = "emulation"
    verbose_name = _("Cổng khối thi đua")

    def ready(self):
        from emulation import audit_labels, checks  # noqa: F401 (checks registers the role check)

        audit_labels.register_own()
