"""The letter informing a vendor of the late-delivery penalties envisaged (CCAG 2021), as PDF."""

from django.utils import timezone

from mdo.pdf import render_pdf
from vendors.enums import PENALTY_OBSERVATION_DAYS


def render_penalty_notice(*, milestone, proposal, amount) -> bytes:
    sent_on = milestone.penalty_notice_sent_on or timezone.localdate()
    return render_pdf(
        "vendors/penalty_notice_pdf.html",
        {
            "milestone": milestone,
            "order": milestone.order,
            "contract": milestone.contract,
            "vendor": milestone.contract.vendor,
            "proposal": proposal,
            "amount": amount,
            "sent_on": sent_on,
            "observation_days": PENALTY_OBSERVATION_DAYS,
        },
    )
