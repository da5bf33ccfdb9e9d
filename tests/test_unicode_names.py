"""Names whose letters change under Unicode case rules (issue 17): the article page linked
names with re.IGNORECASE and looked them up by casefold(), which disagree on "ı", "İ", "ß",
"ﬁ" and "ς"; "İSTANBUL" or "Alı" in an article answered 500."""

import html
import json
import re
from types import SimpleNamespace

import pytest

from articles import corrections
from articles.extraction.readers import read_paths
from articles.ingest import import_documents
from articles.models import Article, Entity
from articles.templatetags.search_tags import linked_body

from .conftest import CORPUS

pytestmark = pytest.mark.django_db

TEHRAN_TIMES = CORPUS / "tehran_times" / "tehran_times.jsonl"
NAMES = [
    ("place", "İstanbul"),
    ("person", "Ahmet Yıldız"),
    ("person", "Alı"),
    ("place", "Gießen"),
    ("place", "Saﬁ"),
    ("person", "Οδυσσέας"),
]
MORE_TEXT = (
    "İSTANBUL – Yıldız and YILDIZ, Alı, ALI and Ali; Gießen, GIESSEN and Giessen; Saﬁ, SAFI "
    "and Safi; Οδυσσέας, ΟΔΥΣΣΈΑΣ and οδυσσέασ were named at the conference."
)


def case_variants(name: str) -> set[str]:
    return {
        name,
        name.upper(),
        name.lower(),
        name.casefold(),
        name.title(),
        name.swapcase(),
        name.upper().lower(),
        name.lower().upper(),
    }


@pytest.fixture
def turkish_article(shared, clean_index, tmp_path):
    """A real Tehran Times report from Istanbul, its names in Turkish spelling."""
    with TEHRAN_TIMES.open(encoding="utf-8") as lines:
        record = next(json.loads(line) for line in lines if '"id": 418728,' in line)
    text = record["text"].replace("Istanbul", "İstanbul").replace("Yildiz", "Yıldız")
    record["text"] = text.replace(". ", ".\n\n", 1) + "\n\n" + MORE_TEXT
    path = tmp_path / "turkish.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    report = import_documents(list(read_paths([str(path)])))
    assert len(report.created) == 1, report.failed
    article = Article.objects.get(pk=report.created[0][1])
    for kind, name in NAMES:
        corrections.add_entity(article, kind, name)
    return article


def linked_names(html: str) -> list[tuple[str, str]]:
    """(href, text) of each entity link in the body."""
    return re.findall(r'<a class="entity" href="([^"]+)">([^<]+)</a>', html)


def folds_to_its_entity(href: str, text: str, forms_by_slug: dict[str, set[str]]) -> bool:
    return text.casefold() in forms_by_slug[href.strip("/").rsplit("/", 1)[-1]]


def test_an_article_naming_turkish_german_greek_and_ligature_names_answers(client, turkish_article):
    response = client.get(turkish_article.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    istanbul = Entity.objects.get(kind="place", name="İstanbul").slug
    assert f'<a class="entity" href="/places/{istanbul}/">İstanbul</a>' in page
    forms: dict[str, set[str]] = {}
    for mention in turkish_article.mentions.select_related("entity"):
        names = {mention.entity.name, *mention.surface_forms}
        forms.setdefault(mention.entity.slug, set()).update(n.casefold() for n in names)
    links = linked_names(html.unescape(page))
    assert len(links) >= len(NAMES)
    assert all(folds_to_its_entity(href, text, forms) for href, text in links), links
    for url in (f"/places/{istanbul}/", "/search/?q=İSTANBUL+Yıldız", "/search/?q=ALI+ΟΔΥΣΣΈΑΣ"):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("kind_name", NAMES, ids=[name for _, name in NAMES])
def test_every_case_form_of_a_name_renders_without_error(kind_name):
    kind, name = kind_name
    entity = Entity(kind=kind, name=name, slug="x")
    mention = SimpleNamespace(entity=entity, surface_forms=[name])
    text = "\n\n".join(f"Before {form} after, {form}." for form in case_variants(name))

    body = str(linked_body(text, [mention]))

    assert body.count("<p>") == len(case_variants(name))
    links = linked_names(html.unescape(body))
    assert links  # the first mention at least
    known = {"x": {name.casefold()}}
    assert all(folds_to_its_entity(href, text, known) for href, text in links), links
