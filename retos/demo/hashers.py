"""A light Argon2 for the demo's sign-ups.

The demo signs up about a hundred people who share one published password. With the
production Argon2 parameters (100 MiB, parallelism 8) that takes well over a minute on a small
machine. This hasher keeps the algorithm name, so the standard ``Argon2PasswordHasher`` still
verifies these hashes (Argon2 stores its parameters in the hash) and, on each person's first
log-in, ``must_update`` re-hashes the password with the production parameters.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class DemoArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 8192  # KiB
    parallelism = 1
