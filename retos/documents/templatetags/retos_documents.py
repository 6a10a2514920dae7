from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def breakable(value, every=16):
    """Let a long digest wrap on a phone without changing what is copied: a <wbr> every
    ``every`` characters."""
    text = escape(str(value))
    every = int(every)
    return mark_safe("<wbr>".join(text[i : i + every] for i in range(0, len(text), every)))  # noqa: S308
