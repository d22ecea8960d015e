// Show each <time datetime> in the reader's own time zone and language (progressive: the
// server-rendered text stays when scripts do not run).
document.querySelectorAll("time[datetime]").forEach(function (el) {
  var value = el.getAttribute("datetime");
  if (value.indexOf("T") < 0) return;
  var date = new Date(value);
  if (isNaN(date)) return;
  el.title = value;
  el.textContent = date.toLocaleString(el.closest("[lang]") ? el.closest("[lang]").lang : undefined,
    // (a 24-hour clock: never 下午08:54 beside a date written otherwise)
    { year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
});
