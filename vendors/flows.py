"""The lifecycle of a milestone: to deliver → delivered → service fait certified.

Calling a transition does not check permission: the view does, with ``has_perm(user)``; the
service checks the rule that matters in law (nobody certifies the service of an order they issued).
The delivery is recorded by the MDO or by the directorate leading the project (it receives the
work); the service fait stays with an MDO agent other than the order's issuer.
"""

from viewflow.fsm.base import State

from mdo.policy import permission_for
from vendors.enums import MilestoneStatus


def _milestone(flow):
    return flow.milestone


class MilestoneLifecycle:
    status = State(MilestoneStatus, default=MilestoneStatus.PENDING)

    def __init__(self, milestone):
        self.milestone = milestone

    @status.setter()
    def _set_status(self, value):
        self.milestone.status = value

    @status.getter()
    def _get_status(self):
        return self.milestone.status

    def lead_directorate_id(self) -> int | None:
        """The directorate leading the project the order is charged to (none for a contract's own milestone)."""
        order = self.milestone.order
        if order is None:
            return None
        project = order.commitment.budget_line.project
        return project.lead_directorate_id if project else None

    def is_issuer(self, user) -> bool:
        """The one who issued the order (or entered a contract's milestone) cannot certify it."""
        milestone = self.milestone
        issuer_id = milestone.order.issued_by_id if milestone.order_id else milestone.created_by_id
        return issuer_id == user.pk

    @status.transition(
        source=MilestoneStatus.PENDING,
        target=MilestoneStatus.DELIVERED,
        permission=permission_for("vendors.milestone", "deliver", _milestone),
        label="Déclarer livré",
    )
    def deliver(self, *, delivered_on):
        self.milestone.delivered_on = delivered_on

    @status.transition(
        source=MilestoneStatus.DELIVERED,
        target=MilestoneStatus.CERTIFIED,
        permission=permission_for("vendors.milestone", "certify", _milestone),
        label="Certifier le service fait",
    )
    def certify(self, *, by, on):
        self.milestone.service_done_by = by
        self.milestone.service_done_on = on
