"""Dashboard card: "Users' representatives" (the link to their page), for those who may open it."""

from __future__ import annotations

from typing import Any

from ameliora.core.dashboard import register_card
from ameliora.core.http import OrgRequest
from ameliora.core.permissions import can


def representatives_card(request: OrgRequest) -> dict[str, Any] | None:
    if not can(request.membership, "reports.representatives"):
        return None
    return {"organization": request.organization}


register_card("reports/_representatives_card.html", representatives_card)
