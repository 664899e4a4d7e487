"""``make bench``: the SCN portal measured side by side with stock CKAN (see bench/README.md)."""
