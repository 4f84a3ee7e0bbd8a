"""Feed fetching and parsing against a local server: validators, safety rules, RSS and Atom."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from newsroom import NewsSite, Story

from service.feeds import CheckedFeed, FeedResponse, check_feed, feed_links, fetch_feed, parse_feed
from summarizer.config import FetchConfig
from summarizer.errors import BlockedAddress, FetchError, InputTooLarge, UnsupportedInput

LOCAL = FetchConfig(allow_private_addresses=True)


def test_conditional_get_gets_304_once_validators_match(
    news_site: NewsSite, stories: dict[str, Story]
) -> None:
    url = news_site.rss("/rss.xml", [stories["kremlin-truce"], stories["celtic-manager"]])
    first = fetch_feed(url, LOCAL, etag=None, last_modified=None)
    assert first.status == 200 and first.etag and first.last_modified
    assert b"<rss" in first.body

    second = fetch_feed(url, LOCAL, etag=first.etag, last_modified=first.last_modified)
    assert (second.status, second.body, second.etag) == (304, b"", first.etag)
    assert news_site.statuses("/rss.xml") == [200, 304]
    assert news_site.served[-1].if_none_match == first.etag
    assert news_site.served[-1].if_modified_since == first.last_modified

    news_site.rss("/rss.xml", [stories["north-sea-wind"], stories["kremlin-truce"]])
    third = fetch_feed(url, LOCAL, etag=first.etag, last_modified=first.last_modified)
    assert third.status == 200 and third.etag != first.etag


def test_private_addresses_are_refused_unless_allowed(news_site: NewsSite, stories: dict[str, Story]) -> None:
    url = news_site.rss("/rss.xml", [stories["kremlin-truce"]])
    with pytest.raises(BlockedAddress, match="private or local address"):
        fetch_feed(url, FetchConfig(), etag=None, last_modified=None)
    assert news_site.served == []


def test_bad_schemes_errors_and_oversized_feeds(news_site: NewsSite, stories: dict[str, Story]) -> None:
    with pytest.raises(UnsupportedInput, match=r"only fetch http:// and https:// links\."):
        fetch_feed("file:///etc/passwd", LOCAL, etag=None, last_modified=None)
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch_feed(news_site.url("/missing.xml"), LOCAL, etag=None, last_modified=None)
    url = news_site.rss("/rss.xml", list(stories.values()))
    with pytest.raises(
        InputTooLarge, match=r"^That link is an RSS feed larger than 1 KB, the most I download\.$"
    ):
        fetch_feed(
            url, FetchConfig(allow_private_addresses=True, max_bytes=1024), etag=None, last_modified=None
        )


def test_web_pages_and_json_feeds_are_refused_before_download(
    news_site: NewsSite, stories: dict[str, Story]
) -> None:
    page_url = news_site.publish(stories["kremlin-truce"])
    with pytest.raises(UnsupportedInput, match=r"^That link is a web page, not an RSS feed, an Atom feed"):
        fetch_feed(page_url, LOCAL, etag=None, last_modified=None)
    news_site.pages["/feed.json"] = (
        "application/feed+json",
        b'{"version": "https://jsonfeed.org/version/1.1"}',
    )
    with pytest.raises(UnsupportedInput, match="That link is a JSON feed, not an RSS feed"):
        fetch_feed(news_site.url("/feed.json"), LOCAL, etag=None, last_modified=None)


def test_feeds_served_as_plain_xml_are_read(news_site: NewsSite) -> None:
    body = (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Новости</title>"
        "<item><title>Кремль отверг призывы к пасхальному перемирию</title>"
        "<link>https://news.example/ru/truce</link></item></channel></rss>"
    ).encode("koi8-r")
    news_site.pages["/ru.xml"] = ("text/xml; charset=koi8-r", body)
    response = fetch_feed(news_site.url("/ru.xml"), LOCAL, etag=None, last_modified=None)
    assert response.content_type == "text/xml; charset=koi8-r"
    (item,) = parse_feed(response)
    assert item.title == "Кремль отверг призывы к пасхальному перемирию"


def test_connection_refused_is_a_fetch_error() -> None:
    with pytest.raises(FetchError, match=r"couldn't reach 127\.0\.0\.1"):
        fetch_feed("http://127.0.0.1:9/rss.xml", LOCAL, etag=None, last_modified=None)


def test_rss_items_are_keyed_by_guid_newest_first(news_site: NewsSite, stories: dict[str, Story]) -> None:
    url = news_site.rss("/rss.xml", [stories["celtic-manager"], stories["kremlin-truce"]])
    items = parse_feed(fetch_feed(url, LOCAL, etag=None, last_modified=None))
    assert [item.key for item in items] == ["urn:example:celtic-manager", "urn:example:kremlin-truce"]
    assert items[0].url == news_site.url("/news/celtic-manager.html")
    assert items[0].title == "Celtic manager says title race is far from over"
    assert items[0].published == datetime(2025, 4, 14, 9, 0, tzinfo=UTC)
    assert "Brendan Rodgers" in items[0].content_html


def test_atom_entries_carry_their_text(news_site: NewsSite, stories: dict[str, Story]) -> None:
    url = news_site.atom("/atom.xml", [stories["north-sea-wind"]])
    (item,) = parse_feed(fetch_feed(url, LOCAL, etag=None, last_modified=None))
    assert item.key == "tag:example.org,2025:north-sea-wind"
    assert item.url == ""
    assert "Ed Miliband" in item.content_html and "<p>" in item.content_html


def test_items_without_dates_keep_feed_order_and_links_become_keys() -> None:
    body = (
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
        b"<item><title>Second</title><link>https://news.example/b</link></item>"
        b"<item><title>First</title><link>https://news.example/a</link></item>"
        b"</channel></rss>"
    )
    items = parse_feed(FeedResponse(200, "https://news.example/rss", body, "application/rss+xml", None, None))
    assert [item.key for item in items] == ["https://news.example/b", "https://news.example/a"]


def test_a_web_page_is_not_a_feed() -> None:
    page = b"<html><body><p>Just a page.</p></body></html>"
    with pytest.raises(UnsupportedInput, match="RSS or Atom"):
        parse_feed(FeedResponse(200, "https://news.example/", page, "text/html", None, None))


def test_a_file_name_as_body_is_never_opened() -> None:
    # feedparser treats a str/bytes argument as a path or URL; the body must be passed as a stream.
    with pytest.raises(UnsupportedInput):
        parse_feed(FeedResponse(200, "https://news.example/", b"/etc/hostname", "text/plain", None, None))


# --- /feed add: the link is checked at once ------------------------------------------------------

FRONT_PAGE = """<!doctype html><html><head><title>The Daily Example</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" hreflang="fr" href="/fr/">
<link rel="Alternate" type="application/atom+xml; charset=utf-8" href="/sport/atom.xml" title="Sport">
<link rel="alternate" type="application/rss+xml" href="https://other.example/rss.xml">
</head><body><p>Front page</p></body></html>"""


def test_a_feed_is_accepted_as_it_is(news_site: NewsSite, stories: dict[str, Story]) -> None:
    url = news_site.rss("/rss.xml", [stories["kremlin-truce"], stories["celtic-manager"]])
    assert check_feed(url, LOCAL) == CheckedFeed(url=url, items=2)


def test_a_page_is_followed_to_the_feed_it_links(news_site: NewsSite, stories: dict[str, Story]) -> None:
    feed = news_site.atom("/sport/atom.xml", [stories["north-sea-wind"]])
    news_site.pages["/"] = ("text/html; charset=utf-8", FRONT_PAGE.encode())
    checked = check_feed(news_site.url("/"), LOCAL)
    assert checked == CheckedFeed(url=feed, items=1, linked_from=news_site.url("/"))


def test_feed_links_are_absolute_typed_alternates_only() -> None:
    links = feed_links(FRONT_PAGE.encode(), "https://news.example.org/section/")
    assert links == ["https://news.example.org/sport/atom.xml", "https://other.example/rss.xml"]
    assert feed_links(b"", "https://news.example.org/") == []
    assert feed_links(b"\x00\xff junk", "https://news.example.org/") == []


def test_a_page_without_a_feed_link_is_refused_with_the_reason(
    news_site: NewsSite, stories: dict[str, Story]
) -> None:
    url = news_site.publish(stories["kremlin-truce"])
    with pytest.raises(UnsupportedInput, match="web page, not an RSS or Atom feed"):
        check_feed(url, LOCAL)


def test_a_linked_feed_that_is_not_a_feed_is_refused(news_site: NewsSite) -> None:
    news_site.pages["/"] = ("text/html", FRONT_PAGE.replace("/sport/atom.xml", "/broken.xml").encode())
    news_site.pages["/broken.xml"] = ("application/atom+xml", b"<html>not xml at all")
    with pytest.raises(UnsupportedInput, match="doesn't look like an RSS or Atom feed"):
        check_feed(news_site.url("/"), LOCAL)


def test_other_content_is_refused_by_the_safe_fetch(news_site: NewsSite) -> None:
    news_site.pages["/logo.png"] = ("image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(UnsupportedInput, match="image"):
        check_feed(news_site.url("/logo.png"), LOCAL)
    with pytest.raises(BlockedAddress):
        check_feed(news_site.url("/logo.png"), FetchConfig())
