"""Reading settings from the environment, or from files named by `*_FILE` variables.

`SECRET_KEY_FILE=/run/secrets/secret_key` makes SECRET_KEY the content of that file, as Docker
and Kubernetes secrets are mounted (django-environ's FileAwareEnv). The trailing newline that
`echo secret > file` leaves is not part of the secret.

The settings also remember every variable they read and its default, so the configuration
table in docs/configuration.md is checked against them (tests/thrive/test_configuration.py).
"""

import environ
from environ.fileaware_mapping import FileAwareMapping


class SecretFiles(FileAwareMapping):
    def __getitem__(self, key):
        value = super().__getitem__(key)
        if self.env.get(f"{key}_FILE"):
            return value.rstrip("\r\n")
        return value


class Environment(environ.FileAwareEnv):
    ENVIRON = SecretFiles()

    def __init__(self, **scheme):
        super().__init__(**scheme)
        self.defaults = {}  # variable name -> the default the settings gave

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        self.defaults.setdefault(var, default)
        return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
