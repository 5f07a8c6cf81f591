/* The audience choice: remembers "clinician", "patient" or "both" in localStorage and marks
   <html> with data-editorial-audience (none for "both"); editorial.css shows the matching
   summary and disclaimer. Event delegation, so it keeps working across Material's instant
   navigation. */
(function () {
  var KEY = "editorial.audience";
  var CHOICES = { clinician: true, patient: true, both: true };

  function remembered() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }

  function apply(audience) {
    if (!CHOICES[audience]) audience = "both";
    if (audience === "both") {
      document.documentElement.removeAttribute("data-editorial-audience");
    } else {
      document.documentElement.setAttribute("data-editorial-audience", audience);
    }
    var buttons = document.querySelectorAll("[data-editorial-choose]");
    for (var i = 0; i < buttons.length; i++) {
      var pressed = buttons[i].getAttribute("data-editorial-choose") === audience;
      buttons[i].setAttribute("aria-pressed", pressed ? "true" : "false");
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-editorial-choose]");
    if (!button) return;
    var audience = button.getAttribute("data-editorial-choose");
    try { localStorage.setItem(KEY, audience); } catch (e) { /* private mode: this page only */ }
    apply(audience);
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { apply(remembered()); });  // every instant page
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { apply(remembered()); });
  } else {
    apply(remembered());
  }
})();

/* The site search: the header's button opens a dialog; Pagefind's UI and index are loaded
   the first time it opens, so a reader who never searches downloads none of it. */
(function () {
  var ui = null;

  function dialog() { return document.querySelector("[data-editorial-search]"); }

  function load(tag, attrs, done) {
    var el = document.createElement(tag);
    for (var name in attrs) el.setAttribute(name, attrs[name]);
    if (done) el.addEventListener("load", done);
    document.head.appendChild(el);
  }

  function start(box) {
    var target = document.getElementById("editorial-search-ui");
    if (ui && target && target.childElementCount) return focusInput(box);
    var bundle = new URL(box.getAttribute("data-bundle"), location.href).href;
    var base = new URL((box.getAttribute("data-base") || ".") + "/", location.href).pathname;
    var make = function () {
      ui = new window.PagefindUI({
        element: "#editorial-search-ui", bundlePath: bundle, baseUrl: base,
        showSubResults: true, showImages: false, autofocus: true,
        translations: { placeholder: "Search the answers", zero_results: "No answer matches [SEARCH_TERM]" }
      });
      focusInput(box);
    };
    if (window.PagefindUI) return make();
    load("link", { rel: "stylesheet", href: bundle + "pagefind-ui.css" });
    load("script", { src: bundle + "pagefind-ui.js" }, make);
  }

  function focusInput(box) {
    var input = box.querySelector("input");
    if (!input) return;
    input.setAttribute("aria-label", "Search the answers");  // Pagefind's field has a placeholder only
    input.focus();
  }

  function open() {
    var box = dialog();
    if (!box) return;
    if (!box.open) box.showModal();
    start(box);
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.closest) return;
    if (target.closest("[data-editorial-search-open]")) return open();
    var box = dialog();
    if (box && (target.closest("[data-editorial-search-close]") || target === box)) box.close();  // the button, or the backdrop
  });

  document.addEventListener("keydown", function (event) {
    var field = event.target && event.target.closest && event.target.closest("input, textarea, select, [contenteditable]");
    if (event.key === "/" && !field && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      open();
    }
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () {  // a result was followed (instant navigation): close the dialog
      var box = dialog();
      if (box && box.open) box.close();
    });
  }
})();
