from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("search/feed/", views.search_feed, name="search-feed"),
    path("search/help/", views.search_help, name="search-help"),
    path("search/values/<str:field>/", views.search_values, name="search-values"),
    path("compare/", views.compare, name="compare"),
    path("sources/", views.browse, {"kind": "sources"}, name="sources"),
    path("places/", views.browse, {"kind": "places"}, name="places"),
    path("organizations/", views.browse, {"kind": "organizations"}, name="organizations"),
    path("people/", views.browse, {"kind": "people"}, name="people"),
    path("authors/", views.browse, {"kind": "authors"}, name="authors"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("places/<slug:slug>/", views.entity_detail, {"kind": "place"}, name="place"),
    path(
        "organizations/<slug:slug>/",
        views.entity_detail,
        {"kind": "organization"},
        name="organization",
    ),
    path("people/<slug:slug>/", views.entity_detail, {"kind": "person"}, name="person"),
    path(
        "places/<slug:slug>/with/<str:listed>/",
        views.entity_mentions,
        {"kind": "place"},
        name="place-with",
    ),
    path(
        "organizations/<slug:slug>/with/<str:listed>/",
        views.entity_mentions,
        {"kind": "organization"},
        name="organization-with",
    ),
    path(
        "people/<slug:slug>/with/<str:listed>/",
        views.entity_mentions,
        {"kind": "person"},
        name="person-with",
    ),
    path("articles/<int:pk>/<slug:slug>/", views.article_detail, name="detail"),
    path("articles/<int:pk>/", views.article_detail, name="detail-short"),
    path("stories/<int:pk>/", views.story_detail, name="story"),
]
