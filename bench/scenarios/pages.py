"""The public pages every data size is measured on, against the trivial view."""

from bench.scenarios import BASELINE, scenario


@scenario(BASELINE, order=0)
def ping(ctx):
    """The trivial view: the whole middleware stack, no database, no template."""
    return "/_ping"


@scenario("list", order=10)
def challenge_list(ctx):
    """The challenge list, first page (filter form, count, 20 cards)."""
    return "/retos/"


@scenario("detail", order=20)
def challenge_detail(ctx):
    """A published challenge with its criteria and timeline."""
    return f"/retos/{ctx.data['detail_slug']}/"
