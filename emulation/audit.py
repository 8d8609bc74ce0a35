"""The one audit path: every service writes its entry here, inside its own transaction."""

import threading
from datetime import date, datetime, time
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models

from emulation.models import AuditEntry

_request_state = threading.local()


def remember_request_ip(ip: str | None) -> None:
    """Set by middleware so services need not pass the request around to log the client IP."""
    _request_state.ip = ip


def _current_ip() -> str | None:
    return getattr(_request_state, "ip", None)


def _jsonable(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value


def diff(before: dict, after: dict) -> dict:
    """Only the fields that changed, as {"field": [old, new]} for the audit entry."""
    return {
        key: [_jsonable(before.get(key)), _jsonable(after.get(key))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def snapshot(obj: models.Model, fields: list[str]) -> dict:
    return {field: getattr(obj, field) for field in fields}


def log_action(action: str, obj: models.Model | None, *, actor, data: dict | None = None):
    """Append one audit entry: `action` is a dotted code such as "blocs.agency.renamed"."""
    entry = AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(actor) if getattr(actor, "pk", None) else "hệ thống",
        ip_address=_current_ip(),
        action=action,
        data=_jsonable(data or {}),
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj)
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:300]
    entry.save()
    return entry


def apply_changes(
    obj: models.Model,
    changes: dict,
    *,
    actor,
    action: str,
    clean_exclude: list[str] | None = None,
    data: dict | None = None,
) -> dict:
    """The audited update every service makes: set `changes`, validate, save and log only what
    actually changed (as {"field": [old, new]}, plus `data`). Returns that diff; when it is empty
    nothing is saved or logged.

    `clean_exclude` names fields `full_clean` skips (derived or checked elsewhere); None skips
    `full_clean` for callers that validated already. Call with `obj` locked, inside the
    service's transaction.
    """
    before = snapshot(obj, list(changes))
    for name, value in changes.items():
        setattr(obj, name, value)
    if clean_exclude is not None:
        obj.full_clean(exclude=clean_exclude)
    changed = diff(before, snapshot(obj, list(changes)))
    if changed:
        obj.save()
        log_action(action, obj, actor=actor, data={**changed, **(data or {})})
    return changed
