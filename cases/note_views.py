"""Adding and correcting case notes and contacts."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from thrive.access import role_required

from . import notes
from .models import CaseNote
from .note_forms import CaseNoteForm
from .services import CaseActionRefused
from .views import CASE_ROLES, DOWNTIME_PREFIX, carry_to_tracker, get_case, in_read_only


def _form_page(request, case, form, *, title, button, stale=None):
    return render(
        request,
        "cases/note_form.html",
        {
            "case": case,
            "form": form,
            "action_title": title,
            "button_text": button,
            "stale": stale,
            "carry": carry_to_tracker(request, case, "cases/note_form.html"),
        },
    )


@role_required(*CASE_ROLES)
def add_note(request, thrive_id):
    case = get_case(request, thrive_id)
    if not notes.may_record_notes(request.user, case):
        raise Http404
    form = CaseNoteForm(
        request.POST or None, prefix=DOWNTIME_PREFIX if in_read_only(request) else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            notes.add_note(case, by=request.user, request=request, **form.note_fields())
        except CaseActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "The case note has been added.")
            return redirect("cases:detail", case.thrive_id)
    return _form_page(request, case, form, title="Add a case note or contact", button="Save note")


@role_required(*CASE_ROLES)
def correct_note(request, thrive_id, pk):
    case = get_case(request, thrive_id)
    note = get_object_or_404(CaseNote.objects.filter(case=case), pk=pk)
    if not notes.may_record_notes(request.user, case):
        raise Http404
    form = CaseNoteForm(request.POST or None, note=note)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            notes.correct_note(
                note,
                by=request.user,
                version=form.cleaned_data["version"] or 0,
                request=request,
                **form.note_fields(),
            )
        except notes.StaleNote as conflict:
            current = conflict.current
            stale = {"by": current.modified_by, "at": current.modified_at, "note": current}
            data = form.data.copy()
            data["version"] = current.version
            form = CaseNoteForm(data, note=current)
            form.is_valid()
        except CaseActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "The case note has been corrected.")
            return redirect("cases:detail", case.thrive_id)
    return _form_page(
        request, case, form, title="Correct a case note", button="Save correction", stale=stale
    )
