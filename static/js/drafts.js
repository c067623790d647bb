// Forms typed on a weak signal (the visit form): what could not be sent is kept in this
// phone's localStorage and offered again, with one tap to send, on the next page load.
// A draft is the form's fields without its files, under the form's idempotency key, so
// sending it twice (or after the first try did reach the server) saves it once.
(function () {
  "use strict";
  const STORE = "outreach:drafts";

  function load() {
    try {
      return JSON.parse(window.localStorage.getItem(STORE) || "[]");
    } catch (error) {
      return [];
    }
  }
  function store(drafts) {
    try {
      window.localStorage.setItem(STORE, JSON.stringify(drafts));
    } catch (error) {
      // Storage full or refused (private mode): nothing more can be done on this phone.
    }
  }
  function keyOf(form) {
    const input = form.querySelector("input[name=idempotency_key]");
    return input ? input.value : "";
  }

  const drafts = {
    keep: function (form, title) {
      const key = keyOf(form);
      if (!key) return;
      const fields = [];
      new FormData(form).forEach(function (value, name) {
        if (typeof value === "string" && name !== "csrfmiddlewaretoken") fields.push([name, value]);
      });
      const kept = load().filter(function (draft) {
        return draft.key !== key;
      });
      kept.push({ key: key, url: form.action || window.location.href, title: title, at: Date.now(), fields: fields });
      store(kept);
    },
    remove: function (key) {
      store(
        load().filter(function (draft) {
          return draft.key !== key;
        })
      );
    },
    all: load,
  };
  window.OutreachDrafts = drafts;

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function send(draft, button, banner) {
    const body = new FormData();
    draft.fields.forEach(function (field) {
      body.append(field[0], field[1]);
    });
    body.append("csrfmiddlewaretoken", csrfToken());
    button.disabled = true;
    fetch(draft.url, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        if (response.ok && response.redirected) {
          drafts.remove(draft.key);
          window.location.assign(response.url);
          return;
        }
        // Refused as it stands (a form error): open it in the form, with what was typed.
        return response.text().then(function (html) {
          drafts.remove(draft.key);
          document.open();
          document.write(html);
          document.close();
        });
      })
      .catch(function () {
        button.disabled = false;
        banner.querySelector("[data-role=failed]").classList.remove("d-none");
      });
  }

  // The banner: one per kept draft, except the one whose form is on this page.
  const template = document.getElementById("draft-banner");
  const place = document.getElementById("draft-banners");
  if (!template || !place) return;
  const onPage = Array.prototype.map.call(document.querySelectorAll("form input[name=idempotency_key]"), function (input) {
    return input.value;
  });
  load().forEach(function (draft) {
    if (onPage.indexOf(draft.key) !== -1) return;
    const banner = template.content.firstElementChild.cloneNode(true);
    banner.querySelector("[data-role=title]").textContent = draft.title || "—";
    banner.querySelector("[data-role=at]").textContent = new Date(draft.at).toLocaleString();
    const button = banner.querySelector("[data-role=send]");
    button.addEventListener("click", function () {
      banner.querySelector("[data-role=failed]").classList.add("d-none");
      send(draft, button, banner);
    });
    banner.querySelector("[data-role=discard]").addEventListener("click", function () {
      if (window.confirm(banner.dataset.confirm)) {
        drafts.remove(draft.key);
        banner.remove();
      }
    });
    place.appendChild(banner);
  });
})();
