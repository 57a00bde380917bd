"""Factories for the process map. Call ``XFactory.create(...)`` (typed) rather than ``XFactory(...)``."""

# factory_boy types its factories (create() returns the model) but not its declarations.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

from factory.declarations import LazyAttribute, SelfAttribute, Sequence, SubFactory
from factory.django import DjangoModelFactory

from ameliora.core.models import Membership, Organization
from ameliora.core.tests.factories import OrganizationFactory
from ameliora.processes.models import Process, Risk


class ProcessFactory(DjangoModelFactory[Process]):
    class Meta:
        model = Process

    organization = SubFactory(OrganizationFactory)
    kind = Process.Kind.OPERATIONAL
    code = Sequence(lambda n: f"R{n}")
    name = Sequence(lambda n: f"Dispensation {n}")


class RiskFactory(DjangoModelFactory[Risk]):
    class Meta:
        model = Risk

    process = SubFactory(ProcessFactory)
    organization = SelfAttribute("process.organization")
    hazard = "Erreur de dispensation"
    severity = 4
    likelihood = 3
    criticity = LazyAttribute(lambda o: o.severity * o.likelihood)


def any_process_id(organization: Organization, owner: Membership) -> int:
    return ProcessFactory.create(organization=organization, pilot=owner).pk


def any_risk_id(organization: Organization, owner: Membership) -> int:
    return RiskFactory.create(process=ProcessFactory.create(organization=organization)).pk
