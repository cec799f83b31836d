"""A study folder: its configuration, roster, transcripts and store.

>>> study = Study.open("data/sample")          # doctest: +SKIP
>>> report = study.ingest()                     # doctest: +SKIP
>>> study.respondents().groupby("group").size() # doctest: +SKIP
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fivep.errors import ConfigError, InputError, TranscriptError
from fivep.human.files import FileCache
from fivep.human.review import ReviewWork
from fivep.model import Codebook, Coding, Document, Respondent, Segment

if TYPE_CHECKING:
    import pandas as pd

    from fivep.ingest.roster import RosterRead
    from fivep.store import Store

ROSTER_NAMES = ("respondents.csv", "respondents.xlsx", "respondents.ods", "respondents.tsv", "roster.csv", "roster.xlsx",
                "roster.ods", "roster.tsv")
STORE_NAME = ".fivep/fivep.sqlite"
MACHINE_PREFIX = "rules@"


@dataclass
class StudyConfig:
    title: str = "Untitled study"
    title_th: str = ""
    languages: list[str] = field(default_factory=lambda: ["th", "en"])
    roster: str | None = None
    transcripts: str = "transcripts"
    codebook: str = "5p"
    group_sets: dict[str, list[str]] = field(default_factory=dict)
    group_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    speakers: dict[str, str] = field(default_factory=dict)
    interviewer_labels: list[str] = field(default_factory=list)
    min_cell: int = 0
    holdout: list[str] = field(default_factory=list)
    store: str = STORE_NAME
    jobs: int | None = None
    scheduler: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> StudyConfig:
        if not path.exists():
            return cls()
        from fivep.schema import check_config, config_error

        try:
            text = path.read_text(encoding="utf-8-sig")
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"not valid TOML: {error}", path=path) from None
        except UnicodeDecodeError:
            raise ConfigError("not UTF-8 text", path=path, hint="save study.toml as UTF-8") from None
        problems = check_config(data, text)
        if problems:
            raise config_error(path, problems)
        config = cls(raw=data)
        for key in ("title", "title_th", "roster", "transcripts", "codebook", "store"):
            if key in data:
                if not isinstance(data[key], str):
                    raise ConfigError(f"'{key}' must be a string", path=path)
                setattr(config, key, data[key])
        if "languages" in data:
            config.languages = [str(x) for x in data["languages"]]
        sets = data.get("group_sets", {})
        if not isinstance(sets, dict) or not all(isinstance(v, list) for v in sets.values()):
            raise ConfigError("[group_sets] must map a name to a list of groups", path=path,
                              hint='e.g. practitioners = ["government", "ngo"]')
        from fivep.ingest.vocabulary import normalize_group

        # spelt as the roster reads them: "เจ้าหน้าที่รัฐ" and "NGO staff" name government and ngo there too
        config.group_sets = {str(k): list(dict.fromkeys(normalize_group(str(g)) for g in v)) for k, v in sets.items()}
        config.group_labels = {str(k): dict(v) for k, v in data.get("group_labels", {}).items()}
        config.speakers = {str(k): str(v) for k, v in data.get("speakers", {}).items()}
        transcripts = data.get("transcript_options", {})
        config.interviewer_labels = [str(x) for x in transcripts.get("interviewer_labels", [])]
        privacy = data.get("privacy", {})
        config.min_cell = int(privacy.get("min_cell", 0))
        config.holdout = [str(x) for x in data.get("evaluation", {}).get("holdout", [])]
        scale = data.get("scale", {})  # types checked by the schema above
        config.jobs = scale.get("jobs")
        config.scheduler = scale.get("scheduler") or None
        return config

    def group_label(self, group: str, lang: str = "en") -> str:
        return self.group_labels.get(group, {}).get(lang) or group


@dataclass
class IngestReport:
    documents: int
    turns: int
    segments: int
    respondents: int
    speaking: int
    silent: list[str]
    unknown_speakers: list[str]
    warnings: list[str]
    by_document: list[dict[str, Any]]
    human_codings: dict[str, int] = field(default_factory=dict)
    unknown_turns: dict[str, int] = field(default_factory=dict)  # label of an unknown speaker -> turns
    human_notes: list[str] = field(default_factory=list)
    """What ingest changed in the files of human work (quotes added, codings that followed their text)."""
    orphans: list[str] = field(default_factory=list)
    """Human codings, kinds, memos and decisions that could not be placed on their text, by file and row."""


class Study(ReviewWork):
    """A study folder: ``study.toml``, the roster, ``transcripts/``, ``codings/`` and the store ``.fivep/``.

    Opening reads ``study.toml``; nothing else is read until asked. Human work (hand codings, decisions
    on suggestions, memos) is written at once to plain files in the folder; the store is a cache of
    them that :meth:`ingest` rebuilds.

    Examples
    --------
    >>> study = Study.open("data/sample")                       # doctest: +SKIP
    >>> study.ingest()                                          # doctest: +SKIP
    >>> study.add_coding("FG-CM-GOV-A#3", "protection.shelter", "ann")   # doctest: +SKIP
    >>> study.codings("ann")[["segment_id", "code_id", "text"]]  # doctest: +SKIP
    """

    def __init__(self, root: Path, config: StudyConfig) -> None:
        self.root = root
        self.config = config
        self._store: Store | None = None
        self._codebook: Codebook | None = None
        self._file_cache = FileCache()
        self._roster: RosterRead | None = None

    def __repr__(self) -> str:
        path = self.root / self.config.store
        if not path.exists():
            return f"<Study {self.config.title!r} at {self.root}: not ingested yet>"
        db = self.store.connection
        docs, segments = (db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("documents", "segments"))
        respondents = db.execute("SELECT COUNT(*) FROM respondents").fetchone()[0]
        humans = ", ".join(self.human_coders()) or "none"
        orphans = db.execute("SELECT COUNT(*) FROM orphans").fetchone()[0]
        return (f"<Study {self.config.title!r} at {self.root}: {docs} documents, {segments} statements, "
                f"{respondents} respondents; human coders: {humans}"
                + (f"; {orphans} orphaned codings to place" if orphans else "") + ">")

    @classmethod
    def open(cls, path: str | Path) -> Study:
        """Open the study folder at ``path`` (reads ``study.toml`` only).

        Raises
        ------
        InputError
            When ``path`` does not exist or is a file.
        """
        root = Path(path)
        if not root.exists():
            raise InputError("study folder not found", path=root)
        if not root.is_dir():
            raise InputError("a study is a folder (with respondents.csv, transcripts/ ...), not a file", path=root)
        return cls(root, StudyConfig.load(root / "study.toml"))

    # --- inputs ---------------------------------------------------------------------------------

    @property
    def roster_path(self) -> Path:
        if self.config.roster:
            return self.root / self.config.roster
        for name in ROSTER_NAMES:
            if (self.root / name).exists():
                return self.root / name
        return self.root / ROSTER_NAMES[0]

    @property
    def transcripts_dir(self) -> Path:
        return self.root / self.config.transcripts

    def read_roster(self) -> list[Respondent]:
        """The roster (read once per Study); what was read differently is in :attr:`roster_warnings`."""
        from fivep.ingest.roster import load_roster

        if self._roster is None:
            self._roster = load_roster(self.roster_path)
        return list(self._roster.respondents)

    @property
    def roster_warnings(self) -> list[str]:
        """Every roster value stored differently from how it was written (reading the roster if needed)."""
        self.read_roster()
        assert self._roster is not None
        return list(self._roster.warnings)

    def transcript_paths(self) -> list[Path]:
        from fivep.ingest.readers import _EXTENSIONS

        folder = self.transcripts_dir
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir()
                      if p.is_file() and p.suffix.lower() in _EXTENSIONS and not p.name.startswith((".", "~$")))

    def read_documents(self, roster: list[Respondent] | None = None, progress: Any = None,
                       format: str | None = None, jobs: int | None = None) -> tuple[list[Document], list[str]]:
        """Read every transcript (``format`` forces one reader for all). Returns ``(documents, warnings)``.

        Transcripts are read in batches, on every core when there are many (``jobs`` as in
        :meth:`code`); documents and warnings come back in file order whatever the number of workers.
        """
        from fivep.ingest.turns import INTERVIEWER_LABELS, SpeakerResolver
        from fivep.parallel import batched, map_batches, resolve_jobs

        roster = self.read_roster() if roster is None else roster
        resolver = SpeakerResolver([r.id for r in roster], self.config.speakers,
                                   (*INTERVIEWER_LABELS, *self.config.interviewer_labels))
        documents: list[Document] = []
        warnings: list[str] = []
        seen: dict[str, str] = {}
        paths = self.transcript_paths()
        workers = resolve_jobs(jobs if jobs is not None else self.config.jobs, len(paths), threshold=200)
        chunks = batched(paths, 25)
        tasks = [(chunk, format, resolver) for chunk in chunks]
        for chunk, parsed_docs in zip(chunks, map_batches(_read_batch, tasks, jobs=workers), strict=True):
            for path, parsed in zip(chunk, parsed_docs, strict=True):
                doc = parsed.document
                if doc.id in seen:
                    raise TranscriptError(f"document id '{doc.id}' is used by {seen[doc.id]} too", path=path,
                                          hint="give each transcript a unique 'id:' in its front matter")
                seen[doc.id] = str(path)
                documents.append(doc)
                warnings.extend(parsed.warnings)
                if progress is not None:
                    progress(path)
        return documents, warnings

    # --- store ----------------------------------------------------------------------------------

    @property
    def store(self) -> Store:
        if self._store is None:
            from fivep.store import Store

            self._store = Store(self.root / self.config.store)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def ingest(self, *, unit: str = "turn", progress: Any = None, format: str | None = None,
               jobs: int | None = None) -> IngestReport:
        """Read roster, transcripts and the files of human work, and rebuild the store in one transaction.

        Human codings follow their text: each is placed by its quote (see :mod:`fivep.ingest.anchor`);
        what moved, what got its quote and what could not be placed (kept as orphaned) is in the report.
        Every file is read and checked before anything is written or committed.
        """
        from fivep.human.rebuild import read_human_work
        from fivep.ingest.segments import segment_documents

        roster = self.read_roster()
        documents, warnings = self.read_documents(roster, progress=progress, format=format, jobs=jobs)
        warnings = self.roster_warnings + warnings
        if not documents:
            raise InputError("no transcripts found", path=self.transcripts_dir,
                             hint="put .txt .docx .pdf .odt .vtt or .srt files there")
        segments = segment_documents(documents, unit=unit)
        with self._writing():
            human = read_human_work(self, documents, segments)
            human.write()
            self.store.replace_corpus(roster, documents, segments, human=human.cache)
            self.store.record_inputs(self.input_hashes())
        roster_ids = {r.id for r in roster}
        speaking = {t.respondent_id for d in documents for t in d.turns if t.respondent_id}
        unknown = sorted(speaking - roster_ids)
        silent = [r.id for r in roster if r.id not in speaking]
        for rid in silent:
            warnings.append(f"respondent {rid} is in the roster but speaks in no transcript")
        by_doc = []
        for d in documents:
            by_doc.append({"id": d.id, "format": d.meta.get("format"), "language": d.language,
                           "turns": len(d.turns), "unknown_speaker_turns": sum(t.role == "unknown" for t in d.turns),
                           "respondents": len({t.respondent_id for t in d.turns if t.respondent_id})})
        unknown_turns: dict[str, int] = {}
        for turn in (t for d in documents for t in d.turns if t.role == "unknown"):
            unknown_turns[turn.speaker] = unknown_turns.get(turn.speaker, 0) + 1
        counts = {c: len(human.cache.codings.get(c, [])) for c in sorted(human.cache.coders)}
        return IngestReport(len(documents), sum(len(d.turns) for d in documents), len(segments), len(roster),
                            len(speaking & roster_ids), silent, unknown, warnings, by_doc, human_codings=counts,
                            unknown_turns=unknown_turns, human_notes=human.notes, orphans=human.orphans)

    def input_hashes(self, paths: list[Path] | None = None) -> dict[str, str]:
        """Hashes of the study's inputs (roster, transcripts, coder files), by path relative to the study."""
        import hashlib
        import os

        from fivep.human.files import coder_paths

        if paths is None:
            paths = [*self.transcript_paths(), *coder_paths(self.codings_dir)]
            paths += [self.roster_path] if self.roster_path.is_file() else []
        return {os.path.relpath(p, self.root): hashlib.blake2b(p.read_bytes(), digest_size=16).hexdigest()
                for p in paths if p.is_file()}

    def changed_since_ingest(self) -> list[str]:
        """Inputs added, changed or removed since the last :meth:`ingest` (paths relative to the study).

        The store (and every result computed from it) reflects the ingested versions until the next
        ingest; fivep's own writes (``add_coding``...) keep the store up to date and are not listed.
        """
        recorded = self.store.inputs()
        if not recorded:
            return []
        current = self.input_hashes()
        return sorted(p for p in set(recorded) | set(current) if recorded.get(p) != current.get(p))

    @property
    def codings_dir(self) -> Path:
        """``codings/``: one CSV per coder (see ``docs/codings.md``)."""
        return self.root / "codings"

    def codebook(self) -> Codebook:
        """The study's codebook (study.toml ``codebook``: a built-in name or a path)."""
        if self._codebook is None:
            from fivep.coding.codebook import load_codebook

            self._codebook = load_codebook(self.config.codebook, base=self.root)
        return self._codebook

    def reload_codebook(self) -> Codebook:
        """Read the codebook again from its file (after an edit: :mod:`fivep.coding.codebook_edit`)."""
        self._codebook = None
        return self.codebook()

    def code(self, *, engine: str | None = None, progress: Any = None, jobs: int | None = None,
             scheduler: str | None = None, rules_only: bool = False, embedder: str | None = None,
             alongside: Any = None) -> tuple[str, int]:
        """Machine-code every respondent segment (rules + semantic layer, or the rules alone);
        returns ``(coder, codings)``.

        Parameters
        ----------
        engine:
            Thai tokenizer engine (default ``nlpo3``).
        progress:
            Called with the number of segments each finished batch held.
        jobs:
            Local worker processes; ``None`` uses every core on a large corpus and one process on a small
            one, ``1`` forces this process.
        scheduler:
            Address of a Dask distributed scheduler (``tcp://host:8786``); defaults to study.toml's
            ``[scale] scheduler``. The result is the same as a local run.
        rules_only:
            Keywords only: no sentence encoder.
        embedder:
            A local sentence-transformers model folder; default study.toml ``[coding] embedder``, else
            the built-in multilingual encoder.
        alongside:
            Other work to run meanwhile (a callable): a small study is then coded by a worker on another
            core while this process runs it (:func:`fivep.coding.batch.code_segments`).
        """
        from fivep.coding.batch import code_segments
        from fivep.coding.vectors import StatementVectors

        codebook = self.codebook()
        engine = engine or "nlpo3"
        coder = f"{MACHINE_PREFIX}{codebook.version}"
        codings: list[Coding] = []
        kinds: dict[str, str] = {}
        embedder = embedder or self.embedder()
        batches = code_segments(self.segments(), codebook, engine=engine,
                                jobs=jobs if jobs is not None else self.config.jobs,
                                scheduler=scheduler or self.config.scheduler, progress=progress,
                                rules_only=rules_only, embedder=embedder, alongside=alongside)
        vectors = None if rules_only else StatementVectors(self.store, embedder)
        if vectors is not None:
            vectors.clear()
        for result in batches:
            codings.extend(result.codings)
            kinds.update(result.kinds)
            if vectors is not None and result.vectors is not None:
                vectors.put(result.digests, result.vectors)  # for topics: each statement is encoded once
        return coder, self.store.replace_codings(coder, codings, kinds)

    def embedder(self) -> str | None:
        """study.toml ``[coding] embedder``: a local sentence-transformers folder (relative to the study), or None."""
        value = self.config.raw.get("coding", {}).get("embedder") if isinstance(self.config.raw.get("coding"), dict) \
            else None
        if value is None:
            return None
        if not isinstance(value, str):
            raise ConfigError("[coding] embedder must be a string (a model folder)", path=self.root / "study.toml")
        path = Path(value).expanduser()
        return str(path if path.is_absolute() or value in ("default", "use-multilingual-v3") else self.root / path)

    def machine_coder(self, *, code: bool = True) -> str | None:
        """The rule tagger's coder name in the store (``rules@<version>``); codes the study first when
        it has no machine codings and ``code`` is true."""
        coder = next((c for c in self.store.coders() if c.startswith(MACHINE_PREFIX)), None)
        if coder is None and code:
            coder, _ = self.code()
        return coder

    def human_coders(self) -> list[str]:
        """Coders whose codings came from people (imported CSVs, accepted suggestions), sorted."""
        return sorted(c for c, source in self.store.coder_sources().items() if source == "human")

    def documents(self) -> list[Document]:
        """The ingested documents (transcripts) with their normalised text and speaker turns, by id.

        Empty before :meth:`ingest`.
        """
        return self.store.documents()

    def segments(self) -> list[Segment]:
        """The ingested statements (the units that get coded), by document and position.

        A segment id is ``DOC#TURN`` (``DOC#TURN.SENTENCE`` with ``unit="sentence"``): it names a position,
        so it changes when a line is inserted above; codings are tied to their text, not to this id.
        """
        return self.store.segments()

    # --- analysis interface ---------------------------------------------------------------------

    def respondents(self) -> pd.DataFrame:
        """The roster as a DataFrame, one row per respondent (read from the roster file)."""
        import pandas as pd

        rows = [{"respondent_id": r.id, "group": r.group, **r.attributes} for r in self.read_roster()]
        return pd.DataFrame(rows)

    def codings(self, coder: str | None = None) -> pd.DataFrame:
        """Every coding (of ``coder``) as a tidy DataFrame, one row per coding.

        Columns: ``text`` (the statement), ``doc_id``, ``segment_id``, ``respondent_id``, ``group``,
        ``dimension``, ``code_id``, ``kind`` (the coder's kind for the statement), ``coder``, ``source``
        (human, rule, model), ``origin`` (a person's coding: ``hand``, or ``suggestion`` for a machine
        suggestion they accepted; empty for the machine's), ``score``, ``evidence`` (the machine's matched words), ``start``, ``end``
        (document offsets of the coded span), ``status`` (``anchored``, or ``orphaned`` for a human coding
        whose text could not be found after a transcript changed: see :meth:`orphans`), ``quote`` (the
        coded text) and ``memo``.
        """
        from fivep.human.frames import codings_frame

        return codings_frame(self, coder)

    def kinds(self, coder: str | None = None) -> pd.DataFrame:
        """Statement kinds (obstacle, recommendation, other) per coder: ``segment_id, doc_id, coder, kind``."""
        import pandas as pd

        doc_of = {s.id: s.doc_id for s in self.segments()}
        rows = [{"segment_id": sid, "doc_id": doc_of.get(sid), "coder": c, "kind": kind}
                for c in ([coder] if coder else self.store.coders())
                for sid, kind in sorted(self.store.segment_kinds(c).items())]
        return pd.DataFrame(rows, columns=["segment_id", "doc_id", "coder", "kind"])

    def retrieve(self, code: str | None = None, dimension: str | None = None, group: str | None = None,
                 coder: str | None = None, context: int = 1) -> pd.DataFrame:
        """Coded statements with their neighbouring turns: every statement coded ``code`` (or a sub-code
        of it) or in ``dimension``, from respondents of ``group``, by ``coder``.

        Returns one row per coding: ``doc_id, segment_id, respondent_id, group, code_id, dimension, kind,
        coder, before, text, after, quote, start, end``; ``before`` and ``after`` hold up to ``context``
        turns each (``SPEAKER: text`` lines, interviewer turns too).
        """
        from fivep.human.frames import retrieve_frame

        return retrieve_frame(self, code, dimension, group, coder, context)

    def disagreements(self, coder_a: str, coder_b: str) -> pd.DataFrame:
        """Statements two coders coded differently, in the documents both coded.

        Columns: ``doc_id, segment_id, respondent_id, group, text``, ``only_a``, ``only_b``, ``both`` (lists
        of code ids) and ``kind_a``, ``kind_b``.
        """
        from fivep.human.frames import disagreements_frame

        return disagreements_frame(self, coder_a, coder_b)


def _read_batch(task: tuple[Sequence[Path], str | None, Any]) -> list[Any]:
    """Read and parse one batch of transcripts (runs in a worker)."""
    from fivep.ingest.readers import read_transcript
    from fivep.ingest.turns import build_document

    paths, format, resolver = task
    return [build_document(read_transcript(path, format), resolver, doc_id=path.stem) for path in paths]
