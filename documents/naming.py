"""The file naming convention, ThriveID-DDMMYY-Filename.ext (for example
`KT000123-210116-FamilyPlan.docx`): Thrive writes the ID and date itself, so a document is
never "lost" because of a typed ID."""

import re
from datetime import date

from cases.models import normalise_thrive_id

# An ID, a six-digit date and the rest: `TEST19-020316-BFprogresslog.docx`, `kt 12-010125-x`.
CONVENTION = re.compile(r"^(?P<id>[A-Za-z]+ ?\d+)-(?P<date>\d{6})-(?P<rest>.+)$")


def thrive_id_in(name: str) -> str:
    """The normalised Thrive ID a conventionally named file starts with, or ""."""
    match = CONVENTION.match(name)
    return normalise_thrive_id(match.group("id")) if match else ""


def _filename_part(safe_name: str) -> str:
    match = CONVENTION.match(safe_name)
    if match:
        return match.group("rest")
    stem, dot, extension = safe_name.rpartition(".")
    if not dot:
        stem, extension = safe_name, ""
    words = re.split(r"[\s_]+", stem.strip())
    joined = "".join(word[:1].upper() + word[1:] for word in words if word) or "Document"
    return f"{joined}.{extension}" if extension else joined


def conventional_name(thrive_id: str, safe_name: str, on: date) -> str:
    """`KT000123-231126-FamilyPlan.docx` from "Family plan.docx" uploaded on 23/11/2026; a
    name that already follows the convention keeps its date and filename but takes this ID."""
    match = CONVENTION.match(safe_name)
    stamp = match.group("date") if match else on.strftime("%d%m%y")
    return f"{thrive_id}-{stamp}-{_filename_part(safe_name)}"[:255]


def with_extension(name: str, extension: str) -> str:
    stem, dot, _ = name.rpartition(".")
    return f"{stem if dot else name}{extension}"
