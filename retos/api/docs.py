"""The documentation page's content, read from the OpenAPI document itself, so the page and the
schema cannot disagree. Built once per language and process (the schema changes only with the
code)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import get_language, override

from retos.api.pagination import MAX_PAGE_SIZE

__all__ = ["MAX_PAGE_SIZE", "document"]

METHODS = ("get", "post", "put", "patch", "delete")

_CACHE: dict[str, Document] = {}


@dataclass
class Field:
    name: str
    type: str
    required: bool
    description: str
    location: str = ""


@dataclass
class Response:
    code: str
    description: str
    schema: str


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    anchor: str
    authenticated: bool
    parameters: list[Field] = field(default_factory=list)
    body: list[Field] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    #: The fields of a successful answer (of each item of ``results``, for a page of a list).
    result: str = ""
    result_fields: list[Field] = field(default_factory=list)
    paginated: bool = False


@dataclass
class Tag:
    name: str
    label: str
    description: str
    operations: list[Operation] = field(default_factory=list)


@dataclass
class Document:
    title: str
    version: str
    description: str
    tags: list[Tag]


def _schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


class _Types:
    def __init__(self, components: dict):
        self.components = components

    def resolve(self, schema: dict) -> dict:
        seen = 0
        while "$ref" in schema and seen < 10:
            schema = self.components.get(schema["$ref"].rsplit("/", 1)[-1], {})
            seen += 1
        return schema

    def name(self, schema: dict) -> str:
        if "$ref" in schema:
            target = self.resolve(schema)
            if "enum" in target:
                return self.name(target)
            return schema["$ref"].rsplit("/", 1)[-1]
        if schema.get("allOf"):
            return self.name(schema["allOf"][0])
        if "oneOf" in schema:
            return " | ".join(self.name(s) for s in schema["oneOf"])
        kind = schema.get("type", "object")
        if kind == "array":
            return f"[{self.name(schema.get('items', {}))}]"
        if "enum" in schema:
            values = [str(v) for v in schema["enum"] if v not in (None, "")]
            return " | ".join(values)
        if schema.get("format"):
            kind = f"{kind} ({schema['format']})"
        if schema.get("nullable"):
            kind += " | null"
        return kind

    def fields(self, schema: dict, *, output: bool = False) -> list[Field]:
        """The fields of an object schema: those a client sends (``output=False``) or those it
        receives."""
        schema = self.resolve(schema)
        required = set(schema.get("required", []))
        out = []
        for name, prop in (schema.get("properties") or {}).items():
            if prop.get("readOnly") and not output:
                continue
            resolved = self.resolve(prop)
            out.append(
                Field(
                    name=name,
                    type=self.name(prop),
                    required=name in required,
                    description=prop.get("description") or resolved.get("description", ""),
                )
            )
        return out


def _build() -> Document:
    schema = _schema()
    types = _Types(schema.get("components", {}).get("schemas", {}))
    tags = {
        t["name"]: Tag(
            name=t["name"],
            label=t.get("x-displayName", t["name"]),
            description=t.get("description", ""),
        )
        for t in schema.get("tags", [])
    }
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            parameters = [
                Field(
                    name=p["name"],
                    type=types.name(p.get("schema", {})),
                    required=bool(p.get("required")),
                    description=p.get("description", ""),
                    location=p.get("in", ""),
                )
                for p in op.get("parameters", [])
            ]
            body = []
            content = (op.get("requestBody") or {}).get("content", {})
            if "application/json" in content:
                body = types.fields(content["application/json"].get("schema", {}))
            responses = []
            for code, response in sorted(op.get("responses", {}).items()):
                media = (response.get("content") or {}).get("application/json", {})
                responses.append(
                    Response(
                        code=code,
                        description=response.get("description", ""),
                        schema=types.name(media["schema"]) if "schema" in media else "",
                    )
                )
            result, result_fields, paginated = "", [], False
            for code, response in sorted(op.get("responses", {}).items()):
                media = (response.get("content") or {}).get("application/json", {})
                if code.startswith("2") and "schema" in media:
                    target = types.resolve(media["schema"])
                    items = (target.get("properties") or {}).get("results", {}).get("items")
                    paginated = items is not None and "count" in (target.get("properties") or {})
                    shown = items if paginated else media["schema"]
                    result = types.name(shown)
                    result_fields = types.fields(shown, output=True)
                    break
            security = op.get("security", [])
            anonymous = not security or {} in security
            tag_name = (op.get("tags") or ["api"])[0]
            tag = tags.setdefault(tag_name, Tag(name=tag_name, label=tag_name, description=""))
            tag.operations.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=op.get("summary", ""),
                    description=op.get("description", ""),
                    anchor=op.get("operationId", f"{method}-{path}"),
                    authenticated=not anonymous,
                    parameters=parameters,
                    body=body,
                    responses=responses,
                    result=result,
                    result_fields=result_fields,
                    paginated=paginated,
                )
            )
    info = schema.get("info", {})
    return Document(
        title=info.get("title", ""),
        version=info.get("version", ""),
        description=info.get("description", ""),
        tags=[t for t in tags.values() if t.operations],
    )


def document() -> Document:
    """The documentation in the active language."""
    language = get_language() or "es-mx"
    if language not in _CACHE:
        with override(language):
            _CACHE[language] = _build()
    return _CACHE[language]
