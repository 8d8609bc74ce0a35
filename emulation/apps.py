from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmulationConfig(AppConfig):
    name = "emulation"
    verbose_name = _("Cổng khối thi đua")

    def ready(self):
        # checks registers the role check; login_audit connects its signal receivers.
        from emulation import audit_labels, checks, login_audit  # noqa: F401

        audit_labels.register_own()
