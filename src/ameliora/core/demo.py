"""Demo data: fictional organizations drawn from the seeds, one login per persona.

Each module adds its own content by registering a builder with :func:`register_demo`
(and, for large synthetic volumes, :func:`register_scale`) in its ``AppConfig.ready``.
Builders must be idempotent: ``ameliora demo`` runs at every ``make run``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone, translation

from ameliora.core.models import Membership, MembershipRole, Organization, Profession, Role, Unit, User

DEMO_PASSWORD = "Ameliora-demo-2026"  # noqa: S105 — published in the README on purpose


@dataclass(frozen=True)
class Persona:
    email: str
    first_name: str
    last_name: str
    title: str
    roles: tuple[Role, ...]
    units: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoOrganization:
    slug: str
    name: str
    kind: Organization.Kind
    units: tuple[str, ...]
    personas: tuple[Persona, ...]


R = Role
ORGANIZATIONS: tuple[DemoOrganization, ...] = (
    DemoOrganization(
        slug="pharmacie-des-tilleuls",
        name="Pharmacie des Tilleuls",
        kind=Organization.Kind.PHARMACY,
        units=("Comptoir", "Réserve et réception", "Préparatoire"),
        personas=(
            Persona("helene.garnier@tilleuls.test", "Hélène", "Garnier", "Pharmacienne titulaire", (R.ADMIN,)),
            Persona(
                "marc.lefevre@tilleuls.test",
                "Marc",
                "Lefèvre",
                "Pharmacien adjoint, référent qualité",
                (R.QUALITY_MANAGER, R.MEMBER),
            ),
            Persona("sophie.roux@tilleuls.test", "Sophie", "Roux", "Préparatrice", (R.MEMBER,)),
            Persona("karim.benali@tilleuls.test", "Karim", "Benali", "Préparateur", (R.MEMBER,)),
            Persona("anne.dubois@tilleuls.test", "Anne", "Dubois", "Maître de stage", (R.SUPERVISOR, R.MEMBER)),
            Persona("lucas.martin@tilleuls.test", "Lucas", "Martin", "Étudiant en 6e année, stagiaire", (R.LEARNER,)),
        ),
    ),
    DemoOrganization(
        slug="service-des-coteaux",
        name="Service de soins de suite des Coteaux",
        kind=Organization.Kind.CARE_SERVICE,
        units=("Consultations", "Hôpital de jour"),
        personas=(
            Persona(
                "claire.moreau@coteaux.test",
                "Claire",
                "Moreau",
                "Médecin responsable, pilote « Management »",
                (R.ADMIN, R.QUALITY_MANAGER, R.PROCESS_PILOT),
                ("Consultations", "Hôpital de jour"),
            ),
            Persona(
                "julien.faure@coteaux.test",
                "Julien",
                "Faure",
                "Cadre de santé, pilote « Accueil et admission »",
                (R.PROCESS_PILOT, R.MEMBER),
                ("Hôpital de jour",),
            ),
            Persona(
                "nadia.haddad@coteaux.test",
                "Nadia",
                "Haddad",
                "Psychologue, pilote « Prise en charge »",
                (R.PROCESS_PILOT, R.MEMBER),
                ("Consultations",),
            ),
            Persona(
                "thomas.girard@coteaux.test",
                "Thomas",
                "Girard",
                "Kinésithérapeute, pilote « Rééducation »",
                (R.PROCESS_PILOT, R.MEMBER),
                ("Hôpital de jour",),
            ),
            Persona(
                "emma.blanc@coteaux.test",
                "Emma",
                "Blanc",
                "Secrétaire médicale, pilote « Support »",
                (R.PROCESS_PILOT, R.MEMBER),
                ("Consultations",),
            ),
            Persona(
                "martine.bertrand@coteaux.test",
                "Martine",
                "Bertrand",
                "Représentante des usagers (association de patients)",
                (R.USER_REPRESENTATIVE,),
            ),
        ),
    ),
    DemoOrganization(
        slug="cpts-lauragais-sud",
        name="CPTS Lauragais Sud",
        kind=Organization.Kind.CPTS,
        units=("Cellule qualité",),
        personas=(
            Persona(
                "isabelle.caron@lauragais.test",
                "Isabelle",
                "Caron",
                "Pilote de la démarche qualité",
                (R.ADMIN, R.QUALITY_MANAGER, R.QUALITY_CELL),
            ),
            Persona("paul.mercier@lauragais.test", "Paul", "Mercier", "Éducateur spécialisé", (R.QUALITY_CELL,)),
            Persona("ines.lambert@lauragais.test", "Inès", "Lambert", "Psychologue", (R.QUALITY_CELL,)),
            Persona("louise.fontaine@lauragais.test", "Louise", "Fontaine", "Infirmière libérale", (R.QUALITY_CELL,)),
            Persona("hugo.rousseau@lauragais.test", "Hugo", "Rousseau", "Masseur-kinésithérapeute", (R.QUALITY_CELL,)),
            Persona("chloe.vincent@lauragais.test", "Chloé", "Vincent", "Orthophoniste", (R.QUALITY_CELL,)),
            Persona("leo.muller@lauragais.test", "Léo", "Muller", "Ergothérapeute", (R.QUALITY_CELL,)),
            Persona("manon.lefebvre@lauragais.test", "Manon", "Lefebvre", "Chirurgienne-dentiste", (R.QUALITY_CELL,)),
            Persona("antoine.perrin@lauragais.test", "Antoine", "Perrin", "Médecin généraliste", (R.QUALITY_CELL,)),
            Persona("sarah.morel@lauragais.test", "Sarah", "Morel", "Pharmacienne d'officine", (R.QUALITY_CELL,)),
            Persona("yanis.andre@lauragais.test", "Yanis", "André", "Sage-femme libérale", (R.QUALITY_CELL,)),
            Persona("camille.bonnet@lauragais.test", "Camille", "Bonnet", "Infirmière libérale", (R.MEMBER,)),
        ),
    ),
    DemoOrganization(
        slug="ch-villefranche-medecine",
        name="CH de Villefranche — Médecine polyvalente",
        kind=Organization.Kind.HEALTH_ESTABLISHMENT,
        units=("Médecine A", "Médecine B"),
        personas=(
            Persona(
                "nathalie.chevalier@ch-villefranche.test",
                "Nathalie",
                "Chevalier",
                "Responsable qualité",
                (R.ADMIN, R.QUALITY_MANAGER),
            ),
            Persona(
                "olivier.robin@ch-villefranche.test",
                "Olivier",
                "Robin",
                "Chef de service (binôme médico-soignant)",
                (R.MEMBER,),
                ("Médecine A", "Médecine B"),
            ),
            Persona(
                "sandrine.picard@ch-villefranche.test",
                "Sandrine",
                "Picard",
                "Cadre de santé (binôme médico-soignant)",
                (R.MEMBER,),
                ("Médecine A", "Médecine B"),
            ),
            Persona(
                "gerard.leroy@ch-villefranche.test",
                "Gérard",
                "Leroy",
                "Représentant des usagers",
                (R.USER_REPRESENTATIVE,),
            ),
        ),
    ),
)

P = Profession
#: Each persona's profession (their job title is their persona's title).
PROFESSIONS: dict[str, Profession] = {
    "helene.garnier@tilleuls.test": P.PHARMACIST,
    "marc.lefevre@tilleuls.test": P.PHARMACIST,
    "sophie.roux@tilleuls.test": P.PHARMACY_TECHNICIAN,
    "karim.benali@tilleuls.test": P.PHARMACY_TECHNICIAN,
    "anne.dubois@tilleuls.test": P.PHARMACIST,
    "lucas.martin@tilleuls.test": P.PHARMACIST,
    "claire.moreau@coteaux.test": P.PHYSICIAN,
    "julien.faure@coteaux.test": P.HEALTH_MANAGER,
    "nadia.haddad@coteaux.test": P.PSYCHOLOGIST,
    "thomas.girard@coteaux.test": P.PHYSIOTHERAPIST,
    "emma.blanc@coteaux.test": P.MEDICAL_SECRETARY,
    "isabelle.caron@lauragais.test": P.QUALITY_ENGINEER,
    "paul.mercier@lauragais.test": P.OTHER,
    "ines.lambert@lauragais.test": P.PSYCHOLOGIST,
    "louise.fontaine@lauragais.test": P.NURSE,
    "hugo.rousseau@lauragais.test": P.PHYSIOTHERAPIST,
    "chloe.vincent@lauragais.test": P.SPEECH_THERAPIST,
    "leo.muller@lauragais.test": P.OCCUPATIONAL_THERAPIST,
    "manon.lefebvre@lauragais.test": P.DENTIST,
    "antoine.perrin@lauragais.test": P.PHYSICIAN,
    "sarah.morel@lauragais.test": P.PHARMACIST,
    "yanis.andre@lauragais.test": P.MIDWIFE,
    "camille.bonnet@lauragais.test": P.NURSE,
    "nathalie.chevalier@ch-villefranche.test": P.QUALITY_ENGINEER,
    "olivier.robin@ch-villefranche.test": P.PHYSICIAN,
    "sandrine.picard@ch-villefranche.test": P.HEALTH_MANAGER,
    "gerard.leroy@ch-villefranche.test": P.OTHER,
}

DemoBuilder = Callable[[dict[str, Organization]], None]
ScaleBuilder = Callable[[Organization, int], None]
DEMO_BUILDERS: list[DemoBuilder] = []
SCALE_BUILDERS: list[ScaleBuilder] = []


def register_demo(builder: DemoBuilder) -> DemoBuilder:
    DEMO_BUILDERS.append(builder)
    return builder


def register_scale(builder: ScaleBuilder) -> ScaleBuilder:
    SCALE_BUILDERS.append(builder)
    return builder


@cache
def _demo_password_hash() -> str:
    # Argon2 is slow on purpose; hashing once instead of per persona keeps `make run` quick.
    return make_password(DEMO_PASSWORD)


def ensure_user(email: str, first_name: str, last_name: str) -> User:
    """Create (or find) a user whose email is verified and whose password is the demo password."""
    user, _created = User.objects.get_or_create(
        email=email,
        defaults={"first_name": first_name, "last_name": last_name, "password": _demo_password_hash()},
    )
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def ensure_member(
    organization: Organization,
    user: User,
    *,
    roles: tuple[Role, ...],
    title: str = "",
    joined_at: datetime | None = None,
) -> Membership:
    """``joined_at`` back-dates a new membership: a team's size over past periods (the computed source
    "team members at the end of the period") counts members by the day they joined."""
    membership, created = Membership.objects.get_or_create(
        organization=organization, user=user, defaults={"title": title}
    )
    if created and joined_at is not None:
        membership.joined_at = joined_at  # auto_now_add ignores a default: set it after the insert
        membership.save(update_fields=["joined_at"])
    for role in roles:
        MembershipRole.objects.get_or_create(membership=membership, role=role)
    return membership


@transaction.atomic
def build_demo() -> dict[str, Organization]:
    """Create the demo organizations and personas, then let every module add its content."""
    organizations: dict[str, Organization] = {}
    for spec in ORGANIZATIONS:
        organization, _created = Organization.objects.get_or_create(
            slug=spec.slug, defaults={"name": spec.name, "kind": spec.kind}
        )
        for unit in spec.units:
            Unit.objects.get_or_create(organization=organization, name=unit)
        for k, persona in enumerate(spec.personas):
            user = ensure_user(persona.email, persona.first_name, persona.last_name)
            if not user.profession:  # a profile the visitor changed stays as they left it
                user.profession = PROFESSIONS.get(persona.email, Profession.OTHER)
                user.job_title = persona.title
                user.save(update_fields=["profession", "job_title"])
            # The teams existed before the demo: members joined one to four years ago, weeks apart.
            joined_at = timezone.now() - timedelta(days=4 * 365 - 40 * min(k, 25))
            membership = ensure_member(
                organization, user, roles=persona.roles, title=persona.title, joined_at=joined_at
            )
            if persona.units:
                membership.units.add(*Unit.objects.for_org(organization).filter(name__in=persona.units))
        organizations[spec.slug] = organization
    # Texts the services write for people (plan titles, notifications) are in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        for builder in DEMO_BUILDERS:
            builder(organizations)
    return organizations


def demo_accounts() -> list[tuple[str, str, str]]:
    """(email, organization slug, roles) for every persona, in the order of :data:`ORGANIZATIONS`."""
    return [(persona.email, spec.slug, ",".join(persona.roles)) for spec in ORGANIZATIONS for persona in spec.personas]


SCALE_SLUG = "echelle-synthetique"


@transaction.atomic
def build_scale(factor: int) -> Organization:
    """Fill one synthetic organization with large volumes (``factor`` times a reference volume)."""
    from ameliora.core.models import Notification

    organization, _created = Organization.objects.get_or_create(
        slug=SCALE_SLUG,
        defaults={"name": "Établissement synthétique (volumes)", "kind": Organization.Kind.HEALTH_ESTABLISHMENT},
    )
    admin = ensure_user("admin@echelle.test", "Alice", "Volume")
    ensure_member(organization, admin, roles=(Role.ADMIN, Role.QUALITY_MANAGER), title="Responsable qualité")
    existing = Membership.objects.for_org(organization).count()
    wanted = 50 * factor
    password = _demo_password_hash()
    new_users = User.objects.bulk_create(
        [
            User(email=f"membre{i:06d}@echelle.test", first_name="Membre", last_name=f"{i:06d}", password=password)
            for i in range(existing, wanted)
        ]
    )
    memberships = Membership.objects.bulk_create(
        [Membership(organization=organization, user=user, title="Soignant") for user in new_users]
    )
    MembershipRole.objects.bulk_create([MembershipRole(membership=m, role=Role.MEMBER) for m in memberships])
    # Top up to the wanted volume, like the members above, so that running it again adds nothing.
    notified = Notification.objects.for_org(organization).filter(recipient=admin).count()
    Notification.objects.bulk_create(
        [
            Notification(organization=organization, recipient=admin, title=f"Notification synthétique {i}")
            for i in range(notified, 200 * factor)
        ]
    )
    for builder in SCALE_BUILDERS:
        builder(organization, factor)
    return organization
