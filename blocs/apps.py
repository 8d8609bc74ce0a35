from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlocsConfig(AppConfig):
    name = "blocs"
    verbose_name = _("Khối thi đua")

    def ready(self):
        from blocs import audit_labels
        from blocs.overview import OVERVIEW_COLUMNS
        from blocs.panels import BLOC_YEAR_PANELS
        from blocs.views import accounts, calendar, covenants, documents, structure

        audit_labels.register()
        BLOC_YEAR_PANELS.register(covenants.covenant_panel, order=10)
        BLOC_YEAR_PANELS.register(calendar.calendar_panel, order=5)
        BLOC_YEAR_PANELS.register(documents.documents_panel, order=90)
        BLOC_YEAR_PANELS.register(accounts.readers_panel, order=80)
        OVERVIEW_COLUMNS.register(structure.flags_column, order=10)
        OVERVIEW_COLUMNS.register(covenants.covenant_column, order=20)
        OVERVIEW_COLUMNS.register(covenants.registration_column, order=30)
        from blocs import todos
        from emulation.todos import TODO_PROVIDERS

        TODO_PROVIDERS.register(todos.member_registrations, order=10)
        TODO_PROVIDERS.register(todos.member_signatures, order=20)
        TODO_PROVIDERS.register(todos.runner_reviews, order=30)
