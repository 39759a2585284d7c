"""Finding a portal task by the child's name, date of birth, address postcode or task number,
and the SEND officer's check for earlier tasks about the same child."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.urls import reverse

from thrive.models import Role
from thrive.search import Result, Searcher, highlight, mark, match_names
from thrive.search.text import SearchTerms, fold, soundex

from ..models import Task

SEARCH_ROLES = frozenset({Role.SEND_OFFICER, Role.TRAY_ADMIN, Role.CLINICIAN})


def _spaced(postcode: str) -> str:
    """`ME141XQ` → `ME14 1XQ`, `ME141` → `ME14 1`: as an address holds it."""
    if len(postcode) >= 5 and postcode[-3].isdigit() and postcode[-2:].isalpha():
        return f"{postcode[:-3]} {postcode[-3:]}"
    if postcode[-1:].isdigit():
        return f"{postcode[:-1]} {postcode[-1]}"
    return postcode


def find_tasks(user, terms: SearchTerms) -> QuerySet:
    """The tasks `user` may see that match every term, best match first."""
    tasks, score = match_names(
        Task.objects.visible_to(user).select_related("form", "work_group"), terms.names
    )
    if terms.dates:
        tasks = tasks.filter(child_date_of_birth__in=terms.dates)
    if terms.postcodes:
        postcodes = Q(pk__in=[])
        for postcode in terms.postcodes:
            postcodes |= Q(child_address__icontains=_spaced(postcode))
            postcodes |= Q(child_address__icontains=postcode)
        tasks = tasks.filter(postcodes)
    for reference in terms.references:
        condition = Q(child_address__icontains=reference)
        if reference.isdigit():
            condition |= Q(pk=int(reference))
        tasks = tasks.filter(condition)
    return tasks.annotate(score=score).order_by("-score", "-requested_on", "-pk")


def task_result(task: Task, terms: SearchTerms) -> Result:
    return Result(
        url=reverse("portal:task", args=[task.pk]),
        heading=highlight(task.child_name, terms),
        facts=[
            ("Task", mark(f"{task.form.name} task {task.pk}", str(task.pk) in terms.references)),
            (
                "Date of birth",
                mark(
                    f"{task.child_date_of_birth:%d/%m/%Y}",
                    task.child_date_of_birth in terms.dates,
                ),
            ),
            ("Work group", mark(str(task.work_group), False)),
            ("Status", mark(task.status_label, False)),
            ("Required by", mark(f"{task.required_by:%d/%m/%Y}", False)),
        ],
    )


SEARCHER = Searcher(
    kind="tasks",
    title="Portal tasks",
    roles=SEARCH_ROLES,
    find=find_tasks,
    result=task_result,
    order=20,
)


def earlier_tasks(
    officer, *, child_name: str, child_date_of_birth: date | None, limit: int = 10
) -> list[Task]:
    """Tasks the SEND officer can see about what may be the same child: names that sound the
    same (every word of the shorter name) and the same date of birth."""
    words = [w for w in fold(child_name).split() if len(w) > 1]
    if not words or child_date_of_birth is None:
        return []
    tasks = Task.objects.visible_to(officer).filter(child_date_of_birth=child_date_of_birth)
    for word in (words[0], words[-1]):
        tasks = tasks.filter(search_sounds__contains=f" {soundex(word)} ")
    return list(tasks.select_related("form", "work_group").order_by("-requested_on", "-pk")[:limit])
