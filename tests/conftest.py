"""The test cast, shared by every test file.

A 2024 bloc-year "Khối thi đua Văn hóa - Xã hội" with five members: Sở Y tế is head, Sở Giáo dục
và Đào tạo deputy, Sở Văn hóa, Thể thao và Du lịch a plain member. Users: `province_staff` (Ban
TĐKT), `bloc_head`, `deputy`, `member`, `outsider` (an agency in another bloc) and anonymous.
"""

import os
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

from tests.factories import (
    AgencyFactory,
    BlocFactory,
    BlocYearFactory,
    MembershipFactory,
    UserFactory,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Browser tests empty every table with TRUNCATE between tests, which the audit table
    refuses on PostgreSQL unless the session allows it (production sessions never do)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        database.setdefault("OPTIONS", {})["options"] = "-c portal.allow_audit_truncate=on"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 at production strength costs ~0.3 s per user; tests make hundreds of users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def no_render_cache_and_no_replica():
    """For the whole session, module-scoped fixtures included: every test renders its own PDF (a
    test that makes the renderer fail must see it fail), and reads stay on the primary (a test's
    rows live in its own transaction, or in a bench database the replica alias does not point
    at). tests/emulation/test_pdf_render_cache.py and test_replica.py turn them on."""
    with override_settings(DOCUMENT_RENDER_CACHE_SECONDS=0, READ_REPLICA=None):
        yield


@pytest.fixture(scope="session")
def _test_media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def temporary_media_root(settings, _test_media_root):
    """Files tests store (issued documents, uploads) go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = _test_media_root


def _runs_in_transactions_that_flush(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    return any(name in item.fixturenames for name in ("transactional_db", "live_server"))


def _uses_database(item) -> bool:
    return item.get_closest_marker("django_db") is not None or "db" in item.fixturenames


# The quick-start path `make test` runs again on SQLite (`-m quickstart`): the demo province and its
# logins, migrations, the pages everyone opens, and every test of code with a branch per database
# (search folding, login throttling, the import lock, the audit log's append-only rule). The
# whole suite runs on PostgreSQL, the database production uses.
QUICKSTART = (
    "tests/test_quickstart.py",
    "tests/test_smoke.py",
    "tests/test_home.py",
    "tests/emulation/test_migrations.py",
    "tests/emulation/test_text.py",
    "tests/emulation/test_login_protection.py",
    "tests/emulation/test_pipeline.py",
    "tests/emulation/test_audit.py",
    "tests/blocs/test_agency_views.py",
    "tests/blocs/test_models.py",
)


def pytest_itemcollected(item):
    """Mark the quick-start path (before `-m` selects from it)."""
    if Path(item.fspath).relative_to(item.config.rootpath).as_posix() in QUICKSTART:
        item.add_marker(pytest.mark.quickstart)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run plain database tests, then tests that flush the database, then the rest.

    pytest-django sorts this way, but pytest then regroups items by session-scoped parametrized
    fixtures (Playwright's browser), which put browser tests, and their flush, in the middle of
    the plain tests and wiped the seeded reference data for the tests after them on that worker.
    """
    items.sort(
        key=lambda item: (
            1 if _runs_in_transactions_that_flush(item) else (0 if _uses_database(item) else 2)
        )
    )


def reseed_reference_data():
    """Run every data migration's `seed(apps, schema_editor)` again.

    Reference data (award types, rule sets, eligibility rules, the covenant template) comes from
    data migrations; a transactional test flushes it away afterwards, so later transactional
    tests need it put back. Seeds are idempotent by convention.
    """
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    for key in sorted(loader.disk_migrations):
        seed = getattr(sys.modules[loader.disk_migrations[key].__module__], "seed", None)
        if seed is not None:
            seed(_TodaysModels(), None)


class _TodaysModels:
    """The `apps` a seed asks for its models, answered from today's registry, where a model may
    live in another app than when the seed was written (AwardType: awards → blocs)."""

    MOVED = {("awards", "awardtype"): "blocs"}

    def get_model(self, app_label, model_name):
        from django.apps import apps

        return apps.get_model(
            self.MOVED.get((app_label, model_name.lower()), app_label), model_name
        )


@pytest.fixture(autouse=True)
def reference_data_in_transactional_tests(request):
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        reseed_reference_data()


@pytest.fixture
def bloc_year(db):
    bloc = BlocFactory(name="Khối thi đua Văn hóa - Xã hội", code="KTĐVHXH")
    bloc_year = BlocYearFactory(
        bloc=bloc, year=2024, liaison_name="Trần Văn Liên", liaison_title="Phó Chủ tịch UBND tỉnh"
    )
    names = [
        "Sở Y tế",
        "Sở Giáo dục và Đào tạo",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Bảo hiểm xã hội tỉnh",
        "Đài Phát thanh và Truyền hình tỉnh",
    ]
    agencies = [AgencyFactory(name=name, short_name="") for name in names]
    for agency in agencies:
        MembershipFactory(bloc_year=bloc_year, agency=agency)
    bloc_year.head, bloc_year.deputy = agencies[0], agencies[1]
    bloc_year.save()
    return bloc_year


@pytest.fixture
def other_bloc_year(db):
    """Another bloc the same year, with its own head: the outsider's bloc."""
    bloc_year = BlocYearFactory(bloc=BlocFactory(name="Khối thi đua số 6", code="KTĐ6"), year=2024)
    agency = AgencyFactory(name="Tỉnh đoàn")
    MembershipFactory(bloc_year=bloc_year, agency=agency)
    bloc_year.head = agency
    bloc_year.save()
    return bloc_year


def _member_agency(bloc_year, name):
    return bloc_year.memberships.get(agency__name=name).agency


@pytest.fixture
def province_staff(db):
    return UserFactory(username="canbo", full_name="Lê Thị Cán Bộ", province_staff=True)


@pytest.fixture
def bloc_head(bloc_year):
    return UserFactory(username="truongkhoi", agency=bloc_year.head)


@pytest.fixture
def deputy(bloc_year):
    return UserFactory(username="phokhoi", agency=bloc_year.deputy)


@pytest.fixture
def member(bloc_year):
    return UserFactory(
        username="thanhvien", agency=_member_agency(bloc_year, "Sở Văn hóa, Thể thao và Du lịch")
    )


@pytest.fixture
def outsider(other_bloc_year):
    return UserFactory(username="nguoingoai", agency=other_bloc_year.head)


def _client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def staff_client(province_staff):
    return _client_for(province_staff)


@pytest.fixture
def head_client(bloc_head):
    return _client_for(bloc_head)


@pytest.fixture
def deputy_client(deputy):
    return _client_for(deputy)


@pytest.fixture
def member_client(member):
    return _client_for(member)


@pytest.fixture
def outsider_client(outsider):
    return _client_for(outsider)


@pytest.fixture
def anonymous_client(db):
    return _client_for(None)


@pytest.fixture
def cast_clients(
    staff_client, head_client, deputy_client, member_client, outsider_client, anonymous_client
):
    """Every role's client by name, for permission-matrix tests."""
    return {
        "staff": staff_client,
        "head": head_client,
        "deputy": deputy_client,
        "member": member_client,
        "outsider": outsider_client,
        "anonymous": anonymous_client,
    }
