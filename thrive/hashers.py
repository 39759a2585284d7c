"""The password hasher: Argon2id (argon2-cffi) with parameters measured on the production
machine, and the older hashes still accepted, each upgraded at its owner's next sign-in."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's first recommended setting (Password Storage Cheat Sheet: 19 MiB of
    memory, 2 iterations, 1 degree of parallelism). Django's own defaults (100 MiB, 2
    iterations, 8 lanes) take about 4x as long on a 2-core server, putting a sign-in over
    100 ms; docs/performance.md has the measurements. Same algorithm name as Django's hasher,
    so its hashes stay readable by stock Django; a hash with other parameters is re-hashed
    with these at the next sign-in (must_update)."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
