"""Package layout and Babel extractors; the metadata is in pyproject.toml."""
from setuptools import find_packages, setup

setup(
    package_dir={"": "ckanext-scn"},
    packages=find_packages("ckanext-scn", include=["ckanext", "ckanext.*"]),
    # Declared so that the editable install writes an nspkg .pth like the other ckanext packages;
    # without it `ckanext.scn` is invisible beside them.
    namespace_packages=["ckanext"],
    message_extractors={
        "ckanext-scn/ckanext": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan", None),
        ],
    },
)
