"""Gather a study's evidence and write its reports (``fivep report``, and the report step of ``fivep run``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from fivep.errors import InputError

if TYPE_CHECKING:
    from fivep.report.docx_report import ReportInputs
    from fivep.study import Study

LANGUAGES = ("en", "th")


def gather(study: Study, *, lang: str = "en", coder: str | None = None, figures_dir: Path,
           agreement: Any = None) -> ReportInputs:
    """Collect what the report shows. ``coder`` picks whose codings are the evidence (default: the rule
    tagger, coding every statement); ``agreement`` may pass a precomputed agreement table."""
    from fivep.analysis.demographics import demographics, describe
    from fivep.analysis.frequencies import study_frame
    from fivep.report.docx_report import ReportInputs
    from fivep.report.evidence import (
        Evidence,
        confirmed_share,
        load_recommendations,
        voiced_recommendations,
        with_evidence,
    )

    if lang not in LANGUAGES:
        raise InputError(f"unknown report language {lang!r}", hint="use --lang th or --lang en")
    if not study.segments():
        study.ingest()
    machine = study.machine_coder()
    assert machine is not None
    coder = coder or machine
    roster = study.read_roster()
    codebook = study.codebook()
    frame = study_frame(study, coder)
    documents = study.documents()
    translated = {d.id: str(d.meta["translated_from"]) for d in documents if d.meta.get("translated_from")}
    from fivep.privacy.cells import min_cell

    k = min_cell(study, roster)
    evidence = Evidence(frame, roster, codebook, lang=lang, labels=study.config.group_labels,
                        min_cell=k, translated=translated)
    demo = demographics(roster, study.config.group_sets, min_cell=k)
    path = study.root / "recommendations.yaml"
    if path.exists():
        recommendations = with_evidence(load_recommendations(path, codebook), evidence)
        written = True
    else:
        from fivep.model import DIMENSIONS

        recommendations = [r for d in DIMENSIONS for r in voiced_recommendations(evidence, d)]
        written = False
    humans = study.human_coders()
    coders_label = ""
    if agreement is None and len(humans) >= 2:
        from fivep.coding.reliability import study_agreement

        try:
            agreement = study_agreement(study, humans[:2], levels=("dimension",), n_boot=300)
        except InputError:
            agreement = None
    if agreement is not None and len(agreement):
        coders_label = str(agreement["coders"].iloc[0])
    methods = {
        "interviews": sum(1 for d in documents if _method(d, roster) == "interview"),
        "groups": sum(1 for d in documents if _method(d, roster) == "focus_group"),
        "documents": len(documents), "segments": len(study.segments()),
        "codes": sum(1 for c in codebook.codes if c.parent),
        "human": len({c.doc_id for h in humans for c in study.store.codings(h)}),  # transcripts humans coded
    }
    human_codings = {h: study.store.codings(h) for h in humans}
    human_docs = {c.doc_id for codings in human_codings.values() for c in codings}
    read = {s.id for s in study.segments() if s.doc_id in human_docs}
    confirmed = confirmed_share(study.store.codings(machine), human_codings, read)
    title = (study.config.title_th if lang == "th" and study.config.title_th else study.config.title)
    return ReportInputs(title, evidence, demo, describe(demo, lang, study.config.group_labels), methods,
                        recommendations, written, agreement, coders_label, machine, confirmed, figures_dir)


def _method(document: Any, roster: list[Any]) -> str:
    method = document.meta.get("method")
    if method in ("interview", "focus_group"):
        return str(method)
    speakers = {t.respondent_id for t in document.turns if t.respondent_id}
    return "focus_group" if len(speakers) > 2 else "interview"


def write_study_report(study: Study, out: str | Path, *, lang: str = "en", template: str | Path | None = None,
                       coder: str | None = None, figures_dir: str | Path | None = None,
                       agreement: Any = None) -> tuple[Path, list[Path]]:
    """Write the DOCX report of a study; returns ``(report, figures)``."""
    from fivep.report.docx_report import write_report

    out = Path(out)
    if out.suffix.lower() != ".docx":
        raise InputError("the report is a Word document: give --out a .docx name", path=out)
    if template is not None and not Path(template).is_file():
        raise InputError("template not found", path=template, hint="give an existing .docx (or .dotx saved as .docx)")
    figures = Path(figures_dir) if figures_dir else out.parent / "figures"
    inputs = gather(study, lang=lang, coder=coder, figures_dir=figures, agreement=agreement)
    write_report(inputs, out, lang=lang, template=Path(template) if template else None)
    return out, inputs.figures
