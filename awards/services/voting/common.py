"""Helpers shared by the conference services: refusals, audit facts, locks and the rule copy."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import Poll, RuleSet, VotingSession
from awards.rules import threshold_sentence
from awards.tally import InconsistentCounts, RuleSpec
from blocs.models import Agency


def _names(agency_ids) -> str:
    agencies = Agency.objects.in_bulk(list(agency_ids))
    return "; ".join(str(agencies.get(i, i)) for i in agency_ids)


def _facts(**values) -> dict:
    """Event details for the audit log, one readable value per key (the history shows
    two-item lists as "old → new", so a fact is a one-item list)."""
    facts = {}
    for key, value in values.items():
        if isinstance(value, dict) and "base" in value:
            value = threshold_sentence(RuleSpec.from_dict(value))
        elif isinstance(value, (list, tuple)):
            value = "; ".join(str(v) for v in value)
        facts[key] = [value]
    return facts


def _refuse(message: str, **params):
    raise ValidationError(message % params if params else message)


def _check_session_editable(session: VotingSession) -> None:
    if session.is_finalized:
        _refuse(_("Hội nghị đã kết thúc và phát hành biên bản: không thể thay đổi."))


def _to_validation_error(error: InconsistentCounts) -> ValidationError:
    return ValidationError(
        {
            (None if key == "__all__" else key): [ValidationError(m) for m in messages]
            for key, messages in error.errors.items()
        }
    )


def _locked(poll: Poll) -> Poll:
    return (
        Poll.objects.select_related("session", "bloc_year")
        .select_for_update(of=("self",))
        .get(pk=poll.pk)
    )


def _poll_date(session: VotingSession):
    return timezone.localtime(session.held_at).date()


def _rule_snapshot(kind: str, award_type, on_date) -> tuple[RuleSet, dict]:
    rule_set = RuleSet.objects.current_for(kind, award_type, on_date)
    if rule_set is None:
        _refuse(
            _(
                "Chưa có quy tắc bỏ phiếu áp dụng cho ngày %(date)s: %(office)s cần thiết lập quy "
                "tắc trước."
            ),
            date=f"{on_date:%d/%m/%Y}",
            office=settings.EMULATION_OFFICE_NAME,
        )
    return rule_set, rule_set.spec().to_dict()
