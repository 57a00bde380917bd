"""The OpenAPI document describes the API truthfully: one schema per name, every error documented.

Ninja writes each schema under its class name and silently lets a second class of the same name
replace the first (assessments' ``CampaignOut`` described survey campaigns). These tests collect the
classes themselves, from the operations, so they see what the document cannot show.
"""

import enum
import inspect
import json
import sys
import typing
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

import pydantic
import pytest
from django.test import Client
from pydantic.fields import FieldInfo

from ameliora.api.urls import api
from ameliora.core.api_types import Text
from ameliora.core.models import Membership


def _operations() -> Iterator[Any]:
    # The bound routers are what ninja itself walks to write the document.
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            yield from path_view.operations


def _classes_in(annotation: Any) -> Iterator[type]:
    """The models and enums an annotation names, at any depth (lists, unions, Annotated)."""
    if inspect.isclass(annotation) and issubclass(annotation, pydantic.BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from _classes_in(field.annotation)
    elif inspect.isclass(annotation) and issubclass(annotation, enum.Enum):
        yield annotation
    else:
        for argument in typing.get_args(annotation):
            yield from _classes_in(argument)


def by_name(annotations: Iterable[Any]) -> dict[str, set[type]]:
    """Component name → the classes ninja would write under it."""
    names: dict[str, set[type]] = defaultdict(set)
    for annotation in annotations:
        for cls in _classes_in(annotation):
            if cls.__name__ != "NinjaResponseSchema":  # ninja's wrapper of each answer, never written
                names[cls.__name__].add(cls)
    return names


def schema_classes() -> dict[str, set[type]]:
    """Every operation's answers and parameters (ninja flattens its own parameter models, so only
    the types of their fields can become components)."""
    annotations: list[Any] = []
    for operation in _operations():
        annotations.extend(operation.response_models.values())
        annotations.extend(field.annotation for params in operation.models for field in params.model_fields.values())
    return by_name(annotations)


def test_no_two_schemas_share_a_name() -> None:
    shared = {
        name: sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in classes)
        for name, classes in schema_classes().items()
        if len(classes) > 1
    }

    assert shared == {}


def test_the_collection_sees_every_component_of_the_document() -> None:
    components = set(api.get_openapi_schema(path_prefix="/api/v1/")["components"]["schemas"])

    assert components <= set(schema_classes())
    assert {"AssessmentCampaignOut", "SurveyCampaignOut", "Message", "InvalidInput"} <= components


def test_two_classes_of_one_name_are_caught() -> None:
    assessment = pydantic.create_model("CampaignOut", grid=(str, ...))
    survey = pydantic.create_model("CampaignOut", questionnaire=(str, ...))
    page = pydantic.create_model("Page", items=(list[assessment], ...), other=(survey, ...))  # type: ignore[valid-type]

    assert by_name([page])["CampaignOut"] == {assessment, survey}


@pytest.mark.parametrize("operation", list(_operations()), ids=lambda op: f"{op.methods} {op.view_func.__name__}")
def test_every_operation_documents_its_errors(operation: Any) -> None:
    documented = {
        status: next(cls for cls in _classes_in(model) if cls.__name__ != "NinjaResponseSchema").__name__
        for status, model in operation.response_models.items()
        if status >= 400
    }

    assert documented == {
        400: "Message",
        401: "Message",
        403: "Message",
        404: "Message",
        422: "InvalidInput",
        429: "Message",
    }


def _input_schemas() -> Iterator[type[pydantic.BaseModel]]:
    """Every body schema (named ``…In`` by convention) of every app's ``api.py``."""
    for name, module in list(sys.modules.items()):
        if name.startswith("ameliora.") and name.endswith(".api"):
            for cls_name, cls in vars(module).items():
                if cls_name.endswith("In") and inspect.isclass(cls) and issubclass(cls, pydantic.BaseModel):
                    yield cls


def _refuses_nul(field: FieldInfo) -> bool:
    """Whether the field is ``Text`` (or ``Text | None``): its validators are on it, or in its type."""
    wanted = typing.get_args(Text)[1:]
    if all(validator in field.metadata for validator in wanted):
        return True
    return any(
        typing.get_origin(part) is typing.Annotated and all(v in typing.get_args(part)[1:] for v in wanted)
        for part in typing.get_args(field.annotation)
    )


def _holds_text(annotation: Any) -> bool:
    """Whether ``str`` is the type, or one of its parts (``str | None``, ``list[str]``, ``Annotated[str, …]``).

    Only the types count, not an annotation's metadata (a date's JSON schema says ``"string"``)."""
    if annotation is str:
        return True
    if typing.get_origin(annotation) is typing.Annotated:
        return _holds_text(typing.get_args(annotation)[0])
    return any(_holds_text(part) for part in typing.get_args(annotation))


def test_every_text_input_refuses_nul_characters() -> None:
    texts = {
        f"{schema.__name__}.{name}": field
        for schema in _input_schemas()
        for name, field in schema.model_fields.items()
        if _holds_text(field.annotation)
    }
    assert "MeasurementIn.note" in texts

    assert [name for name, field in texts.items() if not _refuses_nul(field)] == []


def test_the_served_document_is_the_one_tested(alice: Membership, alice_client: Client) -> None:
    response = alice_client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
