"""The structure layer: agencies, blocs, bloc-years, memberships, users and their audit trail.

Rows are written with bulk_create (this is generated test data, not user input, and going through
one service call per row would make the large province take far longer than its budget), so the
derived columns the models fill in `save()` (folded search name, collation key, membership year)
are computed here the same way.
"""

import functools

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from blocs.models import Agency, Bloc, BlocYear, Membership
from emulation.models import PROVINCE_STAFF_GROUP, AuditEntry, User
from emulation.text import collation_key, fold
from portal.bench.province import Province

BATCH = 1000
# Every generated account shares this password so the load test can also log in through the form.
PASSWORD = "thidua-bench-2024"  # noqa: S105

TOPICS = [
    "Y tế",
    "Giáo dục và Đào tạo",
    "Tài chính",
    "Nội vụ",
    "Tư pháp",
    "Xây dựng",
    "Công Thương",
    "Nông nghiệp và Môi trường",
    "Khoa học và Công nghệ",
    "Văn hóa, Thể thao và Du lịch",
    "Dân tộc và Tôn giáo",
    "Ngoại vụ",
]
PLACES = [
    "Kim Bảng",
    "Thanh Liêm",
    "Bình Lục",
    "Lý Nhân",
    "Duy Tiên",
    "Phủ Lý",
    "Đồng Văn",
    "Hòa Mạc",
    "Quế",
    "Ba Sao",
    "Tượng Lĩnh",
    "Nhật Tân",
    "Đức Lý",
    "Vĩnh Trụ",
    "Châu Sơn",
    "Thanh Hà",
    "Liêm Tuyền",
    "Tiêu Động",
    "An Lão",
    "Bối Cầu",
]
COMMUNE_FIRST = [
    "Thanh",
    "Kim",
    "Liêm",
    "Bình",
    "An",
    "Đức",
    "Hòa",
    "Tân",
    "Phú",
    "Vĩnh",
    "Nhân",
    "Đồng",
    "Trung",
    "Yên",
    "Mỹ",
]
COMMUNE_SECOND = [
    "Sơn",
    "Hà",
    "Lộc",
    "Phong",
    "Tiến",
    "Hưng",
    "Thịnh",
    "Bình",
    "Lợi",
    "Mỹ",
    "Hải",
    "Long",
    "Thuận",
    "Xuân",
    "Khê",
    "Nghĩa",
    "Tâm",
    "Thành",
    "Phúc",
    "Lâm",
]
PATTERNS = [
    ("Chi cục {topic} khu vực {place}", Agency.Kind.DEPARTMENT),
    ("Trung tâm {topic} khu vực {place}", Agency.Kind.PUBLIC_SERVICE),
    ("Ủy ban nhân dân xã {commune}", Agency.Kind.COMMUNE),
    ("Ban Quản lý dự án {topic} {place}", Agency.Kind.BOARD),
    ("Hội Liên hiệp {topic} {place}", Agency.Kind.MASS_ORGANISATION),
]
SIGNATORIES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Quốc Cường", "Phạm Thị Dung", "Hoàng Minh Đức"]


def agency_name(index: int) -> tuple[str, Agency.Kind]:
    """A plausible Vietnamese agency name for the `index`-th agency, unique for every index."""
    pattern, kind = PATTERNS[index % len(PATTERNS)]
    k = index // len(PATTERNS)
    if kind == Agency.Kind.DEPARTMENT and k < len(TOPICS):
        return f"Sở {TOPICS[k]}", kind
    if kind == Agency.Kind.COMMUNE:
        combos = len(COMMUNE_FIRST) * len(COMMUNE_SECOND)
        commune = f"{COMMUNE_FIRST[k % len(COMMUNE_FIRST)]} "
        commune += COMMUNE_SECOND[(k // len(COMMUNE_FIRST)) % len(COMMUNE_SECOND)]
        name, cycle = pattern.format(commune=commune), k // combos
    else:
        topic = TOPICS[k % len(TOPICS)]
        place = PLACES[(k // len(TOPICS)) % len(PLACES)]
        name, cycle = pattern.format(topic=topic, place=place), k // (len(TOPICS) * len(PLACES))
    return (f"{name} {cycle + 1}" if cycle else name), kind


@functools.cache
def password_hash() -> str:
    """One hash for every generated account: hashing is slow on purpose, so do it once."""
    return make_password(PASSWORD)


def short_name(name: str) -> str:
    return "".join(word[0] for word in name.split() if word[0].isalpha()).upper()[:20]


def named(model, **fields):
    obj = model(**fields)
    obj.search_name = fold(f"{obj.name} {getattr(obj, 'short_name', '')}")[:400]
    obj.sort_name = collation_key(obj.name)
    return obj


def bloc_sizes(scale) -> list[int]:
    """Members per bloc: the focus bloc first, the remaining agencies spread evenly."""
    rest_blocs = scale.blocs - 1
    rest = scale.agencies - scale.focus_members
    sizes = [scale.focus_members]
    for index in range(rest_blocs):
        sizes.append(rest // rest_blocs + (1 if index < rest % rest_blocs else 0))
    return sizes


def build_structure(province: Province) -> int:
    """Agencies, blocs, one bloc-year per bloc and year with rotating head and deputy, members,
    an account per agency, province staff, an observer, and one audit entry per row created."""
    scale = province.scale
    years = list(scale.year_range)
    agencies = _agencies(scale)
    blocs = _blocs(scale)
    members_of = _members_of(scale, agencies)
    bloc_years = _bloc_years(blocs, members_of, years)
    memberships = _memberships(members_of, bloc_years, years)
    users = _accounts(agencies)
    staff, observer = users[0], users[1]

    focus = bloc_years[len(years) - 1]
    focus.observers.add(observer)
    user_of = {user.agency_id: user for user in users[2:]}
    member = next(a for a in members_of[0] if a.pk not in (focus.head_id, focus.deputy_id))
    entries = _audit_trail(staff, bloc_years, memberships)

    province.year = years[-1]
    province.bloc_year_id = focus.pk
    province.agency_id = member.pk
    province.users = {
        "staff": staff.pk,
        "head": user_of[focus.head_id].pk,
        "deputy": user_of[focus.deputy_id].pk,
        "member": user_of[member.pk].pk,
        "observer": observer.pk,
    }
    province.bloc_year_ids = [bloc_year.pk for bloc_year in bloc_years]
    return (
        len(agencies)
        + len(blocs)
        + len(bloc_years)
        + len(memberships)
        + len(users)
        + len(entries)
        + 2
    )


def _agencies(scale) -> list[Agency]:
    """The province's agencies, named by `agency_name`, saved."""
    agencies = []
    for index in range(scale.agencies):
        name, kind = agency_name(index)
        agencies.append(named(Agency, name=name, short_name=short_name(name), kind=kind))
    Agency.objects.bulk_create(agencies, batch_size=BATCH)
    return agencies


def _blocs(scale) -> list[Bloc]:
    """The blocs, every third one a cụm, saved."""
    blocs = []
    for index in range(scale.blocs):
        is_cum = index % 3 == 2
        label = "Cụm thi đua" if is_cum else "Khối thi đua"
        code = f"{'CTĐ' if is_cum else 'KTĐ'}{index + 1:03d}"
        blocs.append(
            named(
                Bloc,
                name=f"{label} số {index + 1}",
                code=code,
                kind=Bloc.Kind.CUM if is_cum else Bloc.Kind.KHOI,
            )
        )
    Bloc.objects.bulk_create(blocs, batch_size=BATCH)
    return blocs


def _members_of(scale, agencies: list[Agency]) -> list[list[Agency]]:
    """Each bloc's agencies, in bloc order, cut from `agencies` by `bloc_sizes`."""
    members_of, start = [], 0
    for size in bloc_sizes(scale):
        members_of.append(agencies[start : start + size])
        start += size
    return members_of


def _bloc_years(blocs, members_of, years) -> list[BlocYear]:
    """One bloc-year per bloc and year, bloc by bloc, with its head, deputy and elected
    successors, saved."""
    bloc_years = []
    for bloc, members in zip(blocs, members_of, strict=True):
        for offset, year in enumerate(years):
            # The head rotates yearly; in the last year the first member heads, the second
            # deputises.
            turn = len(years) - 1 - offset
            head = members[turn % len(members)]
            deputy = members[(turn + 1) % len(members)]
            following = (turn - 1) % len(members)
            bloc_years.append(
                BlocYear(
                    bloc=bloc,
                    year=year,
                    head=head,
                    deputy=deputy,
                    next_head=members[following] if year != years[-1] else None,
                    next_deputy=members[(following + 1) % len(members)]
                    if year != years[-1]
                    else None,
                    liaison_name="Trần Xuân Lộc",
                    liaison_title="Phó Chủ tịch UBND tỉnh",
                )
            )
    BlocYear.objects.bulk_create(bloc_years, batch_size=BATCH)
    return bloc_years


def _memberships(members_of, bloc_years, years) -> list[Membership]:
    """Every bloc's agencies as members of each of its bloc-years, saved."""
    memberships = []
    by_index = iter(bloc_years)
    for members in members_of:
        for _year in years:
            bloc_year = next(by_index)
            for position, agency in enumerate(members):
                memberships.append(
                    Membership(
                        bloc_year=bloc_year,
                        agency=agency,
                        year=bloc_year.year,
                        signatory_name=SIGNATORIES[position % len(SIGNATORIES)],
                        signatory_title="Giám đốc",
                    )
                )
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    return memberships


def _accounts(agencies) -> list[User]:
    """Province staff (in the staff group), an observer, then one account per agency, saved."""
    password = password_hash()
    staff_group, _ = Group.objects.get_or_create(name=PROVINCE_STAFF_GROUP)
    users = [
        User(username="canbo", full_name="Nguyễn Thị Thu Hà", password=password),
        User(username="theodoi", full_name="Lê Văn Theo Dõi", password=password),
    ]
    users += [
        User(
            username=f"donvi{index + 1:04d}",
            full_name=f"Cán bộ {agency.name}"[:150],
            agency=agency,
            password=password,
        )
        for index, agency in enumerate(agencies)
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    users[0].groups.add(staff_group)
    return users


def _audit_trail(staff, bloc_years, memberships) -> list[AuditEntry]:
    """The staff member's audit entries for every bloc-year and membership created, saved."""
    bloc_year_type = ContentType.objects.get_for_model(BlocYear)
    membership_type = ContentType.objects.get_for_model(Membership)
    entries = [
        AuditEntry(
            actor=staff,
            actor_name=str(staff),
            action="blocs.bloc_year.created",
            content_type=bloc_year_type,
            object_id=str(bloc_year.pk),
            object_repr=f"{bloc_year.bloc.name} năm {bloc_year.year}",
            data={"year": [None, bloc_year.year]},
        )
        for bloc_year in bloc_years
    ]
    entries += [
        AuditEntry(
            actor=staff,
            actor_name=str(staff),
            action="blocs.membership.added",
            content_type=membership_type,
            object_id=str(membership.pk),
            object_repr=membership.agency.name,
            data={"agency": [None, membership.agency.name]},
        )
        for membership in memberships
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=BATCH)
    return entries
