"""Audit entries for people: the action's label, each detail key's label, values formatted
(dates, booleans, lists, choice labels, names for ids) and, on the audit page, the place (bloc
and year) the target belongs to. Ids are looked up once per model for a whole page of entries.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from emulation import audit_labels
from emulation.models import AuditEntry

EMPTY = _("(trống)")
YES, NO = _("Có"), _("Không")
SHORT_TEXT = 160
SHORT_LIST = 5
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


@dataclass
class Shown:
    """One value as shown: a short text (and the full one when shortened), or lines."""

    text: str = ""
    full: str = ""
    lines: list[str] = field(default_factory=list)
    empty: bool = False

    @property
    def collapsed(self) -> bool:
        """Long lists fold into a <details> like long texts do."""
        return len(self.lines) > SHORT_LIST


@dataclass
class Change:
    """One detail: a label and either old → new (a field change) or a single value (a fact)."""

    label: str
    new: Shown
    old: Shown | None = None


@dataclass
class ReadableEntry:
    entry: AuditEntry
    action: str
    target_type: str = ""
    place: str = ""
    changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True)
class _Reading:
    """How one key of one entry reads, resolved from the registry and the target's model."""

    label: str
    choices: dict[str, str]
    related: type[models.Model] | None = None
    by: str = "pk"
    lines: bool = False

    def key(self, value):
        """The lookup key `value` stands for, when it refers to a `related` object."""
        if self.related is None or isinstance(value, bool):
            return None
        if self.by != "pk":
            return value if isinstance(value, str) and value else None
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
            value = int(value)
        # A primary key fits in 64 bits; anything bigger is not an id (and would overflow SQL).
        return value if isinstance(value, int) and 0 < value < 2**63 else None


def _model_field(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return next((f for f in model._meta.concrete_fields if f.attname == name), None)


def _named_field(path: str):
    app_label, model_name, name = path.split(".")
    return apps.get_model(app_label, model_name)._meta.get_field(name)


def _reading(action: str, key: str, model) -> _Reading:
    registered = audit_labels.detail(action, key) or audit_labels.Detail()
    own = _named_field(registered.field) if registered.field else None
    model_field = own or _model_field(model, key)
    label = registered.label or getattr(model_field, "verbose_name", "") or key
    choices = {str(k): str(v) for k, v in getattr(model_field, "flatchoices", None) or ()}
    choices.update({str(k): str(v) for k, v in registered.values.items()})
    related = apps.get_model(registered.model) if registered.model else None
    if related is None and model_field is not None and model_field.many_to_one:
        related = model_field.related_model
    return _Reading(
        label=capfirst(str(label)),
        choices=choices,
        related=related,
        by=registered.by if registered.model else "pk",
        lines=registered.lines,
    )


def _sides(value, reading: _Reading) -> tuple[bool, object, object]:
    """(True, old, new) for a change, (False, None, value) for a fact: a diff is stored as
    [old, new], a fact as [value]; a list-valued key's plain list is one value."""
    pair = isinstance(value, list) and len(value) == 2
    if pair and (not reading.lines or all(isinstance(side, list) for side in value)):
        return True, value[0], value[1]
    if isinstance(value, list) and len(value) == 1:
        return False, None, value[0]
    return False, None, value


def _day(day: date) -> str:
    """dd/mm/yyyy with the year always four digits (strftime does not pad year 999)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def _date_text(value: str) -> str | None:
    try:
        if _ISO_DATE.match(value):
            return _day(date.fromisoformat(value))
        if _ISO_DATETIME.match(value):
            moment = datetime.fromisoformat(value)
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return f"{_day(moment)} {moment.hour:02d}:{moment.minute:02d}"
    except (ValueError, OverflowError):
        return None
    return None


def _text(value, reading: _Reading, names: dict) -> str:
    if isinstance(value, bool):
        return str(YES if value else NO)
    related_key = reading.key(value)
    if related_key is not None:
        name = names.get((reading.related, reading.by, related_key))
        return name if name is not None else str(_("%(key)s (không còn)") % {"key": related_key})
    text = str(value)
    if text in reading.choices:
        return reading.choices[text]
    return _date_text(text) or text


def _shown(value, reading: _Reading, names: dict) -> Shown:
    if value is None or value == "" or value == [] or value == {}:
        return Shown(text=str(EMPTY), empty=True)
    if isinstance(value, dict):
        items = [f"{key}: {_text(item, reading, names)}" for key, item in value.items()]
        return Shown(lines=items)
    if isinstance(value, list):
        return Shown(
            lines=[_text(item, reading, names) for item in value if item not in ("", None)]
        )
    if reading.lines and isinstance(value, str) and "; " in value:
        return Shown(lines=[_text(item, reading, names) for item in value.split("; ") if item])
    text = _text(value, reading, names)
    if len(text) > SHORT_TEXT:
        return Shown(text=text[: SHORT_TEXT - 10].rstrip() + "…", full=text)
    return Shown(text=text)


def _ids_wanted(value, reading: _Reading, wanted: dict) -> None:
    if reading.related is None:
        return
    for side in value if isinstance(value, list) else [value]:
        for item in side if isinstance(side, list) else [side]:
            related_key = reading.key(item)
            if related_key is not None:
                wanted[(reading.related, reading.by)].add(related_key)


def _names(wanted: dict) -> dict:
    """One query per model that a page's details refer to, however many entries."""
    names = {}
    for (model, by), keys in wanted.items():
        for key, obj in model._default_manager.in_bulk(list(keys), field_name=by).items():
            names[(model, by, key)] = str(obj)
    return names


def _target_model(entry: AuditEntry):
    if not entry.content_type_id:
        return None
    return ContentType.objects.get_for_id(entry.content_type_id).model_class()


def readable_entries(entries: Iterable[AuditEntry], *, places: bool = False) -> list[ReadableEntry]:
    """The entries as people read them; with `places`, the bloc and year of each target."""
    entries = list(entries)
    resolved, wanted = [], defaultdict(set)
    for entry in entries:
        model = _target_model(entry)
        data = entry.data if isinstance(entry.data, dict) else {"": entry.data}
        readings = [(key, value, _reading(entry.action, key, model)) for key, value in data.items()]
        for _key, value, reading in readings:
            _ids_wanted(value, reading, wanted)
        resolved.append((entry, model, readings))
    names = _names(wanted)
    where = _places(entries) if places else {}
    return [
        ReadableEntry(
            entry=entry,
            action=audit_labels.action_label(entry.action),
            target_type=capfirst(str(model._meta.verbose_name)) if model is not None else "",
            place=where.get(entry.pk, ""),
            changes=[_change(value, reading, names) for _key, value, reading in readings],
        )
        for entry, model, readings in resolved
    ]


def _change(value, reading: _Reading, names: dict) -> Change:
    is_change, old, new = _sides(value, reading)
    return Change(
        label=reading.label,
        new=_shown(new, reading, names),
        old=_shown(old, reading, names) if is_change else None,
    )


def _places(entries: Sequence[AuditEntry]) -> dict[int, str]:
    found = {}
    for scope in audit_labels.AUDIT_SCOPES:
        for pk, place in scope().places(entries).items():
            found.setdefault(pk, place)
    return found
