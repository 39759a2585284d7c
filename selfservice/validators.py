"""The Acceptable Use Policy password rules, as Django password validators.

They are listed in settings.AUTH_PASSWORD_VALIDATORS, so every place a password is set
(`django.contrib.auth.password_validation.validate_password`) applies all of them:

1. LengthValidator: at least PASSWORD_MIN_LENGTH characters, at most PASSWORD_MAX_LENGTH
   (a longer password is refused, never truncated).
2. CharacterTypesValidator: at least 3 of upper case, lower case, number, special character.
3. NameFragmentValidator: no run of 3 characters from the username or a part of the full name.
4. PasswordHistoryValidator: not one of the last PASSWORD_HISTORY_COUNT passwords, nor a small
   change to one ("Password01" then "Password02"). With the current password typed (changing a
   password) `refuse_small_change` compares the two directly as well.
6. Django's CommonPasswordValidator (listed in settings).

Rule 5 (expiry) is not about what a password may be: see services.py and middleware.py.
"""

from __future__ import annotations

import hmac
import re

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password
from django.core.exceptions import ValidationError
from django.utils.crypto import get_random_string

# The AUP's list. Any other symbol (for example £) counts as special too; spaces do not.
SPECIAL_CHARACTERS = "~!@#$%^&*_-+=`|\\()[]{}:;\"'<>,.?/"
TYPE_NAMES = {
    "upper": "upper case letters",
    "lower": "lower case letters",
    "number": "numbers",
    "special": "special characters",
}
REQUIRED_TYPES = 3
FRAGMENT_LENGTH = 3


def _min_length() -> int:
    return settings.PASSWORD_MIN_LENGTH


def _max_length() -> int:
    return settings.PASSWORD_MAX_LENGTH


class LengthValidator:
    """Rule 1: long enough, and not so long it would have to be cut short."""

    def validate(self, password, user=None):
        if len(password) < _min_length():
            raise ValidationError(
                "Your password must be at least %(min)d characters long",
                code="password_too_short",
                params={"min": _min_length()},
            )
        if len(password) > _max_length():
            raise ValidationError(
                "Your password must be %(max)d characters or fewer – it has %(length)d",
                code="password_too_long",
                params={"max": _max_length(), "length": len(password)},
            )

    def get_help_text(self):
        return (
            f"Your password must be at least {_min_length()} characters long (longer is better)"
            f" and no more than {_max_length()}."
        )


def character_types(password: str) -> set[str]:
    """Which of the four character types the password uses."""
    found = set()
    for char in password:
        if char.isupper():
            found.add("upper")
        elif char.islower():
            found.add("lower")
        elif char.isdecimal():
            found.add("number")
        elif not char.isalnum() and not char.isspace():
            found.add("special")
    return found


def _and_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


class CharacterTypesValidator:
    """Rule 2: at least 3 of the 4 character types."""

    def validate(self, password, user=None):
        found = character_types(password)
        if len(found) >= REQUIRED_TYPES:
            return
        has = [TYPE_NAMES[name] for name in TYPE_NAMES if name in found]
        raise ValidationError(
            "Your password must contain at least 3 of these 4: upper case letters, lower case "
            "letters, numbers and special characters such as ! ? @ # – it has %(has)s",
            code="password_character_types",
            params={"has": ("only " + _and_list(has)) if has else "none of them"},
        )

    def get_help_text(self):
        return (
            "Your password must contain at least 3 of these 4: an upper case letter, a lower "
            "case letter, a number, a special character such as ~ ! @ # $ % ^ & * _ - + = ` | "
            "\\ ( ) [ ] { } : ; \" ' < > , . ? /"
        )


def name_parts(user) -> list[str]:
    """The username and each word of the full name, case-folded."""
    parts = [getattr(user, "username", "") or ""]
    parts += re.split(r"[\s\-'’.]+", getattr(user, "full_name", "") or "")
    return [part.casefold() for part in parts if part]


def name_fragments(user) -> list[str]:
    """Every run of 3 consecutive characters of the username or of a part of the name."""
    fragments = []
    for part in name_parts(user):
        for start in range(len(part) - FRAGMENT_LENGTH + 1):
            fragment = part[start : start + FRAGMENT_LENGTH]
            if fragment not in fragments:
                fragments.append(fragment)
    return fragments


class NameFragmentValidator:
    """Rule 3: 'jamas' may use 'ja' but not 'jam'."""

    def validate(self, password, user=None):
        if user is None:
            return
        folded = password.casefold()
        for fragment in name_fragments(user):
            if fragment in folded:
                raise ValidationError(
                    "Your password must not contain 3 or more characters in a row from your "
                    "username or your name – it contains ‘%(fragment)s’",
                    code="password_contains_name",
                    params={"fragment": fragment},
                )

    def get_help_text(self):
        return (
            "Your password must not contain 3 or more characters in a row from your username "
            "or your name: if your name is ‘jamas’ it may contain ‘ja’ but not ‘jam’."
        )


# --- Rule 4: unique, and not "sequential" -----------------------------------------------------

_DIGITS = re.compile(r"\d+")
_TRAILING_SYMBOLS = re.compile(r"[^\w]+$")
SMALL_STEPS = (1, 2)
MAX_EDIT_DISTANCE = 2
HISTORY_MESSAGE = (
    "Your password must be different from your last %(count)d passwords, and not a small "
    "change to one of them (such as Password01 then Password02)"
)


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def is_small_change(previous: str, new: str) -> bool:
    """True if `new` is `previous` again or a trivial change of it: different only in case,
    in its numbers (Password01 → Password02, Summer2025 → Summer2026), or in one or two
    characters added, removed or changed (Password01 → Password01!)."""
    a, b = previous.casefold(), new.casefold()
    if a == b:
        return True
    if _DIGITS.search(a) and _DIGITS.sub("#", a) == _DIGITS.sub("#", b):
        return True
    return _edit_distance(a, b, MAX_EDIT_DISTANCE) <= MAX_EDIT_DISTANCE


def refuse_small_change(previous: str, new: str) -> None:
    """Compare a new password with the current one typed in the same form."""
    if is_small_change(previous, new):
        raise ValidationError(
            HISTORY_MESSAGE,
            code="password_sequential",
            params={"count": settings.PASSWORD_HISTORY_COUNT},
        )


def _number_steps(text: str) -> list[str]:
    """`text` with each of its last two numbers moved up and down by a small step, keeping
    leading zeros (Password02 → Password01, Password03, Password00, Password04)."""
    results = []
    for match in list(_DIGITS.finditer(text))[-2:]:
        digits = match.group()
        value = int(digits)
        for step in SMALL_STEPS:
            for moved in (value - step, value + step):
                if moved < 0:
                    continue
                replacement = str(moved).zfill(len(digits))
                results.append(text[: match.start()] + replacement + text[match.end() :])
    return results


def password_variants(password: str) -> list[str]:
    """The bounded set of passwords that would make `password` a repeat of an old one: itself,
    its numbers moved by small steps, without trailing symbols, without its last character
    and with a "!" added. Case-folded, as the history is. At most 14 (each costs one hash)."""
    folded = password.casefold()
    candidates = [folded, *_number_steps(folded)]
    stripped = _TRAILING_SYMBOLS.sub("", folded)
    if stripped and stripped != folded:
        candidates += [stripped, *_number_steps(stripped)[:2]]
    if len(folded) > 1:
        candidates.append(folded[:-1])
    candidates.append(folded + "!")
    unique = []
    for candidate in candidates:
        if candidate and candidate not in unique:
            unique.append(candidate)
    return unique


_HISTORY_HASHER = PBKDF2PasswordHasher()


def history_digest(password: str, *, salt: str | None = None, iterations: int | None = None):
    """The stored form of a password in the history (case-folded, salted, slow hash)."""
    return _HISTORY_HASHER.encode(
        password.casefold(),
        salt or get_random_string(22),
        iterations or settings.PASSWORD_HISTORY_HASH_ITERATIONS,
    )


def _groups(digests: list[str]) -> dict[tuple[str, int], list[str]]:
    """History digests grouped by (salt, iterations): one hash per candidate per group."""
    groups: dict[tuple[str, int], list[str]] = {}
    for digest in digests:
        algorithm, iterations, salt, _hash = digest.split("$", 3)
        if algorithm == _HISTORY_HASHER.algorithm:
            groups.setdefault((salt, int(iterations)), []).append(digest)
    return groups


def matches_history(user, password: str) -> bool:
    """True if the password, or one of its variants, is among the person's recent passwords.
    The current password is checked too (it may have been set outside self-service)."""
    if check_password(password, user.password):
        return True
    digests = list(
        user.password_history.values_list("digest", flat=True)[: settings.PASSWORD_HISTORY_COUNT]
    )
    if not digests:
        return False
    for (salt, iterations), stored in _groups(digests).items():
        for candidate in password_variants(password):
            computed = _HISTORY_HASHER.encode(candidate, salt, iterations)
            if any(hmac.compare_digest(computed, digest) for digest in stored):
                return True
    return False


class PasswordHistoryValidator:
    """Rule 4: not a recent password, nor a small change to one."""

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        if matches_history(user, password):
            raise ValidationError(
                HISTORY_MESSAGE,
                code="password_reused",
                params={"count": settings.PASSWORD_HISTORY_COUNT},
            )

    def get_help_text(self):
        return HISTORY_MESSAGE % {"count": settings.PASSWORD_HISTORY_COUNT} + "."
