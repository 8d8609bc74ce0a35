from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Thi đua, khen thưởng")

    def ready(self):
        """Plug the conference, proposals and ledger into blocs' pages and membership rules."""
        from awards import audit_labels
        from awards.services import membership
        from awards.views import bundle, ledger, proposals, scoring, voting
        from blocs import hooks
        from blocs.overview import OVERVIEW_COLUMNS
        from blocs.panels import (
            AGENCY_PANELS,
            BLOC_YEAR_PANELS,
            PROVINCE_PAGE_LINKS,
            PROVINCE_ROW_LINKS,
        )

        audit_labels.register()
        BLOC_YEAR_PANELS.register(scoring.scoring_panel, order=15)
        BLOC_YEAR_PANELS.register(voting.conference_panel, order=20)
        BLOC_YEAR_PANELS.register(proposals.bloc_year_panel, order=30)
        AGENCY_PANELS.register(ledger.agency_panel, order=10)
        PROVINCE_ROW_LINKS.register(bundle.province_row_links, order=10)
        PROVINCE_PAGE_LINKS.register(bundle.province_page_links, order=10)
        OVERVIEW_COLUMNS.register(scoring.scoring_column, order=35)
        OVERVIEW_COLUMNS.register(voting.conference_column, order=40)
        OVERVIEW_COLUMNS.register(proposals.overview_column, order=50)
        hooks.MEMBER_ADD_REFUSALS.register(membership.add_refusal, order=10)
        hooks.MEMBER_ADDED.register(membership.record_absent_newcomer, order=10)
        hooks.MEMBER_REMOVAL_REFUSALS.register(membership.conference_removal_refusal, order=10)
        hooks.MEMBER_REMOVAL_REFUSALS.register(membership.proposal_removal_refusal, order=20)
        hooks.MEMBER_REMOVED.register(membership.forget_removed_attendance, order=10)
        from awards import todos
        from emulation.todos import TODO_PROVIDERS

        TODO_PROVIDERS.register(todos.staff_reviews, order=40)
        TODO_PROVIDERS.register(todos.head_returned_proposals, order=50)
        TODO_PROVIDERS.register(todos.member_score_sheets, order=60)
        TODO_PROVIDERS.register(todos.head_score_reviews, order=70)
