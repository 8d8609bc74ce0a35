"""The province's voting rule sets, and which version a poll is counted under."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from awards.models import Poll, RuleSet
from awards.services.voting.common import _facts, _poll_date, _refuse
from awards.tally import RuleSpec
from emulation.audit import diff, log_action, snapshot

# The fields staff edit on the rule-set page (its form uses this list) and the audit diff covers.
RULE_FIELDS = [
    "poll_kind",
    "award_type",
    "effective_from",
    "base",
    "comparator",
    "threshold_numerator",
    "threshold_denominator",
    "quorum_numerator",
    "quorum_denominator",
    "max_marks",
    "self_vote_allowed",
    "tie_rule",
    "max_rounds",
    "fallback_rule",
    "legal_basis",
]


def rule_set_in_use(rule_set: RuleSet) -> bool:
    """Whether a poll has opened under this version (its copy is frozen and the minutes will
    cite it): such a version never changes."""
    return rule_set.pk is not None and rule_set.polls.exclude(state=Poll.State.DRAFT).exists()


@transaction.atomic
def save_rule_set(rule_set: RuleSet, *, actor) -> RuleSet:
    """Create or update a rule set (province staff).

    A version that a counted poll used stays as it was, so the minutes that cite it stay true:
    the change is saved as the next version of the same rule, in force from the same date.
    Draft polls follow whichever version is in force when they open.
    """
    rule_set.full_clean(validate_constraints=False)
    created = rule_set.pk is None
    before = {} if created else snapshot(RuleSet.objects.get(pk=rule_set.pk), RULE_FIELDS)
    if not created and rule_set_in_use(rule_set):
        changes = diff(before, snapshot(rule_set, RULE_FIELDS))
        if not changes:
            return RuleSet.objects.get(pk=rule_set.pk)
        return _save_as_next_version(rule_set, changes, actor=actor)
    rule_set.full_clean()
    rule_set.save()
    log_action(
        "awards.rule_set.created" if created else "awards.rule_set.updated",
        rule_set,
        actor=actor,
        data=diff(before, snapshot(rule_set, RULE_FIELDS)),
    )
    return rule_set


def _save_as_next_version(rule_set: RuleSet, changes: dict, *, actor) -> RuleSet:
    """Store the edited rule as a new row, the next version of the one in use."""
    stored = RuleSet.objects.get(pk=rule_set.pk)
    newer = (
        RuleSet.objects.filter(
            poll_kind=stored.poll_kind,
            award_type=stored.award_type,
            effective_from=stored.effective_from,
            version__gt=stored.version,
        )
        .order_by("-version")
        .first()
    )
    if newer is not None:
        # Building on an old version would silently undo the newer one.
        _refuse(
            _("Đã có phiên bản %(version)s mới hơn của quy tắc này: hãy sửa phiên bản đó."),
            version=newer.version,
        )
    previous_pk = rule_set.pk
    rule_set.pk = None
    rule_set._state.adding = True
    rule_set.version = (
        RuleSet.objects.filter(
            poll_kind=rule_set.poll_kind,
            award_type=rule_set.award_type,
            effective_from=rule_set.effective_from,
        ).aggregate(m=Max("version"))["m"]
        or 0
    ) + 1
    rule_set.full_clean()
    rule_set.save()
    log_action(
        "awards.rule_set.versioned",
        rule_set,
        actor=actor,
        data={**changes, **_facts(version=rule_set.version, replaces=previous_pk)},
    )
    return rule_set


def rule_set_in_force(poll: Poll) -> RuleSet | None:
    """The province's rule version in force for this poll's question on the conference date."""
    return RuleSet.objects.current_for(poll.kind, poll.award_type, _poll_date(poll.session))


def rule_in_force(poll: Poll) -> tuple[RuleSet | None, RuleSpec]:
    """The rule a poll will be or was counted under: while a draft follows the rules, the
    version in force on the conference's date; otherwise the copy frozen in the poll."""
    if poll.state == Poll.State.DRAFT and poll.rule_follows_current and not poll.parent_id:
        rule_set = rule_set_in_force(poll)
        if rule_set is not None:
            return rule_set, rule_set.spec()
    return poll.rule_set, poll.spec()
