"""Confirmation pages before the awards section's irreversible steps: finishing the conference,
sending proposals with a numbered tờ trình, issuing the council's list.

Each page is a GET showing what will be locked or numbered, with the draft preview; its button
posts to the step's existing POST view, which checks the state again under a row lock.
"""

from urllib.parse import urlencode

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from awards.models import AwardProposal, AwardType, VotingSession
from awards.services import proposals as proposal_services
from awards.services import voting as voting_services
from blocs.permissions import get_bloc_year_for_user, require_province_staff
from emulation.confirmation import Confirmation, render_confirmation
from emulation.params import clean_ids


@require_GET
def conference_finalize_confirm(request, pk):
    """Finishing the conference issues two numbered minutes and freezes every poll."""
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability="can_finalize")
    session = get_object_or_404(VotingSession, bloc_year=bloc_year)
    polls = list(session.polls.for_list())
    if session.is_finalized:
        blockers = [_("Hội nghị đã kết thúc.")]
    else:
        blockers = voting_services.session_blockers(session, polls)
    return render_confirmation(
        request,
        Confirmation(
            section_base="awards/base.html",
            title=_("Kết thúc hội nghị tổng kết"),
            subtitle=str(bloc_year),
            items=[poll.title for poll in polls],
            locks=[
                _("khóa %(count)s cuộc bỏ phiếu: không nhập, sửa hay kiểm lại phiếu được nữa;")
                % {"count": len(polls)},
                _("cấp số và phát hành biên bản kiểm phiếu và biên bản hội nghị;"),
                _("ghi nhận Trưởng khối, Phó Trưởng khối năm sau theo kết quả bầu (nếu có);"),
                _("tạo các đề nghị khen thưởng theo kết quả bỏ phiếu."),
            ],
            irreversible=_("số biên bản đã cấp không dùng lại, kể cả khi hội nghị được mở lại."),
            reopen=_(
                "Chỉ cán bộ Sở Nội vụ mở lại được hội nghị, với lý do; hai biên bản khi đó bị hủy."
            ),
            preview_url=reverse("awards:conference_minutes", args=[bloc_year.pk, "conference"]),
            preview_label=_("Xem dự thảo biên bản hội nghị (PDF)"),
            action_url=reverse("awards:conference_finalize", args=[bloc_year.pk]),
            button_label=_("Xác nhận kết thúc hội nghị"),
            cancel_url=reverse("awards:conference", args=[bloc_year.pk]),
            blockers=blockers,
            long_running=True,
        ),
    )


@require_GET
def proposals_submit_confirm(request, pk):
    """Sending takes the tờ trình's number; the preview beside it stays an unnumbered draft."""
    bloc_year, _role = get_bloc_year_for_user(request, pk, capability="can_finalize")
    chosen = clean_ids(request.GET.getlist("proposals"))
    proposals = list(
        bloc_year.proposals.with_related().filter(
            pk__in=chosen, state__in=AwardProposal.EDITABLE_STATES
        )
    )
    blockers = [] if proposals else [_("Vui lòng chọn đề nghị ở trạng thái dự thảo hoặc trả lại.")]
    query = urlencode([("proposals", proposal.pk) for proposal in proposals])
    return render_confirmation(
        request,
        Confirmation(
            section_base="awards/base.html",
            title=_("Gửi đề nghị tới Sở Nội vụ"),
            subtitle=str(bloc_year),
            items=[f"{p.award_type.label} – {p.recipient_label}" for p in proposals],
            locks=[
                _("cấp số văn bản của khối cho tờ trình liệt kê đúng %(count)s đề nghị này;")
                % {"count": len(proposals)},
                _("chuyển các đề nghị sang “đã gửi”: khối không sửa hồ sơ được nữa;"),
                _("thay thế tờ trình gửi trước đó cho cùng các đề nghị (nếu có)."),
            ],
            irreversible=_("số tờ trình đã cấp không dùng lại."),
            reopen=_("Chỉ Sở Nội vụ trả lại được đề nghị để khối bổ sung và gửi lại."),
            preview_url=f"{reverse('awards:request_letter_preview', args=[bloc_year.pk])}?{query}",
            preview_label=_("Xem trước tờ trình (dự thảo, chưa có số)"),
            action_url=reverse("awards:proposals_submit", args=[bloc_year.pk]),
            button_label=_("Xác nhận gửi và phát hành tờ trình"),
            cancel_url=reverse("awards:bloc_year_proposals", args=[bloc_year.pk]),
            hidden=[("proposals", str(proposal.pk)) for proposal in proposals],
            blockers=blockers,
            long_running=True,
        ),
    )


def _year(request) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and len(value) == 4 else 0


@require_GET
def council_list_issue_confirm(request):
    """Issuing the council's list takes a number of the province body and supersedes the last."""
    require_province_staff(request)
    year = _year(request)
    award_id = request.GET.get("award_type", "")
    award_type = get_object_or_404(AwardType, pk=int(award_id)) if award_id.isdigit() else None
    latest = proposal_services.latest_council_list(year, award_type) if year else None
    query = {"year": year, **({"award_type": award_type.pk} if award_type else {})}
    locks = [
        _("cấp số văn bản của Sở Nội vụ cho danh sách đề nghị khen thưởng năm %(year)s%(award)s;")
        % {"year": year, "award": f" ({award_type.label})" if award_type else ""},
    ]
    if latest:
        locks.append(
            _("thay thế danh sách số %(number)s đã phát hành trước đó.") % {"number": latest.number}
        )
    return render_confirmation(
        request,
        Confirmation(
            section_base="awards/base.html",
            title=_("Phát hành danh sách đề nghị khen thưởng"),
            locks=locks,
            irreversible=_("số đã cấp không dùng lại; danh sách bị thay thế vẫn được lưu."),
            preview_url=f"{reverse('awards:council_list_pdf')}?{urlencode(query)}",
            preview_label=_("Xem dự thảo danh sách (PDF)"),
            action_url=reverse("awards:council_list_issue"),
            button_label=_("Xác nhận phát hành danh sách"),
            cancel_url=f"{reverse('awards:proposal_workspace')}?{urlencode(query)}",
            hidden=[
                ("year", str(year)),
                ("award_type", str(award_type.pk) if award_type else ""),
                ("replaces", str(latest.pk) if latest else ""),
                ("next_query", urlencode(query)),
            ],
            blockers=[] if year else [_("Chọn năm của danh sách.")],
            long_running=True,
        ),
    )
