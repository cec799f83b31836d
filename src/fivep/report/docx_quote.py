"""One quote in the report: in the report's language where a researcher translated it, else the original
with a marked gist line; attributed by pseudonymous code and group; saying whether a human confirmed it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fivep.messages import message
from fivep.report.docx_thai import add_paragraph, add_run, is_thai
from fivep.report.quotes import FILE, translation_for

if TYPE_CHECKING:
    from fivep.report.docx_report import Writer
    from fivep.report.evidence import Quote


def write_quote(w: Writer, quote: Quote, topic: str | None) -> None:
    lang, ev = w.lang, w.ev
    text, state = quote.text, "original"
    if quote.language != lang and not quote.translated_from:
        state, translated = translation_for(quote, lang, w.inputs.translations)
        if state == "translated":
            text = translated
        else:
            w.inputs.to_translate.append((quote, lang))
    paragraph = add_paragraph(w.document, "", style="Quote", lang=lang)
    add_run(paragraph, f"“{text}”", italic=not is_thai(text), lang=lang)   # Latin words in Thai speech upright
    add_run(paragraph, f" — {quote.code or quote.respondent_id}, {ev.group_label(quote.group)}", bold=True, size=9, lang=lang)
    notes = []
    if quote.translated_from:
        source = quote.translated_from
        notes.append(message(lang, "report.translated", language=message(lang, f"languages.{source}")
                             if source in ("th", "en") else source))
    elif state == "translated":
        notes.append(w.t("translated_by_team", language=message(lang, f"languages.{quote.language}")))
    notes.append(w.t("confirmed_quote") if quote.confirmed else w.t("machine_quote"))
    if topic:
        notes.insert(0, topic)
    add_run(paragraph, " (" + "; ".join(notes) + ")", size=8.5, lang=lang, color="595959")
    if state in ("pending", "stale"):
        gist = add_paragraph(w.document, "", style="Quote", lang=lang)
        gist.paragraph_format.space_before = 0
        label = ev.code_label(quote.code_id) if quote.code_id else ""
        kind = message(lang, f"kinds.{quote.kind}") if quote.kind in ("obstacle", "recommendation") else ""
        add_run(gist, w.t("gist_label") + " ", bold=True, size=8.5, lang=lang, color="C00000")
        add_run(gist, w.t("gist_" + state, language=message(lang, f"languages.{quote.language}"), topic=label,
                          kind=kind, file=FILE), size=8.5, lang=lang, color="595959")
