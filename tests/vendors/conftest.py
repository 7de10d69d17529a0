import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import directorate
from tests.vendors.factories import ProjectFactory, approved_line, make_contract, make_order


@pytest.fixture
def project_3e(db):
    """A project of the 3rd district, led by the Espaces verts."""
    return ProjectFactory(
        title="Végétalisation de la place Guichard",
        district=3,
        lead_directorate=directorate("Direction des Espaces verts"),
    )


@pytest.fixture
def project_5e(db):
    return ProjectFactory(title="Aire de jeux de Ménival", district=5)


@pytest.fixture
def line_3e(project_3e, mdo_manager):
    return approved_line(project=project_3e, requester=mdo_manager)


@pytest.fixture
def line_5e(project_5e, mdo_manager):
    return approved_line(project=project_5e, requester=mdo_manager)


@pytest.fixture
def framework(mdo_officer):
    return make_contract(by=mdo_officer, reference="2026-AC-001", max_amount_ht=Decimal("100000.00"))


@pytest.fixture
def order_3e(framework, line_3e, mdo_officer):
    """Issued two months ago: its invoices and milestones can be dated in the past."""
    return make_order(
        contract=framework,
        line=line_3e,
        by=mdo_officer,
        amount_ht=Decimal("20000.00"),
        issued_on=timezone.localdate() - datetime.timedelta(days=60),
    )
