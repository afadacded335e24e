// The dossier form's « certification visée »: suggestions from the loaded RNCP register, by
// code or title (GET /api/v1/certifications/registre/?q=), offered through a <datalist>;
// picking one fills the title. A static file: the Content-Security-Policy refuses inline scripts.
(function () {
  const code = document.getElementById("id_certification_code");
  if (!code) return;
  const title = document.getElementById("id_certification_title");
  const list = document.createElement("datalist");
  list.id = "rncp-register-suggestions";
  code.after(list);
  code.setAttribute("list", list.id);
  code.setAttribute("autocomplete", "off");
  const titles = new Map();
  let timer = null, seq = 0;
  function label(fiche) {
    const level = fiche.level ? "niveau " + fiche.level : "sans niveau";
    return fiche.title + " (" + level + (fiche.active ? "" : ", inactive") + ")";
  }
  function search() {
    const q = code.value.trim();
    if (q.length < 2 || titles.has(q)) return;
    const mine = ++seq;
    const url = "/api/v1/certifications/registre/?page_size=20&q=" + encodeURIComponent(q);
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(r => r.ok ? r.json() : Promise.reject(r.status))
      .then(page => {
        if (mine !== seq) return;
        list.replaceChildren(...page.results.map(fiche => {
          titles.set(fiche.code, fiche.title);
          const option = document.createElement("option");
          option.value = fiche.code;
          option.label = label(fiche);
          option.textContent = label(fiche);
          return option;
        }));
      })
      .catch(() => list.replaceChildren());
  }
  code.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 250); });
  code.addEventListener("change", () => {
    const picked = titles.get(code.value.trim());
    if (picked && title) title.value = title.maxLength > 0 ? picked.slice(0, title.maxLength) : picked;
  });
})();
