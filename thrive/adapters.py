from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are issued by administrators (user registration requests), never self-made."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": (
            "The username or password is not right. Check them and try again."
        ),
        "too_many_login_attempts": (
            "Too many failed attempts to sign in. Wait 15 minutes and try again."
        ),
    }

    def is_open_for_signup(self, request):
        return False
