"""The haystack index for articles. Read through articles.search only."""

from haystack import indexes

from .models import Article


class ArticleIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True, use_template=True)
    headline = indexes.CharField(model_attr="headline")
    published = indexes.DateField(model_attr="published", null=True)
    source = indexes.MultiValueField(faceted=True)
    place = indexes.MultiValueField(faceted=True)
    org = indexes.MultiValueField(faceted=True)
    person = indexes.MultiValueField(faceted=True)

    def get_model(self):
        return Article

    def index_queryset(self, using=None):
        return self.get_model().objects.filter(is_published=True)

    def get_updated_field(self):
        return "updated_at"

    def prepare_source(self, obj):
        return [obj.source.slug] if obj.source_id else []

    def _slugs(self, obj, kind):
        return [
            m.entity.slug
            for m in obj.mentions.all()
            if m.entity.kind == kind and not m.suppressed
        ]

    def prepare_place(self, obj):
        return self._slugs(obj, "place")

    def prepare_org(self, obj):
        return self._slugs(obj, "organization")

    def prepare_person(self, obj):
        return self._slugs(obj, "person")
