"""A bloc-year's issued documents: download (PDF and Word copy), the blank minutes, its panel.

Here rather than in emulation because who may read a document is who may read its bloc-year.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from blocs.panels import Panel
from blocs.permissions import get_bloc_year_for_user
from emulation.documents import document_filename, read_document, read_word_copy, sample_minutes_pdf
from emulation.docx import DOCX
from emulation.pdf import pdf_response


def sample_document(request, bloc_year_pk):
    """An empty BIÊN BẢN for the bloc-year, to print and fill in at a meeting."""
    bloc_year, _role = get_bloc_year_for_user(request, bloc_year_pk)
    return pdf_response(*sample_minutes_pdf(bloc_year))


def issued_document(request, bloc_year_pk, pk):
    """Download an issued document of a bloc-year (anyone who may read the bloc-year)."""
    bloc_year, _role = get_bloc_year_for_user(request, bloc_year_pk)
    document = get_object_or_404(bloc_year.issued_documents, pk=pk)
    try:
        data = read_document(document)
    except OSError:
        raise Http404 from None
    return pdf_response(document_filename(document), "application/pdf", data)


def issued_document_word(request, bloc_year_pk, pk):
    """The Word copy made at issue from the same data (404 for documents issued without one)."""
    bloc_year, _role = get_bloc_year_for_user(request, bloc_year_pk)
    document = get_object_or_404(bloc_year.issued_documents.exclude(docx_file=""), pk=pk)
    try:
        data = read_word_copy(document)
    except OSError:
        raise Http404 from None
    return pdf_response(document_filename(document, "docx"), DOCX, data, inline=False)


def documents_panel(request, bloc_year, role):
    """The bloc-year's issued documents (newest first) and the blank BIÊN BẢN, on its page."""
    documents = list(bloc_year.issued_documents.order_by("-issued_at", "-pk")[:20])
    return Panel("emulation/documents_panel.html", {"bloc_year": bloc_year, "documents": documents})
