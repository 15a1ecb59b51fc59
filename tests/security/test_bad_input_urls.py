"""Hostile values in addresses: every parameter of every URL of the project, and the query
parameters the views read, for every role that may open the page. Never a server error.

The URLs are found by walking the resolver (as ``tests/kototori/test_url_coverage.py`` does), so a
new page is covered without anyone adding it here; who may open it, and the valid values of its
other parameters, come from the authorisation matrix (``test_matrix.py``). One parameter at a time
gets a hostile value while the others stay valid, so the hostile value reaches the view.

Values: numbers beyond PostgreSQL's ``bigint`` (2**63 and up), zero and leading zeros, negative and
non-ASCII digits, null characters, right-to-left overrides, Arabic script, very long strings, and
dates and periods near year 1 and 9999.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.functional import cached_property

from tests.security import test_matrix
from tests.security.test_matrix import (
    BUILDERS,
    LOGIN,
    PERSONAS,
    TABLE,
    _hub,
    project_url_names,
)

pytestmark = pytest.mark.django_db

# The matrix's records and its quick PDF stand-in, as fixtures of this module too. The records must
# be a fixture argument of the test (set up before the test's own transaction), or they would be
# rolled back with the first test.
world = test_matrix.world
_fast_pdf = test_matrix._fast_pdf

BIGINT_MAX = 2**63 - 1

# What each converter lets through to the view: only these can reach it. Values the converter
# refuses are asked for too (the resolver must answer 404, not fail).
INTS = [
    str(BIGINT_MAX),
    str(BIGINT_MAX + 1),
    str(2**64),
    "9" * 40,
    "0",
    "0" * 30 + "1",
    "-1",
    "١٢",  # Arabic-Indic digits
    "²",
]
TEXTS = [
    "\x00",
    "a\x00b",
    "\u202eevil\u202c",
    "مرحبا",
    "x" * 5000,
    "9" * 40,
    "-1",
    "..",
    "%",
    "0001-01",
    "9999-12",
    "<script>",
]
SLUGS = ["x" * 5000, "-", "_", "9" * 40, "0001-01-01", "a\x00b", "ሰላም"]
PATH_VALUES = {"int": INTS, "str": TEXTS, "slug": SLUGS, "path": TEXTS}

QUERY_VALUES = [
    "\x00",
    "1\x00",
    str(BIGINT_MAX + 1),
    "9" * 40,
    "-1",
    "0",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "0000-00-00",
    "0001-01",
    "9999-12",
    "9999",
    "0001-01-01_9999-12-31",
    "0001-Q1",
    "9999-Q4",
    "2026-W53",
    "\u202eevil\u202c",
    "مرحبا",
    "x" * 10_000,
    "1e400",
    "NaN",
    "//evil.example/",
]


def _valid_query(records) -> dict[str, str]:
    """A plausible value for each query parameter the views are known to read, so that a form
    bound to ``request.GET`` is bound, and the parameter under test is the only bad one."""
    a = records["a"]
    return {
        "visit": a.objects["visit"].pk,
        "visitor": a.objects["visitor"].pk,
        "case": a.objects["case"].pk,
        "hub": a.hub.slug,
        "period": "2026-01",
        "lang": "ar",
        "scope": "record",
        "type": "visits.visitor",
        "id": a.objects["visitor"].pk,
        "q": "Aino",
        "next": "/",
    }


_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _routes() -> dict[str, str]:
    """Every named project URL → its full route (``h/<slug:hub>/desk/visits/<int:pk>/``)."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str = "", ns: str = "") -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = (
                    f"{ns}:{entry.namespace}" if ns and entry.namespace else entry.namespace or ns
                )
                walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern) and entry.name:
                found.setdefault(
                    f"{ns}:{entry.name}" if ns else entry.name, prefix + str(entry.pattern)
                )

    walk(get_resolver().url_patterns)
    project = project_url_names()  # allauth and the admin are theirs to guard
    return {name: route for name, route in found.items() if name in project}


ROUTES = _routes()


def _path(route: str, values: dict[str, str]) -> str:
    """The route with each parameter replaced by its (percent-encoded) value, converters ignored."""
    return "/" + _PARAM.sub(lambda m: quote(str(values[m.group("name")]), safe=""), route)


def _params(route: str) -> list[tuple[str, str]]:
    return [(m.group("name"), m.group("converter") or "str") for m in _PARAM.finditer(route)]


def _clients(records, key: str) -> list[Client]:
    """A client for each role that may open the page in its own hub (anonymous for public pages)."""
    spec = TABLE[key]
    if spec.anon != LOGIN:
        return [Client()]
    return [records["clients"]["a", persona] for persona in PERSONAS if persona in spec.allow]


@contextmanager
def _reading_parameters():
    """Notes the name of every query parameter a view asks ``request.GET`` for, whether it was
    sent or not: the parameters it reads are the ones to try hostile values on."""
    read: set[str] = set()
    originals = {
        name: getattr(QueryDict, name) for name in ("__getitem__", "get", "getlist", "__contains__")
    }
    from_url = WSGIRequest.__dict__["GET"]

    def spy(name):
        def method(self, key, *args, **kwargs):
            if getattr(self, "_from_url", False):
                read.add(key)
            return originals[name](self, key, *args, **kwargs)

        return method

    def tagged_get(request):
        query = from_url.func(request)
        query._from_url = True
        return query

    try:
        for name in originals:
            setattr(QueryDict, name, spy(name))
        WSGIRequest.GET = cached_property(tagged_get)
        WSGIRequest.GET.__set_name__(WSGIRequest, "GET")
        yield read
    finally:
        for name, method in originals.items():
            setattr(QueryDict, name, method)
        WSGIRequest.GET = from_url


def _ask(client: Client, key: str, url: str, query: dict | None = None) -> str | None:
    """None when the answer is not a server error, else what went wrong."""
    spec = TABLE[key]
    headers = {"HX-Request": "true"} if spec.htmx else {}
    if query:
        url = f"{url}?{urlencode(query)}"
    try:
        if spec.method == "POST":
            response = client.post(url, query or {}, headers=headers)
        else:
            response = client.get(url, headers=headers)
    except Exception as exc:  # the test client re-raises what the view raised
        return f"{url[:160]}: {type(exc).__name__}: {str(exc)[:160]}"
    if response.status_code >= 500:
        return f"{url[:160]}: {response.status_code}"
    return None


def test_every_url_of_the_project_is_asked_for():
    assert {key.split("@")[0] for key in TABLE} == set(ROUTES), "the matrix and the URLs differ"


@pytest.mark.parametrize("key", sorted(TABLE))
@pytest.mark.usefixtures("_fast_pdf")
def test_hostile_values_in_the_address_never_give_a_server_error(key, world):
    from django.core.cache import cache

    name = key.split("@")[0]
    route = ROUTES[name]
    valid = {k: str(v) for k, v in BUILDERS.get(key, _hub)(world["a"], world["a"]).items()}
    # The matrix's own query for the page (?scope=reminders) wins over the generic plausible one.
    own_query = dict(parse_qsl(test_matrix.QUERIES.get(key, "").lstrip("?")))
    plausible = {**_valid_query(world), **own_query}
    spec = TABLE[key]
    failures = []
    for client in _clients(world, key):
        # The valid address answers as the matrix says: the hostile values below reach the view
        # (not a login page or a 404 for records that are gone).
        cache.clear()
        url = _path(route, valid) + test_matrix.QUERIES.get(key, "")
        expected = spec.anon if spec.anon != LOGIN else spec.ok
        assert test_matrix.outcome(test_matrix.fetch(client, url, spec), spec) == expected, key
        for param, converter in _params(route):
            for value in PATH_VALUES.get(converter, TEXTS):
                cache.clear()  # per-IP limits of the public pages
                failures.append(_ask(client, key, _path(route, {**valid, param: value})))
        # Which query parameters does the page read? Asked without any, and with plausible values
        # for all the known ones (a form bound to request.GET reads its fields only when bound).
        base = _path(route, valid)
        cache.clear()
        with _reading_parameters() as read:
            failures.append(_ask(client, key, base))
            failures.append(_ask(client, key, base, plausible))
        for param in sorted(read):
            for value in QUERY_VALUES:
                cache.clear()
                failures.append(_ask(client, key, base, {**plausible, param: value}))
    failures = [f for f in failures if f]
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:20])
