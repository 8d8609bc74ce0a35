"""The covenant layer: every bloc-year's covenant signed by all members, with ten clauses, and each
member's accepted registration (one title, two targets)."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from awards.models import AwardType
from blocs.models import (
    Covenant,
    CovenantClause,
    CovenantSignature,
    Membership,
    Registration,
    RegistrationTarget,
)
from emulation.models import AuditEntry
from portal.bench.province import Province

BATCH = 1000
KEY_TASKS = [
    "Thực hiện tốt nhiệm vụ chính trị được giao, hoàn thành các chỉ tiêu năm {year}.",
    "Đẩy mạnh phong trào thi đua yêu nước, gắn với học tập và làm theo tư tưởng Hồ Chí Minh.",
    "Đẩy mạnh cải cách hành chính, chuyển đổi số trong hoạt động của cơ quan.",
    "Thực hành tiết kiệm, chống lãng phí; phòng, chống tham nhũng, tiêu cực.",
    "Xây dựng tổ chức Đảng, đoàn thể trong sạch, vững mạnh.",
    "Phát hiện, bồi dưỡng, nhân rộng các điển hình tiên tiến.",
    "Bảo đảm an ninh, trật tự, an toàn cơ quan; thực hiện tốt quy chế dân chủ.",
    "Chăm lo đời sống vật chất, tinh thần cho cán bộ, công chức, người lao động.",
    "Thực hiện nghiêm kỷ luật, kỷ cương hành chính; văn hóa công vụ.",
    "Tham gia đầy đủ các hoạt động chung của khối thi đua.",
]
TITLE_CODES = ["CO_TINH", "TTLDXS", "BK_TINH"]


TARGETS = [
    ("Thủ tục hành chính giải quyết đúng hạn", "100", "%"),
    ("Mô hình, sản phẩm thi đua mới", "1", "mô hình"),
]


def build_covenants(province: Province) -> int:
    """Covenants in state "signed" for every bloc-year; registrations accepted for every member."""
    covenant_of, registrations, rows = sign_covenants(
        province.bloc_year_ids, province.users["staff"]
    )
    province.ids["covenant"] = covenant_of[province.bloc_year_id].pk
    province.ids["registration"] = next(
        r.pk
        for r in registrations
        if r.bloc_year_id == province.bloc_year_id and r.agency_id == province.agency_id
    )
    return rows


def sign_covenants(bloc_year_ids, staff_id) -> tuple[dict, list, int]:
    """The layer for the given bloc-years: ({bloc-year id: covenant}, registrations, rows)."""
    memberships = list(
        Membership.objects.filter(bloc_year_id__in=bloc_year_ids)
        .order_by("bloc_year_id", "pk")
        .values("bloc_year_id", "bloc_year__year", "agency_id", "signatory_name", "signatory_title")
    )
    years = {m["bloc_year_id"]: m["bloc_year__year"] for m in memberships}
    now = timezone.now()
    covenants = _covenants(years, now)
    covenant_of = {covenant.bloc_year_id: covenant for covenant in covenants}
    clauses = _clauses(covenant_of, years)
    signatures = _signatures(memberships, covenant_of, staff_id)
    registrations = _registrations(memberships, now)
    links = _registered_titles(registrations)
    targets = _targets(registrations)
    entries = _audit_trail(staff_id, covenants)
    rows = (
        len(covenants)
        + len(clauses)
        + len(signatures)
        + len(registrations)
        + len(links)
        + len(targets)
        + len(entries)
    )
    return covenant_of, registrations, rows


def _covenants(years: dict[int, int], now) -> list[Covenant]:
    """One signed covenant per bloc-year (`years` maps bloc-year id to its year), saved."""
    covenants = [
        Covenant(
            bloc_year_id=bloc_year_id,
            title=f"Giao ước thi đua năm {year}",
            conference_date=datetime.date(year, 2, 15),
            conference_place="Hội trường Sở Nội vụ",
            preamble="Thực hiện Luật Thi đua, khen thưởng năm 2022, các thành viên khối giao ước:",
            registration_deadline=datetime.date(year, 3, 31),
            status=Covenant.Status.SIGNED,
            opened_at=now,
            signed_at=now,
        )
        for bloc_year_id, year in years.items()
    ]
    Covenant.objects.bulk_create(covenants, batch_size=BATCH)
    return covenants


def _clauses(covenant_of, years) -> list[CovenantClause]:
    """The ten key tasks as every covenant's clauses, saved."""
    clauses = [
        CovenantClause(covenant=covenant, order=order, text=text.format(year=years[by_id]))
        for by_id, covenant in covenant_of.items()
        for order, text in enumerate(KEY_TASKS, start=1)
    ]
    CovenantClause.objects.bulk_create(clauses, batch_size=BATCH)
    return clauses


def _signatures(memberships, covenant_of, staff_id) -> list[CovenantSignature]:
    """Every member's paper signature on its bloc-year's covenant, recorded by staff, saved."""
    signatures = [
        CovenantSignature(
            covenant=covenant_of[m["bloc_year_id"]],
            agency_id=m["agency_id"],
            signer_name=m["signatory_name"],
            signer_title=m["signatory_title"],
            signed_on=datetime.date(m["bloc_year__year"], 2, 15),
            method=CovenantSignature.Method.PAPER,
            recorded_by_id=staff_id,
        )
        for m in memberships
    ]
    CovenantSignature.objects.bulk_create(signatures, batch_size=BATCH)
    return signatures


def _registrations(memberships, now) -> list[Registration]:
    """Every member's accepted registration, saved."""
    registrations = [
        Registration(
            bloc_year_id=m["bloc_year_id"],
            agency_id=m["agency_id"],
            status=Registration.Status.ACCEPTED,
            submitted_at=now,
            reviewed_at=now,
        )
        for m in memberships
    ]
    Registration.objects.bulk_create(registrations, batch_size=BATCH)
    return registrations


def _registered_titles(registrations) -> list:
    """One title per registration, taking the titles in turn (none when no title exists), saved."""
    titles = list(AwardType.objects.filter(code__in=TITLE_CODES).values_list("pk", flat=True))
    links = (
        [
            Registration.titles.through(registration_id=r.pk, awardtype_id=titles[i % len(titles)])
            for i, r in enumerate(registrations)
        ]
        if titles
        else []
    )
    Registration.titles.through.objects.bulk_create(links, batch_size=BATCH)
    return links


def _targets(registrations) -> list[RegistrationTarget]:
    """The two targets of every registration, saved."""
    targets = [
        RegistrationTarget(
            registration=registration, order=order, indicator=indicator, value=value, unit=unit
        )
        for registration in registrations
        for order, (indicator, value, unit) in enumerate(TARGETS, start=1)
    ]
    RegistrationTarget.objects.bulk_create(targets, batch_size=BATCH)
    return targets


def _audit_trail(staff_id, covenants) -> list[AuditEntry]:
    """Staff's created, opened and signed entries for every covenant, saved."""
    covenant_type = ContentType.objects.get_for_model(Covenant)
    entries = [
        AuditEntry(
            actor_id=staff_id,
            actor_name="Nguyễn Thị Thu Hà",
            action=f"blocs.covenant.{action}",
            content_type=covenant_type,
            object_id=str(covenant.pk),
            object_repr=covenant.title,
        )
        for covenant in covenants
        for action in ("created", "opened", "signed")
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=BATCH)
    return entries
