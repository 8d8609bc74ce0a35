"""Writes for covenants, their signatures and the members' registrations, plus the reads the
bloc-year page, the overview and the PDF share (registration summary, signing progress).

Every write is atomic, takes a keyword-only `actor`, checks the state machine on the model and
writes its audit entry in the same transaction. Refusals are `ValidationError`s with a Vietnamese
message a view can show as is. Permission checks (who may act for which agency) stay in views.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from blocs.covenant_reads import (  # noqa: F401  (pages read them through the services)
    RegistrationSummary,
    TitleLine,
    members_of,
    registration_summary,
)
from blocs.models import (
    Agency,
    AwardType,
    BlocYear,
    Covenant,
    CovenantClause,
    CovenantSignature,
    CovenantTemplate,
    CovenantTemplateClause,
    Deadline,
    Membership,
    Registration,
    RegistrationTarget,
)
from blocs.pdf import signed_covenant_renderer, uploaded_pages
from blocs.services.calendar import check_within_province
from blocs.services.notices import registration_moved
from emulation.audit import diff, log_action, snapshot
from emulation.documents import issue_document, void_document
from emulation.docx import render_docx
from emulation.signing import inspect_signatures
from emulation.text import collapse_spaces, nfc
from emulation.uploads import CheckedPdf, discard_private_file, store_private_file
from emulation.workflow import check_move, transition

COVENANT_TEXT_FIELDS = ("title", "conference_date", "conference_place", "preamble")
TEMPLATE_FIELDS = ("title_pattern", "preamble")
TARGET_FIELDS = ("indicator", "value", "unit", "note")


def _day(value: datetime.date) -> str:
    return date_format(value, "d/m/Y")


def _clean_lines(texts) -> list[str]:
    return [nfc(text) for text in texts if nfc(text or "")]


def _fill(text: str, bloc_year: BlocYear) -> str:
    return text.replace("{year}", str(bloc_year.year)).replace("{bloc}", bloc_year.bloc.name)


def registration_deadline(bloc_year: BlocYear) -> datetime.date | None:
    covenant = Covenant.objects.filter(bloc_year=bloc_year).only("registration_deadline").first()
    return covenant.registration_deadline if covenant else None


def deadline_passed(bloc_year: BlocYear, *, today: datetime.date | None = None) -> bool:
    deadline = registration_deadline(bloc_year)
    return bool(deadline and (today or timezone.localdate()) > deadline)


# Registrations -----------------------------------------------------------------------------------


def _registration_state(registration: Registration) -> dict:
    return {
        "titles": sorted(award_type.code for award_type in registration.titles.all()),
        "targets": [str(target) for target in registration.targets.all()],
        "note": registration.note,
    }


def _check_member(bloc_year: BlocYear, agency: Agency) -> None:
    if not bloc_year.memberships.filter(agency=agency).exists():
        raise ValidationError(
            _("%(agency)s không phải là thành viên của %(bloc_year)s.")
            % {"agency": agency, "bloc_year": bloc_year}
        )


def _check_window(bloc_year: BlocYear, *, on_behalf: bool, reason: str) -> None:
    """After the deadline only the bloc head (or staff) changes a registration, with a reason."""
    if on_behalf:
        if not nfc(reason or ""):
            raise ValidationError(
                {"reason": _("Nhập lý do khi trưởng khối sửa hoặc gửi thay bản đăng ký.")}
            )
        return
    if deadline_passed(bloc_year):
        raise ValidationError(
            _(
                "Đã hết hạn đăng ký thi đua (%(deadline)s). Chỉ trưởng khối có thể sửa bản đăng "
                "ký; vui lòng liên hệ trưởng khối."
            )
            % {"deadline": _day(registration_deadline(bloc_year))}
        )


def _locked_registration(bloc_year: BlocYear, agency: Agency) -> Registration:
    registration, _created = Registration.objects.get_or_create(bloc_year=bloc_year, agency=agency)
    return Registration.objects.select_for_update().get(pk=registration.pk)


@transaction.atomic
def save_registration(
    bloc_year: BlocYear,
    agency: Agency,
    *,
    titles,
    targets: list[dict],
    note: str = "",
    actor,
    on_behalf: bool = False,
    reason: str = "",
) -> Registration:
    """Create or replace a member's titles and targets.

    A member edits its own draft or returned registration before the deadline; the head
    (`on_behalf`) may edit any registration at any time, with a reason that the audit keeps.
    """
    _check_member(bloc_year, agency)
    _check_window(bloc_year, on_behalf=on_behalf, reason=reason)
    registration = _locked_registration(bloc_year, agency)
    if not on_behalf and registration.status not in Registration.MEMBER_EDITABLE:
        raise ValidationError(
            _(
                "Bản đăng ký đang ở trạng thái “%(status)s”, không sửa được. Nếu cần thay đổi, "
                "đề nghị trưởng khối trả lại bản đăng ký."
            )
            % {"status": registration.get_status_display()}
        )
    titles = list(titles)
    allowed = set(AwardType.objects.active().collective().values_list("pk", flat=True))
    refused = [award_type for award_type in titles if award_type.pk not in allowed]
    if refused:
        raise ValidationError(
            {
                "titles": _(
                    "Không đăng ký được: %(titles)s (không dành cho tập thể hoặc đã ngừng sử dụng)."
                )
                % {"titles": ", ".join(str(award_type) for award_type in refused)}
            }
        )
    rows = []
    for index, target in enumerate(targets, start=1):
        values = {key: collapse_spaces(target.get(key) or "") for key in TARGET_FIELDS}
        if not any(values.values()):
            continue
        if not values["indicator"]:
            raise ValidationError(
                {"targets": _("Chỉ tiêu thứ %(number)s thiếu tên chỉ tiêu.") % {"number": index}}
            )
        rows.append(RegistrationTarget(registration=registration, order=len(rows) + 1, **values))
    before = _registration_state(registration)
    registration.note = nfc(note or "")
    registration.save()
    registration.titles.set(titles)
    registration.targets.all().delete()
    RegistrationTarget.objects.bulk_create(rows)
    registration = Registration.objects.for_list().get(pk=registration.pk)
    data = diff(before, _registration_state(registration))
    if on_behalf:
        data["reason"] = nfc(reason)
    log_action("blocs.registration.saved", registration, actor=actor, data=data)
    return registration


def _transition_registration(registration, status, *, actor, reason="") -> Registration:
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    check_move(registration, status)
    old = registration.status
    now = timezone.now()
    changes = (
        {"submitted_at": now} if status == Registration.Status.SUBMITTED else {"reviewed_at": now}
    )
    if status == Registration.Status.RETURNED:
        changes["return_reason"] = nfc(reason)
    action = {
        Registration.Status.SUBMITTED: "resubmitted"
        if old == Registration.Status.RETURNED
        else "submitted",
        Registration.Status.ACCEPTED: "accepted",
        Registration.Status.RETURNED: "returned",
    }[status]
    registration = transition(
        registration,
        status,
        actor=actor,
        action=f"blocs.registration.{action}",
        changes=changes,
        data={"reason": nfc(reason)} if reason else None,
        locked=True,
    )
    registration_moved(registration)
    return registration


@transaction.atomic
def submit_registration(
    registration: Registration, *, actor, on_behalf: bool = False, reason: str = ""
) -> Registration:
    """Send a draft or returned registration to the bloc head (before the deadline)."""
    _check_window(registration.bloc_year, on_behalf=on_behalf, reason=reason)
    if not registration.titles.exists() and not registration.targets.exists():
        raise ValidationError(_("Chọn ít nhất một danh hiệu hoặc nhập một chỉ tiêu trước khi gửi."))
    return _transition_registration(
        registration, Registration.Status.SUBMITTED, actor=actor, reason=reason
    )


@transaction.atomic
def accept_registration(registration: Registration, *, actor) -> Registration:
    """The bloc head accepts a submitted registration; it then prints in the covenant annex."""
    return _transition_registration(registration, Registration.Status.ACCEPTED, actor=actor)


@transaction.atomic
def return_registration(registration: Registration, *, reason: str, actor) -> Registration:
    """The bloc head sends a submitted registration back with a reason; the member resubmits."""
    if not nfc(reason or ""):
        raise ValidationError({"reason": _("Nhập lý do trả lại bản đăng ký.")})
    return _transition_registration(
        registration, Registration.Status.RETURNED, actor=actor, reason=reason
    )


# Covenant template -------------------------------------------------------------------------------


@transaction.atomic
def update_covenant_template(
    template: CovenantTemplate, *, title_pattern: str, preamble: str, clauses: list[str], actor
) -> CovenantTemplate:
    """Province staff rewrite the model covenant; covenants already drafted keep their text."""
    template = CovenantTemplate.objects.select_for_update().get(pk=template.pk)
    clauses = _clean_lines(clauses)
    if not clauses:
        raise ValidationError(_("Mẫu giao ước cần ít nhất một điều khoản."))
    before = {**snapshot(template, list(TEMPLATE_FIELDS)), "clauses": _texts(template.clauses)}
    template.title_pattern = collapse_spaces(title_pattern)
    template.preamble = nfc(preamble or "")
    template.save()
    template.clauses.all().delete()
    CovenantTemplateClause.objects.bulk_create(
        CovenantTemplateClause(template=template, order=index, text=text)
        for index, text in enumerate(clauses, start=1)
    )
    after = {**snapshot(template, list(TEMPLATE_FIELDS)), "clauses": clauses}
    log_action("blocs.covenant_template.updated", template, actor=actor, data=diff(before, after))
    return template


def _texts(clauses) -> list[str]:
    return [clause.text for clause in clauses.all()]


# Covenant ----------------------------------------------------------------------------------------


@transaction.atomic
def create_covenant(bloc_year: BlocYear, *, actor) -> Covenant:
    """Draft the bloc-year's covenant by copying the province template (year and bloc filled)."""
    bloc_year = (
        BlocYear.objects.select_for_update(of=("self",)).select_related("bloc").get(pk=bloc_year.pk)
    )
    if Covenant.objects.filter(bloc_year=bloc_year).exists():
        raise ValidationError(
            _("Khối đã có giao ước thi đua năm %(year)s.") % {"year": bloc_year.year}
        )
    template = CovenantTemplate.current()
    covenant = Covenant.objects.create(
        bloc_year=bloc_year,
        title=_fill(template.title_for(bloc_year.year), bloc_year),
        preamble=_fill(template.preamble, bloc_year),
    )
    CovenantClause.objects.bulk_create(
        CovenantClause(covenant=covenant, order=index, text=_fill(clause.text, bloc_year))
        for index, clause in enumerate(template.clauses.all(), start=1)
    )
    log_action(
        "blocs.covenant.created",
        covenant,
        actor=actor,
        data={"title": covenant.title, "clauses": covenant.clauses.count()},
    )
    return covenant


def _locked(covenant: Covenant) -> Covenant:
    return (
        Covenant.objects.select_for_update(of=("self",))
        .select_related("bloc_year__bloc")
        .get(pk=covenant.pk)
    )


@transaction.atomic
def update_covenant(
    covenant: Covenant,
    *,
    title: str,
    conference_date,
    conference_place: str,
    preamble: str,
    clauses: list[str],
    actor,
) -> Covenant:
    """Edit the text while it is a draft; once open for signing the text is frozen."""
    covenant = _locked(covenant)
    if not covenant.is_editable:
        raise ValidationError(
            _(
                "Giao ước đang ở trạng thái “%(status)s”: nội dung đã khóa, không sửa được. Chỉ "
                "%(office)s mở lại được giao ước (có ghi lý do)."
            )
            % {"status": covenant.get_status_display(), "office": settings.EMULATION_OFFICE_NAME}
        )
    clauses = _clean_lines(clauses)
    title = collapse_spaces(title)
    if not title:
        raise ValidationError({"title": _("Nhập tiêu đề giao ước.")})
    before = {**snapshot(covenant, list(COVENANT_TEXT_FIELDS)), "clauses": _texts(covenant.clauses)}
    covenant.title = title
    covenant.conference_date = conference_date
    covenant.conference_place = collapse_spaces(conference_place or "")
    covenant.preamble = nfc(preamble or "")
    covenant.save()
    covenant.clauses.all().delete()
    CovenantClause.objects.bulk_create(
        CovenantClause(covenant=covenant, order=index, text=text)
        for index, text in enumerate(clauses, start=1)
    )
    after = {**snapshot(covenant, list(COVENANT_TEXT_FIELDS)), "clauses": clauses}
    log_action("blocs.covenant.updated", covenant, actor=actor, data=diff(before, after))
    return covenant


@transaction.atomic
def set_registration_deadline(covenant: Covenant, deadline, *, actor) -> Covenant:
    """The registration deadline is not covenant text: the head may change it in any state,
    never to later than the province's registration date of that year."""
    covenant = _locked(covenant)
    check_within_province(
        covenant.bloc_year.year,
        Deadline.Kind.REGISTRATION,
        deadline,
        field="registration_deadline",
    )
    before = covenant.registration_deadline
    covenant.registration_deadline = deadline
    covenant.save(update_fields=["registration_deadline", "updated_at"])
    log_action(
        "blocs.covenant.deadline_set",
        covenant,
        actor=actor,
        data={"registration_deadline": [before, deadline]},
    )
    return covenant


def _live_signatures(covenant: Covenant):
    return covenant.signatures.filter(voided_at__isnull=True)


def _missing_signers(covenant: Covenant) -> list[str]:
    signed = set(_live_signatures(covenant).values_list("agency_id", flat=True))
    return [
        membership.agency.name
        for membership in members_of(covenant.bloc_year)
        if membership.agency_id not in signed
    ]


def transition_covenant(covenant: Covenant, status, *, actor, reason: str = "") -> Covenant:
    """The one path for the covenant's state: checks the table and each target state's rule.

    Call inside a transaction with the covenant locked (the public services below do).
    """
    status = Covenant.Status(status)
    check_move(covenant, status)
    old = covenant.status
    now = timezone.now()
    if status == Covenant.Status.OPEN and old == Covenant.Status.SIGNED:
        changes, data = _back_to_signing(covenant, reason)
    elif status == Covenant.Status.OPEN:
        changes, data = _open_for_signing(covenant, now)
    elif status == Covenant.Status.SIGNED:
        changes, data = _all_signed(covenant, now)
    elif status == Covenant.Status.ISSUED:
        changes, data = _issued(covenant)
    else:
        changes, data = _back_to_draft(covenant, reason, now, actor)
    action = {
        Covenant.Status.OPEN: "back_to_signing" if old == Covenant.Status.SIGNED else "opened",
        Covenant.Status.SIGNED: "signed",
        Covenant.Status.ISSUED: "issued",
        Covenant.Status.DRAFT: "reopened",
    }[status]
    return transition(
        covenant,
        status,
        actor=actor,
        action=f"blocs.covenant.{action}",
        changes=changes,
        data=data,
        locked=True,
    )


# Each rule of `transition_covenant` refuses its move or answers (field changes, audit data).


def _back_to_signing(covenant: Covenant, reason: str) -> tuple[dict, dict]:
    """Back to collecting signatures after one was voided; the text stays frozen."""
    if not _missing_signers(covenant):
        raise ValidationError(_("Mọi thành viên đã ký: giao ước vẫn ở trạng thái đã ký."))
    return {"signed_at": None}, {"reason": reason}


def _open_for_signing(covenant: Covenant, now) -> tuple[dict, dict]:
    if not covenant.clauses.exists():
        raise ValidationError(_("Giao ước chưa có điều khoản nào, chưa thể mở ký kết."))
    if not covenant.bloc_year.memberships.exists():
        raise ValidationError(_("Khối chưa có thành viên, chưa thể mở ký kết."))
    return {"opened_at": now}, {}


def _all_signed(covenant: Covenant, now) -> tuple[dict, dict]:
    missing = _missing_signers(covenant)
    if missing:
        raise ValidationError(
            _("Còn %(count)s đơn vị chưa ký: %(names)s.")
            % {"count": len(missing), "names": ", ".join(missing)}
        )
    return {"signed_at": now}, {}


def _issued(covenant: Covenant) -> tuple[dict, dict]:
    if covenant.document_id is None:
        raise ValidationError(_("Giao ước chưa được phát hành thành văn bản."))
    return {}, {}


def _back_to_draft(covenant: Covenant, reason: str, now, actor) -> tuple[dict, dict]:
    """A reopen voids every live signature and the issued document, and keeps who they were."""
    reason = nfc(reason or "")
    if not reason:
        raise ValidationError({"reason": _("Nhập lý do mở lại giao ước.")})
    voided = list(_live_signatures(covenant).select_related("agency"))
    _live_signatures(covenant).update(voided_at=now, void_reason=reason)
    changes = {"opened_at": None, "signed_at": None}
    data = {
        "reason": reason,
        "voided_signatures": [signature.agency.name for signature in voided],
    }
    if covenant.document_id:
        document = covenant.document
        if document.voided_at is None:
            void_document(document, reason=reason, actor=actor)
        data["voided_document"] = document.number
        changes["document"] = None
    return changes, data


@transaction.atomic
def open_covenant(covenant: Covenant, *, actor) -> Covenant:
    """Freeze the text and start collecting the members' signatures."""
    return transition_covenant(_locked(covenant), Covenant.Status.OPEN, actor=actor)


@transaction.atomic
def reopen_covenant(covenant: Covenant, *, reason: str, actor) -> Covenant:
    """Province staff send an open, signed or issued covenant back to draft: every signature is
    voided (kept, marked) and the issued document, if any, is voided too."""
    return transition_covenant(_locked(covenant), Covenant.Status.DRAFT, actor=actor, reason=reason)


@transaction.atomic
def issue_covenant(covenant: Covenant, *, actor) -> Covenant:
    """Issue the signed covenant as a numbered document with the uploaded signed pages appended
    (PAdES-signed when the province configured a certificate)."""
    covenant = _locked(covenant)
    check_move(covenant, Covenant.Status.ISSUED)
    bloc_year = covenant.bloc_year
    document = issue_document(
        kind="GU",
        kind_label="Giao ước thi đua",
        issuer_code=bloc_year.bloc.code,
        issuer_name=bloc_year.bloc.name,
        dated=covenant.conference_date,
        title=covenant.title,
        render=signed_covenant_renderer(covenant),
        render_docx=signed_covenant_renderer(covenant, renderer=render_docx),
        bloc_year=bloc_year,
        source=covenant,
        actor=actor,
        append_pdfs=uploaded_pages(covenant),
    )
    covenant.document = document
    return transition_covenant(covenant, Covenant.Status.ISSUED, actor=actor)


def _membership(covenant: Covenant, agency: Agency) -> Membership:
    membership = (
        covenant.bloc_year.memberships.select_related("agency").filter(agency=agency).first()
    )
    if membership is None:
        raise ValidationError(
            _("%(agency)s không phải là thành viên của khối năm %(year)s.")
            % {"agency": agency, "year": covenant.bloc_year.year}
        )
    return membership


def _add_signature(
    covenant,
    membership,
    *,
    method,
    signer_name,
    signer_title,
    signed_on,
    pdf,
    actor,
    signature_valid=None,
    signature_report="",
):
    if covenant.status != Covenant.Status.OPEN:
        raise ValidationError(
            _("Giao ước đang ở trạng thái “%(status)s”, không ghi nhận chữ ký được.")
            % {"status": covenant.get_status_display()}
        )
    agency = membership.agency
    if _live_signatures(covenant).filter(agency=agency).exists():
        raise ValidationError(_("%(agency)s đã ký giao ước.") % {"agency": agency})
    signer_name = collapse_spaces(signer_name or membership.signatory_name)
    if not signer_name:
        raise ValidationError({"signer_name": _("Nhập họ tên người ký.")})
    if method in (CovenantSignature.Method.UPLOAD, CovenantSignature.Method.DIGITAL) and not pdf:
        raise ValidationError({"file": _("Tải lên trang giao ước đã ký (tệp PDF).")})
    stored = store_private_file(pdf.data, folder="covenants") if pdf else ""
    try:
        with transaction.atomic():
            signature = CovenantSignature.objects.create(
                covenant=covenant,
                agency=agency,
                signer_name=signer_name,
                signer_title=collapse_spaces(signer_title or membership.signatory_title),
                signed_on=signed_on or timezone.localdate(),
                method=method,
                file=stored,
                file_name=pdf.original_name if pdf else "",
                file_size=pdf.size if pdf else None,
                file_sha256=pdf.sha256 if pdf else "",
                signature_valid=signature_valid,
                signature_report=signature_report,
                recorded_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        discard_private_file(stored)
        raise ValidationError(_("%(agency)s đã ký giao ước.") % {"agency": agency}) from None
    except BaseException:
        discard_private_file(stored)
        raise
    log_action(
        "blocs.covenant.signature_recorded",
        covenant,
        actor=actor,
        data={
            "agency": agency.name,
            "signer": f"{signature.signer_title} {signature.signer_name}".strip(),
            "method": signature.method,
            "signed_on": signature.signed_on,
            **({"file_sha256": signature.file_sha256} if pdf else {}),
            **({"signature_valid": signature_valid} if signature_valid is not None else {}),
        },
    )
    return signature


@transaction.atomic
def void_signature(covenant: Covenant, signature: CovenantSignature, *, reason: str, actor):
    """Strike one member's signature (the wrong page, the wrong signer) so that member can sign
    again. The row is kept and marked; a signed covenant goes back to collecting signatures. An
    issued covenant is a numbered document: only a staff reopen undoes it."""
    covenant = _locked(covenant)
    reason = collapse_spaces(reason or "")
    if not reason:
        raise ValidationError({"reason": _("Nhập lý do hủy chữ ký.")})
    if covenant.status == Covenant.Status.ISSUED:
        raise ValidationError(
            _(
                "Giao ước đã phát hành thành văn bản; chỉ %(office)s mở lại được giao ước (mọi "
                "chữ ký sẽ bị hủy)."
            )
            % {"office": settings.EMULATION_OFFICE_NAME}
        )
    signature = _live_signatures(covenant).select_related("agency").filter(pk=signature.pk).first()
    if signature is None:
        raise ValidationError(_("Chữ ký này đã được hủy trước đó."))
    signature.voided_at = timezone.now()
    signature.void_reason = reason
    signature.save(update_fields=["voided_at", "void_reason"])
    log_action(
        "blocs.covenant.signature_voided",
        covenant,
        actor=actor,
        data={
            "agency": signature.agency.name,
            "signer": f"{signature.signer_title} {signature.signer_name}".strip(),
            "method": signature.method,
            "signed_on": signature.signed_on,
            "reason": reason,
        },
    )
    if covenant.status == Covenant.Status.SIGNED:
        transition_covenant(covenant, Covenant.Status.OPEN, actor=actor, reason=reason)
    return covenant


def complete_if_all_signed(covenant: Covenant, *, actor) -> Covenant:
    """An open covenant becomes signed once no member is missing (after a signature lands, or a
    member that had not signed leaves the bloc)."""
    if not _missing_signers(covenant):
        return transition_covenant(covenant, Covenant.Status.SIGNED, actor=actor)
    return covenant


def inspect_digital_signature(data: bytes) -> tuple[bool, str]:
    """(valid, report) for a page a member signed digitally: every embedded signature must be
    intact and cover the whole file (trust in the certificate authority is reported apart)."""
    reports = inspect_signatures(data)
    if not reports:
        return False, _("Tệp không có chữ ký số.")
    lines = []
    for report in reports:
        state = _("nguyên vẹn") if report.ok else _("không hợp lệ hoặc tệp đã bị sửa sau khi ký")
        trust = _("chứng thư được tin cậy") if report.trusted else _("chưa xác minh nhà cung cấp")
        lines.append(f"{report.signer_name or report.field_name}: {state}; {trust}")
    return all(report.ok for report in reports), "; ".join(lines)


@transaction.atomic
def record_signature(
    covenant: Covenant,
    agency: Agency,
    *,
    method: str,
    signer_name: str = "",
    signer_title: str = "",
    signed_on: datetime.date | None = None,
    pdf: CheckedPdf | None = None,
    actor,
) -> CovenantSignature:
    """Record one member's signature; the covenant becomes signed when the last one lands.

    The covenant row is locked so two signatures at once never race past the completeness check;
    the partial unique constraint stops a duplicate even so.
    """
    covenant = _locked(covenant)
    membership = _membership(covenant, agency)
    valid, report = None, ""
    if method == CovenantSignature.Method.DIGITAL and pdf:
        valid, report = inspect_digital_signature(pdf.data)
    signature = _add_signature(
        covenant,
        membership,
        method=method,
        signer_name=signer_name,
        signer_title=signer_title,
        signed_on=signed_on,
        pdf=pdf,
        actor=actor,
        signature_valid=valid,
        signature_report=report,
    )
    complete_if_all_signed(covenant, actor=actor)
    return signature


@transaction.atomic
def record_paper_signatures(
    covenant: Covenant, agencies, *, signed_on: datetime.date, actor
) -> list[CovenantSignature]:
    """The head records that these members signed on paper at the conference (signatories from
    the memberships)."""
    covenant = _locked(covenant)
    agencies = list(agencies)
    if not agencies:
        raise ValidationError(_("Chọn ít nhất một đơn vị đã ký."))
    signatures = [
        _add_signature(
            covenant,
            _membership(covenant, agency),
            method=CovenantSignature.Method.PAPER,
            signer_name="",
            signer_title="",
            signed_on=signed_on,
            pdf=None,
            actor=actor,
        )
        for agency in agencies
    ]
    complete_if_all_signed(covenant, actor=actor)
    return signatures


@dataclass
class SigningProgress:
    signed: int
    total: int

    def __str__(self):
        return _("%(signed)s/%(total)s đã ký") % {"signed": self.signed, "total": self.total}

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.signed >= self.total


def signing_progress(covenant: Covenant | None, member_count: int) -> SigningProgress:
    if covenant is None:
        return SigningProgress(0, member_count)
    live = getattr(covenant, "live_signatures", None)
    signed = len(live) if live is not None else _live_signatures(covenant).count()
    return SigningProgress(signed, member_count)
