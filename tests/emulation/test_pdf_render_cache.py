"""The render cache: a draft whose HTML is unchanged is not laid out again; any change in what it
shows, its variant or an issued document's stamp is rendered afresh."""

from unittest import mock

import pytest
from django.core.cache import caches
from django.urls import reverse

from awards.services import voting
from emulation import pdf
from tests.awards.voting_fixtures import award, make_session
from tests.factories import AgencyFactory, BlocYearFactory, MembershipFactory
from tests.pdf_helpers import pdf_text

HTML = "<html><body><h1>Phiếu bầu {}</h1></body></html>"


@pytest.fixture
def render_cache(settings):
    settings.DOCUMENT_RENDER_CACHE_SECONDS = 600
    caches["documents"].clear()
    yield
    caches["documents"].clear()


@pytest.fixture
def layouts():
    """Counts WeasyPrint's layouts while the renderer runs as usual."""
    calls = []
    original = pdf.HTML.write_pdf

    def counting(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    with mock.patch.object(pdf.HTML, "write_pdf", counting):
        yield calls


def test_the_same_html_is_laid_out_once_and_served_again(render_cache, layouts):
    first = pdf.html_to_pdf(HTML.format("Khối 1"))
    again = pdf.html_to_pdf(HTML.format("Khối 1"))
    assert again == first and len(layouts) == 1
    pdf.html_to_pdf(HTML.format("Khối 2"))
    assert len(layouts) == 2
    assert "Khối 2" in pdf_text(pdf.html_to_pdf(HTML.format("Khối 2")))
    assert len(layouts) == 2


def test_nfd_and_nfc_of_the_same_text_are_one_document(render_cache, layouts):
    import unicodedata

    pdf.html_to_pdf(unicodedata.normalize("NFD", HTML.format("Đắk Lắk")))
    pdf.html_to_pdf(unicodedata.normalize("NFC", HTML.format("Đắk Lắk")))
    assert len(layouts) == 1


def test_other_sizes_and_archival_copies_are_rendered_afresh(render_cache, layouts):
    html = HTML.format("Khối 1")
    pdf.html_to_pdf(html)
    pdf.html_to_pdf(html, css_variables={"paper-font-size": "12pt"})
    pdf.html_to_pdf(html, css_variables={"paper-font-size": "12pt"})
    assert len(layouts) == 2
    pdf.html_to_pdf(html, archival=True)
    pdf.html_to_pdf(html, archival=True)  # issued documents carry their number: never cached
    assert len(layouts) == 4


def test_the_cache_is_off_when_its_lifetime_is_zero(settings, layouts):
    settings.DOCUMENT_RENDER_CACHE_SECONDS = 0
    assert pdf.render_key(HTML, None) is None
    pdf.html_to_pdf(HTML.format("Khối 1"))
    pdf.html_to_pdf(HTML.format("Khối 1"))
    assert len(layouts) == 2


def test_ballot_papers_are_laid_out_once_until_the_list_changes(
    render_cache, layouts, staff_client
):
    """The head clicks "In phiếu" again: the same papers without a new layout; a candidate added
    makes new papers at once."""
    bloc_year = BlocYearFactory(year=2024)
    for index in range(6):
        MembershipFactory(bloc_year=bloc_year, agency=AgencyFactory(name=f"Sở số {index} (mã R)"))
    session = make_session(bloc_year)
    poll = voting.create_poll(
        session, kind="award", award_type=award("CO_TINH"), seats=1, actor=None
    )
    url = reverse("awards:poll_papers", args=[bloc_year.pk, poll.pk])

    first = staff_client.get(url)
    second = staff_client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    laid_out = len(layouts)
    assert laid_out >= 1

    removed = poll.candidates.order_by("order").last()
    name = removed.agency.name
    removed.delete()
    third = staff_client.get(url)
    assert third.status_code == 200 and len(layouts) > laid_out
    assert name not in pdf_text(third.content) and name in pdf_text(first.content)
