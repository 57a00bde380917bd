"""A person's read receipts, for their "Download my data" (GDPR)."""

from __future__ import annotations

from typing import Any

from ameliora.core.models import User
from ameliora.core.personal_data import register_personal_data, when
from ameliora.documents.models import ReadReceipt


@register_personal_data("read_receipts")
def read_receipts(user: User) -> list[dict[str, Any]]:
    receipts = (
        ReadReceipt.objects.filter(reader__user=user)
        .select_related("version__document__organization")
        .order_by("requested_at")
    )
    return [
        {
            "organization": receipt.version.document.organization.name,
            "document": str(receipt.version),
            "requested_at": when(receipt.requested_at),
            "read_on": when(receipt.acknowledged_at),
        }
        for receipt in receipts
    ]
