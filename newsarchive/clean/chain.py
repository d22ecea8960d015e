"""The generic cleaning chain, as data: (step name, parameters), in order.

Outlet rules add their own steps after `BEFORE_RULES` and before `AFTER_RULES`.
Every list here is generic: it names web-wide conventions, never one outlet.
"""

# Markup that is never article content, removed with everything inside it.
NON_CONTENT = (
    "script", "style", "noscript", "template", "link", "meta", "head", "title", "base",
    "form", "input", "button", "select", "textarea", "label", "svg", "canvas", "map", "dialog",
    "nav", "aside", "footer", "frameset", "frame", "applet", "param", "object", "embed",
    "source:not(picture > source)",
)
# Words of class/id naming ads, widgets and promotions (whole words, see drop_junk_containers).
JUNK_WORDS = (
    "ad", "ads", "adv", "advert", "adverts", "advertisement", "advertising", "adslot", "adsense", "adunit",
    "adbox", "adwrap", "dfp", "gpt", "doubleclick", "sponsor", "sponsored", "promo", "promotion",
    "selfpromo", "newsletter", "subscribe", "subscription", "subscriptions", "paywall", "signup",
    "related", "recommend", "recommended", "recommendation", "recommendations", "outbrain", "taboola",
    "share", "sharing", "sharebar", "social", "sns", "comments", "comment", "disqus", "donate", "donation",
    "banner", "popular", "trending", "breadcrumb", "breadcrumbs", "sidebar", "toolbar", "pagination",
    "copyright", "byline", "author", "tags", "tagcloud", "widget", "trust", "badge",
    # CMS furniture: Drupal's `submitted` line and `pager`, WordPress share and related-post plugins,
    # video players' "up next" rails.
    "submitted", "pager", "sharedaddy", "addtoany", "relatedposts", "yarpp", "upnext", "playlist",
)
# Prefixes of such words ('adslot_infinite', 'advertorial', 'newsletterSignup').
JUNK_PREFIXES = ("adslot", "advert", "sponsor", "newsletter", "subscri", "taboola", "outbrain", "dfp")
# Boilerplate phrases: the short block holding one is removed.
BOILERPLATE = (
    "获取更多RSS", "獲取更多RSS", "Feed enhanced by", "first appeared on", "訂閱《", "订阅《", "点击订阅", "點擊訂閱", "Sign up for our newsletter",
    "Subscribe to our newsletter", "我们的标准：", "版權所有，未經授權", "版权所有，未经授权",
    "违法和不良信息举报电话", "違法和不良信息舉報電話", "举报邮箱：", "【打印本页】", "【关闭窗口】", "【打印】",
    "未经授权，不得转载", "未經授權，不得轉載", "扫描二维码", "掃描二維碼", "下载客户端", "下載客戶端",
    "分享到：", "分享到:", "点击进入专题", "我要跟帖", "Loading Comments", "不感兴趣", "我们将会减少此类文章的推荐",
    "登录超时，稍后再试", "免注册 快速登录", "本文仅代表作者本人观点", "您所在的位置：", "现在位置：",
    "view video in browser",
    # CMS and platform footers: WordPress ("The post … appeared first on …"), Medium ("… was originally
    # published in … on Medium, where people are continuing the conversation …"), affiliate disclosures.
    "appeared first on", "where people are continuing the conversation", "was originally published in",
    "We may earn a commission", "may earn an affiliate commission", "contains affiliate links",
    "Submitted by",
    # Investment disclaimers of financial portals, and breadcrumb trails that name the home page.
    "不构成实质性投资建议", "不构成投资建议", "据此操作风险自担", "首页 >", "首页>", "首页 »", "首頁 >",
)
# CMS widgets whose class names are compounds no single junk word names (Drupal's share links,
# WordPress share plugins, link rows).
CMS_FURNITURE = (
    ".service-links", ".share-links", ".social-links", ".share-buttons", ".sharing-buttons", ".a2a_kit",
    ".addtoany_share_save_container", ".node-links", ".links.inline", ".jp-relatedposts", ".wp-block-latest-posts",
)
# Classes a page hides elements with (drop_hidden also reads `hidden`, aria-hidden and inline styles).
HIDING_CLASSES = (
    "element-invisible", "element-hidden", "visually-hidden", "visuallyhidden", "sr-only", "screen-reader-text",
    "screen-reader-only", "screenreader-only", "offscreen", "hidden", "hide", "is-hidden", "u-hidden",
    "a11y-hidden", "hidden-text",
)
# Labels of a page's metadata fields ("来源：…", "责任编辑：…"): a short block of nothing but such fields
# and dates goes (drop_meta_lines).
META_LABELS = (
    "来源", "來源", "来源于", "來源於", "出处", "出處", "发布时间", "發布時間", "发布日期", "發布日期", "发表时间", "時間",
    "时间", "日期", "作者", "记者", "記者", "编辑", "編輯", "责任编辑", "責任編輯", "责编", "責編", "校对", "校對",
    "审核", "審核", "字号", "字號", "浏览次数", "瀏覽次數", "点击数", "阅读", "閱讀", "Source", "Posted", "Updated",
)
# A block that is only a relative time, as feeds stamp when they were read.
RELATIVE_TIMES = (
    r"\d+\s*(?:秒|分鐘|分钟|小時|小时|天|日|週|周|星期|個月|个月|年)前",
    r"(?:剛剛|刚刚|昨天|前天|今天|昨日|今日)(?:\s*\d{1,2}[:：]\d{2})?",
    r"(?:(?:updated|posted|published)\s+)?\d+\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?"
    r"|years?)\s+ago",
    r"(?:just now|yesterday|today)(?:\s+at\s+\d{1,2}:\d{2}\s*(?:am|pm)?)?",
)
# The credit lines third-party embed widgets leave in any outlet's page (the picture or video itself
# is gone with the widget's script): a widget's, not an outlet's, words.
EMBED_CREDITS = ("Embed from Getty Images",)
# Headings that open a trailing related-articles list: it is cut from there.
RELATED_HEADINGS = (
    "相關新聞", "相关新闻", "延伸閱讀", "延伸阅读", "相關閱讀", "相关阅读", "相關內容", "相关内容",
    "相關文章", "相关文章", "推薦閱讀", "推荐阅读", "熱門新聞", "热门新闻", "更多新聞", "更多新闻",
    "你可能也會喜歡", "你可能也会喜欢", "猜你喜歡", "猜你喜欢", "相關報導", "相关报道", "延伸閱讀：",
    "精彩推荐", "精彩推薦", "精彩视频推荐", "精彩視頻推薦", "热点推荐", "熱點推薦", "推荐视频", "推薦影片",
    "Related Videos", "Comments", "Up next", "Next video", "Watch next", "More videos", "更多视频", "更多影片",
    "下一則影片", "下一个视频", "媒体报道", "媒體報導",
    "Related", "Related articles", "Related stories", "Related news", "Related content",
    "More on this story", "Read more", "You may also like", "Recommended", "Most read",
)
# Image proxies: host -> query parameter carrying the real image URL.
IMAGE_PROXIES = {"images.weserv.nl": "url", "wsrv.nl": "url", "imageproxy.ifunny.co": "url"}

# The steps that fix addresses and pictures (no text goes): in every chain.
ADDRESSES_AND_PICTURES = (
    ("unwrap_image_proxies", {"proxies": IMAGE_PROXIES}),
    ("decode_cf_email", {}),
    ("resolve_urls", {}),
    ("drop_tracking_pixels", {}),
    ("unwrap_image_links", {}),
    ("captions_to_figures", {}),
)

BEFORE_RULES = (
    ("embeds_to_links", {}),
    ("drop_elements", {"selectors": NON_CONTENT}),
    ("drop_hidden", {"classes": HIDING_CLASSES}),
)
AFTER_RULES = (
    ("drop_elements", {"selectors": CMS_FURNITURE}),
    ("drop_junk_containers", {"words": JUNK_WORDS, "prefixes": JUNK_PREFIXES}),
    ("drop_text_blocks", {"phrases": BOILERPLATE + EMBED_CREDITS}),
    ("drop_link_lists", {}),
    ("drop_relative_times", {"patterns": RELATIVE_TIMES}),
    ("drop_meta_lines", {"labels": META_LABELS}),
    ("truncate_at_heading", {"phrases": RELATED_HEADINGS}),
    *ADDRESSES_AND_PICTURES,
    ("drop_title_repeat", {}),
    ("drop_date_blocks", {}),
    ("drop_empty", {}),
)

# The chain that keeps an extractor's whole pick (ingest falls back to it when cleaning left too little
# of the article): markup that never holds text goes (not <aside>, <nav>, <form>: they may hold the
# article), addresses are fixed, pictures kept; no text goes.
NEVER_TEXT = (
    "script", "style", "noscript", "template", "link", "meta", "head", "title", "base", "svg", "canvas", "input",
    "button", "select", "textarea", "object", "embed", "param", "applet", "frameset", "frame",
)
KEEP_ALL = (
    ("embeds_to_links", {}),
    ("drop_elements", {"selectors": NEVER_TEXT}),
    *ADDRESSES_AND_PICTURES,
    ("drop_empty", {}),
)
