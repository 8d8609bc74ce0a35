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
