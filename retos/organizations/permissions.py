from retos.core.rules import is_authenticated, is_platform_staff, predicate, register
from retos.organizations.selectors import has_role


@predicate
def is_org_admin(user, org) -> bool:
    return is_authenticated(user) and has_role(user, org.pk, "admin")


register("organization:invite", is_org_admin)
register("organization:verify", is_platform_staff)
register("organization:register", is_authenticated)
