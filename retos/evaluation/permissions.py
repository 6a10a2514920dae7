"""Named permissions (see retos/core/rules.py)."""
