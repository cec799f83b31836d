"""Inter-coder reliability: reliability data built from coded spans, and the coefficients.

Table orientation
-----------------
Every coefficient here takes a table of **units by coders**: one row per unit (a segment, a sentence,
a character or a document), one column per coder; a cell holds the category that coder gave the unit,
or a missing value (``NaN`` / ``None``) where the coder did not code that unit. A pandas DataFrame or
any 2-D array-like. (The krippendorff package wants the transpose, coders by units; statsmodels' Fleiss
kappa wants units by category counts; the functions here convert.)

>>> table = [[1, 1], [2, 2], [1, 2], [None, 1]]       # 4 units, 2 coders
>>> round(percent_agreement(table), 3)                # units 1-3 are pairable, 2 of 3 agree
0.667

From spans to reliability data
------------------------------
:func:`reliability_data` turns codings into one presence/absence table per label (a code, or a 5P
dimension: a coder gives a unit the dimension when it applies any code of it). A coding gives its label
to every unit it overlaps (at segment level: to its own segment when it names one). A coder's missing
values are the units of documents the coder did not code (``coverage``). Pooled figures stack the
label tables (units x labels as rows), i.e. the summed agreement tables of de Vries et al. (2008),
"Using pooled kappa to summarize interrater agreement across many items", *Field Methods* 20(3).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fivep.model import DIMENSIONS, Codebook, Coding, Segment

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

UNITS = ("segment", "sentence", "character", "document")
LEVELS = ("dimension", "code")


# --- coefficients on a units x coders table -----------------------------------------------------


def _encode(table: Any) -> tuple[np.ndarray, list[Any]]:
    """Category indices (float, NaN for missing) of a units x coders table, and the categories."""
    import numpy as np
    import pandas as pd

    raw = table.to_numpy() if isinstance(table, pd.DataFrame) else np.asarray(table, dtype=object)
    if raw.ndim != 2:
        raise ValueError("reliability data must be a 2-D table of units (rows) by coders (columns)")
    try:
        numeric = raw.astype(float)
    except (TypeError, ValueError):
        numeric = None
    if numeric is not None:   # the fast path: numbers and NaN
        finite = ~np.isnan(numeric)
        categories_, inverse = np.unique(numeric[finite], return_inverse=True)
        codes = np.full(numeric.shape, np.nan)
        codes[finite] = inverse
        return codes, [c.item() for c in categories_]
    frame = pd.DataFrame(raw)
    values = frame.to_numpy(dtype=object)
    missing = pd.isna(frame).to_numpy()
    present = values[~missing]
    try:
        categories = sorted(set(present.tolist()))
    except TypeError:
        categories = sorted(set(present.tolist()), key=str)
    index = {c: i for i, c in enumerate(categories)}
    codes = np.full(values.shape, np.nan)
    for (r, c), value in np.ndenumerate(values):
        if not missing[r, c]:
            codes[r, c] = index[value]
    return codes, categories


def _value_counts(codes: np.ndarray, n_categories: int) -> np.ndarray:
    """Units x categories: how many coders gave each unit each category."""
    import numpy as np

    return np.stack([(codes == v).sum(axis=1) for v in range(n_categories)], axis=1)


def percent_agreement(table: Any) -> float:
    """Pairwise percent agreement.

    For each unit coded by at least two coders, the share of its coder pairs that agree
    (``sum_c n_uc (n_uc - 1) / (m_u (m_u - 1))``), averaged over those units; with two coders, the share
    of units both coded that they coded alike. NaN when no unit is coded twice.
    """
    codes, categories = _encode(table)
    counts = _value_counts(codes, len(categories))
    m = counts.sum(axis=1)
    pairable = m >= 2
    if not pairable.any():
        return float("nan")
    agreeing = (counts[pairable] * (counts[pairable] - 1)).sum(axis=1)
    return float((agreeing / (m[pairable] * (m[pairable] - 1))).mean())


def cohen_kappa(table: Any) -> float:
    """Cohen's (1960) kappa of exactly two coders, on the units both coded.

    Computed by :func:`sklearn.metrics.cohen_kappa_score`. NaN when fewer than two categories occur.
    """
    import numpy as np
    from sklearn.metrics import cohen_kappa_score

    codes, categories = _encode(table)
    if codes.shape[1] != 2:
        raise ValueError(f"Cohen's kappa compares two coders; the table has {codes.shape[1]} columns "
                         "(use fleiss_kappa or krippendorff_alpha)")
    both = codes[~np.isnan(codes).any(axis=1)].astype(int)
    if len(both) == 0 or len(np.unique(both)) < 2:
        return float("nan")
    return float(cohen_kappa_score(both[:, 0], both[:, 1], labels=list(range(len(categories)))))


def fleiss_kappa(table: Any) -> float:
    """Fleiss' (1971) kappa, on the units every coder coded (it needs as many ratings per unit).

    Computed by :func:`statsmodels.stats.inter_rater.fleiss_kappa` on the units x category counts.
    With two coders it equals Scott's pi. NaN when fewer than two categories occur.
    """
    import numpy as np
    from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

    codes, categories = _encode(table)
    complete = codes[~np.isnan(codes).any(axis=1)]
    if len(complete) == 0 or len(np.unique(complete)) < 2 or codes.shape[1] < 2:
        return float("nan")
    return float(sm_fleiss_kappa(_value_counts(complete, len(categories)), method="fleiss"))


def krippendorff_alpha(table: Any, *, level: str = "nominal") -> float:
    """Krippendorff's alpha for any number of coders, with missing values.

    Computed by :func:`krippendorff.alpha` (Krippendorff 2011, "Computing Krippendorff's
    Alpha-Reliability"). ``level`` other than ``"nominal"`` needs numeric categories. NaN when fewer
    than two categories occur or no unit is coded twice.
    """
    import krippendorff
    import numpy as np

    codes, categories = _encode(table)
    counts = _value_counts(codes, len(categories))
    if len(categories) < 2 or not (counts.sum(axis=1) >= 2).any():
        return float("nan")
    if level == "nominal":
        return float(krippendorff.alpha(value_counts=counts, level_of_measurement="nominal"))
    values = np.array([float(c) for c in categories])
    data = np.where(np.isnan(codes), np.nan, values[np.nan_to_num(codes).astype(int)])
    measurement: Any = level
    return float(krippendorff.alpha(reliability_data=data.T, level_of_measurement=measurement))


def _coincidences(codes: np.ndarray, n_categories: int, clusters: np.ndarray) -> np.ndarray:
    """Krippendorff's coincidence matrix of each cluster of units: shape (clusters, V, V)."""
    import numpy as np

    counts = _value_counts(codes, n_categories).astype(float)
    m = counts.sum(axis=1)
    keep = m >= 2
    counts, m, clusters = counts[keep], m[keep], clusters[keep]
    per_unit = (counts[:, :, None] * counts[:, None, :] - counts[:, :, None] * np.eye(n_categories)) \
        / (m - 1)[:, None, None]
    out = np.zeros((int(clusters.max()) + 1 if len(clusters) else 0, n_categories, n_categories))
    np.add.at(out, clusters, per_unit)
    return out


def _alpha_of(o: np.ndarray) -> np.ndarray:
    """Nominal alpha of coincidence matrices (..., V, V): 1 - (n-1)(n - sum o_cc) / (n^2 - sum n_c^2)."""
    import numpy as np

    n_c = o.sum(axis=-2)
    n = n_c.sum(axis=-1)
    expected = n**2 - (n_c**2).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 0, 1 - (n - 1) * (n - np.trace(o, axis1=-2, axis2=-1)) / expected, np.nan)


def alpha_interval(table: Any, *, clusters: Sequence[Any] | None = None, n_boot: int = 1000,
                   confidence: float = 0.95, seed: int = 0) -> tuple[float, float]:
    """A bootstrap percentile interval for nominal Krippendorff's alpha.

    Units are resampled with replacement; when ``clusters`` labels the units (the segment each
    sentence or character belongs to), whole clusters are resampled, since units of one segment are
    not independent. Each resample's alpha comes from the summed coincidence matrices of its clusters
    (the same formula :func:`krippendorff_alpha` uses). Returns ``(nan, nan)`` when alpha is undefined.
    """
    import numpy as np
    import pandas as pd

    codes, categories = _encode(table)
    if clusters is None:
        cluster_ids = np.arange(len(codes))
    else:
        cluster_ids = pd.factorize(pd.Series(list(clusters), dtype=object))[0]
    if len(categories) < 2:
        return float("nan"), float("nan")
    per_cluster = _coincidences(codes, len(categories), cluster_ids)
    per_cluster = per_cluster[per_cluster.sum(axis=(1, 2)) > 0]
    k = len(per_cluster)
    if k == 0:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(k, np.full(k, 1 / k), size=n_boot)
    boot = (weights @ per_cluster.reshape(k, -1)).reshape(n_boot, len(categories), len(categories))
    alphas = _alpha_of(boot)
    alphas = alphas[~np.isnan(alphas)]
    if not len(alphas):
        return float("nan"), float("nan")
    tail = 100 * (1 - confidence) / 2
    low, high = np.percentile(alphas, [tail, 100 - tail])
    return float(low), float(high)


# --- reliability data from spans ----------------------------------------------------------------


@dataclass
class ReliabilityData:
    """Presence/absence tables of several labels over the same units and coders.

    ``units`` has one row per unit (``unit_id, doc_id, start, end, segment_id``); ``values[label]`` is a
    units x coders array of 1 (applied), 0 (not applied) and NaN (the coder did not code the unit).
    """

    unit: str
    coders: list[str]
    units: pd.DataFrame
    values: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        return list(self.values)

    def table(self, label: str) -> pd.DataFrame:
        """The units x coders table of one label."""
        import pandas as pd

        return pd.DataFrame(self.values[label], index=self.units["unit_id"], columns=self.coders)

    def pooled(self, labels: Iterable[str] | None = None) -> tuple[pd.DataFrame, list[str]]:
        """The label tables stacked, and the cluster (segment) of every row, for pooled coefficients."""
        import numpy as np
        import pandas as pd

        chosen = list(self.values) if labels is None else list(labels)
        if not chosen:
            return pd.DataFrame(columns=self.coders), []
        stacked = np.vstack([self.values[label] for label in chosen])
        clusters = list(self.units["segment_id"]) * len(chosen)
        return pd.DataFrame(stacked, columns=self.coders), clusters


def _units(segments: Sequence[Segment], unit: str) -> pd.DataFrame:
    import pandas as pd

    rows: list[tuple[str, str, int, int, str]] = []
    if unit == "segment":
        rows = [(s.id, s.doc_id, s.start, s.end, s.id) for s in segments]
    elif unit == "sentence":
        from fivep.ingest.segments import sentence_spans

        for s in segments:
            rows += [(f"{s.id}/{n}", s.doc_id, s.start + a, s.start + b, s.id)
                     for n, (a, b) in enumerate(sentence_spans(s.text))]
    elif unit == "character":
        for s in segments:
            rows += [(f"{s.doc_id}@{i}", s.doc_id, i, i + 1, s.id) for i in range(s.start, s.end)]
    elif unit == "document":
        spans: dict[str, list[int]] = {}
        for s in segments:
            span = spans.setdefault(s.doc_id, [s.start, s.end])
            span[0], span[1] = min(span[0], s.start), max(span[1], s.end)
        rows = [(doc, doc, a, b, doc) for doc, (a, b) in spans.items()]
    else:
        raise ValueError(f"unknown unit {unit!r}; use one of {', '.join(UNITS)}")
    frame = pd.DataFrame(rows, columns=["unit_id", "doc_id", "start", "end", "segment_id"])
    return frame.sort_values(["doc_id", "start"], kind="stable").reset_index(drop=True)


def _labels_of(code_id: str, codebook: Codebook, level: str) -> list[str]:
    if code_id not in codebook:
        return []
    if level == "code":
        return [code_id]
    dimension = codebook[code_id].dimension
    return [dimension] if dimension in DIMENSIONS else []


def reliability_data(codings: Mapping[str, Sequence[Coding]], segments: Sequence[Segment], codebook: Codebook,
                     *, unit: str = "segment", level: str = "dimension",
                     coverage: Mapping[str, Iterable[str]] | None = None) -> ReliabilityData:
    """Build presence/absence reliability data from coders' codings.

    Parameters
    ----------
    codings:
        Coder name -> that coder's codings.
    segments:
        The study's segments; units are made from them (``unit``: each segment, each sentence of a
        segment, each code point of a segment, or each document).
    codebook:
        Gives each code its dimension; codes not in it are ignored.
    level:
        ``"dimension"`` (one label per 5P dimension) or ``"code"`` (one label per code used).
    coverage:
        Coder -> the documents the coder coded. Units of other documents are missing for that coder.
        Default: the documents where the coder applied at least one code.
    """
    import numpy as np

    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")
    coders = list(codings)
    covered = {c: set(coverage[c]) if coverage and c in coverage else {x.doc_id for x in codings[c]}
               for c in coders}
    docs = set().union(*covered.values()) if covered else set()
    units = _units([s for s in segments if s.doc_id in docs], unit)
    index = {uid: i for i, uid in enumerate(units["unit_id"])}
    by_doc: dict[str, tuple[np.ndarray, np.ndarray, int]] = {}
    for doc, frame in units.groupby("doc_id", sort=False):
        by_doc[str(doc)] = (frame["start"].to_numpy(), frame["end"].to_numpy(), int(frame.index[0]))
    base = np.full((len(units), len(coders)), np.nan)
    doc_ids = units["doc_id"].to_numpy()
    for j, coder in enumerate(coders):
        base[np.isin(doc_ids, list(covered[coder])), j] = 0.0
    applied: dict[str, dict[int, set[int]]] = {}
    for j, coder in enumerate(coders):
        for c in codings[coder]:
            labels = _labels_of(c.code_id, codebook, level)
            if not labels or c.doc_id not in covered[coder] or c.doc_id not in by_doc:
                continue
            if unit == "segment" and c.segment_id in index:
                hit: Iterable[int] = (index[c.segment_id],)
            else:
                starts, ends, offset = by_doc[c.doc_id]
                first = int(np.searchsorted(ends, c.start, side="right"))
                last = int(np.searchsorted(starts, c.end, side="left"))
                hit = range(offset + first, offset + last)
            for label in labels:
                applied.setdefault(label, {}).setdefault(j, set()).update(hit)
    order = DIMENSIONS if level == "dimension" else [c.id for c in codebook.codes]
    data = ReliabilityData(unit, coders, units)
    for label in (x for x in order if x in applied):
        values = base.copy()
        for j, rows in applied[label].items():
            values[list(rows), j] = 1.0
        data.values[label] = values
    return data


# --- the agreement report -----------------------------------------------------------------------

COLUMNS = ["level", "label", "units", "coded", "percent", "cohen", "fleiss", "alpha", "alpha_low", "alpha_high"]


def _row(level: str, label: str, table: Any, clusters: Sequence[Any] | None, n_boot: int, seed: int
         ) -> dict[str, Any]:
    import numpy as np

    values = np.asarray(table, dtype=float)
    pairable = (~np.isnan(values)).sum(axis=1) >= 2
    low, high = alpha_interval(table, clusters=clusters, n_boot=n_boot, seed=seed) if n_boot else (np.nan, np.nan)
    return {"level": level, "label": label, "units": int(pairable.sum()),
            "coded": int((np.nan_to_num(values[pairable]) > 0).any(axis=1).sum()),
            "percent": percent_agreement(table),
            "cohen": cohen_kappa(table) if values.shape[1] == 2 else float("nan"),
            "fleiss": fleiss_kappa(table), "alpha": krippendorff_alpha(table),
            "alpha_low": low, "alpha_high": high}


def agreement(data: ReliabilityData, *, n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Per label and pooled: percent agreement, Cohen's kappa (two coders), Fleiss' kappa, alpha and its
    bootstrap 95% interval. ``units`` counts the units at least two coders coded; ``coded`` those that
    at least one coder gave the label."""
    import pandas as pd

    level = "dimension" if set(data.labels) <= set(DIMENSIONS) else "code"
    clusters = None if data.unit in ("segment", "document") else list(data.units["segment_id"])
    rows = [_row(level, label, data.values[label], clusters, n_boot, seed) for label in data.labels]
    if data.labels:
        table, pooled_clusters = data.pooled()
        rows.append(_row(level, "pooled", table, pooled_clusters, n_boot, seed))
    return pd.DataFrame(rows, columns=COLUMNS)


def coverage_of(study: Any, coder: str) -> set[str]:
    """The documents a coder of a study coded: those with a coding or a segment kind by them.

    Codings that come from accepting a model's suggestions do not count: reviewing a suggestion is not
    coding the whole document.
    """
    reviewed = {(x.segment_id, x.code_id) for x in study.store.suggestions(status="accepted")
                if x.reviewer == coder}
    docs = {c.doc_id for c in study.store.codings(coder) if (c.segment_id, c.code_id) not in reviewed}
    kinds = study.store.segment_kinds(coder)
    if kinds:
        doc_of = {s.id: s.doc_id for s in study.segments()}
        docs |= {doc_of[s] for s in kinds if s in doc_of}
    return docs


def study_agreement(study: Any, coders: Sequence[str], *, unit: str = "segment",
                    levels: Sequence[str] = ("dimension", "code"), n_boot: int = 1000,
                    seed: int = 0) -> pd.DataFrame:
    """Agreement among ``coders`` of a :class:`~fivep.study.Study`, per dimension and per code.

    Only documents every coder coded are compared (a human coder's files set the sample). Adds a
    ``coders`` column (``"coder_a+coder_b"``).
    """
    import pandas as pd

    from fivep.errors import InputError

    known = study.store.coders()
    for coder in coders:
        if coder not in known:
            raise InputError(f"no codings by coder '{coder}'", hint=f"coders in the store: {', '.join(known)}")
    if len(coders) < 2:
        raise InputError("agreement needs at least two coders", hint="name them with --coders a,b")
    shared = set.intersection(*(coverage_of(study, c) for c in coders))
    if not shared:
        raise InputError(f"coders {', '.join(coders)} have no document in common")
    codings = {c: study.store.codings(c) for c in coders}
    frames = []
    for level in levels:
        data = reliability_data(codings, study.segments(), study.codebook(), unit=unit, level=level,
                                coverage={c: shared for c in coders})
        frames.append(agreement(data, n_boot=n_boot, seed=seed))
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "coders", "+".join(coders))
    out.insert(1, "unit", unit)
    return out
