"""The parts of a report document that python-docx has no call for: styles a template may lack, fields
(table of contents, page numbers, figure and table numbers), captions, pictures with alt text, the
document's properties, and dates as the report's language writes them (Buddhist era in Thai).

Any DOCX made by Word or LibreOffice can be the template: a style the report needs and the template
lacks ("Title", "Caption", "Quote", "List Bullet" ...) is added, based on the template's "Normal".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fivep.report.docx_thai import _child, _qn, add_run, prepare_document

# name -> (based on, Latin size in pt or None, bold, italic, colour, space before/after in pt)
_STYLES: dict[str, tuple[str, float | None, bool, bool, str | None, tuple[int, int]]] = {
    "Title": ("Normal", 24, True, False, "1F3864", (0, 12)),
    "Subtitle": ("Normal", 14, False, False, "404040", (0, 10)),
    "Heading 1": ("Normal", 16, True, False, "1F3864", (18, 6)),
    "Heading 2": ("Normal", 13, True, False, "2E74B5", (12, 4)),
    "Heading 3": ("Normal", 11.5, True, False, "2E74B5", (10, 3)),
    "Caption": ("Normal", 9, False, False, "404040", (3, 9)),
    "Quote": ("Normal", 10, False, False, "262626", (3, 5)),
    "List Bullet": ("Normal", None, False, False, None, (0, 3)),
    "TOC Heading": ("Heading 1", None, True, False, "1F3864", (12, 6)),
}
_HEADING_LEVEL = {"Heading 1": 0, "Heading 2": 1, "Heading 3": 2, "TOC Heading": 0}


def ensure_styles(document: Any) -> None:
    """Add each style the report uses that the template lacks; give Caption and Quote their look."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    names = {s.name for s in document.styles}
    for name, (base, size, bold, italic, colour, (before, after)) in _STYLES.items():
        created = name not in names
        if created:
            style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = document.styles[base] if base in names or base in _STYLES else None
            style.quick_style = True
            if name in _HEADING_LEVEL:
                outline = _child(_child(style.element, "w:pPr"), "w:outlineLvl")
                outline.set(_qn("w:val"), str(_HEADING_LEVEL[name]))
            if name == "List Bullet":
                style.paragraph_format.left_indent = Pt(18)
                style.paragraph_format.first_line_indent = Pt(-12)
            names.add(name)
        else:
            style = document.styles[name]
        if created or name in ("Caption", "Quote", "Title", "Subtitle"):
            font = style.font
            if size:
                font.size = Pt(size)
            font.bold = bold or None
            font.italic = italic          # upright: Thai has no italic, a synthetic slant is hard to read
            if colour:
                font.color.rgb = RGBColor.from_string(colour)
            style.paragraph_format.space_before = Pt(before)
            style.paragraph_format.space_after = Pt(after)
        if name == "Quote":
            style.paragraph_format.left_indent = Pt(22)
            style.paragraph_format.right_indent = Pt(10)
        if name in ("Heading 1", "Heading 2", "Heading 3", "Caption"):
            style.paragraph_format.keep_with_next = name != "Caption"
    if "Table Grid" not in names:
        style = document.styles.add_style("Table Grid", WD_STYLE_TYPE.TABLE)
        style.base_style = None


def has_numbered_bullets(document: Any) -> bool:
    """Whether "List Bullet" draws its bullet itself (a numbering definition), as Word's does."""
    style = document.styles["List Bullet"]
    while style is not None:
        ppr = style.element.find(_qn("w:pPr"))
        if ppr is not None and ppr.find(_qn("w:numPr")) is not None:
            return True
        style = style.base_style
    return False


def new_document(template: Path | None, lang: str, font: str | None) -> Any:
    """A blank A4 report, or the template's page setup, headers and styles with its body removed."""
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.shared import Cm, Pt
    from lxml import etree

    from fivep.errors import InputError

    if template is not None:
        try:
            document = docx.Document(str(template))
        except (PackageNotFoundError, KeyError, ValueError, OSError, zipfile.BadZipFile, etree.XMLSyntaxError) as error:
            raise InputError(f"not a Word document ({type(error).__name__})", path=template,
                             hint="give a .docx made by Word or LibreOffice (File > Save as > Word document)") \
                from None
        body = document.element.body
        for child in list(body):
            if not child.tag.endswith("}sectPr"):
                body.remove(child)
        ensure_styles(document)
        prepare_document(document, font=font, lang=lang, keep_fonts=True)
        return document
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)
    ensure_styles(document)
    document.styles["Normal"].font.size = Pt(11)
    document.styles["Normal"].paragraph_format.space_after = Pt(6)
    for name, (_, size, *_rest) in _STYLES.items():
        if size:
            document.styles[name].font.size = Pt(size)
    if lang == "th":   # a Thai report sets Latin in TH Sarabun New too: its glyphs are small for their size
        from fivep.report.docx_thai import THAI_SCALE

        for style in document.styles:
            if getattr(style, "font", None) is not None and style.font.size:
                style.font.size = Pt(round(style.font.size.pt * THAI_SCALE * 2) / 2)
    prepare_document(document, font=font, lang=lang)
    return document


def add_heading(document: Any, text: str, level: int, *, lang: str) -> Any:
    paragraph = document.add_paragraph(style=f"Heading {level}" if level else "Title")
    add_run(paragraph, text, lang=lang)
    return paragraph


def add_bullet(document: Any, lang: str) -> Any:
    """A bulleted paragraph; a template whose "List Bullet" has no numbering gets a typed bullet."""
    paragraph = document.add_paragraph(style="List Bullet")
    if not has_numbered_bullets(document):
        add_run(paragraph, "•\u00a0", lang=lang)
    return paragraph


def _field(paragraph: Any, instruction: str, shown: str, lang: str, *, size: float | None = None) -> None:
    """A complex field (begin, instruction, separator, the current result, end)."""
    from docx.oxml import OxmlElement

    def char(kind: str) -> None:
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(_qn("w:fldCharType"), kind)
        if kind == "begin":
            element.set(_qn("w:dirty"), "true")     # Word recomputes it when the file opens
        run._r.append(element)

    char("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    char("separate")
    add_run(paragraph, shown, lang=lang, size=size)
    char("end")


def add_toc(document: Any, title: str, entries: list[tuple[int, str]], lang: str) -> None:
    """A table-of-contents field (headings 1-2) holding the headings as its current result; Word and
    LibreOffice fill in page numbers when they update fields (the file asks Word to on opening)."""
    heading = document.add_paragraph(style="TOC Heading")
    add_run(heading, title, lang=lang)
    paragraph = document.add_paragraph()
    shown = "\n".join(("    " if level > 1 else "") + text for level, text in entries)
    _field(paragraph, 'TOC \\o "1-2" \\h \\z \\u', shown, lang)
    settings = document.settings.element
    update = _child(settings, "w:updateFields")
    update.set(_qn("w:val"), "true")


def page_numbers(document: Any, label: str, lang: str, *, first_page_plain: bool = True) -> None:
    """A centred page-number field in the footer (none on the cover)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    section = document.sections[0]
    section.different_first_page_header_footer = first_page_plain
    footer = section.footer
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    if paragraph.text.strip():
        paragraph = footer.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if label:
        add_run(paragraph, label + " ", lang=lang, size=9)
    _field(paragraph, "PAGE", "1", lang, size=9)


def add_caption(document: Any, kind: str, label: str, number: int, text: str, lang: str) -> Any:
    """"Figure 3. text" in the Caption style, its number a SEQ field (Word's captions, listable)."""
    paragraph = document.add_paragraph(style="Caption")
    add_run(paragraph, f"{label} ", lang=lang, bold=True)
    _field(paragraph, f"SEQ {kind} \\* ARABIC", str(number), lang)
    add_run(paragraph, (". " if lang == "en" else " ") + text, lang=lang)
    return paragraph


def add_picture(document: Any, path: Path, width_cm: float, alt: str, title: str) -> Any:
    """A centred picture whose alt text (``wp:docPr/@descr``) says what it shows."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = True
    shape = paragraph.add_run().add_picture(str(path), width=Cm(width_cm))
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", alt)
    doc_pr.set("title", title)
    return shape


def page_break(document: Any) -> None:
    from docx.enum.text import WD_BREAK

    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def properties(document: Any, *, title: str, author: str, lang: str, subject: str, keywords: str,
               now: dt.datetime | None = None) -> None:
    """True core properties: the study's title and author, created and modified now."""
    now = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    props = document.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.subject = subject
    props.keywords = keywords
    props.comments = ""
    props.category = "report"
    props.language = "th-TH" if lang == "th" else "en-US"
    props.created = now.replace(tzinfo=None)
    props.modified = now.replace(tzinfo=None)
    props.revision = 1


def report_date(day: dt.date, lang: str) -> str:
    """``7 December 2026``; in Thai ``7 ธันวาคม พ.ศ. 2569`` (the Buddhist era, as Thai documents date)."""
    if lang == "th":
        from pythainlp.util import thai_strftime

        return str(thai_strftime(dt.datetime(day.year, day.month, day.day), "%-d %B พ.ศ. %Y"))
    return f"{day.day} {day.strftime('%B')} {day.year}"
