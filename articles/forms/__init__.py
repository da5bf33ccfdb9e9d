"""Querystrings as pages take them: parsed, checked and written back in one canonical order.

One module per page: ``search`` (the search page, its JSON, feed and CSV), ``compare``
(/compare/), and ``parameters`` (what they and the other pages share: numbers, dates,
search words, ``format`` and ``page``).
"""
