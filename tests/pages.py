"""Reading rendered pages in tests: parse with BeautifulSoup, compare text without whitespace noise."""
from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup


def soup(response: Any, status: int = 200) -> BeautifulSoup:
    assert response.status_code == status, response.status_code
    return BeautifulSoup(response.body, "html.parser")


def squash(value: str) -> str:
    return " ".join(value.split())
