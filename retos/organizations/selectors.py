from django.db.models import Count, Q
from django.utils import timezone

from retos.organizations.models import Kind, Membership, Organization


def roles_by_organization(user) -> dict[int, frozenset[str]]:
    """The user's roles per organization id, loaded once per user object (one query)."""
    if user is None or not user.is_authenticated:
        return {}
    cached = getattr(user, "_retos_roles", None)
    if cached is None:
        roles: dict[int, set[str]] = {}
        for org_id, role in Membership.objects.filter(user=user).values_list(
            "organization_id", "role"
        ):
            roles.setdefault(org_id, set()).add(role)
        cached = {org_id: frozenset(r) for org_id, r in roles.items()}
        user._retos_roles = cached
    return cached


def has_role(user, organization_id: int, *roles: str) -> bool:
    held = roles_by_organization(user).get(organization_id, frozenset())
    return bool(held & set(roles)) if roles else bool(held)


def user_organizations(user):
    return (
        Organization.objects.filter(memberships__user=user)
        .distinct()
        .select_related("state", "sme_declared_by", "no_conflict_declared_by")
    )


def government_bodies_with_counts(now=None):
    """Government bodies with their number of public challenges (one query)."""
    from retos.challenges.stages import PUBLIC_STAGES

    now = now or timezone.now()
    public = Q(challenges__stage__in=PUBLIC_STAGES, challenges__published_at__lte=now)
    return (
        Organization.objects.government()
        .select_related("state")
        .annotate(public_challenges=Count("challenges", filter=public))
        .order_by("name")
    )


def organization_for_admin(user, slug: str) -> Organization:
    """The organization if ``user`` administers it; the same 404 whether missing or forbidden."""
    from django.http import Http404

    try:
        org = Organization.objects.select_related("state").get(slug=slug)
    except Organization.DoesNotExist:
        raise Http404 from None
    if not has_role(user, org.pk, "admin"):
        raise Http404
    return org


# The eligibility read lives in its own module; it is re-exported here with the other reads.
from retos.organizations.eligibility import Eligibility, company_eligibility  # noqa: E402

__all__ = ["Eligibility", "Kind", "company_eligibility", "has_role", "roles_by_organization"]


def invitation_for_token(token: str):
    """The invitation behind a link, or 404 (whether unknown, used or expired is said later)."""
    from django.http import Http404

    from retos.organizations.models import Invitation

    invitation = Invitation.objects.select_related("organization").filter(token=token).first()
    if invitation is None:
        raise Http404
    return invitation
