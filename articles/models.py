"""The archive's data: outlets, articles, and the places, organizations and people in them."""

from django.conf import settings
from django.db import models
from django.urls import reverse


class Source(models.Model):
    """A news outlet (Press TV, Reuters, BBC News...)."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    domains = models.JSONField(default=list, blank=True, help_text="Web domains, e.g. presstv.ir")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Entity(models.Model):
    """A place, organization or person, under one canonical name."""

    class Kind(models.TextChoices):
        PLACE = "place", "Place"
        ORGANIZATION = "organization", "Organization"
        PERSON = "person", "Person"

    kind = models.CharField(max_length=16, choices=Kind.choices, db_index=True)
    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=300)
    # Folded form of the name (case, accents, apostrophes, transliteration) used to
    # recognise the entity again on import. See articles.extraction.names.name_key.
    key = models.CharField(max_length=300)
    # Places only: ISO 3166-1 alpha-2 country, gazetteer feature (country, city, region...)
    country = models.CharField(max_length=2, blank=True, db_index=True)
    feature = models.CharField(max_length=32, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name_plural = "entities"
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="entity_unique_slug"),
            models.UniqueConstraint(fields=["kind", "key"], name="entity_unique_key"),
        ]

    def __str__(self) -> str:
        return self.name


class EntityAlias(models.Model):
    """Another name of an entity: surface forms, acronyms, names merged into it."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="aliases")
    kind = models.CharField(max_length=16, choices=Entity.Kind.choices)
    name = models.CharField(max_length=300)
    key = models.CharField(max_length=300)

    class Meta:
        verbose_name_plural = "entity aliases"
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="alias_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.entity.name}"


class EntityRedirect(models.Model):
    """An old slug that must keep working after a rename or merge."""

    kind = models.CharField(max_length=16, choices=Entity.Kind.choices)
    old_slug = models.SlugField(max_length=300)
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="redirects")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "old_slug"], name="redirect_unique_slug"),
        ]


class Article(models.Model):
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    headline = models.CharField(max_length=500)
    slug = models.SlugField(max_length=200)
    body = models.TextField()
    caption = models.TextField(blank=True)
    section = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    published = models.DateField(null=True, blank=True, db_index=True)
    language = models.CharField(max_length=8, default="en")
    # The file as uploaded (decoded text) so extraction can be re-run.
    original_text = models.TextField(blank=True)
    original_name = models.CharField(max_length=500, blank=True)
    original_format = models.CharField(max_length=32, blank=True)
    # sha256 of the normalised headline and body: the same article imported twice is a duplicate.
    fingerprint = models.CharField(max_length=64, unique=True)
    is_published = models.BooleanField(default=True, db_index=True)
    # Names of fields an editor corrected; re-extraction leaves them alone.
    locked_fields = models.JSONField(default=list, blank=True)
    entities = models.ManyToManyField(Entity, through="Mention", related_name="articles")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-published", "-id"]
        indexes = [models.Index(fields=["-published", "-id"], name="article_newest")]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"pk": self.pk, "slug": self.slug or "article"})


class Mention(models.Model):
    """An entity in an article: the surface forms seen and how often."""

    class Origin(models.TextChoices):
        EXTRACTED = "extracted", "Extracted"
        EDITOR = "editor", "Added by an editor"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="mentions")
    count = models.PositiveIntegerField(default=1)
    surface_forms = models.JSONField(default=list, blank=True)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.EXTRACTED)
    # An editor removed this entity from the article: hidden everywhere, and
    # re-extraction must not bring it back.
    suppressed = models.BooleanField(default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "entity"], name="mention_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} in {self.article_id}"
