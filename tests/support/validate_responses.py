#!/usr/bin/python3
"""Checks recorded HTTP responses against the OpenAPI document.

usage: validate_responses.py OPENAPI_YAML LOG_JSONL

Each line of the log is one response a test received:
  {"method", "target", "status", "content_type", "body"}
where "body" is the text of a JSON body and null for other media types.

A response fails when the document has no operation for its path and method,
no response for its status, no content for its media type, or a JSON body
that does not validate against the schema documented for it (JSON Schema
Draft 2020-12, as OpenAPI 3.1 uses; $refs resolve within the document).
The router's own answers to paths and methods it does not know (404 "No such
path.", 405, 400 for a bad target) are checked against Problem only.

Prints one line per distinct failure and exits 1 if there was any; exits 0
silently otherwise. Run it with Debian's /usr/bin/python3, which has
python3-jsonschema (4.10) and python3-yaml.
"""

import datetime
import json
import re
import sys
import urllib.parse

import jsonschema
import yaml

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
MAX_LINES = 60

DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

format_checker = jsonschema.FormatChecker(formats=())


@format_checker.checks("date", raises=ValueError)
def is_date(value):
    if isinstance(value, str):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError("not YYYY-MM-DD")
        datetime.date.fromisoformat(value)
    return True


@format_checker.checks("date-time", raises=ValueError)
def is_date_time(value):
    if isinstance(value, str):
        if not DATE_TIME.match(value):
            raise ValueError("not an RFC 3339 date-time")
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


class Document:
    def __init__(self, path):
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        with open(path, encoding="utf-8") as f:
            self.doc = yaml.load(f, Loader=loader)
        self.resolver = jsonschema.RefResolver(base_uri="", referrer=self.doc)
        self.validators = {}
        self.templates = []
        for template in self.doc.get("paths", {}):
            parts = template.strip("/").split("/")
            literal = sum(1 for p in parts if not (p.startswith("{") and p.endswith("}")))
            self.templates.append((template, parts, literal))
        # Most literal segments first: /a/b beats /a/{x}.
        self.templates.sort(key=lambda t: -t[2])

    def deref(self, node):
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise ValueError("only local $refs are supported: " + ref)
            node = self.doc
            for key in ref[2:].split("/"):
                node = node[key.replace("~1", "/").replace("~0", "~")]
        return node

    def template_for(self, path):
        segments = [urllib.parse.unquote(s) for s in path.strip("/").split("/")]
        for template, parts, _ in self.templates:
            if len(parts) != len(segments):
                continue
            if all(
                (p.startswith("{") and p.endswith("}") and s) or p == s
                for p, s in zip(parts, segments)
            ):
                return template
        return None

    def validator(self, key, schema):
        if key not in self.validators:
            self.validators[key] = jsonschema.Draft202012Validator(
                schema, resolver=self.resolver, format_checker=format_checker
            )
        return self.validators[key]

    def problem_errors(self, body):
        schema = self.doc["components"]["schemas"]["Problem"]
        return schema_errors(self.validator("#Problem", schema), body)


def media_type(content_type):
    return (content_type or "").split(";")[0].strip().lower()


def is_json(media):
    return media == "application/json" or media.endswith("+json")


def media_matches(documented, actual):
    documented = documented.lower()
    if documented in ("*/*", actual):
        return True
    return documented.endswith("/*") and actual.split("/")[0] == documented[:-2]


def schema_errors(validator, body, most=5):
    errors = sorted(validator.iter_errors(body), key=lambda e: [str(p) for p in e.absolute_path])
    out = []
    for error in errors[:most]:
        where = "/".join(str(p) for p in error.absolute_path) or "(body)"
        out.append(f"at {where}: {error.message[:300]}")
    if len(errors) > most:
        out.append(f"and {len(errors) - most} more schema errors")
    return out


def router_answer(record, body, doc):
    """Errors of a response the router gives for a path or method it does not know."""
    status = record["status"]
    if not isinstance(body, dict):
        return ["expected a problem+json body"]
    if status == 404 and body.get("detail") == "No such path.":
        return doc.problem_errors(body)
    if status == 405 or (status == 400 and body.get("type") == "/problems/bad-target"):
        return doc.problem_errors(body)
    return None


def check(record, doc):
    """The errors of one recorded response: empty when the document describes it."""
    method = record["method"].lower()
    status = record["status"]
    media = media_type(record.get("content_type"))
    body = None
    if is_json(media) and record.get("body") is not None:
        try:
            body = json.loads(record["body"])
        except ValueError as e:
            return [f"the {media} body is not JSON: {e}"]

    path = urllib.parse.urlsplit(record["target"]).path
    if path == "/" or path.startswith("/assets/"):
        # The web page's files lie outside the API; a missing one is a problem+json 404.
        if status != 404:
            return []
        return doc.problem_errors(body) if isinstance(body, dict) else ["expected a problem+json body"]
    template = doc.template_for(path)
    operation = None
    if template is not None:
        operation = doc.deref(doc.doc["paths"][template]).get(method)
    if operation is None:
        errors = router_answer(record, body, doc)
        if errors is not None:
            return errors
        if template is None:
            return ["no documented path matches"]
        return [f"the path documents no {method.upper()}"]

    if status == 404 and isinstance(body, dict) and body.get("detail") == "No such path.":
        return ["documented, but the server does not route it (404 No such path.)"]
    responses = operation.get("responses", {})
    response = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
    if response is None:
        return [f"no {status} response documented"]
    response = doc.deref(response)
    content = response.get("content")
    if not content:
        if record.get("body"):
            return [f"{status} is documented without content, but a body came"]
        return []
    if not media:
        return [f"no Content-Type; documented: {', '.join(content)}"]
    documented = next((m for m in content if media_matches(m, media)), None)
    if documented is None:
        return [f"media type {media} not documented for {status}; documented: {', '.join(content)}"]
    if not is_json(media):
        return []
    schema = doc.deref(content[documented]).get("schema")
    if schema is None:
        return []
    key = f"{template} {method} {status} {documented}"
    return schema_errors(doc.validator(key, schema), body)


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    doc = Document(argv[1])
    failures = {}  # message -> how many responses had it
    with open(argv[2], encoding="utf-8", errors="replace") as log:
        for line in log:
            if not line.strip():
                continue
            record = json.loads(line)
            path = urllib.parse.urlsplit(record["target"]).path
            where = doc.template_for(path) or path
            for error in check(record, doc):
                message = f'{record["method"]} {where} -> {record["status"]}: {error}'
                failures[message] = failures.get(message, 0) + 1
    if not failures:
        return 0
    lines = [m if n == 1 else f"{m} (x{n})" for m, n in failures.items()]
    for line in lines[:MAX_LINES]:
        print(line)
    if len(lines) > MAX_LINES:
        print(f"... and {len(lines) - MAX_LINES} more")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
