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
  source.addEventListener("reload", function () { location.reload(); });
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
