// Show each <time datetime> in the reader's own time zone and language (progressive: the
// server-rendered text stays when scripts do not run).
document.querySelectorAll("time[datetime]").forEach(function (el) {
  var value = el.getAttribute("datetime");
  if (value.indexOf("T") < 0) return;
  var date = new Date(value);
  if (isNaN(date)) return;
  el.title = value;
  el.textContent = date.toLocaleString(document.documentElement.lang || undefined,
    { year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit" });
});
