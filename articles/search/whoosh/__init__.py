"""The embedded search engine on Whoosh (see articles.search.whoosh.engine)."""
