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
