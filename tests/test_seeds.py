"""The five bundled seeds, exact: every field a reader sees, every paragraph, nothing of the junk."""
import re

import pytest

from .conftest import pages

SEEDS = {
    "000": dict(
        file="sources/000_bf67578e0c1fd6cd.txt", format="jekyll-feed",
        title="美駐聯合國大使 首度會晤駐紐約辦事處長", date="2020-09-17T06:56:20+00:00",
        outlet="中央社", lang="zh-Hant", url="https://www.cna.com.tw/news/firstnews/202009175008.aspx",
        archive_url=None, paragraphs=5,
        first="（中央社紐約16日綜合外電報導）美國駐聯合國大使克拉夫特（Kelly Craft）今天與駐紐約台北經濟文化辦事處處長李光章共進午餐",
        last="克拉夫特今年5月轉推一則美國駐聯合國代表團的推文，表達支持台灣參與聯合國，稱「阻撓台灣涉足聯合國領域，是一種冒犯，不只是對台灣民眾，也是對聯合國」。（譯者：陳亦偉）1090917",
        figures=[("https://imgcdn.cna.com.tw/www/WebPhotos/1024/20200917/2000x1333_0686937930421.jpg",
                  "美國駐聯合國大使克拉夫特（前右）16日與駐紐約台北經濟文化辦事處處長李光章共進午餐，克拉夫特稱此為「歷史性會面」。（美聯社）")],
        gone=["訂閱", "早安世界", "感謝您的訂閱", "請輸入", "adslot", "EndAd", "weserv", "javascript"],
    ),
    "001": dict(
        file="sources/001_adfec861ec877f4b.txt", format="jekyll-feed",
        title="美台又一大突破 美驻联合国大使会见台驻纽约办事处官员并称期待会见蔡英文",
        date="2020-09-17T08:54:54+00:00", outlet="法国国际广播电台", lang="zh-Hans",
        url="http://www.rfi.fr//cn/%E4%B8%AD%E5%9B%BD/20200917-%E7%BE%8E%E5%8F%B0%E5%8F%88%E4%B8%80%E5%A4%A7%E7%AA%81%E7%A0%B4-%E7%BE%8E%E9%A9%BB%E8%81%94%E5%90%88%E5%9B%BD%E5%A4%A7%E4%BD%BF%E4%BC%9A%E8%A7%81%E5%8F%B0%E9%A9%BB%E7%BA%BD%E7%BA%A6%E5%8A%9E%E4%BA%8B%E5%A4%84%E5%AE%98%E5%91%98%E5%B9%B6%E7%A7%B0%E6%9C%9F%E5%BE%85%E4%BC%9A%E8%A7%81%E8%94%A1%E8%8B%B1%E6%96%87",
        archive_url=None, paragraphs=7,
        first="**上报引述《美联社》（AP）消息指，中华民国驻驻纽约总领事李光章16日与美国驻联合国大使克拉夫特（Kelly Craft）在纽约共进午餐",
        last="上报说，李光章处长今年5月由行政院核定上任，接任原本的处长徐丽文。此前他担任外交部主任秘书，曾担任驻美代表处副代表、驻荷兰代表与欧洲司长、副司长等职位。",
        figures=[], gone=["获取更多RSS", "feedx", "self-promo", "17/09/2020"],
    ),
    "002": dict(
        file="sources/002_794e56555e130c76.txt", format="wayback-markdown",
        title="美駐聯國大使與台駐紐約處長共進午餐　稱推動台灣重返聯合國", date="2020-09-17",
        outlet="眾新聞", lang="zh-Hant",
        url="https://www.hkcnews.com/article/33951/%E7%BE%8E%E5%8F%B0%E9%97%9C%E4%BF%82-%E7%BE%8E%E5%9C%8B%E9%A7%90%E8%81%AF%E5%90%88%E5%9C%8B%E5%A4%A7%E4%BD%BF%E5%85%8B%E6%8B%89%E5%A4%AB%E7%89%B9kelly_craft-%E9%A7%90%E7%B4%90%E7%B4%84%E5%8F%B0%E5%8C%97%E7%B6%93%E6%BF%9F%E6%96%87%E5%8C%96%E8%BE%A6%E4%BA%8B%E8%99%95%E8%99%95%E9%95%B7%E6%9D%8E%E5%85%89%E7%AB%A0-33951/%E7%BE%8E%E9%A7%90%E8%81%AF%E5%9C%8B%E5%A4%A7%E4%BD%BF%E8%88%87%E5%8F%B0%E9%A7%90%E7%B4%90%E7%B4%84%E8%99%95%E9%95%B7%E5%85%B1%E9%80%B2%E5%8D%88%E9%A4%90-%E7%A8%B1%E6%8E%A8%E5%8B%95%E5%8F%B0%E7%81%A3%E9%87%8D%E8%BF%94%E8%81%AF%E5%90%88%E5%9C%8B",
        archive_url="https://web.archive.org/web/20201020052559/https://www.hkcnews.com/article/33951/%E7%BE%8E%E5%8F%B0%E9%97%9C%E4%BF%82-%E7%BE%8E%E5%9C%8B%E9%A7%90%E8%81%AF%E5%90%88%E5%9C%8B%E5%A4%A7%E4%BD%BF%E5%85%8B%E6%8B%89%E5%A4%AB%E7%89%B9kelly_craft-%E9%A7%90%E7%B4%90%E7%B4%84%E5%8F%B0%E5%8C%97%E7%B6%93%E6%BF%9F%E6%96%87%E5%8C%96%E8%BE%A6%E4%BA%8B%E8%99%95%E8%99%95%E9%95%B7%E6%9D%8E%E5%85%89%E7%AB%A0-33951/%E7%BE%8E%E9%A7%90%E8%81%AF%E5%9C%8B%E5%A4%A7%E4%BD%BF%E8%88%87%E5%8F%B0%E9%A7%90%E7%B4%90%E7%B4%84%E8%99%95%E9%95%B7%E5%85%B1%E9%80%B2%E5%8D%88%E9%A4%90-%E7%A8%B1%E6%8E%A8%E5%8B%95%E5%8F%B0%E7%81%A3%E9%87%8D%E8%BF%94%E8%81%AF%E5%90%88%E5%9C%8B",
        paragraphs=6,
        first="美國與台灣之間的外交互動近期頻仍，美聯社報道，美國駐聯合國大使克拉夫特（Kelly Craft）周三與駐紐約台北經濟文化辦事處處長李光章在紐約共進午餐。",
        last="克拉夫特又稱，她會利用一切機會，在聯合國安理會的討論提及中國，不管是什麼議題，並在每個聲明中試圖提到中國的所作所為。她說，美國應當讓世人清楚的看到發生在中國國內的人權問題。",
        figures=[
            ("https://web.archive.org/web/20201020052559im_/https://www.hkcnews.com/news_新聞/hk-discuss/2020/09/美台關係-駐紐約台北經濟文化辦事處處長李光章-美國駐聯合國大使克拉夫特Kelly%20Craft-20200917155841_9209_large.jpg",
             "美國駐聯合國大使克拉夫特（右）與駐紐約台北經濟文化辦事處處長李光章（左）共進午餐。美聯社"),
            ("https://web.archive.org/web/20201020052559im_/https://www.hkcnews.com/news_新聞/hk-discuss/2020/09/駐紐約台北經濟文化辦事處處長李光章-美國駐聯合國大使克拉夫特Kelly%20Craft-美台關係-20200917155908_2d98_large.jpg",
             "克拉夫特（右）透露是李光章（左）邀約午餐。美聯社"),
        ],
        gone=["月費訂戶", "每周時事", "aboutus", "](https://web.archive.org", "\n---\n"],  # (pictures keep their archived copy: issue 13)
    ),
    "003": dict(
        file="sources/003_bb4a6ccb6fd5c6e9.txt", format="plain-text",
        title="美台外交突破!美駐聯合國大使首會駐紐辦處長", date="2020-09-17", outlet="新唐人亞太台",
        lang="zh-Hant", url=None, archive_url=None, paragraphs=3,
        first="【新唐人亞太台 2020 年 09 月 17 日訊】來看到,就在美國國務院次卿訪台前,台美外交再度傳出重大突破!",
        last="台灣有能力、也有意願,要一起落實聯合國永續發展目標。",
        figures=[], gone=["相關新聞", "美駐UN大使會台代表", "台灣黑熊布偶進聯合國", "2021-01-15 12:56:40", "雙十國慶"],
    ),
    "004": dict(
        file="sources/004_8b33a5d1a2295563.txt", format="jekyll-feed",
        title="與美駐聯大使克拉夫特視訊 蔡總統：繼續推動入聯", date="2021-01-14T09:00:11+00:00",
        outlet="中央社", lang="zh-Hant", url="https://www.cna.com.tw/news/firstnews/202101140196.aspx",
        archive_url=None, paragraphs=11,
        first="（中央社台北14日電）總統蔡英文今天與美國駐聯合國大使克拉夫特視訊會談",
        last="國安會秘書長顧立雄、外交部長吳釗燮、美國在台協會台北辦事處長酈英傑（Brent Christensen）等也參與這次視訊會議。（編輯：蘇志宗）1100114",
        figures=[("https://imgcdn.cna.com.tw/www/WebPhotos/1024/20210114/1168x768_20210114000077.jpg",
                  "總統蔡英文（右）14日與美國駐聯合國大使克拉夫特（Kelly Craft）（左）視訊會談，對克拉夫特這次無法來台表示惋惜，期待未來能在台灣見面。（總統府提供）中央社記者謝佳珍傳真　110年1月14日")],
        gone=["延伸閱讀", "美駐聯合國大使與蔡總統通話", "蔡總統14日接見美駐聯大使", "adslot", "EndAd", "weserv"],
    ),
}


def _seed(seed_root, key):
    spec = SEEDS[key]
    return spec, pages(seed_root)[spec["file"]]


def _paragraphs(body: str) -> list[str]:
    return [b for b in body.strip().split("\n\n") if b and not b.startswith(("<figure", "!["))]


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_front_matter(seed_root, key):
    spec, (front, _body) = _seed(seed_root, key)
    assert front["title"] == spec["title"]
    assert front["date"] == spec["date"]
    assert front["outlet"] == spec["outlet"]
    assert front["lang"] == spec["lang"]
    src = front["source"]
    assert src.get("url") == spec["url"]
    assert src.get("archive_url") == spec["archive_url"]
    assert src["format"] == spec["format"]
    raw = (seed_root / spec["file"]).read_bytes()
    import hashlib
    assert src["sha256"] == hashlib.sha256(raw).hexdigest()


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_every_paragraph_and_no_junk(seed_root, key):
    spec, (_front, body) = _seed(seed_root, key)
    paras = _paragraphs(body)
    assert len(paras) == spec["paragraphs"], paras
    assert paras[0].startswith(spec["first"])
    assert paras[-1].endswith(spec["last"])
    for junk in spec["gone"]:
        assert junk not in body, junk


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_lead_images_keep_captions(seed_root, key):
    spec, (_front, body) = _seed(seed_root, key)
    found = re.findall(r'<figure>\n<img src="([^"]*)" alt="[^"]*">\n<figcaption>([^<]*)</figcaption>\n</figure>', body)
    assert found == spec["figures"]


def test_every_raw_seed_paragraph_survives(seed_root):
    """Each <p> of the seeds' feed HTML that is not junk appears in the page, word for word."""
    from html.parser import HTMLParser

    class P(HTMLParser):
        def __init__(self):
            super().__init__()
            self.depth, self.buf, self.out = 0, [], []

        def handle_starttag(self, tag, attrs):
            if tag == "p":
                self.depth += 1

        def handle_endtag(self, tag):
            if tag == "p" and self.depth:
                self.depth -= 1
                self.out.append("".join(self.buf).strip())
                self.buf = []

        def handle_data(self, data):
            if self.depth:
                self.buf.append(data)

    for key in ("000", "001", "004"):
        spec, (_front, body) = _seed(seed_root, key)
        parser = P()
        parser.feed((seed_root / spec["file"]).read_text(encoding="utf-8"))
        flat = re.sub(r"[\s*]", "", body)
        for para in parser.out:
            assert re.sub(r"\s", "", para) in flat, para
