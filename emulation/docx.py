"""Word copies of the printed documents: the same print template and data as the PDF, laid out
as a .docx (QĐ 311/QĐ-BNV: dossiers go as a paper original plus Word and PDF files).

`render_docx(template_name, context)` renders the template exactly as `render_pdf` does and
converts its HTML, which the print templates keep to a small vocabulary (the Decree-30 header
table, headings, paragraphs, bordered `table.grid`, `table.signatures`, b/i/br), into Word
paragraphs and tables in Times New Roman on A4 with the Decree-30 margins. Drawn-only parts (the
DỰ THẢO watermark) are left out; the "DỰ THẢO" label and the verification footer are kept.
"""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import html as lxml_html

from emulation.pdf import print_html
from emulation.text import nfc

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"
SKIPPED = {"style", "script", "head", "title", "svg"}
SKIPPED_CLASSES = {"draft-watermark", "stamp-footer", "subject-rule", "rule"}
# A blank line to fill in (`.dots`, drawn by CSS in the PDF): a line of dots across the 165 mm
# text width at 14 pt Times New Roman.
DOT_LINE = "." * 128
CENTRED = {"doc-type", "subject", "center", "annex-title", "annex-subtitle", "draft-label"}
BOLD = {"doc-type", "subject", "section", "issuer", "nation", "motto", "organisation"}
BOLD |= {"authority", "position", "name", "annex-title", "label"}
ITALIC = {"place-date", "note", "signed", "annex-subtitle", "label"}


def render_docx(template_name: str, context: dict) -> bytes:
    """The Word copy of a print template with `context` (see the module docstring)."""
    return html_to_docx(print_html(template_name, context))


def html_to_docx(markup: str) -> bytes:
    tree = lxml_html.document_fromstring(nfc(markup))
    document = Document()
    _page_setup(document)
    body = tree.find("body")
    footer = body.find_class("stamp-footer") if body is not None else []
    if footer:
        paragraph = document.sections[0].footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(paragraph, _text(footer[0]), size=9)
    _blocks(document, body, {})
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def _page_setup(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(3)


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def _skipped(element) -> bool:
    return (
        not isinstance(element.tag, str)
        or element.tag in SKIPPED
        or bool(_classes(element) & SKIPPED_CLASSES)
    )


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def _style(element, inherited: dict) -> dict:
    classes = _classes(element)
    style = dict(inherited)
    if classes & BOLD or element.tag in ("b", "strong", "th"):
        style["bold"] = True
    if classes & ITALIC or element.tag in ("i", "em"):
        style["italic"] = True
    if classes & CENTRED or element.tag == "th":
        style["align"] = "center"
    elif "right" in classes or "num" in classes:
        style["align"] = "right"
    if "para" in classes:
        style["indent"] = "left" not in classes
        style.setdefault("align", "justify" if "left" not in classes else "left")
    if classes & {"small", "note", "recipients", "signed"}:
        style["size"] = 12 if "small" not in classes else 11
    return style


def _blocks(container, element, style) -> None:
    """Append the block-level content of `element` to `container` (document or table cell)."""
    if element is None:
        return
    paragraph = None
    if element.text and element.text.strip():
        paragraph = _paragraph(container, style)
        _run(paragraph, element.text, **_run_style(style))
    for child in element:
        if _skipped(child):
            pass
        elif child.tag == "table":
            _table(container, child, _style(child, style))
            paragraph = None
        elif "dots" in _classes(child):
            _run(_paragraph(container, style), DOT_LINE, **_run_style(style))
            paragraph = None
        elif child.tag in ("div", "p", "section", "ul", "ol", "li", "tbody", "thead"):
            if _has_blocks(child):
                _blocks(container, child, _style(child, style))
            else:
                _inline_paragraph(container, child, _style(child, style))
            paragraph = None
        else:
            paragraph = paragraph or _paragraph(container, style)
            _inline(paragraph, child, _style(child, style))
        if child.tail and child.tail.strip():
            paragraph = paragraph or _paragraph(container, style)
            _run(paragraph, child.tail, **_run_style(style))


def _has_blocks(element) -> bool:
    return any(
        isinstance(child.tag, str) and child.tag in ("div", "p", "table", "ul", "ol", "li")
        for child in element
    )


def _paragraph(container, style):
    paragraph = container.add_paragraph()
    paragraph.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }.get(style.get("align"), WD_ALIGN_PARAGRAPH.LEFT)
    if style.get("indent"):
        paragraph.paragraph_format.first_line_indent = Mm(10)
    return paragraph


def _inline_paragraph(container, element, style) -> None:
    _inline(_paragraph(container, style), element, style)


def _inline(paragraph, element, style) -> None:
    if element.tag == "br":
        paragraph.add_run().add_break(WD_BREAK.LINE)
        return
    if element.text:
        _run(paragraph, element.text, **_run_style(style))
    for child in element:
        if not _skipped(child):
            _inline(paragraph, child, _style(child, style))
        if child.tail:
            _run(paragraph, child.tail, **_run_style(style))


def _run_style(style) -> dict:
    return {key: style[key] for key in ("bold", "italic", "size") if key in style}


def _run(paragraph, text, *, bold=False, italic=False, size=None):
    """Add `text` with HTML's whitespace rules: runs of spaces and newlines are one space, kept
    only where the source had whitespace ("Sở <b>Y tế</b>, ngày" keeps its comma tight)."""
    words = text.split()
    if not words:
        if text and paragraph.runs and not paragraph.runs[-1].text.endswith(" "):
            paragraph.runs[-1].text += " "
        return None
    content = " ".join(words)
    if text[0].isspace() and paragraph.runs and not paragraph.runs[-1].text.endswith(" "):
        content = " " + content
    if text[-1].isspace():
        content += " "
    run = paragraph.add_run(content)
    run.bold, run.italic = bold or None, italic or None
    run.font.name = FONT
    if size:
        run.font.size = Pt(size)
    return run


def _table(container, element, style) -> None:
    rows = [row for row in element.iter("tr") if _owning_table(row) is element]
    if not rows:
        return
    columns = max(
        sum(int(cell.get("colspan", 1)) for cell in row if cell.tag in ("td", "th")) for row in rows
    )
    table = container.add_table(rows=0, cols=columns)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if "grid" in _classes(element):
        table.style = "Table Grid"
    for row in rows:
        cells = table.add_row().cells
        index = 0
        for cell in row:
            if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                continue
            span = int(cell.get("colspan", 1))
            target = cells[index]
            if span > 1:
                target = target.merge(cells[index + span - 1])
            cell_style = _style(cell, style)
            if "grid" not in _classes(element):
                cell_style.setdefault("align", "center")
            target.paragraphs[0]._element.getparent().remove(target.paragraphs[0]._element)
            _blocks(target, cell, cell_style)
            if not target.paragraphs:
                target.add_paragraph()
            index += span
    if "grid" not in _classes(element):
        _no_borders(table)


def _owning_table(row):
    parent = row.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        tag = OxmlElement(f"w:{edge}")
        tag.set(qn("w:val"), "nil")
        borders.append(tag)
    table._tbl.tblPr.append(borders)
