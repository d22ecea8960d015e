"""The bad-input suite: each case is a file (made here, so the repo carries no 50 MB blobs) and the
outcome it must have: ingested clean, skipped, or one named line of error."""
from __future__ import annotations

from dataclasses import dataclass

SEED_BODY = "（中央社台北17日電）這是一段真正的新聞正文，必須保留在內容頁裡，不會因為周圍的壞東西而消失。"
HOSTILE_HTML = (
    "<div><p>第一段真正的正文，周圍全是惡意標記，但這段文字必須留下。</p>"
    "<script>alert(1)</script><iframe src='javascript:alert(2)'></iframe><object data='x.swf'></object>"
    "<embed src='x.swf'><p onclick='alert(3)' onmouseover=alert(4)>第二段正文，帶著事件處理器的段落。</p>"
    "<a href='javascript:alert(5)'>壞連結</a><a href='data:text/html,<script>alert(6)</script>'>資料連結</a>"
    "<div style='background:url(javascript:alert(7))'>第三段正文，樣式裡有腳本網址。</div>"
    "<svg><script>alert(8)</script><circle r=5 /></svg><meta http-equiv='refresh' content='0;url=https://evil.example'>"
    "<form action='https://evil.example'><input name=q><button>送出</button></form>"
    "<math><mi xlink:href='javascript:alert(9)'>x</mi></math><p>第四段正文，最後一段。</p></div>"
)


def jekyll(title: str, body: str, eol: str = "\n") -> bytes:
    text = (f"---\ntitle: \"{title}\"\ndate: 2020-09-17T06:56:20.000Z\nauthor: 測試社\n"
            f"from: https://news.example/{abs(hash(title)) % 10**8}\n---\n<div><p>{body}</p></div>\n")
    return text.replace("\n", eol).encode("utf-8")


def plain(title: str, encoding: str) -> bytes:
    return f"{title}\n【新唐人亞太台 2020 年 09 月 17 日訊】{SEED_BODY}\n".encode(encoding)


def declared_page(charset: str, encoding: str) -> bytes:
    """A saved page that declares `charset` and is really in `encoding`."""
    own = f"這一頁宣告的字集是 {charset}，其實以 {encoding} 寫成，讀取時必須看出真相。"  # a page of its own
    return (f"<html><head><meta charset='{charset}'><title>字集宣告不實 {charset} - 測試網</title></head><body>"
            f"<article><p>{own}</p>" + f"<p>{SEED_BODY}</p>" * 3 + "</article></body></html>").encode(encoding)


def deep_html(depth: int) -> bytes:
    return ("<html><head><title>深層巢狀 - 測試網</title></head><body><article>" + "<div>" * depth
            + f"<p>{SEED_BODY}</p>" + "</div>" * depth + "</article></body></html>").encode()


def nested(open_tag: str, close_tag: str, depth: int) -> bytes:
    """A feed post whose body nests `depth` elements (open_tag ... close_tag) around a sentence."""
    deep = open_tag * depth + f"最深處的文字，{depth} 層之下。" + close_tag * depth
    name = "".join(ch for ch in open_tag if ch.isalpha())  # the title names it (tags are cut from titles)
    body = f"這一篇的元素是 {name}，共 {depth} 層。" + SEED_BODY  # each its own text: not duplicates
    return jekyll(f"巢狀 {name} {depth} 層", body).replace(b"</div>\n", f"</div>{deep}\n".encode(), 1)


def huge_html(megabytes: int) -> bytes:
    para = f"<p>{SEED_BODY}</p>\n".encode()
    head = b"<html><head><meta charset='utf-8'><title>\xe5\xa4\xa7\xe6\xaa\x94 - \xe6\xb8\xac\xe8\xa9\xa6</title></head><body><article>"
    return head + para * (megabytes * 1024 * 1024 // len(para)) + b"</article></body></html>"


@dataclass(frozen=True)
class Case:
    name: str            # the file name (spaces, zero-width and other Unicode on purpose)
    data: bytes
    outcome: str         # "ingested", or a phrase the one line about it must hold (an error, a skip, a warning)
    keeps: str = ""      # text the page must keep


CASES = (
    Case("empty.md", b"", "empty file"),
    Case("binary.bin", bytes(range(256)) * 64, "binary data"),
    Case("invalid-utf8.md", jekyll("無效位元組", SEED_BODY).replace(SEED_BODY[:4].encode(), b"\xff\xfe\xfa") , "ingested"),
    Case("big5.txt", plain("Big5 編碼的標題", "big5"), "ingested", "真正的新聞正文"),
    Case("gb18030.txt", plain("GB18030编码的标题", "gb18030"), "ingested", "真正的新聞正文"),
    Case("utf16-bom.txt", plain("UTF-16 帶 BOM 的標題", "utf-16"), "ingested", "真正的新聞正文"),
    Case("utf16le-no-bom.txt", plain("UTF-16LE 沒有 BOM 的標題", "utf-16-le"), "ingested", "真正的新聞正文"),
    Case("big5-declared-latin1.html", declared_page("iso-8859-1", "big5"), "ingested", "真正的新聞正文"),
    Case("big5-declared-cp1252.html", declared_page("windows-1252", "big5"), "ingested", "真正的新聞正文"),
    Case("charset-zlib.html", declared_page("zlib", "big5"), "ingested", "真正的新聞正文"),
    Case("charset-unicode-escape.html", declared_page("unicode_escape", "gb18030"), "ingested", "真正的新聞正文"),
    Case("crlf.md", jekyll("CRLF 行尾", SEED_BODY, "\r\n"), "ingested", SEED_BODY),
    Case("lone-cr.md", jekyll("CR 行尾", SEED_BODY, "\r"), "ingested", SEED_BODY),
    Case("control-chars.md", jekyll("控制\x01字元\x10標題", SEED_BODY + "\x07"), "ingested", SEED_BODY),
    Case("bad-indent.md", b"---\ntitle: \"\xe7\xb8\xae\xe6\x8e\x92\"\n   date: [2020\n  author: : x\n---\n<p>x</p>\n",
         "ingested"),
    Case("no-closing-fence.md", b"---\ntitle: x\ndate: 2020-01-01\n<p>body</p>\n", "no closing"),
    Case("deep 20000.html", deep_html(20_000), "ingested", SEED_BODY),
    Case("huge-50MB.html", huge_html(50), "ingested", SEED_BODY),
    Case("nested 5000 span.md", nested("<span>", "</span>", 5000), "ingested", "5000 層之下"),
    Case("nested 5000 b em.md", nested("<b><em>", "</em></b>", 2500), "ingested", "2500 層之下"),
    Case("nested 5000 lists.md", nested("<ul><li>", "</li></ul>", 2500), "ingested", "2500 層之下"),
    Case("nested 5000 blockquotes.md", nested("<blockquote>", "</blockquote>", 5000), "ingested", "5000 層之下"),
    Case("nested 5000 tables.md", nested("<table><tr><td>", "</td></tr></table>", 5000), "ingested", "5000 層之下"),
    Case("nested 100000 divs.md", nested("<div>", "</div>", 100_000), "ingested", "100000 層之下"),
    Case("name with spaces 與\u200b零寬\u200d字元 ☃.md", jekyll("檔名奇怪", SEED_BODY), "ingested", SEED_BODY),
    Case("empty-export-stub.md", b'---\ntitle: ""\ndate: ""\nauthor: ""\nurl: "https://web.archive.org/web/2021/'
         b'https://www.hkcnews.com/article/32693/-"\n---\n\n\n', "skipped: an empty stub"),
    Case("from-not-a-url.md", jekyll("來源網址壞了", SEED_BODY).replace(b"from: https://news.example/",
                                                                  b"from: https://news.example\xef\xbc\x8fa/"),
         "source.url left out", SEED_BODY),
    # Single bad values: the value is dropped (with a note), never the file.
    Case("epoch-out-of-range.md", jekyll("時間戳超出範圍", SEED_BODY).replace(b"---\n<div>", b"---\n<!--99999999999999-->\n<div>", 1),
         "the epoch line 99999999999999 is no date", SEED_BODY),
    Case("ol-start-abc.md", jekyll("清單起點不是數字", SEED_BODY + '</p><ol start="abc"><li>第一項</li><li>第二項</li></ol><p>'),
         "ingested", "第二項"),
    # Text a source's own escapes make: what ingest accepts, the build publishes, feeds and JSON-LD intact.
    Case("title-comment-script.md", jekyll("評論 <!--<script 標題", SEED_BODY), "ingested", SEED_BODY),
    Case("title-yaml-escapes.md", jekyll("跳脫 \\e 與 \\uFFFE \\uFFFF 和 \\u2028 標題", SEED_BODY), "ingested", SEED_BODY),
    Case("author-breaks-script.md", jekyll("作者欄", SEED_BODY).replace("author: 測試社".encode(),
                                                                 "author: \"</script><!--<script>\"".encode()),
         "ingested", SEED_BODY),
    Case("hostile.md", jekyll("惡意標記", "開頭").replace(b"<div><p>\xe9\x96\x8b\xe9\xa0\xad</p></div>",
                                                       HOSTILE_HTML.encode()), "ingested", "第四段正文"),
)
