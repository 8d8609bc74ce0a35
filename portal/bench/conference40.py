"""A 40-member conference, measured on its own: the pages a runner opens while the room votes
(the conference, a counted poll of 40 candidates, ballot entry for another) and 200 ballot
papers of 40 candidates.

The bloc is built inside the measuring transaction and rolled back afterwards, so the province
the other figures are taken on stays as it was. Rows are written with bulk_create like the
conferences layer: counts come from `awards.tally`, stored as the services store them.
"""

import datetime
import time

from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from awards import tally
from awards.models import AwardType
from awards.models.voting import Attendance, Ballot, Candidate, Poll, VotingSession
from blocs.models import Agency, Bloc, BlocYear, Membership
from emulation.models import User
from portal.bench import report
from portal.bench.conferences import TIME_ZONE, ballot_marks, rule_for
from portal.bench.measure import count_queries, time_requests
from portal.bench.report import Figure
from portal.bench.structure import SIGNATORIES, agency_name, named, password_hash

MEMBERS = 40
PAPERS = 200
PREFIX = "page.conference40"


def build_conference40(province) -> dict:
    """A 40-member bloc in the province's last year with its conference: every member present,
    a counted Cờ thi đua poll of 40 candidates (40 ballots) and an open Tập thể lao động xuất sắc
    poll of 40 candidates with 20 ballots entered. Returns the ids the pages need."""
    agencies = build_agencies(MEMBERS, "40")
    bloc_year = build_bloc_year(
        province.year, agencies, name="Khối thi đua 40 thành viên", code="KTĐ40TV"
    )
    head = head_account(agencies[0], "truongkhoi40")
    held_at = datetime.datetime(bloc_year.year, 12, 20, 8, 0, tzinfo=TIME_ZONE)
    session = build_session(bloc_year, agencies, held_at)
    now = timezone.now()
    polls = {}
    for order, (code, seats, entered, state) in enumerate(
        [("CO_TINH", 1, MEMBERS, Poll.State.COUNTED), ("TTLDXS", 2, MEMBERS // 2, Poll.State.OPEN)],
        start=1,
    ):
        poll = build_poll(
            session,
            agencies,
            len(agencies),
            held_at,
            now,
            order=order,
            code=code,
            seats=seats,
            entered=entered,
            state=state,
        )
        polls[state] = poll.pk
    return {
        "bloc_year": bloc_year.pk,
        "session": session.pk,
        "counted_poll": polls[Poll.State.COUNTED],
        "open_poll": polls[Poll.State.OPEN],
        "head": head.pk,
    }


def build_agencies(count: int, tag: str) -> list[Agency]:
    """`count` member agencies, named after the province's last ones so no name repeats, saved."""
    offset = Agency.objects.count()
    agencies = []
    for index in range(count):
        name, kind = agency_name(offset + index)
        agencies.append(named(Agency, name=f"{name} ({tag})", short_name="", kind=kind))
    Agency.objects.bulk_create(agencies)
    return agencies


def build_bloc_year(year, agencies, *, name: str, code: str) -> BlocYear:
    """A bloc's bloc-year, headed by the first agency, with every agency a member."""
    bloc = named(Bloc, name=name, code=code, kind=Bloc.Kind.KHOI)
    bloc.save()
    bloc_year = BlocYear.objects.create(bloc=bloc, year=year, head=agencies[0], deputy=agencies[1])
    Membership.objects.bulk_create(
        Membership(
            bloc_year=bloc_year,
            agency=agency,
            year=bloc_year.year,
            signatory_name=SIGNATORIES[index % len(SIGNATORIES)],
            signatory_title="Giám đốc",
        )
        for index, agency in enumerate(agencies)
    )
    return bloc_year


def head_account(agency, username: str) -> User:
    """An account of `agency` (its head, say), with the shared bench password."""
    head = User.objects.create(username=username, full_name="Trưởng khối", agency=agency)
    head.password = password_hash()
    head.save(update_fields=["password"])
    return head


def build_session(bloc_year, agencies, held_at) -> VotingSession:
    """The bloc-year's conference with its committee, every member present."""
    session = VotingSession.objects.create(
        bloc_year=bloc_year,
        held_at=held_at,
        place="Hội trường Sở Nội vụ",
        chair_name="Nguyễn Văn An",
        chair_title="Giám đốc",
        chair_agency=agencies[0],
        secretary_name="Trần Thị Thư",
        committee=[
            {"name": "Nguyễn Văn Kiểm", "title": "Phó Giám đốc", "role": "Trưởng ban"},
            {"name": "Lê Thị Phiếu", "title": "Chánh Văn phòng", "role": "Thành viên"},
            {"name": "Phạm Văn Đếm", "title": "Chuyên viên", "role": "Thành viên"},
        ],
    )
    Attendance.objects.bulk_create(
        Attendance(session=session, agency=agency, present=True) for agency in agencies
    )
    return session


def build_poll(
    session, candidates, voters, held_at, now, *, order, code, seats, entered, state
) -> Poll:
    """One award poll of `candidates` in a room of `voters` with `entered` ballots; counted by
    the services' tally when its state says so."""
    ids = [agency.pk for agency in candidates]
    award_type = AwardType.objects.get(code=code)
    rule_set, spec = rule_for("award", award_type, held_at.date())
    marks = [ballot_marks(serial, ids, seats) for serial in range(1, entered + 1)]
    result = None
    if state == Poll.State.COUNTED:
        result = tally.tally(
            rule=spec,
            seats=seats,
            candidates=[tally.CandidateInput(agency.pk, agency.name) for agency in candidates],
            members=voters,
            present=voters,
            ballots=[tally.BallotInput(s, m) for s, m in enumerate(marks, 1)],
            issued=voters,
        )
    poll = Poll.objects.create(
        session=session,
        kind="award",
        award_type=award_type,
        seats=seats,
        order=order,
        rule_set=rule_set,
        rule=spec.to_dict(),
        ballots_issued=voters,
        state=state,
        frozen_candidates=ids,
        tally_data=result.to_dict() if result else None,
        opened_at=now,
        counted_at=now if result else None,
    )
    Candidate.objects.bulk_create(
        Candidate(poll=poll, agency_id=agency_id, order=index)
        for index, agency_id in enumerate(ids, 1)
    )
    Ballot.objects.bulk_create(
        Ballot(poll=poll, serial=serial, marks=list(mark)) for serial, mark in enumerate(marks, 1)
    )
    return poll


def _visits(ids: dict) -> list[tuple[str, str]]:
    bloc_year = ids["bloc_year"]
    return [
        ("conference", reverse("awards:conference", args=[bloc_year])),
        ("poll_results", reverse("awards:poll_detail", args=[bloc_year, ids["counted_poll"]])),
        ("poll_entry", reverse("awards:poll_ballots", args=[bloc_year, ids["open_poll"]])),
    ]


def measure_pages(province, extra, options) -> list[Figure]:
    """Queries, median and p95 server time of the three pages, as province staff and as the
    bloc's head; `extra.name` is the slowest p95 of them."""
    figures, worst = [], 0.0
    with transaction.atomic():
        ids = build_conference40(province)
        users = User.objects.in_bulk([province.users["staff"], ids["head"]])
        clients = {}
        for role, user_id in (("staff", province.users["staff"]), ("head", ids["head"])):
            clients[role] = Client(raise_request_exception=True)
            clients[role].force_login(users[user_id])
        for page, url in _visits(ids):
            for role, client in clients.items():
                label = f"{PREFIX}.{page}.{role}"
                queries = count_queries(client, url, label)
                samples = time_requests(client, url, label, options.requests)
                p95 = report.percentile(samples, 0.95)
                worst = max(worst, p95)
                figures += [
                    Figure(
                        f"{label}.queries",
                        queries,
                        "queries",
                        report.QUERIES_PER_PAGE,
                        note=f"{MEMBERS} members, {MEMBERS} candidates",
                    ),
                    Figure(f"{label}.median_ms", round(report.median(samples), 1), "ms"),
                    Figure(f"{label}.p95_ms", round(p95, 1), "ms", report.PAGE_P95_MS),
                ]
        transaction.set_rollback(True)
    return [Figure(extra.name, round(worst, 1), "ms", extra.budget), *figures]


def measure_ballot_papers(province, extra, options) -> list[Figure]:
    """200 papers of the 40-candidate poll: median time, pages and papers per page, and the same
    papers asked for again with the render cache on (the head's second click)."""
    from awards.models import Poll
    from awards.pdf import ballot_papers_pdf
    from portal.bench.documents import timed

    with transaction.atomic():
        ids = build_conference40(province)
        poll = Poll.objects.get(pk=ids["counted_poll"])
        data = ballot_papers_pdf(poll, papers=PAPERS)[2]  # warms fonts and templates
        samples = timed(lambda: ballot_papers_pdf(poll, papers=PAPERS), options.pdf_runs)
        one = ballot_papers_pdf(poll, papers=1)[2]
        started = time.perf_counter()
        ballot_papers_pdf(poll, papers=1)
        single = time.perf_counter() - started
        with override_settings(DOCUMENT_RENDER_CACHE_SECONDS=600):
            ballot_papers_pdf(poll, papers=PAPERS)
            again = timed(lambda: ballot_papers_pdf(poll, papers=PAPERS), options.pdf_runs)
        transaction.set_rollback(True)
    pages, single_pages = _pages(data), _pages(one)
    base = extra.name.rsplit(".", 1)[0]
    note = f"{PAPERS} papers × {MEMBERS} candidates"
    return [
        Figure(extra.name, round(report.median(samples), 3), "s", extra.budget, note=note),
        Figure(f"{base}.pages", pages, "pages", note=f"{PAPERS // pages} paper(s) a page"),
        Figure(f"{base}.one_paper_s", round(single, 3), "s", note=f"{single_pages} page"),
        Figure(f"{base}.bytes", len(data), "bytes"),
        Figure(
            f"{base}.again_cached_s",
            round(report.median(again), 3),
            "s",
            extra.budget,
            note="the same papers again, served from the render cache",
        ),
    ]


def _pages(data: bytes) -> int:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)
