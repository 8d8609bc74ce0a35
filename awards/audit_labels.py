"""awards' words in the audit log, and which of its models belong to a bloc-year (so the audit
page's bloc filter and object column know the conference, polls and proposals)."""

from django.utils.translation import gettext_lazy as _

from awards.models import AwardProposal, LeadingUnit, Poll, VotingSession
from blocs.audit_labels import register_bloc_year_paths
from emulation import audit_labels
from emulation.audit_labels import ActionGroup, Detail

AWARDS_ACTIONS = ActionGroup(
    prefix="awards",
    label=_("Hội nghị, bình xét, khen thưởng"),
    actions={
        "awards.award_type.created": _("Thêm danh hiệu, hình thức khen thưởng"),
        "awards.award_type.updated": _("Sửa danh hiệu, hình thức khen thưởng"),
        "awards.rule_set.created": _("Tạo quy tắc bỏ phiếu"),
        "awards.rule_set.updated": _("Sửa quy tắc bỏ phiếu"),
        "awards.rule_set.versioned": _("Ban hành phiên bản mới của quy tắc bỏ phiếu"),
        "awards.eligibility_rule.saved": _("Lưu điều kiện xét khen thưởng"),
        "awards.eligibility_rule.enabled": _("Áp dụng điều kiện xét khen thưởng"),
        "awards.eligibility_rule.disabled": _("Ngừng áp dụng điều kiện xét khen thưởng"),
        "awards.session.created": _("Tạo hội nghị tổng kết"),
        "awards.session.updated": _("Sửa thông tin hội nghị"),
        "awards.session.attendance_updated": _("Ghi điểm danh hội nghị"),
        "awards.session.finalized": _("Kết thúc hội nghị, phát hành biên bản"),
        "awards.session.reopened": _("Mở lại hội nghị"),
        "awards.poll.created": _("Tạo cuộc bỏ phiếu"),
        "awards.poll.updated": _("Sửa cuộc bỏ phiếu"),
        "awards.poll.deleted": _("Xóa cuộc bỏ phiếu"),
        "awards.poll.opened": _("Mở bỏ phiếu"),
        "awards.poll.ballot_recorded": _("Nhập phiếu bầu"),
        "awards.poll.ballot_corrected": _("Sửa phiếu bầu đã nhập"),
        "awards.poll.aggregate_recorded": _("Nhập tổng hợp kết quả phiếu"),
        "awards.poll.counted": _("Kiểm phiếu"),
        "awards.poll.reset": _("Hủy kết quả, bỏ phiếu lại"),
        "awards.poll.runoff_created": _("Tạo cuộc bỏ phiếu lại khi bằng phiếu"),
        "awards.poll.tie_resolved": _("Giải quyết trường hợp bằng phiếu"),
        "awards.leading_units.voted": _("Bầu đơn vị dẫn đầu"),
        "awards.leading_units.set": _("Điều chỉnh đơn vị dẫn đầu"),
        "awards.proposal.created": _("Lập đề nghị khen thưởng"),
        "awards.proposal.skipped_ended_agencies": _("Bỏ qua đơn vị đã thôi hoạt động"),
        "awards.proposal.document_uploaded": _("Tải lên tài liệu hồ sơ"),
        "awards.proposal.document_removed": _("Xóa tài liệu hồ sơ"),
        "awards.proposal.request_letter_attached": _("Đính kèm tờ trình"),
        "awards.proposal.submitted": _("Gửi hồ sơ đề nghị"),
        "awards.proposal.review_started": _("Bắt đầu thẩm định hồ sơ"),
        "awards.proposal.returned": _("Trả lại hồ sơ đề nghị"),
        "awards.proposal.accepted": _("Chấp nhận hồ sơ, trình Hội đồng"),
        "awards.proposal.council_approved": _("Hội đồng thống nhất đề nghị"),
        "awards.proposal.council_rejected": _("Hội đồng không thống nhất đề nghị"),
        "awards.proposal.forwarded": _("Trình cấp trên khen thưởng"),
        "awards.proposal.decided": _("Ghi quyết định cho đề nghị"),
        "awards.proposal.revoked": _("Thu hồi khen thưởng của đề nghị"),
        "awards.council_list.exported": _("Xuất danh sách trình Hội đồng"),
        "awards.decision.created": _("Ghi quyết định khen thưởng"),
        "awards.award.recorded": _("Ghi vào sổ khen thưởng"),
        "awards.award.revoked": _("Thu hồi khen thưởng"),
        "awards.award.imported": _("Nhập sổ khen thưởng từ tệp"),
        "awards.bundle.imported": _("Nhập dữ liệu của tỉnh cũ"),
    },
)

_DOCUMENT_KIND = Detail(field="awards.ProposalDocument.kind")

AWARDS_DETAILS = {
    "poll": Detail(_("Cuộc bỏ phiếu")),
    "votes": Detail(_("Số phiếu")),
    "seats": Detail(_("Số đơn vị được chọn")),
    "candidates": Detail(_("Danh sách bầu"), lines=True),
    "winners": Detail(_("Đơn vị trúng"), lines=True),
    "tie": Detail(_("Bằng phiếu"), lines=True),
    "tied": Detail(_("Các đơn vị bằng phiếu"), lines=True),
    "chosen": Detail(_("Đơn vị được chọn"), lines=True),
    "agencies": Detail(_("Các đơn vị"), lines=True),
    "repeat_reason": Detail(_("Lý do bỏ phiếu lại")),
    "present": Detail(_("Số có mặt")),
    "awards.poll.opened:members": Detail(_("Số thành viên")),
    "issued": Detail(_("Số phiếu phát ra")),
    "returned": Detail(_("Số phiếu thu về")),
    "valid": Detail(_("Số phiếu hợp lệ")),
    "invalid": Detail(_("Số phiếu không hợp lệ")),
    "voided_ballots": Detail(_("Số phiếu bị hủy")),
    "serial": Detail(_("Số thứ tự phiếu")),
    "marks": Detail(_("Đơn vị được bầu"), lines=True),
    "rule": Detail(_("Quy tắc áp dụng")),
    "rule_set": Detail(_("Bộ quy tắc")),
    "awards.poll.tie_resolved:method": Detail(field="awards.TieResolution.method"),
    "runoff_poll": Detail(_("Cuộc bỏ phiếu lại"), model="awards.Poll"),
    "decided_by": Detail(_("Người quyết định")),
    "count_minutes": Detail(_("Số biên bản kiểm phiếu")),
    "conference_minutes": Detail(_("Số biên bản hội nghị")),
    "closed_at": Detail(_("Kết thúc hội nghị lúc")),
    "count_closed_at": Detail(_("Kết thúc kiểm phiếu lúc")),
    "version": Detail(_("Phiên bản")),
    "replaces": Detail(_("Thay cho"), model="awards.RuleSet"),
    "awards.proposal.document_uploaded:kind": _DOCUMENT_KIND,
    "awards.proposal.document_removed:kind": _DOCUMENT_KIND,
    "name": Detail(_("Tên")),
    "document": Detail(_("Văn bản")),
    "decision": Detail(_("Quyết định")),
    "proposal": Detail(_("Đề nghị")),
    "province": Detail(_("Tỉnh")),
    "exported_at": Detail(_("Xuất lúc")),
    "rows": Detail(_("Số dòng")),
    "decisions": Detail(_("Số quyết định")),
}


def register() -> None:
    """At awards' app-ready: its codes, its detail keys and its models' bloc-years."""
    audit_labels.register(AWARDS_ACTIONS, AWARDS_DETAILS)
    register_bloc_year_paths(
        {
            VotingSession: "bloc_year",
            Poll: "bloc_year",
            AwardProposal: "bloc_year",
            LeadingUnit: "bloc_year",
        }
    )
