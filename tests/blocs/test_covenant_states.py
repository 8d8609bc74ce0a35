"""The covenant's state machine, frozen text, signatures, reopening, and the province template."""

import datetime
import threading
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from blocs.models import Covenant, CovenantClause, CovenantSignature, CovenantTemplate
from blocs.services import covenants as services
from emulation.models import AuditEntry
from tests.factories import bloc_year_with_members, covenant_for

S = Covenant.Status
ALL_PAIRS = [(old, new) for old in S for new in S if old != new]
DAY = datetime.date(2024, 2, 5)


def _members(bloc_year):
    return [m.agency for m in services.members_of(bloc_year)]


def _covenant_in(bloc_year, status, actor, *, all_signed=False):
    """A covenant put straight into `status` (the way there is tested separately)."""
    covenant = covenant_for(bloc_year, actor=actor)
    if all_signed or status in (S.SIGNED, S.ISSUED):
        for agency in _members(bloc_year):
            CovenantSignature.objects.create(
                covenant=covenant,
                agency=agency,
                signer_name="Nguyễn Văn A",
                signed_on=DAY,
                method=CovenantSignature.Method.PAPER,
            )
    Covenant.objects.filter(pk=covenant.pk).update(status=status)
    covenant.refresh_from_db()
    return covenant


@pytest.mark.parametrize(("old", "new"), ALL_PAIRS, ids=[f"{o}->{n}" for o, n in ALL_PAIRS])
def test_every_covenant_move_is_allowed_or_refused_by_the_table(
    bloc_year, province_staff, old, new
):
    covenant = _covenant_in(bloc_year, old, province_staff, all_signed=new == S.SIGNED)
    allowed = Covenant.WORKFLOW.allows(old, new)
    if new == S.ISSUED and allowed:
        # Issuing needs the issued document: issue_covenant creates it, the bare move refuses.
        with pytest.raises(ValidationError, match="chưa được phát hành"):
            services.transition_covenant(covenant, new, actor=province_staff)
        return
    if (old, new) == (S.SIGNED, S.OPEN):
        # Back to signing only once a signature was voided (void_signature does that).
        with pytest.raises(ValidationError, match="Mọi thành viên đã ký"):
            services.transition_covenant(covenant, new, actor=province_staff, reason="x")
        covenant.signatures.first().delete()
    if allowed:
        services.transition_covenant(covenant, new, actor=province_staff, reason="Sửa sai sót")
        covenant.refresh_from_db()
        assert covenant.status == new
    else:
        with pytest.raises(ValidationError, match="Không thể chuyển giao ước"):
            services.transition_covenant(covenant, new, actor=province_staff, reason="x")
        covenant.refresh_from_db()
        assert covenant.status == old


def test_the_transition_table_matches_the_workflow():
    assert {
        S.DRAFT: {S.OPEN},
        S.OPEN: {S.DRAFT, S.SIGNED},
        S.SIGNED: {S.ISSUED, S.DRAFT, S.OPEN},
        S.ISSUED: {S.DRAFT},
    } == Covenant.WORKFLOW.moves


def test_a_draft_is_copied_from_the_province_template_with_year_and_bloc_filled_in(
    bloc_year, bloc_head
):
    template = CovenantTemplate.current()
    covenant = services.create_covenant(bloc_year, actor=bloc_head)
    assert covenant.title == "Giao ước thi đua năm 2024"
    assert "Khối thi đua Văn hóa - Xã hội" in covenant.preamble
    assert "{year}" not in covenant.preamble
    texts = [clause.text for clause in covenant.clauses.all()]
    assert len(texts) == template.clauses.count() >= 7
    assert any("cải cách hành chính" in text for text in texts)
    assert any("tiết kiệm" in text and "tham nhũng" in text for text in texts)
    assert AuditEntry.objects.for_object(covenant).filter(action="blocs.covenant.created").exists()


def test_a_bloc_year_has_only_one_covenant(bloc_year, bloc_head):
    services.create_covenant(bloc_year, actor=bloc_head)
    with pytest.raises(ValidationError, match="đã có giao ước"):
        services.create_covenant(bloc_year, actor=bloc_head)


def test_the_head_edits_reorders_and_deletes_clauses_while_draft(bloc_year, bloc_head):
    covenant = covenant_for(bloc_year, actor=bloc_head)
    services.update_covenant(
        covenant,
        title="Giao ước thi đua năm 2024",
        conference_date=DAY,
        conference_place="Hội trường Sở Y tế",
        preamble="Lời mở đầu",
        clauses=["Điều thứ hai", "Điều thứ nhất", "  ", "Nhiệm vụ trọng tâm mới"],
        actor=bloc_head,
    )
    covenant.refresh_from_db()
    assert [c.text for c in covenant.clauses.all()] == [
        "Điều thứ hai",
        "Điều thứ nhất",
        "Nhiệm vụ trọng tâm mới",
    ]
    entry = AuditEntry.objects.for_object(covenant).get(action="blocs.covenant.updated")
    assert "clauses" in entry.data and "conference_place" in entry.data


def test_nfd_input_is_stored_as_nfc(bloc_year, bloc_head):
    import unicodedata

    covenant = covenant_for(bloc_year, actor=bloc_head)
    nfd = unicodedata.normalize("NFD", "Hội nghị tại Sở Y tế")
    services.update_covenant(
        covenant,
        title=unicodedata.normalize("NFD", "Giao ước thi đua năm 2024"),
        conference_date=None,
        conference_place=nfd,
        preamble=nfd,
        clauses=[nfd],
        actor=bloc_head,
    )
    covenant.refresh_from_db()
    assert covenant.conference_place == "Hội nghị tại Sở Y tế"
    assert covenant.clauses.get().text == "Hội nghị tại Sở Y tế"
    assert covenant.title == "Giao ước thi đua năm 2024"


@pytest.mark.parametrize("status", [S.OPEN, S.SIGNED, S.ISSUED])
def test_editing_a_frozen_text_is_refused(bloc_year, bloc_head, status):
    covenant = _covenant_in(bloc_year, status, bloc_head)
    before = [c.text for c in covenant.clauses.all()]
    with pytest.raises(ValidationError, match="nội dung đã khóa"):
        services.update_covenant(
            covenant,
            title="Khác",
            conference_date=None,
            conference_place="",
            preamble="",
            clauses=["Điều khoản chen vào"],
            actor=bloc_head,
        )
    covenant.refresh_from_db()
    assert covenant.title == "Giao ước thi đua năm 2024"
    assert [c.text for c in covenant.clauses.all()] == before


def test_a_covenant_without_clauses_cannot_open(bloc_year, bloc_head):
    covenant = covenant_for(bloc_year, actor=bloc_head)
    covenant.clauses.all().delete()
    with pytest.raises(ValidationError, match="chưa có điều khoản"):
        services.open_covenant(covenant, actor=bloc_head)


def test_the_covenant_becomes_signed_when_the_last_member_signs(bloc_year, bloc_head):
    covenant = covenant_for(bloc_year, status="open", actor=bloc_head)
    agencies = _members(bloc_year)
    services.record_paper_signatures(covenant, agencies[:-1], signed_on=DAY, actor=bloc_head)
    covenant.refresh_from_db()
    assert covenant.status == S.OPEN
    assert str(services.signing_progress(covenant, len(agencies))) == "4/5 đã ký"
    services.record_signature(
        covenant, agencies[-1], method="paper", signed_on=DAY, actor=bloc_head
    )
    covenant.refresh_from_db()
    assert covenant.status == S.SIGNED
    actions = set(AuditEntry.objects.for_object(covenant).values_list("action", flat=True))
    assert {"blocs.covenant.signature_recorded", "blocs.covenant.signed"} <= actions


def test_the_signer_defaults_to_the_memberships_signatory(bloc_year, bloc_head):
    covenant = covenant_for(bloc_year, status="open", actor=bloc_head)
    membership = services.members_of(bloc_year)[0]
    signature = services.record_signature(
        covenant, membership.agency, method="paper", signed_on=DAY, actor=bloc_head
    )
    assert signature.signer_name == membership.signatory_name
    assert signature.signer_title == membership.signatory_title


def test_a_member_cannot_sign_twice(bloc_year, bloc_head):
    covenant = covenant_for(bloc_year, status="open", actor=bloc_head)
    agency = _members(bloc_year)[0]
    services.record_signature(covenant, agency, method="paper", signed_on=DAY, actor=bloc_head)
    with pytest.raises(ValidationError, match="đã ký giao ước"):
        services.record_signature(covenant, agency, method="paper", signed_on=DAY, actor=bloc_head)
    assert covenant.signatures.count() == 1


def test_an_agency_outside_the_bloc_cannot_sign(bloc_year, other_bloc_year, bloc_head):
    covenant = covenant_for(bloc_year, status="open", actor=bloc_head)
    with pytest.raises(ValidationError, match="không phải là thành viên"):
        services.record_signature(
            covenant, other_bloc_year.head, method="paper", signed_on=DAY, actor=bloc_head
        )


@pytest.mark.parametrize("status", [S.DRAFT, S.SIGNED])
def test_signatures_are_refused_unless_the_covenant_is_open(bloc_year, bloc_head, status):
    covenant = _covenant_in(bloc_year, status, bloc_head)
    agency = _members(bloc_year)[0]
    covenant.signatures.all().delete()
    with pytest.raises(ValidationError, match="không ghi nhận chữ ký"):
        services.record_signature(covenant, agency, method="paper", signed_on=DAY, actor=bloc_head)


def test_an_upload_signature_needs_a_file(bloc_year, bloc_head):
    covenant = covenant_for(bloc_year, status="open", actor=bloc_head)
    with pytest.raises(ValidationError):
        services.record_signature(
            covenant, _members(bloc_year)[0], method="upload", signed_on=DAY, actor=bloc_head
        )
    assert not covenant.signatures.exists()


def test_reopening_needs_a_reason_and_voids_every_signature(bloc_year, province_staff):
    covenant = covenant_for(bloc_year, status="signed", actor=province_staff)
    assert covenant.status == S.SIGNED
    with pytest.raises(ValidationError, match="lý do"):
        services.reopen_covenant(covenant, reason="  ", actor=province_staff)
    services.reopen_covenant(covenant, reason="Sai tên đơn vị", actor=province_staff)
    covenant.refresh_from_db()
    assert covenant.status == S.DRAFT
    assert covenant.signatures.count() == 5
    assert not covenant.signatures.filter(voided_at__isnull=True).exists()
    assert set(covenant.signatures.values_list("void_reason", flat=True)) == {"Sai tên đơn vị"}
    entry = AuditEntry.objects.for_object(covenant).get(action="blocs.covenant.reopened")
    assert entry.data["reason"] == "Sai tên đơn vị"
    assert len(entry.data["voided_signatures"]) == 5
    # Signed again after reopening: the voided rows do not block new signatures.
    services.open_covenant(covenant, actor=province_staff)
    services.record_paper_signatures(
        covenant, _members(bloc_year), signed_on=DAY, actor=province_staff
    )
    covenant.refresh_from_db()
    assert covenant.status == S.SIGNED


def test_a_wrong_signature_is_voided_alone_and_the_member_signs_again(bloc_year, bloc_head):
    covenant = covenant_for(bloc_year, status="open", actor=bloc_head)
    first, second = _members(bloc_year)[:2]
    services.record_paper_signatures(covenant, [first, second], signed_on=DAY, actor=bloc_head)
    wrong = covenant.signatures.get(agency=first)
    services.void_signature(
        covenant, wrong, reason=unicodedata.normalize("NFD", "Ghi nhầm  người ký"), actor=bloc_head
    )
    wrong.refresh_from_db()
    assert wrong.voided_at is not None and wrong.void_reason == "Ghi nhầm người ký"
    assert covenant.signatures.get(agency=second).voided_at is None
    covenant.refresh_from_db()
    assert covenant.status == S.OPEN
    entry = AuditEntry.objects.for_object(covenant).get(action="blocs.covenant.signature_voided")
    assert entry.data["agency"] == first.name and entry.data["reason"] == "Ghi nhầm người ký"
    services.record_signature(
        covenant, first, method="paper", signer_name="Lê Thị Hoa", signed_on=DAY, actor=bloc_head
    )
    assert covenant.signatures.filter(agency=first).count() == 2
    assert covenant.signatures.get(agency=first, voided_at__isnull=True).signer_name == "Lê Thị Hoa"


def test_voiding_a_signature_of_a_signed_covenant_reopens_signing_only(bloc_year, bloc_head):
    covenant = covenant_for(bloc_year, status="signed", actor=bloc_head)
    opened_at = covenant.opened_at
    texts = [clause.text for clause in covenant.clauses.all()]
    first = _members(bloc_year)[0]
    services.void_signature(
        covenant, covenant.signatures.get(agency=first), reason="Sai ngày ký", actor=bloc_head
    )
    covenant.refresh_from_db()
    assert covenant.status == S.OPEN
    assert covenant.signed_at is None and covenant.opened_at == opened_at
    assert [clause.text for clause in covenant.clauses.all()] == texts
    assert covenant.signatures.filter(voided_at__isnull=True).count() == 4
    assert (
        AuditEntry.objects.for_object(covenant)
        .filter(action="blocs.covenant.back_to_signing", data__reason="Sai ngày ký")
        .exists()
    )
    services.record_paper_signatures(covenant, [first], signed_on=DAY, actor=bloc_head)
    covenant.refresh_from_db()
    assert covenant.status == S.SIGNED


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_voiding_a_signature_needs_a_reason(bloc_year, bloc_head, reason):
    covenant = covenant_for(bloc_year, status="signed", actor=bloc_head)
    signature = covenant.signatures.first()
    with pytest.raises(ValidationError, match="lý do hủy chữ ký"):
        services.void_signature(covenant, signature, reason=reason, actor=bloc_head)
    signature.refresh_from_db()
    covenant.refresh_from_db()
    assert signature.voided_at is None and covenant.status == S.SIGNED


def test_an_issued_covenants_signature_cannot_be_voided_alone(bloc_year, bloc_head):
    covenant = covenant_for(bloc_year, status="signed", actor=bloc_head)
    covenant = services.issue_covenant(covenant, actor=bloc_head)
    signature = covenant.signatures.first()
    with pytest.raises(ValidationError, match="chỉ Phòng Thi đua - Khen thưởng, Sở Nội vụ mở lại"):
        services.void_signature(covenant, signature, reason="Sai", actor=bloc_head)
    signature.refresh_from_db()
    assert signature.voided_at is None


def test_a_voided_signature_cannot_be_voided_twice(bloc_year, bloc_head):
    covenant = covenant_for(bloc_year, status="signed", actor=bloc_head)
    signature = covenant.signatures.first()
    services.void_signature(covenant, signature, reason="Sai", actor=bloc_head)
    with pytest.raises(ValidationError, match="đã được hủy trước đó"):
        services.void_signature(covenant, signature, reason="Sai lần nữa", actor=bloc_head)
    assert (
        AuditEntry.objects.for_object(covenant)
        .filter(action="blocs.covenant.signature_voided")
        .count()
        == 1
    )


def test_the_registration_deadline_can_change_in_any_state(bloc_year, bloc_head):
    covenant = covenant_for(bloc_year, status="open", actor=bloc_head)
    services.set_registration_deadline(covenant, DAY, actor=bloc_head)
    assert services.registration_deadline(bloc_year) == DAY


def test_staff_update_the_province_template_and_drafts_keep_their_text(bloc_year, province_staff):
    covenant = covenant_for(bloc_year, actor=province_staff)
    template = CovenantTemplate.current()
    services.update_covenant_template(
        template,
        title_pattern="Giao ước thi đua năm {year}",
        preamble="Mở đầu mới",
        clauses=["Điều mới duy nhất"],
        actor=province_staff,
    )
    assert [c.text for c in template.clauses.all()] == ["Điều mới duy nhất"]
    assert covenant.clauses.count() > 1
    with pytest.raises(ValidationError, match="ít nhất một điều khoản"):
        services.update_covenant_template(
            template, title_pattern="x", preamble="", clauses=[" "], actor=province_staff
        )


def _open_with_a_clause(bloc_year):
    covenant = covenant_for(bloc_year)
    if not covenant.clauses.exists():
        CovenantClause.objects.create(covenant=covenant, order=1, text="Hoàn thành nhiệm vụ")
    return services.open_covenant(covenant, actor=None)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_signatures_at_once_never_duplicate():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    bloc_year = bloc_year_with_members(3)
    covenant = _open_with_a_clause(bloc_year)
    agency = _members(bloc_year)[0]
    barrier = threading.Barrier(2)
    outcomes = []

    def sign():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.record_signature(covenant, agency, method="paper", signed_on=DAY, actor=None)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=sign) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert CovenantSignature.objects.filter(covenant=covenant, agency=agency).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_last_two_signatures_at_once_still_complete_the_covenant():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    bloc_year = bloc_year_with_members(2)
    covenant = _open_with_a_clause(bloc_year)
    barrier = threading.Barrier(2)

    def sign(agency):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.record_signature(covenant, agency, method="paper", signed_on=DAY, actor=None)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=sign, args=(a,)) for a in _members(bloc_year)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    covenant.refresh_from_db()
    assert covenant.status == S.SIGNED
