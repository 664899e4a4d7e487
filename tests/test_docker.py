"""The production deployment in docker/ is well-formed and agrees with the pins and the dev config.

No Docker engine is needed: the compose file is validated against the Compose Specification's
JSON schema (tests/data/compose/, see its PROVENANCE.md), the Dockerfiles are parsed, and the
production ckan.ini is built the way the image builds it (`ckan generate config`, then
`ckan config-tool -f docker/ckan/production.ini`) and loaded and validated by CKAN itself.
"""
from __future__ import annotations

import configparser
import copy
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import yaml

import ckan
from ckan.config.environment import CONFIG_FROM_ENV_VARS

ROOT = Path(__file__).resolve().parent.parent
DOCKER = ROOT / "docker"
COMPOSE = DOCKER / "compose.yml"
DOCKERFILE = DOCKER / "Dockerfile"
SOLR_DOCKERFILE = DOCKER / "solr" / "Dockerfile"
PRODUCTION_INI = DOCKER / "ckan" / "production.ini"
ENV_EXAMPLE = DOCKER / ".env.example"
DEV_TEMPLATE = ROOT / "config" / "ckan.ini.in"
SCN_DECLARATION = ROOT / "ckanext-scn" / "ckanext" / "scn" / "config_declaration.yaml"
CKAN_BIN = Path(sys.executable).with_name("ckan")

WEB_AND_WORKERS = ("ckan", "harvest-gather", "harvest-fetch", "harvest-scheduler")
# Pins of docker/constraints-py310.txt that differ from constraints.txt: these releases of
# constraints.txt need Python >= 3.11 (the file's header says which resolution chose them).
PY310_DIFFERENT = {"numpy", "pyproj", "cachetools"}
# In docker/constraints-py310.txt but not in constraints.txt: isodate (rdflib below 3.11 only),
# ckanapi and docopt (ckanext-harvest's; installed in the dev venv, missing from its freeze).
PY310_EXTRA = {"isodate", "ckanapi", "docopt"}
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|_KEY$", re.I)


# ---- helpers ---------------------------------------------------------------------------------

def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    """name -> version of the `name[extras]==version` lines of a requirements/constraints file."""
    found = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^\s;#]+)", line.strip())
        if match:
            found[normalize(match.group(1))] = match.group(2)
    return found


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    instructions, current = [], ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if current and line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        keyword, _, rest = current.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
        current = ""
    return instructions


def dockerfile_env(path: Path) -> dict[str, str]:
    env = {}
    for keyword, rest in dockerfile_instructions(path):
        if keyword == "ENV":
            name, _, value = rest.partition("=")
            env[name.strip()] = value.strip().strip('"')
    return env


def env_example() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, sep, value = line.partition("=")
            assert sep, f"not NAME=value in .env.example: {line!r}"
            values[name.strip()] = value.strip()
    return values


VARIABLE = re.compile(r"\$(?:(?P<escaped>\$)|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-?])?(?P<arg>[^}]*)\}"
                      r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))")


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's variable interpolation ($$, $VAR, ${VAR}, ${VAR:-default}, ${VAR:?error})."""
    def substitute(match: re.Match[str]) -> str:
        if match.group("escaped"):
            return "$"
        name = match.group("name") or match.group("bare")
        op, arg, value = match.group("op"), match.group("arg") or "", env.get(name)
        if op in (":-", "-"):
            return value if (value if op == ":-" else value is not None) else arg
        if op in (":?", "?") and not (value if op == ":?" else value is not None):
            raise ValueError(f"{name}: {arg}")
        return value or ""
    return VARIABLE.sub(substitute, text)


def compose_variables() -> set[str]:
    return {m.group("name") or m.group("bare") for m in VARIABLE.finditer(COMPOSE.read_text())
            if not m.group("escaped")}


def filled_env() -> dict[str, str]:
    """.env.example with every secret filled in, as an operator's .env would be."""
    env = env_example()
    for name, value in env.items():
        if SECRET_NAME.search(name) and not value:
            env[name] = "0123456789abcdef" * 4
    return env


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def compose_filled() -> dict:
    return yaml.safe_load(interpolate(COMPOSE.read_text(), filled_env()))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((ROOT / "tests" / "data" / "compose" / "compose-spec.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def ini(path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser()
    parser.optionxform = str  # keys such as SECRET_KEY keep their case
    parser.read(path, encoding="utf-8")
    return parser


def dev_plugins() -> list[str]:
    return ini(DEV_TEMPLATE).get("app:main", "ckan.plugins").split()


# ---- the compose file --------------------------------------------------------------------------

def test_compose_file_follows_the_compose_specification(compose, compose_filled, validator):
    for document in (compose, compose_filled):
        errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(document)]
        assert not errors, errors


def test_the_schema_check_catches_mistakes(compose, validator):
    broken = copy.deepcopy(compose)
    broken["services"]["ckan"]["helthcheck"] = broken["services"]["ckan"].pop("healthcheck")
    broken["services"]["redis"]["restart"] = 5
    messages = [e.message for e in validator.iter_errors(broken)]
    assert any("helthcheck" in m for m in messages)
    assert any("5 is not of type 'string'" in m for m in messages)


def test_every_service_has_a_healthcheck_and_a_restart_policy(compose):
    expected = {"db", "solr", "redis", "ckan", "nginx", "harvest-gather", "harvest-fetch", "harvest-scheduler"}
    assert set(compose["services"]) == expected
    for name, service in compose["services"].items():
        test = service.get("healthcheck", {}).get("test")
        assert test and test[0] in ("CMD", "CMD-SHELL") and len(test) > 1, name
        assert not service["healthcheck"].get("disable"), name
        assert service.get("restart") in ("always", "unless-stopped"), name


def test_images_agree_with_the_pins(compose):
    ckan_pin = pins(ROOT / "requirements.txt")["ckan"]
    assert ckan_pin == ckan.__version__
    minor = ".".join(ckan_pin.split(".")[:2])
    assert minor == "2.11"

    froms = [rest for keyword, rest in dockerfile_instructions(DOCKERFILE) if keyword == "FROM"]
    assert len(froms) == 1
    match = re.fullmatch(r"ckan/ckan-base:(\d+\.\d+\.\d+)(-py3\.10)?", froms[0])
    assert match, froms[0]
    assert match.group(1) == ckan_pin, "the base image's CKAN must be the pinned CKAN"
    # The build stops if the base image's CKAN is ever not the pin.
    assert f"ckan.__version__ == '{ckan_pin}'" in DOCKERFILE.read_text()

    solr_froms = [rest for keyword, rest in dockerfile_instructions(SOLR_DOCKERFILE) if keyword == "FROM"]
    assert solr_froms == [f"ckan/ckan-solr:{minor}-solr9-spatial"]

    services = compose["services"]
    assert re.fullmatch(r"postgres:15(\.\d+)?(-[a-z]+)?", services["db"]["image"])
    assert re.fullmatch(r"redis:7(\.\d+)*(-[a-z]+)?", services["redis"]["image"])
    assert re.fullmatch(r"nginx:\d+\.\d+(\.\d+)?-alpine", services["nginx"]["image"])
    assert services["solr"]["build"]["dockerfile"] == "docker/solr/Dockerfile"
    images = {services[name]["image"] for name in WEB_AND_WORKERS}
    assert len(images) == 1, "web containers, workers and scheduler run one image"
    for name in WEB_AND_WORKERS:
        assert services[name]["build"] == {"context": "..", "dockerfile": "docker/Dockerfile"}


def test_python310_constraints_agree_with_constraints_txt():
    dev = pins(ROOT / "constraints.txt")
    image = pins(DOCKER / "constraints-py310.txt")
    different = {name for name in image if name in dev and image[name] != dev[name]}
    assert different == PY310_DIFFERENT
    assert {name for name in image if name not in dev} == PY310_EXTRA
    for name, version in pins(ROOT / "requirements.txt").items():
        assert image.get(name) == version, f"{name}: requirements.txt pins {version}"
    # The install line uses them.
    run = [rest for keyword, rest in dockerfile_instructions(DOCKERFILE) if keyword == "RUN"]
    assert any("-r ${SCN_SRC}/requirements.txt -c ${SCN_SRC}/docker/constraints-py310.txt" in r for r in run)


def test_workers_and_scheduler(compose):
    services = compose["services"]
    assert services["harvest-gather"]["command"] == ["ckan", "harvester", "gather-consumer"]
    assert services["harvest-fetch"]["command"] == ["ckan", "harvester", "fetch-consumer"]
    assert services["harvest-scheduler"]["command"] == ["/srv/app/scn-harvest-scheduler.sh"]
    assert "harvester run" in (DOCKER / "ckan" / "harvest-scheduler.sh").read_text()
    for name in ("harvest-gather", "harvest-fetch", "harvest-scheduler", "nginx"):
        assert services[name]["depends_on"]["ckan"]["condition"] == "service_healthy", name
    for name in ("db", "solr", "redis"):
        assert services["ckan"]["depends_on"][name]["condition"] == "service_healthy"


def test_scheduler_healthcheck_follows_its_heartbeat(tmp_path):
    script = DOCKER / "ckan" / "harvest-scheduler.sh"
    heartbeat = tmp_path / "heartbeat"
    env = {**os.environ, "SCN_HARVEST_INTERVAL": "900", "SCN_HARVEST_HEARTBEAT": str(heartbeat)}

    def check() -> int:
        return subprocess.run(["bash", str(script), "--check"], env=env).returncode

    assert check() != 0  # no round yet
    heartbeat.touch()
    assert check() == 0
    old = time.time() - 2 * 900 - 301
    os.utime(heartbeat, (old, old))
    assert check() != 0


def test_named_volumes_keep_the_data(compose):
    assert set(compose["volumes"]) == {"db_data", "solr_data", "ckan_storage", "redis_data"}
    mounts = {name: service.get("volumes", []) for name, service in compose["services"].items()}
    assert "db_data:/var/lib/postgresql/data" in mounts["db"]
    assert "solr_data:/var/solr" in mounts["solr"]
    assert "redis_data:/data" in mounts["redis"]
    assert "ckan_storage:/var/lib/ckan" in mounts["ckan"]
    assert compose["services"]["ckan"]["environment"]["CKAN_STORAGE_PATH"] == "/var/lib/ckan"
    # The data services are on an internal network, published by nothing.
    assert compose["networks"]["backend"]["internal"] is True
    for name in ("db", "solr", "redis"):
        assert compose["services"][name]["networks"] == ["backend"] and "ports" not in compose["services"][name]
    assert [n for n, s in compose["services"].items() if "ports" in s] == ["nginx"]


# ---- configuration -----------------------------------------------------------------------------

def test_plugin_list_and_order_equal_the_dev_template():
    expected = dev_plugins() + ["envvars"]  # ckanext-envvars maps the environment; it must be last
    assert dockerfile_env(DOCKERFILE)["CKAN__PLUGINS"].split() == expected
    assert ini(PRODUCTION_INI).get("app:main", "ckan.plugins").split() == expected


def test_production_settings_mirror_the_dev_template():
    dev, prod = ini(DEV_TEMPLATE), ini(PRODUCTION_INI)
    # Keys whose value is deployment-specific (from the environment or the image's paths).
    deployment = {"ckan.site_id", "ckan.site_url", "SECRET_KEY", "api_token.jwt.encode.secret",
                  "api_token.jwt.decode.secret", "sqlalchemy.url", "solr_url", "ckan.redis.url",
                  "ckan.storage_path", "ckan.i18n_directory", "licenses_group_url", "ckan.plugins",
                  "ckanext.scn.harvest.allow_private_hosts"}
    for key, value in dev.items("app:main"):
        assert prod.has_option("app:main", key), f"{key} is missing from docker/ckan/production.ini"
        if key not in deployment:
            assert prod.get("app:main", key) == value, key
    for key in deployment - {"ckan.plugins", "ckanext.scn.harvest.allow_private_hosts",
                             "ckan.i18n_directory", "licenses_group_url"}:
        assert re.fullmatch(r"%\(CKAN_[A-Z_]+\)s", prod.get("app:main", key)), f"{key} must come from the environment"

    # Production defaults.
    assert prod.get("DEFAULT", "debug") == "false"
    assert prod.get("app:main", "ckanext.scn.harvest.allow_private_hosts") == "false"
    for cookie in ("SESSION_COOKIE", "REMEMBER_COOKIE"):
        assert prod.get("app:main", f"{cookie}_SECURE") == "true"
        assert prod.get("app:main", f"{cookie}_HTTPONLY") == "true"
        assert prod.get("app:main", f"{cookie}_SAMESITE") in ("Lax", "Strict")
    assert prod.get("handler_console", "args") == "(sys.stdout,)"
    # Development builds the Nynorsk core catalog into its var/ (SCN_VAR for a second stack).
    assert dev.get("app:main", "ckan.i18n_directory") == "@VAR@/i18n"


def test_paths_in_the_production_config_exist_in_the_image():
    prod = ini(PRODUCTION_INI)
    env = dockerfile_env(DOCKERFILE)
    text = DOCKERFILE.read_text()
    # ckan.i18n_directory is where the build writes CKAN's nb_NO and nn catalogs.
    i18n = prod.get("app:main", "ckan.i18n_directory")
    assert f"scripts/i18n_core.py {i18n}" in text
    assert "COPY scripts/i18n_core.py ${SCN_SRC}/scripts/" in text
    # The licence file is copied where licenses_group_url points.
    licenses = prod.get("app:main", "licenses_group_url")
    assert licenses == f"file://{env['SCN_SRC']}/config/licenses.json"
    assert "COPY config/licenses.json config/harvest_sources.yaml ${SCN_SRC}/config/" in text
    assert "ckan config-tool ${CKAN_INI} -f /srv/app/scn-production.ini" in text


def test_dockerfile_sources_exist_and_are_in_the_build_context():
    for dockerfile in (DOCKERFILE, SOLR_DOCKERFILE):
        ignore = Path(str(dockerfile) + ".dockerignore").read_text().splitlines()
        included = [line[1:] for line in ignore if line.startswith("!")]
        assert "*" in ignore, "the context is the repository root: exclude by default"
        for keyword, rest in dockerfile_instructions(dockerfile):
            if keyword != "COPY":
                continue
            sources = [s for s in rest.split()[:-1] if not s.startswith("--")]
            for source in sources:
                assert (ROOT / source).exists(), f"{dockerfile.name}: COPY {source} does not exist"
                assert any(source.rstrip("/") == inc or source.startswith(inc.rstrip("/") + "/")
                           for inc in included), f"{source} is excluded from the build context"


def test_solr_image_adds_the_scn_fields():
    text = SOLR_DOCKERFILE.read_text()
    assert "COPY config/solr/scn-fields.xml /tmp/scn-fields.xml" in text
    assert "'/<fields>/r /tmp/scn-fields.xml'" in text
    # The insertion applied to CKAN's own schema gives a well-formed schema with the SCN fields;
    # the spatial fields of config/solr/spatial-fields.xml are those the spatial image adds.
    schema = (Path(ckan.__file__).parent / "config" / "solr" / "schema.xml").read_text()
    scn = (ROOT / "config" / "solr" / "scn-fields.xml").read_text()
    tree = ET.fromstring(schema.replace("<fields>", "<fields>\n" + scn, 1))
    names = {f.get("name") for f in tree.iter("field")} | {f.get("name") for f in tree.iter("dynamicField")}
    assert {"is_free", "min_price_nok", "price_models", "scn_*"} <= names
    spatial = ET.fromstring("<f>" + (ROOT / "config" / "solr" / "spatial-fields.xml").read_text() + "</f>")
    assert {f.get("name") for f in spatial.iter("field")} == {"spatial_geom", "bbox_area", "minx", "maxx", "miny", "maxy"}
    # The web container's start-up refuses a core without them.
    setup = load_scn_setup()
    assert set(setup.SOLR_FIELDS) == {"is_free", "min_price_nok", "price_models", "bbox_area", "minx", "maxx", "miny", "maxy"}


def test_environment_variables_map_to_declared_config_keys(compose):
    core = yaml.safe_load((Path(ckan.__file__).parent / "config" / "config_declaration.yaml").read_text())
    scn = yaml.safe_load(SCN_DECLARATION.read_text())
    declared = {str(o["key"]) for d in (core, scn) for g in d["groups"] for o in g["options"]}
    production = PRODUCTION_INI.read_text()
    read_by_ckan = set(CONFIG_FROM_ENV_VARS.values())
    environment = compose["x-ckan-environment"]
    for name in environment:
        if name.startswith("CKAN___"):  # ckanext-envvars: CKAN___A__B -> A.B
            key = name[7:] if name[7:] in declared else name[7:].lower().replace("__", ".")
        elif name.startswith(("CKAN__", "CKANEXT__")):  # CKANEXT__A__B -> ckanext.a.b
            key = name.lower().replace("__", ".")
            assert not name.startswith("CKAN__SCN__"), f"{name}: ckanext.scn keys are CKANEXT__SCN__…"
        elif name.startswith("CKAN_"):
            assert name in read_by_ckan or f"%({name})s" in production, f"{name} is read by nothing"
            continue
        else:
            assert name == "TZ", name
            continue
        assert key in declared, f"{name} -> {key}, which no config declaration knows"
    # Every %(NAME)s of the production ini is provided.
    for name in re.findall(r"%\((CKAN_[A-Z_]+)\)s", production):
        assert name in environment, f"production.ini uses {name}, compose does not set it"


def test_the_ssrf_guard_is_on_everywhere(compose):
    assert compose["x-ckan-environment"]["CKANEXT__SCN__HARVEST__ALLOW_PRIVATE_HOSTS"] == "false"
    for name in WEB_AND_WORKERS:
        env = compose["services"][name]["environment"]
        assert env["CKANEXT__SCN__HARVEST__ALLOW_PRIVATE_HOSTS"] == "false", name


def test_no_secret_is_committed(compose):
    for name, value in env_example().items():
        if SECRET_NAME.search(name):
            assert value == "", f".env.example gives {name} a value: leave secrets empty"
    for name, value in compose["x-ckan-environment"].items():
        if SECRET_NAME.search(name):
            assert "${SCN_" in str(value), f"{name} must come from .env"
    assert compose["services"]["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${SCN_POSTGRES_PASSWORD:?")
    prod = ini(PRODUCTION_INI)
    for key, value in prod.items("app:main"):
        if SECRET_NAME.search(key) or key == "sqlalchemy.url":
            assert re.fullmatch(r"%\(CKAN_[A-Z_]+\)s", value), key
    for path in DOCKER.rglob("*"):
        if path.is_file():
            assert "PRIVATE KEY-----" not in path.read_text(errors="ignore"), path
    if shutil.which("git") and (ROOT / ".git").exists():
        tracked = subprocess.run(["git", "ls-files", "docker/nginx/certs", "docker/.env"], cwd=ROOT,
                                 capture_output=True, text=True, check=True).stdout.split()
        assert tracked == ["docker/nginx/certs/.gitignore"]


def test_every_compose_variable_is_documented_in_env_example():
    documented = set(env_example())
    assert compose_variables() <= documented, compose_variables() - documented
    with pytest.raises(ValueError, match=r"set SCN_\w+ in .env"):
        interpolate(COMPOSE.read_text(), env_example())  # compose refuses to start without secrets


def load_scn_setup():
    spec = importlib.util.spec_from_file_location("scn_setup", DOCKER / "ckan" / "scn_setup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_startup_hook_keeps_the_plugin_order():
    setup = load_scn_setup()
    required = dev_plugins() + ["envvars"]
    assert setup.ordered_plugins(required, required) == required
    extra = required[:-1] + ["s3filestore", "envvars"]
    assert setup.ordered_plugins(required, extra) == extra
    swapped = [required[0], required[2], required[1]] + required[3:]
    with pytest.raises(SystemExit, match="order"):
        setup.ordered_plugins(required, swapped)
    with pytest.raises(SystemExit, match="envvars must be the last"):
        setup.ordered_plugins(required, ["envvars"] + required[:-1])
    with pytest.raises(SystemExit, match="lacks scn"):
        setup.ordered_plugins(required, [p for p in required if p != "scn"])
    hook = (DOCKER / "ckan" / "docker-entrypoint.d" / "10_scn_setup.sh").read_text()
    assert "python3 /srv/app/scn_setup.py" in hook and "exit 1" in hook
    assert "pg_advisory_lock" in (DOCKER / "ckan" / "scn_setup.py").read_text()


# ---- the production ckan.ini, built as the image builds it ---------------------------------------

@pytest.fixture(scope="module")
def production_ckan_ini(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("docker") / "ckan.ini"
    subprocess.run([str(CKAN_BIN), "generate", "config", str(path)], check=True, capture_output=True)
    subprocess.run([str(CKAN_BIN), "config-tool", str(path), "SECRET_KEY = "], check=True, capture_output=True)
    subprocess.run([str(CKAN_BIN), "config-tool", str(path), "-f", str(PRODUCTION_INI)], check=True,
                   capture_output=True)
    return path


def container_environment(compose_filled, **services) -> dict[str, str]:
    env = {k: str(v) for k, v in compose_filled["services"]["ckan"]["environment"].items()}
    env.update(services)
    return {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env}


def test_production_ini_reads_secrets_and_services_from_the_environment(production_ckan_ini, compose_filled):
    from ckan.cli import CKANConfigLoader

    env = container_environment(compose_filled)
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(env)
        config = CKANConfigLoader(str(production_ckan_ini)).get_config()
        assert config["SECRET_KEY"] == filled_env()["SCN_SECRET_KEY"]
        assert config["api_token.jwt.encode.secret"] == "string:" + filled_env()["SCN_JWT_SECRET"]
        assert config["sqlalchemy.url"] == f"postgresql://ckan:{filled_env()['SCN_DB_PASSWORD']}@db:5432/ckan"
        assert config["solr_url"] == "http://solr:8983/solr/ckan"
        assert config["ckan.site_url"] == filled_env()["SCN_SITE_URL"]
        assert config["ckan.plugins"].split()[-1] == "envvars"
        assert config["debug"] == "false"

        del os.environ["CKAN___SECRET_KEY"]
        with pytest.raises(configparser.InterpolationMissingOptionError):
            CKANConfigLoader(str(production_ckan_ini)).get_config()  # no secret: no start
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_production_ini_passes_ckans_config_validation(production_ckan_ini, compose_filled, tmp_path):
    """CKAN loads the production config with every SCN plugin and validates it against the config
    declarations (types, allowed values), talking to the test services. ckanext-envvars is in the
    image only, so it is left out here."""
    from ckan.common import config

    checked = tmp_path / "ckan.ini"
    text = production_ckan_ini.read_text().replace(" spatial_query envvars\n", " spatial_query\n")
    checked.write_text(text)
    env = container_environment(
        compose_filled,
        CKAN_SQLALCHEMY_URL=config["sqlalchemy.url"], CKAN_SOLR_URL=config["solr_url"],
        CKAN_REDIS_URL=config["ckan.redis.url"], CKAN_STORAGE_PATH=str(tmp_path / "storage"),
    )
    result = subprocess.run([str(CKAN_BIN), "-c", str(checked), "config", "validate"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "Invalid configuration" not in result.stdout + result.stderr
