"""Gather a study's evidence and write its reports (``fivep report``, and the report step of ``fivep run``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fivep.errors import InputError

if TYPE_CHECKING:
    from fivep.report.docx_report import ReportInputs
    from fivep.study import Study

LANGUAGES = ("en", "th")


@dataclass
class StudyEvidence:
    """What a report reads from the study whatever its language: read once for both reports of
    ``fivep run`` (at 30 MB, each report read every coding three times, and both read them again)."""

    coder: str
    machine: str
    roster: list[Any]
    codebook: Any
    frame: Any
    documents: list[Any]
    segments: list[Any]
    humans: list[str]
    support: Any
    min_cell: int
    demographics: dict[str, Any]
    agreement: Any
    methods: dict[str, Any]
    confirmed: tuple[int, int, int]


def study_evidence(study: Study, *, coder: str | None = None, agreement: Any = None) -> StudyEvidence:
    """The language-independent part of :func:`gather` (``coder`` and ``agreement`` as there)."""
    from fivep.analysis.demographics import demographics
    from fivep.analysis.frequencies import study_frame
    from fivep.privacy.cells import min_cell
    from fivep.report.evidence import confirmed_share, support_from

    if not study.segments():
        study.ingest()
    machine = study.machine_coder()
    assert machine is not None
    coder = coder or machine
    roster = study.read_roster()
    codebook = study.codebook()
    frame = study_frame(study, coder)   # refuses a coder the store does not know
    documents = study.documents()
    segments = study.segments()
    humans = study.human_coders()
    human_codings = {h: study.store.codings(h) for h in humans if h != coder}
    human_docs = {c.doc_id for codings_ in human_codings.values() for c in codings_}
    # the report coder's codings are read as they come, once for each use: on a large corpus (436,571
    # codings at 100 MB) a list of them all would be held through both reports
    support = support_from(study.store.iter_codings(coder), human_codings, segments, human_docs=human_docs)
    k = min_cell(study, roster)
    if agreement is None and len(humans) >= 2:
        from fivep.coding.reliability import study_agreement

        try:
            agreement = study_agreement(study, humans[:2], levels=("dimension",), n_boot=300)
        except InputError:
            agreement = None
    interviews, groups = sessions(roster, documents)
    texts = study.config.raw.get("report", {})
    methods = {
        "interviews": interviews, "groups": groups,
        "documents": len(documents), "segments": len(segments),
        "codes": sum(1 for c in codebook.codes if c.parent),
        "human": len(human_docs),  # transcripts humans coded
        "texts": texts if isinstance(texts, dict) else {},
    }
    read = {s.id for s in segments if s.doc_id in human_docs}
    # without statements a person coded there is nothing to confirm: no pass over the codings
    confirmed = confirmed_share(study.store.iter_codings(machine), human_codings, read) if read else (0, 0, 0)
    return StudyEvidence(coder, machine, roster, codebook, frame, documents, segments, humans, support, k,
                         demographics(roster, study.config.group_sets, min_cell=k), agreement, methods, confirmed)


def gather(study: Study, *, lang: str = "en", coder: str | None = None, figures_dir: Path,
           agreement: Any = None, common: StudyEvidence | None = None) -> ReportInputs:
    """Collect what the report shows. ``coder`` picks whose codings are the evidence (default: the rule
    tagger, coding every statement); ``agreement`` may pass a precomputed agreement table; ``common``
    what :func:`study_evidence` read already (for another language's report)."""
    from fivep.analysis.demographics import describe
    from fivep.report.actors import load_recommendations, voiced_recommendations, with_evidence
    from fivep.report.docx_report import ReportInputs
    from fivep.report.evidence import Evidence
    from fivep.report.quotes import privacy_gate, read_translations

    if lang not in LANGUAGES:
        raise InputError(f"unknown report language {lang!r}", hint="use --lang th or --lang en")
    if common is None:
        common = study_evidence(study, coder=coder, agreement=agreement)
    translated = {d.id: str(d.meta["translated_from"]) for d in common.documents if d.meta.get("translated_from")}
    gate, quote_filter, _ = privacy_gate(study)
    evidence = Evidence(common.frame, common.roster, common.codebook, lang=lang, labels=study.config.group_labels,
                        min_cell=common.min_cell, translated=translated, support=common.support, coder=common.coder,
                        quote_gate=gate, quote_filter=quote_filter)
    path = study.root / "recommendations.yaml"
    if path.exists():
        recommendations = with_evidence(load_recommendations(path, common.codebook), evidence)
        written = True
    else:
        from fivep.model import DIMENSIONS

        recommendations = [r for d in DIMENSIONS for r in voiced_recommendations(evidence, d)]
        written = False
    agreement = common.agreement
    coders_label = str(agreement["coders"].iloc[0]) if agreement is not None and len(agreement) else ""
    title = (study.config.title_th if lang == "th" and study.config.title_th else study.config.title)
    raw = study.config.raw
    return ReportInputs(title, evidence, common.demographics,
                        describe(common.demographics, lang, study.config.group_labels), common.methods,
                        recommendations, written, agreement, coders_label, common.machine, common.confirmed,
                        figures_dir, author=str(raw.get("author") or ""),
                        organisation=str(raw.get("organisation") or ""), translations=read_translations(study.root))


def sessions(roster: list[Any], documents: list[Any]) -> tuple[int, int]:
    """(in-depth interviews, focus groups): the roster's sessions by method (a focus group of two is a focus
    group); without a method column, a transcript with two or more respondents is a focus group."""
    by_session: dict[str, str] = {}
    for person in roster:
        method, session = person.get("method"), person.get("session_id")
        if method in ("interview", "focus_group") and session:
            by_session.setdefault(str(session), str(method))
    if not by_session:
        for document in documents:
            by_session[document.id] = _method(document)
    methods = list(by_session.values())
    return methods.count("interview"), methods.count("focus_group")


def _method(document: Any) -> str:
    method = document.meta.get("method")
    if method in ("interview", "focus_group"):
        return str(method)
    speakers = {t.respondent_id for t in document.turns if t.respondent_id}
    return "focus_group" if len(speakers) >= 2 else "interview"


def write_study_report(study: Study, out: str | Path, *, lang: str = "en", template: str | Path | None = None,
                       coder: str | None = None, figures_dir: str | Path | None = None,
                       agreement: Any = None, common: StudyEvidence | None = None) -> tuple[Path, list[Path]]:
    """Write the DOCX report of a study; returns ``(report, figures)``. ``common``: see :func:`gather`."""
    from fivep.report.docx_report import write_report
    from fivep.report.quotes import privacy_gate, request_translations

    out = Path(out)
    if out.suffix.lower() != ".docx":
        raise InputError("the report is a Word document: give --out a .docx name", path=out)
    if template is not None:
        if not Path(template).is_file():
            raise InputError("template not found", path=template, hint="give an existing .docx")
        if Path(template).suffix.lower() not in (".docx", ".dotx", ".docm", ".dotm"):
            raise InputError("a template must be a Word document (.docx)", path=template,
                             hint="save it from Word or LibreOffice as a .docx")
    figures = Path(figures_dir) if figures_dir else out.parent / "figures"
    inputs = gather(study, lang=lang, coder=coder, figures_dir=figures, agreement=agreement, common=common)
    write_report(inputs, out, lang=lang, template=Path(template) if template else None)
    request_translations(study.root, inputs.to_translate)
    # minors' statements the report would have quoted: rows in quote-approvals.csv for the researcher
    privacy_gate(study)[2]([sid for sid, _ in inputs.evidence.withheld])
    return out, inputs.figures
