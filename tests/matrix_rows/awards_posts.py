"""POST-only URLs of the awards app: voting, proposals, the council, the ledger, the bundle.

The feature tests (tests/awards/test_voting_views.py, test_proposals_views.py,
test_council_list.py, test_bundle.py, test_eligibility_rule_views.py) check what each action
does; these rows check only who passes the gate. Bodies are empty, so an allowed role often gets
a refusal message back (a poll without a tie, nothing selected): that still passes the gate.
"""

from django.urls import reverse

from tests.matrix_rows._helpers import FINALIZERS, RUNNERS, post_for, post_staff_only


def _poll_url(name):
    def build(by):
        from tests.test_permissions import open_poll

        return reverse(f"awards:{name}", args=[by.pk, open_poll(by).pk])

    return build


def _conference_url(name):
    def build(by):
        from tests.test_permissions import open_poll

        return reverse(f"awards:{name}", args=[open_poll(by).bloc_year_id])

    return build


def _bloc_year_url(name):
    return lambda by: reverse(f"awards:{name}", args=[by.pk])


def _province_url(name):
    return lambda by: reverse(f"awards:{name}")


def _document_remove_url(by):
    """A paper of the head's proposal: the runners may remove it, a plain member may not."""
    from tests.test_permissions import proposal_paper

    return reverse("awards:proposal_document_remove", args=[by.pk, proposal_paper(by).pk])


def _rule_toggle_url(by):
    from tests.test_permissions import eligibility_rule_pk

    return reverse("awards:eligibility_rule_toggle", args=[eligibility_rule_pk()])


POST_ROWS = [
    # voting
    ("conference_finalize", _conference_url("conference_finalize"), post_for(*FINALIZERS)),
    ("conference_reopen", _conference_url("conference_reopen"), post_for("staff")),
    *(
        (name, _poll_url(name), post_for(*RUNNERS))
        for name in ("poll_edit", "poll_delete", "poll_open", "poll_count", "poll_reset")
    ),
    # No tie in the cast's poll: the runners get the message.
    ("poll_tie", _poll_url("poll_tie"), post_for(*RUNNERS)),
    # proposals of a bloc-year
    ("proposal_add", _bloc_year_url("proposal_add"), post_for(*RUNNERS)),
    ("proposal_upload", _bloc_year_url("proposal_upload"), post_for(*RUNNERS, "member")),
    ("proposal_document_remove", _document_remove_url, post_for(*RUNNERS)),
    ("proposals_submit", _bloc_year_url("proposals_submit"), post_for(*FINALIZERS)),
    ("leading_units", _bloc_year_url("leading_units"), post_for(*RUNNERS)),
    # the province's review, council, decisions, ledger, bundle and rules
    *(
        (name, _province_url(name), post_staff_only())
        for name in (
            "proposals_start_review",
            "proposals_accept",
            "proposal_return",
            "proposal_council_outcome",
            "proposals_forward",
            "decision_record",
            "council_list_issue",
            "decision_import_commit",
            "bundle_commit",
            "bundle_cancel",
        )
    ),
    ("eligibility_rule_toggle", _rule_toggle_url, post_staff_only()),
]
