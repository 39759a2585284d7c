"""Print PDF: the whole form with its answers (every section and table), the supporting
documents listed, and a header with the task's details, rendered by WeasyPrint from
templates/portal/pdf/task.html with pdf.css. Nothing is fetched while rendering: the stylesheets
are parsed from this folder once a process and every URL is refused."""

from __future__ import annotations

import functools
import logging
import threading
from pathlib import Path
from xml.etree import ElementTree

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


@functools.cache
def _stylesheets():
    """pdf.css, parsed once a process (parsing it from the page's <style> was 3 % of a print)."""
    from weasyprint import CSS

    return [CSS(filename=str(Path(__file__).with_name("pdf.css")))]


@functools.cache
def _html_class():
    """WeasyPrint's HTML with a user-agent stylesheet of only the rules task.html's elements
    need (pdf_ua.css), parsed once per process: cascading the full HTML5 one onto every
    element cost more than laying the form out. `_ua_stylesheets` is the method WeasyPrint's
    HTML asks for them (not public API: WeasyPrint is pinned in uv.lock, and
    tests/portal/test_print_pdf.py checks the result).

    The page is parsed as XML (task.html is well-formed XHTML and every value in it is
    escaped): expat builds the same tree as WeasyPrint's pure-Python HTML5 parser in well under
    a millisecond (that parse was 7 % of a print). A value with a character XML does not allow (a
    control character) falls back to the HTML5 parser, which takes anything."""
    import cssselect2
    from weasyprint import CSS, HTML

    stylesheet = CSS(filename=str(Path(__file__).with_name("pdf_ua.css")))

    class TaskHTML(HTML):
        def __init__(self, string: str, url_fetcher):
            try:
                # Our own template's output, every value escaped: no DTD or entity of anyone
                # else's can be in it, and expat fetches nothing.
                root = ElementTree.fromstring(string)  # noqa: S314
            except ElementTree.ParseError:
                super().__init__(string=string, url_fetcher=url_fetcher)
                return
            # What HTML.__init__ sets, from the tree expat built.
            self.base_url = None
            self.url_fetcher = url_fetcher
            self.media_type = "print"
            self.wrapper_element = cssselect2.ElementWrapper.from_html_root(
                root, content_language=None
            )
            self.etree_element = self.wrapper_element.etree_element

        def _ua_stylesheets(self, forms=False):
            return [stylesheet]

    return TaskHTML


_fonts = threading.local()


def _font_config():
    """One WeasyPrint FontConfiguration per thread (Pango's font map is not shared between
    threads), not a new one a PDF."""
    if not hasattr(_fonts, "config"):
        from weasyprint.text.fonts import FontConfiguration

        _fonts.config = FontConfiguration()
    return _fonts.config


def render_task_document(task: Task):
    """The laid-out WeasyPrint document (its .pages, and .write_pdf())."""
    html = _html_class()(string=task_html(task), url_fetcher=_fetch_nothing())
    return html.render(font_config=_font_config(), stylesheets=_stylesheets())


def render_task_pdf(task: Task) -> bytes:
    return render_task_document(task).write_pdf()


def pdf_filename(task: Task) -> str:
    """No child's name in the file name: it ends up in download folders and logs."""
    return f"portal-task-{task.pk}.pdf"
