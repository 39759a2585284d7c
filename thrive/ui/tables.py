"""The one mechanism behind every list and report: columns, sorting by ?sort=, paging, a
count, and the same rows downloaded as CSV or XLSX. Lists declare a `Table`; views call
`render_table` (or `table_context` to place several tables on one page)."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape
from itertools import batched
from typing import Any

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from .. import audit, exports
from .lists import paginate
from .templatetags.govuk import MONTH_ABBREVIATIONS

# Excel's limit is 1,048,576 rows; above EXPORT_INLINE_ROWS a download is built in the
# background (thrive/exports.py).
EXPORT_LIMIT = 1_000_000
_KEY = "999999999"


@functools.cache
def _url_pattern(name: str) -> str:
    return reverse(name, args=[_KEY])


def row_url(name: str, key) -> str:
    """reverse(name, args=[key]) for a row of a list: the URL is reversed once per process
    and the key put in, not reversed again for every row of every page."""
    return _url_pattern(name).replace(_KEY, str(key))


EXPORT_CHUNK = 5000


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    value: Callable[[Any], Any]
    sort: str | None = None  # ORM ordering for ?sort=key; None: not sortable
    link: Callable[[Any], str] | None = None
    numeric: bool = False
    related: str = ""  # a relation the value reads, joined once for the whole page
    prefetch: Any = None  # a to-many relation the value reads, fetched once for the page
    html: Callable[[Any], str] | None = None  # markup on screen (already escaped); value exports
    # Loads what `value` reads for a whole page (or export chunk) of rows in one query, as
    # plain values: cheaper than `prefetch`, which builds a model instance per related row.
    load: Callable[[list], None] | None = None
    # How downloads make this column's cells from plain values (no model instances).
    cells: Cells | None = None


@dataclass(frozen=True)
class Cells:
    """A column's cells in a download, made from values_list values: the ORM paths read
    (`fields`), and `make(*values)` per row (default: the first value as it is) or `chunk`,
    which makes a whole chunk's cells at once from the list of its rows' values (each row's
    value for one field, its tuple of values for several): one query for the chunk, say. A
    table whose every column has Cells downloads from values_list, at a few µs a row;
    otherwise each row is a model instance, about ten times slower."""

    fields: tuple[str, ...]
    make: Callable[..., Any] | None = None
    chunk: Callable[[list[tuple]], list] | None = None


def field_cells(field: str) -> Cells:
    return Cells((field,))


def related_column(key: str, label: str, relation: str, field: str, **kwargs) -> Column:
    """A column that is a field of a related row (the worker's name, say), joined once for
    the page, blank when there is none."""
    path = f"{relation}__{field}"

    def value(row):
        related = getattr(row, relation)
        return getattr(related, field) if related is not None else ""

    return Column(key, label, value, path, related=relation, cells=field_cells(path), **kwargs)


def choice_column(key: str, label: str, field: str, choices, **kwargs) -> Column:
    """A column that is a choice field, shown and downloaded by its label, sorted by its value."""
    labels = dict(choices)

    def label_of(value):
        return labels.get(value, value)

    return Column(
        key,
        label,
        lambda row: label_of(getattr(row, field)),
        field,
        cells=Cells((field,), make=label_of),
        **kwargs,
    )


def field_column(key: str, label: str, field: str, **kwargs) -> Column:
    """A column that is one field of the row as it is: shown, sorted and downloaded by it."""
    return Column(key, label, operator.attrgetter(field), field, cells=field_cells(field), **kwargs)


@dataclass
class Table:
    title: str
    slug: str
    columns: list[Column]
    queryset: Any
    default_sort: str = ""
    caption: str = ""
    empty: str = "There are no cases to show."
    filter_form: Any = None
    per_page: int = 50
    description: str = ""
    chart: list = field(default_factory=list)
    # The page's rows read as plain values (values_list, the same Cells the downloads use)
    # rather than model instances: for lists whose every column has Cells and whose links and
    # markup read only the fields those Cells fetch (plus `row_fields`). A row is then a
    # `PlainRow` of those fields, not a model: about half the cost of a row.
    plain_rows: bool = False
    row_fields: tuple[str, ...] = ()
    # The number of rows when the view has counted them already (a report's chart of the same
    # rows, say), or a function that counts them (asked only if the list is longer than a
    # page): the pager then runs no COUNT of its own.
    count: int | Callable[[], int] | None = None

    def counted(self, queryset):
        """What the pager and downloads count: the known count, or the (sorted) queryset
        itself, without the joins a plain-rows page adds."""
        return _Counted(self.count) if self.count is not None else queryset

    def sorted_queryset(self, sort: str):
        if isinstance(self.queryset, list):  # summary rows, already in order
            return self.queryset, ""
        related = {column.related for column in self.columns if column.related}
        queryset = self.queryset.select_related(*related) if related else self.queryset
        prefetches = [column.prefetch for column in self.columns if column.prefetch]
        if prefetches:
            queryset = queryset.prefetch_related(*prefetches)
        key = sort.lstrip("-")
        column = next((c for c in self.columns if c.key == key and c.sort), None)
        if column is None:
            if sort != self.default_sort and self.default_sort:
                return self.sorted_queryset(self.default_sort)
            return queryset, self.default_sort
        descending = sort.startswith("-")
        order = column.sort
        if descending:
            order = order[1:] if order.startswith("-") else f"-{order}"
        return queryset.order_by(order, "-pk" if descending else "pk"), sort


def display(value) -> str:
    """How a cell reads on screen and in CSV: UK dates, Yes/No, blanks for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        value = timezone.localtime(value)
        return f"{_day(value)} {value.hour:02d}:{value.minute:02d}"
    if isinstance(value, date):
        return _day(value)
    return str(value)


def _day(value: date) -> str:
    """10-Aug-2021, as strftime("%d-%b-%Y") writes it in English, at a quarter of its cost
    (a page of rows has a hundred dates)."""
    return f"{value.day:02d}-{MONTH_ABBREVIATIONS[value.month - 1]}-{value.year}"


def row_html(columns: list[Column], obj, values=None) -> SafeString:
    """One table row as GOV.UK markup. Built here rather than in the template because a
    page of 50 rows is hundreds of cells, and the template engine's per-node cost made the
    page several times slower than its SQL. Every value is escaped (html.escape, quotes
    included) before it is placed. `values`, when given, are the cells' values already made
    (a plain row's, from its Cells); otherwise each column's `value` reads the object."""
    cells = []
    for index, column in enumerate(columns):
        if column.html:
            cells.append(f'<td class="govuk-table__cell">{column.html(obj)}</td>')
            continue
        value = column.value(obj) if values is None else values[index]
        content = escape(display(value))
        # A blank cell (a document with no Thrive ID) gets no link: an empty link has no name.
        if column.link and content:
            content = f'<a class="govuk-link" href="{escape(column.link(obj))}">{content}</a>'
        numeric = " govuk-table__cell--numeric" if column.numeric else ""
        if index == 0:
            numeric = numeric.replace("cell", "header")
            cells.append(f'<th scope="row" class="govuk-table__header{numeric}">{content}</th>')
        else:
            cells.append(f'<td class="govuk-table__cell{numeric}">{content}</td>')
    return mark_safe(f'<tr class="govuk-table__row">{"".join(cells)}</tr>')  # noqa: S308


def _escaped(text) -> str:
    """Text as the template would write it: escaped, unless it is markup already."""
    return text.__html__() if hasattr(text, "__html__") else escape(str(text))


def head_html(headers: list[dict]) -> SafeString:
    """The header row: each column's label, a link that sorts by it where it sorts, and
    aria-sort saying how the list is sorted now. Built here, like the rows."""
    cells = []
    for header in headers:
        numeric = " govuk-table__header--numeric" if header["numeric"] else ""
        label = _escaped(header["label"])
        if header["sortable"]:
            cells.append(
                f'<th scope="col" class="govuk-table__header{numeric}"'
                f' aria-sort="{header["aria_sort"]}"><a class="govuk-link'
                f' govuk-link--no-visited-state thrive-sort" href="{escape(header["href"])}">'
                f"{label}</a></th>"
            )
        else:
            cells.append(f'<th scope="col" class="govuk-table__header{numeric}">{label}</th>')
    return mark_safe(f'<tr class="govuk-table__row">{"".join(cells)}</tr>')  # noqa: S308


def body_html(rows: list[SafeString], empty: str, width: int) -> SafeString:
    """The rows, one a line, or one row saying the list is empty."""
    if not rows:
        return mark_safe(  # noqa: S308 (escaped here)
            f'<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="{width}">'
            f"{_escaped(empty)}</td></tr>"
        )
    return mark_safe("\n      ".join(rows))  # noqa: S308 (each row escaped by row_html)


def table_context(request, table: Table, *, prefix: str = "") -> dict:
    sort_param, page_param = f"{prefix}sort", f"{prefix}page"
    queryset, sort = table.sorted_queryset(request.GET.get(sort_param, table.default_sort))
    # Counted without the joins the plain rows' related fields add, or not at all when known.
    counted = None if isinstance(queryset, list) else table.counted(queryset)
    listed = _plain_queryset(table, queryset) if table.plain_rows else queryset
    page = paginate(request, listed, table.per_page, page_param, counted=counted)
    headers = []
    for column in table.columns:
        header = {"label": column.label, "numeric": column.numeric, "sortable": bool(column.sort)}
        if column.sort:
            current = sort.lstrip("-") == column.key
            descending = sort.startswith("-")
            header["aria_sort"] = (
                ("descending" if descending else "ascending") if current else "none"
            )
            query = request.GET.copy()
            query[sort_param] = f"-{column.key}" if current and not descending else column.key
            query.pop(page_param, None)
            header["href"] = f"?{query.urlencode()}"
        headers.append(header)
    if table.plain_rows:
        rows = _plain_rows_html(table, page)
    else:
        objects = load_columns(table.columns, list(page))
        rows = [row_html(table.columns, obj) for obj in objects]
    export = request.GET.copy()
    export.pop(page_param, None)
    export["export"] = table.slug
    return {
        "table": table,
        "headers": headers,
        "rows": rows,
        "head": head_html(headers),
        "body": body_html(rows, table.empty, len(headers)),
        "page": page,
        "page_param": page_param,
        "export_query": export.urlencode(),
    }


class _Counted:
    def __init__(self, count):
        self.known = count

    def count(self) -> int:
        return self.known() if callable(self.known) else self.known


class PlainRow:
    """A row of a plain-rows list: its fetched fields as attributes (`pk`, `thrive_id`,
    `worker__full_name`), and whatever a column's `load` puts on it."""

    def __init__(self, fields: tuple[str, ...], values: tuple):
        self.__dict__.update(zip(fields, values, strict=True))


def _row_fields(table: Table) -> tuple[str, ...]:
    fields = ["pk"]
    for name in (*table.row_fields, *(f for c in table.columns for f in c.cells.fields)):
        if name not in fields:
            fields.append(name)
    return tuple(fields)


def _plain_queryset(table: Table, queryset):
    return queryset.select_related(None).prefetch_related(None).values_list(*_row_fields(table))


def _plain_rows_html(table: Table, page) -> list[SafeString]:
    """The page's rows as markup, made from its values_list rows; the page then lists them
    as PlainRows."""
    fields = _row_fields(table)
    chunk = list(page)
    objects = load_columns(table.columns, [PlainRow(fields, values) for values in chunk])
    page.object_list = objects
    # Markup columns (html) make their own cells from the row: their Cells are for downloads.
    shown = [column for column in table.columns if not column.html]
    getters = [_getter([fields.index(f) for f in column.cells.fields]) for column in shown]
    made = iter(_made_cells(shown, getters, chunk))
    made = [[None] * len(chunk) if column.html else next(made) for column in table.columns]
    return [
        row_html(table.columns, obj, values)
        for obj, values in zip(objects, zip(*made, strict=True), strict=True)
    ]


def _made_cells(columns: list[Column], getters, chunk: list[tuple]) -> list[list]:
    """Each column's cells for a chunk of values_list rows, a list a column (Cells)."""
    made = []
    for column, get in zip(columns, getters, strict=True):
        cells = column.cells
        values = list(map(get, chunk))
        if cells.chunk:
            made.append(cells.chunk(values))
        elif cells.make and len(cells.fields) == 1:
            made.append(list(map(cells.make, values)))
        elif cells.make:
            made.append([cells.make(*value) for value in values])
        else:
            made.append(values)
    return made


def load_columns(columns: list[Column], objects: list) -> list:
    for column in columns:
        if column.load and objects:
            column.load(objects)
    return objects


def _loaded(columns: list[Column], objects):
    """Rows of an export, each chunk loaded by the columns that need it."""
    for chunk in batched(objects, EXPORT_CHUNK):
        objects = load_columns(columns, list(chunk))
        yield [[column.value(obj) for column in columns] for obj in objects]


def _value_chunks(columns: list[Column], queryset, *, inline: bool = False):
    """Chunks of download rows straight from values_list: each column's cells made from its
    fields' values (Cells), column by column, then put side by side. A download built in the
    request (at most EXPORT_INLINE_ROWS rows) fetches its rows in one round trip; one built
    in the background reads them through a server-side cursor, a chunk at a time."""
    fields: list[str] = []
    for column in columns:
        fields += [f for f in column.cells.fields if f not in fields]
    getters = [_getter([fields.index(f) for f in column.cells.fields]) for column in columns]
    rows = queryset.select_related(None).prefetch_related(None).values_list(*fields)
    source = rows if inline else rows.iterator(chunk_size=EXPORT_CHUNK)
    for chunk in batched(source, EXPORT_CHUNK):
        yield list(zip(*_made_cells(columns, getters, chunk), strict=True))


def _getter(places: list[int]):
    """A row's value of one field, or its tuple of values of several (none: ())."""
    return operator.itemgetter(*places) if places else lambda row: ()


def export_table(request, table: Table, fmt: str):
    """The whole filtered, sorted list as CSV or XLSX (thrive/exports.py: large ones are
    built in the background). Exports are audited when they are asked for."""
    queryset, _ = table.sorted_queryset(request.GET.get("sort", table.default_sort))
    if getattr(request, "export_progress", None) is None:
        audit.record(request, "exported", object_type="report", object_id=table.slug, note=fmt)
    header = [c.label for c in table.columns]
    extension = "xlsx" if fmt == "xlsx" else "csv"
    if isinstance(queryset, list):  # summary rows, already in memory
        chunks = [[[c.value(row) for c in table.columns] for row in queryset]]
        count = functools.partial(len, queryset)
    elif hasattr(queryset, "values_list") and all(c.cells for c in table.columns):
        inline = getattr(request, "export_progress", None) is None
        chunks = _value_chunks(table.columns, queryset[:EXPORT_LIMIT], inline=inline)
        count = table.counted(queryset).count
    else:
        rows = queryset[:EXPORT_LIMIT]
        if hasattr(rows, "iterator"):  # a queryset; a list-like page source slices to a list
            rows = rows.iterator(chunk_size=EXPORT_CHUNK)
        chunks = _loaded(table.columns, rows)
        count = table.counted(queryset).count
    return exports.respond(
        request,
        title=table.title,
        filename=f"{table.slug}-{timezone.localdate():%Y-%m-%d}.{extension}",
        fmt=fmt,
        header=header,
        chunks=chunks,
        count=lambda: min(count(), EXPORT_LIMIT),
    )


def render_table(request, table: Table, template: str = "reports/table.html", **context):
    """Render one list page, or its download when ?export=<slug>&format=csv|xlsx."""
    if request.GET.get("export") == table.slug:
        return export_table(request, table, request.GET.get("format", "csv"))
    return render(request, template, {**table_context(request, table), **context})


def bar_chart(pairs: list[tuple[str, int]]) -> dict:
    """A server-rendered horizontal bar chart (SVG geometry in a 640-wide view box)."""
    top = max((value for _, value in pairs), default=0) or 1
    label_width, bar_space, row = 220, 340, 30
    return {
        "bars": [
            {
                "label": label,
                "value": value,
                "y": index * row,
                "text_y": index * row + 17,
                "x": label_width,
                "width": max(1, round(bar_space * value / top)),
                "value_x": label_width + max(1, round(bar_space * value / top)) + 8,
            }
            for index, (label, value) in enumerate(pairs)
        ],
        "height": row * len(pairs),
    }
