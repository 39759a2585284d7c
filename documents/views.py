"""The document library's pages. Each reads input, calls a service, renders; access is
Document.objects.visible_to (404 for anything else) plus the services' may_* rules."""

from urllib.parse import quote

from django.contrib import messages
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from cases.models import Case, normalise_thrive_id
from cases.views import CASE_ROLES, get_case
from thrive import audit
from thrive.access import role_required
from thrive.models import Role, Service
from thrive.ui.tables import render_table

from . import services
from .forms import (
    CarriedLibraryUploadForm,
    CarriedUploadForm,
    CaseSearchForm,
    CaseUploadForm,
    EditPropertiesForm,
    LibraryUploadForm,
    NewVersionForm,
)
from .models import Document, DocumentVersion
from .wopi.host import edit_in_browser as host_page
from .wopi.host import may_edit_in_browser

UPLOAD_ROLES = (Role.SERVICE_MANAGER, Role.SERVICE_WORKER)
PREVIEW_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def get_document(request, pk, *, in_bin=False) -> Document:
    documents = Document.objects.visible_to(request.user)
    documents = documents.in_bin() if in_bin else documents.live()
    return get_object_or_404(
        documents.select_related(
            "case", "service__provider", "created_by", "modified_by", "current_version"
        ),
        pk=pk,
    )


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if target and safe else default


def _case_documents_url(case) -> str:
    return reverse("cases:detail", args=[case.thrive_id]) + "#documents"


def _upload_all(request, case, files, title):
    """Upload each checked file on its own (each completes or leaves nothing) and say what
    happened, naming any file that was already on the case."""
    uploaded = []
    for checked in files:
        try:
            uploaded.append(
                services.upload_document(
                    by=request.user,
                    case=case,
                    checked=checked,
                    title=title or checked.safe_name.rsplit(".", 1)[0],
                    request=request,
                )
            )
        except services.DuplicateDocument as duplicate:
            existing = duplicate.existing
            messages.warning(
                request,
                format_html(
                    '{} is already on case {} as <a class="govuk-link" href="{}">{}</a>. '
                    "It was not uploaded again.",
                    checked.safe_name,
                    case.thrive_id,
                    reverse("documents:detail", args=[existing.pk]),
                    existing.name,
                ),
            )
    if uploaded:
        names = ", ".join(document.name for document in uploaded)
        messages.success(request, f"Uploaded to {case.thrive_id}: {names}")
    return uploaded


def carry_to_tracker(request, case=None) -> dict | None:
    """While Thrive is read-only an upload page's form posts into a downtime record kept in
    the person's Downtime tracker (for `case`, if chosen) instead of a form that would be
    refused; the record keeps the file until it is applied."""
    if getattr(request, "downtime", None) is None:
        return None
    url = reverse("continuity:record_add_kind", args=["attachment"])
    if case is not None:
        url = f"{url}?case={case.thrive_id}"
    return {"url": url, "fields": {"carried": "1"}}


@role_required(*UPLOAD_ROLES)
def upload_to_case(request, thrive_id):
    """Upload from the case page: the case is already chosen."""
    case = get_case(request, thrive_id)
    if not services.may_upload(request.user, case):
        raise Http404
    carry = carry_to_tracker(request, case)
    if carry:
        context = {"form": CarriedUploadForm(), "case": case, "carry": carry}
        return render(request, "documents/upload.html", context)
    form = CaseUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        _upload_all(request, case, form.cleaned_data["files"], form.cleaned_data["title"])
        return redirect(_case_documents_url(case))
    return render(request, "documents/upload.html", {"form": form, "case": case})


def managed_services(user):
    return Service.objects.filter(
        memberships__user=user, memberships__role=Role.SERVICE_MANAGER
    ).values("pk")


def uploadable_cases(user):
    """The cases this person may add documents to: visible, not archived, and theirs to work
    (the allocated worker) or manage."""
    cases = Case.objects.visible_to(user).active()
    condition = Q(worker=user)
    if user.has_role(Role.SERVICE_MANAGER):
        condition |= Q(service__in=managed_services(user))
    return cases.filter(condition)


@role_required(*UPLOAD_ROLES)
def upload(request):
    """The library's Upload Document page: the Thrive ID is checked against the cases the
    person may use, so nothing is stored with no Thrive ID or a mistyped one.

    Finding a case is a POST too (marked by its form's hidden `find` field): a family name
    in a URL would land in access logs, proxies and browser history."""
    carry = carry_to_tracker(request)
    if carry:
        context = {"form": CarriedLibraryUploadForm(), "carry": carry}
        return render(request, "documents/library_upload.html", context)
    cases = uploadable_cases(request.user)
    finding = request.method == "POST" and "find" in request.POST
    uploading = request.method == "POST" and not finding
    form = LibraryUploadForm(
        request.POST if uploading else None, request.FILES if uploading else None, cases=cases
    )
    if uploading and form.is_valid():
        case = form.cleaned_data["thrive_id"]
        _upload_all(request, case, form.cleaned_data["files"], form.cleaned_data["title"])
        return redirect(_case_documents_url(case))
    search = CaseSearchForm(request.POST if finding else None)
    found = None
    if search.is_valid() and search.cleaned_data["q"].strip():
        query = search.cleaned_data["q"].strip()
        found = list(
            cases.filter(
                Q(thrive_id=normalise_thrive_id(query))
                | Q(thrive_id__istartswith=query.replace(" ", ""))
                | Q(family_names__icontains=query)
            )
            .order_by("thrive_id")
            .only("thrive_id", "family_names", "child_first_name", "child_last_name")[:20]
        )
    return render(
        request,
        "documents/library_upload.html",
        {"form": form, "search": search, "found": found},
    )


@role_required(*CASE_ROLES)
def case_documents(request, thrive_id):
    """All of a case's documents on one list, and its CSV/XLSX download."""
    from .reports import case_documents_table

    case = get_case(request, thrive_id)
    if request.GET.get("export") != "case-documents":
        audit.record(request, "viewed", case, note="documents")
    return render_table(request, case_documents_table(case))


@role_required(*CASE_ROLES)
def detail(request, pk):
    document = get_document(request, pk)
    audit.record(request, "viewed", document)
    versions = document.versions.select_related("uploaded_by")
    return render(
        request,
        "documents/detail.html",
        {
            "document": document,
            "versions": versions,
            "actions": services.document_actions(request.user, document),
            "lock": services.open_for_editing(document),
            "editable_in_browser": may_edit_in_browser(request.user, document),
        },
    )


def _file_response(request, document: Document, version: DocumentVersion, *, inline=False):
    """Stream the stored object; never read whole into memory."""
    if version is None:
        raise Http404
    try:
        stored = default_storage.open(version.file, "rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = document.name
    if version.pk != document.current_version_id:
        stem, dot, extension = filename.rpartition(".")
        extension = version.original_name.rpartition(".")[2]
        filename = f"{stem or filename}-version{version.number}.{extension}"
    response = FileResponse(
        stored,
        as_attachment=not inline,
        filename=filename,
        content_type=version.content_type,
    )
    if inline:
        response["Content-Disposition"] = f"inline; filename*=utf-8''{quote(filename)}"
        response["Content-Security-Policy"] = PREVIEW_CSP
        response["X-Frame-Options"] = "DENY"
    response["X-Content-Type-Options"] = "nosniff"
    audit.record(
        request,
        "document_previewed" if inline else "document_downloaded",
        document,
        note=f"version {version.number}",
    )
    return response


@role_required(*CASE_ROLES)
def download(request, pk):
    document = get_document(request, pk)
    return _file_response(request, document, document.current_version)


@role_required(*CASE_ROLES)
def download_version(request, pk, number):
    document = get_document(request, pk)
    version = get_object_or_404(document.versions, number=number)
    return _file_response(request, document, version)


@role_required(*CASE_ROLES)
def preview(request, pk):
    """PDFs and pictures open in the browser, sandboxed: no scripts, no forms, nothing fetched
    from elsewhere."""
    document = get_document(request, pk)
    if not document.previewable:
        raise Http404
    return _file_response(request, document, document.current_version, inline=True)


@role_required(*UPLOAD_ROLES)
def edit_in_browser(request, pk):
    """The browser editor's host page (documents/wopi/host.py)."""
    return host_page(request, get_document(request, pk))


@role_required(*UPLOAD_ROLES)
def new_version(request, pk):
    document = get_document(request, pk)
    if not services.may_add_version(request.user, document):
        raise Http404
    carry = carry_to_tracker(request, document.case) if document.case_id else None
    if carry:
        context = {"form": CarriedUploadForm(document=document), "document": document}
        return render(request, "documents/new_version.html", {**context, "carry": carry})
    form = NewVersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.add_version(
                document, by=request.user, checked=form.cleaned_data["file"], request=request
            )
        except services.DocumentActionRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            messages.success(request, f"Version {version.number} of {document.name} uploaded.")
            return redirect("documents:detail", document.pk)
    return render(
        request,
        "documents/new_version.html",
        {"form": form, "document": document, "lock": services.open_for_editing(document)},
    )


@role_required(Role.SERVICE_MANAGER)
def edit_properties(request, pk):
    """Edit Properties: the manager corrects the Thrive ID (or the title) in one step."""
    document = get_document(request, pk)
    if not services.may_edit_properties(request.user, document):
        raise Http404
    cases = Case.objects.visible_to(request.user).filter(service=document.service)
    form = EditPropertiesForm(
        request.POST or None,
        cases=cases,
        initial={
            "title": document.title,
            "thrive_id": document.thrive_id,
            "opened": document.modified_at.isoformat(),
        },
    )
    back = _safe_next(request, reverse("documents:detail", args=[document.pk]))
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_properties(
                document,
                by=request.user,
                title=form.cleaned_data["title"],
                case=form.cleaned_data["thrive_id"],
                expected_modified_at=form.cleaned_data["opened"],
                request=request,
            )
        except services.StaleDocument as stale:
            current = stale.current
            data = request.POST.copy()
            data["opened"] = current.modified_at.isoformat()
            form = EditPropertiesForm(data, cases=cases)
            form.is_valid()
            form.add_error(
                None,
                f"{current.modified_by.full_name if current.modified_by else 'Someone'} changed "
                f"this document while you were editing: its Thrive ID is now "
                f"{current.thrive_id or 'none'} and its title “{current.title}”. Your changes "
                "have not been saved; check them and save again.",
            )
        except services.DocumentActionRefused as refusal:
            form.add_error("thrive_id", str(refusal))
        else:
            messages.success(request, f"{document.name} is linked to {document.thrive_id}.")
            return redirect(back)
    return render(
        request,
        "documents/edit.html",
        {
            "form": form,
            "document": document,
            "back": back,
            "lock": services.open_for_editing(document),
        },
    )


@role_required(*UPLOAD_ROLES)
@require_http_methods(["GET", "POST"])
def delete(request, pk):
    document = get_document(request, pk)
    if not services.may_move_to_bin(request.user, document):
        raise Http404
    if request.method == "POST":
        try:
            services.move_to_bin(document, by=request.user, request=request)
        except services.DocumentActionRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("documents:detail", document.pk)
        messages.success(
            request,
            f"{document.name} has been deleted. A manager can restore it from the bin for 30 days.",
        )
        if document.case_id:
            return redirect(_case_documents_url(document.case))
        return redirect("cases:report", "no-thrive-id")
    return render(
        request,
        "documents/delete.html",
        {"document": document, "lock": services.open_for_editing(document)},
    )


@role_required(Role.SERVICE_MANAGER)
@require_http_methods(["GET", "POST"])
def restore(request, pk):
    document = get_document(request, pk, in_bin=True)
    if not services.may_restore(request.user, document):
        raise Http404
    if request.method == "POST":
        try:
            services.restore(document, by=request.user, request=request)
        except services.DocumentActionRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("documents:bin")
        messages.success(request, f"{document.name} has been restored.")
        return redirect("documents:detail", document.pk)
    return render(
        request, "documents/restore.html", {"document": document, "back": reverse("documents:bin")}
    )


@role_required(Role.SERVICE_MANAGER)
def bin_list(request):
    from .reports import document_bin

    return document_bin(request)


@role_required(Role.SYSTEM_ADMIN)
def administrators_bin(request):
    from .reports import administrators_bin

    return administrators_bin(request)


@role_required(Role.SYSTEM_ADMIN)
def purge(request, pk):
    """Delete a document in the bin for good, now (system administrators only)."""
    document = get_object_or_404(Document.objects.in_bin().select_related("service"), pk=pk)
    if request.method == "POST":
        name = document.name
        services.purge(document, by=request.user, request=request)
        messages.success(request, f"{name} has been deleted for good.")
        return redirect("documents:administrators_bin")
    return render(request, "documents/purge.html", {"document": document})
