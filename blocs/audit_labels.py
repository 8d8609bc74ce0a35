"""blocs' words in the audit log, and the bloc scope of the audit page: which bloc and year an
entry's target belongs to. awards adds its own models to `BLOC_YEAR_PATHS` (it lies above)."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blocs.models import Bloc, BlocYear, Covenant, Deadline, Membership, Registration
from emulation import audit_labels
from emulation.audit_labels import ActionGroup, AuditScope, Detail
from emulation.models import IssuedDocument

# A model whose audit entries belong to a bloc-year, and the lookup from it to that bloc-year
# ("" for BlocYear itself). Registered by each app for its own models.
BLOC_YEAR_PATHS: dict[type, str] = {}


def register_bloc_year_paths(paths: dict[type, str]) -> None:
    BLOC_YEAR_PATHS.update(paths)


def _lookup(path: str, rest: str) -> str:
    return f"{path}__{rest}" if path else rest


def _bloc_choices() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in Bloc.objects.values_list("pk", "name")]


def _entries_in(bloc_id: str) -> Q:
    """Entries on the bloc itself or on anything of one of its years: one OR of indexed
    (content type, object id) lookups, the ids from a subquery per model."""
    condition = Q(content_type=ContentType.objects.get_for_model(Bloc), object_id=bloc_id)
    for model, path in BLOC_YEAR_PATHS.items():
        ids = (
            model._default_manager.filter(**{_lookup(path, "bloc_id"): bloc_id})
            .annotate(audit_key=Cast("pk", CharField()))
            .values("audit_key")
        )
        condition |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    return condition


def _place_rows(by_type: dict[int, set[int]]):
    """(type id, pk, bloc name, year) of the wanted targets: one UNION over the models. A
    bloc or bloc-year is left out: its own name already says which it is."""
    parts = []
    for model, path in BLOC_YEAR_PATHS.items():
        type_id = ContentType.objects.get_for_model(model).pk
        if path and by_type.get(type_id):
            parts.append(
                model._default_manager.filter(pk__in=by_type[type_id])
                .order_by()
                .annotate(
                    audit_type=Value(type_id),
                    audit_bloc=F(_lookup(path, "bloc__name")),
                    audit_year=F(_lookup(path, "year")),
                )
                .values_list("audit_type", "pk", "audit_bloc", "audit_year")
            )
    if not parts:
        return []
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def _target_pk(entry) -> int | None:
    key = entry.object_id
    return int(key) if key.isascii() and key.isdigit() and len(key) < 19 else None


def _places(entries) -> dict[int, str]:
    """Each entry's bloc and year ("Khối …, năm 2024"), for a page of entries in one query."""
    by_type = defaultdict(set)
    for entry in entries:
        if entry.content_type_id and _target_pk(entry):
            by_type[entry.content_type_id].add(_target_pk(entry))
    found = {(kind, pk): (bloc, year) for kind, pk, bloc, year in _place_rows(by_type) if bloc}
    places = {}
    for entry in entries:
        if (entry.content_type_id, _target_pk(entry)) in found:
            bloc, year = found[(entry.content_type_id, _target_pk(entry))]
            places[entry.pk] = gettext("%(bloc)s, năm %(year)s") % {"bloc": bloc, "year": year}
    return places


def bloc_scope() -> AuditScope:
    return AuditScope(
        param="bloc",
        label=_("Khối thi đua"),
        choices=_bloc_choices,
        entries_in=_entries_in,
        places=_places,
    )


BLOCS_ACTIONS = ActionGroup(
    prefix="blocs",
    label=_("Khối, đơn vị, giao ước"),
    actions={
        "blocs.former_province.created": _("Thêm tỉnh cũ (hợp nhất)"),
        "blocs.agency.created": _("Thêm đơn vị"),
        "blocs.agency.updated": _("Sửa thông tin đơn vị"),
        "blocs.agency.renamed": _("Đổi tên đơn vị"),
        "blocs.agency.merged": _("Hợp nhất đơn vị"),
        "blocs.agency.sisters_merged": _("Hợp nhất đơn vị cùng loại của các tỉnh"),
        "blocs.agency.split": _("Chia tách đơn vị"),
        "blocs.agency.dissolved": _("Giải thể đơn vị"),
        "blocs.agency.change_cancelled": _("Hủy thay đổi của đơn vị"),
        "blocs.bloc.created": _("Thêm khối thi đua"),
        "blocs.bloc.updated": _("Sửa khối thi đua"),
        "blocs.bloc_year.created": _("Thêm năm của khối"),
        "blocs.bloc_year.updated": _("Sửa thông tin khối trong năm"),
        "blocs.bloc_year.leaders_assigned": _("Phân công trưởng khối, phó khối"),
        "blocs.bloc_year.leaders_elected": _("Ghi kết quả bầu trưởng, phó khối năm sau"),
        "blocs.bloc_year.election_applied": _("Áp dụng kết quả bầu trưởng, phó khối"),
        "blocs.bloc_year.liaison_changed": _("Đổi tài khoản lãnh đạo phụ trách khối"),
        "blocs.bloc_year.observer_added": _("Thêm người theo dõi"),
        "blocs.bloc_year.observer_removed": _("Bỏ người theo dõi"),
        "blocs.deadline.created": _("Đặt hạn trong lịch năm thi đua"),
        "blocs.deadline.updated": _("Sửa hạn trong lịch năm thi đua"),
        "blocs.deadline.removed": _("Bỏ hạn khỏi lịch năm thi đua"),
        "blocs.membership.added": _("Thêm thành viên khối"),
        "blocs.membership.removed": _("Bỏ thành viên khỏi khối"),
        "blocs.membership.signatory_updated": _("Sửa người ký của thành viên"),
        "blocs.membership.flag_resolved": _("Xử lý thay đổi của thành viên"),
        "blocs.rollover.applied": _("Chuyển khối sang năm mới"),
        "blocs.covenant_template.updated": _("Sửa mẫu giao ước"),
        "blocs.covenant.created": _("Tạo giao ước thi đua"),
        "blocs.covenant.updated": _("Sửa nội dung giao ước"),
        "blocs.covenant.deadline_set": _("Đặt hạn đăng ký thi đua"),
        "blocs.covenant.opened": _("Mở ký giao ước"),
        "blocs.covenant.signature_recorded": _("Ghi chữ ký giao ước"),
        "blocs.covenant.signature_voided": _("Hủy chữ ký giao ước"),
        "blocs.covenant.signed": _("Giao ước đủ chữ ký"),
        "blocs.covenant.back_to_signing": _("Mở lại việc ký giao ước"),
        "blocs.covenant.issued": _("Phát hành giao ước"),
        "blocs.covenant.reopened": _("Đưa giao ước về dự thảo"),
        "blocs.registration.saved": _("Lưu đăng ký thi đua"),
        "blocs.registration.submitted": _("Gửi đăng ký thi đua"),
        "blocs.registration.resubmitted": _("Gửi lại đăng ký thi đua"),
        "blocs.registration.accepted": _("Chấp nhận đăng ký thi đua"),
        "blocs.registration.returned": _("Trả lại đăng ký thi đua"),
    },
)

BLOCS_DETAILS = {
    "agency": Detail(_("Đơn vị")),
    "agencies": Detail(_("Các đơn vị"), lines=True),
    "merged": Detail(_("Các đơn vị hợp nhất"), lines=True),
    "members": Detail(_("Thành viên"), lines=True),
    "mapped": Detail(_("Đơn vị thay thế"), lines=True),
    "dropped": Detail(_("Đơn vị không chuyển"), lines=True),
    "from_year": Detail(_("Chuyển từ năm")),
    "split_from": Detail(_("Tách từ đơn vị")),
    "successor": Detail(_("Đơn vị kế thừa")),
    "change": Detail(_("Thay đổi")),
    "resolution": Detail(_("Cách xử lý")),
    "registration_kept": Detail(_("Giữ đăng ký thi đua")),
    "signatory_name": Detail(field="blocs.Membership.signatory_name"),
    "signatory_title": Detail(field="blocs.Membership.signatory_title"),
    "observer": Detail(_("Người theo dõi")),
    "signer": Detail(_("Người ký")),
    "method": Detail(field="blocs.CovenantSignature.method"),
    "signed_on": Detail(field="blocs.CovenantSignature.signed_on"),
    "file_sha256": Detail(_("Mã băm tệp đã ký")),
    "signature_valid": Detail(field="blocs.CovenantSignature.signature_valid"),
    "title": Detail(_("Tiêu đề")),
    "clauses": Detail(_("Các điều khoản"), lines=True),
    "registration_deadline": Detail(field="blocs.Covenant.registration_deadline"),
    "targets": Detail(_("Chỉ tiêu"), lines=True),
    "titles": Detail(_("Danh hiệu đăng ký"), model="blocs.AwardType", by="code", lines=True),
    "emulation.user.created:kind": Detail(
        _("Loại tài khoản"),
        values={
            "officer": _("Cán bộ đơn vị"),
            "staff": _("Cán bộ thi đua, khen thưởng tỉnh"),
            "reader": _("Người theo dõi, liên hệ"),
        },
    ),
}


def register() -> None:
    """At blocs' app-ready: its codes, its detail keys, its models' bloc-years, the scope."""
    audit_labels.register(BLOCS_ACTIONS, BLOCS_DETAILS)
    register_bloc_year_paths(
        {
            BlocYear: "",
            Covenant: "bloc_year",
            Registration: "bloc_year",
            Membership: "bloc_year",
            Deadline: "bloc_year",
            IssuedDocument: "bloc_year",
        }
    )
    audit_labels.AUDIT_SCOPES.register(bloc_scope, order=10)
