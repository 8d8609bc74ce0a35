"""Registrations: the state machine, the deadline, titles and targets, the summary."""

import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError

from awards.models import AwardType
from blocs.models import Registration
from blocs.services import covenants as services
from emulation.models import AuditEntry
from tests.factories import covenant_for

R = Registration.Status
ALL_PAIRS = [(old, new) for old in R for new in R if old != new]
TARGET = {"indicator": "Doanh thu", "value": "1.200", "unit": "tỷ đồng", "note": ""}


def _agency(bloc_year, name="Sở Văn hóa, Thể thao và Du lịch"):
    return bloc_year.memberships.get(agency__name=name).agency


def _types(*codes):
    return list(AwardType.objects.filter(code__in=codes))


def _registration(bloc_year, actor, *, agency=None, status=R.DRAFT):
    registration = services.save_registration(
        bloc_year,
        agency or _agency(bloc_year),
        titles=_types("CO_TINH"),
        targets=[TARGET],
        actor=actor,
    )
    Registration.objects.filter(pk=registration.pk).update(status=status)
    registration.refresh_from_db()
    return registration


def _move(registration, new, actor):
    if new == R.SUBMITTED:
        return services.submit_registration(registration, actor=actor)
    if new == R.ACCEPTED:
        return services.accept_registration(registration, actor=actor)
    if new == R.RETURNED:
        return services.return_registration(registration, reason="Thiếu chỉ tiêu", actor=actor)
    return services._transition_registration(registration, new, actor=actor)


@pytest.mark.parametrize(("old", "new"), ALL_PAIRS, ids=[f"{o}->{n}" for o, n in ALL_PAIRS])
def test_every_registration_move_is_allowed_or_refused_by_the_table(bloc_year, bloc_head, old, new):
    registration = _registration(bloc_year, bloc_head, status=old)
    if Registration.WORKFLOW.allows(old, new):
        _move(registration, new, bloc_head)
        registration.refresh_from_db()
        assert registration.status == new
    else:
        with pytest.raises(ValidationError, match="Không thể chuyển bản đăng ký"):
            _move(registration, new, bloc_head)
        registration.refresh_from_db()
        assert registration.status == old


def test_the_transition_table_matches_the_workflow():
    assert {
        R.DRAFT: {R.SUBMITTED},
        R.SUBMITTED: {R.ACCEPTED, R.RETURNED},
        R.RETURNED: {R.SUBMITTED},
        R.ACCEPTED: set(),
    } == Registration.WORKFLOW.moves


def test_a_member_registers_submits_is_returned_and_resubmits(bloc_year, member, bloc_head):
    registration = services.save_registration(
        bloc_year,
        member.agency,
        titles=_types("CO_CP", "TTLDXS"),
        targets=[TARGET, {"indicator": "Xây dựng mô hình dân vận khéo", "value": "01"}],
        actor=member,
    )
    assert registration.status == R.DRAFT
    assert [str(t) for t in registration.targets.all()] == [
        "Doanh thu 1.200 tỷ đồng",
        "Xây dựng mô hình dân vận khéo 01",
    ]
    services.submit_registration(registration, actor=member)
    with pytest.raises(ValidationError, match="lý do"):
        services.return_registration(registration, reason=" ", actor=bloc_head)
    services.return_registration(registration, reason="Bổ sung chỉ tiêu", actor=bloc_head)
    registration.refresh_from_db()
    assert registration.return_reason == "Bổ sung chỉ tiêu"
    services.save_registration(
        bloc_year, member.agency, titles=_types("CO_CP"), targets=[TARGET], actor=member
    )
    services.submit_registration(registration, actor=member)
    services.accept_registration(registration, actor=bloc_head)
    actions = list(
        AuditEntry.objects.for_object(registration)
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "blocs.registration.saved",
        "blocs.registration.submitted",
        "blocs.registration.returned",
        "blocs.registration.saved",
        "blocs.registration.resubmitted",
        "blocs.registration.accepted",
    ]


def test_a_submitted_registration_cannot_be_edited_by_the_member(bloc_year, member):
    registration = _registration(bloc_year, member, status=R.SUBMITTED)
    with pytest.raises(ValidationError, match="không sửa được"):
        services.save_registration(
            bloc_year, member.agency, titles=_types("CO_CP"), targets=[], actor=member
        )
    assert list(registration.titles.values_list("code", flat=True)) == ["CO_TINH"]


def test_an_empty_registration_cannot_be_submitted(bloc_year, member):
    registration = services.save_registration(
        bloc_year, member.agency, titles=[], targets=[], actor=member
    )
    with pytest.raises(ValidationError, match="ít nhất một danh hiệu"):
        services.submit_registration(registration, actor=member)


def test_individual_titles_cannot_be_registered_by_a_collective(bloc_year, member):
    with pytest.raises(ValidationError, match="không dành cho tập thể"):
        services.save_registration(
            bloc_year, member.agency, titles=_types("CSTD_TINH"), targets=[], actor=member
        )
    assert not Registration.objects.exists()


def test_a_target_without_an_indicator_is_refused(bloc_year, member):
    with pytest.raises(ValidationError, match="thiếu tên chỉ tiêu"):
        services.save_registration(
            bloc_year,
            member.agency,
            titles=[],
            targets=[{"indicator": "", "value": "5", "unit": "%"}],
            actor=member,
        )


def test_an_agency_outside_the_bloc_cannot_register(bloc_year, other_bloc_year, outsider):
    with pytest.raises(ValidationError, match="không phải là thành viên"):
        services.save_registration(
            bloc_year, other_bloc_year.head, titles=[], targets=[TARGET], actor=outsider
        )


def test_nfd_targets_are_stored_as_nfc(bloc_year, member):
    nfd = unicodedata.normalize("NFD", "Tỷ lệ hồ sơ đúng hạn")
    registration = services.save_registration(
        bloc_year,
        member.agency,
        titles=[],
        targets=[
            {"indicator": nfd, "value": "100", "unit": unicodedata.normalize("NFD", "phần trăm")}
        ],
        actor=member,
    )
    target = registration.targets.get()
    assert target.indicator == "Tỷ lệ hồ sơ đúng hạn"
    assert target.unit == "phần trăm"


def test_after_the_deadline_only_the_head_changes_a_registration_with_a_reason(
    bloc_year, member, bloc_head
):
    covenant = covenant_for(bloc_year, actor=bloc_head)
    registration = _registration(bloc_year, member)
    services.set_registration_deadline(covenant, datetime.date(2020, 1, 1), actor=bloc_head)
    with pytest.raises(ValidationError, match="Đã hết hạn đăng ký"):
        services.save_registration(
            bloc_year, member.agency, titles=[], targets=[TARGET], actor=member
        )
    with pytest.raises(ValidationError, match="Đã hết hạn đăng ký"):
        services.submit_registration(registration, actor=member)
    with pytest.raises(ValidationError):
        services.save_registration(
            bloc_year, member.agency, titles=[], targets=[TARGET], actor=bloc_head, on_behalf=True
        )
    services.save_registration(
        bloc_year,
        member.agency,
        titles=_types("CO_CP"),
        targets=[TARGET],
        actor=bloc_head,
        on_behalf=True,
        reason="Đơn vị gửi văn bản giấy đúng hạn",
    )
    services.submit_registration(
        registration, actor=bloc_head, on_behalf=True, reason="Gửi thay theo văn bản giấy"
    )
    registration.refresh_from_db()
    assert registration.status == R.SUBMITTED
    entry = AuditEntry.objects.for_object(registration).filter(action="blocs.registration.saved")
    assert entry.first().data["reason"] == "Đơn vị gửi văn bản giấy đúng hạn"


def test_the_summary_counts_titles_and_lists_who_has_not_registered(bloc_year, bloc_head):
    names = ["Sở Y tế", "Sở Giáo dục và Đào tạo", "Bảo hiểm xã hội tỉnh"]
    for name in names:
        registration = _registration(bloc_year, bloc_head, agency=_agency(bloc_year, name))
        registration.titles.set(_types("CO_CP"))
        services.submit_registration(registration, actor=bloc_head)
    _registration(bloc_year, bloc_head)  # a draft does not count
    summary = services.registration_summary(bloc_year)
    [line] = summary.titles
    assert line.award_type.code == "CO_CP"
    assert line.count == 3
    assert [a.name for a in line.agencies] == [
        "Bảo hiểm xã hội tỉnh",
        "Sở Giáo dục và Đào tạo",
        "Sở Y tế",
    ]
    assert [a.name for a in summary.not_registered] == [
        "Đài Phát thanh và Truyền hình tỉnh",
        "Sở Văn hóa, Thể thao và Du lịch",
    ]


def test_the_pages_summary_and_the_annex_summary_agree(
    bloc_year, bloc_head, django_assert_num_queries
):
    """The bloc-year panel reads ids and title rows; the covenant annex reads whole registrations.
    Both go through one `summarize`, so a title or a member can never differ between them."""
    from blocs.covenant_reads import annex_registrations

    for name, codes in (
        ("Sở Y tế", ["CO_CP", "CO_TINH"]),
        ("Bảo hiểm xã hội tỉnh", []),
        ("Sở Giáo dục và Đào tạo", ["CO_TINH"]),
    ):
        registration = _registration(bloc_year, bloc_head, agency=_agency(bloc_year, name))
        registration.titles.set(_types(*codes))
        services.submit_registration(registration, actor=bloc_head)
    _registration(bloc_year, bloc_head).titles.set(_types("CO_CP"))  # a draft does not count
    memberships = services.members_of(bloc_year)
    with django_assert_num_queries(2):
        page = services.registration_summary(bloc_year, memberships)
    annex, registrations = annex_registrations(bloc_year, memberships)

    def seen(summary):
        return (
            [(line.award_type.code, [a.name for a in line.agencies]) for line in summary.titles],
            [a.name for a in summary.not_registered],
            summary.member_count,
        )

    assert seen(page) == seen(annex)
    assert {line.award_type.code: line.count for line in page.titles} == {"CO_CP": 1, "CO_TINH": 2}
    assert "Bảo hiểm xã hội tỉnh" not in seen(page)[1]  # registered with targets only
    assert len(registrations) == 3
