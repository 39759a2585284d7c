"""A bare upload page for the tests: the form field, the check and the store, nothing else."""

import os

from django import forms
from django.conf import settings
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

from documents.fields import SafeFileField
from documents.uploads import store_checked_upload


class EvidenceForm(forms.Form):
    file = SafeFileField()


@require_POST
def upload(request):
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        # While the request is alive, any temporary upload file would still be on disk.
        temp_dir = settings.FILE_UPLOAD_TEMP_DIR
        temp_files = sorted(os.listdir(temp_dir)) if temp_dir else None
        return JsonResponse(
            {"errors": form.errors.get("file", []), "temp_files": temp_files}, status=400
        )
    checked = form.cleaned_data["file"]
    return JsonResponse(
        {
            "stored": store_checked_upload(checked, prefix="tests"),
            "kind": checked.kind,
            "safe_name": checked.safe_name,
            "sha256": checked.sha256,
        }
    )


urlpatterns = [path("upload/", upload, name="test-upload")]
