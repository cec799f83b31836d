"""fivep: qualitative research on anti-trafficking work, in Thai and English, through the 5P.

The package stays light to import; heavy libraries (spaCy, PyThaiNLP, scikit-learn, matplotlib,
python-docx, BERTopic) are imported where they are used.
"""

from __future__ import annotations

from fivep.errors import FivepError
from fivep.model import Code, Codebook, Coding, Document, Respondent, Segment, Turn
from fivep.study import Study

__version__ = "0.1.0"

__all__ = ["Code", "Codebook", "Coding", "Document", "FivepError", "Respondent", "Segment", "Study", "Turn",
           "__version__"]
