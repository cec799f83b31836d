"""python-docx helpers that make Thai render right in Word and LibreOffice.

Thai is a complex script in Word: a run's Thai characters take the ``w:cs`` font, the ``w:szCs``
size and ``w:bCs`` boldness, and the language ``w:lang/@w:bidi``; theme font attributes
(``w:asciiTheme``, ``w:cstheme`` ...) override explicit fonts and are removed. :func:`prepare_document`
applies this to the document defaults and every style (headings and table styles included);
:func:`add_run` to each run written.
"""

from __future__ import annotations

from typing import Any

DEFAULT_FONT = "Sarabun"
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _child(parent: Any, tag: str) -> Any:
    from docx.oxml import OxmlElement

    element = parent.find(_qn(tag))
    if element is None:
        element = OxmlElement(tag)
        parent.append(element)
    return element


def complex_script(rpr: Any, *, font: str | None, lang: str, keep_fonts: bool = False) -> None:
    """Set the complex-script font, size, boldness and language on a ``w:rPr`` element."""
    fonts = _child(rpr, "w:rFonts")
    for attr in _THEME_ATTRS:
        key = _qn(attr)
        if key in fonts.attrib:
            del fonts.attrib[key]
    if font and not (keep_fonts and fonts.get(_qn("w:cs"))):
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(_qn(attr), font)
    elif fonts.get(_qn("w:cs")) is None:
        fonts.set(_qn("w:cs"), fonts.get(_qn("w:ascii")) or DEFAULT_FONT)
    size = rpr.find(_qn("w:sz"))
    if size is not None:
        _child(rpr, "w:szCs").set(_qn("w:val"), size.get(_qn("w:val")))
    bold = rpr.find(_qn("w:b"))
    if bold is not None and bold.get(_qn("w:val")) not in ("0", "false"):
        _child(rpr, "w:bCs")
    language = _child(rpr, "w:lang")
    language.set(_qn("w:val"), "th-TH" if lang == "th" else "en-GB")
    language.set(_qn("w:bidi"), "th-TH")
    _order(rpr)


# CT_RPr is a sequence: children must keep the schema's order or Word calls the file corrupt.
_RPR_ORDER = ["w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
              "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid",
              "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz",
              "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign",
              "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath"]


def _order(rpr: Any) -> None:
    rank = {_qn(tag): i for i, tag in enumerate(_RPR_ORDER)}
    children = list(rpr)
    children.sort(key=lambda c: rank.get(c.tag, len(rank)))
    for child in children:
        rpr.remove(child)
        rpr.append(child)


def prepare_document(document: Any, *, font: str | None = DEFAULT_FONT, lang: str = "th",
                     keep_fonts: bool = False) -> None:
    """Make every style and the document defaults Thai-ready.

    With ``keep_fonts=True`` (an organisation's template) styles keep their own complex-script fonts and
    only get the missing attributes.
    """
    styles = document.styles.element
    defaults = styles.find(_qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = _child(defaults, "w:rPrDefault")
        complex_script(_child(rpr_default, "w:rPr"), font=font, lang=lang, keep_fonts=keep_fonts)
    for style in document.styles:
        element = style.element
        if element.get(_qn("w:type")) == "numbering":
            continue
        rpr = element.find(_qn("w:rPr"))
        if rpr is None:
            rpr = _child(element, "w:rPr")
        complex_script(rpr, font=font, lang=lang, keep_fonts=keep_fonts)


def add_run(paragraph: Any, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
            lang: str = "th", font: str | None = None, color: str | None = None) -> Any:
    """Add a run with its complex-script properties set."""
    from docx.shared import Pt, RGBColor

    run = paragraph.add_run(text)
    if bold:
        run.bold = True
    if italic:
        run.italic = True
        _child(run._element.get_or_add_rPr(), "w:iCs")
    if size:
        run.font.size = Pt(size)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    complex_script(run._element.get_or_add_rPr(), font=font, lang=lang)
    return run


def add_paragraph(container: Any, text: str = "", *, style: str | None = None, bold: bool = False,
                  italic: bool = False, size: float | None = None, lang: str = "th", align: str | None = None) -> Any:
    """A paragraph (in a document or a table cell) holding one Thai-ready run."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = container.add_paragraph(style=style) if style else container.add_paragraph()
    if text:
        add_run(paragraph, text, bold=bold, italic=italic, size=size, lang=lang)
    if align:
        paragraph.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
                               "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    return paragraph


def add_heading(document: Any, text: str, level: int, *, lang: str = "th") -> Any:
    paragraph = document.add_paragraph(style=f"Heading {level}" if level else "Title")
    add_run(paragraph, text, lang=lang)
    return paragraph


def add_table(document: Any, header: list[str], rows: list[list[str]], *, widths_cm: list[float] | None = None,
              lang: str = "th", size: float = 9, bold_first_column: bool = False) -> Any:
    """A bordered table with a bold, repeated header row; every cell Thai-ready."""
    from docx.oxml import OxmlElement
    from docx.shared import Cm

    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].text = ""
        add_run(cell.paragraphs[0], text, bold=True, size=size, lang=lang)
        shading = OxmlElement("w:shd")
        shading.set(_qn("w:val"), "clear")
        shading.set(_qn("w:fill"), "D9E2F3")
        cell._tc.get_or_add_tcPr().append(shading)
    header_props = table.rows[0]._tr.get_or_add_trPr()
    header_props.append(OxmlElement("w:tblHeader"))
    for values in rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, values, strict=True)):
            lines = str(text).split("\n")
            add_run(cell.paragraphs[0], lines[0], size=size, lang=lang, bold=bold_first_column and i == 0)
            for line in lines[1:]:
                add_run(cell.add_paragraph(), line, size=size, lang=lang)
    if widths_cm:
        for row in table.rows:
            for cell, width in zip(row.cells, widths_cm, strict=True):
                cell.width = Cm(width)
    return table
