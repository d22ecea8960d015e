"""Which pages the site has: a table of producers, each yielding (path, bytes)."""
from __future__ import annotations

import calendar
from itertools import chain
from pathlib import Path

from . import parallel, search
from .feeds import atom, netlify_headers, robots, sitemap, web_manifest
from .collect import Entry
from .render import ARTICLE_LAYOUT, Renderer, groups_by_year

# Articles to index up to which the search index is made before the article pages (see all_pages):
# as many as the recent tier holds - an edit's or a day's files' segments, not a first build's.
EARLY_SEARCH_ARTICLES = search.store.RECENT_ARTICLES


def home(r: Renderer):
    # The archive's size is told on the first home page only: on every page's footer it made every
    # page change with every article added.
    yield from r.listing("home.html", "", r.site.entries,
                         front=dict(article_count=len(r.site.entries), outlet_count=len(r.site.outlets)))


def archive(r: Renderer):
    yield r.page("archive.html", "archive/index.html", years=groups_by_year(r.site.months))
    for g in r.site.months:
        year, month = g.name[:4], g.name[5:]
        days = by_day(g.entries)
        yield from r.listing("list.html", f"archive/{year}/{month}/", g.entries,
                             heading=r.words.month_heading(year, month), feed=None,
                             front=dict(calendar=month_calendar(int(year), int(month), days)))
        for day, entries in days.items():
            yield from r.listing("list.html", f"archive/{year}/{month}/{day}/", entries,
                                 heading=r.words.day_heading(year, month, day), feed=None)


def by_day(entries) -> dict[str, tuple]:
    """A month's articles by day of the month ("07"), newest day first (undated ones have no day)."""
    days: dict[str, list] = {}
    for e in entries:
        if e.date and len(e.date) >= 10:
            days.setdefault(e.date[8:10], []).append(e)
    return {day: tuple(found) for day, found in days.items()}


def month_calendar(year: int, month: int, days: dict) -> list[list[tuple[int, int, str] | None]]:
    """The month's weeks (Monday first) of (day, articles that day, the day's page) - None for a day
    of another month, (day, 0, "") for a day without articles."""
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdayscalendar(year, month):
        row = []
        for day in week:
            key = f"{day:02d}"
            count = len(days.get(key, ()))
            row.append(None if day == 0 else (day, count, f"archive/{year:04d}/{month:02d}/{key}/index.html" if count else ""))
        weeks.append(row)
    return weeks


def outlets(r: Renderer):
    yield r.page("groups.html", "outlets/index.html", heading=r.words.outlets, groups=r.site.outlets,
                 targets=[f"outlets/{g.slug}/index.html" for g in r.site.outlets])
    for g in r.site.outlets:
        yield from r.listing("list.html", f"outlets/{g.slug}/", g.entries, heading=g.name,
                             feed=f"outlets/{g.slug}/feed.xml")
        yield atom(r, g.entries, f"outlets/{g.slug}/feed.xml", f"outlets/{g.slug}/index.html",
                   f"{g.name} · {r.config.title}")


def tags(r: Renderer):
    """The tags index (a tag only one article has leads to that article: it has no pages, see
    Renderer.tag_path), and each other tag's list and feed."""
    yield r.page("groups.html", "tags/index.html", heading=r.words.tags, groups=r.site.tags,
                 targets=[r.tag_path(g.name) or g.entries[0].path for g in r.site.tags])
    for g in r.tag_pages:
        yield from r.listing("list.html", f"tags/{g.slug}/", g.entries, heading=f"#{g.name}",
                             feed=f"tags/{g.slug}/feed.xml")
        yield atom(r, g.entries, f"tags/{g.slug}/feed.xml", f"tags/{g.slug}/index.html",
                   f"#{g.name} · {r.config.title}")


def specials(r: Renderer):
    yield r.page("404.html", "404.html", anywhere=True)
    yield r.page("search.html", "search/index.html", indexed=r.search)
    yield atom(r, r.site.entries, "feed.xml", "index.html", r.config.title)
    yield sitemap(r)
    yield robots(r)
    yield web_manifest(r)
    yield netlify_headers(r)


def earlier_versions(r: Renderer):
    """A page for each earlier version of an article (in no list): its own text, and the way to the
    latest. One that shape.to_key leaves out (after an edit that kept the site's shape, or when the site
    only grew) is the last build's page, not keyed (keying the 866 earlier versions of the 100 000-article
    bench archive was ~0.2 s of an edit)."""
    to_key = r.articles_to_key() if r.site.earlier else None
    for e in r.site.earlier:
        kept = r.kept_as_was(e.path) if to_key is not None and e.path not in to_key else None
        yield kept or r.reused_article(e) or r.render_article(e)


def problems(r: Renderer):
    """What the archive could not publish, listed for its keeper (only when there is any)."""
    if r.problem_count:
        yield r.page("problems.html", "problems/index.html", heading=r.words.problems, failures=r.failures,
                     left_out=r.site.problems)


# Every page that does not show same-story links (which may still be computing while these are made) ...
LISTS = (home, archive, outlets, tags, specials, problems)
# ... and every page but the articles (parallel.articles).
PRODUCERS = (*LISTS, earlier_versions)


def all_pages(r: Renderer, search_cache: Path | None, kept_search: Path | None = None, ahead=None,
              write_to: Path | None = None, keep=None):
    """(path, bytes or a file to link) for every page of the site, as each is made; the search index
    too unless search_cache (its shard cache) is None, or, with kept_search (a site folder), that
    site's search index files as they are. `ahead`: article bodies being made (parallel.bodies_ahead).
    `write_to`: the staging folder, where article pages made on a pool are written by their workers
    (write.Placed), or None. `keep`: where the many article pages kept as they were go at once
    (Staging.keep), or None: each is yielded."""
    made: set[str] = set()
    tick = r.progress.phase("list pages", unit="page")
    lists = chain.from_iterable(producer(r) for producer in LISTS)
    pages_early = kept_search is None and parallel.early(r)
    if pages_early:  # (compiled while same story runs, not between its answer and the workers' fork)
        r.maker.compile(ARTICLE_LAYOUT)
    for path, data in lists:
        made.add(path)
        tick(1)
        yield path, data
        if pages_early and r.related.answered():
            rest = _cleared_after(lists, r.items)  # (made beside the article pages)
            break
    else:
        r.items.clear()  # (the lists are made: their items would be held through same story's wait)
        rest = ()
    planned = search.plan(r, search_cache) if search_cache is not None else None
    # The search index before the pages that wait for same story when it has little to index (an
    # edit, a day's files): the comparison, in a process of its own, was still running when the lists
    # were done (16 s of an edit at 100 000 articles). After them when it has much (a first build):
    # its pool's workers and blocks beside same story's process and the body workers made the peak
    # of a cold build at 100 000 5.6-6.0 GB.
    early = planned is not None and planned.to_index <= EARLY_SEARCH_ARTICLES
    if early:
        yield from search.search_files(r, search_cache, planned)
    if kept_search is not None and (kept_search / "search").is_dir():
        for file in sorted((kept_search / "search").rglob("*")):
            path = file.relative_to(kept_search).as_posix()
            if file.is_file() and path not in made:  # search/index.html is a page: made new above
                yield path, file
    pool = parallel.pool_ahead(r, ahead)  # (before the wait for same story)
    try:
        # (parallel.articles: its own phases, same story and article pages; the lists not yet made
        # and the earlier versions' pages are made here while its pool makes the articles')
        yield from parallel.articles(r, ahead, write_to, keep, pool, meanwhile=chain(rest, earlier_versions(r)))
    finally:
        if pool is not None:
            pool.stop()
    if planned is not None and not early:
        yield from search.search_files(r, search_cache, planned)


def _cleared_after(pages, items):
    """The pages, then the list items let go."""
    yield from pages
    items.clear()


def pages_showing(r: Renderer, entries: tuple[Entry, ...]):
    """serve's hot pass: every page but the articles (lists, feeds: their memo keys tell which show a
    changed article), and the article pages of `entries` only."""
    for producer in PRODUCERS:
        yield from producer(r)
    for e in entries:
        yield r.reused_article(e) or r.render_article(e)
