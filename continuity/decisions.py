"""Downtime records of the Commissioned Services Information a manager records: the decision
on a referral (Record decision: date of response to EHPS, whether the case is progressing, the
reason for declining, waiting list, predicted start) and the worker allocated (Allocate
worker: name of worker, date worker appointed).

The record's form is the case page's own form (DecisionForm or AllocateForm, with their
checks), chosen by what the case awaits when the record is made. A decision that accepts the
case may name the worker too, since both are often settled in the same conversation. Its
values (`DowntimeRecord.values`):

    {"version": case version, "fields": {case field: value}, "base": {case field: value}}

`fields` holds what the record sets (dates as ISO text, the worker by id), `base` what the case
held when it was recorded. Applied through `record_decision` and `allocate_worker`, each part
as a whole: a part the case changed since, differently, needs the person's choice."""

from __future__ import annotations

import datetime as dt

from django.db import models

from cases.forms import AllocateForm, DecisionForm, WorkerChoiceField, label_of
from cases.models import Case, Progressing
from cases.services import allocate_worker, may, record_decision, roles_on_case, workers_of
from thrive.models import Role, User
from thrive.ui.govuk_forms import GovukDateField
from thrive.ui.tables import display

from .records import RecordRefused

DECISION_FIELDS = [
    "response_date",
    "progressing",
    "decline_reason",
    "waiting_list",
    "predicted_start_date",
]
ALLOCATION_FIELDS = ["worker", "date_worker_appointed"]
FIELDS = DECISION_FIELDS + ALLOCATION_FIELDS
PARTS = {"decision": DECISION_FIELDS, "allocation": ALLOCATION_FIELDS}
PART_LABELS = {"decision": "The decision", "allocation": "The worker allocated"}
DATE_FIELDS = {"response_date", "predicted_start_date", "date_worker_appointed"}

NOT_YOURS = (
    "Only the service’s manager records a decision or allocates a worker, while the case "
    "awaits a decision or is accepted: this case does not"
)
WORKER_NEEDS_YES = (
    "A worker can only be allocated to a case that is progressing. Answer Yes, or leave "
    "Name of worker blank"
)
WORKER_NEEDS_DATE = "Enter the date the worker was appointed"
WORKER_GONE = "The worker named in this record is no longer in Thrive: allocate one by hand."


def _json(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def case_values(case: Case) -> dict:
    """What the case holds now, as a record keeps it."""
    return {
        name: _json(getattr(case, "worker_id" if name == "worker" else name)) for name in FIELDS
    }


def may_record(user: User, case: Case) -> bool:
    """Whether `user` may record a decision or an allocation on `case`, as the case page
    offers Record decision or Allocate worker."""
    return may(user, "decide", case) or may(user, "allocate", case)


def may_apply(user: User, case: Case) -> bool:
    """Whether `user` may apply one: the service's manager on a case not archived. What the
    case's state allows is the live services' rule (record_decision, allocate_worker)."""
    return Role.SERVICE_MANAGER in roles_on_case(user, case) and not case.is_archived


class _RecordValues:
    """What the two forms keep, in the same shape."""

    decides = False

    def __init__(self, *args, initial=None, **kwargs):
        recorded = dict(initial or {})  # the live form fills `initial` from the case
        super().__init__(*args, initial=initial, **kwargs)
        if not self.is_bound:
            self.initial.update(recorded)  # the record's values over the case's, to correct it

    def record_values(self) -> dict:
        data = self.cleaned_data
        fields = {}
        if self.decides:
            progressing = data["progressing"]
            accepted = progressing == Progressing.YES
            fields = {
                "response_date": data["response_date"],
                "progressing": progressing,
                "decline_reason": data.get("decline_reason", "").strip()
                if progressing == Progressing.NO
                else "",
                "waiting_list": data.get("waiting_list") if accepted else None,
                "predicted_start_date": data.get("predicted_start_date") if accepted else None,
            }
        if data.get("worker"):
            fields.update(worker=data["worker"], date_worker_appointed=data["date_appointed"])
        return {
            "version": data["version"],
            "fields": {name: _json(value) for name, value in fields.items()},
            "base": case_values(self.case),
        }


class DecisionWork(_RecordValues, DecisionForm):
    """Record decision, as the case page asks it, with the worker if it is accepted."""

    decides = True

    worker = WorkerChoiceField(
        queryset=None,
        required=False,
        label="Name of worker",
        empty_label="Not allocated yet",
        help_text="If you accepted the case and know who will work it. Only workers of this "
        "service are listed, with their Thrive username",
        error_messages={"invalid_choice": "Choose a worker from this service"},
    )
    date_appointed = GovukDateField(
        label="Date worker appointed", allow_future=False, required=False
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.fields["worker"].queryset = workers_of(case.service)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("worker"):
            if cleaned.get("progressing") != Progressing.YES:
                self.add_error("worker", WORKER_NEEDS_YES)
            if not cleaned.get("date_appointed") and "date_appointed" not in self.errors:
                self.add_error("date_appointed", WORKER_NEEDS_DATE)
        return cleaned


class AllocationWork(_RecordValues, AllocateForm):
    """Allocate worker, as the case page asks it."""


def form_class_for(user: User, case: Case, values: dict | None = None):
    """The form for a new record (by what the case awaits) or for correcting one (by what it
    recorded); None if the person cannot record either on this case."""
    if values is not None:
        return DecisionWork if "progressing" in values["fields"] else AllocationWork
    if may(user, "decide", case):
        return DecisionWork
    if may(user, "allocate", case):
        return AllocationWork
    return None


def initial_from(values: dict) -> dict:
    """The form filled in from a record, for the author's correction."""
    fields = values["fields"]
    initial = {name: fields[name] for name in DECISION_FIELDS if name in fields}
    if "waiting_list" in initial:
        initial["waiting_list"] = {True: "yes", False: "no"}.get(initial["waiting_list"])
    if fields.get("worker"):
        initial.update(worker=fields["worker"], date_appointed=fields["date_worker_appointed"])
    return initial


def label(name: str) -> str:
    return label_of(name)


def shown(name: str, value) -> str:
    """A recorded value as the case page shows it."""
    if value in (None, ""):
        return "blank"
    if name in DATE_FIELDS:
        return display(dt.date.fromisoformat(value))
    if name == "progressing":
        return Progressing(value).label
    if name == "worker":
        worker = User.objects.filter(pk=value).first()
        return f"{worker.full_name} ({worker.username})" if worker else "a former worker"
    return display(value)


def summary(values: dict) -> str:
    """The record's "What was done"."""
    return "\n".join(
        f"{label(name)}: {shown(name, value)}" for name, value in values["fields"].items()
    )


def is_decision(values: dict) -> bool:
    return "progressing" in values["fields"]


# --- Applying -------------------------------------------------------------------------------


def same(a, b) -> bool:
    return (a if a not in ("", None) else None) == (b if b not in ("", None) else None)


def plan(values: dict, case: Case) -> tuple[dict, dict, list[str]]:
    """What the record sets, what the case holds now, and the parts ("decision",
    "allocation") the case changed since the record was made, to something else."""
    sets, base, now = values["fields"], values["base"], case_values(case)
    conflicts = []
    for part, names in PARTS.items():
        names = [name for name in names if name in sets]
        changed_since = any(not same(now[name], base.get(name)) for name in names)
        holds_record = all(same(now[name], sets[name]) for name in names)
        if names and changed_since and not holds_record:
            conflicts.append(part)
    return sets, now, conflicts


def part_text(names: list[str], values: dict) -> str:
    return "; ".join(f"{label(name)}: {shown(name, values.get(name))}" for name in names)


def apply(
    values: dict, case: Case, *, by: User, keep: set[str], source: str, request=None
) -> list[str]:
    """Write each part the case does not hold already, unless the person chose to keep the
    case's (`keep`), through the live service. Returns the parts written."""
    sets, now, _conflicts = plan(values, case)
    written = []
    decision = {name: sets[name] for name in DECISION_FIELDS if name in sets}
    if decision and "decision" not in keep and not _holds(now, decision):
        case = record_decision(
            case,
            by=by,
            version=case.version,
            response_date=dt.date.fromisoformat(decision["response_date"]),
            progressing=decision["progressing"],
            decline_reason=decision.get("decline_reason") or "",
            waiting_list=decision.get("waiting_list"),
            predicted_start_date=_date(decision.get("predicted_start_date")),
            entered_from=source,
            request=request,
        )
        written.append("decision")
        now = case_values(case)
    allocation = {name: sets[name] for name in ALLOCATION_FIELDS if name in sets}
    if allocation and "allocation" not in keep and not _holds(now, allocation):
        worker = User.objects.filter(pk=allocation["worker"]).first()
        if worker is None:
            raise RecordRefused(WORKER_GONE)
        allocate_worker(
            case,
            by=by,
            version=case.version,
            worker=worker,
            date_appointed=dt.date.fromisoformat(allocation["date_worker_appointed"]),
            entered_from=source,
            request=request,
        )
        written.append("allocation")
    return written


def _holds(now: dict, part: dict) -> bool:
    return all(same(now[name], value) for name, value in part.items())


def _date(text):
    return dt.date.fromisoformat(text) if text else None
