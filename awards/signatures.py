"""The bloc's signature as its papers print it (the request letter, the score table)."""

from awards.rules import for_unit, unit_of
from blocs.models import Membership
from emulation.pdf import SignatureBlock


def head_signature(bloc_year) -> SignatureBlock:
    """ "TM. <bloc> / TRƯỞNG KHỐI", the head agency's signatory and title, as the bloc signs."""
    head = bloc_year.head
    signatory = (
        Membership.objects.filter(bloc_year=bloc_year, agency=head).first() if head else None
    )
    return SignatureBlock(
        authority=f"TM. {bloc_year.bloc.name}",
        position=for_unit("Trưởng khối", unit_of(bloc_year.bloc)).upper(),
        note=(
            f"{signatory.signatory_title} {head.name}"
            if signatory and signatory.signatory_title
            else (head.name if head else "")
        ),
        name=signatory.signatory_name if signatory else "",
    )
