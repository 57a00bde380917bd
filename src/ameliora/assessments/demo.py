"""Demo self-assessments, drawn from the seeds (idempotent: found by name when they exist).

* Pharmacie des Tilleuls: the intern's DQO self-assessment in the first month of the internship
  (Lucas, under the quality referent Marc), closed, weak on the products circuit and on
  preparations (the two action plans of seed 000), and the same grid a year earlier to compare.
* Service des Coteaux: the ISO 9001 checklist a year ago (closed) and this year's, in progress.
* CH de Villefranche: the HAS-modelled grid, campaign just started.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ameliora.assessments import services
from ameliora.assessments.models import Answer, Campaign, Grid, Respondent, Section
from ameliora.core import services as core_services
from ameliora.core.demo import register_demo
from ameliora.core.models import Membership, Organization

DEMO_PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _member(organization: Organization, email: str) -> Membership:
    return Membership.objects.select_related("user", "organization").get(organization=organization, user__email=email)


def _grid(organization: Organization, key: str) -> Grid:
    spec = next(s for s in services.builtin_grid_specs() if s.key == key)
    existing = Grid.objects.for_org(organization).filter(key=spec.key, version=spec.version).first()
    return existing or services.install_grid(spec, organization=organization, acting=None)


def _fill(
    campaign: Campaign,
    *,
    by: Membership,
    values: dict[str, str],
    default: str,
    comments: dict[str, str],
    drafts: frozenset[str] = frozenset(),
    only: frozenset[str] | None = None,
) -> None:
    """Answer the campaign's criteria: ``values`` by code, else ``default``; ``only`` limits to some codes."""
    answered_at = timezone.make_aware(datetime.combine(campaign.period_start + timedelta(days=3), time(10)))
    for answer in Answer.objects.filter(campaign=campaign).select_related("criterion"):
        code = answer.criterion.code
        if only is not None and code not in only:
            continue
        answer.value = values.get(code, default)
        answer.comment = comments.get(code, "")
        answer.status = Answer.Status.DRAFT if code in drafts else Answer.Status.ANSWERED
        answer.answered_by = by.user
        answer.answered_at = answered_at
        answer.save(update_fields=["value", "comment", "status", "answered_by", "answered_at"])


def _campaign(
    grid: Grid,
    *,
    name: str,
    start: date,
    days: int,
    previous: Campaign | None,
    acting: Membership,
) -> tuple[Campaign, bool]:
    existing = Campaign.objects.for_org(grid.organization).filter(name=name).first()
    if existing is not None:
        return existing, False
    campaign = services.create_campaign(
        grid=grid,
        name=name,
        period_start=start,
        period_end=start + timedelta(days=days),
        previous=previous,
        acting=acting,
    )
    return campaign, True


def _respond(campaign: Campaign, membership: Membership, section_codes: tuple[str, ...] = ()) -> None:
    respondent, _created = Respondent.objects.get_or_create(
        organization=campaign.organization, campaign=campaign, membership=membership
    )
    if section_codes:
        respondent.sections.set(Section.objects.filter(grid=campaign.grid, code__in=section_codes))


def _open(campaign: Campaign, by: Membership) -> None:
    # Straight through the model's transitions: the demo should not notify anyone.
    campaign.save(update_fields=campaign.open(by=by))


def _close(campaign: Campaign, by: Membership) -> None:
    campaign.save(update_fields=campaign.close(by=by))


def _evidence(campaign: Campaign, code: str, name: str, acting: Membership) -> None:
    answer = Answer.objects.get(campaign=campaign, criterion__code=code)
    core_services.add_attachment(
        answer, upload=SimpleUploadedFile(name, DEMO_PDF, content_type="application/pdf"), acting=acting
    )


PHARMACY_LAST_YEAR = {
    "MO-02": "no",
    "MO-04": "no",
    "MO-05": "partly",
    "PD-02": "no",
    "PD-06": "partly",
    "CP-06": "partly",
    "CP-07": "no",
    "CP-09": "partly",
    "CP-12": "yes",
    "PR-01": "partly",
    "PR-04": "partly",
    "PR-06": "no",
    "LE-03": "no",
    "SV-01": "partly",
}
PHARMACY_NOW = {
    "MO-02": "partly",
    "MO-04": "yes",
    "MO-05": "yes",
    "PD-02": "partly",
    "PD-07": "partly",
    "CP-04": "partly",
    "CP-06": "partly",
    "CP-07": "no",
    "CP-09": "no",
    "CP-10": "partly",
    "CP-12": "partly",
    "PR-01": "partly",
    "PR-03": "partly",
    "PR-04": "no",
    "PR-06": "no",
    "LE-02": "na",
    "LE-03": "partly",
}
PHARMACY_COMMENTS = {
    "MO-04": "Livret d'accueil remis le premier jour ; points hebdomadaires avec la maître de stage.",
    "PD-02": "Double contrôle fait pour les stupéfiants seulement ; rien d'écrit pour les anticoagulants.",
    "CP-04": "Les casses sont signalées au grossiste mais pas toujours notées dans le registre.",
    "CP-06": "Relevé fait le matin, mais les jours de fermeture ne sont pas couverts ; pas d'alarme sonore.",
    "CP-07": "Deux excursions en janvier sans décision écrite sur les produits concernés.",
    "CP-09": "Promis notés sur des post-it au comptoir : trois oublis relevés en un mois (+ dosage erroné une fois).",
    "CP-10": "Le prescripteur est appelé, mais l'échange n'est pas tracé.",
    "CP-12": "Retraits traités, mais la date de traitement n'est pas notée ; délai inconnu.",
    "PR-01": "La décision de sous-traiter est prise au téléphone, sans fiche de demande.",
    "PR-03": "Statut des matières premières étiqueté pour les nouvelles livraisons seulement.",
    "PR-04": "Pas de dossier de lot pour les préparations réalisées sur place (gélules pédiatriques).",
    "PR-06": "Délai du sous-traitant non suivi : des patients reviennent plusieurs fois.",
    "LE-02": "Pas de préparatoire utilisé : les préparations sont sous-traitées (sauf dépannage).",
    "LE-03": "Balance vérifiée en 2024 ; enregistreur de température jamais étalonné.",
    "SV-02": "Deux déclarations au CRPV cette année.",
}


def _pharmacy(organization: Organization) -> None:
    marc = _member(organization, "marc.lefevre@tilleuls.test")
    lucas = _member(organization, "lucas.martin@tilleuls.test")
    grid = _grid(organization, "dqo-officine")
    today = timezone.localdate()
    # The intern arrives 100 days ago (learning demo); the self-assessment of his first week closes
    # before the plans it justified start (PAQ-TIL-01, 90 days ago; plans demo).
    first_month = today - timedelta(days=100)
    earlier, created = _campaign(
        grid,
        name="Auto-évaluation DQO annuelle",
        start=first_month - timedelta(days=365),
        days=30,
        previous=None,
        acting=marc,
    )
    if created:
        _respond(earlier, marc)
        _open(earlier, marc)
        _fill(earlier, by=marc, values=PHARMACY_LAST_YEAR, default="yes", comments={})
        _close(earlier, marc)
    campaign, created = _campaign(
        grid,
        name="Auto-évaluation DQO — premier mois de stage",
        start=first_month,
        days=8,
        previous=earlier,
        acting=marc,
    )
    if created:
        _respond(campaign, lucas)
        _respond(campaign, marc)
        _open(campaign, marc)
        _fill(campaign, by=lucas, values=PHARMACY_NOW, default="yes", comments=PHARMACY_COMMENTS)
        _evidence(campaign, "CP-06", "releves-temperature-janvier.pdf", marc)
        _evidence(campaign, "CP-09", "photo-post-it-promis.pdf", lucas)
        _evidence(campaign, "MO-04", "livret-accueil-stagiaire.pdf", lucas)
        _close(campaign, marc)


ISO_LAST_YEAR = {
    "4.1": "2",
    "4.2": "2",
    "4.3": "1",
    "4.4": "1",
    "5.1": "3",
    "5.2": "1",
    "5.3": "2",
    "6.1": "1",
    "6.2": "1",
    "6.3": "2",
    "7.1": "3",
    "7.2": "2",
    "7.3": "1",
    "7.4": "2",
    "7.5": "1",
    "8.1": "3",
    "8.2": "2",
    "8.4": "2",
    "8.7": "1",
    "9.1": "1",
    "9.1.2": "2",
    "9.2": "2",
    "9.3": "1",
    "10.2": "1",
    "10.3": "1",
}
ISO_NOW = {
    "4.1": "3",
    "4.2": "3",
    "4.3": "3",
    "4.4": "4",
    "5.1": "4",
    "5.2": "3",
    "5.3": "3",
    "6.1": "2",
    "6.2": "3",
    "6.3": "2",
    "7.1": "3",
    "7.2": "3",
    "7.5": "3",
}
ISO_COMMENTS = {
    "4.4": "Cartographie construite collectivement : chacun des cinq professionnels pilote un processus.",
    "5.2": "Manuel qualité-sécurité-environnement rédigé et présenté en cercle EPP.",
    "6.2": "Objectifs : délais d'attente, part des patients adressés par le médecin traitant, rendez-vous non honorés.",
    "7.5": "Procédures rangées dans Ameliora, relecture annuelle prévue.",
}


def _care_service(organization: Organization) -> None:
    claire = _member(organization, "claire.moreau@coteaux.test")
    julien = _member(organization, "julien.faure@coteaux.test")
    nadia = _member(organization, "nadia.haddad@coteaux.test")
    grid = _grid(organization, "iso-9001-2015")
    start = timezone.localdate() - timedelta(days=10)
    earlier, created = _campaign(
        grid, name="Revue ISO 9001 du SMQ", start=start - timedelta(days=365), days=30, previous=None, acting=claire
    )
    if created:
        _respond(earlier, claire)
        _open(earlier, claire)
        _fill(earlier, by=claire, values=ISO_LAST_YEAR, default="2", comments={})
        _close(earlier, claire)
    campaign, created = _campaign(
        grid, name="Revue ISO 9001 du SMQ — un an après", start=start, days=45, previous=earlier, acting=claire
    )
    if created:
        _respond(campaign, claire)
        _respond(campaign, julien, ("7", "8"))
        _respond(campaign, nadia, ("9", "10"))
        _open(campaign, claire)
        _fill(
            campaign,
            by=claire,
            values=ISO_NOW,
            default="3",
            comments=ISO_COMMENTS,
            drafts=frozenset({"6.3"}),
            only=frozenset(ISO_NOW),
        )


def _hospital(organization: Organization) -> None:
    nathalie = _member(organization, "nathalie.chevalier@ch-villefranche.test")
    olivier = _member(organization, "olivier.robin@ch-villefranche.test")
    sandrine = _member(organization, "sandrine.picard@ch-villefranche.test")
    grid = _grid(organization, "has-certification-extrait")
    campaign, created = _campaign(
        grid,
        name="Préparation de la visite de certification — Médecine polyvalente",
        start=timezone.localdate() - timedelta(days=5),
        days=60,
        previous=None,
        acting=nathalie,
    )
    if created:
        _respond(campaign, olivier, ("2",))
        _respond(campaign, sandrine, ("1", "2"))
        _open(campaign, nathalie)
        _fill(
            campaign,
            by=sandrine,
            values={"1.1-01": "yes", "1.1-02": "partly", "1.1-03": "no", "1.3-02": "yes"},
            default="yes",
            comments={"1.1-03": "Information sur la personne de confiance absente du livret d'accueil du service."},
            only=frozenset({"1.1-01", "1.1-02", "1.1-03", "1.3-02"}),
        )


@register_demo
def build_assessments(organizations: dict[str, Organization]) -> None:
    if "pharmacie-des-tilleuls" in organizations:
        _pharmacy(organizations["pharmacie-des-tilleuls"])
    if "service-des-coteaux" in organizations:
        _care_service(organizations["service-des-coteaux"])
    if "ch-villefranche-medecine" in organizations:
        _hospital(organizations["ch-villefranche-medecine"])
