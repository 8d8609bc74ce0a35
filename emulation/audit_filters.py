"""The audit page's filters: bloc (and any other registered scope), object type, actor account,
action (by label, grouped by app) and date range. A filter that does not validate is left out
with a Vietnamese message beside it; the others still apply, so bad input never loses them."""

import re
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from emulation import audit_labels
from emulation.forms import PortalForm, VietnameseDateField
from emulation.models import AuditEntry, User
from emulation.text import vn_sort_key

# The apps whose models are audited: the object-type filter lists their content types.
AUDITED_APPS = ("emulation", "blocs", "awards", "auth")
_CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){0,3}$")

# Each message names its field, as the date fields' messages do.
NUL_MESSAGE = _("%(field)s có ký tự không hợp lệ.")
CHOICE_MESSAGE = _("%(field)s: giá trị đã chọn không có trong danh sách.")


def object_type_choices() -> list[tuple[str, str]]:
    """The audited models that have entries: one EXISTS probe per content type on the
    (content type, object) index, never a DISTINCT over the whole table."""
    used = (
        ContentType.objects.filter(app_label__in=AUDITED_APPS)
        .annotate(used=Exists(AuditEntry.objects.filter(content_type=OuterRef("pk"))))
        .filter(used=True)
    )
    choices = []
    for content_type in used:
        model = content_type.model_class()
        if model is not None:
            choices.append((str(content_type.pk), capfirst(str(model._meta.verbose_name))))
    return sorted(choices, key=lambda choice: vn_sort_key(choice[1]))


class AuditFilterForm(PortalForm):
    """GET filters of /audit/. `scopes` are the registered `AuditScope`s (blocs: the bloc)."""

    form_tag = False

    action = forms.CharField(label=_("Hành động"), required=False, max_length=100)
    target_type = forms.ChoiceField(label=_("Loại đối tượng"), required=False)
    actor = forms.CharField(
        label=_("Tài khoản thực hiện"),
        required=False,
        max_length=150,
        help_text=_("Tên đăng nhập hoặc họ tên"),
    )
    date_from = VietnameseDateField(label=_("Từ ngày"), required=False)
    date_to = VietnameseDateField(label=_("Đến ngày"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes = [scope() for scope in audit_labels.AUDIT_SCOPES]
        for scope in self.scopes:
            self.fields[scope.param] = forms.ChoiceField(
                label=scope.label, required=False, choices=[("", "")] + scope.choices()
            )
            self.order_fields([scope.param])
        self.fields["target_type"].choices = [("", "")] + object_type_choices()
        for field in self.fields.values():
            named = {"field": field.label}
            field.error_messages["null_characters_not_allowed"] = NUL_MESSAGE % named
            field.error_messages["invalid_choice"] = CHOICE_MESSAGE % named

    @property
    def scope_fields(self):
        return [self[scope.param] for scope in self.scopes]

    @property
    def date_fields(self):
        return [self["date_from"], self["date_to"]]

    def clean_action(self):
        action = self.cleaned_data.get("action", "").strip()
        if action and not _CODE.fullmatch(action):
            raise forms.ValidationError(
                _("Hành động: không có hành động này, hãy chọn trong danh sách."),
                code="unknown_action",
            )
        return action

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("“Đến ngày” phải sau hoặc bằng “Từ ngày”."))
        return cleaned

    def action_groups(self):
        """(group label, [(code, label, chosen)]) for the grouped action select; a code
        asked for that nobody registered stays listed so the filter is not lost."""
        chosen = self.data.get("action", "") if self.is_bound else ""
        groups, known = [], set()
        for group in audit_labels.action_groups():
            options = sorted(
                ((code, str(label), code == chosen) for code, label in group.actions.items()),
                key=lambda option: vn_sort_key(option[1]),
            )
            known.update(code for code, _label, _chosen in options)
            everything = _("Tất cả: %(group)s") % {"group": group.label}
            options.insert(0, (group.prefix, everything, group.prefix == chosen))
            groups.append((group.label, options))
        prefixes = {group.prefix for group in audit_labels.action_groups()}
        if chosen and chosen not in known | prefixes and _CODE.fullmatch(chosen):
            groups.append((_("Khác"), [(chosen, chosen, True)]))
        return groups

    def filter(self, entries):
        """`entries` narrowed by every filter that validated (call after `is_valid()`)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        for scope in self.scopes:
            if data.get(scope.param):
                entries = entries.filter(scope.entries_in(data[scope.param]))
        if data.get("target_type"):
            entries = entries.filter(content_type_id=int(data["target_type"]))
        if data.get("action"):
            entries = _by_action(entries, data["action"])
        if data.get("actor"):
            entries = entries.filter(actor_id__in=matching_accounts(data["actor"]).values("pk"))
        # A "to" before "from" was dropped by clean(): "from" alone still applies.
        return _by_dates(entries, data.get("date_from"), data.get("date_to"))


def matching_accounts(text: str):
    """Accounts whose username or full name contains `text` (the users table, not the log)."""
    return User.objects.filter(Q(username__icontains=text) | Q(full_name__icontains=text))


def _by_action(entries, action: str):
    """A registered code exactly; an app's or object's prefix ("blocs", "blocs.agency") for
    every code under it."""
    if action in audit_labels.all_actions():
        return entries.filter(action=action)
    return entries.filter(Q(action=action) | Q(action__startswith=f"{action}."))


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _by_dates(entries, start: date | None, end: date | None):
    """Whole local days: from the start of `start` to the end of `end`."""
    if start:
        entries = entries.filter(created_at__gte=_start_of(start))
    if end and end < date.max:
        entries = entries.filter(created_at__lt=_start_of(end + timedelta(days=1)))
    return entries
