"""Year-end scoring (tests/awards/test_scoring_views.py checks what each page and act does)."""

from django.urls import reverse

from tests.matrix_rows._helpers import (
    RUNNERS,
    bloc_year_readers,
    bloc_year_runners,
    post_for,
    post_staff_only,
    staff_only,
)


def _members_own_sheet(by):
    """The cast member's own sheet: the province's table adopted and a self-only plan made."""
    from awards.models import ScoreSheet
    from awards.services import scoring
    from emulation.models import User

    staff = User.objects.get(username="canbo")
    if scoring.province_criteria(by.year, by.bloc.kind) is None:
        scoring.save_province_criteria(
            year=by.year,
            bloc_kind=by.bloc.kind,
            title="Bảng tiêu chí",
            rows=[{"code": "I", "title": "Chuyên môn", "max_points": "100"}],
            bonus_cap=None,
            actor=staff,
        )
    if scoring.adopted_criteria(by) is None:
        scoring.adopt_criteria(by, actor=staff)
        scoring.set_scoring_plan(by, method="self_only", actor=staff)
    member = User.objects.get(username="thanhvien")
    return ScoreSheet.objects.get(bloc_year=by, agency=member.agency, scorer=member.agency)


def _sheet_url(name):
    return lambda by: reverse(f"awards:{name}", args=[by.pk, _members_own_sheet(by).pk])


def _evidence_url(by):
    from awards.services import scoring
    from emulation.models import User
    from emulation.uploads import CheckedPdf
    from tests.factories import minimal_pdf

    sheet = _members_own_sheet(by)
    evidence = sheet.evidence.first()
    if evidence is None:
        data = minimal_pdf()
        checked = CheckedPdf(
            data=data, original_name="Minh chứng.pdf", sha256="0" * 64, page_count=1
        )
        criterion = scoring.sheet_criteria(sheet)[0]
        evidence = scoring.add_evidence(
            sheet, criterion, checked, actor=User.objects.get(username="thanhvien")
        )
    return reverse("awards:score_evidence", args=[by.pk, sheet.pk, evidence.pk])


def _score_table_url(by):
    """A plan and the member's own sheet sent, so there is a table to export."""
    from awards.services import scoring
    from emulation.models import User

    sheet = _members_own_sheet(by)
    if sheet.status == sheet.Status.DRAFT:
        member = User.objects.get(username="thanhvien")
        criterion = scoring.sheet_criteria(sheet)[0]
        scoring.save_sheet(sheet, {criterion.pk: ("90", "")}, actor=member)
        scoring.submit_sheet(sheet, actor=member)
    return reverse("awards:score_table_export", args=[by.pk])


def _province_table(name):
    def url(by):
        _members_own_sheet(by)  # the province's table of the cast's year
        from awards.services import scoring

        return reverse(f"awards:{name}", args=[scoring.province_criteria(by.year, by.bloc.kind).pk])

    return url


# A sheet is read by its scorer's users and the bloc's runners; an observer or another member
# does not see how a member scored.
SHEET_READERS = {**bloc_year_readers(), "observer": 403}

ROWS = [
    ("scoring", lambda by: reverse("awards:scoring", args=[by.pk]), bloc_year_readers()),
    ("score_sheet", _sheet_url("score_sheet"), SHEET_READERS),
    ("score_evidence", _evidence_url, SHEET_READERS),
    ("score_table_export", _score_table_url, bloc_year_runners()),
    (
        "scoring_adjust",
        lambda by: _members_own_sheet(by) and reverse("awards:scoring_adjust", args=[by.pk]),
        bloc_year_runners(),
    ),
    # The PDF row; the Word copy is the same view and gate (test_score_table.py opens both).
    (
        "score_table_document",
        lambda by: _score_table_url(by).replace("score-table.xlsx", "score-table.pdf"),
        bloc_year_runners(),
    ),
    ("criteria_sets", lambda by: reverse("awards:criteria_sets"), staff_only()),
    ("criteria_set", _province_table("criteria_set"), staff_only()),
    ("criteria_set_export", _province_table("criteria_set_export"), staff_only()),
    ("criteria_template", lambda by: reverse("awards:criteria_template"), staff_only()),
    ("criteria_import", lambda by: reverse("awards:criteria_import"), staff_only()),
]

POST_ROWS = [
    *(
        (name, lambda by, name=name: reverse(f"awards:{name}", args=[by.pk]), post_for(*RUNNERS))
        for name in ("scoring_adopt", "scoring_plan", "score_resolve", "score_leading")
    ),
    ("score_sheet_review", _sheet_url("score_sheet_review"), post_for(*RUNNERS)),
    ("criteria_confirm", _province_table("criteria_confirm"), post_staff_only()),
    ("criteria_copy", lambda by: reverse("awards:criteria_copy"), post_staff_only()),
    *(
        (name, lambda by, name=name: reverse(f"awards:{name}"), post_staff_only())
        for name in ("criteria_import_commit", "criteria_import_cancel")
    ),
]
