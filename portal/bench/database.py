"""Throwaway databases: the bench never reads or writes the user's data.

On PostgreSQL a new database is created through a maintenance connection (and cloned from a
migrated template, which is much faster than migrating twice) and dropped afterwards; on SQLite a
file in a temporary directory plays the same part. `activate` points Django's default connection
at one of them for the duration of a block and puts the original connection back afterwards.
"""

import copy
import itertools
import os
import shutil
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend

_counter = itertools.count(1)
LOOPBACK_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def base_settings() -> dict:
    """A copy of the default connection's complete settings: the server to create databases on."""
    return copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)


def loopback_postgres(url: str = LOOPBACK_POSTGRES) -> dict | None:
    """Settings for the PostgreSQL server at `url` when it answers within a few seconds."""
    import dj_database_url
    import psycopg

    parsed = dj_database_url.parse(url)
    candidate = {**base_settings(), **parsed, "OPTIONS": parsed.get("OPTIONS", {})}
    try:
        _maintenance_connection(candidate).close()
    except psycopg.Error:
        return None
    return candidate


def choose_server(database: str) -> dict:
    """Where throwaway databases go. "configured": next to the configured default database.
    "auto": the same when DATABASE_URL is set; otherwise a PostgreSQL answering on 127.0.0.1:5432
    (production's engine, which the budgets are about), else SQLite."""
    if database == "configured" or os.environ.get("DATABASE_URL"):
        return base_settings()
    return loopback_postgres() or base_settings()


def vendor_of(settings_dict: dict) -> str:
    engine = settings_dict["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise ImproperlyConfigured(f"The bench supports PostgreSQL and SQLite, not {engine}.")


def _maintenance_connection(settings_dict: dict):
    import psycopg

    return psycopg.connect(
        dbname="postgres",
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        autocommit=True,
        connect_timeout=5,
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_database(base: dict, label: str, *, template: dict | None = None) -> dict:
    """Create an empty (or `template`-cloned) database next to `base`; return its settings."""
    name = f"{label}_{os.getpid()}_{next(_counter)}"
    if vendor_of(base) == "postgresql":
        clause = f" TEMPLATE {_quote(template['NAME'])}" if template else ""
        with _maintenance_connection(base) as maintenance:
            maintenance.execute(f"DROP DATABASE IF EXISTS {_quote(name)}")
            maintenance.execute(f"CREATE DATABASE {_quote(name)}{clause}")
        return {**copy.deepcopy(base), "NAME": name}
    directory = Path(tempfile.mkdtemp(prefix=f"{label}-"))
    path = directory / f"{name}.sqlite3"
    if template:
        shutil.copyfile(template["NAME"], path)
    return {**copy.deepcopy(base), "NAME": str(path)}


def drop_database(settings_dict: dict) -> None:
    """Remove a database made by `create_database` (no other connection may hold it)."""
    if vendor_of(settings_dict) == "postgresql":
        with _maintenance_connection(settings_dict) as maintenance:
            maintenance.execute(
                f"DROP DATABASE IF EXISTS {_quote(settings_dict['NAME'])} WITH (FORCE)"
            )
        return
    shutil.rmtree(Path(settings_dict["NAME"]).parent, ignore_errors=True)


@contextmanager
def throwaway(base: dict, label: str, *, template: dict | None = None):
    """A new database for the duration of the block, dropped however the block ends."""
    settings_dict = create_database(base, label, template=template)
    try:
        yield settings_dict
    finally:
        drop_database(settings_dict)


def wrapper_for(settings_dict: dict):
    """A new, unopened connection wrapper for `settings_dict` under the default alias."""
    backend = load_backend(settings_dict["ENGINE"])
    return backend.DatabaseWrapper(copy.deepcopy(settings_dict), DEFAULT_DB_ALIAS)


@contextmanager
def using(wrapper, *, clear_content_types: bool = True):
    """Make `wrapper` the default connection inside the block, without closing it after, so two
    databases can take turns request by request.

    Content type ids are cached per alias and may differ between databases; provinces cloned
    from one migrated template share them, so turns between those pass
    `clear_content_types=False` (clearing would add a query to every turn's first request).
    """
    previous_wrapper = connections[DEFAULT_DB_ALIAS]
    previous_settings = settings.DATABASES[DEFAULT_DB_ALIAS]
    connections[DEFAULT_DB_ALIAS] = wrapper
    settings.DATABASES[DEFAULT_DB_ALIAS] = wrapper.settings_dict
    if clear_content_types:
        ContentType.objects.clear_cache()
    try:
        yield wrapper
    finally:
        connections[DEFAULT_DB_ALIAS] = previous_wrapper
        settings.DATABASES[DEFAULT_DB_ALIAS] = previous_settings
        if clear_content_types:
            ContentType.objects.clear_cache()


@contextmanager
def activate(settings_dict: dict):
    """Point the default connection (and settings.DATABASES) at `settings_dict` inside the block.

    A new connection wrapper replaces the current one rather than renaming it, so an open
    connection (an in-memory SQLite test database, say) is left untouched and restored after.
    """
    wrapper = wrapper_for(settings_dict)
    try:
        with using(wrapper):
            yield wrapper
    finally:
        wrapper.close()


def database_url(settings_dict: dict) -> str:
    """The DATABASE_URL another process (gunicorn) uses to reach the same database."""
    if vendor_of(settings_dict) == "sqlite":
        return f"sqlite:///{settings_dict['NAME']}"
    user = quote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password)}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{quote(settings_dict['NAME'])}"


def server_version() -> str:
    """The active database server and its version, e.g. "PostgreSQL 15.20"."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
