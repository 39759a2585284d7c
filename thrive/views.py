import io
import time

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from . import audit, registry, services
from .access import role_required
from .forms import AcceptPolicyForm, AuditFilterForm, TokenForm
from .middleware import SESSION_LAST_SEEN, session_seconds_left
from .models import AcceptableUsePolicy, AuditEvent, Membership, Role, Service, User, WorkGroup
from .ui.lists import csv_response, paginate


def _next_url(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
def home(request):
    user = request.user
    door = registry.front_door_of(request)
    if door is not None:
        return redirect(door.home)
    memberships = user.memberships.select_related("service", "work_group__organisation")
    services_here = Service.objects.visible_to(user).select_related("provider")
    if not user.has_role(Role.EHPS_OFFICER, Role.SYSTEM_ADMIN):
        services_here = services_here.filter(memberships__user=user)
    work_groups = WorkGroup.objects.visible_to(user).select_related("organisation")
    return render(
        request,
        "thrive/home.html",
        {
            "memberships": memberships,
            "services": services_here,
            "work_groups": work_groups,
            "is_admin": user.has_role(Role.SYSTEM_ADMIN),
        },
    )


@login_required
def accept_aup(request):
    policy = AcceptableUsePolicy.current()
    if policy is None:
        return redirect("home")
    accepted = request.user.policy_acceptances.filter(policy=policy).first()
    form = AcceptPolicyForm(request.POST or None, initial={"name_given": request.user.full_name})
    if request.method == "POST" and not accepted and form.is_valid():
        services.accept_policy(
            request.user,
            policy=policy,
            name_given=form.cleaned_data["name_given"],
            request=request,
        )
        return redirect(_next_url(request))
    return render(
        request,
        "thrive/aup.html",
        {
            "policy": policy,
            "policy_blocks": policy.blocks(),
            "form": form,
            "accepted": accepted,
            "next": _next_url(request, ""),
        },
    )


@login_required
def second_factor_setup(request):
    device = services.pending_totp_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_totp_device(
            request.user, token=form.cleaned_data["token"], request=request
        ):
            return redirect(_next_url(request))
        form.add_error("token", "That code is not right. Enter the code your app shows now")
    uri = device.config_url
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    secret = device.config_url.split("secret=")[1].split("&")[0]
    return render(
        request,
        "thrive/second_factor_setup.html",
        {
            "form": form,
            "qr_svg": buffer.getvalue().decode(),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next_url(request, ""),
        },
    )


@login_required
def second_factor_verify(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.verify_second_factor(
            request.user, token=form.cleaned_data["token"], request=request
        ):
            return redirect(_next_url(request))
        form.add_error(
            "token", "That code is not right, or too many tries: wait a moment and try again"
        )
    return render(
        request, "thrive/second_factor_verify.html", {"form": form, "next": _next_url(request, "")}
    )


@require_POST
@login_required
def session_keep_alive(request):
    """ "Stay signed in": restart the idle clock now."""
    request.session[SESSION_LAST_SEEN] = time.time()
    return JsonResponse({"seconds_left": session_seconds_left(request)})


@require_GET
def session_status(request):
    if not request.user.is_authenticated:
        return JsonResponse({"seconds_left": 0})
    return JsonResponse({"seconds_left": session_seconds_left(request)})


def session_timed_out(request):
    return render(
        request,
        "thrive/session_timed_out.html",
        {
            "idle_minutes": settings.SESSION_IDLE_TIMEOUT // 60,
            "absolute_hours": settings.SESSION_ABSOLUTE_TIMEOUT // 3600,
            "login_url": reverse("account_login"),
        },
    )


@login_required
def service_detail(request, pk):
    service = get_object_or_404(
        Service.objects.visible_to(request.user).select_related("provider"), pk=pk
    )
    team = (
        Membership.objects.filter(service=service, user__is_active=True)
        .select_related("user")
        .order_by("role", "user__full_name")
    )
    return render(request, "thrive/service_detail.html", {"service": service, "team": team})


@login_required
def work_group_detail(request, pk):
    group = get_object_or_404(
        WorkGroup.objects.visible_to(request.user).select_related("organisation", "manager"),
        pk=pk,
    )
    members = (
        Membership.objects.filter(work_group=group, user__is_active=True)
        .select_related("user")
        .order_by("role", "user__full_name")
    )
    return render(request, "thrive/work_group_detail.html", {"group": group, "members": members})


@role_required(Role.SYSTEM_ADMIN)
def people(request):
    people = User.objects.visible_to(request.user).select_related("organisation")
    lapsed_only = request.GET.get("dbs") == "lapsed"
    if lapsed_only:
        people = people.dbs_lapsed()
    return render(
        request,
        "thrive/people.html",
        {
            "page": paginate(request, people),
            "lapsed_only": lapsed_only,
            "dbs_years": settings.DBS_RENEWAL_YEARS,
        },
    )


@role_required(Role.SYSTEM_ADMIN)
def person_detail(request, pk):
    person = get_object_or_404(
        User.objects.visible_to(request.user).select_related("organisation"), pk=pk
    )
    audit.record(request, "viewed", person)
    memberships = person.memberships.select_related("service", "work_group")
    recent = AuditEvent.objects.filter(user=person)[:20]
    return render(
        request,
        "thrive/person_detail.html",
        {"person": person, "memberships": memberships, "recent": recent},
    )


@role_required(Role.SYSTEM_ADMIN)
def audit_trail(request):
    form = AuditFilterForm(request.GET or None, viewer=request.user)
    events = AuditEvent.objects.all()
    if form.is_bound and form.is_valid():
        events = form.filter(events)
    elif form.is_bound:
        events = events.none()
    if request.GET.get("format") == "csv" and not form.errors:
        audit.record(request, "exported", object_type="thrive.auditevent", note="audit CSV")
        rows = (
            (
                e.at.isoformat(),
                e.username,
                e.action,
                e.object_type,
                e.object_id,
                e.organisation_id or "",
                e.ip_address or "",
                e.request_id,
                e.note,
            )
            for e in events.iterator(chunk_size=2000)
        )
        return csv_response(
            "thrive-audit.csv",
            [
                "When (UTC)",
                "Username",
                "Action",
                "Record type",
                "Record id",
                "Organisation id",
                "Client address",
                "Request id",
                "Note",
            ],
            rows,
        )
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "csv"
    return render(
        request,
        "thrive/audit.html",
        {"form": form, "page": paginate(request, events), "csv_query": query.urlencode()},
    )
