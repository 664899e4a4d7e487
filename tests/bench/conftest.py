"""The harvest tests' local HTTP site, for serving generated catalogs."""
from tests.harvest.conftest import site  # noqa: F401 - a fixture, used by name
