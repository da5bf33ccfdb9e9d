"""How alike two articles are, and which of them report one story: pure functions, no Django.

- ``text``: an article's words weighed by how much they say (rarer words weigh more);
- ``copies``: shingled MinHash of the body, for exact and near-exact copies;
- ``grouping``: the rules that put an article into a story or start one, the same for a whole
  archive and for one new article.

The service that reads the database and writes stories is articles.ingest.stories.
"""
