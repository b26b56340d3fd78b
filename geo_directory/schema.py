"""The OpenAPI schema's account of errors: every operation may answer a problem document
(RFC 9457) for a refused parameter, an unknown key, a missing resource, a used-up quota
or an unreachable database."""

PROBLEM = {
    "type": "object",
    "description": "A problem document (RFC 9457); the types are listed at /api/v1/problems/.",
    "properties": {
        "type": {"type": "string", "example": "/api/v1/problems/invalid-parameter"},
        "title": {"type": "string", "example": "Invalid parameter"},
        "status": {"type": "integer", "example": 400},
        "detail": {"type": "string", "example": "Ensure this value is less than or equal to 90."},
        "parameter": {"type": "string", "nullable": True, "example": "lat"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "parameter": {"type": "string", "nullable": True},
                    "detail": {"type": "string"},
                },
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
}

ERRORS = {
    "400": "A parameter was refused; `parameter` names it.",
    "401": "The API key sent in X-Api-Key is unknown or revoked.",
    "404": "No such resource, or no such format.",
    "429": "The request quota is used up; Retry-After says when to try again.",
    "503": "The directory's database cannot be reached for a moment.",
}


NOT_MODIFIED = (
    "Not modified: the answer is the one the client holds (If-None-Match with its ETag, "
    "or If-Modified-Since with its Last-Modified)."
)


# The headers of every successful answer, and of every list.
HEADERS = {
    "ETag": "Of the answer's content: sent back in If-None-Match, it gives a 304 while the "
    "answer holds. A streamed export's ETag is weak (W/) and known before its rows.",
}
LIST_HEADERS = {
    "Link": 'The next and previous pages (RFC 8288): `<url>; rel="next"`, '
    '`<url>; rel="prev"`, the same as the body\'s `next` and `previous`.',
}


def _is_list(operation: dict) -> bool:
    """A paged list: DRF's (`…_list`) and HSDS's (`getPaginatedListOf…`)."""
    name = operation.get("operationId", "")
    return name.endswith("_list") or name.startswith("getPaginatedList")


def header_objects(headers: dict[str, str]) -> dict:
    return {
        name: {"description": text, "schema": {"type": "string"}} for name, text in headers.items()
    }


def add_problem_responses(result, generator, request, public):
    """drf-spectacular post-processing hook (SPECTACULAR_SETTINGS)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    content = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            # Every answer carries an ETag; a conditional request for the same answer gets
            # no body.
            responses.setdefault("304", {"description": NOT_MODIFIED})
            if "200" in responses:
                headers = responses["200"].setdefault("headers", {})
                headers.update(header_objects(HEADERS))
                if _is_list(operation):
                    headers.update(header_objects(LIST_HEADERS))
            for status, description in ERRORS.items():
                response = responses.setdefault(status, {"description": description})
                response["content"] = content
    return result
