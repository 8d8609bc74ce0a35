"""`manage.py bench`: build a synthetic province in a throwaway database and measure it.

Prints every figure with its budget from DESIGN.md, as a table or (--json) as JSON. Exits 0 even
when a budget is missed: it measures, it does not judge.
"""

from django.core.management.base import BaseCommand, CommandError

from portal.bench import report
from portal.bench.runner import Options, run
from portal.bench.scales import SCALES


class Command(BaseCommand):
    help = (
        "Build a synthetic province in a throwaway database (never your data) and measure pages, "
        "PDFs, the tally, the import and the export against the budgets."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES), default="large")
        parser.add_argument("--json", action="store_true", help="JSON instead of a table.")
        parser.add_argument(
            "--only",
            action="append",
            default=[],
            metavar="NAME",
            help="Measure only figures whose name contains NAME (repeatable): page, pdf, tally, "
            "import, export, or a page name such as year_overview.",
        )
        parser.add_argument(
            "--requests", type=int, default=50, help="Timed requests per page and role (50)."
        )
        parser.add_argument(
            "--database",
            choices=["auto", "configured"],
            default="auto",
            help="Where the throwaway databases go: 'configured' next to your configured "
            "database; 'auto' (default) the same when DATABASE_URL is set, else PostgreSQL on "
            "127.0.0.1:5432 when it answers, else SQLite.",
        )
        parser.add_argument(
            "--pdf-runs", type=int, default=9, help="Timed renders per PDF, ours and the floor (9)."
        )

    def handle(self, *args, scale, json, only, requests, pdf_runs, database, verbosity, **options):
        if requests < 1 or pdf_runs < 1:
            raise CommandError("--requests and --pdf-runs must be at least 1.")

        def progress(line):
            if verbosity > 0:
                self.stderr.write(line)

        meta, figures = run(
            Options(
                scale=scale, requests=requests, pdf_runs=pdf_runs, database=database, only=only
            ),
            progress,
        )
        self.stdout.write(report.as_json(meta, figures) if json else report.as_table(meta, figures))
