"""The archive's pictures: every image an article shows, fetched once at ingest (opt-in: `ingest
--fetch-media`, or `media.fetch = true`), kept byte for byte under sources/media/ by its SHA-256
(the same picture shared by every article that shows it), listed in one manifest with where it came
from, and served from site/media/ by the build.

One module per part: `addresses` (which images a page shows, and where to fetch each), `kinds` (what
the bytes are, and their size in pixels), `fetch` (one polite, bounded, SSRF-guarded download),
`store` (the files and the manifest), `run` (fetching what the archive lacks), `show` (the build's
side: local addresses in pages, files in site/).
"""
