"""The share of requested readings acknowledged feeds an indicator."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ameliora.core.models import Membership
from ameliora.core.tests.factories import MembershipFactory
from ameliora.documents import services
from ameliora.documents.tests.factories import document_in_force
from ameliora.indicators.sources import SOURCES


def test_the_read_share_counts_the_readings_asked_in_the_period(alice: Membership, bob: Membership) -> None:
    carol = MembershipFactory.create(organization=alice.organization)
    version = document_in_force(alice, readers=[bob, carol])
    services.acknowledge_reading(version, reader=bob)
    today = timezone.localdate()
    compute = SOURCES["documents.read_share"].compute

    assert compute(alice.organization, today, today, "day") == (1, 2)
    yesterday = today - timedelta(days=1)
    assert compute(alice.organization, yesterday, yesterday, "day") == (None, None)
