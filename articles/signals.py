"""Keep the search index following the database: every save or delete queues index work.

The task row is written in the same transaction as the change (articles.indexing).
Bulk operations that bypass signals (``bulk_create``, ``QuerySet.update``) enqueue explicitly.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Article, Entity, IndexTask, Mention, Source


@receiver(post_save, sender=Article, dispatch_uid="newsroom_index_article_saved")
def article_saved(sender, instance: Article, raw: bool = False, **kwargs) -> None:
    if raw:  # loaddata
        return
    from .indexing import enqueue

    action = IndexTask.Action.UPDATE if instance.is_published else IndexTask.Action.REMOVE
    enqueue([instance.pk], action)


@receiver(post_delete, sender=Article, dispatch_uid="newsroom_index_article_deleted")
def article_deleted(sender, instance: Article, **kwargs) -> None:
    from .indexing import enqueue

    enqueue([instance.pk], IndexTask.Action.REMOVE)


@receiver(post_save, sender=Mention, dispatch_uid="newsroom_index_mention_saved")
@receiver(post_delete, sender=Mention, dispatch_uid="newsroom_index_mention_deleted")
def mention_changed(sender, instance: Mention, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    from .indexing import enqueue

    enqueue([instance.article_id])


@receiver(post_save, sender=Entity, dispatch_uid="newsroom_index_entity_saved")
def entity_saved(sender, instance: Entity, created: bool, raw: bool = False, **kwargs) -> None:
    """A renamed entity changes the text and facets of every article that mentions it."""
    if raw or created:
        return
    from .corrections import articles_changed, entity_articles

    articles_changed(entity_articles(instance.pk))


@receiver(post_save, sender=Source, dispatch_uid="newsroom_index_source_saved")
def source_saved(
    sender, instance: Source, created: bool, raw: bool = False, update_fields=None, **kwargs
) -> None:
    """A renamed outlet changes the source facet of all its articles."""
    if raw or created or (update_fields and set(update_fields) <= {"domains"}):
        return
    from .corrections import articles_changed

    articles_changed(Article.objects.filter(source=instance).values_list("id", flat=True))
