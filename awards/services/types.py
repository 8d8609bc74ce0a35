"""Writes for award types: province staff add types and edit labels, order and use; codes never
change because rules, reports and history refer to them."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from awards.models import AwardType
from emulation.audit import diff, log_action, snapshot
from emulation.text import collapse_spaces

EDITABLE = ("label", "legal_name", "order", "active")
CREATE_FIELDS = ("code", "legal_name", "label", "kind", "recipient", "deciding_level", "order")
CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]{1,29}$")


@transaction.atomic
def create_award_type(
    *, code, legal_name, label="", kind, recipient, deciding_level, order=0, actor
) -> AwardType:
    """Add a title or award form with a new, permanent code (upper-case letters, digits, _)."""
    code = (code or "").strip().upper()
    if not CODE_PATTERN.match(code):
        raise ValidationError(
            {
                "code": _(
                    "Mã gồm 2–30 ký tự: chữ in hoa không dấu, chữ số hoặc “_”, bắt đầu bằng chữ."
                )
            }
        )
    if AwardType.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Mã %(code)s đã được dùng.") % {"code": code}})
    award_type = AwardType(
        code=code,
        legal_name=collapse_spaces(legal_name),
        label=collapse_spaces(label) or collapse_spaces(legal_name),
        kind=kind,
        recipient=recipient,
        deciding_level=deciding_level,
        order=order,
    )
    award_type.full_clean()
    award_type.save()
    log_action(
        "awards.award_type.created",
        award_type,
        actor=actor,
        data=diff({}, snapshot(award_type, list(CREATE_FIELDS))),
    )
    return award_type


@transaction.atomic
def update_award_type(award_type: AwardType, *, actor, **fields) -> AwardType:
    """Change the printed label, legal name, order or use of a type; never its code or kind."""
    refused = set(fields) - set(EDITABLE)
    if refused:
        raise ValidationError(
            _("Không được thay đổi %(fields)s của danh hiệu, hình thức khen thưởng.")
            % {"fields": ", ".join(sorted(refused))}
        )
    award_type = AwardType.objects.select_for_update().get(pk=award_type.pk)
    before = snapshot(award_type, list(fields))
    for name, value in fields.items():
        setattr(award_type, name, collapse_spaces(value) if isinstance(value, str) else value)
    if not award_type.label:
        raise ValidationError({"label": _("Nhập tên hiển thị.")})
    award_type.full_clean()
    award_type.save()
    log_action(
        "awards.award_type.updated",
        award_type,
        actor=actor,
        data=diff(before, snapshot(award_type, list(fields))),
    )
    return award_type
