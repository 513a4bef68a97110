"""Residents' FAQ: knowledge base loading, Vietnamese normalisation and topic matching."""

from domain.faq.knowledge import FaqEntry, KnowledgeError, load_knowledge
from domain.faq.matcher import FaqMatcher, MatchResult, match_as_json

__all__ = [
    "FaqEntry",
    "FaqMatcher",
    "KnowledgeError",
    "MatchResult",
    "load_knowledge",
    "match_as_json",
]
