from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from thrive.access import role_required
from thrive.models import Role

from . import readonly
from .forms import StartReadOnlyForm
from .models import Downtime


@role_required(Role.SYSTEM_ADMIN)
def read_only_mode(request):
    """Start or end read-only mode, and the downtimes so far with their records' re-entry."""
    in_force = readonly.downtime_in_force()
    form = StartReadOnlyForm(request.POST or None) if in_force is None else None
    if request.method == "POST":
        if request.POST.get("action") == "end":
            try:
                readonly.end_read_only(by=request.user, request=request)
            except readonly.NotInForce as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, "Read-only mode has ended. Thrive takes changes again.")
            return redirect("continuity:read_only")
        if form is not None and form.is_valid():
            try:
                readonly.start_read_only(
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    expected_back=form.cleaned_data.get("expected_back"),
                    close_portal=form.cleaned_data["close_portal"],
                    portal_contacts=form.cleaned_data["portal_contacts"],
                    request=request,
                )
            except readonly.AlreadyInForce as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, "Read-only mode is on. Everyone sees the message now.")
            return redirect("continuity:read_only")
        if form is None:
            messages.error(request, "Read-only mode is already on.")
            return redirect("continuity:read_only")
    history = Downtime.objects.select_related("started_by", "ended_by").with_record_counts()[:20]
    return render(
        request,
        "continuity/read_only_mode.html",
        {"in_force": in_force, "form": form, "history": history},
    )


def portal_holding_page(request):
    """Where health partners land while the portal is closed. Open to anyone: it says only
    that the portal is unavailable and whom to phone."""
    downtime = readonly.downtime_in_force()
    if downtime is None or not downtime.close_portal:
        return render(
            request, "continuity/portal_open.html", {"sign_in_url": reverse("portal:sign_in")}
        )
    from .middleware import holding_page

    return holding_page(request, downtime)
