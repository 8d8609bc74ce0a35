"""factory_boy factories for the portal's models. Names are Vietnamese like real data."""

import datetime

import factory
from django.contrib.auth.models import Group

from blocs.models import Agency, Bloc, BlocYear, Membership
from emulation.models import PROVINCE_STAFF_GROUP, User


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Sở Thử nghiệm số {n}")
    short_name = factory.Sequence(lambda n: f"STN{n}")
    kind = Agency.Kind.DEPARTMENT


class BlocFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bloc

    name = factory.Sequence(lambda n: f"Khối thi đua số {n}")
    code = factory.Sequence(lambda n: f"KTĐ{n}")


class BlocYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BlocYear

    bloc = factory.SubFactory(BlocFactory)
    year = 2024


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    bloc_year = factory.SubFactory(BlocYearFactory)
    agency = factory.SubFactory(AgencyFactory)
    signatory_name = factory.Sequence(lambda n: f"Nguyễn Văn {chr(65 + n % 26)}")
    signatory_title = "Giám đốc"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Trần Thị {chr(65 + n % 26)}")
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-thu-nghiem")

    @factory.post_generation
    def province_staff(self, create, extracted, **kwargs):
        if create and extracted:
            group, _ = Group.objects.get_or_create(name=PROVINCE_STAFF_GROUP)
            self.groups.add(group)
        if create:
            self.save()


def bloc_year_with_members(count: int, *, year: int = 2024, bloc=None) -> BlocYear:
    """A bloc-year with `count` member agencies; the first is head, the second deputy."""
    bloc_year = BlocYearFactory(year=year, **({"bloc": bloc} if bloc else {}))
    memberships = [MembershipFactory(bloc_year=bloc_year) for _ in range(count)]
    if count >= 2:
        bloc_year.head = memberships[0].agency
        bloc_year.deputy = memberships[1].agency
        bloc_year.save()
    return bloc_year


def award_type(code: str):
    """A seeded award type by code (CO_CP, CO_TINH, CSTD_TINH, …)."""
    from awards.models import AwardType

    return AwardType.objects.get(code=code)


class AwardProposalFactory(factory.django.DjangoModelFactory):
    """A draft collective proposal in a bloc-year (the agency is made a member)."""

    class Meta:
        model = "awards.AwardProposal"
        skip_postgeneration_save = True

    bloc_year = factory.SubFactory(BlocYearFactory)
    agency = factory.LazyAttribute(lambda o: MembershipFactory(bloc_year=o.bloc_year).agency)
    award_type = factory.LazyFunction(lambda: award_type("CO_TINH"))
    year = factory.LazyAttribute(lambda o: o.bloc_year.year)

    @factory.post_generation
    def lead(proposal, create, extracted, **kwargs):
        """`leads_bloc=True` makes the unit one of its bloc-year's leading units, as the flag
        vote or the head would."""
        if create and proposal.leads_bloc and not proposal.person_name:
            from awards.models import LeadingUnit

            LeadingUnit.objects.get_or_create(
                bloc_year=proposal.bloc_year, agency=proposal.agency, defaults={"source": "vote"}
            )


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "awards.Decision"

    number = factory.Sequence(lambda n: f"{100 + n}/QĐ-UBND")
    signed_on = datetime.date(2025, 3, 15)
    signer_name = "Nguyễn Văn Chủ"
    signer_title = "Chủ tịch UBND tỉnh"


class AwardRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "awards.AwardRecord"

    agency = factory.SubFactory(AgencyFactory)
    award_type = factory.LazyFunction(lambda: award_type("CO_TINH"))
    year = 2023
    decision = factory.SubFactory(DecisionFactory)


def xlsx_bytes(headers, rows, *, title_rows=(), sheet_title="Dữ liệu") -> bytes:
    """A workbook built in memory for import tests: optional title rows, a header, data rows.

    A string starting with "=" becomes a formula cell, as when a user types one in Excel.
    """
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    for row in title_rows:
        sheet.append(list(row))
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def covenant_for(bloc_year, *, status: str = "draft", actor=None):
    """The bloc-year's covenant drafted from the province template, moved to `status`
    ("draft", "open" or "signed": every member signs on paper)."""
    from blocs.models import Agency
    from blocs.services import covenants

    covenant = covenants.create_covenant(bloc_year, actor=actor)
    if status in ("open", "signed"):
        covenant = covenants.open_covenant(covenant, actor=actor)
    if status == "signed":
        covenants.record_paper_signatures(
            covenant,
            Agency.objects.filter(memberships__bloc_year=bloc_year),
            signed_on=covenant.bloc_year.memberships.first().joined_at.date(),
            actor=actor,
        )
        covenant.refresh_from_db()
    return covenant


def minimal_pdf(text: str = "Trang da ky") -> bytes:
    """A small valid one-page PDF rendered by the portal's renderer (for upload tests)."""
    from emulation.pdf import html_to_pdf

    return html_to_pdf(f"<p>{text}</p>")


def issued_document(bloc_year=None, *, actor=None, title="Biên bản hội nghị", kind="BB", **kwargs):
    """A really issued document (numbered, stored, audited) whose PDF is a tiny blank page."""
    from emulation.documents import issue_document
    from tests.pdf_helpers import tiny_pdf

    issuer_code = bloc_year.bloc.code if bloc_year else "BTĐKT"
    return issue_document(
        kind=kind,
        kind_label=kwargs.pop("kind_label", "Biên bản"),
        issuer_code=kwargs.pop("issuer_code", issuer_code),
        issuer_name=kwargs.pop("issuer_name", bloc_year.bloc.name if bloc_year else "Phòng TĐKT"),
        dated=kwargs.pop("dated", datetime.date(bloc_year.year if bloc_year else 2024, 12, 20)),
        title=title,
        render=kwargs.pop(
            "render", lambda stamp: tiny_pdf(f"{stamp.number} {stamp.verification_code}")
        ),
        bloc_year=bloc_year,
        actor=actor,
        **kwargs,
    )
