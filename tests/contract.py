"""Every API answer the suite receives is checked against the OpenAPI document.

`watch(app)` hooks the app: each /api/v1 response is looked up in the document by path,
method and status, and its body validated against the declared schema (JSON) or its type
against the declared media type (files). What does not conform is collected; the `app`
fixtures fail the test that received it.
"""

import re

from flask import Flask, request
from jsonschema import Draft202012Validator

PREFIX = "/api/v1"


class ResponseContract:
    def __init__(self, document: dict):
        self.document = document
        # Literal paths (one per event) before templates, so /events/submit is not {event}.
        self.routes = sorted(
            ((self._pattern(path), path) for path in document["paths"]),
            key=lambda route: route[1].count("{"),
        )

    @staticmethod
    def _pattern(path: str):
        return re.compile("^" + re.sub(r"\\{\w+\\}", "[^/]+", re.escape(path)) + "$")

    def problems(self, method: str, path: str, status: int, mimetype: str, body) -> list[str]:
        """Why this answer does not conform to the document ([] if it does)."""
        template = next((t for pattern, t in self.routes if pattern.match(path)), None)
        if template is None:
            # An event the document does not offer (a meeting's own) is refused, not described.
            refused = status in (401, 403, 404, 405)
            return [] if refused else [f"{method} {path}: undocumented path"]
        operation = self.document["paths"][template].get(method.lower())
        if operation is None:
            return [] if status in (401, 405) else [f"{method} {template}: undocumented method"]
        response = operation["responses"].get(str(status))
        if response is None:
            return [f"{method} {template}: undocumented status {status}"]
        content = response.get("content", {})
        if mimetype not in content and "*/*" not in content:
            return [f"{method} {template} {status}: {mimetype} not among {list(content)}"]
        if mimetype != "application/json" or "$ref" not in content[mimetype]["schema"]:
            return []
        schema = {**content[mimetype]["schema"], "components": self.document["components"]}
        errors = Draft202012Validator(schema).iter_errors(body)
        return [f"{method} {template} {status}: {error.message} at {list(error.path)}"
                for error in errors]  # fmt: skip


def watch(app: Flask) -> list[str]:
    """Check every API response APP gives; return the list the violations are added to."""
    violations: list[str] = []
    contracts: list[ResponseContract] = []  # built on the first API answer, inside a request

    @app.after_request
    def check(response):
        implicit = request.method in ("HEAD", "OPTIONS")  # answered by Flask, not described
        if request.path.startswith(PREFIX) and not implicit and not request.path.endswith(".json"):
            body = response.get_json(silent=True) if response.is_json else None
            path = request.path.removeprefix(PREFIX)
            if not contracts:
                from meeting.api.openapi import document

                contracts.append(ResponseContract(document()))
            problems = contracts[0].problems(
                request.method, path, response.status_code, response.mimetype, body
            )
            if app.config.get("HOSTILE_PATHS"):  # a sweep sends paths no document describes
                problems = [p for p in problems if "undocumented path" not in p]
            violations.extend(problems)
        return response

    return violations
