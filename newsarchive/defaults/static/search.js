// The search page. Reads search/meta.js (window.NEWSARCHIVE_SEARCH); see
// newsarchive/builder/search/ for the files, tokens.py for the folded form and postings.py for the
// index.
//
// The index's shards are classic scripts loaded as a query needs them, so the same files answer
// over HTTP and from file:// (where fetch and modules are blocked): a term is found where its
// tokens stand at consecutive positions (CJK may start or end inside a run, Latin words only
// whole). Ranking, filters, counts and sort are computed here from the lookup table.
(function () {
  "use strict";
  var loader = document.currentScript;

  // The page is painted first; the lookup table (megabytes for a large archive) is loaded after,
  // by a classic <script> (it works from file:// too), and the search starts once it is there.
  function begin() {
    if (window.NEWSARCHIVE_SEARCH || !loader || !loader.dataset.meta) return start();
    var s = document.createElement("script");
    s.src = loader.dataset.meta;
    s.onload = s.onerror = start;
    document.head.appendChild(s);
  }
  requestAnimationFrame(function () { setTimeout(begin, 0); });

  function start() {
  var META = window.NEWSARCHIVE_SEARCH || { fold: {}, docs: [], outlets: [], tags: [], shards: 0, ids: {}, head: 4 };
  var FOLD = META.fold;
  var CJK = "\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uac00-\\ud7af\\uf900-\\ufaff\\u{20000}-\\u{3134f}";
  var ITEM = new RegExp("[" + CJK + "]+|(?:(?![" + CJK + "])[\\p{L}\\p{N}])+", "gu");
  var CJK_START = new RegExp("^[" + CJK + "]", "u");
  var TRAD = new RegExp("[" + Object.keys(FOLD).join("") + "]", "g");
  var QUOTES = /[\u201c\u201d\u300c\u300d\u300e\u300f\uff02]/g;
  var PAGE_SIZE = 20;          // results drawn at a time
  var EXCERPT_CHARS = 90;      // article text shown around the first match

  // --- the folded form: the same steps as tokens.normalize in Python ---------------------------
  function normalize(text) {
    text = text.normalize("NFKC").replace(TRAD, function (c) { return FOLD[c]; }).toLowerCase();
    if (/[^\x00-\x7f]/.test(text)) text = text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").normalize("NFC");
    return (text.match(ITEM) || []).join(" ");
  }
  function isCjk(item) { return CJK_START.test(item); }

  // A query: terms (a "quoted phrase" or a bare word), all required. Each term is its normalized items.
  function parse(query) {
    var terms = [], re = /"([^"]*)"|(\S+)/g, m;
    query = (query || "").replace(QUOTES, '"');
    while ((m = re.exec(query)) !== null) {
      var items = normalize(m[1] !== undefined ? m[1] : m[2]).split(" ").filter(Boolean);
      items.exact = m[1] !== undefined;  // quoted: as written (no prefix, no stem)
      if (items.length) terms.push(items);
    }
    return terms;
  }

  // Where a term occurs in a normalized text (-1 if nowhere); Latin ends must be word ends.
  function find(text, items) {
    var q = items.join(" "), latinStart = !isCjk(items[0]), latinEnd = !isCjk(items[items.length - 1]);
    for (var at = text.indexOf(q); at >= 0; at = text.indexOf(q, at + 1)) {
      var end = at + q.length;
      if ((!latinStart || at === 0 || text[at - 1] === " ") && (!latinEnd || end === text.length || text[end] === " ")) return at;
    }
    return -1;
  }

  // A light English stemmer: the same rules as tokens.stem in Python (a test holds them together).
  var ENGLISH = /^[a-z]+$/, VOWELS = "aeiou", PREFIX_MIN = 3, PREFIX_MAX = 12;
  var KEEP = new Set("news series species always perhaps whereas lens chaos does goes".split(" "));
  function ends(word, suffixes) { return suffixes.some(function (x) { return word.endsWith(x); }); }
  function mended(base) {
    var n = base.length, a = base[n - 3], b = base[n - 2], c = base[n - 1];
    if (c === b && (VOWELS + "lsz").indexOf(c) < 0) return base.slice(0, -1);
    if (n === 3 && VOWELS.indexOf(a) < 0 && VOWELS.indexOf(b) >= 0 && (VOWELS + "wxy").indexOf(c) < 0) return base + "e";
    return base;
  }
  function stem(word) {
    if (word.length < 4 || KEEP.has(word) || !ENGLISH.test(word)) return word;
    if (ends(word, ["ies", "ied"]) && word.length > 4) return word.slice(0, -3) + "y";
    if (ends(word, ["sses", "xes", "zes", "ches", "shes"])) return word.slice(0, -2);
    if (ends(word, ["ss", "us", "is"])) return word;
    if (word.endsWith("s")) return word.slice(0, -1);
    var suffixes = ["ing", "ed"];
    for (var i = 0; i < suffixes.length; i++) {
      var base = word.slice(0, -suffixes[i].length);
      if (word.endsWith(suffixes[i]) && base.length >= 3 && /[aeiou]/.test(base)) return mended(base);
    }
    return word;
  }
  // A one-word Latin term: it also finds the words it begins and the words with its stem.
  function isLatinWord(items) { return items.length === 1 && !items.exact && !isCjk(items[0]); }
  function prefixOk(q) { return q.length >= PREFIX_MIN && q.length <= PREFIX_MAX && ENGLISH.test(q); }
  function latinMatches(words, q) {
    var wanted = stem(q), prefix = prefixOk(q);
    for (var w of words) if (stem(w) === wanted || (prefix && w.startsWith(q))) return true;
    return false;
  }

  // The same term as index tokens (see postings.py): a CJK run's first character where the run
  // must start at the term's edge, its bigrams, its last character where it must end; a Latin
  // item whole. The tokens stand at consecutive positions wherever the term occurs.
  function termTokens(items) {
    var out = [];
    items.forEach(function (item, i) {
      var chars = Array.from(item), n = chars.length;
      if (!isCjk(item) || n === 1) { out.push(item); return; }
      if (i > 0) out.push(chars[0]);
      for (var j = 0; j < n - 1; j++) out.push(chars[j] + chars[j + 1]);
      if (i < items.length - 1) out.push(chars[n - 1]);
    });
    return out;
  }

  // --- the index: shards loaded by classic <script> (works over HTTP and from file://) -----------
  var LAYOUT = META.index || { shards: 1, chars: 1, text: 1, segments: [] };
  var LOADED = {}, WAITING = {};
  window.newsarchiveIndex = function (name, data) {
    LOADED[name] = data;
    if (WAITING[name]) WAITING[name].resolve(data);
  };
  // A shard's data; `absent` what a file that is not there stands for (a word list no word needs),
  // otherwise a missing file is an error.
  function load(name, absent) {
    if (name in LOADED) return Promise.resolve(LOADED[name]);
    if (!WAITING[name]) {
      var w = WAITING[name] = {};
      w.promise = new Promise(function (resolve, reject) { w.resolve = resolve; w.reject = reject; });
      var s = document.createElement("script");
      s.src = name + ".js";
      s.onload = function () { if (!(name in LOADED)) w.reject(new Error("search index file damaged: " + name)); };
      s.onerror = function () {
        if (absent !== undefined) { LOADED[name] = absent; w.resolve(absent); }
        else { delete WAITING[name]; w.reject(new Error("search index file missing: " + name)); }
      };
      document.head.appendChild(s);
    }
    return WAITING[name].promise;
  }

  var CODE = 2097152, LATIN_BASE = 4398046511104, MIX = 7919;  // 2^21, 2^42 (postings.py)
  function varints(bytes, at, count, out) {  // LEB128, exact to 2^53 (JavaScript's bit operators stop at 32)
    for (var k = 0; k < count; k++) {
      var v = 0, scale = 1, b;
      do { b = bytes[at++]; v += (b & 127) * scale; scale *= 128; } while (b & 128);
      out[k] = v;
    }
    return at;
  }
  // Each segment's block in use by name: {base: its first article's number, mask: the rows a patch
  // holds instead (a Set), or rows: a patch's articles' rows in its segment - or, from meta.js's
  // map, a patched segment's kept articles' rows, -1 for one passed over} (store.py: Patch).
  var SHARDS = {}, BLOCKS = {};
  (LAYOUT.segments || []).forEach(function (seg) {
    var more = seg[3] || {};
    BLOCKS[seg[0]] = { base: seg[1], mask: more.mask ? new Set(more.mask) : null, rows: more.rows || more.map || null };
  });
  // Shard files whose recent blocks share one recent file (store.py's RECENT_FOLD).
  var RECENT_FOLD = 8;
  // The recent file holding a shard file's recent blocks: "ix/1844" -> LAYOUT.recent + "ix/308" (4 096 shards).
  function recentFile(name) {
    var part = name.split("/"), count = Math.max(1, Math.floor((part[0] === "ix" ? LAYOUT.shards : LAYOUT.chars) / RECENT_FOLD));
    return LAYOUT.recent + part[0] + "/" + (+part[1] % count);
  }
  // An index file's blocks, decoded once: one per segment in use, in the site's order,
  // [{base, mask, rows, keys, starts, bytes}]. With a recent tier (store.py) a shard is its main file
  // and its blocks in its recent file ([segment, shard file, base64] each); a block of a segment
  // meta.js does not list (a stale one) is passed over.
  function shard(name) {
    if (SHARDS[name]) return Promise.resolve(SHARDS[name]);
    var loads = [load(name)];
    if (LAYOUT.recent) {
      loads.push(load(recentFile(name)).then(function (blocks) {
        return blocks.filter(function (b) { return b[1] === name; }).map(function (b) { return [b[0], b[2]]; });
      }));
    }
    return Promise.all(loads).then(function (lists) {
      if (!SHARDS[name]) {
        SHARDS[name] = [].concat.apply([], lists).filter(function (b) { return b[0] in BLOCKS; }).map(decodeBlock)
          .sort(function (a, b) { return a.base - b.base; });
        delete LOADED[name];  // the decoded form is kept instead (shard() asks SHARDS first); the recent
        delete WAITING[name];  // file stays loaded: it holds other shards' blocks too
      }
      return SHARDS[name];
    });
  }
  function decodeBlock(block) {
    var bin = atob(block[1]), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var head = [0], at = varints(bytes, 0, 1, head), n = head[0];
    var keys = new Array(n), sizes = new Array(n), starts = new Array(n);
    at = varints(bytes, at, n, keys);
    at = varints(bytes, at, n, sizes);
    for (var k = 0; k < n; k++) { if (k) keys[k] += keys[k - 1]; starts[k] = at; at += sizes[k]; }
    var seg = BLOCKS[block[0]];
    return { base: seg.base, mask: seg.mask, rows: seg.rows, keys: keys, starts: starts, bytes: bytes };
  }
  function keyIndex(keys, key) {
    var lo = 0, hi = keys.length - 1;
    while (lo <= hi) { var mid = (lo + hi) >> 1; if (keys[mid] === key) return mid; if (keys[mid] < key) lo = mid + 1; else hi = mid - 1; }
    return -1;
  }
  // A term's posting: its part in each segment, {docs: [n...] (the site's numbers; -1 for an article
  // a patch holds instead, whose positions still follow in the bytes), bytes, at: where its positions start}.
  function posting(file, key) {
    return shard(file).then(function (blocks) {
      var parts = [];
      blocks.forEach(function (b) {
        var k = keyIndex(b.keys, key);
        if (k < 0) return;
        var count = [0], at = varints(b.bytes, b.starts[k], 1, count), docs = new Array(count[0]);
        at = varints(b.bytes, at, count[0], docs);
        for (var i = 0; i < docs.length; i++) docs[i] += i ? docs[i - 1] : 0;
        for (i = 0; i < docs.length; i++) {
          docs[i] = b.rows ? (b.rows[docs[i]] < 0 ? -1 : b.base + b.rows[docs[i]])
            : b.mask && b.mask.has(docs[i]) ? -1 : b.base + docs[i];
        }
        parts.push({ docs: docs, bytes: b.bytes, at: at });
      });
      return parts;
    });
  }
  function allDocs(parts) {
    return [].concat.apply([], parts.map(function (p) { return p.docs; })).filter(function (n) { return n >= 0; });
  }
  // Each of a posting's documents among `wanted` (a Set) with its positions (a Set).
  function positions(parts, wanted) {
    var out = new Map(), count = [0];
    parts.forEach(function (p) {
      var at = p.at;
      p.docs.forEach(function (n) {
        at = varints(p.bytes, at, 1, count);  // 2 x the one position, or 2 x count + 1 (postings.py)
        var head = count[0], many = head % 2 ? (head - 1) / 2 : 0;
        if (!wanted.has(n)) { at = skip(p.bytes, at, many); return; }
        if (!many) { out.set(n, new Set([head / 2])); return; }
        var list = new Array(many);
        at = varints(p.bytes, at, many, list);
        for (var i = 1; i < list.length; i++) list[i] += list[i - 1];
        out.set(n, new Set(list));
      });
    });
    return out;
  }
  function skip(bytes, at, count) {  // past `count` varints
    while (count > 0) { if (!(bytes[at++] & 128)) count--; }
    return at;
  }
  function cjkFile(key) {
    return "ix/" + ((Math.floor(key / CODE) * MIX + key % CODE) % LAYOUT.shards);
  }
  function wordFile(word) {
    return "w/" + Array.from(word).slice(0, 2).map(function (c) { return c.codePointAt(0).toString(16); }).join("-");
  }
  function words(word) { return load(wordFile(word), []); }  // [[word, number]...] sharing its first characters
  function wordPlace(number) { return ["ix/" + (number % LAYOUT.shards), LATIN_BASE + number]; }  // [file, key]
  // Where a token's posting is: [file, key], or null for a Latin word no article has.
  function located(token) {
    if (isCjk(token)) {
      var cps = Array.from(token).map(function (c) { return c.codePointAt(0); });
      var key = cps.length === 1 ? cps[0] : cps[0] * CODE + cps[1];
      return Promise.resolve([cjkFile(key), key]);
    }
    return words(token).then(function (list) {
      var hit = list.find(function (w) { return w[0] === token; });
      return hit ? wordPlace(hit[1]) : null;
    });
  }
  function docsOf(token) {
    return located(token).then(function (where) {
      return where ? posting(where[0], where[1]).then(allDocs) : [];
    });
  }
  // The documents (among `among`, if given) where the tokens stand at consecutive positions.
  function phraseDocs(tokens, among) {
    if (tokens.length === 1 && !among) return docsOf(tokens[0]).then(function (d) { return new Set(d); });
    return Promise.all(tokens.map(function (t) {
      return located(t).then(function (w) { return w ? posting(w[0], w[1]) : []; });
    })).then(function (posts) {
      var docs = posts.map(allDocs);
      var rarest = docs.reduce(function (a, b) { return a.length <= b.length ? a : b; });
      var wanted = new Set(rarest.filter(function (n) { return !among || among.has(n); }));
      docs.forEach(function (d) { var has = new Set(d); wanted.forEach(function (n) { if (!has.has(n)) wanted.delete(n); }); });
      if (!wanted.size) return new Set();
      var where = posts.map(function (p) { return positions(p, wanted); });
      var out = new Set();
      wanted.forEach(function (n) {
        for (var p of where[0].get(n)) {
          var ok = true;
          for (var i = 1; i < where.length && ok; i++) ok = where[i].get(n).has(p + i);
          if (ok) { out.add(n); break; }
        }
      });
      return out;
    });
  }
  // A one-word Latin term: every word of the list it begins or shares a stem with.
  function latinDocs(q) {
    return words(q).then(function (list) {
      var found = list.filter(function (w) { return latinMatches([w[0]], q); });
      return Promise.all(found.map(function (w) {
        return posting.apply(null, wordPlace(w[1])).then(allDocs);
      }));
    }).then(function (lists) {
      var out = new Set();
      lists.forEach(function (docs) { docs.forEach(function (n) { out.add(n); }); });
      return out;
    });
  }
  function charDocs(c) {  // a one-character CJK term: the articles holding it anywhere
    var cp = c.codePointAt(0);
    return posting("c/" + (cp % LAYOUT.chars), cp).then(function (parts) { return new Set(allDocs(parts)); });
  }

  var engine = {
    name: location.protocol === "file:" ? "offline" : "online",
    term: function (items) {
      if (isLatinWord(items)) return latinDocs(items[0]);
      if (items.length === 1 && isCjk(items[0]) && Array.from(items[0]).length === 1) return charDocs(items[0]);
      return phraseDocs(termTokens(items), null);
    },
    phrase: function (items, docs) { return phraseDocs(termTokens(items), new Set(docs)); },
    // The article's text for its excerpt: over HTTP its own page; from file:// (no fetch there) the
    // text files `pack` adds (LAYOUT.text articles each), loaded only for the results shown. A site
    // opened from disk without them shows results without excerpts.
    text: function (n) {
      if (location.protocol !== "file:") {
        return fetch(META.docs[n][0]).then(function (r) { return r.text(); }).then(function (html) {
          var body = new DOMParser().parseFromString(html, "text/html").querySelector(".article-body");
          return body ? body.textContent : "";
        });
      }
      var seg = null, local = -1;
      (LAYOUT.segments || []).forEach(function (s) {  // (a patched article's text is its patch's)
        if (n < s[1] || n >= s[1] + s[2]) return;
        var more = s[3] || {}, row = n - s[1], rows = more.rows || more.map;
        if (rows && rows.indexOf(row) >= 0) { seg = s; local = rows.indexOf(row); }
        else if (!rows && !(more.mask && more.mask.indexOf(row) >= 0) && !seg) { seg = s; local = row; }
      });
      if (!seg) return Promise.resolve("");
      return load("text/" + seg[0] + "/" + Math.floor(local / LAYOUT.text)).then(function (chunk) {
        return (chunk[local] || "").split("\n").slice(META.head).join("\n");
      });
    }
  };
  function getEngine() { return Promise.resolve(engine); }

  // --- matching and ranking ----------------------------------------------------------------------
  var TITLES = {}, BYLINES = {};
  function titleOf(n) { return n in TITLES ? TITLES[n] : (TITLES[n] = normalize(META.docs[n][1])); }
  function bylineOf(n) {  // the byline and the tags, normalized
    if (!(n in BYLINES)) {
      var d = META.docs[n];
      BYLINES[n] = normalize(d[6] + " " + d[5].map(function (t) { return META.tags[t]; }).join(" "));
    }
    return BYLINES[n];
  }
  function holds(text, t) { return isLatinWord(t) ? latinMatches(text.split(" "), t[0]) : find(text, t) >= 0; }

  // Ranking, the same from both paths (it uses only what both know: the documents each term
  // matches, the titles, bylines and tags, and whether the whole query occurs as one phrase):
  // BM25's idf of each term with its frequency taken as present or absent, weighted by field - a
  // title hit adds WEIGHT.title, a byline or tag hit WEIGHT.meta - plus WEIGHT.phrase when the
  // query's terms stand together in that order; ties go to the newest (the table's order).
  var WEIGHT = { title: 1.0, meta: 0.5, phrase: 1.5 };
  function idf(df) { var N = META.docs.length; return Math.log(1 + (N - df + 0.5) / (df + 0.5)); }
  function score(n, terms, weights, phrased) {
    var total = 0, all = 0;
    terms.forEach(function (t, i) {
      total += weights[i] * (1 + (holds(titleOf(n), t) ? WEIGHT.title : 0) + (holds(bylineOf(n), t) ? WEIGHT.meta : 0));
      all += weights[i];
    });
    return total + (phrased.has(n) ? WEIGHT.phrase * all : 0);
  }

  // The query's terms as one phrase, as the text would hold it: CJK next to CJK with no space
  // between (a user's 中央 人民 is the text's 中央人民), anything else a space apart.
  function phraseOf(terms) {
    var joined = "", last = "";
    terms.forEach(function (items) {
      items.forEach(function (it) {
        var cjkSeam = last && isCjk(Array.from(last).pop()) && isCjk(it);
        joined += (joined && !cjkSeam ? " " : "") + it;
        last = it;
      });
    });
    return joined.split(" ");
  }

  // All documents matching every term, best first (see score), and the terms.
  function match(query) {
    var terms = parse(query);
    if (!terms.length) return Promise.resolve({ terms: terms, docs: [] });
    return getEngine().then(function (e) {
      return Promise.all(terms.map(e.term)).then(function (sets) {
        var weights = sets.map(function (s) { return idf(s.size); });
        var smallest = sets.reduce(function (a, b) { return a.size <= b.size ? a : b; });
        var docs = Array.from(smallest).filter(function (n) { return sets.every(function (s) { return s.has(n); }); });
        var phrased = terms.length > 1 && docs.length ? e.phrase(phraseOf(terms), docs) : Promise.resolve(new Set());
        return phrased.then(function (phrased) {
          var scores = new Map(docs.map(function (n) { return [n, score(n, terms, weights, phrased)]; }));
          docs.sort(function (a, b) { return scores.get(b) - scores.get(a) || a - b; });
          return { terms: terms, docs: docs };
        });
      });
    });
  }

  function result(n) {
    var d = META.docs[n];
    return { url: d[0], title: d[1], date: d[2], outlet: META.outlets[d[3]] };
  }

  window.newsarchive = window.newsarchive || {};
  window.newsarchive.search = function (query) {
    return match(query).then(function (m) { return m.docs.map(result); });
  };
  window.newsarchive.engine = function () { return getEngine().then(function (e) { return e.name; }); };
  window.newsarchive.normalize = normalize;
  window.newsarchive.stem = stem;

  // --- the page: filters with counts, sort, results with excerpts ------------------------------
  var LANGS = { "zh-Hant": "繁體中文", "zh-Hans": "简体中文", en: "English" };
  // Any other language by its own name where the browser knows it (ja: 日本語), never a bare code.
  function langName(code) {
    if (LANGS[code]) return LANGS[code];
    try { return new Intl.DisplayNames([code], { type: "language" }).of(code) || code; } catch (err) { return code; }
  }
  var FACETS = [
    { key: "outlet", label: "媒體 Outlet", values: function (d) { return [META.outlets[d[3]]]; } },
    { key: "year", label: "年份 Year", values: function (d) { return d[2] ? [d[2].slice(0, 4)] : []; } },
    // (a year holds thousands of articles in a real archive: months narrow it)
    { key: "month", label: "月份 Month", values: function (d) { return d[2] ? [d[2].slice(0, 7)] : []; } },
    { key: "lang", label: "語言 Language", values: function (d) { return [d[4]]; }, name: langName },
    { key: "tag", label: "標籤 Tag", values: function (d) { return d[5].map(function (t) { return META.tags[t]; }); } }
  ];
  var FACET_SHOWN = 12;        // values listed per filter before "more"

  var box = document.getElementById("q");
  var out = document.getElementById("search-results");
  var panel = document.getElementById("search-filters");
  var sortBox = document.getElementById("search-sort");
  if (!box || !out || !panel || !sortBox) return;

  var state = { query: "", sort: "relevance", chosen: {}, matched: null, shown: 0 };
  FACETS.forEach(function (f) { state.chosen[f.key] = new Set(); });

  function passes(n, except) {
    var d = META.docs[n];
    return FACETS.every(function (f) {
      var want = state.chosen[f.key];
      return f.key === except || !want.size || f.values(d).some(function (v) { return want.has(v); });
    });
  }

  function ordered(docs) {
    var list = docs.filter(function (n) { return passes(n, null); });
    if (state.sort === "newest") list.sort(function (a, b) { return a - b; });
    if (state.sort === "oldest") list.sort(function (a, b) {
      var da = META.docs[a][2], db = META.docs[b][2];
      return (!da - !db) || b - a;
    });
    return list;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function drawFilters() {
    panel.textContent = "";
    FACETS.forEach(function (f) {
      var counts = new Map();
      state.matched.docs.forEach(function (n) {
        if (!passes(n, f.key)) return;
        f.values(META.docs[n]).forEach(function (v) { counts.set(v, (counts.get(v) || 0) + 1); });
      });
      state.chosen[f.key].forEach(function (v) { if (!counts.has(v)) counts.set(v, 0); });
      if (!counts.size) return;
      var values = Array.from(counts.keys()).sort(function (a, b) {
        return f.key === "year" || f.key === "month" ? (a < b ? 1 : -1) : counts.get(b) - counts.get(a) || (a < b ? -1 : 1);
      });
      var set = el("fieldset", "facet"), more = null;
      set.appendChild(el("legend", "", f.label));
      values.forEach(function (v, i) {
        var label = el("label", "facet-value"), input = el("input");
        input.type = "checkbox"; input.name = f.key; input.value = v; input.checked = state.chosen[f.key].has(v);
        input.addEventListener("change", function () {
          if (input.checked) state.chosen[f.key].add(v); else state.chosen[f.key].delete(v);
          redraw();
        });
        label.appendChild(input);
        label.appendChild(el("span", "", " " + (f.name ? f.name(v) : v) + " "));
        label.appendChild(el("span", "count", "(" + counts.get(v) + ")"));
        if (i === FACET_SHOWN) { more = el("details", "facet-more"); more.appendChild(el("summary", "", "更多 More (" + (values.length - FACET_SHOWN) + ")")); set.appendChild(more); }
        (more || set).appendChild(label);
      });
      panel.appendChild(set);
    });
  }

  // The text folded one character (code point) at a time, as normalize folds it, and for each
  // UTF-16 unit of the folded text the offset in `text` of the character it came from: a
  // Traditional character may fold to one outside the BMP (two units where it had one), lower case
  // may lengthen one, so positions in the folded text are not positions in the text.
  function foldMapped(text) {
    var folded = "", from = [], at = 0;
    for (var ch of text) {
      var f = (FOLD[ch] || ch).toLowerCase();
      for (var i = 0; i < f.length; i++) from.push(at);
      folded += f;
      at += ch.length;
    }
    from.push(at);
    return { folded: folded, from: from };
  }

  // Where the terms' items occur in a text: [start, end) offsets in the text itself, in order, not
  // overlapping (the earliest, then the longest).
  function hits(text, terms) {
    var m = foldMapped(text), needles = [], out = [];
    terms.forEach(function (items) {
      items.forEach(function (it) { needles.push(it); });
      if (isLatinWord(items) && stem(items[0]) !== items[0]) needles.push(stem(items[0]));  // books: book
    });
    for (var pos = 0; pos < m.folded.length;) {
      var hit = -1, len = 0;
      needles.forEach(function (w) {
        var at = m.folded.indexOf(w, pos);
        if (at >= 0 && (hit < 0 || at < hit || (at === hit && w.length > len))) { hit = at; len = w.length; }
      });
      if (hit < 0) break;
      var start = m.from[hit], end = m.from[hit + len];
      if (end <= start) end = start + (text.codePointAt(start) > 0xffff ? 2 : 1);
      out.push([start, end]);
      pos = hit + len;
    }
    return out;
  }

  // A cut at a UTF-16 offset moved off the middle of a surrogate pair.
  function whole(text, at) {
    var c = text.charCodeAt(at);
    return at > 0 && c >= 0xdc00 && c <= 0xdfff ? at - 1 : at;
  }

  // The article's own text around the first match, the matches marked (offsets from hits()).
  function excerpt(text, terms) {
    text = text.replace(/\s+/g, " ").trim();
    var found = hits(text, terms);
    var start = whole(text, Math.max(0, (found.length ? found[0][0] : 0) - EXCERPT_CHARS / 3));
    var end = whole(text, Math.min(text.length, start + EXCERPT_CHARS));
    var p = el("p", "excerpt"), pos = start;
    if (start > 0) p.appendChild(document.createTextNode("…"));
    found.forEach(function (h) {
      var a = Math.max(h[0], pos), b = Math.min(h[1], end);
      if (a >= b) return;
      p.appendChild(document.createTextNode(text.slice(pos, a)));
      p.appendChild(el("mark", "", text.slice(a, b)));
      pos = b;
    });
    p.appendChild(document.createTextNode(text.slice(pos, end)));
    if (end < text.length) p.appendChild(document.createTextNode("…"));
    return p;
  }
  window.newsarchive.excerpt = function (text, query) {  // (for tests: the marked parts of an excerpt)
    return Array.from(excerpt(text, parse(query)).querySelectorAll("mark")).map(function (m) { return m.textContent; });
  };

  function drawResults(list, from) {
    var ol = out.querySelector("ol.entry-list");
    list.slice(from, from + PAGE_SIZE).forEach(function (n) {
      var r = result(n), d = META.docs[n];
      var li = el("li", "entry"), a = el("a", "entry-title", r.title);
      a.href = r.url; a.lang = d[4];
      var meta = el("p", "meta", r.outlet + (r.date ? " · " + r.date.slice(0, 10) : "") + " · " + langName(d[4]));
      li.lang = d[4];
      // The excerpt's place is kept from the start (its lines arrive later: nothing below moves).
      var slot = el("p", "excerpt pending");
      li.appendChild(a); li.appendChild(meta); li.appendChild(slot); ol.appendChild(li);
      getEngine().then(function (e) { return e.text(n); }).then(function (text) {
        li.replaceChild(excerpt(text, state.matched.terms), slot);
      }).catch(function () { slot.classList.remove("pending"); });
    });
    state.shown = Math.min(list.length, from + PAGE_SIZE);
    var more = out.querySelector(".more-results");
    if (more) more.remove();
    if (state.shown < list.length) {
      var button = el("button", "more-results", "更多結果 More results (" + (list.length - state.shown) + ")");
      button.type = "button";
      button.addEventListener("click", function () { drawResults(list, state.shown); });
      out.appendChild(button);
    }
  }

  function redraw() {
    var list = ordered(state.matched.docs);
    drawFilters();
    out.textContent = "";
    out.appendChild(el("p", "meta result-count", state.query ? list.length + " 篇 results" : ""));
    if (state.query && !list.length) out.appendChild(nothingFound());
    out.appendChild(el("ol", "entry-list"));
    drawResults(list, 0);
    remember();
  }

  // No result: say what was searched, and what may help (the filters in force can be cleared at once).
  function nothingFound() {
    var box = el("div", "no-results");
    box.appendChild(el("p", "", "沒有找到「" + state.query + "」。No article holds every word of “" + state.query + "”."));
    var tips = el("ul");
    tips.appendChild(el("li", "", "少用幾個詞，或換個說法。Try fewer or other words (each must occur)."));
    tips.appendChild(el("li", "", "繁體與簡體已互通，不必兩種都試。Both scripts are already searched."));
    tips.appendChild(el("li", "", "英文詞可只打開頭幾個字母。An English word may be cut short: elect finds election."));
    box.appendChild(tips);
    var chosen = FACETS.reduce(function (k, f) { return k + state.chosen[f.key].size; }, 0);
    if (chosen && state.matched.docs.length) {
      var clear = el("button", "clear-filters", "清除篩選 Clear the " + chosen + " filter(s): " + state.matched.docs.length + " results");
      clear.type = "button";
      clear.addEventListener("click", function () { FACETS.forEach(function (f) { state.chosen[f.key].clear(); }); redraw(); });
      box.appendChild(clear);
    }
    return box;
  }

  function remember() {
    var params = new URLSearchParams();
    if (state.query) params.set("q", state.query);
    if (state.sort !== "relevance") params.set("sort", state.sort);
    FACETS.forEach(function (f) { state.chosen[f.key].forEach(function (v) { params.append(f.key, v); }); });
    try { history.replaceState(null, "", "?" + params.toString()); } catch (err) { /* some browsers refuse on file:// */ }
  }

  var latest = 0;
  function run(query) {
    state.query = query.trim();
    var ticket = ++latest;
    out.setAttribute("aria-busy", "true");
    return match(state.query).then(function (m) {
      if (ticket !== latest) return;
      state.matched = m;
      out.removeAttribute("aria-busy");
      redraw();
    });
  }

  // On a phone the results come first: the filter panel starts folded.
  var panelBox = document.getElementById("search-panel");
  if (panelBox && window.matchMedia && window.matchMedia("(max-width: 700px)").matches) panelBox.open = false;

  var params = new URLSearchParams(location.search);
  state.sort = ["newest", "oldest"].indexOf(params.get("sort")) >= 0 ? params.get("sort") : "relevance";
  sortBox.value = state.sort;
  FACETS.forEach(function (f) { params.getAll(f.key).forEach(function (v) { state.chosen[f.key].add(v); }); });
  box.value = params.get("q") || "";
  sortBox.addEventListener("change", function () { state.sort = sortBox.value; if (state.matched) redraw(); });
  var pending = null;
  box.addEventListener("input", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { run(box.value); }, 150);
  });
  box.form.addEventListener("submit", function (ev) { ev.preventDefault(); clearTimeout(pending); run(box.value); });
  if (box.value) run(box.value);
  }
})();
