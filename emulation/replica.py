"""Reads that may come from a read replica: the exports and statistics a province runs over its
whole history, which need not hold the primary's connections while they scan.

A view wrapped in `reads_from_replica` reads from `settings.READ_REPLICA` (an alias in DATABASES,
set from DATABASE_REPLICA_URL) while it runs; everything it writes (the audit entry an export
leaves) and every other view stay on the primary. A replica may be seconds behind: right for a
statistic or an export, never for a page someone edits from. Without a replica nothing changes.
"""

import contextvars
import functools

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

_reading_from = contextvars.ContextVar("reading_from", default=None)


def reads_from_replica(view):
    """Run `view`'s reads on the read replica, when one is configured."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        token = _reading_from.set(settings.READ_REPLICA or None)
        try:
            return view(request, *args, **kwargs)
        finally:
            _reading_from.reset(token)

    return wrapped


class ReplicaRouter:
    """Reads inside `reads_from_replica` go to the replica; writes always to the primary (an
    object read from the replica is saved to the primary, never to the copy)."""

    def db_for_read(self, model, **hints):
        return _reading_from.get()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: an object from one may point at one from the other.
        aliases = {DEFAULT_DB_ALIAS, settings.READ_REPLICA}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db, app_label, **hints):
        # The replica follows the primary by replication; only the primary is migrated.
        return db == DEFAULT_DB_ALIAS
