"""A PDF upload is parsed whole: a lying page list, an unloadable page or active content is
refused at upload with a Vietnamese message, not later when the covenant is issued."""

import io

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from emulation.uploads import check_pdf
from tests.factories import minimal_pdf


def _pdf(pages=2, change=None) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    if change:
        change(pdf)
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.disable, compress_streams=False)
    return out.getvalue()


def _refusal(data) -> str:
    with pytest.raises(ValidationError) as excinfo:
        check_pdf(SimpleUploadedFile("trang-ky.pdf", data, "application/pdf"))
    return " ".join(excinfo.value.messages)


def _javascript(pdf):
    return pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)"))


def test_a_page_list_that_claims_more_pages_than_it_has_is_refused_naming_both_counts():
    data = _pdf(2)
    assert b"/Count 2" in data
    message = _refusal(data.replace(b"/Count 2", b"/Count 5", 1))
    assert "ghi 5 trang, thực có 2 trang" in message


def test_javascript_run_on_opening_is_refused():
    def open_action(pdf):
        pdf.Root.OpenAction = _javascript(pdf)

    assert "nội dung tự chạy" in _refusal(_pdf(1, open_action))


def test_a_launch_action_chained_after_a_harmless_one_is_refused():
    def chained(pdf):
        launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F="calc.exe")
        go_to = pikepdf.Dictionary(
            S=pikepdf.Name.GoTo, D=pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit]), Next=launch
        )
        pdf.Root.OpenAction = go_to

    assert "nội dung tự chạy" in _refusal(_pdf(1, chained))


def test_document_level_scripts_embedded_files_and_annotation_scripts_are_refused():
    def names_script(pdf):
        pdf.Root.Names = pikepdf.Dictionary(
            JavaScript=pikepdf.Dictionary(Names=pikepdf.Array(["a", _javascript(pdf)]))
        )

    def embedded(pdf):
        pdf.Root.Names = pikepdf.Dictionary(EmbeddedFiles=pikepdf.Dictionary(Names=pikepdf.Array()))

    def annotation(pdf):
        link = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=pikepdf.Array([0, 0, 100, 100]),
            A=_javascript(pdf),
        )
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([link]))

    def page_open(pdf):
        pdf.pages[0].obj.AA = pikepdf.Dictionary(O=_javascript(pdf))

    for change in (names_script, embedded, annotation, page_open):
        assert "nội dung tự chạy" in _refusal(_pdf(1, change)), change.__name__


def test_a_next_chain_that_loops_is_read_once_and_accepted_when_harmless():
    def loop(pdf):
        first = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.GoTo, D="start"))
        second = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.GoTo, D="end", Next=first))
        first.Next = second
        pdf.Root.OpenAction = first

    assert check_pdf(SimpleUploadedFile("a.pdf", _pdf(1, loop))).page_count == 1


def test_an_ordinary_pdf_with_a_web_link_and_an_opening_view_is_accepted():
    def harmless(pdf):
        pdf.Root.OpenAction = pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit])
        link = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=pikepdf.Array([0, 0, 100, 100]),
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI="https://thiduakhenthuong.gov.vn"),
        )
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([link]))

    assert check_pdf(SimpleUploadedFile("a.pdf", _pdf(3, harmless))).page_count == 3
    assert check_pdf(SimpleUploadedFile("b.pdf", minimal_pdf())).page_count == 1
