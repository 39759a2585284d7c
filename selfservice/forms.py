"""Forms of the self-service area (account requests: request_forms.py). Every new password goes
through Django's validate_password, so the AUP rules (validators.py) apply everywhere. Password
fields never carry a maxlength: a browser would silently cut a long password short."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from thrive.forms import PASSWORD_INPUT_MAX_LENGTH
from thrive.models import User, normalise_username

from .services import QUESTION_COUNT, SUGGESTED_QUESTIONS, normalise_answer
from .validators import refuse_small_change


def password_field(label: str, *, autocomplete: str, required_message: str, help_text=""):
    return forms.CharField(
        label=label,
        strip=False,
        help_text=help_text,
        max_length=PASSWORD_INPUT_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        error_messages={
            "required": required_message,
            "max_length": f"{label} must be {PASSWORD_INPUT_MAX_LENGTH:,} characters or fewer",
        },
    )


class NewPasswordForm(forms.Form):
    """A new password typed twice, checked against every AUP rule for this person."""

    new_password = password_field(
        "New password",
        autocomplete="new-password",
        required_message="Enter a new password",
    )
    confirm_password = password_field(
        "Type your new password again",
        autocomplete="new-password",
        required_message="Type your new password again",
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def check_new_password(self, new: str) -> None:
        validate_password(new, self.user)

    def clean(self):
        cleaned = super().clean()
        new, confirm = cleaned.get("new_password"), cleaned.get("confirm_password")
        if new:
            try:
                self.check_new_password(new)
            except ValidationError as error:
                self.add_error("new_password", error)
        if new and confirm and new != confirm and "new_password" not in self.errors:
            self.add_error(
                "confirm_password", "The passwords do not match – type the same new password twice"
            )
        return cleaned


class ChangePasswordForm(NewPasswordForm):
    current_password = password_field(
        "Current password",
        autocomplete="current-password",
        required_message="Enter your current password",
    )
    field_order = ["current_password", "new_password", "confirm_password"]

    wrong_current_password = False

    def clean_current_password(self):
        current = self.cleaned_data["current_password"]
        if not self.user.check_password(current):
            self.wrong_current_password = True
            raise ValidationError("Your current password is not right")
        return current

    def check_new_password(self, new: str) -> None:
        errors = []
        current = self.cleaned_data.get("current_password")
        if current:
            try:
                refuse_small_change(current, new)
            except ValidationError as error:
                errors.append(error)
        try:
            validate_password(new, self.user)
        except ValidationError as error:
            # The history rule says the same as the direct comparison: say it once.
            said = {e.code for e in errors}
            errors += [
                e
                for e in error.error_list
                if not (e.code == "password_reused" and "password_sequential" in said)
            ]
        if errors:
            raise ValidationError(errors)


OWN_QUESTION = "own"


class SecurityQuestionsForm(forms.Form):
    """Three questions, chosen or written, and their answers (case-sensitive)."""

    def __init__(self, *args, user: User, with_current_password: bool = True, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if with_current_password:
            self.fields["current_password"] = password_field(
                "Your current password",
                autocomplete="current-password",
                required_message="Enter your current password",
                help_text="To show it is you",
            )
        choices = [("", "Choose a question")] + [(q, q) for q in SUGGESTED_QUESTIONS]
        choices.append((OWN_QUESTION, "Write my own question"))
        for number in range(1, QUESTION_COUNT + 1):
            self.fields[f"question_{number}"] = forms.ChoiceField(
                label="Question",
                choices=choices,
                error_messages={"required": f"Choose question {number}"},
            )
            self.fields[f"own_question_{number}"] = forms.CharField(
                label="Your own question",
                required=False,
                max_length=200,
                help_text="Only if you chose ‘Write my own question’",
            )
            self.fields[f"answer_{number}"] = forms.CharField(
                label="Answer",
                max_length=100,
                help_text="Answers are case-sensitive: you will need to type it exactly the same",
                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
                error_messages={
                    "required": f"Enter the answer to question {number}",
                    "max_length": f"The answer to question {number} must be 100 characters or "
                    "fewer",
                },
            )

    wrong_current_password = False

    def clean_current_password(self):
        current = self.cleaned_data["current_password"]
        if not self.user.check_password(current):
            self.wrong_current_password = True
            raise ValidationError("Your current password is not right")
        return current

    def clean(self):
        cleaned = super().clean()
        seen_questions, seen_answers = [], []
        for number in range(1, QUESTION_COUNT + 1):
            choice = cleaned.get(f"question_{number}")
            question = (
                (cleaned.get(f"own_question_{number}") or "").strip()
                if choice == OWN_QUESTION
                else choice
            )
            if choice == OWN_QUESTION and not question:
                self.add_error(
                    f"own_question_{number}",
                    f"Write your own question {number}, or choose one from the list",
                )
            if question:
                if question.casefold() in seen_questions:
                    self.add_error(
                        f"question_{number}",
                        f"Question {number} is the same as another – choose 3 different questions",
                    )
                seen_questions.append(question.casefold())
            answer = normalise_answer(cleaned.get(f"answer_{number}") or "")
            if not answer:
                continue
            if len(answer) < 3:
                self.add_error(
                    f"answer_{number}",
                    f"The answer to question {number} must be at least 3 characters",
                )
            elif question and answer.casefold() in question.casefold():
                self.add_error(
                    f"answer_{number}",
                    f"The answer to question {number} must not be part of the question",
                )
            elif answer.casefold() == self.user.username.casefold():
                self.add_error(
                    f"answer_{number}",
                    f"The answer to question {number} must not be your username",
                )
            elif answer in seen_answers:
                self.add_error(f"answer_{number}", "Give a different answer to each question")
            seen_answers.append(answer)
        return cleaned

    def questions(self) -> list[tuple[str, str]]:
        pairs = []
        for number in range(1, QUESTION_COUNT + 1):
            choice = self.cleaned_data[f"question_{number}"]
            question = (
                self.cleaned_data[f"own_question_{number}"].strip()
                if choice == OWN_QUESTION
                else choice
            )
            pairs.append((question, self.cleaned_data[f"answer_{number}"]))
        return pairs

    def numbered(self) -> list[dict]:
        """The fields grouped by question, for the template."""
        return [
            {
                "number": number,
                "question": self[f"question_{number}"],
                "own_question": self[f"own_question_{number}"],
                "answer": self[f"answer_{number}"],
            }
            for number in range(1, QUESTION_COUNT + 1)
        ]


class UsernameForm(forms.Form):
    username = forms.CharField(
        label="Username",
        max_length=200,
        help_text="Your Thrive username, for example bloggj01",
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"}
        ),
        error_messages={"required": "Enter your username"},
    )

    def clean_username(self):
        return normalise_username(self.cleaned_data["username"])


class AnswersForm(forms.Form):
    def __init__(self, *args, questions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for number, question in enumerate(questions, start=1):
            self.fields[f"answer_{number}"] = forms.CharField(
                label=question,
                max_length=100,
                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
                error_messages={"required": f"Enter the answer to question {number}"},
            )

    def answers(self) -> list[str]:
        return [self.cleaned_data[name] for name in self.fields]


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        help_text="The 6-digit code in the email we sent you",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": "Enter the 6-digit code from the email"},
    )

    def clean_code(self):
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise ValidationError("The code must be 6 digits")
        return code
