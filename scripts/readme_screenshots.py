#!/usr/bin/env python3
"""Copy the README's screenshots from the browser tests' artifacts (var/browser, written by
`make test`) to docs/screenshots: the top of each page, 1000 px wide, in fewer colours.

    .venv/bin/python scripts/readme_screenshots.py
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "var" / "browser"
TARGET = ROOT / "docs" / "screenshots"

# README name -> (test artifact, height of the page top to keep in source pixels; 0 = all)
SHOTS = {
    "home.png": ("home.png", 1500),
    "search-paid-map-en.png": ("journey-5-search-paid-map-en.png", 1100),
    "dataset.png": ("journey-3-dataset-page.png", 1300),
    "form-offer-error.png": ("journey-2-offer-error.png", 0),
    "organization.png": ("organization.png", 1100),
    "curation.png": ("curation.png", 1100),
}
WIDTH = 1000


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    for name, (artifact, height) in SHOTS.items():
        image = Image.open(SOURCE / artifact).convert("RGB")
        if height and image.height > height:
            image = image.crop((0, 0, image.width, height))
        if image.width > WIDTH:
            image = image.resize((WIDTH, round(image.height * WIDTH / image.width)), Image.LANCZOS)
        image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(TARGET / name, optimize=True)
        print(f"docs/screenshots/{name}  {(TARGET / name).stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
