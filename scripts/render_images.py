"""Render the PNG images under static/img/ from their SVG sources, in headless Chromium.

    .venv/bin/python scripts/render_images.py

og-card.png (1200×630) is what Open Graph and Twitter cards show (they take no SVG);
favicon-32.png and apple-touch-icon.png (180×180) are for browsers and feed readers that
take no SVG icon. Commit the PNGs with their SVG sources.
"""

from pathlib import Path

from playwright.sync_api import sync_playwright

IMAGES = Path(__file__).resolve().parent.parent / "static" / "img"
RENDERS = [
    ("og-card.svg", "og-card.png", 1200, 630),
    ("favicon.svg", "favicon-32.png", 32, 32),
    ("favicon.svg", "apple-touch-icon.png", 180, 180),
]

FILL = '<svg width="100%" height="100%" '


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"], headless=True
        )
        for source, target, width, height in RENDERS:
            page = browser.new_page(viewport={"width": width, "height": height})
            svg = (IMAGES / source).read_text().replace("<svg ", FILL, 1)
            page.set_content(
                '<html><body style="margin:0;overflow:hidden">'
                f'<div style="width:{width}px;height:{height}px">{svg}</div></body></html>'
            )
            page.screenshot(path=str(IMAGES / target), omit_background=True)
            page.close()
            print(f"static/img/{target}: {width}×{height}")
        browser.close()


if __name__ == "__main__":
    main()
