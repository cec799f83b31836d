"""The researcher's workbench in Jupyter: read transcripts with their codes, code by hand, review the
machine's proposals one decision at a time, retrieve, compare coders, edit the codebook, write memos.

>>> from fivep import Study
>>> from fivep.workbench import Workbench
>>> Workbench(Study.open("my-study"), coder="ploy")        # doctest: +SKIP

The logic lives in plain classes (:class:`CodingSession`, :class:`ReviewQueue`) that work without a
browser; :class:`Workbench` (ipywidgets and anywidget, the ``notebooks`` extra) only shows them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fivep.workbench.review import Proposal, ReviewQueue
from fivep.workbench.session import CodingSession, Selection

if TYPE_CHECKING:
    from fivep.workbench.widgets import Workbench

__all__ = ["CodingSession", "Proposal", "ReviewQueue", "Selection", "Workbench"]


def __getattr__(name: str) -> Any:
    if name == "Workbench":
        try:
            from fivep.workbench.widgets import Workbench
        except ImportError as error:
            raise ImportError(f"the workbench needs ipywidgets and anywidget ({error.name} is missing): "
                              "pip install 'fivep[notebooks]'") from None
        return Workbench
    raise AttributeError(name)
