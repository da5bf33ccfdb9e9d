"""The archive's data: outlets, articles, and the places, organizations and people in them."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from .extraction.article_fields import safe_url
from .extraction.names import name_key


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
    # Looser key under which variants of the name meet (honorifics, transliterations, legal
    # forms, word order): articles.extraction.variants.match_key.
    match_key = models.CharField(max_length=300, blank=True, db_index=True)
    # Places only: ISO 3166-1 alpha-2 country, gazetteer feature (country, city, region...)
    country = models.CharField(max_length=2, blank=True, db_index=True)
    feature = models.CharField(max_length=32, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # Who it is, as the archive writes it ("Secretary of State · United States · 2018–2021 ·
    # HuffPost, Tehran Times"), and what that was drawn from: articles.ingest.profiles.
    description = models.CharField(max_length=300, blank=True)
    profile = models.JSONField(default=dict, blank=True)
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

    def save(self, *args, **kwargs):
        # Lookups (articles.corrections.find_entity, imports) go by (kind, key): an alias
        # saved without them, as the admin inline once did, is never found.
        if self.entity_id:
            self.kind = self.entity.kind
        if not self.key:
            self.key = name_key(self.name)
        super().save(*args, **kwargs)


class EntityRedirect(models.Model):
    """An old slug that must keep working after a rename or merge."""

    kind = models.CharField(max_length=16, choices=Entity.Kind.choices)
    old_slug = models.SlugField(max_length=300)
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="redirects")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "old_slug"], name="redirect_unique_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.old_slug} → {self.entity_id}"


class EntityDecision(models.Model):
    """A decision about names: two are one entity, or not; one is no entity (or is one),
    another kind, or a place with another country. Made by an editor, drawn from the
    archive's evidence by `manage.py resolve_entities`, or suggested by it for an editor.

    Names are (kind, key) pairs, not rows, so a decision outlives the entities it was made on:
    re-extraction, resolve_entities and an export and restore keep it. An editor's decision
    wins over an automatic one; automatic ones and suggestions are made anew on every run.
    """

    class Verdict(models.TextChoices):
        SAME = "same", "Same entity as"
        DIFFERENT = "different", "Not the same as"
        NOT_ENTITY = "not_entity", "Not an entity"
        KIND = "kind", "Of another kind"
        COUNTRY = "country", "In another country"
        ENTITY = "entity", "A real entity"  # an editor keeps it as it is

    class Origin(models.TextChoices):
        EDITOR = "editor", "Editor"
        AUTOMATIC = "automatic", "Archive evidence"
        SUGGESTED = "suggested", "Suggested, undecided"

    kind = models.CharField(max_length=16, choices=Entity.Kind.choices)
    key = models.CharField(max_length=300)
    name = models.CharField(max_length=300)
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    # SAME and DIFFERENT: the other name; KIND: the right kind (other_key = key).
    other_kind = models.CharField(max_length=16, choices=Entity.Kind.choices, blank=True)
    other_key = models.CharField(max_length=300, blank=True)
    other_name = models.CharField(max_length=300, blank=True)
    # COUNTRY: ISO 3166-1 alpha-2, or "" for a place spanning countries (a sea, a region).
    country = models.CharField(max_length=2, blank=True)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.EDITOR)
    score = models.FloatField(default=1.0)  # how sure the evidence is (automatic, suggested)
    evidence = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-score", "kind", "key"]
        indexes = [models.Index(fields=["kind", "key"], name="decision_name")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "verdict", "other_kind", "other_key", "origin"],
                name="decision_unique",
            ),
        ]

    def __str__(self) -> str:
        other = f" {self.other_name or self.other_key or self.other_kind}".rstrip()
        return f"{self.name}: {self.get_verdict_display().lower()}{other}"


class MergeRecord(models.Model):
    """What one merge moved, so that the entity's history lists the articles and an editor
    can undo it exactly ("unmerge").

    A merge folds one entity into another (an editor's, or resolve_entities' with its
    reason and evidence); a short-name record gives the mentions of a one-word name in some
    articles to the person each article means, or takes them back when the evidence no
    longer holds. ``state`` holds what undoing needs: the merged entity's fields, aliases and
    redirects, and every moved mention as it was (articles.merge_history).
    """

    class Action(models.TextChoices):
        MERGE = "merge", "Merged"
        SHORT_NAME = "short_name", "Short name given to the person"
        SHORT_NAME_BACK = "short_name_back", "Short name taken back: the evidence does not hold"

    class Origin(models.TextChoices):
        EDITOR = "editor", "Editor"
        AUTOMATIC = "automatic", "Archive evidence"

    action = models.CharField(max_length=16, choices=Action.choices, default=Action.MERGE)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.AUTOMATIC)
    # The entity the articles went to (null once it is itself gone).
    entity = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.SET_NULL, related_name="merges_in"
    )
    entity_kind = models.CharField(max_length=16, choices=Entity.Kind.choices)
    entity_name = models.CharField(max_length=300)
    # The name whose articles moved (merged away, or a one-word name that may remain).
    kind = models.CharField(max_length=16, choices=Entity.Kind.choices)
    name = models.CharField(max_length=300)
    key = models.CharField(max_length=300)
    slug = models.SlugField(max_length=300)
    old_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    reason = models.CharField(max_length=300, blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    article_ids = models.JSONField(default=list, blank=True)  # the articles that moved
    state = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "key"], name="merge_record_name")]

    def __str__(self) -> str:
        return f"{self.name} → {self.entity_name} ({self.get_action_display().lower()})"

    @property
    def moved(self) -> int:
        return len(self.article_ids)


class SourceRedirect(models.Model):
    """An outlet's old slug that must keep working after the slug changes (shared links)."""

    old_slug = models.SlugField(max_length=200, unique=True)
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="redirects")

    def __str__(self) -> str:
        return f"{self.old_slug} → {self.source_id}"


class Author(models.Model):
    """Someone who wrote articles, under one normalised name (articles.extraction.bylines)."""

    name = models.CharField(max_length=200)
    # name_key of the name: "Lisa Rathke" and "LISA RATHKE" are one author
    key = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:author", kwargs={"slug": self.slug})


class Article(models.Model):
    class DateSource(models.TextChoices):
        PUBLISHED = "published", "Published"  # the date the source states
        DATELINE = "dateline", "Dateline"
        TEXT = "text", "Text"
        URL = "url", "Address"
        SEQUENCE = "sequence", "Article number"
        EDITOR = "editor", "Editor"

    class DatePrecision(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"
        YEAR = "year", "Year"

    # Sources whose dates are stated, not inferred (filters: dates=published).
    STATED_DATES = (DateSource.PUBLISHED, DateSource.EDITOR)

    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    headline = models.CharField(max_length=500)
    slug = models.SlugField(max_length=200)
    body = models.TextField()
    caption = models.TextField(blank=True)
    section = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    # The date the source states, and nothing else (articles.extraction.dates).
    published = models.DateField(null=True, blank=True, db_index=True)
    # The date the archive files the article under: ``published`` when there is one, else an
    # inferred date (articles.ingest.dating) or an editor's; with how it was obtained, how
    # precise it is and the evidence in words.
    date = models.DateField(null=True, blank=True, db_index=True)
    date_source = models.CharField(max_length=16, choices=DateSource.choices, blank=True)
    date_precision = models.CharField(max_length=8, choices=DatePrecision.choices, blank=True)
    date_evidence = models.CharField(max_length=500, blank=True)
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
    authors = models.ManyToManyField(Author, through="Authorship", related_name="articles")
    # The byline as the source wrote it ("By LISA RATHKE and WILSON RING, AP"), "" for none.
    byline = models.CharField(max_length=300, blank=True)
    # What the source gave that extraction dropped, and why ("a byline of 5,000 characters
    # is text, not a byline").
    extraction_notes = models.JSONField(default=list, blank=True)
    # The story it reports (articles.ingest.stories); every grouped article has one.
    story = models.ForeignKey(
        "Story", null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    # An exact or near-exact copy of this earlier article (shown once, with its copies).
    copy_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["-date", "-id"], name="article_newest")]

    def __str__(self) -> str:
        return self.headline

    def save(self, *args, **kwargs):
        # A stated date is the archive's date, unless an editor set another ("date" locked);
        # a published date an editor typed is the editor's; a stated date that is no more
        # leaves with it. Inferred dates are articles.ingest.dating's.
        before = (self.date, self.date_source)
        locked = set(self.locked_fields or [])
        if "date" not in locked:
            if self.published:
                editor = "published" in locked
                self.date = self.published
                self.date_source = self.DateSource.EDITOR if editor else self.DateSource.PUBLISHED
                self.date_precision, self.date_evidence = self.DatePrecision.DAY, ""
            elif self.date_source in self.STATED_DATES:
                self.date, self.date_source, self.date_precision = None, "", ""
        fields = kwargs.get("update_fields")
        if fields is not None and (self.date, self.date_source) != before:
            kwargs["update_fields"] = {*fields, "date", "date_source", "date_precision"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"pk": self.pk, "slug": self.slug or "article"})

    @property
    def original_link(self) -> str:
        """The original URL when it is safe to link (http/https), else "": whatever a
        restore, the admin or an old import stored, pages never link a "javascript:" URL."""
        return safe_url(self.url)

    @property
    def author_list(self) -> list[Author]:
        """The authors in byline order (prefetched by selectors: no query then)."""
        return [a.author for a in self.authorships.all()]

    @property
    def date_inferred(self) -> bool:
        return bool(self.date) and self.date_source not in self.STATED_DATES


class Authorship(models.Model):
    """An author of an article, in byline order."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="authorships")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="authorships")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="authorship_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.author} of {self.article_id}"


class Story(models.Model):
    """Articles reporting one specific event or development, across outlets and wording.

    Grouped by articles.ingest.stories (on import, and for a whole archive by ``manage.py
    group_stories``); editors split, move and merge with StoryDecision, which regrouping
    keeps. The counts, dates and lead are kept with the story so lists need no aggregate.
    """

    # The article closest to the story's centre: its title on lists and pages.
    lead = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    article_count = models.PositiveIntegerField(default=0)
    outlet_count = models.PositiveIntegerField(default=0)
    first_date = models.DateField(null=True, blank=True)
    last_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-last_date", "-id"]
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        title = self.lead.headline if self.lead_id else "(no articles)"
        return f"Story {self.pk}: {title[:80]}"

    def get_absolute_url(self) -> str:
        return reverse("articles:story", kwargs={"pk": self.pk})


class StoryDecision(models.Model):
    """An editor's decision about which story an article belongs to, kept by regrouping:
    articles with one ``group`` are one story, articles with different groups never are.

    An editor's split, move or merge (articles.ingest.story_edits) gives every article of the
    stories it touched a group. Keyed by article, it travels with the article in an export.
    """

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="story_decision")
    group = models.CharField(max_length=32, db_index=True)
    note = models.CharField(max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"article {self.article_id} in group {self.group}"


class CopyKey(models.Model):
    """One LSH band of an article's body MinHash (articles.similarity.copies): articles that
    share a key are candidate copies, so a new article's copies are found by lookup."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="copy_keys")
    key = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key} of {self.article_id}"


class CommonWord(models.Model):
    """A word many of this archive's articles use, with their share: weighed down when
    grouping stories ("mln" in the Reuters wire). Refreshed by ``manage.py group_stories``."""

    word = models.CharField(max_length=64, primary_key=True)
    share = models.FloatField()

    def __str__(self) -> str:
        return f"{self.word} ({self.share:.1%})"


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


class IndexTask(models.Model):
    """Work for the one index writer: an article whose search document must follow the database.

    Written in the same transaction as the change it follows, so a committed save is never
    forgotten; drained by articles.search.queue (after commit, or by `manage.py index_worker`).
    The worker looks at the article as it is when the task runs, so ``action`` is a record
    of why the task exists rather than an order.
    """

    class Action(models.TextChoices):
        UPDATE = "update", "Update"
        REMOVE = "remove", "Remove"

    article_id = models.BigIntegerField(db_index=True)
    action = models.CharField(max_length=8, choices=Action.choices, default=Action.UPDATE)
    created = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # Retried tasks wait here (exponential backoff) so a search outage is not hammered.
    not_before = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.action} article {self.article_id}"


def upload_path(instance: "UploadFile", filename: str) -> str:
    return f"batches/{instance.batch_id}/{instance.position:05d}-{filename}"


class UploadBatch(models.Model):
    """Files an editor uploaded together; processed in the background, resumable."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        RUNNING = "running", "Running"
        DONE = "done", "Done"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    file_count = models.PositiveIntegerField(default=0)
    files_done = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "upload batches"

    def __str__(self) -> str:
        return f"Upload {self.pk} ({self.file_count} files)"

    def get_absolute_url(self) -> str:
        return reverse("admin:articles_uploadbatch_report", args=[self.pk])


class UploadFile(models.Model):
    """One uploaded file, kept under MEDIA_ROOT until its batch is done."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        DONE = "done", "Done"

    batch = models.ForeignKey(UploadBatch, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=500)
    stored = models.FileField(upload_to=upload_path, max_length=600)
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)

    class Meta:
        ordering = ["batch", "position"]

    def __str__(self) -> str:
        return self.name


class UploadResult(models.Model):
    """What became of one document of an uploaded file."""

    class Outcome(models.TextChoices):
        CREATED = "created", "Created"
        DUPLICATE = "duplicate", "Duplicate"
        FAILED = "failed", "Failed"

    batch = models.ForeignKey(UploadBatch, on_delete=models.CASCADE, related_name="results")
    upload = models.ForeignKey(UploadFile, on_delete=models.CASCADE, related_name="results")
    label = models.CharField(max_length=600)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            # A resumed batch skips documents it already reported on: no duplicates.
            models.UniqueConstraint(fields=["upload", "label"], name="upload_result_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.outcome}"
