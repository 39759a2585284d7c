"""Everything held about a child, for a subject access request.

Each area that holds records about children registers a `Source` in its AppConfig.ready:
how to find what may be about a child (by name and date of birth, across the whole
deployment: the administrator confirms each), and how to gather one record — its contents,
its files and the references of its audit trail. The core builds the download from what the
sources give it and imports no app."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q


@dataclass(frozen=True)
class Child:
    first_name: str
    last_name: str
    date_of_birth: date


@dataclass
class Candidate:
    """A record that may be about the child, shown for the administrator to confirm."""

    pk: int
    title: str
    summary: str


@dataclass
class Held:
    """One record held about the child: what the download says of it."""

    kind: str
    reference: str
    title: str
    data: dict
    # (name inside the download, a function that returns the file's bytes)
    files: list[tuple[str, Callable[[], bytes]]] = field(default_factory=list)
    # (object_type, object_id) pairs whose audit events belong with this record.
    audit_of: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Source:
    kind: str
    title: str
    find: Callable[[Child], Iterable[Candidate]]
    collect: Callable[[int], Held | None]
    order: int = 0


_sources: dict[str, Source] = {}


def register(source: Source) -> None:
    _sources[source.kind] = source


def sources() -> list[Source]:
    return sorted(_sources.values(), key=lambda s: s.order)


def source(kind: str) -> Source | None:
    return _sources.get(kind)


def labelled(obj, names: list[str]) -> dict:
    """`{"Main child first name": "Claire", ...}`: each field's label and shown value."""
    data = {}
    for name in names:
        model_field = obj._meta.get_field(name)
        label = str(model_field.verbose_name)
        value = getattr(obj, name)
        if model_field.choices:
            value = getattr(obj, f"get_{name}_display")()
        elif hasattr(value, "full_name"):
            value = value.full_name
        elif value is not None and model_field.is_relation:
            value = str(value)
        data[label[:1].upper() + label[1:]] = value
    return data


def sounds_like(child: Child, field: str = "search_sounds") -> Q:
    """Rows keeping Soundex codes in `field` (see thrive.search.text.name_keys) whose first
    and last names sound like the child's."""
    from thrive.search.text import fold, soundex

    condition = Q()
    for word in [*fold(child.first_name).split()[:1], *fold(child.last_name).split()[-1:]]:
        condition &= Q(**{f"{field}__contains": f" {soundex(word)} "})
    return condition
