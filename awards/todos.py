"""The awards' entries in 'Việc cần làm': dossiers for province staff, returned proposals for heads.

Aggregates only: one query per provider whatever the number of blocs.
"""

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import AwardProposal
from emulation.todos import Todo

State = AwardProposal.State


def staff_reviews(user) -> list[Todo]:
    """Province staff: dossiers waiting for review and council results waiting for a decision."""
    if not user.is_province_staff:
        return []
    counts = AwardProposal.objects.aggregate(
        waiting=Count("pk", filter=Q(state__in=[State.SUBMITTED, State.UNDER_REVIEW])),
        approved=Count("pk", filter=Q(state=State.COUNCIL_APPROVED)),
        last=Max("submitted_at", filter=Q(state__in=[State.SUBMITTED, State.UNDER_REVIEW])),
    )
    url = reverse("awards:proposal_workspace")
    todos = []
    if counts["waiting"]:
        todos.append(
            Todo(
                text=_("%(count)d hồ sơ chờ thẩm định") % {"count": counts["waiting"]},
                url=url,
                sorted_at=counts["last"] or timezone.now(),
            )
        )
    if counts["approved"]:
        todos.append(
            Todo(
                text=_("%(count)d đề nghị Hội đồng đã thống nhất, chờ ghi quyết định")
                % {"count": counts["approved"]},
                url=url,
                sorted_at=timezone.now(),
            )
        )
    return todos


def head_returned_proposals(user) -> list[Todo]:
    """The bloc head: proposals the province returned for more documents, per bloc-year."""
    if not user.agency_id:
        return []
    rows = (
        AwardProposal.objects.filter(state=State.RETURNED, bloc_year__head_id=user.agency_id)
        .values("bloc_year_id", "bloc_year__year", "bloc_year__bloc__name")
        .annotate(count=Count("pk"), last=Max("submitted_at"))
    )
    return [
        Todo(
            text=_("%(count)d đề nghị khen thưởng %(year)s bị trả lại để bổ sung (%(bloc)s)")
            % {
                "count": row["count"],
                "year": row["bloc_year__year"],
                "bloc": row["bloc_year__bloc__name"],
            },
            url=reverse("awards:bloc_year_proposals", kwargs={"pk": row["bloc_year_id"]}),
            sorted_at=row["last"] or timezone.now(),
        )
        for row in rows
    ]
