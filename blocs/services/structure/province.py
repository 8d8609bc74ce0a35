"""Former provinces merged into this one and their sister agencies (the same Sở in each former
province), merged into one through the ordinary audited `merge_agency`."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import Agency, FormerProvince
from blocs.services.structure.agencies import create_agency, merge_agency
from blocs.services.structure.common import _refuse
from emulation.audit import diff, log_action, snapshot
from emulation.text import collapse_spaces, fold


@transaction.atomic
def create_former_province(*, name, merged_on, decision_ref="", notes="", actor) -> FormerProvince:
    """Record a province merged into this one (its history can then be imported, tagged)."""
    province = FormerProvince(
        name=collapse_spaces(name),
        merged_on=merged_on,
        decision_ref=collapse_spaces(decision_ref),
        notes=notes or "",
    )
    existing = next(
        (p for p in FormerProvince.objects.all() if fold(p.name) == fold(province.name)), None
    )
    if existing is not None:
        _refuse(_("Đã có tỉnh cũ “%(name)s”.") % {"name": existing.name}, "name")
    province.full_clean()
    province.save()
    fields = ["name", "merged_on", "decision_ref", "notes"]
    log_action(
        "blocs.former_province.created",
        province,
        actor=actor,
        data=diff({}, snapshot(province, fields)),
    )
    return province


@dataclass
class SisterGroup:
    """Active agencies that read the same name, at least one from a former province: the
    province's Sở Y tế and those of Hà Nam and Nam Định, waiting to become one."""

    name: str
    agencies: list[Agency]

    @property
    def key(self) -> str:
        return fold(self.name)

    @property
    def own(self) -> Agency | None:
        return next((a for a in self.agencies if a.former_province_id is None), None)

    @property
    def merge_date(self) -> datetime.date | None:
        dates = [a.former_province.merged_on for a in self.agencies if a.former_province_id]
        return min(dates) if dates else None


def sister_agency_groups() -> list[SisterGroup]:
    """Every group of same-named active agencies that spans former provinces, by name."""
    today = timezone.localdate()
    by_name: dict[str, list[Agency]] = {}
    for agency in Agency.objects.select_related("former_province").order_by("sort_name", "pk"):
        if agency.status_on(today) == Agency.Status.ACTIVE and not agency.scheduled_end:
            by_name.setdefault(fold(agency.name), []).append(agency)
    groups = []
    for agencies in by_name.values():
        if len(agencies) > 1 and any(a.former_province_id for a in agencies):
            agencies.sort(
                key=lambda a: (a.former_province_id is not None, str(a.former_province or ""))
            )
            groups.append(SisterGroup(agencies[0].name, agencies))
    return groups


@transaction.atomic
def merge_sister_agencies(
    agencies: list[Agency], *, into: Agency | None, effective_on, decision_ref="", reason="", actor
) -> Agency:
    """Merge sister agencies of former provinces into one (`into`, or a new agency of this
    province named like them when None). Each merger is the ordinary audited `merge_agency`, so
    their award histories and memberships follow the successor through its lineage."""
    if effective_on is None:
        _refuse(_("Hãy nhập ngày hiệu lực."), "effective_on")
    if into is None:
        model = agencies[0]
        into = create_agency(
            name=model.name,
            short_name=model.short_name,
            kind=model.kind,
            established_on=effective_on,
            notes=_("Hợp nhất từ các đơn vị cùng ngành của các tỉnh cũ."),
            actor=actor,
        )
    merged = [agency for agency in agencies if agency.pk != into.pk]
    if not merged:
        _refuse(_("Hãy chọn ít nhất một đơn vị để hợp nhất vào đơn vị tiếp nhận."))
    for agency in merged:
        merge_agency(
            agency,
            into=into,
            effective_on=effective_on,
            decision_ref=decision_ref,
            reason=reason or _("Hợp nhất tỉnh"),
            actor=actor,
        )
    log_action(
        "blocs.agency.sisters_merged",
        into,
        actor=actor,
        data={
            "merged": [
                f"{a.name} ({a.former_province.label if a.former_province_id else _('tỉnh này')})"
                for a in merged
            ],
            "effective_on": [effective_on],
        },
    )
    return into
