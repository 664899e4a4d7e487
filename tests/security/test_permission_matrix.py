"""The permission matrix: who may write to an organization's datasets and harvest sources, and
who may read its PRIVATE dataset through every way the portal serves data (API, pages, DCAT,
activity streams, curation queue, home page, feeds).

Seven users: anonymous, a logged-in non-member, a member, an editor and an admin of
organization A, an admin of organization B, and a sysadmin. Every (operation, user) pair is
one test. Requests go through the real app (API calls with the user's API token in the
Authorization header, pages the same way), database and Solr; all of them the real services.

A "denied" read must leak nothing: the private dataset's title, the marker in its description,
its id, and its resource's name and id appear nowhere in the response (its name neither,
unless the request itself names it, as /dataset/<name> does: a 404 page echoes its own URL).

The world (users, organizations, datasets) is built once for the module; write operations act
on datasets and harvest sources of their own, so the cells do not depend on each other.
A readable table of the outcomes is written to var/permission-matrix.md.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

import pytest

from ckan import model
from ckan.tests import factories as ckan_factories
from ckan.tests.helpers import call_action

from tests.pages import soup
from tests.schema import factories
from tests.schema.factories import PUBLIC, TRAN

ORG_B = {"name": "bedrift-b", "title": "Bedrift B", "orgnr": "926543180", "org_type": "company"}

# The private dataset of A. ASCII only, so every serialization (Turtle, JSON-LD, HTML, JSON)
# writes it verbatim and a plain substring search finds it.
SECRET_NAME = "hemmelig-matrise-q7x"
SECRET_TITLE = "Hemmelig matrisetittel Q7X"
MARKER = "scnleakmarker7f3a9c"
# A word only the private dataset's description has, to search for: a search page echoes its
# query, so searching for the marker itself would put it in every answer.
SEARCH_WORD = "zebrakvartal"
SECRET_RESOURCE = "Hemmelig ressurs Q7X"
PUBLIC_NAME = "offentlig-matrise-a"
PUBLIC_TITLE = factories.dataset()["title_translated"]["nb"]
B_NAME = "offentlig-matrise-b"
B_TITLE = "Bedriftsdata B Q7X"

USERS = ["anonymous", "non_member", "member_a", "editor_a", "admin_a", "admin_b", "sysadmin"]
# CKAN's roles: members read an organization's private datasets, editors and admins also write.
READERS = {"member_a", "editor_a", "admin_a", "sysadmin"}
WRITERS = {"editor_a", "admin_a", "sysadmin"}
# The curation queue is for sysadmins and organization admins (logic/auth.py).
CURATORS = {"admin_a", "sysadmin"}
NOBODY: set[str] = set()

MATRIX_FILE = Path(__file__).resolve().parents[2] / "var" / "permission-matrix.md"
_outcomes: dict[tuple[str, str], str] = {}


class World:
    """What the module's tests share: the app, the users' request headers, A, B and the
    private dataset."""

    def __init__(self, app: Any, sysadmin: dict[str, Any]) -> None:
        self.app = app
        self.sysadmin = sysadmin
        self.users: dict[str, dict[str, Any]] = {}
        self.org_a: dict[str, Any] = {}
        self.org_b: dict[str, Any] = {}
        self.secret: dict[str, Any] = {}
        self.activity_id = ""

    def headers(self, user: str, **extra: str) -> dict[str, str]:
        headers = dict(extra)
        if user != "anonymous":
            headers["Authorization"] = self.users[user]["token"]
        return headers

    def get(self, user: str, url: str, **headers: str) -> Any:
        return self.app.get(url, headers=self.headers(user, **headers), follow_redirects=False)

    def api(self, user: str, action: str, **data: Any) -> Any:
        return self.app.post(f"/api/3/action/{action}", json=data, headers=self.headers(user))

    def as_sysadmin(self) -> dict[str, Any]:
        return {"user": self.sysadmin["name"], "ignore_auth": False}

    def secrets(self, echoed: bool = False) -> list[str]:
        """What a denied response must not contain. ECHOED: the request names the dataset."""
        resource = self.secret["resources"][0]
        found = [SECRET_TITLE, MARKER, SECRET_RESOURCE]
        if not echoed:
            found += [SECRET_NAME, self.secret["id"], resource["id"]]
        return found


@pytest.fixture(scope="module")
def world(fresh_portal):
    """Users, organizations A and B, A's private dataset (created by A's editor, then edited,
    so the activity streams have entries) and a public one; the private dataset is featured on
    the home page, so the home page must filter it per user."""
    from ckan.lib.app_globals import _CONFIG_CACHE
    from ckan.common import config
    from ckan.tests.helpers import _get_test_app

    from ckanext.scn import featured

    _CONFIG_CACHE.clear()

    sysadmin = ckan_factories.SysadminWithToken()
    world = World(_get_test_app(), sysadmin)
    world.users["sysadmin"] = sysadmin
    for user in ("non_member", "member_a", "editor_a", "admin_a", "admin_b"):
        world.users[user] = ckan_factories.UserWithToken(name=user.replace("_", "-") + "-matrise")
    ctx = world.as_sysadmin
    world.org_a = call_action("organization_create", context=ctx(), **factories.OSLO_KOMMUNE)
    world.org_b = call_action("organization_create", context=ctx(), **ORG_B)
    for user, org, role in (("member_a", world.org_a, "member"), ("editor_a", world.org_a, "editor"),
                            ("admin_a", world.org_a, "admin"), ("admin_b", world.org_b, "admin")):
        call_action("organization_member_create", context=ctx(), id=org["id"],
                    username=world.users[user]["name"], role=role)

    # No time period: a recommended property missing, so the dataset is in the curation queue.
    secret = factories.dataset(
        name=SECRET_NAME, owner_org=world.org_a["id"], private=True,
        title_translated={"nb": SECRET_TITLE, "en": SECRET_TITLE},
        notes_translated={"nb": f"Internt datasett {MARKER} om {SEARCH_WORD}.", "en": f"Internal dataset {MARKER}."},
        resources=[dict(factories.dataset()["resources"][0], name=SECRET_RESOURCE,
                        description=f"Ressurs {MARKER}")])
    secret.pop("temporal_coverage")
    editor = {"user": world.users["editor_a"]["name"]}
    call_action("package_create", context=dict(editor), **secret)
    call_action("package_patch", context=dict(editor), id=SECRET_NAME,
                notes_translated={"nb": f"Internt datasett {MARKER} om {SEARCH_WORD}, oppdatert.",
                                  "en": f"Internal {MARKER}."})
    world.secret = call_action("package_show", context=ctx(), id=SECRET_NAME)
    # The edit (newest first): its diff has the marker on both sides.
    world.activity_id = call_action("package_activity_list", context=ctx(), id=SECRET_NAME)[0]["id"]
    call_action("package_create", context=ctx(), **factories.dataset(name=PUBLIC_NAME, owner_org=world.org_a["id"]))
    call_action("package_create", context=ctx(), **factories.dataset(
        name=B_NAME, owner_org=world.org_b["id"], title_translated={"nb": B_TITLE}))
    call_action("config_option_update", context=ctx(), **{featured.OPTION: f"{SECRET_NAME} {PUBLIC_NAME}"})

    yield world

    config.pop(featured.OPTION, None)
    _write_matrix()


def _record(operation: str, user: str, outcome: str) -> None:
    _outcomes[(operation, user)] = outcome


def _write_matrix() -> None:
    operations = list(dict.fromkeys(op for op, _ in _outcomes))
    if not operations:
        return
    lines = ["# Permission matrix (tests/security/test_permission_matrix.py)", "",
             "Write cells: `yes` = the operation succeeded, `no` = refused. Read cells (the private dataset of A): "
             "`sees` = the user got it, `-` = denied with nothing leaked.", "",
             "| operation | " + " | ".join(USERS) + " |", "|---|" + "---|" * len(USERS)]
    for op in operations:
        lines.append(f"| {op} | " + " | ".join(_outcomes.get((op, u), "?") for u in USERS) + " |")
    MATRIX_FILE.parent.mkdir(parents=True, exist_ok=True)
    MATRIX_FILE.write_text("\n".join(lines) + "\n")


def assert_no_leak(world: World, response: Any, echoed: bool = False) -> None:
    body = response.body
    leaked = [s for s in world.secrets(echoed) if s.lower() in body.lower()]
    assert not leaked, f"{leaked} leaked in a denied response ({response.status_code}): {body[:1500]}"


def api_denied(response: Any) -> bool:
    return response.status_code == 403 and response.json["error"]["__type"] == "Authorization Error"


# --- Reading the private dataset of A --------------------------------------------------------
# Each returns (response, whether the user got the private dataset, whether the URL names it).

Read = tuple[Any, bool, bool]


def _api_names(response: Any) -> set[str]:
    result = response.json["result"]
    rows = result["results"] if isinstance(result, dict) else result
    return {row["name"] if isinstance(row, dict) else row for row in rows}


def read_package_show(world: World, user: str) -> Read:
    r = world.api(user, "package_show", id=SECRET_NAME)
    return r, r.status_code == 200 and r.json["result"]["title"] == SECRET_TITLE, True


def read_package_search(world: World, user: str) -> Read:
    r = world.api(user, "package_search", q="*:*", rows=1000)
    return r, SECRET_NAME in _api_names(r), False


def read_package_search_private(world: World, user: str) -> Read:
    r = world.api(user, "package_search", q="*:*", rows=1000, include_private=True, include_drafts=True)
    return r, SECRET_NAME in _api_names(r), False


def read_package_search_word(world: World, user: str) -> Read:
    # Searching for what only the private dataset contains: a count would reveal it too.
    r = world.api(user, "package_search", q=SEARCH_WORD, include_private=True)
    found = r.json["result"]["count"]
    return r, found > 0 or SECRET_NAME in _api_names(r), False


def read_package_list(world: World, user: str) -> Read:
    r = world.api(user, "package_list")
    return r, SECRET_NAME in r.json["result"], False


def read_current_package_list(world: World, user: str) -> Read:
    r = world.api(user, "current_package_list_with_resources", limit=1000)
    return r, SECRET_NAME in _api_names(r), False


def read_autocomplete(world: World, user: str) -> Read:
    r = world.get(user, "/api/2/util/dataset/autocomplete?incomplete=hemmelig")
    return r, SECRET_NAME in r.body, False


def read_search_page(world: World, user: str) -> Read:
    r = world.get(user, f"/dataset/?q={SEARCH_WORD}")
    assert r.status_code == 200
    return r, SECRET_TITLE in r.body, False


def read_dataset_page(world: World, user: str) -> Read:
    r = world.get(user, f"/dataset/{SECRET_NAME}")
    return r, r.status_code == 200 and SECRET_TITLE in r.body, True


def _rdf(suffix: str, accept: str | None = None) -> Callable[[World, str], Read]:
    def read(world: World, user: str) -> Read:
        headers = {"Accept": accept} if accept else {}
        r = world.get(user, f"/dataset/{SECRET_NAME}{suffix}", **headers)
        return r, r.status_code == 200 and SECRET_TITLE in r.body and MARKER in r.body, True
    return read


def _catalog(path: str, lists_public: bool = True) -> Callable[[World, str], Read]:
    def read(world: World, user: str) -> Read:
        r = world.get(user, path)
        assert r.status_code == 200, r.status_code
        if lists_public:  # the catalog is there, with A's public dataset
            assert PUBLIC_TITLE in r.body
        return r, world.secret["id"] in r.body or SECRET_TITLE in r.body, False
    return read


def read_dataset_activity_page(world: World, user: str) -> Read:
    r = world.get(user, f"/dataset/activity/{SECRET_NAME}")
    return r, r.status_code == 200 and SECRET_TITLE in r.body, True


def read_package_activity_list(world: World, user: str) -> Read:
    r = world.api(user, "package_activity_list", id=SECRET_NAME)
    return r, r.status_code == 200 and len(r.json["result"]) >= 2, True


def _activity_objects(response: Any) -> set[str]:
    return {activity["object_id"] for activity in response.json["result"]}


def read_organization_activity_list(world: World, user: str) -> Read:
    r = world.api(user, "organization_activity_list", id=world.org_a["name"], limit=100)
    assert r.status_code == 200
    return r, world.secret["id"] in _activity_objects(r), False


def read_organization_activity_page(world: World, user: str) -> Read:
    r = world.get(user, f"/organization/activity/{world.org_a['name']}")
    assert r.status_code == 200
    return r, SECRET_TITLE in r.body, False


def read_recent_activity(world: World, user: str) -> Read:
    r = world.api(user, "recently_changed_packages_activity_list", limit=100)
    assert r.status_code == 200
    return r, world.secret["id"] in _activity_objects(r), False


def read_activity_data(world: World, user: str) -> Read:
    r = world.api(user, "activity_data_show", id=world.activity_id, object_type="package")
    return r, r.status_code == 200 and SECRET_TITLE in r.body, False


def read_activity_diff(world: World, user: str) -> Read:
    r = world.api(user, "activity_diff", id=world.activity_id, object_type="package", diff_type="unified")
    return r, r.status_code == 200 and MARKER in r.body, False


def read_changes_page(world: World, user: str) -> Read:
    r = world.get(user, f"/dataset/changes/{world.activity_id}")
    return r, r.status_code == 200 and SECRET_TITLE in r.body, False


def read_user_activity_list(world: World, user: str) -> Read:
    r = world.api(user, "user_activity_list", id=world.users["editor_a"]["name"], limit=100)
    assert r.status_code == 200
    return r, world.secret["id"] in _activity_objects(r), False


def read_user_activity_page(world: World, user: str) -> Read:
    r = world.get(user, f"/user/activity/{world.users['editor_a']['name']}")
    assert r.status_code == 200
    return r, SECRET_TITLE in r.body, False


def read_user_page(world: World, user: str) -> Read:
    r = world.get(user, f"/user/{world.users['editor_a']['name']}")
    assert r.status_code == 200
    return r, SECRET_TITLE in r.body, False


def read_organization_page(world: World, user: str) -> Read:
    r = world.get(user, f"/organization/{world.org_a['name']}")
    assert r.status_code == 200
    return r, SECRET_TITLE in r.body, False


def read_organization_show(world: World, user: str) -> Read:
    r = world.api(user, "organization_show", id=world.org_a["name"], include_datasets=True)
    assert r.status_code == 200
    return r, SECRET_NAME in {d["name"] for d in r.json["result"]["packages"]}, False


def read_organization_count(world: World, user: str) -> Read:
    # A has one public and one private dataset (the write cells, which add more, run later).
    r = world.api(user, "organization_list", all_fields=True)
    counts = {org["name"]: org["package_count"] for org in r.json["result"]}
    return r, counts[world.org_a["name"]] == 2, False


def read_curation_page(world: World, user: str) -> Read:
    r = world.get(user, "/curation")
    if user == "anonymous" and r.status_code == 302:
        assert "/user/login" in r.headers["Location"]
    elif user in CURATORS or user == "admin_b":
        assert r.status_code == 200, r.status_code  # an admin of B has a queue, of B's datasets
    else:
        assert r.status_code == 403, r.status_code
    return r, r.status_code == 200 and SECRET_NAME in r.body, False


def read_curation_page_of_a(world: World, user: str) -> Read:
    r = world.get(user, f"/curation?organization={world.org_a['name']}")
    if r.status_code == 200:
        return r, SECRET_NAME in r.body, False
    assert r.status_code in (302, 400, 403), r.status_code
    return r, False, False


def read_curation_list(world: World, user: str) -> Read:
    r = world.api(user, "scn_curation_list", rows=100)
    if user in CURATORS or user == "admin_b":
        assert r.status_code == 200, r.body[:500]
        return r, SECRET_NAME in {item["name"] for item in r.json["result"]["results"]}, False
    assert api_denied(r), r.body[:500]
    return r, False, False


def read_curation_list_of_a(world: World, user: str) -> Read:
    # Asking for A's queue by name: refused to everyone who does not administer A.
    r = world.api(user, "scn_curation_list", organization=world.org_a["name"], rows=100)
    if r.status_code == 200:
        return r, SECRET_NAME in {item["name"] for item in r.json["result"]["results"]}, False
    assert r.status_code in (403, 409), r.body[:500]
    return r, False, False


def read_home_page(world: World, user: str) -> Read:
    # The private dataset is featured (set again here: the option is process-wide config, and
    # in a full run other modules' config handling can reset it between this module's tests).
    from ckanext.scn import featured

    call_action("config_option_update", context=world.as_sysadmin(),
                **{featured.OPTION: f"{SECRET_NAME} {PUBLIC_NAME}"})
    r = world.get(user, "/")
    assert r.status_code == 200
    assert PUBLIC_NAME in r.body  # featured, next to the private one
    return r, SECRET_TITLE in r.body or f"/dataset/{SECRET_NAME}" in r.body, False


def read_resource_show(world: World, user: str) -> Read:
    r = world.api(user, "resource_show", id=world.secret["resources"][0]["id"])
    return r, r.status_code == 200 and r.json["result"]["name"] == SECRET_RESOURCE, True


def read_resource_page(world: World, user: str) -> Read:
    resource = world.secret["resources"][0]
    r = world.get(user, f"/dataset/{SECRET_NAME}/resource/{resource['id']}")
    return r, r.status_code == 200 and SECRET_RESOURCE in r.body, True


def read_resource_download(world: World, user: str) -> Read:
    resource = world.secret["resources"][0]
    r = world.get(user, f"/dataset/{SECRET_NAME}/resource/{resource['id']}/download")
    return r, r.status_code == 302 and r.headers["Location"] == resource["url"], True


def read_resource_search(world: World, user: str) -> Read:
    r = world.api(user, "resource_search", query=f"name:{SECRET_RESOURCE.split()[0]}")
    assert r.status_code == 200, r.body[:500]
    return r, SECRET_RESOURCE in r.body, False


def _feed(path: str) -> Callable[[World, str], Read]:
    def read(world: World, user: str) -> Read:
        r = world.get(user, path)
        assert r.status_code == 200, r.status_code
        return r, SECRET_TITLE in r.body, False
    return read


# CKAN's own rules where they are narrower than READERS: package_search without include_private
# never returns private datasets; an organization's activity stream leaves its private datasets
# out for everyone (ckanext-activity's _organization_activity_query); an activity's data and
# diff need package_update (ckan.auth.public_activity_stream_detail = false); the user page lists
# a user's private datasets to themself and sysadmins only; current_package_list_with_resources
# includes private ones for sysadmins only.
READS: dict[str, tuple[Callable[[World, str], Read], set[str]]] = {
    "API package_show": (read_package_show, READERS),
    "API package_search": (read_package_search, NOBODY),
    "API package_search include_private": (read_package_search_private, READERS),
    "API package_search q=<word>": (read_package_search_word, READERS),
    "API package_list": (read_package_list, NOBODY),
    "API current_package_list_with_resources": (read_current_package_list, {"sysadmin"}),
    "API dataset autocomplete": (read_autocomplete, READERS),
    "/dataset/?q=<word>": (read_search_page, READERS),
    "/dataset/<name>": (read_dataset_page, READERS),
    "/dataset/<name>.ttl": (_rdf(".ttl"), READERS),
    "/dataset/<name>.jsonld": (_rdf(".jsonld"), READERS),
    "/dataset/<name>.rdf": (_rdf(".rdf"), READERS),
    "/dataset/<name> Accept: text/turtle": (_rdf("", "text/turtle"), READERS),
    "/catalog.ttl": (_catalog("/catalog.ttl"), NOBODY),
    "/catalog.jsonld": (_catalog("/catalog.jsonld"), NOBODY),
    # Asking the catalog for private datasets outright.
    "/catalog.ttl?q=capacity:private": (_catalog("/catalog.ttl?q=capacity:private", False), NOBODY),
    "/catalog.ttl?fq=capacity:private": (_catalog("/catalog.ttl?fq=capacity:private", False), NOBODY),
    # Queries with spaces and parentheses, and one that tries to close the organization's filter.
    "/catalog.ttl?q=<word> OR *:*": (_catalog(f"/catalog.ttl?q={SEARCH_WORD}%20OR%20*:*"), NOBODY),
    "/organization/<A>/catalog.ttl?fq=*:*) OR (capacity:private": (
        _catalog(f"/organization/{factories.OSLO_KOMMUNE['name']}/catalog.ttl?fq=*:*)%20OR%20(capacity:private",
                 False), NOBODY),
    "/organization/<A>/catalog.ttl?fq=capacity:private": (
        _catalog(f"/organization/{factories.OSLO_KOMMUNE['name']}/catalog.ttl?fq=capacity:private", False), NOBODY),
    "/organization/<A>/catalog.ttl": (_catalog(f"/organization/{factories.OSLO_KOMMUNE['name']}/catalog.ttl"), NOBODY),
    "/organization/<A>/catalog.jsonld": (_catalog(f"/organization/{factories.OSLO_KOMMUNE['name']}/catalog.jsonld"),
                                         NOBODY),
    "/dataset/activity/<name>": (read_dataset_activity_page, READERS),
    "API package_activity_list": (read_package_activity_list, READERS),
    "API organization_activity_list": (read_organization_activity_list, NOBODY),
    "/organization/activity/<A>": (read_organization_activity_page, NOBODY),
    "API recently_changed_packages_activity_list": (read_recent_activity, READERS),
    "API activity_data_show (its activity)": (read_activity_data, WRITERS),
    "API activity_diff (its activity)": (read_activity_diff, WRITERS),
    "/dataset/changes/<its activity>": (read_changes_page, WRITERS),
    "API user_activity_list (creator)": (read_user_activity_list, READERS),
    "/user/activity/<creator>": (read_user_activity_page, READERS),
    "/user/<creator>": (read_user_page, {"editor_a", "sysadmin"}),
    "/organization/<A>": (read_organization_page, READERS),
    "API organization_show include_datasets": (read_organization_show, READERS),
    "API organization_list package_count": (read_organization_count, READERS),
    "/curation": (read_curation_page, CURATORS),
    "/curation?organization=<A>": (read_curation_page_of_a, CURATORS),
    "API scn_curation_list": (read_curation_list, CURATORS),
    "API scn_curation_list organization=A": (read_curation_list_of_a, CURATORS),
    "home page /": (read_home_page, READERS),
    "API resource_show": (read_resource_show, READERS),
    "API resource_search": (read_resource_search, NOBODY),
    "/dataset/<name>/resource/<id>": (read_resource_page, READERS),
    "/dataset/<name>/resource/<id>/download": (read_resource_download, READERS),
    "/feeds/dataset.atom": (_feed("/feeds/dataset.atom"), NOBODY),
    "/feeds/organization/<A>.atom": (_feed(f"/feeds/organization/{factories.OSLO_KOMMUNE['name']}.atom"), NOBODY),
}


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("operation", list(READS))
def test_read_private_dataset(world: World, operation: str, user: str) -> None:
    read, allowed = READS[operation]
    response, sees, echoed = read(world, user)
    _record(operation, user, "sees" if sees else "-")
    assert sees == (user in allowed), (
        f"{user} {'got' if sees else 'did not get'} the private dataset through {operation}: "
        f"{response.status_code} {response.body[:800]}")
    if not sees and user not in READERS:  # readers may read the dataset anyway
        assert_no_leak(world, response, echoed)


# --- Write operations: each cell on a dataset or harvest source of its own ---------------------

def _target(world: World, user: str, operation: str) -> dict[str, Any]:
    name = f"{operation}-{user}".replace("_", "-")
    return call_action("package_create", context=world.as_sysadmin(),
                       **factories.dataset(name=name, owner_org=world.org_a["id"]))


def _stored(name: str) -> model.Package | None:
    model.Session.expire_all()
    return model.Package.by_name(name)


def write_package_create(world: World, user: str) -> bool:
    name = f"ny-api-{user}".replace("_", "-")
    response = world.api(user, "package_create", **factories.dataset(name=name, owner_org=world.org_a["id"]))
    created = _stored(name) is not None
    assert created == (response.status_code == 200), response.body[:1000]
    if not created:
        assert api_denied(response), response.body[:1000]
    return created


def _form(name: str, org_id: str) -> dict[str, Any]:
    return {
        "name": name, "title_translated-nb": f"Skjema {name}", "title_translated-nn": "", "title_translated-en": "",
        "notes_translated-nb": "Tellinger fra sykkelpunkter.", "notes_translated-nn": "", "notes_translated-en": "",
        "tags_translated-nb": "sykkel", "tags_translated-nn": "", "tags_translated-en": "",
        "owner_org": org_id, "theme": [TRAN], "access_rights": PUBLIC, "license_id": "NLOD-2.0",
        "spatial_coverage-0-uri": "0301", "contact-0-name": "Datateamet", "contact-0-email": "data@example.no",
        "_ckan_phase": "1", "save": "",
    }


def write_form_create(world: World, user: str) -> bool:
    name = f"ny-skjema-{user}".replace("_", "-")
    if user == "anonymous":
        # An anonymous session has a CSRF token too (every page carries it): with it, the post
        # reaches the authorization this cell is about (without it, it is refused as CSRF).
        client = world.app.test_client()
        token = soup(client.get("/user/login")).select_one("meta[name=_csrf_token]")["content"]
        response = client.post("/dataset/new", data={**_form(name, world.org_a["id"]), "_csrf_token": token},
                               follow_redirects=False)
    else:
        response = world.app.post("/dataset/new", data=_form(name, world.org_a["id"]),
                                  headers=world.headers(user), follow_redirects=False)
    created = _stored(name) is not None
    if created:
        assert response.status_code == 302, response.status_code
    else:
        # Refused outright, or sent to the login page; never a form that saved anyway.
        assert response.status_code == 403 or (
            response.status_code == 302 and "/user/login" in response.headers["Location"]), response.status_code
    return created


def write_package_patch(world: World, user: str) -> bool:
    target = _target(world, user, "patch")
    response = world.api(user, "package_patch", id=target["id"],
                         notes_translated={"nb": "Endret av " + user})
    changed = "Endret av" in (_stored(target["name"]).notes or "")
    assert changed == (response.status_code == 200), response.body[:1000]
    if not changed:
        assert api_denied(response), response.body[:1000]
    return changed


def write_package_delete(world: World, user: str) -> bool:
    target = _target(world, user, "delete")
    response = world.api(user, "package_delete", id=target["id"])
    deleted = _stored(target["name"]).state == "deleted"
    assert deleted == (response.status_code == 200), response.body[:1000]
    if not deleted:
        assert api_denied(response), response.body[:1000]
    return deleted


def write_pricing(world: World, user: str) -> bool:
    target = _target(world, user, "pricing")
    response = world.api(user, "package_patch", id=target["id"], pricing=[factories.subscription()])
    stored = call_action("package_show", context=world.as_sysadmin(), id=target["id"])
    priced = bool(stored.get("pricing"))
    assert priced == (response.status_code == 200), response.body[:1000]
    if not priced:
        assert api_denied(response), response.body[:1000]
    return priced


def _source_dict(world: World, name: str) -> dict[str, Any]:
    return {"name": name, "title": f"Kilde {name}", "url": f"http://127.0.0.1:9/{name}/catalog.ttl",
            "source_type": "dcat_ap_no", "owner_org": world.org_a["id"], "frequency": "MANUAL"}


def write_harvest_source_create(world: World, user: str) -> bool:
    from ckanext.harvest.model import HarvestSource

    name = f"kilde-{user}".replace("_", "-")
    response = world.api(user, "harvest_source_create", **_source_dict(world, name))
    model.Session.expire_all()
    created = model.Session.query(HarvestSource).filter(HarvestSource.url.contains(f"/{name}/")).count() == 1
    assert created == (response.status_code == 200), response.body[:1000]
    if not created:
        assert api_denied(response), response.body[:1000]
    return created


def write_harvest_run(world: World, user: str) -> bool:
    from ckanext.harvest.model import HarvestJob

    source = call_action("harvest_source_create", context=world.as_sysadmin(),
                         **_source_dict(world, f"kjor-{user}".replace("_", "-")))
    response = world.api(user, "harvest_job_create", source_id=source["id"], run=True)
    model.Session.expire_all()
    started = model.Session.query(HarvestJob).filter(HarvestJob.source_id == source["id"]).count() == 1
    assert started == (response.status_code == 200), response.body[:1000]
    if not started:
        assert api_denied(response), response.body[:1000]
    return started


# Harvest sources follow ckanext-harvest's rules (logic/auth/create.py, update.py): creating one
# in A is package_create in A, running one is package_update of the source, so A's editors and
# admins manage A's sources, as they manage A's datasets; nobody else but sysadmins.
WRITES: dict[str, tuple[Callable[[World, str], bool], set[str]]] = {
    "package_create (API)": (write_package_create, WRITERS),
    "POST /dataset/new (form)": (write_form_create, WRITERS),
    "package_patch": (write_package_patch, WRITERS),
    "package_delete": (write_package_delete, WRITERS),
    "package_patch pricing": (write_pricing, WRITERS),
    "harvest_source_create": (write_harvest_source_create, WRITERS),
    "harvest_job_create (run)": (write_harvest_run, WRITERS),
}


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("operation", list(WRITES))
def test_write(world: World, operation: str, user: str) -> None:
    do, allowed = WRITES[operation]
    done = do(world, user)
    _record(operation, user, "yes" if done else "no")
    assert done == (user in allowed), f"{user} {'could' if done else 'could not'} {operation}"


@pytest.mark.parametrize("fq", ["*:*) OR (*:*", "*:*) OR (owner_org:*", "-owner_org:x) OR (*:*"])
def test_organization_catalog_lists_only_its_own_datasets(world: World, fq: str) -> None:
    """A filter given to an organization's catalog narrows it; it cannot close the
    organization's own filter and pull in another organization's datasets."""
    r = world.get("anonymous", f"/organization/{world.org_a['name']}/catalog.ttl?fq={quote(fq)}")
    assert r.status_code in (200, 400, 409), r.status_code
    assert B_TITLE not in r.body and B_NAME not in r.body
    assert_no_leak(world, r)


@pytest.mark.parametrize("path", ["/catalog.ttl", f"/organization/{factories.OSLO_KOMMUNE['name']}/catalog.ttl"])
@pytest.mark.parametrize("params", ["fq=(", "q=name:(", "fq=*:*)%20OR%20((*:*"])
def test_a_broken_catalog_query_is_refused_not_a_server_error(world: World, path: str, params: str) -> None:
    """Solr refuses the query: the catalog answers 409 with the reason, as for a bad date."""
    r = world.get("anonymous", f"{path}?{params}")
    assert r.status_code == 409, r.status_code
    assert_no_leak(world, r)


@pytest.mark.parametrize("query", [f"q={SEARCH_WORD}%20OR%20*:*", "q=%22Oslo%22", "fq=name:(a%20OR%20b)%20OR%20*:*",
                                   "q=Oslo%20bysykkel"])
def test_catalog_paging_links_are_valid_uris(world: World, query: str) -> None:
    """The hydra paging links repeat the query, encoded: ckanext-dcat pastes it in verbatim, and
    a space or a quote made a URI rdflib refuses to write (500, ckan/ckanext-dcat#223)."""
    from rdflib import Graph
    from rdflib.namespace import RDF, Namespace

    hydra = Namespace("http://www.w3.org/ns/hydra/core#")
    r = world.get("anonymous", f"/catalog.ttl?{query}")
    assert r.status_code == 200, r.status_code
    graph = Graph().parse(data=r.body, format="turtle")
    pages = list(graph.subjects(RDF.type, hydra.PagedCollection)) + list(graph.objects(None, hydra.firstPage))
    assert pages, r.body[-1500:]
    for page in pages:
        assert " " not in str(page) and '"' not in str(page), page
        assert "page=" in str(page)
    assert_no_leak(world, r)


def test_the_matrix_covers_every_user_and_operation() -> None:
    """Guards the tables themselves: every expected set names real users."""
    for _, allowed in list(WRITES.values()) + list(READS.values()):
        assert allowed <= set(USERS)
    assert json.dumps(sorted(READERS)) and READERS > CURATORS and WRITERS <= READERS
