from django import template
from django.urls import translate_url

from retos.core import rules
from retos.core.formatting import format_date, format_datetime, format_mxn

register = template.Library()


@register.filter
def mxn(amount):
    return format_mxn(amount)


@register.filter
def local_datetime(value, tz_name=None):
    if tz_name:
        return format_datetime(value, tz_name)
    return format_datetime(value)


@register.filter
def local_date(value, tz_name=None):
    if value is None:
        return ""
    if tz_name:
        return format_date(value, tz_name)
    return format_date(value)


@register.simple_tag
def can(user, permission, obj=None):
    return rules.can(user, permission, obj)


@register.simple_tag(takes_context=True)
def language_url(context, language):
    """The address of the current page in ``language`` (query string kept)."""
    request = context["request"]
    return translate_url(request.get_full_path(), language)


@register.simple_tag(takes_context=True)
def querystring_page(context, page):
    """The current query string with ``page`` replaced, for pagination links."""
    params = context["request"].GET.copy()
    params["page"] = page
    return "?" + params.urlencode()
