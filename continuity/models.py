"""Business continuity: read-only mode while Thrive is being worked on, and the downtime
records staff keep meanwhile, so that nothing done during an outage is lost.

A `Downtime` is one period of read-only mode, started and ended by a system administrator.
A `DowntimeRecord` is one line of a person's Downtime tracker: a piece of work done while
Thrive could not take it (in read-only mode, or on paper during an outage it could not serve),
with what is needed to enter it into Thrive once it is back, and when that was done."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from thrive.models import District, Role, Service


class DowntimeQuerySet(models.QuerySet):
    def with_record_counts(self):
        """Each downtime's records, and how many are entered into Thrive (re-entry progress)."""
        return self.annotate(
            record_count=models.Count("records"),
            entered_count=models.Count("records", filter=Q(records__entered_at__isnull=False)),
        )


class Downtime(models.Model):
    started_at = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(
        "Message to everyone",
        max_length=300,
        help_text="Shown at the top of every page, for example "
        "'Thrive is being upgraded. Record your work in your Downtime tracker.'",
    )
    expected_back = models.DateTimeField("Expected back", null=True, blank=True)
    close_portal = models.BooleanField(
        "Show the portal holding page to health partners",
        default=True,
    )
    portal_contacts = models.CharField(
        "Contact numbers for telephone referrals",
        max_length=1000,
        blank=True,
        help_text="Shown on the portal holding page.",
    )
    # True while in force; NULL once ended, so that at most one downtime is ever in force.
    in_force = models.BooleanField(null=True, default=True, editable=False)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = DowntimeQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["in_force"], condition=Q(in_force=True), name="one_downtime_in_force"
            ),
        ]

    def __str__(self):
        return f"Read-only mode from {timezone.localtime(self.started_at):%d/%m/%Y %H:%M}"


class NatureOfWork(models.TextChoices):
    NEW_REFERRAL = "new_referral", "New referral"
    CONTACT = "contact", "Contact with family or notifier"
    CASE_NOTE = "case_note", "Case note"
    DECISION = "decision", "Decision on a referral"
    ALLOCATION = "allocation", "Worker allocated or changed"
    ASSESSMENT = "assessment", "Assessment or plan"
    CLOSURE = "closure", "Case closure"
    DOCUMENT = "document", "Document to upload"
    DETAILS = "details", "Change of family details"
    OTHER = "other", "Other"


class RecordKind(models.TextChoices):
    """What a downtime record holds, like the guide's templates. Every kind but free text
    holds what Thrive needs to enter it in one click (continuity.applying)."""

    NOTE = "note", "Case note or contact"
    CASE_CHANGE = "case_change", "Change to case information"
    DECISION = "decision", "Decision on a referral or worker allocated"
    NEW_FAMILY = "new_family", "New family (NEW)"
    ATTACHMENT = "attachment", "Document or photo to attach"
    FREE_TEXT = "free_text", "Other work (free text)"


class DowntimeRecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Your own records; for managers, their services' records that are not restricted,
        and the TEMPLATE REFERRALS sent to their services (so a colleague's work can be entered
        if they are away). Restricted records are seen by their author alone."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        condition = Q(created_by=user)
        managed = Service.objects.filter(
            memberships__user=user, memberships__role=Role.SERVICE_MANAGER
        ).values("pk")
        condition |= Q(restricted=False) & (Q(service__in=managed) | Q(sent_to__in=managed))
        if user.has_role(Role.EHPS_OFFICER):
            # NEW families a service sent to the Early Help team of its district, to refer.
            condition |= Q(restricted=False, sent_to_district__in=user.districts())
        return self.filter(condition)

    def waiting(self):
        """Not yet entered into Thrive: the re-entry queue."""
        return self.filter(entered_at__isnull=True)


class DowntimeRecord(models.Model):
    downtime = models.ForeignKey(
        Downtime, null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="downtime_records"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The team the work belongs to: the author's service (commissioned services), if any.
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    thrive_id = models.CharField("Thrive ID or NEW", max_length=20)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    child_surname = models.CharField("Child surname", max_length=100)
    child_date_of_birth = models.DateField("Child date of birth", null=True, blank=True)
    restricted = models.BooleanField("Restricted record?", default=False)
    recorded_at = models.DateTimeField("Date & Time Information Recorded", default=timezone.now)
    nature_of_work = models.CharField(
        "Nature of Work Undertaken", max_length=20, choices=NatureOfWork.choices
    )
    details = models.CharField(
        "What was done",
        max_length=5000,
        help_text="Everything that will need entering into Thrive: who, what was said or "
        "decided, dates, and what should happen next.",
    )
    # A TEMPLATE REFERRAL: work passed to another team to action.
    sent_to = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(
        "Kind of record", max_length=20, choices=RecordKind.choices, default=RecordKind.FREE_TEXT
    )
    # What the kind's form took, as JSON (dates as ISO text, choices by id): see
    # continuity.kinds for each kind's shape.
    values = models.JSONField(default=dict, blank=True)
    # A NEW family a service sent to the Early Help team of its district to refer.
    sent_to_district = models.CharField(
        "Sent to the Early Help team of", max_length=30, choices=District.choices, blank=True
    )
    # Made by the browser for a record kept offline, so that sending it twice adds it once.
    client_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    entered_at = models.DateTimeField("Date Entered into Thrive", null=True, blank=True)
    # Entered by applying it (continuity.applying), not by hand: it cannot be undone, since
    # the work is on the case and applying it again would enter it twice.
    applied = models.BooleanField(default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)

    objects = DowntimeRecordQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_by", "recorded_at"],
                name="downtime_record_tracker",
            ),
            models.Index(
                fields=["service", "recorded_at"],
                condition=Q(entered_at__isnull=True),
                name="downtime_record_waiting",
            ),
            models.Index(
                fields=["sent_to", "recorded_at"],
                condition=Q(entered_at__isnull=True),
                name="downtime_record_referrals",
            ),
        ]

    def __str__(self):
        return f"Downtime record {self.pk}"

    @property
    def is_template_referral(self) -> bool:
        return self.sent_to_id is not None


class DowntimeAttachment(models.Model):
    """A document or photo kept with a downtime record until it goes into the case's
    document library. Checked like every upload (documents.uploads) when it is taken, and
    again when it is applied; stored under a random name."""

    record = models.OneToOneField(
        DowntimeRecord, on_delete=models.CASCADE, related_name="attachment"
    )
    stored_name = models.CharField(max_length=255, unique=True)
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    document = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self):
        return self.original_name
