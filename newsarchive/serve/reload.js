// Dev-server only: reload the page when the site is rebuilt, swap stylesheets for CSS-only changes,
// and show build errors over the page until they are fixed.
(function () {
  var box = null;
  function overlay(message) {
    if (!box) {
      box = document.createElement("div");
      box.id = "newsarchive-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0 0 auto 0;z-index:99999;background:#7f1d1d;color:#fff;" +
        "font:14px/1.5 monospace;padding:1rem 1.2rem;white-space:pre-wrap;max-height:60vh;overflow:auto";
      document.body.appendChild(box);
    }
    box.textContent = "Build error — the last good site is shown.\n\n" + message;
  }
  var source = new EventSource("/__newsarchive/events");
  // A rebuilt page is fetched and swapped in without a navigation when it loads the same styles and
  // scripts (an edit's usual case: quicker, and the reader keeps their place); else a full reload.
  function resources(doc) {
    return Array.prototype.map.call(doc.querySelectorAll("link[rel=stylesheet], script[src]"), function (el) {
      return (el.type || "") + " " + (el.getAttribute("href") || el.getAttribute("src"));
    }).filter(function (key) { return key.indexOf("/__newsarchive/") < 0; }).join("\n");
  }
  function swapIn(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var modules = doc.querySelector('script[type="module"]');
    if (modules || resources(doc) !== resources(document)) return false;
    document.title = doc.title;
    document.documentElement.lang = doc.documentElement.lang;
    document.body.replaceWith(doc.body);
    document.querySelectorAll("head script[src]").forEach(function (old) {  // page scripts run on the new body
      var again = document.createElement("script");
      again.setAttribute("src", old.getAttribute("src"));
      old.replaceWith(again);
    });
    return true;
  }
  function refresh() {
    fetch(location.href, { cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { if (!swapIn(html)) location.reload(); })
      .catch(function () { location.reload(); });
  }
  source.addEventListener("reload", refresh);
  // After the full build that follows an edit: the site files it changed. This page catches up when
  // its own file is among them (another article's same-story list, say), or, on the search page,
  // when the search index is.
  source.addEventListener("changed", function (e) {
    var mine = decodeURIComponent(location.pathname).replace(/^\//, "");
    if (mine === "" || mine.slice(-1) === "/") mine += "index.html";
    var changed = JSON.parse(e.data);
    var search = mine.indexOf("search/") === 0;
    if (changed.some(function (path) { return path === mine || (search && path.indexOf("search/") === 0); })) {
      refresh();
    }
  });
  source.addEventListener("css", function () {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set("v", Date.now());
      link.href = url.toString();
    });
  });
  source.addEventListener("error-message", function (e) { overlay(e.data); });
  source.addEventListener("ok", function () { if (box) { box.remove(); box = null; } });
})();
