from allauth.account.adapter import DefaultAccountAdapter

from . import lockout


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are issued by administrators (user registration requests), never self-made.

    Failed sign-ins: allauth limits them per client address (ACCOUNT_RATE_LIMITS); the
    per-account lock is Thrive's own (thrive/lockout.py), kept in the database and keyed on
    the username alone. allauth's own per-account key includes the Host header, port and all,
    so each guess sent with another port would get a fresh count."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": (
            "The username or password is not right. Check them and try again."
        ),
        "too_many_login_attempts": lockout.LOCKED_MESSAGE,
    }

    def is_open_for_signup(self, request):
        return False

    def pre_authenticate(self, request, **credentials):
        login = credentials.get("username", credentials.get("email", ""))
        attempt = lockout.begin(login)
        if attempt is None:
            raise self.validation_error("too_many_login_attempts")
        try:
            super().pre_authenticate(request, **credentials)  # the per-address limit
        except Exception:
            attempt.succeeded()  # refused before the password was checked: not a guess
            raise
        self._sign_in_attempt = attempt

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            self._sign_in_attempt.succeeded()
        return user
