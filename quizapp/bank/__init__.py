"""Question banks: YAML in, immutable validated objects out."""

from .loader import BankError, CheckResult, check, load_catalog
from .model import Bank, Catalog, Difficulty, Document, Question, QuestionType, Section, SourceRef
from .yamlnodes import Problem

__all__ = [
    "Bank",
    "BankError",
    "Catalog",
    "CheckResult",
    "Difficulty",
    "Document",
    "Problem",
    "Question",
    "QuestionType",
    "Section",
    "SourceRef",
    "check",
    "load_catalog",
]
