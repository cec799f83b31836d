"""De-identification: find names, phone and ID numbers, handles, addresses and birth dates, and
replace them with consistent pseudonyms.

>>> from fivep.privacy import detect, redact_text
>>> redact_text("น้องฝ้ายเกิดวันที่ 12 มีนาคม 2551 ค่ะ")        # doctest: +SKIP
'น้อง[ชื่อ-1]เกิดวันที่ [วันเกิด-1] ค่ะ'

Report and export code passes every quote through :func:`redact_text`. Heavy libraries (PyThaiNLP)
are imported on first use, not here.
"""

from __future__ import annotations

from fivep.privacy.detect import RECOGNIZERS, detect
from fivep.privacy.pseudonyms import STYLES, Pseudonymizer
from fivep.privacy.redact import Redaction, redact, redact_lines, redact_text
from fivep.privacy.spans import ENTITY_TYPES, Span

__all__ = ["ENTITY_TYPES", "RECOGNIZERS", "STYLES", "Pseudonymizer", "Redaction", "Span", "detect", "redact",
           "redact_lines", "redact_text"]
