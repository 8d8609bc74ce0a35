"""Load the demo province: three blocs made up like real ones, 2023 and 2024, the 2025 mergers.

Idempotent: running it again changes nothing and creates nothing twice.
"""

import datetime

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from blocs.models import Agency, AgencyChange, Bloc, BlocYear, Membership
from emulation.models import PROVINCE_STAFF_GROUP, User

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

# username, full name, position, agency (None: province staff)
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

DEMO_LOGINS = [
    ("canbo", "Phòng Thi đua - Khen thưởng (Sở Nội vụ)"),
    ("truongkhoi", "Trưởng khối Văn hóa - Xã hội 2024 (Sở Y tế)"),
    ("phokhoi", "Phó khối Văn hóa - Xã hội 2024 (Sở Giáo dục và Đào tạo)"),
    ("thanhvien", "Thành viên khối Văn hóa - Xã hội (Sở Văn hóa, Thể thao và Du lịch)"),
]


class Command(BaseCommand):
    help = "Tải dữ liệu tỉnh mẫu (chạy lại không tạo trùng)."

    @transaction.atomic
    def handle(self, *args, **options):
        agencies = self._agencies()
        for name, code, members, years, (liaison_name, liaison_title) in BLOCS:
            bloc, _ = Bloc.objects.get_or_create(code=code, defaults={"name": name})
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
        self._mergers(agencies)
        self._users(agencies)
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS("Đã tải dữ liệu tỉnh mẫu."))
            self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
            for username, role in DEMO_LOGINS:
                self.stdout.write(f"  {username:<11} {role}")

    def _agencies(self):
        agencies = {}
        for name, (short, kind, _title, _leader) in AGENCIES.items():
            agencies[name], _ = Agency.objects.get_or_create(
                name=name, defaults={"short_name": short, "kind": kind}
            )
        return agencies

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
            merged.status = Agency.Status.MERGED
            merged.successor = successor
            merged.ended_on = MERGER_DATE - datetime.timedelta(days=1)
            merged.save()

    def _users(self, agencies):
        staff_group, _ = Group.objects.get_or_create(name=PROVINCE_STAFF_GROUP)
        for username, full_name, position, agency_name in USERS:
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
