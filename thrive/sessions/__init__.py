"""Session engines that record whose session each is (Django's documented way of extending
the database-backed engines): ending a person's sessions is one indexed query on
UserSession.user, not decoding every live session. `thrive.sessions.db` is Django's `db`
engine, `thrive.sessions.cached_db` its `cached_db` (used with Redis)."""

from django.contrib.auth import SESSION_KEY


class OwnerRecorded:
    """Mixed into a database-backed SessionStore: rows go to UserSession, with their owner."""

    @classmethod
    def get_model_class(cls):
        from thrive.models import UserSession

        return UserSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            session.user_id = None
        return session
