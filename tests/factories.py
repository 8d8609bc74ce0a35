"""factory_boy factories for the portal's models. Names are Vietnamese like real data."""

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
