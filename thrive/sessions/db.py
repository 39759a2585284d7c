from django.contrib.sessions.backends import db

from . import PrimaryDownMixin


class SessionStore(PrimaryDownMixin, db.SessionStore):
    pass
