"""Thin views: parse the request, call a selector, render."""

from django.shortcuts import get_object_or_404, redirect, render

from .models import Article


def home(request):
    latest = Article.objects.filter(is_published=True).select_related("source")[:30]
    return render(
        request,
        "articles/home.html",
        {"latest": latest, "article_count": Article.objects.filter(is_published=True).count()},
    )


def article_detail(request, pk, slug=None):
    article = get_object_or_404(
        Article.objects.select_related("source"), pk=pk, is_published=True
    )
    if slug != article.slug:
        return redirect(article, permanent=True)
    mentions = (
        article.mentions.filter(suppressed=False).select_related("entity").order_by("-count")
    )
    return render(request, "articles/article_detail.html", {"article": article, "mentions": mentions})
