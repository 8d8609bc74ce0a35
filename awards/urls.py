from django.urls import path

from awards.views import bundle as bundle_views
from awards.views import charts as chart_views
from awards.views import confirmations as confirmation_views
from awards.views import council_results as council_result_views
from awards.views import criteria as criteria_views
from awards.views import eligibility_rules as eligibility_rule_views
from awards.views import ledger as ledger_views
from awards.views import proposals as proposal_views
from awards.views import scoring as scoring_views
from awards.views import types as type_views
from awards.views import voting as voting_views

app_name = "awards"
_POLL = "bloc-years/<int:pk>/conference/polls/<int:poll_pk>/"

urlpatterns = [
    # Province mergers: bundles out and in, statistics by former province
    path("province/bundle.json", bundle_views.bundle_export, name="bundle_export"),
    path("province/bundle/import/", bundle_views.bundle_import, name="bundle_import"),
    path("province/bundle/commit/", bundle_views.bundle_commit, name="bundle_commit"),
    path("province/bundle/cancel/", bundle_views.bundle_cancel, name="bundle_cancel"),
    path("province/statistics/", bundle_views.province_statistics, name="province_statistics"),
    # The year-end conference: sessions, polls, ballots, minutes and rule sets
    path("bloc-years/<int:pk>/conference/", voting_views.conference, name="conference"),
    path(
        "bloc-years/<int:pk>/conference/setup/",
        voting_views.conference_setup,
        name="conference_setup",
    ),
    path(
        "bloc-years/<int:pk>/conference/attendance/",
        voting_views.conference_attendance,
        name="conference_attendance",
    ),
    path(
        "bloc-years/<int:pk>/conference/finalize/",
        voting_views.conference_finalize,
        name="conference_finalize",
    ),
    path(
        "bloc-years/<int:pk>/conference/finalize/confirm/",
        confirmation_views.conference_finalize_confirm,
        name="conference_finalize_confirm",
    ),
    path(
        "bloc-years/<int:pk>/conference/reopen/",
        voting_views.conference_reopen,
        name="conference_reopen",
    ),
    path(
        "bloc-years/<int:pk>/conference/minutes/<str:which>.pdf",
        voting_views.conference_minutes,
        name="conference_minutes",
    ),
    path("bloc-years/<int:pk>/conference/polls/add/", voting_views.poll_add, name="poll_add"),
    path(_POLL, voting_views.poll_detail, name="poll_detail"),
    path(_POLL + "edit/", voting_views.poll_edit, name="poll_edit"),
    path(_POLL + "delete/", voting_views.poll_delete, name="poll_delete"),
    path(_POLL + "open/", voting_views.poll_open, name="poll_open"),
    path(_POLL + "count/", voting_views.poll_count, name="poll_count"),
    path(_POLL + "reset/", voting_views.poll_reset, name="poll_reset"),
    path(_POLL + "tie/", voting_views.poll_tie, name="poll_tie"),
    path(_POLL + "ballots/", voting_views.poll_ballots, name="poll_ballots"),
    path(_POLL + "ballots/<int:serial>/", voting_views.ballot_edit, name="ballot_edit"),
    path(_POLL + "aggregate/", voting_views.poll_aggregate, name="poll_aggregate"),
    path(_POLL + "papers.pdf", voting_views.poll_papers, name="poll_papers"),
    path(_POLL + "room/", voting_views.poll_room, name="poll_room"),
    path(_POLL + "result.svg", chart_views.poll_result_chart, name="poll_result_chart"),
    # Year-end scoring: the province's criteria tables (staff)
    path("scoring/criteria/", criteria_views.criteria_sets, name="criteria_sets"),
    path("scoring/criteria/<int:set_pk>/", criteria_views.criteria_set, name="criteria_set"),
    path(
        "scoring/criteria/<int:set_pk>/tieu-chi.xlsx",
        criteria_views.criteria_set_export,
        name="criteria_set_export",
    ),
    path(
        "scoring/criteria/<int:set_pk>/confirm/",
        criteria_views.criteria_confirm,
        name="criteria_confirm",
    ),
    path("scoring/criteria/copy/", criteria_views.criteria_copy, name="criteria_copy"),
    path(
        "scoring/criteria/mau-tieu-chi.xlsx",
        criteria_views.criteria_template,
        name="criteria_template",
    ),
    path("scoring/criteria/import/", criteria_views.criteria_import, name="criteria_import"),
    path(
        "scoring/criteria/import/commit/",
        criteria_views.criteria_import_commit,
        name="criteria_import_commit",
    ),
    path(
        "scoring/criteria/import/cancel/",
        criteria_views.criteria_import_cancel,
        name="criteria_import_cancel",
    ),
    # Year-end scoring: the bloc's table, sheets, cross-scoring and the ranking
    path("bloc-years/<int:pk>/scoring/", scoring_views.scoring_page, name="scoring"),
    path("bloc-years/<int:pk>/scoring/adopt/", scoring_views.scoring_adopt, name="scoring_adopt"),
    path("bloc-years/<int:pk>/scoring/plan/", scoring_views.scoring_plan, name="scoring_plan"),
    path(
        "bloc-years/<int:pk>/scoring/criteria/", scoring_views.scoring_adjust, name="scoring_adjust"
    ),
    path("bloc-years/<int:pk>/scoring/resolve/", scoring_views.score_resolve, name="score_resolve"),
    path("bloc-years/<int:pk>/scoring/leading/", scoring_views.score_leading, name="score_leading"),
    path(
        "bloc-years/<int:pk>/scoring/score-table.xlsx",
        scoring_views.score_table_export,
        name="score_table_export",
    ),
    path(
        "bloc-years/<int:pk>/scoring/score-table.<str:fmt>",
        scoring_views.score_table_document,
        name="score_table_document",
    ),
    path(
        "bloc-years/<int:pk>/scoring/sheets/<int:sheet_pk>/",
        scoring_views.score_sheet,
        name="score_sheet",
    ),
    path(
        "bloc-years/<int:pk>/scoring/sheets/<int:sheet_pk>/evidence/<int:evidence_pk>.pdf",
        scoring_views.score_evidence,
        name="score_evidence",
    ),
    path(
        "bloc-years/<int:pk>/scoring/sheets/<int:sheet_pk>/review/",
        scoring_views.score_sheet_review,
        name="score_sheet_review",
    ),
    path("rule-sets/", voting_views.rule_sets, name="rule_sets"),
    path("rule-sets/add/", voting_views.rule_set_edit, name="rule_set_add"),
    path("rule-sets/<int:rule_pk>/", voting_views.rule_set_edit, name="rule_set_edit"),
    # Proposals, province review, decisions and the award ledger
    path(
        "bloc-years/<int:pk>/proposals/",
        proposal_views.bloc_year_proposals,
        name="bloc_year_proposals",
    ),
    path(
        "bloc-years/<int:pk>/proposals/<int:proposal_pk>/",
        proposal_views.proposal_detail,
        name="proposal_detail",
    ),
    path(
        "bloc-years/<int:pk>/proposals/<int:proposal_pk>/dossier.zip",
        proposal_views.proposal_bundle,
        name="proposal_bundle",
    ),
    path(
        "bloc-years/<int:pk>/proposals/<int:proposal_pk>/achievement-report.pdf",
        proposal_views.achievement_report,
        name="achievement_report_pdf",
    ),
    path(
        "bloc-years/<int:pk>/proposals/<int:proposal_pk>/achievement-report.docx",
        proposal_views.achievement_report,
        {"word": True},
        name="achievement_report_word",
    ),
    path("bloc-years/<int:pk>/proposals/add/", proposal_views.proposal_add, name="proposal_add"),
    path(
        "bloc-years/<int:pk>/proposals/upload/",
        proposal_views.proposal_upload,
        name="proposal_upload",
    ),
    path(
        "bloc-years/<int:pk>/proposals/documents/<int:document_pk>/",
        proposal_views.proposal_document,
        name="proposal_document",
    ),
    path(
        "bloc-years/<int:pk>/proposals/documents/<int:document_pk>/remove/",
        proposal_views.proposal_document_remove,
        name="proposal_document_remove",
    ),
    path(
        "bloc-years/<int:pk>/proposals/letter/",
        proposal_views.request_letter_preview,
        name="request_letter_preview",
    ),
    path(
        "bloc-years/<int:pk>/proposals/submit/",
        proposal_views.proposals_submit,
        name="proposals_submit",
    ),
    path(
        "bloc-years/<int:pk>/proposals/submit/confirm/",
        confirmation_views.proposals_submit_confirm,
        name="proposals_submit_confirm",
    ),
    path("proposals/", proposal_views.proposal_workspace, name="proposal_workspace"),
    path("proposals/review/", proposal_views.proposals_start_review, name="proposals_start_review"),
    path("proposals/accept/", proposal_views.proposals_accept, name="proposals_accept"),
    path("proposals/return/", proposal_views.proposal_return, name="proposal_return"),
    path(
        "proposals/council/",
        proposal_views.proposal_council_outcome,
        name="proposal_council_outcome",
    ),
    path(
        "proposals/council/results/",
        council_result_views.council_results,
        name="council_results",
    ),
    path("proposals/forward/", proposal_views.proposals_forward, name="proposals_forward"),
    path("proposals/decision/", proposal_views.decision_record, name="decision_record"),
    path(
        "bloc-years/<int:pk>/proposals/leading-units/",
        proposal_views.leading_units,
        name="leading_units",
    ),
    path(
        "proposals/council-list.xlsx",
        proposal_views.council_list_export,
        name="council_list_export",
    ),
    path(
        "proposals/council-list.pdf",
        proposal_views.council_list_pdf_view,
        name="council_list_pdf",
    ),
    path(
        "proposals/council-list/issue/",
        proposal_views.council_list_issue,
        name="council_list_issue",
    ),
    path(
        "proposals/council-list/issue/confirm/",
        confirmation_views.council_list_issue_confirm,
        name="council_list_issue_confirm",
    ),
    path(
        "proposals/council-list/<int:pk>.pdf",
        proposal_views.council_list_issued,
        name="council_list_issued",
    ),
    path("ledger/", ledger_views.ledger, name="ledger"),
    path("ledger/<int:record_pk>/revoke/", ledger_views.award_revoke, name="award_revoke"),
    path("ledger/statistics/", ledger_views.award_statistics, name="award_statistics"),
    path(
        "ledger/statistics/<slug:name>.svg",
        chart_views.award_statistics_chart,
        name="award_statistics_chart",
    ),
    path(
        "ledger/statistics.xlsx",
        ledger_views.award_statistics_export,
        name="award_statistics_export",
    ),
    path("ledger/import/", ledger_views.decision_import, name="decision_import"),
    path(
        "ledger/import/commit/",
        ledger_views.decision_import_commit,
        name="decision_import_commit",
    ),
    path(
        "ledger/import/template.xlsx",
        ledger_views.decision_import_template,
        name="decision_import_template",
    ),
    # Award types (province staff)
    path("types/", type_views.award_type_list, name="award_type_list"),
    path("types/new/", type_views.award_type_create, name="award_type_create"),
    path("types/<int:pk>/edit/", type_views.award_type_edit, name="award_type_edit"),
    # Eligibility rules (province staff)
    path("eligibility-rules/", eligibility_rule_views.eligibility_rules, name="eligibility_rules"),
    path(
        "eligibility-rules/add/",
        eligibility_rule_views.eligibility_rule_add,
        name="eligibility_rule_add",
    ),
    path(
        "eligibility-rules/<int:rule_pk>/",
        eligibility_rule_views.eligibility_rule_edit,
        name="eligibility_rule_edit",
    ),
    path(
        "eligibility-rules/<int:rule_pk>/toggle/",
        eligibility_rule_views.eligibility_rule_toggle,
        name="eligibility_rule_toggle",
    ),
]
