from django import template

from meetings import richtext

register = template.Library()


@register.filter
def richtext_html(value):
    """Minutes text as HTML, sanitised on the way out as well as on the way in."""
    return richtext.render(value)


@register.filter
def minutes_hm(value):
    """A duration in minutes as « 1 h 30 »."""
    value = int(value or 0)
    hours, minutes = divmod(value, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes:02d}" if minutes else f"{hours} h"
