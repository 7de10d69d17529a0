from django import template

from mdo.money import euros

register = template.Library()


#: The one ``euros`` filter (mdo/money.py): « 1 234,56 € », « — » when empty.
register.filter("euros", euros)
