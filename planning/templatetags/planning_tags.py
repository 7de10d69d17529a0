from django import template

register = template.Library()


@register.filter
def half_percent(value, minimum=0) -> int:
    """A position or width in % of the track as the step of the ``gl-``/``gw-`` classes (0.5 % each, 0–200)."""
    try:
        step = round(float(value) * 2)
    except (TypeError, ValueError):
        return int(minimum)
    return max(int(minimum), min(step, 200))
