"""Early Help cases: a referral from an EHPS district team to a commissioned service, the
service's decision, allocation to a worker, the work, closure and archive."""

import re

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

from thrive.models import District, Role, Service
from thrive.search.text import name_keys, postcode_key


class ReferenceListItem(models.Model):
    """An entry of a list administrators keep (Key Reasons for Support, Outcome of
    Involvement). Retired entries stay on old cases but are not offered on new ones."""

    name = models.CharField(max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class KeyReason(ReferenceListItem):
    class Meta(ReferenceListItem.Meta):
        verbose_name = "key reason for support"


class Outcome(ReferenceListItem):
    class Meta(ReferenceListItem.Meta):
        verbose_name = "outcome of involvement"


THRIVE_ID_PATTERN = re.compile(r"^([A-Z]+)0*(\d+)$")


def normalise_thrive_id(text: str) -> str:
    """`kt 123`, `KT000123` and ` Kt0123 ` all mean `KT000123`; other IDs (such as imported
    `TEST13`) are compared without spaces and case."""
    cleaned = re.sub(r"\s+", "", text or "").upper()
    match = THRIVE_ID_PATTERN.match(cleaned)
    if match and match.group(1) == settings.THRIVE_ID_PREFIX:
        return f"{settings.THRIVE_ID_PREFIX}{int(match.group(2)):06d}"
    return cleaned


SEARCHED_FIELDS = frozenset({"child_first_name", "child_last_name", "family_names", "postcode"})
SEARCH_KEY_FIELDS = ("search_names", "search_sounds", "search_postcode")


def search_keys(first_name: str, last_name: str, family_names: str, postcode: str):
    """The values of SEARCH_KEY_FIELDS for these names and postcode."""
    names, sounds = name_keys(first_name, last_name, family_names)
    return names[:700], sounds[:300], postcode_key(postcode)[:10]


class Status(models.TextChoices):
    AWAITING_DECISION = "awaiting_decision", "Awaiting decision"
    PENDING = "pending", "Pending"
    DECLINED = "declined", "Declined"
    AWAITING_WORKER = "awaiting_worker", "Accepted awaiting worker"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Progressing(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    PENDING = "pending", "Pending"


class CaseQuerySet(models.QuerySet):
    def matching_thrive_id(self, text: str):
        """The cases a typed Thrive ID finds. The short form (`kt 123`) means that one case,
        KT000123; anything else is also looked for inside the IDs, so part of an ID (`123`,
        `KT00012`, `TEST1`) finds every case whose ID contains it."""
        cleaned = re.sub(r"\s+", "", text or "").upper()
        whole = Q(thrive_id=normalise_thrive_id(cleaned))
        match = THRIVE_ID_PATTERN.match(cleaned)
        short_form = (
            match
            and match.group(1) == settings.THRIVE_ID_PREFIX
            and not cleaned[len(match.group(1))].startswith("0")
        )
        if short_form:
            return self.filter(whole)
        return self.filter(whole | Q(thrive_id__contains=cleaned))

    def visible_to(self, user):
        """Managers see their services' cases; workers the cases allocated to them (the
        moment the worker changes, the old one loses access); EHPS officers the cases of
        their districts. Nobody else sees case records, administrators included."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        condition = Q(pk__in=[])
        if user.has_role(Role.SERVICE_MANAGER):
            condition |= Q(service__in=user.service_ids(Role.SERVICE_MANAGER))
        if user.has_role(Role.SERVICE_WORKER):
            condition |= Q(worker=user, service__in=user.service_ids(Role.SERVICE_WORKER))
        if user.has_role(Role.EHPS_OFFICER):
            condition |= Q(district__in=user.districts())
        return self.filter(condition)

    def workers_of_services(self, services: list[int]):
        """The ids of everyone who is the worker of a case of these services, as a subquery.
        A loose index scan on case_service_workers: each step asks the index for the next
        worker after the last one found, so it costs a probe a worker (tens), not a read of
        every case of the service (tens of thousands at volume)."""
        return self._loose("service_id", [(s,) for s in services], "worker_id")

    def _loose(self, column: str, keys: list[tuple], distinct: str):
        """The distinct values of `distinct` among the cases whose `column` is one of `keys`,
        skipping through an index that starts (column, distinct)."""
        from django.db.models.expressions import RawSQL

        if not keys:
            return self.none().values("pk")
        table = connection.ops.quote_name(self.model._meta.db_table)
        column = connection.ops.quote_name(column)
        distinct = connection.ops.quote_name(distinct)
        values = ", ".join(["(%s)"] * len(keys))
        sql = f"""
            WITH RECURSIVE keys(k) AS (VALUES {values}),
            found(k, v) AS (
                SELECT keys.k, (SELECT min(c.{distinct}) FROM {table} c WHERE c.{column} = keys.k)
                FROM keys
              UNION ALL
                SELECT f.k, (SELECT min(c.{distinct}) FROM {table} c
                             WHERE c.{column} = f.k AND c.{distinct} > f.v)
                FROM found f WHERE f.v IS NOT NULL
            )
            SELECT v FROM found WHERE v IS NOT NULL
        """  # noqa: S608 (table and column names from the models, values as parameters)
        return RawSQL(sql, [key for (key,) in keys])  # noqa: S611 (no text from outside in it)

    def workers_of_districts(self, districts: list[str]):
        """The ids of everyone who is the worker of a case of these districts, as a
        subquery: the same loose index scan as workers_of_services, on case_district_workers
        (a probe a worker: a district's hundreds, not its tens of thousands of cases)."""
        return self._loose("district", [(d,) for d in districts], "worker_id")

    def services_of_districts(self, districts: list[str]):
        """The ids of the services with a case in these districts, as a subquery: a loose
        index scan on case_district_services (a probe a service)."""
        return self._loose("district", [(d,) for d in districts], "service_id")

    def active(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)


# The columns of the EHPS referrals list's download beyond its order (cases/reports.py
# ehps_area), carried in the case_district_referral_rows index so the download is an
# index-only scan. A plain composite index (SQLite has no INCLUDE).
REFERRAL_ROW_FIELDS = (
    "service",
    "worker",
    "status",
    "thrive_id",
    "family_names",
    "child_first_name",
    "child_last_name",
)


class Case(models.Model):
    thrive_id = models.CharField("Thrive ID", max_length=20, unique=True, null=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="cases")
    district = models.CharField(max_length=30, choices=District.choices)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.AWAITING_DECISION
    )
    version = models.PositiveIntegerField(default=1)

    # Demographics, completed by the EHPS district team.
    family_names = models.CharField("Family second name(s)", max_length=200)
    child_first_name = models.CharField("Main child first name", max_length=100)
    child_last_name = models.CharField("Main child second name", max_length=100)
    child_date_of_birth = models.DateField("Main child date of birth")
    other_children = models.CharField("Other children", max_length=1000, blank=True)
    address = models.CharField(max_length=500)
    postcode = models.CharField(max_length=10)
    notifier = models.CharField(max_length=200)
    reason_for_referral = models.CharField("Reason for referral", max_length=4000)
    date_referred = models.DateField("Date referred")
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals"
    )

    # Commissioned Services Information, completed by the service manager.
    response_date = models.DateField("Date of response to EHPS", null=True, blank=True)
    progressing = models.CharField(
        "Is the case progressing within the commissioned service",
        max_length=10,
        choices=Progressing.choices,
        blank=True,
    )
    decline_reason = models.CharField("Reason for declining", max_length=2000, blank=True)
    waiting_list = models.BooleanField("Is the case subject to a waiting list", null=True)
    predicted_start_date = models.DateField("Predicted date work will start", null=True, blank=True)
    date_worker_appointed = models.DateField("Date worker appointed", null=True, blank=True)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Name of worker",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocated_cases",
    )

    # The work, recorded by the worker.
    first_contact_family = models.DateField(
        "Date of first contact with family", null=True, blank=True
    )
    first_contact_notifier = models.DateField(
        "Date of first contact with notifier", null=True, blank=True
    )
    assessment_date = models.DateField("Date of assessment and/or plan", null=True, blank=True)
    key_reasons = models.ManyToManyField(
        KeyReason, verbose_name="Key reasons for support", blank=True
    )

    # Closure and archive.
    closure_date = models.DateField("Date of case closure", null=True, blank=True)
    outcome = models.ForeignKey(
        Outcome,
        verbose_name="Outcome of involvement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    closure_summary = models.CharField("Closure summary", max_length=4000, blank=True)
    archived_at = models.DateTimeField("Archive date", null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    archive_undone_reason = models.CharField(
        "Reason the archive was undone", max_length=1000, blank=True
    )

    created_at = models.DateTimeField(default=timezone.now)
    modified_at = models.DateTimeField(default=timezone.now)
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    # What the search box and the "may already be known" check match, kept from the names and
    # postcode on every save (thrive/search/text.py says how names are folded).
    search_names = models.CharField(max_length=700, blank=True, editable=False)
    search_sounds = models.CharField(max_length=300, blank=True, editable=False)
    search_postcode = models.CharField(max_length=10, blank=True, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The managers' lists: a service's active cases by status, newest or oldest first.
            models.Index(
                fields=["service", "status", "date_referred"],
                condition=Q(archived_at__isnull=True),
                name="case_active_by_service",
            ),
            models.Index(
                fields=["service", "-modified_at"],
                condition=Q(archived_at__isnull=True),
                name="case_last_modified",
            ),
            models.Index(
                fields=["service", "-archived_at"],
                condition=Q(archived_at__isnull=False),
                name="case_archived",
            ),
            models.Index(
                fields=["worker", "status"],
                condition=Q(archived_at__isnull=True),
                name="case_my_cases",
            ),
            models.Index(fields=["district", "status"], name="case_by_district"),
            # Search and "may already be known" by date of birth. The name, Thrive ID and
            # postcode indexes are PostgreSQL's own (trigram, pattern): migration 0004.
            models.Index(fields=["child_date_of_birth"], name="case_child_date_of_birth"),
            # The EHPS officers' lists across their districts: referrals newest first, Last
            # Modified Cases, declined cases to archive, counts and the Name of Worker choices.
            # The referrals index also holds every column of the referrals list's download
            # (reports.ehps_area), so a district's CSV is read from the index alone, in order,
            # not from its tens of thousands of cases' heap pages scattered over the table.
            models.Index(
                fields=[
                    "district",
                    "-date_referred",
                    "-id",
                    *REFERRAL_ROW_FIELDS,
                ],
                condition=Q(archived_at__isnull=True),
                name="case_district_referral_rows",
            ),
            models.Index(
                fields=["district", "-modified_at", "-id"],
                condition=Q(archived_at__isnull=True),
                name="case_district_modified",
            ),
            models.Index(
                fields=["district", "status", "worker"],
                condition=Q(archived_at__isnull=True),
                name="case_active_by_district",
            ),
            # The managers' lists in their default orders, read a page at a time (and counted
            # from the same index alone), not sorted from every case of the service.
            models.Index(
                fields=["service", "-date_referred", "-id"],
                condition=Q(archived_at__isnull=True),
                name="case_service_referrals",
            ),
            models.Index(
                fields=["service", "family_names", "id"],
                condition=Q(archived_at__isnull=True),
                name="case_service_family",
            ),
            # The Name of worker choices: a loose index scan (CaseQuerySet.workers_of_services).
            models.Index(fields=["service", "worker"], name="case_service_workers"),
            # Documents by case in Thrive ID or family name order, archived cases included
            # (documents.reports.CasesByDocuments walks a service's cases in that order).
            models.Index(fields=["service", "thrive_id"], name="case_service_thrive_id"),
            models.Index(fields=["service", "family_names", "id"], name="case_service_families"),
            # The EHPS officers' Name of worker choices (workers_of_districts).
            models.Index(fields=["district", "worker"], name="case_district_workers"),
            models.Index(fields=["district", "service"], name="case_district_services"),
            models.Index(
                fields=["service", "closure_date", "id"],
                condition=Q(status=Status.CLOSED, closure_summary=""),
                name="case_closed_no_summary",
            ),
            # Response times: the service's referrals of the last year, from the index alone.
            models.Index(
                fields=["service", "date_referred", "response_date", "first_contact_family"],
                name="case_response_times",
            ),
            # Cases by status and district: counted from the index alone.
            models.Index(
                fields=["service", "district", "status"],
                condition=Q(archived_at__isnull=True),
                name="case_service_district_status",
            ),
            # The Waiting list: accepted, waiting, not yet contacted, oldest first.
            models.Index(
                fields=["service", "date_referred", "id"],
                condition=Q(
                    archived_at__isnull=True,
                    waiting_list=True,
                    first_contact_family__isnull=True,
                    status__in=[Status.AWAITING_WORKER, Status.OPEN],
                ),
                name="case_waiting_list",
            ),
            models.Index(
                fields=["service", "progressing", "-archived_at"],
                condition=Q(archived_at__isnull=False),
                name="case_archived_progressing",
            ),
            models.Index(
                fields=["service", "status", "-archived_at"],
                condition=Q(archived_at__isnull=False),
                name="case_archived_status",
            ),
            models.Index(
                fields=["service", "-modified_at"],
                condition=Q(archived_at__isnull=False),
                name="case_archived_modified",
            ),
        ]

    def __str__(self):
        return self.thrive_id or "new case"

    def save(self, *args, **kwargs):
        self.search_names, self.search_sounds, self.search_postcode = search_keys(
            self.child_first_name, self.child_last_name, self.family_names, self.postcode
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and SEARCHED_FIELDS.intersection(update_fields):
            kwargs["update_fields"] = {*update_fields, *SEARCH_KEY_FIELDS}
        super().save(*args, **kwargs)

    @property
    def child_name(self) -> str:
        return f"{self.child_first_name} {self.child_last_name}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def age_in_days(self) -> int:
        return (timezone.localdate() - self.date_referred).days

    @property
    def accepted(self) -> bool:
        return self.progressing == Progressing.YES


class NoteKind(models.TextChoices):
    """What a case note or contact records, in the words of the guide's templates."""

    HOME_VISIT = "home_visit", "Home visit"
    PHONE_CALL = "phone_call", "Phone call"
    MEETING = "meeting", "Meeting"
    VISIT_ELSEWHERE = "visit_elsewhere", "Visit at school or another place"
    MESSAGE = "message", "Email, letter or text message"
    NOTE = "note", "Case note"


class CaseNoteQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The notes of every case the person may see (Case.visible_to decides)."""
        return self.filter(case__in=Case.objects.visible_to(user).values("pk"))


class CaseNote(models.Model):
    """A case note or a contact: the work done with or for the family, when and with whom.
    Corrected, never deleted; each correction is audited."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    kind = models.CharField("Kind of contact or note", max_length=20, choices=NoteKind.choices)
    happened_at = models.DateTimeField("Date and time of the work")
    who = models.CharField("Who was involved", max_length=200, blank=True)
    text = models.CharField("What happened", max_length=10_000)
    # Where it came from when it was not typed on the case itself, for example "downtime
    # record 12, recorded at 23-Nov-2026 10:30 by Will Kerr".
    entered_from = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    modified_at = models.DateTimeField(default=timezone.now)
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = CaseNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-happened_at", "-pk"]
        indexes = [models.Index(fields=["case", "-happened_at"], name="case_note_timeline")]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.case}"

    @property
    def corrected(self) -> bool:
        return self.version > 1
