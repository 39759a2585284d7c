"""Print PDF: the whole form with its answers (every section and table), the supporting
documents listed, and a header with the task's details, rendered by WeasyPrint from
templates/portal/pdf/task.html. Nothing is fetched while rendering: the stylesheet is in the
template and every URL is refused."""

from __future__ import annotations

import functools
import logging

from django.template.loader import render_to_string
from django.utils import timezone

from ..models import Task
from .section_forms import readable_answers

# WeasyPrint logs each rendering step at INFO: keep the logs for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def task_html(task: Task) -> str:
    return render_to_string(
        "portal/pdf/task.html",
        {
            "task": task,
            "answers": readable_answers(task),
            "documents": task.documents.select_related("uploaded_by"),
            "printed_at": timezone.now(),
        },
    )


@functools.cache
def _fetch_nothing():
    """A URL fetcher allowing no protocol: nothing (file, http, data) is fetched, whatever the
    HTML says. One per process: making one loads the CA certificates (about 19 ms)."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=frozenset())


def render_task_document(task: Task):
    """The laid-out WeasyPrint document (its .pages, and .write_pdf())."""
    from weasyprint import HTML

    return HTML(string=task_html(task), url_fetcher=_fetch_nothing()).render()


def render_task_pdf(task: Task) -> bytes:
    return render_task_document(task).write_pdf()


def pdf_filename(task: Task) -> str:
    """No child's name in the file name: it ends up in download folders and logs."""
    return f"portal-task-{task.pk}.pdf"
