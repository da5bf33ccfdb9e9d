"""Page assembly: what each reader's page shows, between the database and search reads below
and the views above. Views parse the request, call one of these, and render.

- ``search``: a search's rows, filter groups, chips and description, and the one conversion
  of a search state to a search request;
- ``zero_results``: what to try when a search finds nothing;
- ``formats``: the search as JSON and CSV;
- ``browse``: the home page and the A–Z lists; ``article``: an article's page.
"""
