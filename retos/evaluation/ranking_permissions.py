"""Named permissions of the ranking and the finalists (see retos/core/rules.py)."""
