"""Every URL with the status each role gets. New pages add a row here or in tests/matrix_rows/.

A row: (name, url builder taking the cast's bloc_year, {role: status}). MATRIX holds the pages
(GET); POST_MATRIX the URLs that only take a POST (the forms' actions), posted with an empty body,
where ALLOWED means "the gate let the role through". 302 for anonymous means "sent to the login
page"; outsiders get 404 on anything inside a bloc-year they do not belong to.
"""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from emulation.models import AuditEntry
from tests.factories import AwardRecordFactory, UserFactory
from tests.matrix_rows._helpers import (
    ALLOWED,
    ROLES,
    bloc_year_readers,
    bloc_year_runners,
    everyone,
    staff_only,
)


def proposal_paper(by):
    """A collective proposal of the head with one stored PDF paper (proposal pages)."""
    from awards.models import ProposalDocument
    from emulation.uploads import store_private_file
    from tests.factories import AwardProposalFactory

    proposal = AwardProposalFactory(bloc_year=by, agency=by.head)
    return ProposalDocument.objects.create(
        proposal=proposal,
        kind=ProposalDocument.Kind.OTHER,
        stored_name=store_private_file(b"%PDF-1.4 test", folder="proposals/test"),
        original_name="bao-cao.pdf",
        content_type="application/pdf",
    )


def open_poll(by):
    """An open award poll with one ballot in the cast's conference (voting pages)."""
    from tests.awards.voting_fixtures import matrix_poll

    return matrix_poll(by)


def rule_set_pk():
    from awards.models import RuleSet

    return RuleSet.objects.order_by("pk").values_list("pk", flat=True).first()


def issued_document_url(by):
    """An issued document of the cast's bloc-year (documents)."""
    from tests.factories import issued_document

    return reverse("issued_document", args=[by.pk, issued_document(by).pk])


def word_copy_url(by):
    """The Word copy of an issued document of the cast's bloc-year."""
    from emulation.docx import render_docx
    from tests.factories import issued_document

    document = issued_document(
        by,
        render_docx=lambda stamp: render_docx(
            "pdf/sample_minutes.html", {"doc_type": "Biên bản", "members": [], "stamp": stamp}
        ),
    )
    return reverse("issued_document_word", args=[by.pk, document.pk])


def covenant_in(by, status="draft"):
    """The cast bloc-year's covenant, created once and moved to `status`."""
    from blocs.models import Covenant
    from tests.factories import covenant_for, issued_document

    covenant = Covenant.objects.filter(bloc_year=by).first() or covenant_for(by)
    if status != covenant.status:
        issued = status == "issued"
        document = issued_document(by, kind="GU", title=covenant.title) if issued else None
        Covenant.objects.filter(pk=covenant.pk).update(status=status, document=document)
    return covenant


def signature_pk(by):
    """An uploaded signed page of the cast's plain member (covenant)."""
    from blocs.models import CovenantSignature
    from emulation.uploads import store_private_file

    covenant = covenant_in(by, "open")
    agency = by.memberships.get(agency__name="Sở Văn hóa, Thể thao và Du lịch").agency
    signature = covenant.signatures.filter(agency=agency).first()
    if signature is None:
        signature = CovenantSignature.objects.create(
            covenant=covenant,
            agency=agency,
            signer_name="Trần Quốc Bảo",
            signed_on="2024-02-05",
            method="upload",
            file=store_private_file(b"%PDF-1.4 test", folder="covenants"),
            file_name="trang-ky.pdf",
        )
    return signature.pk


def registration_pk(by):
    """The cast's plain member's registration."""
    from blocs.models import Registration

    agency = by.memberships.get(agency__name="Sở Văn hóa, Thể thao và Du lịch").agency
    return Registration.objects.get_or_create(bloc_year=by, agency=agency)[0].pk


def eligibility_rule_pk():
    from awards.models import EligibilityRule

    return EligibilityRule.objects.get(kind="quota", award_type__code="CO_CP").pk


def council_list_pk():
    """An issued council list (the staff's list of proposals for the council)."""
    from awards.services.proposals import issue_council_list

    return issue_council_list(2024, actor=None).pk


def award_type_pk():
    from awards.models import AwardType

    return AwardType.objects.get(code="CO_TINH").pk


def member_agency_pk(by):
    return by.memberships.get(agency__name="Sở Văn hóa, Thể thao và Du lịch").agency_id


MATRIX = [
    ("home", lambda by: reverse("home"), everyone(200)),
    # documents: public /verify/, the sample BIÊN BẢN, issued-document downloads.
    ("verify", lambda by: reverse("verify"), everyone(200, anonymous=200)),
    (
        "sample_document",
        lambda by: reverse("sample_document", args=[by.pk]),
        bloc_year_readers(),
    ),
    ("issued_document", issued_document_url, bloc_year_readers()),
    ("issued_document_word", word_copy_url, bloc_year_readers()),
    ("healthz", lambda by: reverse("healthz"), everyone(200, anonymous=200)),
    ("login", lambda by: reverse("login"), {**everyone(302), "anonymous": 200}),
    ("password_change", lambda by: reverse("password_change"), everyone(200)),
    ("password_change_done", lambda by: reverse("password_change_done"), everyone(200)),
    ("audit_log", lambda by: reverse("audit_log"), staff_only()),
    ("year_overview", lambda by: reverse("blocs:year_overview"), staff_only()),
    (
        "bloc_year_detail",
        lambda by: reverse("blocs:bloc_year_detail", args=[by.pk]),
        bloc_year_readers(),
    ),
    (
        "bloc_year_apply_election",
        lambda by: reverse("blocs:bloc_year_apply_election", args=[by.pk]),
        {**bloc_year_runners(), "deputy": 403},
    ),
    # covenants and registrations (POST-only names tested in tests/blocs/test_covenant_views.py)
    (
        "covenant_detail",
        lambda by: reverse("blocs:covenant_detail", args=[by.pk]),
        bloc_year_readers(),
    ),
    (
        "covenant_edit",
        lambda by: reverse("blocs:covenant_edit", args=[covenant_in(by).bloc_year_id]),
        bloc_year_runners(),
    ),
    (
        "covenant_pdf",
        lambda by: reverse("blocs:covenant_pdf", args=[covenant_in(by).bloc_year_id]),
        bloc_year_readers(),
    ),
    (
        "covenant_signed_pdf",
        lambda by: reverse(
            "blocs:covenant_signed_pdf", args=[covenant_in(by, "issued").bloc_year_id]
        ),
        bloc_year_readers(),
    ),
    (
        "covenant_sign",
        lambda by: reverse(
            "blocs:covenant_sign",
            args=[covenant_in(by, "open").bloc_year_id, member_agency_pk(by)],
        ),
        {**bloc_year_readers(), "observer": 403},  # an observer signs for no agency
    ),
    (
        "covenant_paper_signatures",
        lambda by: reverse(
            "blocs:covenant_paper_signatures", args=[covenant_in(by, "open").bloc_year_id]
        ),
        bloc_year_runners(),
    ),
    (
        "covenant_signature_file",
        lambda by: reverse("blocs:covenant_signature_file", args=[by.pk, signature_pk(by)]),
        bloc_year_readers(),
    ),
    (
        "covenant_signature_void",
        lambda by: reverse("blocs:covenant_signature_void", args=[by.pk, signature_pk(by)]),
        {**bloc_year_readers(), "observer": 403},
    ),
    (
        "registration_list",
        lambda by: reverse("blocs:registration_list", args=[by.pk]),
        bloc_year_runners(),
    ),
    (
        "registration_mine",
        lambda by: reverse("blocs:registration_mine", args=[by.pk]),
        {**bloc_year_readers(), "staff": 403, "observer": 403},
    ),
    (
        "registration_detail",
        lambda by: reverse("blocs:registration_detail", args=[by.pk, registration_pk(by)]),
        {**bloc_year_readers(), "observer": 403},  # another agency's
    ),
    (
        "registration_edit",
        lambda by: reverse("blocs:registration_edit", args=[by.pk, registration_pk(by)]),
        bloc_year_runners(),
    ),
    ("covenant_template", lambda by: reverse("blocs:covenant_template"), staff_only()),
    ("award_type_list", lambda by: reverse("awards:award_type_list"), staff_only()),
    ("award_type_create", lambda by: reverse("awards:award_type_create"), staff_only()),
    (
        "award_type_edit",
        lambda by: reverse("awards:award_type_edit", args=[award_type_pk()]),
        staff_only(),
    ),
    # structure pages: staff-only registry and bloc management; bloc-year forms.
    ("agency_list", lambda by: reverse("blocs:agency_list"), staff_only()),
    ("agency_create", lambda by: reverse("blocs:agency_create"), staff_only()),
    ("agency_detail", lambda by: reverse("blocs:agency_detail", args=[by.head_id]), staff_only()),
    ("agency_edit", lambda by: reverse("blocs:agency_edit", args=[by.head_id]), staff_only()),
    ("agency_rename", lambda by: reverse("blocs:agency_rename", args=[by.head_id]), staff_only()),
    ("agency_merge", lambda by: reverse("blocs:agency_merge", args=[by.head_id]), staff_only()),
    ("agency_split", lambda by: reverse("blocs:agency_split", args=[by.head_id]), staff_only()),
    (
        "agency_dissolve",
        lambda by: reverse("blocs:agency_dissolve", args=[by.head_id]),
        staff_only(),
    ),
    ("bloc_list", lambda by: reverse("blocs:bloc_list"), staff_only()),
    (
        "rollover_preview",
        lambda by: reverse("blocs:rollover_preview", args=[by.year]),
        staff_only(),
    ),
    (
        "bloc_year_edit",
        lambda by: reverse("blocs:bloc_year_edit", args=[by.pk]),
        {**bloc_year_runners(), "head": 403, "deputy": 403},
    ),
    (
        "member_signatory",
        lambda by: reverse(
            "blocs:member_signatory", args=[by.pk, by.memberships.order_by("pk").first().pk]
        ),
        {**bloc_year_runners(), "deputy": 403},
    ),
    # Excel import/export (POST-only names tested in tests/blocs/test_transfer_views.py)
    ("year_export", lambda by: reverse("blocs:year_export") + f"?year={by.year}", staff_only()),
    ("transfer_home", lambda by: reverse("blocs:transfer_home"), staff_only()),
    ("province_profile", lambda by: reverse("blocs:province_profile"), staff_only()),
    ("sister_merge", lambda by: reverse("blocs:sister_merge"), staff_only()),
    ("bundle_export", lambda by: reverse("awards:bundle_export"), staff_only()),
    ("bundle_import", lambda by: reverse("awards:bundle_import"), staff_only()),
    ("province_statistics", lambda by: reverse("awards:province_statistics"), staff_only()),
    ("import_page", lambda by: reverse("blocs:import_page", args=["agencies"]), staff_only()),
    (
        "import_template",
        lambda by: reverse("blocs:import_template", args=["memberships"]),
        staff_only(),
    ),
    # proposals, review, ledger (POST-only names tested in tests/awards/test_proposals_views.py)
    (
        "bloc_year_proposals",
        lambda by: reverse("awards:bloc_year_proposals", args=[by.pk]),
        bloc_year_readers(),
    ),
    (
        "request_letter_preview",
        lambda by: reverse("awards:request_letter_preview", args=[by.pk]),
        {**bloc_year_runners(), "staff": 302, "head": 302, "deputy": 403},
    ),
    (
        "proposal_bundle",
        lambda by: reverse("awards:proposal_bundle", args=[by.pk, proposal_paper(by).proposal_id]),
        bloc_year_readers(),
    ),
    (
        "achievement_report_pdf",
        lambda by: reverse(
            "awards:achievement_report_pdf", args=[by.pk, proposal_paper(by).proposal_id]
        ),
        bloc_year_readers(),
    ),
    (
        "achievement_report_word",
        lambda by: reverse(
            "awards:achievement_report_word", args=[by.pk, proposal_paper(by).proposal_id]
        ),
        bloc_year_readers(),
    ),
    (
        "proposal_detail",
        lambda by: reverse("awards:proposal_detail", args=[by.pk, proposal_paper(by).proposal_id]),
        bloc_year_readers(),
    ),
    (
        "proposal_document",
        lambda by: reverse("awards:proposal_document", args=[by.pk, proposal_paper(by).pk]),
        bloc_year_readers(),
    ),
    ("proposal_workspace", lambda by: reverse("awards:proposal_workspace"), staff_only()),
    ("council_list_export", lambda by: reverse("awards:council_list_export"), staff_only()),
    ("council_list_pdf", lambda by: reverse("awards:council_list_pdf"), staff_only()),
    (
        "council_list_issued",
        lambda by: reverse("awards:council_list_issued", args=[council_list_pk()]),
        staff_only(),
    ),
    ("ledger", lambda by: reverse("awards:ledger"), staff_only()),
    (
        "award_revoke",
        lambda by: reverse("awards:award_revoke", args=[AwardRecordFactory().pk]),
        staff_only(),
    ),
    ("award_statistics", lambda by: reverse("awards:award_statistics"), staff_only()),
    (
        "award_statistics_export",
        lambda by: reverse("awards:award_statistics_export"),
        staff_only(),
    ),
    ("decision_import", lambda by: reverse("awards:decision_import"), staff_only()),
    (
        "decision_import_template",
        lambda by: reverse("awards:decision_import_template"),
        staff_only(),
    ),
    # voting (POST-only names tested in tests/awards/test_voting_views.py)
    ("conference", lambda by: reverse("awards:conference", args=[by.pk]), bloc_year_readers()),
    (
        "conference_setup",
        lambda by: reverse("awards:conference_setup", args=[by.pk]),
        bloc_year_runners(),
    ),
    (
        "conference_attendance",
        lambda by: reverse("awards:conference_attendance", args=[open_poll(by).bloc_year_id]),
        bloc_year_runners(),
    ),
    (
        "conference_minutes",
        lambda by: reverse("awards:conference_minutes", args=[open_poll(by).bloc_year_id, "count"]),
        bloc_year_runners(),
    ),
    (
        "poll_add",
        lambda by: reverse("awards:poll_add", args=[open_poll(by).bloc_year_id]),
        bloc_year_runners(),
    ),
    (
        "poll_detail",
        lambda by: reverse("awards:poll_detail", args=[by.pk, open_poll(by).pk]),
        bloc_year_readers(),
    ),
    (
        "poll_ballots",
        lambda by: reverse("awards:poll_ballots", args=[by.pk, open_poll(by).pk]),
        bloc_year_runners(),
    ),
    (
        "ballot_edit",
        lambda by: reverse("awards:ballot_edit", args=[by.pk, open_poll(by).pk, 1]),
        bloc_year_runners(),
    ),
    (
        "poll_aggregate",
        lambda by: reverse("awards:poll_aggregate", args=[by.pk, open_poll(by).pk]),
        bloc_year_runners(),
    ),
    (
        "poll_papers",
        lambda by: reverse("awards:poll_papers", args=[by.pk, open_poll(by).pk]),
        bloc_year_runners(),
    ),
    (
        "poll_room",
        lambda by: reverse("awards:poll_room", args=[by.pk, open_poll(by).pk]),
        bloc_year_runners(),
    ),
    ("rule_sets", lambda by: reverse("awards:rule_sets"), staff_only()),
    ("rule_set_add", lambda by: reverse("awards:rule_set_add"), staff_only()),
    (
        "rule_set_edit",
        lambda by: reverse("awards:rule_set_edit", args=[rule_set_pk()]),
        staff_only(),
    ),
    # eligibility rules (toggle is POST-only: tests/awards/test_eligibility_rule_views.py)
    ("eligibility_rules", lambda by: reverse("awards:eligibility_rules"), staff_only()),
    ("eligibility_rule_add", lambda by: reverse("awards:eligibility_rule_add"), staff_only()),
    (
        "eligibility_rule_edit",
        lambda by: reverse("awards:eligibility_rule_edit", args=[eligibility_rule_pk()]),
        staff_only(),
    ),
]


# The URLs that only take a POST; the feature's view tests check what each one does.
POST_MATRIX = [
    ("logout", lambda by: reverse("logout"), everyone(ALLOWED)),
    ("set_language", lambda by: reverse("set_language"), everyone(ALLOWED, anonymous=ALLOWED)),
]


def _feature_rows():
    """Rows kept beside a feature: ROWS (pages) and POST_ROWS of every module in
    tests/matrix_rows/, so features built side by side do not all edit this file."""
    import importlib
    import pkgutil

    import tests.matrix_rows as package

    rows, post_rows = [], []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda info: info.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        rows.extend(getattr(module, "ROWS", []))
        post_rows.extend(getattr(module, "POST_ROWS", []))
    return rows, post_rows


FEATURE_ROWS, FEATURE_POST_ROWS = _feature_rows()
MATRIX += FEATURE_ROWS
POST_MATRIX += FEATURE_POST_ROWS


def _logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def observer(bloc_year):
    """An account named an observer of the cast's bloc-year: it reads, it changes nothing."""
    user = UserFactory(username="theodoi", full_name="Phạm Văn Theo Dõi")
    bloc_year.observers.add(user)
    return user


@pytest.fixture
def matrix_clients(cast_clients, observer):
    return {**cast_clients, "observer": _logged_in(observer)}


@pytest.fixture
def observer_elsewhere_client(other_bloc_year):
    """An observer of the outsider's bloc: in the cast's bloc-year it is an outsider."""
    user = UserFactory(username="theodoi-khac")
    other_bloc_year.observers.add(user)
    return _logged_in(user)


def _assert_status(response, expected, label):
    status = response.status_code
    if expected == ALLOWED:
        assert status not in (403, 404, 405) and status < 500, f"{label}: {status}"
    else:
        assert status == expected, f"{label}: {status}"


def _assert_sent_to_login(response, label):
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL)), label


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "build_url", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_each_role_gets_the_expected_status(
    matrix_clients, bloc_year, role, name, build_url, expected
):
    response = matrix_clients[role].get(build_url(bloc_year))
    _assert_status(response, expected[role], f"{role} on {name}")
    if role == "anonymous" and expected[role] == 302:
        _assert_sent_to_login(response, name)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "build_url", "expected"), POST_MATRIX, ids=[row[0] for row in POST_MATRIX]
)
def test_each_role_gets_the_expected_status_on_post(
    matrix_clients, bloc_year, role, name, build_url, expected
):
    url = build_url(bloc_year)
    audit_rows = AuditEntry.objects.count()
    response = matrix_clients[role].post(url)
    _assert_status(response, expected[role], f"{role} on {name}")
    if expected[role] != ALLOWED:
        assert AuditEntry.objects.count() == audit_rows, f"{role} on {name}: refused, yet logged"
    if role == "anonymous" and expected[role] == 302:
        _assert_sent_to_login(response, name)


@pytest.mark.parametrize(
    ("name", "build_url", "expected"), POST_MATRIX, ids=[row[0] for row in POST_MATRIX]
)
def test_a_post_only_url_refuses_a_get(matrix_clients, bloc_year, name, build_url, expected):
    assert matrix_clients["staff"].get(build_url(bloc_year)).status_code == 405, name


@pytest.mark.parametrize(
    ("name", "build_url", "expected", "method"),
    [(*row, "get") for row in MATRIX] + [(*row, "post") for row in POST_MATRIX],
    ids=[f"get-{row[0]}" for row in MATRIX] + [f"post-{row[0]}" for row in POST_MATRIX],
)
def test_an_observer_of_another_bloc_gets_what_an_outsider_gets(
    matrix_clients, observer_elsewhere_client, bloc_year, name, build_url, expected, method
):
    """The whole cast exists (builders look its users up); only the observer elsewhere asks."""
    response = getattr(observer_elsewhere_client, method)(build_url(bloc_year))
    _assert_status(response, expected["outsider"], f"{method} {name}")


def test_every_named_url_is_in_the_matrix():
    """A URL added without a matrix row fails here, so nobody forgets its permissions."""
    from django.urls import get_resolver

    names = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                if pattern.namespace == "admin":
                    continue
                walk(
                    pattern.url_patterns,
                    f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace,
                )
            elif pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    pages, posts = {row[0] for row in MATRIX}, {row[0] for row in POST_MATRIX}
    missing = {name for name in names if name.split(":")[-1] not in pages | posts}
    assert not missing, f"URLs without a permission-matrix row: {sorted(missing)}"
    assert not pages & posts, f"rows both in MATRIX and POST_MATRIX: {sorted(pages & posts)}"
