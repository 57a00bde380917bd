"""Core API: who am I, my organizations, an organization's members."""

from datetime import datetime
from typing import cast

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from ameliora.core.api_types import ERRORS, OrgSlug, Pagination
from ameliora.core.models import Membership, MembershipQuerySet, User, display_name
from ameliora.core.permissions import require

router = Router(tags=["organizations"])


class MeOut(Schema):
    email: str
    name: str


class OrganizationOut(Schema):
    slug: str
    name: str
    kind: str
    roles: list[str]


class MemberOut(Schema):
    id: int
    name: str
    email: str
    title: str
    roles: list[str]
    joined_at: datetime

    @staticmethod
    def resolve_name(obj: Membership) -> str:
        return display_name(obj.user)

    @staticmethod
    def resolve_email(obj: Membership) -> str:
        return str(obj.user.email)

    @staticmethod
    def resolve_roles(obj: Membership) -> list[str]:
        return sorted(obj.roles)


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request: HttpRequest) -> MeOut:
    return MeOut(email=request.user.email, name=display_name(request.user))  # type: ignore[union-attr]


@router.get("/organizations", response={200: list[OrganizationOut], **ERRORS})
def my_organizations(request: HttpRequest) -> list[OrganizationOut]:
    memberships = Membership.objects.filter(user=cast(User, request.user))
    token = getattr(request, "api_token", None)
    if token is not None and token.organization_id is not None:
        # A token limited to one organization does not tell which others its user belongs to.
        memberships = memberships.filter(organization_id=token.organization_id)
    memberships = memberships.select_related("organization").prefetch_related("role_set")
    return [
        OrganizationOut(
            slug=m.organization.slug, name=m.organization.name, kind=m.organization.kind, roles=sorted(m.roles)
        )
        for m in memberships
    ]


@router.get("/o/{org_slug}/members", response={200: list[MemberOut], **ERRORS})
@paginate(Pagination, page_size=50)
def members(request: HttpRequest, org_slug: OrgSlug) -> MembershipQuerySet:
    membership = request.membership  # type: ignore[attr-defined]
    require(membership, "members.view")
    return Membership.objects.for_org(membership.organization).with_roles()
