"""Who may do what with API tokens.

- ``api:token_create``: any signed-in, active person, for themselves. A token carries its
  owner's rights and nothing more: every action taken with it is checked by the same named
  rules as the pages.
- ``api:token_revoke`` (on a token): its owner only; nobody else, platform staff included.
"""

from retos.core.rules import is_authenticated, predicate, register


@predicate
def owns_token(user, token) -> bool:
    return is_authenticated(user) and token.user_id == user.pk


register("api:token_create", is_authenticated)
register("api:token_revoke", owns_token)
