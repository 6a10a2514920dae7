"""Template helpers of the proposals pages, and the header's "My proposals" link."""

from django import template

from retos.organizations.models import Kind, Organization, Role
from retos.organizations.selectors import roles_by_organization

register = template.Library()


@register.filter
def item(sequence, index):
    """``sequence[index]``, or None when there is no such item (or no sequence)."""
    try:
        return sequence[index]
    except (IndexError, KeyError, TypeError):
        return None


_BODY_ONLY_ROLES = {Role.OFFICIAL, Role.APPROVER, Role.OPENING_OFFICER}


def organization_kinds(request) -> frozenset[str]:
    """The kinds of organization (company, government body) the signed-in user belongs to.

    Read from the user's roles, which the rules engine loads (and caches) anyway; only an
    organization where the user is nothing but "admin" (a role both kinds have) costs a query.
    """
    cached = getattr(request, "_retos_organization_kinds", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    kinds: set[str] = set()
    ambiguous = []
    for organization_id, roles in roles_by_organization(user).items():
        if roles & _BODY_ONLY_ROLES:
            kinds.add(Kind.GOVERNMENT)
        if Role.MEMBER in roles:
            kinds.add(Kind.COMPANY)
        if roles <= {Role.ADMIN}:
            ambiguous.append(organization_id)
    if ambiguous and kinds != {Kind.GOVERNMENT, Kind.COMPANY}:
        kinds.update(Organization.objects.filter(pk__in=ambiguous).values_list("kind", flat=True))
    request._retos_organization_kinds = cached = frozenset(kinds)
    return cached


@register.simple_tag(takes_context=True)
def member_of(context, kind: str) -> bool:
    """``{% member_of "company" as in_company %}``: whether the user belongs to one."""
    request = context.get("request")
    if request is None:
        return False
    wanted = {"company": Kind.COMPANY, "government": Kind.GOVERNMENT}.get(kind, kind)
    return wanted in organization_kinds(request)
