// Read in either script: the reader chooses 原文 (as archived), 简体, 繁體（臺灣）or 繁體（香港）;
// every page's text - its own words, titles, article text, captions, search results - is then
// shown in that script, and the choice is remembered (localStorage) for the next page, over HTTP
// and from file:// alike. Conversion is OpenCC's phrase tables, by opencc-js (vendor/, loaded as a
// classic script only when a conversion is chosen: 107 KB to Simplified, 1.1 MB to Traditional).
// Nothing is requested outside the site. Without scripts the page stays as archived.
(function () {
  "use strict";
  var KEY = "newsarchive-script";
  var me = document.currentScript;
  // The choices: where the converter comes from, and how it converts (opencc-js locales).
  var CHOICES = {
    cn: { script: "toSimplified", from: "twp", to: "cn", lang: "zh-Hans" },
    tw: { script: "toTraditional", from: "cn", to: "twp", lang: "zh-Hant" },
    hk: { script: "toTraditional", from: "cn", to: "hk", lang: "zh-Hant" }
  };
  // The switch's options: [choice, label].
  var SWITCH = [["", "原文 As archived"], ["cn", "简体中文"], ["tw", "繁體中文（臺灣）"], ["hk", "繁體中文（香港）"]];
  var SKIP = { SCRIPT: 1, STYLE: 1, CODE: 1, PRE: 1, TEXTAREA: 1, NOSCRIPT: 1 };
  var original = new Map();     // text node -> its text as archived
  var ATTRIBUTES = ["alt", "title", "placeholder", "aria-label"];  // text a reader also meets
  var originalAttr = new Map(); // element -> {attribute: its value as archived}
  var originalLang = new Map(); // element -> its lang attribute as built
  var converters = {}, libraries = {}, current = "";

  function stored() { try { return localStorage.getItem(KEY) || ""; } catch (err) { return ""; } }
  function store(value) { try { localStorage.setItem(KEY, value); } catch (err) { /* private mode */ } }

  function library(name) {  // the UMD bundle defines window.OpenCC; each is taken as it loads
    if (!libraries[name]) {
      libraries[name] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = me.dataset[name];
        s.onload = function () { resolve(window.OpenCC); };
        s.onerror = function () { reject(new Error("converter missing: " + s.src)); };
        document.head.appendChild(s);
      });
    }
    return libraries[name];
  }

  function converter(choice) {
    var c = CHOICES[choice];
    if (!converters[choice]) {
      converters[choice] = library(c.script).then(function (OpenCC) { return OpenCC.Converter({ from: c.from, to: c.to }); });
    }
    return converters[choice];
  }

  function textNodes(root) {
    var out = [], walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        for (var el = node.parentElement; el; el = el.parentElement) {
          if (SKIP[el.tagName] || el.hasAttribute("data-no-convert")) return NodeFilter.FILTER_REJECT;
        }
        return /[\u3400-\u9fff\uf900-\ufaff]/.test(node.nodeValue) || original.has(node) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
      }
    });
    while (walker.nextNode()) out.push(walker.currentNode);
    return out;
  }

  // Shows `root`'s text in the chosen script (or as archived), always converting from the archived text.
  function apply(root, convert, lang) {
    textNodes(root).forEach(function (node) {
      if (!original.has(node)) original.set(node, node.nodeValue);
      var text = original.get(node), shown = convert ? convert(text) : text;
      if (node.nodeValue !== shown) node.nodeValue = shown;
    });
    (root.querySelectorAll ? Array.from(root.querySelectorAll("[alt], [title], [placeholder], [aria-label]")) : [])
      .forEach(function (el) {
        if (el.closest("[data-no-convert]")) return;
        if (!originalAttr.has(el)) {
          var kept = {};
          ATTRIBUTES.forEach(function (a) { if (el.hasAttribute(a)) kept[a] = el.getAttribute(a); });
          originalAttr.set(el, kept);
        }
        var was = originalAttr.get(el);
        Object.keys(was).forEach(function (a) { el.setAttribute(a, convert ? convert(was[a]) : was[a]); });
      });
    (root.querySelectorAll ? Array.from(root.querySelectorAll("[lang]")) : []).concat(root === document.body ? [document.documentElement] : [])
      .forEach(function (el) {
        if (!originalLang.has(el)) originalLang.set(el, el.getAttribute("lang"));
        var was = originalLang.get(el);
        el.setAttribute("lang", lang && /^zh/.test(was) ? lang : was);
      });
  }

  var titleText = document.title;
  function show(choice) {
    current = choice;
    var select = document.getElementById("script-choice");
    if (select) select.value = choice;
    if (!CHOICES[choice]) {
      apply(document.body, null, null);
      document.title = titleText;
      return Promise.resolve();
    }
    return converter(choice).then(function (convert) {
      if (current !== choice) return;
      apply(document.body, convert, CHOICES[choice].lang);
      document.title = convert(titleText);
    });
  }

  // Text that arrives later (search results, excerpts) follows the choice.
  new MutationObserver(function (records) {
    if (!CHOICES[current]) return;
    converter(current).then(function (convert) {
      records.forEach(function (r) {
        r.addedNodes.forEach(function (node) {
          if (node.nodeType === 1 || node.nodeType === 3) apply(node.nodeType === 1 ? node : node.parentElement, convert, CHOICES[current].lang);
        });
      });
    });
  }).observe(document.body, { childList: true, subtree: true });

  // The switch is made here rather than sent in every page (of use only with scripts; ~430 bytes
  // of each of 100 000 article pages), where the header asks for it; a layout of the archive's
  // own may still carry it, hidden.
  function makeSwitch() {
    var where = document.querySelector("[data-script-switch]");
    if (!where) return null;
    var box = document.createElement("div"), label = document.createElement("label"), choice = document.createElement("select");
    box.className = "script-switch";
    box.setAttribute("data-no-convert", "");
    label.htmlFor = choice.id = "script-choice";
    label.textContent = "文字 Script";
    SWITCH.forEach(function (o) {
      var option = document.createElement("option");
      option.value = o[0];
      option.textContent = o[1];
      choice.appendChild(option);
    });
    box.appendChild(label);
    box.appendChild(choice);
    where.insertBefore(box, where.querySelector(".search-box"));
    return choice;
  }

  var select = document.getElementById("script-choice") || makeSwitch();
  if (select) {
    select.closest(".script-switch").hidden = false;
    select.addEventListener("change", function () { store(select.value); show(select.value); });
  }
  window.newsarchive = window.newsarchive || {};
  window.newsarchive.showScript = show;  // (for tests: resolves once the page shows the script)
  window.newsarchive.scriptShown = show(stored());
})();
