// The add form's « Vérification du plan »: the plan's findings, refreshed as the form changes.
// A static file, not an inline script: the Content-Security-Policy refuses inline scripts.
(function () {
  const form = document.getElementById("dossier_form");
  const box = document.getElementById("plan-preview");
  const body = document.getElementById("plan-preview-body");
  if (!form || !box) return;
  let timer = null, seq = 0;
  function refresh() {
    const mine = ++seq;
    const data = new FormData(form);
    fetch(box.dataset.url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"X-CSRFToken": data.get("csrfmiddlewaretoken") || ""}
    }).then(r => r.ok ? r.text() : Promise.reject(r.status))
      .then(html => { if (mine === seq) { body.innerHTML = html; box.dataset.ready = "1"; } })
      .catch(() => { body.innerHTML = "<p class='not-eligible'>La vérification du plan n'a pas pu être faite.</p>"; });
  }
  function later() { clearTimeout(timer); timer = setTimeout(refresh, 300); }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  // The worker's search box (Select2) announces its choice through jQuery only.
  if (window.django && django.jQuery) django.jQuery(form).on("change", "select", later);
  refresh();
})();
