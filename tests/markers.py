"""What the cleaner is judged against, computed independently of it. Shared by the tests and bench/ingest.py.

JUNK_MARKERS: text that must not survive cleaning. Paragraphs: the text of each top-level <p>
in raw HTML (a <p> broken by two line breaks in a row is two paragraphs, as a reader sees it), read
by the standard library's parser (not selectolax, not the cleaning chain).
"""
import re
from html.parser import HTMLParser

# Junk that must not survive cleaning anywhere. Each is checked below not to occur in real prose.
JUNK_MARKERS = (
    "获取更多RSS", "feedx.net", "訂閱《早安世界》", "感謝您的訂閱", "請輸入電子信箱", "月費訂戶", "每周時事」通訊",
    "adslot", "dfp-ad", "gpt-ad", "images.weserv.nl", "Feed enhanced by", "first appeared on",
    "汤森路透“信任原则”", "我们的标准：", "德国之声版权声明", "get_post_time", "javascript:", "utm_source", "utm_medium",
    "icon-zoom", "paypal.com/cgi-bin", "selfpromo", "<script", "<iframe", "<style", "onclick=", "onerror=",
    "](https://web.archive.org/web/", "](//web.archive.org", "/cdn-cgi/l/email-protection", "相关内容\n", "延伸閱讀\n", "相關新聞\n",
    "YouTube播放列表", "感谢阅读今天的简报", "嘉宾和观众听众发表的都是个人观点", "使用浏览器播视频", "同步發送電子報",
    "Embed from Getty Images", "德国之声致力于为您提供客观中立的新闻报道",
)


class Paragraphs(HTMLParser):
    """Independent reference: the text of each top-level <p> in the raw feed HTML (stdlib parser)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.buf, self.out, self.hidden = 0, [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript"):
            self.hidden += 1
        if tag == "br" and self.depth:
            self.buf.append("\n")
        if tag == "p":
            if self.depth == 0:
                self.buf = []
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript") and self.hidden:
            self.hidden -= 1
        if tag == "p" and self.depth:
            self.depth -= 1
            if self.depth == 0:
                self.out += [p for p in re.split(r"\n\s*\n", "".join(self.buf)) if p.strip()]

    def handle_data(self, data):
        if self.depth and not self.hidden:
            self.buf.append(data)


def fold(text: str) -> str:
    return re.sub(r"[\W_]+", "", text)
