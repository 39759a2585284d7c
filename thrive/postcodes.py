"""UK postcodes, typed any old way: `me141xq`, ` ME14  1XQ ` and `ME14 1XQ` are all ME14 1XQ."""

import re

from django import forms

# The outward code's shapes (A9, A99, A9A, AA9, AA99, AA9A) and the inward code, plus GIR 0AA.
POSTCODE = re.compile(r"^(GIR0AA|[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2})$")


def clean_postcode(value: str) -> str:
    """The postcode in capitals with one space before the inward code, or a ValidationError."""
    value = re.sub(r"\s+", "", value or "").upper()
    if not POSTCODE.match(value):
        raise forms.ValidationError("Enter a real postcode, like ME14 1XQ")
    return f"{value[:-3]} {value[-3:]}"
