"""Eligibility rule pages (province staff): the rules in words, new versions, edits, switches.

A version already used to review a year keeps its numbers; staff correct its wording or add a
new version with a later effective date (see `awards.services.eligibility_rules`).
"""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from awards.forms.eligibility_rules import EligibilityRuleForm, version_of
from awards.models import EligibilityRule
from awards.models.ledger import versions_in_force
from awards.services import eligibility_rules as services
from blocs.permissions import require_province_staff
from emulation.forms import show_errors
from emulation.models import AuditEntry


def _all_rules() -> list[EligibilityRule]:
    return list(
        EligibilityRule.objects.select_related("award_type", "required_award_type").order_by(
            "award_type__order", "award_type__code", "kind", "-effective_from", "-pk"
        )
    )


def eligibility_rules(request):
    require_province_staff(request)
    rules = _all_rules()
    years = services.reviewed_years()
    in_force = {year: {r.pk for r in versions_in_force(rules, year)} for year in years}
    newest = {}
    for rule in rules:  # newest first
        newest.setdefault(rule.chain_key, rule)
    groups = [
        (award_type, [_row(rule, years, in_force, newest) for rule in group])
        for award_type, group in groupby(rules, key=lambda r: r.award_type)
    ]
    return render(
        request,
        "awards/eligibility_rules/list.html",
        {"groups": groups, "reviewed_years": years},
    )


def _row(rule, years, in_force, newest) -> dict:
    """A version, its sentence, the reviewed years it decided, and whether a newer version of
    the same rule replaces it from a later date."""
    used = [year for year in years if rule.pk in in_force[year]]
    return {
        "rule": rule,
        "text": rule.text,
        "used_years": used,
        "superseded": newest[rule.chain_key].pk != rule.pk,
    }


def _save(request, form) -> bool:
    try:
        services.save_eligibility_rule(form.instance, actor=request.user)
    except ValidationError as error:
        show_errors(request, error, form)
        return False
    return True


def eligibility_rule_add(request):
    """A new rule, or with ?from=<id> a new version of that rule with a later effective date."""
    require_province_staff(request)
    base = None
    base_pk = request.GET.get("from", "")
    if base_pk.isdigit():
        base = get_object_or_404(
            EligibilityRule.objects.select_related("award_type", "required_award_type"),
            pk=int(base_pk),
        )
    instance = version_of(base, services.suggested_effective_from(base)) if base else None
    form = EligibilityRuleForm(request.POST or None, instance=instance, base=base)
    if request.method == "POST" and form.is_valid() and _save(request, form):
        messages.success(request, _("Đã thêm quy tắc: %(text)s") % {"text": form.instance.text})
        return redirect(reverse("awards:eligibility_rules"))
    return render(
        request,
        "awards/eligibility_rules/form.html",
        {"form": form, "base": base, "rule": None},
    )


def eligibility_rule_edit(request, rule_pk):
    require_province_staff(request)
    rule = get_object_or_404(
        EligibilityRule.objects.select_related("award_type", "required_award_type"), pk=rule_pk
    )
    used = services.years_applied(rule, _all_rules(), services.reviewed_years())
    form = EligibilityRuleForm(request.POST or None, instance=rule, locked=bool(used))
    if request.method == "POST" and form.is_valid() and _save(request, form):
        messages.success(request, _("Đã lưu quy tắc: %(text)s") % {"text": form.instance.text})
        return redirect(reverse("awards:eligibility_rules"))
    return render(
        request,
        "awards/eligibility_rules/form.html",
        {
            "form": form,
            "rule": rule,
            "used_years": used,
            "history": AuditEntry.objects.for_object(rule)[:50],
        },
    )


@require_POST
def eligibility_rule_toggle(request, rule_pk):
    require_province_staff(request)
    rule = get_object_or_404(EligibilityRule, pk=rule_pk)
    wanted = request.POST.get("enabled")
    if wanted not in ("0", "1"):
        messages.error(request, _("Yêu cầu không hợp lệ."))
        return redirect(reverse("awards:eligibility_rules"))
    try:
        rule = services.set_eligibility_rule_enabled(rule, wanted == "1", actor=request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        text = _("Đã bật quy tắc: %(text)s") if rule.enabled else _("Đã tắt quy tắc: %(text)s")
        messages.success(request, text % {"text": rule.text})
    return redirect(reverse("awards:eligibility_rules"))
