"""Keep the search index following the database: every save or delete queues index work.

Connected when the app is ready (articles.apps.ArticlesConfig.ready).

The task row is written in the same transaction as the change (articles.search.queue).
Bulk operations that bypass signals (``bulk_create``, ``QuerySet.update``) enqueue explicitly.
Editors' changes to outlets, entities, aliases and mentions also retire the cached names and
counts of the reader's pages (articles.aggregate_cache.catalog_changed).
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .aggregate_cache import catalog_changed
from .corrections import articles_changed, country_articles, entity_articles
from .ingest.stories import recount_stories
from .models import Article, Entity, EntityAlias, IndexTask, Mention, Source
from .search.queue import enqueue


@receiver(post_save, sender=Article, dispatch_uid="newsroom_index_article_saved")
def article_saved(sender, instance: Article, raw: bool = False, **kwargs) -> None:
    if raw:  # loaddata
        return
    action = IndexTask.Action.UPDATE if instance.is_published else IndexTask.Action.REMOVE
    enqueue([instance.pk], action)


@receiver(post_delete, sender=Article, dispatch_uid="newsroom_index_article_deleted")
def article_deleted(sender, instance: Article, **kwargs) -> None:
    enqueue([instance.pk], IndexTask.Action.REMOVE)
    if instance.story_id:  # its story counts one article less (or goes, left empty)
        transaction.on_commit(lambda: recount_stories([instance.story_id]))


@receiver(post_save, sender=Mention, dispatch_uid="newsroom_index_mention_saved")
@receiver(post_delete, sender=Mention, dispatch_uid="newsroom_index_mention_deleted")
def mention_changed(sender, instance: Mention, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    enqueue([instance.article_id])


@receiver(post_save, sender=Entity, dispatch_uid="newsroom_index_entity_saved")
def entity_saved(sender, instance: Entity, created: bool, raw: bool = False, **kwargs) -> None:
    """A renamed entity changes the text and facets of every article that mentions it. A
    country's slug is also a place value of every article naming a place in it
    (articles.search.documents): a country that arrives after them changes them too."""
    if raw:
        return
    if instance.kind == Entity.Kind.PLACE and instance.feature == "country" and instance.country:
        articles_changed(country_articles(instance.country))
    if not created:
        articles_changed(entity_articles(instance.pk))


@receiver(post_save, sender=Source, dispatch_uid="newsroom_index_source_saved")
def source_saved(
    sender, instance: Source, created: bool, raw: bool = False, update_fields=None, **kwargs
) -> None:
    """A renamed outlet changes the source facet of all its articles."""
    if raw or created or (update_fields and set(update_fields) <= {"domains"}):
        return
    articles_changed(Article.objects.filter(source=instance).values_list("id", flat=True))


# --- Cached names and counts (articles.selectors) ---------------------------------------


@receiver(post_save, sender=Source, dispatch_uid="newsroom_catalog_source_saved")
@receiver(post_delete, sender=Source, dispatch_uid="newsroom_catalog_source_deleted")
@receiver(post_save, sender=EntityAlias, dispatch_uid="newsroom_catalog_alias_saved")
@receiver(post_delete, sender=EntityAlias, dispatch_uid="newsroom_catalog_alias_deleted")
@receiver(post_delete, sender=Entity, dispatch_uid="newsroom_catalog_entity_deleted")
def catalog_row_changed(sender, instance, raw: bool = False, update_fields=None, **kwargs):
    """A renamed outlet must be found by its new slug at once, a merged place leave /places/."""
    if raw or (sender is Source and update_fields and set(update_fields) <= {"domains"}):
        return
    catalog_changed()


@receiver(post_save, sender=Entity, dispatch_uid="newsroom_catalog_entity_saved")
def catalog_entity_saved(sender, instance: Entity, created: bool, raw: bool = False, **kwargs):
    if raw or created:  # a new entity is in no list until an article names it
        return
    catalog_changed()


@receiver(post_save, sender=Mention, dispatch_uid="newsroom_catalog_mention_saved")
@receiver(post_delete, sender=Mention, dispatch_uid="newsroom_catalog_mention_deleted")
def catalog_mention_changed(sender, instance: Mention, raw: bool = False, **kwargs):
    """Editors' additions and removals; extraction's own rows come and go with their article,
    whose updated_at already moves the version (re-extraction need not empty the caches)."""
    if raw or (instance.origin == Mention.Origin.EXTRACTED and not instance.suppressed):
        return
    catalog_changed()
