"""The charts' own URLs (SVG images) and the figures of the statistics page: each a chart, a
caption saying what is counted, and the same numbers as a table for screen readers and print."""

from dataclasses import dataclass

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from awards import charts
from awards.services import ledger as services
from blocs.permissions import get_bloc_year_for_user, require_province_staff
from emulation.params import year_param
from emulation.replica import reads_from_replica

# The image carries its own stylesheet and nothing else: no script, no outside resource.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


@dataclass
class Figure:
    name: str
    heading: str
    caption: str
    chart: charts.Chart
    columns: list[str]
    rows: list[list]
    # A table with a column per year reads better under its chart than beside it.
    table_below: bool = False


def _kinds_columns(first: str) -> list[str]:
    return [first, _("Tập thể"), _("Cá nhân"), _("Tổng")]


def _kinds_chart(rows, kind=charts.HORIZONTAL_STACKED) -> charts.Chart:
    return charts.Chart(
        labels=tuple(row.label for row in rows),
        series=(
            charts.Series(_("Tập thể"), tuple(row.collectives for row in rows)),
            charts.Series(_("Cá nhân"), tuple(row.individuals for row in rows)),
        ),
        kind=kind,
    )


def _kinds_rows(rows) -> list[list]:
    return [[row.label, row.collectives, row.individuals, row.total] for row in rows]


def _per_type(overview) -> Figure:
    """The chart names each award type by its display name, the table by its legal name."""
    rows = [
        services.CountRow(row.award_type.legal_name, row.collectives, row.individuals)
        for row in overview.per_type
    ]
    chart = _kinds_chart(
        [
            services.CountRow(row.award_type.label, row.collectives, row.individuals)
            for row in overview.per_type
        ]
    )
    return Figure(
        "types",
        _("Theo danh hiệu, hình thức, năm %(year)s") % {"year": overview.year},
        _("Số tập thể và số cá nhân được khen năm %(year)s theo từng danh hiệu, hình thức.")
        % {"year": overview.year},
        chart,
        _kinds_columns(_("Danh hiệu, hình thức")),
        _kinds_rows(rows),
    )


def _trend(overview) -> Figure:
    years = overview.trend_years
    span = {"first": years[0], "last": years[-1]} if years else {"first": "", "last": ""}
    return Figure(
        "trend",
        _("Xu hướng mười năm %(first)s–%(last)s") % span,
        _(
            "Số khen thưởng mỗi năm từ %(first)s đến %(last)s của năm danh hiệu, hình thức được "
            "khen nhiều nhất trong mười năm; các danh hiệu, hình thức khác cộng chung một đường."
        )
        % span,
        charts.Chart(
            labels=tuple(str(year) for year in years),
            series=tuple(charts.Series(row.label, tuple(row.counts)) for row in overview.trend),
            kind=charts.LINES,
        ),
        [_("Danh hiệu, hình thức"), *map(str, years)],
        [[row.label, *row.counts] for row in overview.trend],
        table_below=True,
    )


def statistics_figures(overview) -> list[Figure]:
    """The page's figures, in reading order; none when the ledger is empty."""
    if overview.year is None:
        return []
    year = {"year": overview.year}
    return [
        Figure(
            "years",
            _("Khen thưởng theo năm"),
            _("Mọi năm thành tích có trong sổ khen thưởng, tập thể và cá nhân chồng lên nhau."),
            _kinds_chart(overview.per_year, charts.STACKED),
            _kinds_columns(_("Năm")),
            _kinds_rows(overview.per_year),
        ),
        _per_type(overview),
        Figure(
            "blocs",
            _("Theo khối thi đua, năm %(year)s") % year,
            _(
                "Khen thưởng năm %(year)s theo khối mà đơn vị được khen là thành viên trong năm "
                "đó; đơn vị không thuộc khối nào được tính riêng."
            )
            % year,
            _kinds_chart(overview.per_bloc),
            _kinds_columns(_("Khối thi đua")),
            _kinds_rows(overview.per_bloc),
        ),
        Figure(
            "provinces",
            _("Theo tỉnh cũ, năm %(year)s") % year,
            _(
                "Khen thưởng năm %(year)s theo tỉnh cũ của đơn vị được khen; đơn vị đã hợp nhất "
                "vẫn được tính vào tỉnh cũ của nó."
            )
            % year,
            _kinds_chart(overview.per_province),
            _kinds_columns(_("Tỉnh")),
            _kinds_rows(overview.per_province),
        ),
        _trend(overview),
    ]


def _size(request) -> str:
    size = request.GET.get("size", charts.WIDE)
    return size if size in charts.SIZES else charts.WIDE


def svg_response(chart: charts.Chart, size: str) -> HttpResponse:
    response = HttpResponse(charts.render(chart, size), content_type="image/svg+xml")
    response["Content-Security-Policy"] = SVG_POLICY
    response["Cache-Control"] = "private, no-cache"
    return response


@require_GET
@reads_from_replica
def award_statistics_chart(request, name):
    """One figure of the statistics page as an image (`?year=`, `?size=narrow` for phones)."""
    require_province_staff(request)
    overview = services.statistics_overview(year_param(request))
    figure = next((f for f in statistics_figures(overview) if f.name == name), None)
    if figure is None:
        raise Http404
    return svg_response(figure.chart, _size(request))


@require_GET
def poll_result_chart(request, pk, poll_pk):
    """A counted poll's votes as bars; nothing before the count (never a partial result)."""
    bloc_year, _role = get_bloc_year_for_user(request, pk)
    poll = bloc_year.polls.filter(pk=poll_pk).first()
    result = poll.result() if poll is not None and poll.tally_data else None
    if result is None:
        raise Http404
    return svg_response(charts.poll_chart(result), _size(request))
