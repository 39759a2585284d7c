"""Find a child: one search box for staff, answered by every area that holds records about
children. The core reads the search and renders the results; each app registers a `Searcher`
for its own records (cases, portal tasks, downtime records) in its AppConfig.ready, so the core
imports no app and each area keeps its own rules about who may see what."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import words
from .text import SearchTerms, fold, parse, soundex

__all__ = [
    "Result",
    "SearchTerms",
    "Searcher",
    "highlight",
    "match_names",
    "parse",
    "register",
    "searchers_for",
]


@dataclass
class Result:
    """One row of the results, ready to show."""

    url: str
    heading: SafeString
    facts: list[tuple[str, SafeString]] = field(default_factory=list)
    tag: str = ""


@dataclass(frozen=True)
class Searcher:
    """An area's records in the results. `find(user, terms)` returns what `user` may see that
    matches, best match first (scoped by the model's `visible_to`, never by the view);
    `result(obj, terms)` turns one into a `Result`."""

    kind: str
    title: str
    roles: frozenset
    find: Callable
    result: Callable
    order: int = 0


_searchers: dict[str, Searcher] = {}


def register(searcher: Searcher) -> None:
    _searchers[searcher.kind] = searcher


def searchers_for(user) -> list[Searcher]:
    if not user.is_authenticated:
        return []
    found = [s for s in _searchers.values() if user.has_role(*s.roles)]
    return sorted(found, key=lambda s: s.order)


def may_search(user) -> bool:
    return bool(searchers_for(user))


def match_names(queryset, names: list[str]):
    """Filter a queryset of a model that keeps `search_names` and `search_sounds` (see
    `text.name_keys`) to the rows matching every name, scored: a whole word 4, a word's start
    3, a word that sounds the same (Soundex) 2, and on PostgreSQL a word close by trigrams
    (`Smiht`) 1. Returns the queryset and the score expression. The rows are found through
    their words (`words.py`); the score is worked out on the rows found."""
    queryset = words.with_words(queryset)
    score = Value(0, output_field=IntegerField())
    for name in names:
        code = soundex(name)
        condition = words.has_word_like(name)
        if code:
            condition |= words.has_sounds(code)
        queryset = queryset.filter(condition)
        score = score + Case(
            When(search_names__contains=f" {name} ", then=Value(4)),
            When(search_names__contains=f" {name}", then=Value(3)),
            When(search_sounds__contains=f" {code} ", then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    return queryset, score


def highlight(text: str, terms: SearchTerms) -> SafeString:
    """`text` escaped, with the words that a name term found marked (`<mark>`)."""
    if not text:
        return mark_safe("")  # noqa: S308 - empty
    sounds = {soundex(name) for name in terms.names}
    out = []
    for part in re.split(r"([^\W_]+(?:['’][^\W_]+)*)", text):
        folded = fold(part).replace(" ", "")
        matched = folded and any(
            folded.startswith(name) or name.startswith(folded) and len(folded) > 1
            for name in terms.names
        )
        matched = matched or (folded.isalpha() and soundex(folded) in sounds)
        out.append(f"<mark>{escape(part)}</mark>" if matched else escape(part))
    return mark_safe("".join(out))  # noqa: S308 - every part is escaped above


def mark(text: str, found: bool) -> SafeString:
    """`text` escaped, marked as a whole when the search matched it (an ID, a date, a
    postcode)."""
    return mark_safe(f"<mark>{escape(text)}</mark>" if found else escape(text))  # noqa: S308
