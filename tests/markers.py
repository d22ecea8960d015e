"""Junk markers: text that must not survive cleaning. Shared by the tests and bench/ingest.py."""

# Junk that must not survive cleaning anywhere. Each is checked below not to occur in real prose.
JUNK_MARKERS = (
    "获取更多RSS", "feedx.net", "訂閱《早安世界》", "感謝您的訂閱", "請輸入電子信箱", "月費訂戶", "每周時事」通訊",
    "adslot", "dfp-ad", "gpt-ad", "images.weserv.nl", "Feed enhanced by", "first appeared on",
    "汤森路透“信任原则”", "我们的标准：", "德国之声版权声明", "get_post_time", "javascript:", "utm_source", "utm_medium",
    "icon-zoom", "paypal.com/cgi-bin", "selfpromo", "<script", "<iframe", "<style", "onclick=", "onerror=",
    "](https://web.archive.org/web/", "](//web.archive.org", "/cdn-cgi/l/email-protection", "相关内容\n", "延伸閱讀\n", "相關新聞\n",
)
