"""The awards' entries in 'Việc cần làm': dossiers for province staff, returned proposals for
heads, score sheets to send for members and to review for heads.

Aggregates only: a fixed number of queries per provider whatever the number of blocs.
"""

from django.db.models import Count, F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from awards.models import AwardProposal, ScoreSheet, VotingSession
from blocs.models import Deadline
from emulation.todos import Todo

State = AwardProposal.State


def _per_bloc_year(row) -> dict:
    """A count per bloc-year as the to-do sentences name it."""
    bloc = row["bloc_year__bloc__name"]
    return {"count": row["count"], "year": row["bloc_year__year"], "bloc": bloc}


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
            % _per_bloc_year(row),
            url=reverse("awards:bloc_year_proposals", kwargs={"pk": row["bloc_year_id"]}),
            sorted_at=row["last"] or timezone.now(),
        )
        for row in rows
    ]


def _scoring_deadlines(rows) -> dict[int, object]:
    """The scoring deadline of each bloc-year in `rows`: its own date, else the province's (one
    query for all)."""
    ids = {row["bloc_year_id"] for row in rows}
    years = {row["bloc_year__year"] for row in rows}
    own, province = {}, {}
    for bloc_year_id, year, due_on in Deadline.objects.filter(
        Q(bloc_year_id__in=ids) | Q(bloc_year__isnull=True, year__in=years),
        kind=Deadline.Kind.SCORING,
    ).values_list("bloc_year_id", "year", "due_on"):
        if bloc_year_id is None:
            province[year] = due_on
        else:
            own[bloc_year_id] = due_on
    return {
        row["bloc_year_id"]: own.get(row["bloc_year_id"]) or province.get(row["bloc_year__year"])
        for row in rows
    }


def _unfinished(sheets):
    """Sheets of bloc-years whose conference has not been finalized (after it they are locked)."""
    finalized = VotingSession.objects.filter(state=VotingSession.State.FINALIZED).values(
        "bloc_year_id"
    )
    return sheets.exclude(bloc_year_id__in=finalized)


def member_score_sheets(user) -> list[Todo]:
    """My agency's score sheets not yet sent (its own and those it cross-scores), per bloc-year,
    with the scoring deadline; a sheet the head returned says so."""
    if not user.agency_id:
        return []
    rows = list(
        _unfinished(
            ScoreSheet.objects.filter(scorer_id=user.agency_id, status__in=ScoreSheet.EDITABLE)
        )
        .values("bloc_year_id", "bloc_year__year", "bloc_year__bloc__name")
        .annotate(
            count=Count("pk"),
            returned=Count("pk", filter=Q(status=ScoreSheet.Status.RETURNED)),
            last=Max("updated_at"),
        )
        .order_by()
    )
    deadlines = _scoring_deadlines(rows)
    todos = []
    for row in rows:
        values = _per_bloc_year(row)
        if row["returned"]:
            text = _("%(count)d phiếu chấm điểm %(year)s chưa gửi, có phiếu bị trả lại (%(bloc)s)")
        else:
            text = _("%(count)d phiếu chấm điểm %(year)s chưa gửi (%(bloc)s)")
        text = text % values
        due_on = deadlines[row["bloc_year_id"]]
        if due_on:
            text += _(", hạn %(date)s") % {"date": date_format(due_on, "d/m")}
        todos.append(
            Todo(
                text=text,
                url=reverse("awards:scoring", kwargs={"pk": row["bloc_year_id"]}),
                sorted_at=row["last"],
                due_on=due_on,
            )
        )
    return todos


def head_score_reviews(user) -> list[Todo]:
    """For a head or deputy: sent own sheets waiting to be accepted or returned, per bloc-year."""
    if not user.agency_id:
        return []
    rows = (
        _unfinished(
            ScoreSheet.objects.filter(
                Q(bloc_year__head_id=user.agency_id) | Q(bloc_year__deputy_id=user.agency_id),
                status=ScoreSheet.Status.SUBMITTED,
                agency_id=F("scorer_id"),
            )
        )
        .values("bloc_year_id", "bloc_year__year", "bloc_year__bloc__name")
        .annotate(count=Count("pk"), last=Max("submitted_at"))
        .order_by()
    )
    return [
        Todo(
            text=_("%(count)d phiếu tự chấm %(year)s chờ khối trưởng duyệt (%(bloc)s)")
            % _per_bloc_year(row),
            url=reverse("awards:scoring", kwargs={"pk": row["bloc_year_id"]}),
            sorted_at=row["last"] or timezone.now(),
        )
        for row in rows
    ]
