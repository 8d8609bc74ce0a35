"""Blocs (khối, cụm thi đua) and their yearly terms (bloc-years)."""

from django.db import transaction
from django.utils.translation import gettext as _

from blocs.models import Bloc, BlocYear
from blocs.services.structure.common import (
    _DERIVED,
    BLOC_UPDATABLE,
    BLOC_YEAR_UPDATABLE,
    MAX_YEAR,
    MIN_YEAR,
    _only,
    _refuse,
)
from emulation.audit import apply_changes, diff, log_action, snapshot
from emulation.text import collapse_spaces


@transaction.atomic
def create_bloc(*, name, code, kind=Bloc.Kind.KHOI, description="", actor) -> Bloc:
    """Create a khối or cụm thi đua; its code is used in the numbers of its documents."""
    bloc = Bloc(
        name=collapse_spaces(name),
        code=collapse_spaces(code),
        kind=kind,
        description=description or "",
    )
    bloc.full_clean(exclude=_DERIVED)
    bloc.save()
    fields = ["name", "code", "kind", "description"]
    log_action("blocs.bloc.created", bloc, actor=actor, data=diff({}, snapshot(bloc, fields)))
    return bloc


@transaction.atomic
def update_bloc(bloc: Bloc, *, actor, **fields) -> Bloc:
    """Change a bloc's name, code, kind, description or active flag."""
    _only(fields, BLOC_UPDATABLE)
    bloc = Bloc.objects.select_for_update().get(pk=bloc.pk)
    changes = {
        name: collapse_spaces(value) if name in ("name", "code") else value
        for name, value in fields.items()
    }
    apply_changes(bloc, changes, actor=actor, action="blocs.bloc.updated", clean_exclude=_DERIVED)
    return bloc


@transaction.atomic
def ensure_bloc_year(bloc: Bloc, year: int, *, actor) -> BlocYear:
    """The bloc's term for `year`, created (and audited) when it does not exist yet."""
    existing = BlocYear.objects.filter(bloc=bloc, year=year).first()
    if existing:
        return existing
    if not (MIN_YEAR <= int(year) <= MAX_YEAR):
        _refuse(_("Năm phải từ %(min)s đến %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}, "year")
    if not bloc.active:
        _refuse(
            _("%(bloc)s không còn hoạt động nên không thể mở năm %(year)s.")
            % {"bloc": bloc.name, "year": year}
        )
    bloc_year = BlocYear.objects.create(bloc=bloc, year=year)
    log_action("blocs.bloc_year.created", bloc_year, actor=actor, data={"year": [None, year]})
    return bloc_year


@transaction.atomic
def update_bloc_year(bloc_year: BlocYear, *, actor, **fields) -> BlocYear:
    """Change the liaison (name and title) or the notes of a bloc-year."""
    _only(fields, BLOC_YEAR_UPDATABLE)
    bloc_year = BlocYear.objects.select_for_update().get(pk=bloc_year.pk)
    apply_changes(
        bloc_year,
        {name: value or "" for name, value in fields.items()},
        actor=actor,
        action="blocs.bloc_year.updated",
        clean_exclude=["bloc", "head", "deputy", "next_head", "next_deputy"],
    )
    return bloc_year
