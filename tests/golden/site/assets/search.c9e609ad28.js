// Client-side search over search/index.js (loaded by a classic <script>, so it works from file://).
// Both the index and the query are folded to one script character by character with the same map,
// so 台灣 / 台湾 / 臺灣 find each other. Terms are ANDed; "quoted phrases" match as written.
(function () {
  var INDEX = window.NEWSARCHIVE_INDEX || { fold: {}, docs: [] };
  var FOLD = INDEX.fold;

  function fold(text) {
    var out = "";
    for (var i = 0; i < text.length; i++) {
      var ch = text[i];
      out += FOLD[ch] || ch;
    }
    return out.toLowerCase();
  }

  function terms(query) {
    var found = [], re = /"([^"]+)"|(\S+)/g, m;
    while ((m = re.exec(query)) !== null) found.push(fold((m[1] || m[2]).trim()));
    return found.filter(function (t) { return t.length > 0; });
  }

  function search(query) {
    var want = terms(query || "");
    if (!want.length) return Promise.resolve([]);
    var hits = [];
    INDEX.docs.forEach(function (doc) {
      var text = doc[4], title = fold(doc[1]);
      for (var i = 0; i < want.length; i++) if (text.indexOf(want[i]) < 0) return;
      var inTitle = want.every(function (t) { return title.indexOf(t) >= 0; });
      hits.push({ doc: doc, rank: inTitle ? 0 : 1 });
    });
    hits.sort(function (a, b) {
      return a.rank - b.rank || (a.doc[2] < b.doc[2] ? 1 : a.doc[2] > b.doc[2] ? -1 : 0);
    });
    return Promise.resolve(hits.map(function (h) {
      return { url: h.doc[0], title: h.doc[1], date: h.doc[2], outlet: h.doc[3] };
    }));
  }

  window.newsarchive = window.newsarchive || {};
  window.newsarchive.search = search;

  var box = document.getElementById("q");
  var out = document.getElementById("search-results");
  function show(query) {
    search(query).then(function (results) {
      out.textContent = "";
      var p = document.createElement("p");
      p.className = "meta";
      p.textContent = results.length + " 篇 results";
      out.appendChild(p);
      var ol = document.createElement("ol");
      ol.className = "entry-list";
      results.forEach(function (r) {
        var li = document.createElement("li"); li.className = "entry";
        var a = document.createElement("a"); a.className = "entry-title"; a.href = r.url; a.textContent = r.title;
        var meta = document.createElement("p"); meta.className = "meta";
        meta.textContent = r.outlet + (r.date ? " · " + r.date.slice(0, 10) : "");
        li.appendChild(a); li.appendChild(meta); ol.appendChild(li);
      });
      out.appendChild(ol);
    });
  }
  var q = new URLSearchParams(location.search).get("q") || "";
  if (box && out) {
    box.value = q;
    if (q) show(q);
    box.addEventListener("input", function () { show(box.value); });
  }
})();
