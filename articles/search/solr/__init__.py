"""Newsroom on SolrCloud 9: the engine (``engine``), its collections and configset
(``collections``, the files in ``configset/``) and the HTTP client (``client``)."""
