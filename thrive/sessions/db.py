from django.contrib.sessions.backends import db

from . import OwnerRecorded, PrimaryDownMixin


class SessionStore(PrimaryDownMixin, OwnerRecorded, db.SessionStore):
    pass
