from django import template

from mdo import richtext

register = template.Library()


@register.filter
def richtext_html(value):
    """A rich text as HTML, sanitised on the way out as well as on the way in; plain text keeps its line breaks."""
    return richtext.render(value)
