"""What the meetings app adds to every personal feed besides meetings: the due dates of one's actions."""

from meetings import ical, selectors


def action_due_dates(user) -> list:
    return [ical.build_action_vevent(action) for action in selectors.open_actions_with_due_date(user=user)]
