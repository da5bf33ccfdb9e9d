"""Dates of articles their sources do not date, each with how it was obtained.

:mod:`.clues` reads what an article's words and address say, :mod:`.sequence` dates an
outlet's article numbers, :mod:`.calibration` fits one series on the outlet's own articles,
:mod:`.inference` weighs it all into one date with its source, precision and evidence.
No Django here.
"""

from .calibration import calibrate
from .clues import ArticleNumber, DateClues, date_clues
from .inference import InferredDate, infer_date
from .sequence import Anchor, Estimate, SequenceModel

__all__ = [
    "Anchor",
    "ArticleNumber",
    "DateClues",
    "Estimate",
    "InferredDate",
    "SequenceModel",
    "calibrate",
    "date_clues",
    "infer_date",
]
