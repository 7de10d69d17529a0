"""``{% may "action" record as allowed %}``: the buttons ask mdo/policy.py, as the views do."""

from django import template

from mdo import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, action: str, target) -> bool:
    """Whether the page's user may do ``action`` on ``target`` (a record, or a model label such as "vendors.contract")."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return policy.allows(user, action, target)
