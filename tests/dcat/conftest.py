from __future__ import annotations

import pytest

from ckanext.scn import demo


@pytest.fixture
def demo_site(clean_db, clean_index):
    """The demo organizations, datasets and data services, through the real actions."""
    demo.load(demo.read())
    return demo.read()
