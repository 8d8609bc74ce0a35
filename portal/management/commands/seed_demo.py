"""Load the demo province as it stands today: Ninh Bình, formed on 01/07/2025 from Hà Nam, Nam
Định and Ninh Bình (Resolution 202/2025/QH15). Hà Nam's portal is its history: three blocs made up
like real ones for 2023 and 2024 and the department mergers of 01/03/2025, tagged with the former
province; Nam Định and the old Ninh Bình bring a few departments and their awards; their sister
departments merge into the new province's on 01/07/2025, whose own three blocs run 2025 and 2026.

`--before-merger` loads Hà Nam's portal alone, as it stood before the merger (its own records,
untagged): the portal a predecessor's bundle is exported from.

Idempotent: running it again changes nothing and creates nothing twice.
"""

import datetime
import hashlib
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from awards.models import AwardRecord, AwardType, Criterion, Decision, ScoreSheet, ScoringPlan
from awards.scoring import shown
from awards.seed import EXAMPLE_BONUS_CAP, EXAMPLE_CRITERIA_TITLE, example_criteria_rows
from awards.services import scoring
from blocs.models import (
    Agency,
    AgencyChange,
    Bloc,
    BlocYear,
    Deadline,
    FormerProvince,
    Membership,
)
from blocs.services import structure
from emulation import pdf
from emulation.models import PROVINCE_STAFF_GROUP, User
from emulation.uploads import CheckedPdf
from emulation.workflow import transition

DEMO_PASSWORD = "thidua2024"

K = Agency.Kind
AGENCIES = {
    # name: (short name, kind, leader's title, leader's name) — people are fictional.
    "Sở Giáo dục và Đào tạo": ("SGDĐT", K.DEPARTMENT, "Giám đốc", "Phạm Văn Hùng"),
    "Sở Y tế": ("SYT", K.DEPARTMENT, "Giám đốc", "Nguyễn Thị Minh Hằng"),
    "Sở Văn hóa, Thể thao và Du lịch": ("SVHTTDL", K.DEPARTMENT, "Giám đốc", "Trần Quốc Bảo"),
    "Sở Lao động - Thương binh và Xã hội": ("SLĐTBXH", K.DEPARTMENT, "Giám đốc", "Đỗ Văn Lâm"),
    "Bảo hiểm xã hội tỉnh": ("BHXH", K.PUBLIC_SERVICE, "Giám đốc", "Lê Thị Thanh Tâm"),
    "Đài Phát thanh và Truyền hình tỉnh": ("PTTH", K.PUBLIC_SERVICE, "Giám đốc", "Vũ Đức Thắng"),
    "Ban Quản lý Khu Đại học Nam Cao": ("BQLĐHNC", K.BOARD, "Trưởng ban", "Hoàng Minh Tuấn"),
    "Thanh tra tỉnh": ("TTT", K.DEPARTMENT, "Chánh Thanh tra", "Đặng Văn Khoa"),
    "Văn phòng UBND tỉnh": ("VPUBND", K.BOARD, "Chánh Văn phòng", "Bùi Thị Ngọc Anh"),
    "Sở Tài chính": ("STC", K.DEPARTMENT, "Giám đốc", "Ngô Quang Huy"),
    "Sở Nội vụ": ("SNV", K.DEPARTMENT, "Giám đốc", "Trịnh Thị Lan"),
    "Sở Tư pháp": ("STP", K.DEPARTMENT, "Giám đốc", "Phan Văn Đạt"),
    "Sở Ngoại vụ": ("SNgV", K.DEPARTMENT, "Giám đốc", "Lý Thị Hồng"),
    "Sở Kế hoạch và Đầu tư": ("SKHĐT", K.DEPARTMENT, "Giám đốc", "Đinh Công Sơn"),
    "Văn phòng Đoàn ĐBQH và HĐND tỉnh": ("VPĐĐBQH", K.BOARD, "Chánh Văn phòng", "Mai Văn Tiến"),
    "Ban Dân tộc tỉnh": ("BDT", K.BOARD, "Trưởng ban", "Lường Văn Páo"),
    "Ủy ban MTTQ Việt Nam tỉnh": ("MTTQ", K.MASS_ORGANISATION, "Chủ tịch", "Nguyễn Văn Phúc"),
    "Hội Nông dân tỉnh": ("HND", K.MASS_ORGANISATION, "Chủ tịch", "Trần Văn Nông"),
    "Hội Cựu chiến binh tỉnh": ("HCCB", K.MASS_ORGANISATION, "Chủ tịch", "Lê Văn Chiến"),
    "Hội Liên hiệp Phụ nữ tỉnh": ("HLHPN", K.MASS_ORGANISATION, "Chủ tịch", "Phạm Thị Hoa"),
    "Tỉnh đoàn": ("TĐ", K.MASS_ORGANISATION, "Bí thư", "Vũ Thanh Niên"),
    "Liên đoàn Lao động tỉnh": ("LĐLĐ", K.MASS_ORGANISATION, "Chủ tịch", "Hà Văn Công"),
    "Hội Chữ thập đỏ tỉnh": ("HCTĐ", K.MASS_ORGANISATION, "Chủ tịch", "Đoàn Thị Nhân"),
}

VHXH = [
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Lao động - Thương binh và Xã hội",
    "Bảo hiểm xã hội tỉnh",
    "Đài Phát thanh và Truyền hình tỉnh",
    "Ban Quản lý Khu Đại học Nam Cao",
]
TMTH = [
    "Thanh tra tỉnh",
    "Văn phòng UBND tỉnh",
    "Sở Tài chính",
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Ngoại vụ",
    "Sở Kế hoạch và Đầu tư",
    "Văn phòng Đoàn ĐBQH và HĐND tỉnh",
    "Ban Dân tộc tỉnh",
]
SO6 = [
    "Ủy ban MTTQ Việt Nam tỉnh",
    "Hội Nông dân tỉnh",
    "Hội Cựu chiến binh tỉnh",
    "Hội Liên hiệp Phụ nữ tỉnh",
    "Tỉnh đoàn",
    "Liên đoàn Lao động tỉnh",
    "Hội Chữ thập đỏ tỉnh",
]

BLOCS = [
    # name, code, members, {year: (head, deputy)}, liaison (name, title)
    (
        "Khối thi đua Văn hóa - Xã hội",
        "KTĐVHXH",
        VHXH,
        {
            2023: ("Ban Quản lý Khu Đại học Nam Cao", "Sở Y tế"),
            2024: ("Sở Y tế", "Sở Giáo dục và Đào tạo"),
        },
        ("Trần Xuân Lộc", "Phó Chủ tịch UBND tỉnh"),
    ),
    (
        "Khối thi đua các cơ quan Tham mưu - Tổng hợp",
        "KTĐTMTH",
        TMTH,
        {
            2023: ("Văn phòng UBND tỉnh", "Sở Tư pháp"),
            2024: ("Văn phòng UBND tỉnh", "Thanh tra tỉnh"),
        },
        ("Nguyễn Anh Chức", "Phó Chủ tịch UBND tỉnh"),
    ),
    (
        "Khối thi đua số 6",
        "KTĐ6",
        SO6,
        {
            2023: ("Hội Cựu chiến binh tỉnh", "Tỉnh đoàn"),
            2024: ("Tỉnh đoàn", "Hội Liên hiệp Phụ nữ tỉnh"),
        },
        ("Lê Thị Thủy", "Trưởng ban Thi đua - Khen thưởng"),
    ),
]

# (merged agency, successor): effective 01/03/2025 in the demo province.
MERGERS_2025 = [
    ("Sở Lao động - Thương binh và Xã hội", "Sở Nội vụ"),
    ("Sở Kế hoạch và Đầu tư", "Sở Tài chính"),
]
MERGER_DATE = datetime.date(2025, 3, 1)

# The province merger: the predecessor whose blocs the demo keeps, and the two others.
PROVINCES_MERGED_ON = datetime.date(2025, 7, 1)

# The province's calendar, the same every year: (kind, (month, day) it starts or None, due).
# Dossiers by 10 December, the council before the year ends (DOMAIN.md, "The year").
CALENDAR = [
    (Deadline.Kind.REGISTRATION, None, (1, 31)),
    (Deadline.Kind.COVENANT_SIGNING, None, (3, 31)),
    (Deadline.Kind.MID_YEAR_REVIEW, None, (7, 15)),
    (Deadline.Kind.SCORING, None, (11, 15)),
    (Deadline.Kind.CONFERENCE, (12, 1), (12, 20)),
    (Deadline.Kind.DOSSIER, None, (12, 10)),
    (Deadline.Kind.COUNCIL, None, (12, 28)),
]
RESOLUTION = "Nghị quyết số 202/2025/QH15 của Quốc hội về sắp xếp đơn vị hành chính cấp tỉnh"
HANAM = "Hà Nam"
SISTER_DEPARTMENTS = [
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Nội vụ",
    "Sở Tài chính",
    "Tỉnh đoàn",
]
# former province: [(agency, award code, year, decision number, signed on)]
OTHER_PROVINCES = {
    "Nam Định": [
        ("Sở Y tế", "CO_TINH", 2023, "215/QĐ-UBND", datetime.date(2024, 1, 22)),
        ("Sở Giáo dục và Đào tạo", "TTLDXS", 2023, "215/QĐ-UBND", datetime.date(2024, 1, 22)),
    ],
    "Ninh Bình": [
        ("Sở Y tế", "TTLDXS", 2023, "96/QĐ-UBND", datetime.date(2024, 1, 16)),
        ("Tỉnh đoàn", "CO_TINH", 2023, "96/QĐ-UBND", datetime.date(2024, 1, 16)),
    ],
}
# The merged province's own blocs, 2025 and 2026 (the two departments merged in March are gone).
MERGED_BLOCS = [
    (
        "Khối thi đua Văn hóa - Xã hội",
        "KTĐVHXH",
        [name for name in VHXH if name != "Sở Lao động - Thương binh và Xã hội"],
        {
            2025: ("Sở Giáo dục và Đào tạo", "Sở Y tế"),
            2026: ("Sở Y tế", "Sở Văn hóa, Thể thao và Du lịch"),
        },
        ("Trần Xuân Lộc", "Phó Chủ tịch UBND tỉnh"),
    ),
    (
        "Khối thi đua các cơ quan Tham mưu - Tổng hợp",
        "KTĐTMTH",
        [name for name in TMTH if name != "Sở Kế hoạch và Đầu tư"],
        {2025: ("Thanh tra tỉnh", "Sở Tài chính"), 2026: ("Sở Tài chính", "Sở Nội vụ")},
        ("Nguyễn Anh Chức", "Phó Chủ tịch UBND tỉnh"),
    ),
    (
        "Khối thi đua số 6",
        "KTĐ6",
        SO6,
        {
            2025: ("Hội Liên hiệp Phụ nữ tỉnh", "Ủy ban MTTQ Việt Nam tỉnh"),
            2026: ("Ủy ban MTTQ Việt Nam tỉnh", "Hội Nông dân tỉnh"),
        },
        ("Lê Thị Thủy", "Trưởng ban Thi đua - Khen thưởng"),
    ),
]

# username, full name, position, agency (None: province staff); the bloc users are Hà Nam's
# (their 2024 roles), truongkhoi2026 the merged province's.
USERS = [
    ("canbo", "Nguyễn Thị Thu Hà", "Chuyên viên Phòng Thi đua - Khen thưởng", None),
    ("truongkhoi", "Nguyễn Thị Minh Hằng", "Giám đốc Sở Y tế", "Sở Y tế"),
    ("phokhoi", "Phạm Văn Hùng", "Giám đốc Sở Giáo dục và Đào tạo", "Sở Giáo dục và Đào tạo"),
    (
        "thanhvien",
        "Trần Quốc Bảo",
        "Giám đốc Sở Văn hóa, Thể thao và Du lịch",
        "Sở Văn hóa, Thể thao và Du lịch",
    ),
]

MERGED_USERS = [
    ("truongkhoi2026", "Đinh Thị Thu Trang", "Giám đốc Sở Y tế", "Sở Y tế"),
]

DEMO_LOGINS = [
    ("canbo", "Phòng Thi đua - Khen thưởng (Sở Nội vụ)"),
    ("truongkhoi", "Trưởng khối Văn hóa - Xã hội 2024 (Sở Y tế tỉnh Hà Nam cũ)"),
    ("phokhoi", "Phó khối Văn hóa - Xã hội 2024 (Sở Giáo dục và Đào tạo tỉnh Hà Nam cũ)"),
    (
        "thanhvien",
        "Thành viên khối Văn hóa - Xã hội (Sở Văn hóa, Thể thao và Du lịch tỉnh Hà Nam cũ)",
    ),
    ("truongkhoi2026", "Trưởng khối Văn hóa - Xã hội 2026 của tỉnh Ninh Bình (Sở Y tế)"),
]
BEFORE_MERGER_LOGINS = [
    ("canbo", "Phòng Thi đua - Khen thưởng (Sở Nội vụ)"),
    ("truongkhoi", "Trưởng khối Văn hóa - Xã hội 2024 (Sở Y tế)"),
    ("phokhoi", "Phó khối Văn hóa - Xã hội 2024 (Sở Giáo dục và Đào tạo)"),
    ("thanhvien", "Thành viên khối Văn hóa - Xã hội (Sở Văn hóa, Thể thao và Du lịch)"),
]


class Command(BaseCommand):
    help = "Tải dữ liệu tỉnh mẫu (chạy lại không tạo trùng)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--before-merger",
            action="store_true",
            help="Chỉ cổng của tỉnh Hà Nam trước ngày 01/07/2025 (không có tỉnh cũ).",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        before_merger = options["before_merger"]
        hanam = None if before_merger else self._former_province(HANAM)
        agencies = self._agencies(hanam)
        self._blocs(BLOCS, agencies, hanam)
        self._mergers(agencies)
        self._users(USERS, agencies)
        # The 2024 sheets were sent in 2024: scored before the calendar's dates are set, or the
        # scoring deadline (long past today) would refuse them.
        self._scoring(hanam)
        self._calendar(set(range(2024, timezone.localdate().year + 1)))
        if not before_merger:
            own = self._merged_province(agencies)
            self._users(MERGED_USERS, own)
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS("Đã tải dữ liệu tỉnh mẫu."))
            self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
            for username, role in BEFORE_MERGER_LOGINS if before_merger else DEMO_LOGINS:
                self.stdout.write(f"  {username:<15} {role}")

    def _calendar(self, years):
        """The province's dates for every demo year up to the current one (kept if already set)."""
        for year in years:
            for kind, starts, due in CALENDAR:
                Deadline.objects.get_or_create(
                    year=year,
                    kind=kind,
                    bloc_year=None,
                    defaults={
                        "due_on": datetime.date(year, *due),
                        "starts_on": datetime.date(year, *starts) if starts else None,
                    },
                )

    def _scoring(self, province):
        """The Văn hóa - Xã hội bloc's 2024 scoring, done: the example table (unconfirmed)
        adopted, every member scoring itself and two others, sheets sent and accepted, the
        differences settled by the head; Sở Y tế leads."""
        bloc_year = BlocYear.objects.filter(
            bloc__code="KTĐVHXH", bloc__former_province=province, year=2024
        ).first()
        if bloc_year is None or ScoringPlan.objects.filter(bloc_year=bloc_year).exists():
            return
        staff = User.objects.get(username="canbo")
        head = User.objects.filter(agency=bloc_year.head).first() or staff
        if scoring.province_criteria(2024, bloc_year.bloc.kind) is None:
            scoring.save_province_criteria(
                year=2024,
                bloc_kind=bloc_year.bloc.kind,
                title=EXAMPLE_CRITERIA_TITLE,
                rows=example_criteria_rows(),
                bonus_cap=Decimal(EXAMPLE_BONUS_CAP),
                confirmed=False,
                actor=staff,
            )
        scoring.adopt_criteria(bloc_year, actor=head)
        scoring.set_scoring_plan(
            bloc_year, method="assigned", per_unit=2, seed=2024, tolerance=Decimal(2), actor=head
        )
        evidence = pdf.html_to_pdf("<p>Minh chứng mẫu của cổng thi đua.</p>")
        checked = CheckedPdf(
            evidence, "Minh chung mau.pdf", hashlib.sha256(evidence).hexdigest(), 1
        )
        sheets = ScoreSheet.objects.filter(bloc_year=bloc_year).select_related("agency", "scorer")
        for sheet in sheets.order_by("pk"):
            criteria = [c for c in scoring.sheet_criteria(sheet) if c.scored]
            points = {c.pk: (_demo_points(c, sheet), "") for c in criteria}
            scoring.save_sheet(sheet, points, actor=head)
            if sheet.is_own:
                for criterion in criteria:
                    if criterion.evidence_required:
                        scoring.add_evidence(sheet, criterion, checked, actor=head)
            scoring.submit_sheet(sheet, actor=head)
            scoring.accept_sheet(sheet, actor=head)
        for result, line, criterion_id in scoring.bloc_scores(bloc_year).differences:
            scoring.resolve_criterion(
                bloc_year,
                result.agency,
                Criterion.objects.get(pk=criterion_id),
                points=shown(line.peers),
                reason="Khối thống nhất theo kết quả chấm chéo",
                actor=head,
            )

    def _former_province(self, name):
        province, _ = FormerProvince.objects.get_or_create(
            name=name, defaults={"merged_on": PROVINCES_MERGED_ON, "decision_ref": RESOLUTION}
        )
        return province

    def _agencies(self, province, names=None, established_on=None):
        agencies = {}
        for name in AGENCIES if names is None else names:
            short, kind, _title, _leader = AGENCIES[name]
            agencies[name], _ = Agency.objects.get_or_create(
                name=name,
                former_province=province,
                defaults={"short_name": short, "kind": kind, "established_on": established_on},
            )
        return agencies

    def _blocs(self, blocs, agencies, province):
        for name, code, members, years, (liaison_name, liaison_title) in blocs:
            bloc, _ = Bloc.objects.get_or_create(
                code=code, former_province=province, defaults={"name": name}
            )
            for year, (head, deputy) in years.items():
                bloc_year, _ = BlocYear.objects.get_or_create(
                    bloc=bloc,
                    year=year,
                    defaults={"liaison_name": liaison_name, "liaison_title": liaison_title},
                )
                for member in members:
                    _, title, leader = AGENCIES[member][1:]
                    Membership.objects.get_or_create(
                        bloc_year=bloc_year,
                        agency=agencies[member],
                        defaults={"signatory_name": leader, "signatory_title": title},
                    )
                if bloc_year.head_id is None:
                    bloc_year.head = agencies[head]
                    bloc_year.deputy = agencies[deputy]
                    bloc_year.save(update_fields=["head", "deputy"])

    def _mergers(self, agencies):
        for merged_name, successor_name in MERGERS_2025:
            merged, successor = agencies[merged_name], agencies[successor_name]
            if merged.successor_id:
                continue
            AgencyChange.objects.create(
                agency=merged,
                kind=AgencyChange.Kind.MERGE_INTO,
                effective_on=MERGER_DATE,
                related_agency=successor,
                decision_ref="Nghị quyết của HĐND tỉnh về sắp xếp cơ quan chuyên môn (mẫu)",
                reason="Sắp xếp tổ chức bộ máy năm 2025",
            )
            transition(
                merged,
                Agency.Status.MERGED,
                actor=None,
                action=None,
                changes={
                    "successor": successor,
                    "ended_on": MERGER_DATE - datetime.timedelta(days=1),
                },
            )

    def _merged_province(self, hanam_agencies):
        """The province since 01/07/2025: the other predecessors' departments and awards, the
        new province's own agencies and blocs, and every predecessor's namesake merged in."""
        others = {}
        for province_name, awards in OTHER_PROVINCES.items():
            province = self._former_province(province_name)
            others[province_name] = self._agencies(province, SISTER_DEPARTMENTS)
            for agency_name, code, year, number, signed_on in awards:
                decision, _ = Decision.objects.get_or_create(
                    number=number,
                    signed_on=signed_on,
                    former_province=province,
                    defaults={
                        "signer_title": "Chủ tịch UBND tỉnh",
                        "deciding_level": AwardType.Level.PROVINCE_CHAIRMAN,
                        "subject": f"Khen thưởng thành tích năm {year}",
                    },
                )
                AwardRecord.objects.get_or_create(
                    agency=others[province_name][agency_name],
                    award_type=AwardType.objects.get(code=code),
                    year=year,
                    person_name="",
                    defaults={"decision": decision, "source": AwardRecord.Source.IMPORTED},
                )
        merged_in_march = {merged for merged, _successor in MERGERS_2025}
        own_names = [name for name in AGENCIES if name not in merged_in_march]
        own = self._agencies(None, own_names, established_on=PROVINCES_MERGED_ON)
        for name, successor in own.items():
            namesakes = [hanam_agencies[name]] + [
                agencies[name] for agencies in others.values() if name in agencies
            ]
            for agency in namesakes:
                agency.refresh_from_db()
                if agency.status == Agency.Status.ACTIVE:
                    structure.merge_agency(
                        agency,
                        into=successor,
                        effective_on=PROVINCES_MERGED_ON,
                        decision_ref=RESOLUTION,
                        reason="Hợp nhất tỉnh Hà Nam, tỉnh Nam Định và tỉnh Ninh Bình",
                        actor=None,
                    )
        self._blocs(MERGED_BLOCS, own, None)
        return own

    def _users(self, users, agencies):
        staff_group, _ = Group.objects.get_or_create(name=PROVINCE_STAFF_GROUP)
        for username, full_name, position, agency_name in users:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "full_name": full_name,
                    "position": position,
                    "agency": agencies[agency_name] if agency_name else None,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            if agency_name is None:
                user.groups.add(staff_group)


# How well each 2024 member of the Văn hóa - Xã hội bloc did, as a share of each maximum.
DEMO_SHARES = {
    "Sở Y tế": Decimal("0.96"),
    "Sở Giáo dục và Đào tạo": Decimal("0.93"),
    "Sở Văn hóa, Thể thao và Du lịch": Decimal("0.9"),
    "Bảo hiểm xã hội tỉnh": Decimal("0.88"),
    "Sở Lao động - Thương binh và Xã hội": Decimal("0.86"),
    "Đài Phát thanh và Truyền hình tỉnh": Decimal("0.84"),
    "Ban Quản lý Khu Đại học Nam Cao": Decimal("0.8"),
}


def _demo_points(criterion, sheet) -> str:
    """A member's points on one criterion: its share of the maximum to the half point, a little
    more on its own sheet's first criterion (as members tend to), a bonus for the leader and a
    late report for the last."""
    share = DEMO_SHARES.get(sheet.agency.name, Decimal("0.85"))
    if criterion.section == Criterion.Section.PENALTY:
        late = criterion.code == "VI.1" and share < Decimal("0.82")
        return "1" if late else "0"
    if criterion.section == Criterion.Section.BONUS:
        return "2" if share > Decimal("0.95") and criterion.code == "V.1" else "0"
    if criterion.kind == Criterion.Kind.YES_NO:
        return str(criterion.max_points if share >= Decimal("0.86") else 0)
    value = (criterion.max_points * share * 2).to_integral_value() / 2
    if sheet.is_own and criterion.code == "I.1":
        value = min(value + 3, criterion.max_points)
    return str(value)
