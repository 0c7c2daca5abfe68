/* Lianxi: confirmation before irreversible actions, and workflow diagrams. Plain ES5. */
(function () {
  var forms = document.querySelectorAll("form[data-confirm]");
  for (var i = 0; i < forms.length; i++) {
    forms[i].addEventListener("submit", function (event) {
      if (!window.confirm(this.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  }
  if (window.mermaid) {
    window.mermaid.initialize({ startOnLoad: true, securityLevel: "strict", theme: "neutral" });
  }
})();
