"""Writes of the eligibility rules (province staff): save a version, switch one on or off.

Rules are data with an effective date. A year the province has already reviewed (a proposal of
that year went to the council, or an award of that year is in the ledger) keeps the rules it was
reviewed under: any save or switch that would change the rules in effect for such a year is
refused, and staff add a new version with a later effective date instead. Wording (legal basis,
explanation) can always be corrected because it does not change any outcome.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import AwardProposal, AwardRecord, EligibilityRule
from awards.models.ledger import versions_in_force
from emulation.audit import diff, log_action, snapshot

RULE_FIELDS = [
    "kind",
    "award_type",
    "required_award_type",
    "percent",
    "rounding",
    "min_points",
    "years",
    "times",
    "includes_achievement_year",
    "effective_from",
    "enabled",
    "legal_basis",
    "explanation",
]
MAX_YEARS = 50

REVIEWED_STATES = [
    AwardProposal.State.ACCEPTED,
    AwardProposal.State.COUNCIL_APPROVED,
    AwardProposal.State.COUNCIL_REJECTED,
    AwardProposal.State.FORWARDED,
    AwardProposal.State.DECIDED,
    AwardProposal.State.REVOKED,
]


def reviewed_years() -> list[int]:
    """Achievement years already taken to the council or decided, oldest first (two queries)."""
    years = set(
        AwardProposal.objects.filter(state__in=REVIEWED_STATES)
        .order_by()
        .values_list("year", flat=True)
        .distinct()
    )
    years |= set(AwardRecord.objects.order_by().values_list("year", flat=True).distinct())
    return sorted(years)


def years_applied(rule: EligibilityRule, rules, years) -> list[int]:
    """Those of `years` for which `rule` is the version in force."""
    return [year for year in years if any(r.pk == rule.pk for r in versions_in_force(rules, year))]


def suggested_effective_from(base: EligibilityRule | None = None) -> datetime.date:
    """1 January after the last reviewed year (and after the base version's own year)."""
    years = reviewed_years()
    after = max([*years, base.effective_from.year if base else 0, timezone.localdate().year - 1])
    return datetime.date(after + 1, 1, 1)


def _outcomes(years) -> dict[int, frozenset]:
    return {
        year: frozenset(rule.to_rule() for rule in EligibilityRule.objects.in_effect(year))
        for year in years
    }


def _refuse_history_change(before: dict[int, frozenset]) -> None:
    changed = [year for year, rules in before.items() if _outcomes([year])[year] != rules]
    if changed:
        raise ValidationError(
            _(
                "Không thể thay đổi: quy tắc áp dụng cho năm %(years)s đã được dùng để xét "
                "(đã trình Hội đồng hoặc đã có quyết định khen thưởng). Hãy thêm phiên bản mới "
                "có hiệu lực từ ngày %(date)s trở đi; căn cứ và giải thích vẫn sửa được."
            )
            % {
                "years": ", ".join(str(y) for y in changed),
                "date": datetime.date(changed[-1] + 1, 1, 1).strftime("%d/%m/%Y"),
            }
        )


def rule_errors(
    kind, *, percent=None, years=None, times=None, required_award_type=None, min_points=None
) -> dict[str, str]:
    """What is missing or wrong for a rule of `kind`, by field, in Vietnamese."""
    Kind = EligibilityRule.Kind
    errors = {}
    if kind == Kind.QUOTA:
        if percent is None:
            errors["percent"] = _("Nhập tỷ lệ phần trăm.")
        elif not 0 < percent <= 100:
            errors["percent"] = _("Tỷ lệ phải lớn hơn 0 và không quá 100%.")
    if kind == Kind.MIN_SCORE:
        if min_points is None:
            errors["min_points"] = _("Nhập số điểm tối thiểu.")
        elif not 0 < min_points <= 1000:
            errors["min_points"] = _("Điểm tối thiểu phải lớn hơn 0 và không quá 1000.")
    if kind in (Kind.CONSECUTIVE, Kind.WINDOW):
        if required_award_type is None:
            errors["required_award_type"] = _("Chọn danh hiệu cần đạt trước.")
        if years is None:
            errors["years"] = _("Nhập số năm.")
        elif not 1 <= years <= MAX_YEARS:
            errors["years"] = _("Số năm phải từ 1 đến %(max)s.") % {"max": MAX_YEARS}
    if kind == Kind.WINDOW:
        if times is None:
            errors["times"] = _("Nhập số lần.")
        elif times < 1:
            errors["times"] = _("Số lần phải từ 1 trở lên.")
        elif years is not None and times > years:
            errors["times"] = _("Số lần không được lớn hơn số năm (%(years)s).") % {"years": years}
    return errors


UNUSED_VALUES = {
    "percent": None,
    "rounding": EligibilityRule.Rounding.FLOOR,
    "min_points": None,
    "required_award_type": None,
    "years": None,
    "includes_achievement_year": False,
    "times": None,
}


def unused_fields(kind) -> list[str]:
    """Fields a rule of `kind` does not use; they are cleared so stray input cannot linger."""
    Kind = EligibilityRule.Kind
    unused = []
    if kind != Kind.QUOTA:
        unused += ["percent", "rounding"]
    if kind != Kind.MIN_SCORE:
        unused.append("min_points")
    if kind not in (Kind.CONSECUTIVE, Kind.WINDOW):
        unused += ["required_award_type", "years", "includes_achievement_year"]
    if kind != Kind.WINDOW:
        unused.append("times")
    return unused


def _normalise(rule: EligibilityRule) -> None:
    """Check the fields the rule's kind needs and clear those it does not use."""
    errors = rule_errors(
        rule.kind,
        percent=rule.percent,
        years=rule.years,
        times=rule.times,
        required_award_type=rule.required_award_type,
        min_points=rule.min_points,
    )
    if errors:
        raise ValidationError(errors)
    for name in unused_fields(rule.kind):
        setattr(rule, name, UNUSED_VALUES[name])


def _check_date_unique(rule: EligibilityRule) -> None:
    same_date = EligibilityRule.objects.filter(
        kind=rule.kind,
        award_type_id=rule.award_type_id,
        required_award_type_id=rule.required_award_type_id,
        effective_from=rule.effective_from,
    ).exclude(pk=rule.pk)
    if same_date.exists():
        raise ValidationError(
            {
                "effective_from": _(
                    "Quy tắc này đã có một phiên bản hiệu lực từ ngày %(date)s; chọn ngày khác."
                )
                % {"date": rule.effective_from.strftime("%d/%m/%Y")}
            }
        )


def save_eligibility_rule(rule: EligibilityRule, *, actor) -> EligibilityRule:
    """Create a rule version or update one, unless it rewrites the rules of a reviewed year."""
    created = rule.pk is None
    try:
        return _save(rule, created, actor=actor)
    except ValidationError:
        if created:
            rule.pk = None
            rule._state.adding = True
        raise


@transaction.atomic
def _save(rule: EligibilityRule, created: bool, *, actor) -> EligibilityRule:
    _normalise(rule)
    rule.full_clean()
    _check_date_unique(rule)
    before = {} if created else snapshot(EligibilityRule.objects.get(pk=rule.pk), RULE_FIELDS)
    outcomes = _outcomes(reviewed_years())
    rule.save()
    _refuse_history_change(outcomes)
    log_action(
        "awards.eligibility_rule.saved",
        rule,
        actor=actor,
        data=diff(before, snapshot(rule, RULE_FIELDS)),
    )
    return rule


@transaction.atomic
def set_eligibility_rule_enabled(rule: EligibilityRule, enabled: bool, *, actor):
    """Switch a rule version on or off, unless that changes the rules of a reviewed year."""
    rule = EligibilityRule.objects.select_for_update().get(pk=rule.pk)
    if rule.enabled == enabled:
        return rule
    outcomes = _outcomes(reviewed_years())
    rule.enabled = enabled
    rule.save(update_fields=["enabled"])
    _refuse_history_change(outcomes)
    log_action(
        "awards.eligibility_rule.enabled" if enabled else "awards.eligibility_rule.disabled",
        rule,
        actor=actor,
        data=diff({"enabled": not enabled}, {"enabled": enabled}),
    )
    return rule
