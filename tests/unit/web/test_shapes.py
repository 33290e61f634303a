"""The web layer declares input shapes and adapters, never a copy of a read type the app already has,
and every UI form arrives as one Pydantic form model."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from typing import cast

from fastapi.routing import APIRoute
from pydantic import BaseModel

import contactpoint.app
import contactpoint.store
import contactpoint.web.api
from contactpoint.app.runtime import Runtime
from contactpoint.web.api.shared import Input
from contactpoint.web.app import create_app
from contactpoint.web.pages import UiForm
from tests.websupport import api_routes


def _modules(package: object) -> list[object]:
    path = package.__path__  # type: ignore[attr-defined]
    prefix = f"{package.__name__}."  # type: ignore[attr-defined]
    names = [info.name for info in pkgutil.walk_packages(path, prefix) if ".migrations" not in info.name]
    return [importlib.import_module(name) for name in names]


def _classes(package: object) -> list[type]:
    found = []
    for module in _modules(package):
        for _, kind in inspect.getmembers(module, inspect.isclass):
            if kind.__module__ == module.__name__:  # type: ignore[attr-defined]
                found.append(kind)
    return found


def _routes() -> list[APIRoute]:
    return api_routes(create_app(cast(Runtime, None)))  # routes only: nothing here runs a request


def test_no_api_reply_model_mirrors_an_app_or_store_read_type_field_by_field():
    read_types = {
        frozenset(field.name for field in dataclasses.fields(kind)): kind
        for package in (contactpoint.app, contactpoint.store)
        for kind in _classes(package)
        if dataclasses.is_dataclass(kind) and len(dataclasses.fields(kind)) > 1
    }
    replies = [
        kind
        for kind in _classes(contactpoint.web.api)
        if issubclass(kind, BaseModel) and not issubclass(kind, Input)  # request bodies stay Pydantic
    ]
    mirrors = {
        model.__name__: read_types[names].__name__
        for model in replies
        if (names := frozenset(model.model_fields)) in read_types
    }
    assert mirrors == {}


def test_every_ui_form_is_one_pydantic_form_model_with_the_csrf_token():
    posts = [
        route
        for route in _routes()
        # The JSON API and FHIR take bearer credentials, never a cookie: no form or CSRF token there.
        if "POST" in (route.methods or set()) and not route.path.startswith(("/api/", "/fhir/"))
    ]
    assert posts
    for route in posts:
        body = route.dependant.body_params
        assert len(body) == 1, f"{route.path} takes loose form fields: {[field.name for field in body]}"
        form = body[0].field_info.annotation
        assert isinstance(form, type), route.path
        assert issubclass(form, UiForm), route.path
