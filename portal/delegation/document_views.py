"""Supporting Documentation and Print PDF for portal tasks. Every view finds the task through
Task.objects.visible_to (404 otherwise); files are checked by documents' SafeFileField and
stored by documents.uploads.store_checked_upload; downloads and prints are audited."""

import time

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from thrive import audit
from thrive.access import role_required
from thrive.models import Role

from ..form_engine.pdf import pdf_filename, render_task_pdf
from . import services
from .forms import SupportingDocumentForm
from .views import HEALTH_ROLES, PORTAL_SIGN_IN, get_task

VIEW_ROLES = (*HEALTH_ROLES, Role.SEND_OFFICER)


def _task_url(request, task):
    if services.may_edit(request.user, task) or not request.user.has_role(Role.SEND_OFFICER):
        return reverse("portal:task", args=[task.pk])
    return reverse("portal:send_task", args=[task.pk])


@role_required(*HEALTH_ROLES, login_url=PORTAL_SIGN_IN)
def documents(request, pk):
    """Supporting Documentation: the task's files, and a form to attach one more."""
    task = get_task(request, pk)
    if not services.may_attach(request.user, task):
        raise Http404
    form = SupportingDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.attach_document(
                task, by=request.user, checked=form.cleaned_data["file"], request=request
            )
        except services.TaskActionRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            messages.success(request, f"{document.name} has been attached to the task.")
            return redirect("portal:documents", task.pk)
    audit.record(request, "viewed", task, note="supporting documents")
    return render(
        request,
        "portal/documents.html",
        {
            "task": task,
            "form": form,
            "documents": task.documents.select_related("uploaded_by"),
            "back": _task_url(request, task),
            "delegate_url": reverse("portal:delegate", args=[task.pk])
            if services.may_delegate(request.user, task) and task.in_work_tray
            else "",
        },
    )


@role_required(*HEALTH_ROLES, login_url=PORTAL_SIGN_IN)
def remove_document(request, pk, document_pk):
    """Remove (POST, from the Supporting Documentation page) before the task is submitted."""
    task = get_task(request, pk)
    document = get_object_or_404(task.documents, pk=document_pk)
    if not services.may_attach(request.user, task):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.remove_document(document, by=request.user, request=request)
    messages.success(request, f"{document.name} has been removed.")
    return redirect("portal:documents", task.pk)


@role_required(*VIEW_ROLES)
def download_document(request, pk, document_pk):
    """The file, as an attachment, for whoever may see the task's documents."""
    task = get_task(request, pk)
    if not services.may_see_documents(request.user, task):
        raise Http404
    document = get_object_or_404(task.documents, pk=document_pk)
    try:
        stored = default_storage.open(document.stored_name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        stored, as_attachment=True, filename=document.name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    audit.record(request, "portal_document_downloaded", document)
    return response


@role_required(*VIEW_ROLES)
def print_pdf(request, pk):
    """Print PDF: the whole form with its answers, as a download. A SEND officer gets the
    PDF of a submitted task."""
    task = get_task(request, pk)
    if not services.may_see_documents(request.user, task):
        raise Http404
    started = time.perf_counter()
    content = render_task_pdf(task)
    took = time.perf_counter() - started
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(task)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    audit.record(request, "printed", task, note=f"PDF in {took:.2f}s")
    return response
