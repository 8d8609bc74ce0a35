"""The read replica: exports and statistics read from it, their writes and every other page stay on
the primary. The replica here is a second alias on the same server (DATABASE_REPLICA_URL set to
the primary's, as scripts/test.sh does for the PostgreSQL run), so what the primary committed is
what the replica reads."""

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.models import AwardRecord
from emulation.models import AuditEntry
from emulation.replica import ReplicaRouter, reads_from_replica
from tests.factories import AwardRecordFactory, UserFactory

REPLICA = "replica"
needs_replica = pytest.mark.skipif(
    REPLICA not in settings.DATABASES, reason="no DATABASE_REPLICA_URL (the PostgreSQL run sets it)"
)


def test_reads_go_to_the_replica_only_inside_a_wrapped_view(settings):
    router = ReplicaRouter()
    settings.READ_REPLICA = REPLICA
    seen = []

    @reads_from_replica
    def view(request):
        seen.append(router.db_for_read(AwardRecord))
        seen.append(router.db_for_write(AwardRecord))
        return "ok"

    assert router.db_for_read(AwardRecord) is None  # the default: the primary
    assert view(None) == "ok"
    assert seen == [REPLICA, DEFAULT_DB_ALIAS]
    assert router.db_for_read(AwardRecord) is None  # reset after the view, even on error

    @reads_from_replica
    def failing(request):
        raise ValueError("lỗi")

    with pytest.raises(ValueError):
        failing(None)
    assert router.db_for_read(AwardRecord) is None


def test_without_a_replica_a_wrapped_view_reads_from_the_primary(settings):
    settings.READ_REPLICA = None
    router = ReplicaRouter()
    assert reads_from_replica(lambda request: router.db_for_read(AwardRecord))(None) is None
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "awards")
    assert not router.allow_migrate(REPLICA, "awards")


def _tables(captured) -> str:
    return " ".join(query["sql"] for query in captured.captured_queries)


@needs_replica
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_statistics_and_the_council_export_read_the_replica_and_write_the_primary(settings, client):
    settings.READ_REPLICA = REPLICA
    AwardRecordFactory(year=2023)
    client.force_login(UserFactory(username="canbo-replica", province_staff=True))
    pages = [
        reverse("awards:award_statistics") + "?year=2023",
        reverse("awards:award_statistics_export"),
        reverse("awards:council_list_export") + "?year=2024",
    ]
    for url in pages:
        with (
            CaptureQueriesContext(connections[REPLICA]) as replica,
            CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        ):
            assert client.get(url).status_code == 200, url
        assert "awards_" in _tables(replica), url
        assert "awards_" not in _tables(primary), url  # the primary saw the session, the user
    assert AuditEntry.objects.filter(action="awards.council_list.exported").count() == 1

    with (
        CaptureQueriesContext(connections[REPLICA]) as replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
    ):
        assert client.get(reverse("awards:ledger")).status_code == 200
    assert replica.captured_queries == []
    assert "awards_" in _tables(primary)
