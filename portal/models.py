"""The Delegation Portal: SEND officers send tasks (a statutory advice form about a child) to a
health partner's work tray or a clinician; the clinician completes the form and submits it."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_otp.models import Device

from thrive.models import Organisation, Role, WorkGroup

from .form_engine.definitions import validate_definition

# The statutory timeframe for health advice to an EHC needs assessment.
STATUTORY_WEEKS = 6
RECENT_DAYS = 30


def default_required_by():
    return timezone.localdate() + timedelta(weeks=STATUTORY_WEEKS)


class FormDefinition(models.Model):
    """One version of a form type. A task keeps the version it was created on, so changing a
    form type means adding a new version, never editing one that tasks use."""

    name = models.CharField("form type", max_length=200)
    version = models.PositiveIntegerField(default=1)
    active = models.BooleanField(
        default=True, help_text="Offered for new tasks. Only one version of a form type is."
    )
    definition = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="unique_form_version"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(active=True), name="one_active_form_version"
            ),
        ]

    def __str__(self):
        return f"{self.name} (version {self.version})"

    def save(self, *args, **kwargs):
        validate_definition(self.definition)
        super().save(*args, **kwargs)

    def clean(self):
        validate_definition(self.definition)

    @property
    def sections(self) -> list[dict]:
        return self.definition["sections"]


class Status(models.TextChoices):
    ASSIGNED = "assigned", "Assigned"
    IN_PROGRESS = "in_progress", "In progress"
    AWAITING_COUNTERSIGNATURE = "awaiting_countersignature", "Awaiting counter-signature"
    SUBMITTED = "submitted", "Submitted"
    DECLINED = "declined", "Declined"
    RETRACTED = "retracted", "Retracted"


OPEN_STATES = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.AWAITING_COUNTERSIGNATURE})


def _groups(user, role):
    return WorkGroup.objects.filter(memberships__user=user, memberships__role=role).values("pk")


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        """SEND officers see the tasks they (or their council's SEND team) sent; tray admins
        their work groups' tasks; clinicians the tasks assigned to them in their work groups,
        and a work group's manager all of that group's tasks. Nobody sees another health
        partner's tasks; administrators never see child records."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        condition = Q(pk__in=[])
        if user.has_role(Role.SEND_OFFICER):
            condition |= Q(sent_by=user)
            if user.organisation_id:
                condition |= Q(council_id=user.organisation_id)
        if user.has_role(Role.TRAY_ADMIN):
            condition |= Q(work_group__in=_groups(user, Role.TRAY_ADMIN))
        if user.has_role(Role.CLINICIAN):
            condition |= Q(clinician=user, work_group__in=_groups(user, Role.CLINICIAN))
            condition |= Q(work_group__manager=user)
        return self.filter(condition)

    def open(self):
        return self.filter(status__in=OPEN_STATES)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.open().filter(required_by__lt=today)

    def recent(self, field: str):
        since = timezone.now() - timedelta(days=RECENT_DAYS)
        return self.filter(**{f"{field}__gte": since})


class Task(models.Model):
    """A request for a form about a child, sent by a SEND officer to a health partner."""

    form = models.ForeignKey(
        FormDefinition, verbose_name="form type", on_delete=models.PROTECT, related_name="tasks"
    )
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.ASSIGNED)
    version = models.PositiveIntegerField(default=1, help_text="Raised on every save.")

    child_name = models.CharField("child’s name", max_length=200)
    child_date_of_birth = models.DateField("date of birth")
    child_address = models.TextField("address")
    comments = models.TextField(blank=True)
    requested_on = models.DateField(default=timezone.localdate)
    required_by = models.DateField(default=default_required_by)

    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sent_portal_tasks"
    )
    council = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The sender’s council: its SEND team share the task.",
    )
    department = models.CharField(max_length=200, blank=True)
    telephone = models.CharField(max_length=40, blank=True)
    sender_address = models.TextField("address of sender", blank=True)

    work_group = models.ForeignKey(WorkGroup, on_delete=models.PROTECT, related_name="portal_tasks")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_tasks",
        help_text="Empty while the task waits in the work tray.",
    )

    answers = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    retracted_at = models.DateTimeField(null=True, blank=True)
    retraction_reason = models.TextField(blank=True)
    # Counter Signatory: the work group's manager reviews and counter-signs
    # (portal/delegation/countersign.py).
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)
    # One person edits at a time (portal/delegation/locks.py): who has the form open, since when.
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    locked_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    modified_at = models.DateTimeField(default=timezone.now)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["required_by", "pk"]
        indexes = [
            models.Index(fields=["work_group", "status"]),
            models.Index(fields=["clinician", "status"]),
            models.Index(fields=["sent_by", "status"]),
        ]

    def __str__(self):
        return f"{self.form.name} task {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.required_by < timezone.localdate()

    @property
    def in_work_tray(self) -> bool:
        return self.is_open and self.clinician_id is None

    @property
    def organisation(self):
        """The health partner: audit events are filed under it."""
        return self.work_group.organisation

    def answers_with_prefill(self) -> dict:
        """The saved answers, plus the task's child details in the prefilled fields that
        were never answered (the form opens with them filled in)."""
        details = {
            "child_name": self.child_name,
            "child_date_of_birth": self.child_date_of_birth.isoformat(),
            "child_address": self.child_address,
        }
        answers = dict(self.answers)
        for section in self.form.sections:
            for field in section["fields"]:
                if field["id"] not in answers and field.get("prefill") in details:
                    answers[field["id"]] = details[field["prefill"]]
        return answers

    @property
    def status_label(self) -> str:
        if self.is_overdue:
            return f"{self.get_status_display()} (overdue)"
        if self.in_work_tray:
            return "In work tray"
        return self.get_status_display()


class TaskEvent(models.Model):
    """The task's history: creation, every hand-over, and every change of state."""

    class Kind(models.TextChoices):
        CREATED = "created", "Sent"
        DELEGATED = "delegated", "Delegated"
        REASSIGNED = "reassigned", "Re-assigned"
        STARTED = "started", "Started"
        SUBMITTED = "submitted", "Submitted"
        DECLINED = "declined", "Declined"
        RETRACTED = "retracted", "Retracted"
        COUNTERSIGNED = "countersigned", "Counter-signed"
        TAKEN_OVER = "taken_over", "Taken over"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_work_group = models.ForeignKey(
        WorkGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class SupportingDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The documents of the tasks the user can see (Task.objects.visible_to)."""
        return self.filter(task__in=Task.objects.visible_to(user).values("pk"))


class SupportingDocument(models.Model):
    """A file attached to a task: checked and stored by documents.uploads (prefix "portal").
    Attached one by one by the clinician (or the work tray admin), removable until the task
    is submitted; the same file (same SHA-256) is on a task once."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(max_length=255, help_text="The checked, safe file name shown.")
    stored_name = models.CharField(max_length=255, help_text="The object name in storage.")
    kind = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = SupportingDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "sha256"], name="supporting_document_once")
        ]

    def __str__(self):
        return self.name

    @property
    def organisation(self):
        """The health partner: audit events are filed under it."""
        return self.task.organisation


class AutomaticReplyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person's own automatic reply. Others see one only through `active_for`."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(user=user)

    def active(self, today=None):
        today = today or timezone.localdate()
        return self.filter(starts__lte=today, ends__gte=today)


class AutomaticReply(models.Model):
    """A health partner person's out-of-office message, with its dates and who should receive
    tasks instead. SEND officers and tray admins see it before delegating to that person."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="automatic_reply"
    )
    message = models.TextField()
    starts = models.DateField()
    ends = models.DateField()
    redirect_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="send tasks instead to",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    modified_at = models.DateTimeField(default=timezone.now)

    objects = AutomaticReplyQuerySet.as_manager()

    def __str__(self):
        return f"Automatic reply {self.starts:%Y-%m-%d} to {self.ends:%Y-%m-%d}"

    @property
    def organisation(self):
        return self.user.organisation

    def is_active(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.starts <= today <= self.ends


class ReminderSent(models.Model):
    """Each due or overdue reminder of a task, sent once (portal/delegation/reminders.py)."""

    class Kind(models.TextChoices):
        DUE_7 = "due_7", "Due in 7 days"
        DUE_2 = "due_2", "Due in 2 days"
        OVERDUE = "overdue", "Overdue"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    to = models.JSONField(default=list)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "kind"], name="portal_reminder_once")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} reminder"


# --- Health partner people ------------------------------------------------------------------


class PortalProfile(models.Model):
    """What a person gave when registering for Children and Families Online Services: their
    name in two parts and their address. The account itself is a Thrive User (name, email,
    job title and organisation live there); `email_confirmed_at` is set once the emailed
    code came back."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_profile"
    )
    forename = models.CharField(max_length=100)
    surname = models.CharField(max_length=100)
    professional = models.BooleanField(
        "used in a professional capacity",
        default=True,
        help_text="Professionals give their role and organisation.",
    )
    property_name = models.CharField(max_length=100, blank=True)
    house_number = models.CharField("house no", max_length=20, blank=True)
    street = models.CharField(max_length=100)
    area = models.CharField(max_length=100, blank=True)
    town = models.CharField("town/city", max_length=100)
    county = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8)
    registered_at = models.DateTimeField(default=timezone.now)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.forename} {self.surname}"

    @property
    def address_lines(self) -> list[str]:
        first = " ".join(part for part in [self.house_number, self.street] if part)
        return [
            line for line in [self.property_name, first, self.area, self.town, self.county] if line
        ] + [self.postcode]


class EmailCodeDevice(Device):
    """django-otp's second factor for health partner people: a 6-digit code emailed at each
    sign-in. django-otp's own EmailDevice keeps the code in plain text and throttles with a
    back-off; this one keeps only a keyed hash, lets a code be tried 5 times and lives 10
    minutes (portal/people/codes.py does the work)."""

    digest = models.CharField(max_length=64, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Where the code goes when it is not the account's address (confirming a new address).
    send_to = models.EmailField(blank=True)

    class Meta(Device.Meta):
        verbose_name = "email code device"

    def verify_token(self, token) -> bool:
        from .people.codes import check_code

        return check_code(self, str(token))

    def generate_challenge(self):
        from .people.codes import send_code

        send_code(self)
        return "We have sent a code to your email address."
