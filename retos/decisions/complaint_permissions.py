"""Named permissions of complaints (see retos/core/rules.py)."""
