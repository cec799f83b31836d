"""python-docx helpers that set Thai the way Word and LibreOffice expect it.

Word treats Thai as a complex script: a Thai character takes the run's ``w:cs`` font, its ``w:szCs``
size, ``w:bCs`` boldness and the language ``w:lang/@w:bidi``; a Latin letter or a digit takes
``w:ascii``/``w:hAnsi``, ``w:sz`` and ``w:lang/@w:val``. Line breaking follows that language: a Latin
word tagged Thai is broken mid-word by the Thai dictionary. So :func:`add_run` splits text into script
runs: Thai runs carry ``w:cs`` (every character, spaces included, set as Thai) and ``th-TH``; Latin
runs (letters, digits and the punctuation around them) carry ``en-US``. Inside a run, pseudonymous
codes keep their hyphens unbreakable (``w:noBreakHyphen``) and a number stays with its unit or its
bracket (no-break space). Synthetic italics are never applied to Thai (Thai fonts have no italic).

Fonts: TH Sarabun New, the Thai government's standard font, installed on office PCs in Thailand; its
glyphs are small for their point size, so Thai is set 1.36 times the Latin size (``szCs``), and a Thai
report sets everything in it. Theme font attributes (``w:asciiTheme`` ...) would override the fonts
named and are removed. :func:`prepare_document` applies all this to the document defaults and styles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

DEFAULT_FONT = "TH Sarabun New"
LATIN_FONT = "Arial"            # Latin text of an English report (Thai text in it is still TH Sarabun New)
THAI_SCALE = 1.36               # TH Sarabun New at 15 pt reads like a Latin font at 11 pt
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_STRONG = re.compile(r"[\u0e00-\u0e7f]+|[^\W_]+", re.UNICODE)
# A pseudonymous code or an id with hyphens (GOV-CM-03, YP-CR-05, FG-PR-NGO): never broken at a hyphen.
_CODE = re.compile(r"\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b")
# A number stays with what follows it in brackets or as its unit, and "ร้อยละ"/"พ.ศ." stay with it.
_NBSP_RULES = [(re.compile(r"(\d) (?=[(%])"), "\\1\u00a0"),
               (re.compile(r"(ร้อยละ|พ\.ศ\.|ค\.ศ\.|n =|n=) (?=\d)"), "\\1\u00a0")]


@dataclass(frozen=True)
class Script:
    """A piece of text in one script: ``thai`` or not (Latin, digits and neutral marks)."""

    text: str
    thai: bool


def split_scripts(text: str) -> list[Script]:
    """Cut ``text`` where the script changes; spaces and punctuation go with the script before them
    (at the start, with the one after)."""
    pieces: list[Script] = []
    position = 0
    for match in _STRONG.finditer(text):
        thai = bool(_THAI.match(match.group()))
        if pieces and pieces[-1].thai == thai:
            pieces[-1] = Script(pieces[-1].text + text[position:match.end()], thai)
        elif pieces:
            pieces.append(Script(text[position:match.end()], thai))
        else:
            pieces.append(Script(text[:match.end()], thai))
        position = match.end()
    if position < len(text):
        if pieces:
            pieces[-1] = Script(pieces[-1].text + text[position:], pieces[-1].thai)
        else:
            pieces.append(Script(text, False))
    return pieces


def no_break(text: str) -> str:
    """No-break spaces where a line must not break (a number and its unit or bracket)."""
    for pattern, replacement in _NBSP_RULES:
        text = pattern.sub(replacement, text)
    return text


def is_thai(text: str) -> bool:
    """Mostly Thai: more Thai letters than Latin ones."""
    thai = len(_THAI.findall(text))
    return thai > 0 and thai >= len(re.findall(r"[A-Za-z]", text))


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


def _fonts(rpr: Any, latin: str | None, thai: str | None, keep: bool) -> None:
    fonts = _child(rpr, "w:rFonts")
    for attr in _THEME_ATTRS:
        if _qn(attr) in fonts.attrib:
            del fonts.attrib[_qn(attr)]
    if latin and not (keep and fonts.get(_qn("w:ascii"))):
        for attr in ("w:ascii", "w:hAnsi"):
            fonts.set(_qn(attr), latin)
    if thai and not (keep and fonts.get(_qn("w:cs"))):
        fonts.set(_qn("w:cs"), thai)
        fonts.set(_qn("w:eastAsia"), thai)
    if fonts.get(_qn("w:cs")) is None:
        fonts.set(_qn("w:cs"), fonts.get(_qn("w:ascii")) or DEFAULT_FONT)


def complex_script(rpr: Any, *, font: str | None, lang: str, keep_fonts: bool = False,
                   latin_font: str | None = None) -> None:
    """Style level: fonts, a complex-script size and boldness matching the Latin ones, both languages."""
    _fonts(rpr, latin_font or font, font, keep_fonts)
    size = rpr.find(_qn("w:sz"))
    if size is not None:
        scale = 1.0 if lang == "th" else THAI_SCALE
        _child(rpr, "w:szCs").set(_qn("w:val"), str(round(int(size.get(_qn("w:val"))) * scale)))
    bold = rpr.find(_qn("w:b"))
    if bold is not None and bold.get(_qn("w:val")) not in ("0", "false"):
        _child(rpr, "w:bCs")
    _child(rpr, "w:iCs").set(_qn("w:val"), "0")      # Thai is never slanted (Thai fonts have no italic)
    language = _child(rpr, "w:lang")
    language.set(_qn("w:val"), "th-TH" if lang == "th" else "en-US")
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


def report_lang(document: Any) -> str:
    """The report language recorded by :func:`prepare_document` (``"th"`` or ``"en"``)."""
    return str(getattr(document, "_fivep_lang", "th"))


def prepare_document(document: Any, *, font: str | None = DEFAULT_FONT, lang: str = "th",
                     keep_fonts: bool = False) -> None:
    """Make every style and the document defaults Thai-ready.

    With ``keep_fonts=True`` (an organisation's template) styles keep their own fonts and only get the
    missing attributes.
    """
    latin = font if (lang == "th" or font is None) else LATIN_FONT
    styles = document.styles.element
    defaults = styles.find(_qn("w:docDefaults"))
    if defaults is None:
        from docx.oxml import OxmlElement

        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    complex_script(_child(_child(defaults, "w:rPrDefault"), "w:rPr"), font=font or DEFAULT_FONT, lang=lang,
                   keep_fonts=keep_fonts, latin_font=latin)
    for style in document.styles:
        element = style.element
        if element.get(_qn("w:type")) == "numbering":
            continue
        complex_script(_child(element, "w:rPr"), font=font, lang=lang, keep_fonts=keep_fonts,
                       latin_font=latin)
    document._fivep_lang = lang


def _set_text(run: Any, text: str) -> None:
    """The run's text with code hyphens as ``w:noBreakHyphen`` (python-docx writes only ``w:t``)."""
    from docx.oxml import OxmlElement

    marked = _CODE.sub(lambda m: m.group().replace("-", "\u2011"), text)
    if "\u2011" not in marked:
        run.text = text
        return
    run.text = ""
    for i, piece in enumerate(marked.split("\u2011")):
        if i:
            run._r.append(OxmlElement("w:noBreakHyphen"))
        if piece:
            element = OxmlElement("w:t")
            element.text = piece
            element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            run._r.append(element)


def add_run(paragraph: Any, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
            lang: str = "th", font: str | None = None, color: str | None = None) -> list[Any]:
    """Add ``text`` as script runs (Thai / Latin), each with its language, fonts and sizes.

    ``size`` is in Latin points; Thai runs get it times :data:`THAI_SCALE`, and in a Thai report the
    Latin runs too (everything is TH Sarabun New there). ``italic`` applies to Latin runs only.
    """
    from docx.shared import Pt, RGBColor

    runs = []
    for piece in split_scripts(no_break(text)) or [Script("", lang == "th")]:
        run = paragraph.add_run()
        _set_text(run, piece.text)
        rpr = run._element.get_or_add_rPr()
        if bold:
            run.bold = True
            _child(rpr, "w:bCs")
        if italic and not piece.thai:
            run.italic = True
        if piece.thai:
            run.italic = False                 # upright Thai, whatever the style says
            _child(rpr, "w:iCs").set(_qn("w:val"), "0")
        if size:
            thai_size = size * THAI_SCALE
            run.font.size = Pt(thai_size if (piece.thai or lang == "th") else size)
            _child(rpr, "w:szCs").set(_qn("w:val"), str(round(thai_size * 2)))
        if color:
            run.font.color.rgb = RGBColor.from_string(color)
        if font:
            _fonts(rpr, font, font, False)
        language = _child(rpr, "w:lang")
        if piece.thai:
            _child(rpr, "w:cs")
            language.set(_qn("w:val"), "th-TH")
        else:
            language.set(_qn("w:val"), "en-US")
        language.set(_qn("w:bidi"), "th-TH")
        _order(rpr)
        runs.append(run)
    return runs


def align(paragraph: Any, how: str | None, lang: str) -> None:
    """``justify`` is Word's Thai distributed justification in a Thai report (``w:jc="thaiDistribute"``)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    if how is None:
        return
    values = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT, "left": WD_ALIGN_PARAGRAPH.LEFT,
              "justify": WD_ALIGN_PARAGRAPH.THAI_JUSTIFY if lang == "th" else WD_ALIGN_PARAGRAPH.JUSTIFY}
    paragraph.alignment = values[how]


def add_paragraph(container: Any, text: str = "", *, style: str | None = None, bold: bool = False,
                  italic: bool = False, size: float | None = None, lang: str = "th", align_as: str | None = None,
                  color: str | None = None) -> Any:
    """A paragraph (in a document or a table cell) holding Thai-ready runs."""
    paragraph = container.add_paragraph(style=style) if style else container.add_paragraph()
    if text:
        add_run(paragraph, text, bold=bold, italic=italic, size=size, lang=lang, color=color)
    align(paragraph, align_as, lang)
    return paragraph


def add_table(document: Any, header: list[str], rows: list[list[str]], *, widths_cm: list[float] | None = None,
              lang: str = "th", size: float = 9, bold_first_column: bool = False, style: str = "Table Grid") -> Any:
    """A bordered table with a bold, repeated header row; every cell Thai-ready; rows kept whole."""
    from docx.oxml import OxmlElement
    from docx.shared import Cm

    table = document.add_table(rows=1, cols=len(header))
    if style in [s.name for s in document.styles]:
        table.style = style
    else:
        _borders(table)
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].text = ""
        add_run(cell.paragraphs[0], text, bold=True, size=size, lang=lang)
        shading = OxmlElement("w:shd")
        shading.set(_qn("w:val"), "clear")
        shading.set(_qn("w:fill"), "D9E2F3")
        cell._tc.get_or_add_tcPr().append(shading)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for values in rows:
        row = table.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for i, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            lines = str(text).split("\n")
            add_run(cell.paragraphs[0], lines[0], size=size, lang=lang, bold=bold_first_column and i == 0)
            for line in lines[1:]:
                add_run(cell.add_paragraph(), line, size=size, lang=lang)
    if widths_cm:
        for row in table.rows:
            for cell, width in zip(row.cells, widths_cm, strict=True):
                cell.width = Cm(width)
    return table


def _borders(table: Any) -> None:
    """Single borders on a table whose template has no "Table Grid" style."""
    from docx.oxml import OxmlElement

    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(_qn("w:val"), "single")
        edge.set(_qn("w:sz"), "4")
        edge.set(_qn("w:color"), "808080")
        borders.append(edge)
    tbl_pr.append(borders)
