"""Pages of the password self-service area: security questions, change password, the
forgotten-password journey, invitations, the rules and the help. Account requests and the
administrators' reports are in request_views.py."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from . import reset, services
from .forms import (
    OWN_QUESTION,
    AnswersForm,
    ChangePasswordForm,
    CodeForm,
    NewPasswordForm,
    SecurityQuestionsForm,
    UsernameForm,
)
from .validators import SPECIAL_CHARACTERS


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def rules_context() -> dict:
    return {
        "min_length": settings.PASSWORD_MIN_LENGTH,
        "max_length": settings.PASSWORD_MAX_LENGTH,
        "history_count": settings.PASSWORD_HISTORY_COUNT,
        "expiry_days": settings.PASSWORD_EXPIRY_DAYS,
        "special_characters": " ".join(SPECIAL_CHARACTERS),
        "lockout_attempts": settings.SELFSERVICE_LOCKOUT_ATTEMPTS,
        "lockout_minutes": settings.SELFSERVICE_LOCKOUT_MINUTES,
    }


def home(request):
    context = {}
    if request.user.is_authenticated:
        context = {
            "has_self_service": services.has_self_service(request.user),
            "expires_at": services.password_expires_at(request.user),
        }
    return render(request, "selfservice/home.html", context)


def rules(request):
    return render(request, "selfservice/rules.html", rules_context())


def help_page(request):
    return render(request, "selfservice/help.html", rules_context())


def _existing_questions(user) -> dict:
    initial = {}
    for question in user.security_questions.order_by("position"):
        if question.question in services.SUGGESTED_QUESTIONS:
            initial[f"question_{question.position}"] = question.question
        else:
            initial[f"question_{question.position}"] = OWN_QUESTION
            initial[f"own_question_{question.position}"] = question.question
    return initial


@login_required
def security_questions(request):
    user = request.user
    lock = services.user_lock_status(user)
    initial = _existing_questions(user)
    form = SecurityQuestionsForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and not lock.locked:
        if form.is_valid():
            services.set_security_questions(user, questions=form.questions(), request=request)
            messages.success(request, "Your security questions are set up")
            return redirect(safe_next(request, "selfservice:home"))
        if form.wrong_current_password:
            lock = services.register_failure(user, request=request, what="current_password")
    return render(
        request,
        "selfservice/questions.html",
        {
            "form": form,
            "lock": lock,
            "already_set": bool(initial),
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
    )


@login_required
def change_password(request):
    user = request.user
    lock = services.user_lock_status(user)
    form = ChangePasswordForm(request.POST or None, user=user)
    if request.method == "POST" and not lock.locked:
        if form.is_valid():
            services.set_password(
                user,
                raw_password=form.cleaned_data["new_password"],
                request=request,
                action="password_changed",
            )
            query = urlencode({"next": safe_next(request, "home")})
            return redirect(f"{reverse('selfservice:password_changed')}?{query}")
        if form.wrong_current_password:
            lock = services.register_failure(user, request=request, what="current_password")
    return render(
        request,
        "selfservice/change_password.html",
        {
            "form": form,
            "lock": lock,
            "expired": request.session.get(services.SESSION_PASSWORD_EXPIRED, False),
            "next": request.POST.get("next") or request.GET.get("next", ""),
            **rules_context(),
        },
    )


@login_required
def password_changed(request):
    return render(
        request, "selfservice/password_changed.html", {"next": safe_next(request, "home")}
    )


# --- Forgotten or expired password --------------------------------------------------------

STAGE_PAGES = {
    reset.Stage.QUESTIONS: "selfservice:forgotten_questions",
    reset.Stage.CODE: "selfservice:forgotten_code",
    reset.Stage.PASSWORD: "selfservice:forgotten_new_password",
}


def _journey_at(request, stage):
    """The journey if it has reached `stage`; otherwise where the person should be instead."""
    journey = reset.current_journey(request)
    if journey is None:
        messages.info(request, "Start again: enter your username")
        return None, redirect("selfservice:forgotten")
    if journey.stage != stage:
        return None, redirect(STAGE_PAGES[journey.stage])
    return journey, None


def forgotten(request):
    form = UsernameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reset.start(request, form.cleaned_data["username"])
        return redirect("selfservice:forgotten_questions")
    return render(
        request,
        "selfservice/forgotten_username.html",
        {"form": form, "email_code": settings.SELFSERVICE_EMAIL_CODE},
    )


def forgotten_questions(request):
    journey, elsewhere = _journey_at(request, reset.Stage.QUESTIONS)
    if elsewhere:
        return elsewhere
    lock = reset.status(journey)
    form = AnswersForm(request.POST or None, questions=reset.questions(journey))
    if request.method == "POST" and not lock.locked and form.is_valid():
        outcome = reset.check_answers(request, journey, form.answers())
        if outcome is True:
            return redirect(STAGE_PAGES[journey.stage])
        lock = outcome
        if not lock.locked:
            form.add_error(
                None,
                "One or more of your answers is not right. Answers are case-sensitive: type "
                "them exactly as you set them up",
            )
    return render(
        request,
        "selfservice/forgotten_questions.html",
        {"form": form, "lock": lock, "username": journey.username},
    )


def forgotten_code(request):
    journey, elsewhere = _journey_at(request, reset.Stage.CODE)
    if elsewhere:
        return elsewhere
    lock = reset.status(journey)
    form = CodeForm(request.POST if "code" in request.POST else None)
    if request.method == "POST" and not lock.locked:
        if "send_again" in request.POST:
            if reset.send_code(request, journey):
                messages.success(request, "We have sent you a new code")
            else:
                messages.info(request, "We cannot send any more codes. Start again later")
            return redirect("selfservice:forgotten_code")
        if form.is_valid():
            outcome = reset.check_code(request, journey, form.cleaned_data["code"])
            if outcome is True:
                return redirect("selfservice:forgotten_new_password")
            lock = outcome
            if not lock.locked:
                form.add_error(
                    "code", "That code is not right or has expired. Check the latest email"
                )
    return render(
        request,
        "selfservice/forgotten_code.html",
        {
            "form": form,
            "lock": lock,
            "has_email": bool(journey.user and journey.user.email),
            "expires_at": reset.code_expires_at(journey),
            "minutes": settings.SELFSERVICE_CODE_MINUTES,
        },
    )


def forgotten_new_password(request):
    journey, elsewhere = _journey_at(request, reset.Stage.PASSWORD)
    if elsewhere:
        return elsewhere
    user = journey.user
    if user is None:  # suspended since the journey began
        reset.end_journey(request)
        return redirect("selfservice:forgotten")
    form = NewPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        reset.finish(request, journey, form.cleaned_data["new_password"])
        return redirect("selfservice:forgotten_done")
    return render(
        request, "selfservice/forgotten_new_password.html", {"form": form, **rules_context()}
    )


def forgotten_done(request):
    return render(request, "selfservice/forgotten_done.html")


# --- Invitations ----------------------------------------------------------------------------


def invitation(request, token):
    found = services.find_invitation(token)
    if found is None:
        return render(request, "selfservice/invitation_invalid.html", status=404)
    user = found.user
    password_form = NewPasswordForm(request.POST or None, user=user)
    questions_form = SecurityQuestionsForm(
        request.POST or None, user=user, with_current_password=False
    )
    if request.method == "POST":
        valid = password_form.is_valid() & questions_form.is_valid()  # show every error
        if valid:
            try:
                services.accept_invitation(
                    found,
                    raw_password=password_form.cleaned_data["new_password"],
                    questions=questions_form.questions(),
                    request=request,
                )
            except services.InvitationUsed:
                return render(request, "selfservice/invitation_invalid.html", status=404)
            return redirect("selfservice:invitation_done")
    return render(
        request,
        "selfservice/invitation.html",
        {
            "invitation": found,
            "person": user,
            "password_form": password_form,
            "form": questions_form,
            **rules_context(),
        },
    )


def invitation_done(request):
    return render(request, "selfservice/invitation_done.html")
