"""The bloc adjusts its copy of the table before the first sheet is sent: wording, maxima,
evidence, removals and the bonus cap; each save a new audited version; wrong input is named
and nothing is lost; once a sheet is sent the copy stays."""

import unicodedata
from decimal import Decimal

from django.urls import reverse

from awards.models import ScoreSheet
from awards.services import scoring as services
from emulation.models import AuditEntry
from tests.awards.test_scoring_services import _evidence
from tests.awards.test_scoring_views import FULL, _entries


def _form(bloc_year, **changes):
    """The adjust form's POST as the copy stands, with `changes` keyed by code."""
    data = {"bonus_cap": "3"}
    for criterion in services.adopted_criteria(bloc_year).criteria.all():
        if criterion.scored:
            data[f"t{criterion.pk}"] = criterion.title
            data[f"m{criterion.pk}"] = f"{criterion.max_points.normalize():f}"
            if criterion.evidence_required:
                data[f"e{criterion.pk}"] = "on"
            for prefix, value in changes.get(criterion.code, {}).items():
                data[f"{prefix}{criterion.pk}"] = value
                if value is None:
                    del data[f"{prefix}{criterion.pk}"]
    return data


def test_the_head_adjusts_the_copy_as_a_new_version(planned, head_client):
    url = reverse("awards:scoring_adjust", args=[planned.pk])
    assert head_client.get(url).status_code == 200
    title = unicodedata.normalize("NFD", "Hoàn thành chỉ tiêu kế hoạch được giao")
    data = _form(
        planned,
        **{"I.1": {"m": "35", "t": title}, "III.1": {"r": "on"}, "II.1": {"e": None}},
    )
    data["bonus_cap"] = ""
    response = head_client.post(url, data)
    assert response.status_code == 302
    copy = services.adopted_criteria(planned)
    assert copy.version == 2 and copy.bonus_cap is None
    rows = {c.code: c for c in copy.criteria.all()}
    assert "III.1" not in rows and "III" in rows  # the heading stays
    assert rows["I.1"].max_points == 35 and rows["I.1"].title == unicodedata.normalize("NFC", title)
    assert not rows["II.1"].evidence_required
    entry = AuditEntry.objects.filter(action="awards.criteria.adopted").latest("pk")
    assert entry.data["adjusted"] is True and entry.data["version"] == 2


def test_wrong_points_are_named_and_nothing_is_saved(planned, head_client, member_client):
    url = reverse("awards:scoring_adjust", args=[planned.pk])
    assert member_client.get(url).status_code == 403
    response = head_client.post(url, _form(planned, **{"I.1": {"m": "bốn mươi"}}))
    assert response.status_code == 400
    assert "“bốn mươi” không phải là số" in response.content.decode()
    assert 'value="bốn mươi"' in response.content.decode()  # what was typed stays
    too_many = head_client.post(url, _form(planned, **{"I.1": {"m": "5000"}}))
    assert "phải từ 0 đến 1000" in too_many.content.decode()
    assert services.adopted_criteria(planned).version == 1


def test_once_a_sheet_is_sent_the_copy_stays(planned, bloc_head, head_client):
    sheet = ScoreSheet.objects.get(
        bloc_year=planned, agency=bloc_head.agency, scorer=bloc_head.agency
    )
    services.save_sheet(sheet, _entries(sheet, FULL), actor=bloc_head)
    _evidence(sheet)
    services.submit_sheet(sheet, actor=bloc_head)
    url = reverse("awards:scoring_adjust", args=[planned.pk])
    assert "không đổi được nữa" in head_client.get(url).content.decode()
    response = head_client.post(url, _form(planned, **{"I.1": {"m": "35"}}), follow=True)
    assert "không thể đổi bảng tiêu chí" in response.content.decode()
    assert services.adopted_criteria(planned).criteria.get(code="I.1").max_points == Decimal(40)


def test_an_adjustment_keeps_the_drafts_that_still_fit(planned, member, head_client):
    """Typed points stay where the criterion keeps its code and way of scoring and the points
    fit the new maximum; evidence follows its criterion; a removed criterion's go."""
    sheet = ScoreSheet.objects.get(bloc_year=planned, agency=member.agency, scorer=member.agency)
    services.save_sheet(sheet, _entries(sheet, {**FULL, "I_1": "38"}), actor=member)
    _evidence(sheet)  # on II.1
    url = reverse("awards:scoring_adjust", args=[planned.pk])
    head_client.post(url, _form(planned, **{"I.1": {"m": "35"}, "IV.1": {"r": "on"}}))
    copy = services.adopted_criteria(planned)
    assert copy.version == 2 and copy.based_on.version == 1
    kept = {
        score.criterion.code: score.points for score in sheet.scores.select_related("criterion")
    }
    assert all(score.criterion.criteria_set_id == copy.pk for score in sheet.scores.all())
    # I.1's 38 no longer fits 35; IV.1 is gone; the rest stay as typed.
    assert kept == {"I.2": 18, "II.1": 10, "III.1": 4}
    assert sheet.evidence.get().criterion.criteria_set_id == copy.pk
