"""fivep: qualitative research on anti-trafficking work, in Thai and English, through the 5P.

The package stays light to import; heavy libraries (spaCy, PyThaiNLP, scikit-learn, matplotlib,
python-docx, BERTopic) are imported where they are used. :class:`Study` is imported on first use
(``fivep.Study``), so commands that never open a study (``fivep tag``) do not load the store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fivep.errors import FivepError
from fivep.model import Code, Codebook, Coding, Document, Respondent, Segment, Turn

if TYPE_CHECKING:
    from fivep.study import Study

__version__ = "0.1.0"

__all__ = ["Code", "Codebook", "Coding", "Document", "FivepError", "Respondent", "Segment", "Study", "Turn",
           "__version__"]


def __getattr__(name: str) -> Any:
    if name == "Study":
        from fivep.study import Study

        return Study
    raise AttributeError(f"module 'fivep' has no attribute {name!r}")
