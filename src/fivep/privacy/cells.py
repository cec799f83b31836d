"""Small cells: counts of fewer than ``k`` respondents never appear as numbers, anywhere.

One helper for every output (report tables and narrative, charts, XLSX, JSON, CSV):

>>> from fivep.privacy.cells import show_count, suppress
>>> show_count(3, 5), show_count(0, 5), show_count(12, 5)
('<5', '0', '12')
>>> s = suppress({"f": 9, "m": 3, "all": 12}, 5, relations=[("all", ["f", "m"])])
>>> s.shown("m"), s.shown("f"), s.shown("all")       # 9 would give 3 away by subtraction
('<5', '*', '12')

Rules
-----
- A count ``0 < n < k`` is *primary*-suppressed: printed ``<k``, its share not printed at all (a chart
  draws no bar for it). A true zero is printed ``0``: it says nothing about a person.
- *Complementary* suppression: where a total and its parts are printed (a row total, a group and its
  sex split, a group set and its groups), a single hidden part could be worked out by subtraction, so
  the smallest other non-zero part (or the total) is hidden too, printed :data:`COMPLEMENT` ("*").
  This repeats until every relation hides none or at least two of its cells.
- A group of fewer than ``k`` respondents has its size hidden too (``<k``, never "of 3").

:func:`min_cell` decides ``k`` for a study: ``[privacy] min_cell`` in ``study.toml`` when it is set,
otherwise :data:`MINORS_DEFAULT` (5) when the roster holds anyone under 18, otherwise 0 (no
suppression). :func:`suppress_frame` applies all this to a pandas table with a ``total`` column.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from fivep.model import Respondent

MINORS_DEFAULT = 5
ADULT_AGE = 18
COMPLEMENT = "*"

Relation = tuple[Hashable, Sequence[Hashable]]


def hidden(n: int | None, k: int) -> bool:
    """Whether a count is primary-suppressed: ``0 < n < k``."""
    return n is not None and k > 0 and 0 < int(n) < k


def show_count(n: int, k: int) -> str:
    """``"<k"`` for a small count, else the number (``"0"`` for zero)."""
    return f"<{k}" if hidden(n, k) else str(int(n))


def show_share(n: int, total: int, k: int, *, digits: int = 0) -> str | None:
    """``"37%"``, or None where the count is hidden or the group (``total``) is smaller than ``k``."""
    value = share(n, total, k)
    return None if value is None else f"{value:.{digits}f}%"


def share(n: int, total: int, k: int) -> float | None:
    """The percentage ``100 n / total``, or None where it would give a small cell away (for charts)."""
    if not total or hidden(n, k) or hidden(total, k):
        return None
    return 100 * n / total


def group_size(n: int, k: int) -> str:
    """A group's size as it may be printed: ``"<k"`` for a group smaller than ``k``."""
    return show_count(n, k)


@dataclass
class Suppressed:
    """The result of :func:`suppress`: which cells are hidden and how each is printed."""

    values: dict[Hashable, int]
    k: int
    primary: set[Hashable] = field(default_factory=set)
    complementary: set[Hashable] = field(default_factory=set)

    def is_hidden(self, key: Hashable) -> bool:
        return key in self.primary or key in self.complementary

    def shown(self, key: Hashable) -> str:
        """``"<k"`` (small), ``"*"`` (hidden so that a small cell cannot be worked out) or the number."""
        if key in self.primary:
            return f"<{self.k}"
        if key in self.complementary:
            return COMPLEMENT
        return str(int(self.values[key]))

    def value(self, key: Hashable) -> int | str:
        """The number, or its printed mask (for JSON and spreadsheets: never a number when hidden)."""
        return self.shown(key) if self.is_hidden(key) else int(self.values[key])

    def share(self, key: Hashable, total_key: Hashable) -> float | None:
        """A share that may be printed, or None (hidden cell or hidden total)."""
        if self.is_hidden(key) or self.is_hidden(total_key) or not self.values[total_key]:
            return None
        return 100 * self.values[key] / self.values[total_key]


def suppress(values: Mapping[Hashable, int], k: int, relations: Iterable[Relation] = ()) -> Suppressed:
    """Primary and complementary suppression over named counts.

    Parameters
    ----------
    values:
        Every printed count by key (any hashable: ``("female", "victim")``, ``"total"``...).
    k:
        The smallest count that may be printed (0 or 1: nothing is hidden).
    relations:
        ``(total, parts)``: the total equals the sum of the parts and all are printed. Keys missing
        from ``values`` are ignored.
    """
    result = Suppressed({key: int(v) for key, v in values.items()}, k)
    if k <= 1:
        return result
    result.primary = {key for key, v in result.values.items() if hidden(v, k)}
    rels = [(t, [p for p in parts if p in result.values]) for t, parts in relations if t in result.values]
    rels += _derived(rels)
    changed = True
    while changed:
        changed = False
        for total, parts in rels:
            cells = [total, *parts]
            concealed = [c for c in cells if result.is_hidden(c)]
            if len(concealed) != 1:
                continue
            # the smallest other non-zero cell; a zero hides nothing, a part is hidden before the total
            candidates = [c for c in parts if not result.is_hidden(c) and result.values[c] > 0]
            if not candidates and not result.is_hidden(total) and result.values[total] > 0:
                candidates = [total]
            if not candidates:
                continue  # the hidden cell's value is fixed by zeros anyway: it is 0 and was never hidden
            result.complementary.add(min(candidates, key=lambda c: (result.values[c], str(c))))
            changed = True
    return result


def _derived(rels: list[tuple[Hashable, list[Hashable]]]) -> list[tuple[Hashable, list[Hashable]]]:
    """Sums a reader can form from two printed ones: when one total's parts are a subset of another's
    (practitioners = government + NGO inside total = every group), the subtotal stands for its parts
    (total = practitioners + victims + experts). Without these, a group hidden as "<k" could be worked out
    as total - practitioners - the other groups."""
    out = []
    for total, parts in rels:
        for sub_total, sub_parts in rels:
            inner = set(sub_parts)
            if sub_total == total or len(inner) < 2 or sub_total in parts or not inner < set(parts):
                continue
            out.append((total, [sub_total, *[p for p in parts if p not in inner]]))
    return out


# --- a study's k ----------------------------------------------------------------------------------------

def is_minor(respondent: Respondent) -> bool:
    """Whether the roster says the respondent is under 18 (an ``age`` below 18, or ``minor = yes``)."""
    age = respondent.get("age")
    try:
        if age is not None and str(age).strip() != "" and float(age) < ADULT_AGE:
            return True
    except (TypeError, ValueError):
        pass
    flag = respondent.get("minor")
    return str(flag).strip().casefold() in ("1", "true", "yes", "y", "ใช่") if flag is not None else False


def has_minors(roster: Iterable[Respondent]) -> bool:
    return any(is_minor(r) for r in roster)


def configured_min_cell(config: Any) -> int | None:
    """``[privacy] min_cell`` as ``study.toml`` sets it, or None when it does not."""
    privacy = (getattr(config, "raw", None) or {}).get("privacy") or {}
    if "min_cell" not in privacy:
        return None
    return int(privacy["min_cell"])


def min_cell(study: Any, roster: Sequence[Respondent] | None = None) -> int:
    """The ``k`` of a study: ``study.toml``'s ``[privacy] min_cell`` when set, else 5 for a roster with
    minors, else 0."""
    explicit = configured_min_cell(study.config)
    if explicit is not None:
        return explicit
    if roster is None:
        from fivep.errors import InputError

        try:
            roster = study.read_roster()
        except InputError:  # no roster file (a study imported from another tool): the store's, if any
            roster = study.store.respondents()
    return MINORS_DEFAULT if has_minors(roster) else 0


# --- tables ---------------------------------------------------------------------------------------------

def suppress_frame(table: pd.DataFrame, k: int, *, total: str | None = "total",
                   sets: Mapping[str, Sequence[str]] | None = None,
                   sizes: Mapping[str, int] | None = None) -> pd.DataFrame:
    """A counts table with small cells hidden: an object table of ints, ``"<k"`` and ``"*"``.

    Each row's ``total`` column is the sum of the plain columns, and each column named in ``sets`` the
    sum of its member columns: both are used for complementary suppression. ``sizes`` (the
    denominators, ``table.attrs["of"]`` by default) are hidden the same way, size below ``k``.
    """
    if k <= 1:
        return table
    sets = dict(sets or {})
    plain = [c for c in table.columns if c != total and c not in sets]
    out = table.astype(object).copy()
    for label in table.index:
        values = {c: int(table.at[label, c]) for c in table.columns}
        relations: list[Relation] = []
        if total in table.columns:
            relations.append((total, plain))
            # the total is also a group set plus the groups outside it (else the set's shown count and
            # the total give away a single hidden group outside the set)
            relations.extend((total, [name, *[c for c in plain if c not in members]])
                             for name, members in sets.items() if name in table.columns)
        relations.extend((name, [m for m in members if m in table.columns]) for name, members in sets.items()
                         if name in table.columns)
        s = suppress(values, k, relations)
        for c in table.columns:
            out.at[label, c] = s.value(c)
    of = dict(sizes if sizes is not None else table.attrs.get("of", {}))
    size_relations: list[Relation] = []
    if total in of:
        size_relations.append((total, [c for c in plain if c in of]))
    size_relations.extend((name, list(members)) for name, members in sets.items() if name in of)
    hidden_sizes = suppress({c: int(v) for c, v in of.items() if isinstance(v, int | float)}, k, size_relations)
    out.attrs = {**table.attrs, "of": {c: hidden_sizes.value(c) if c in hidden_sizes.values else v
                                       for c, v in of.items()}, "min_cell": k}
    return out
