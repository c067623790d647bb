// The visit form: pick the merchant from the search results, quick due dates, location check-in,
// and a save that survives a weak signal (static/js/drafts.js keeps and resends what failed).
(function () {
  "use strict";
  const form = document.getElementById("visit-form");
  if (!form) return;
  const merchantInput = form.querySelector("input[name=merchant]");
  const chosen = document.getElementById("merchant-chosen");
  const picker = document.getElementById("merchant-picker");
  const search = document.getElementById("merchant-search");
  const results = document.getElementById("merchant-results");

  results.addEventListener("click", function (event) {
    const option = event.target.closest(".merchant-option");
    if (!option) return;
    merchantInput.value = option.dataset.id;
    chosen.querySelector("strong").textContent = option.dataset.name;
    chosen.classList.remove("d-none");
    picker.classList.add("d-none");
    results.innerHTML = "";
  });
  document.getElementById("merchant-change").addEventListener("click", function () {
    merchantInput.value = "";
    chosen.classList.add("d-none");
    picker.classList.remove("d-none");
    search.focus();
  });

  function isoDate(date) {
    const pad = (n) => String(n).padStart(2, "0");
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
  }
  document.getElementById("due-shortcuts").addEventListener("click", function (event) {
    const button = event.target.closest("button");
    if (!button) return;
    // Count from the department's today (Asia/Shanghai), not the phone's clock zone.
    const parts = this.dataset.today.split("-").map(Number);
    const date = new Date(parts[0], parts[1] - 1, parts[2]);
    if (button.dataset.days) {
      date.setDate(date.getDate() + Number(button.dataset.days));
    } else {
      // The weekday of next week (Monday-based): "下周二" is always in the coming week.
      const target = Number(button.dataset.weekday);
      const mondayBased = (date.getDay() + 6) % 7 + 1;
      date.setDate(date.getDate() + (7 - mondayBased) + target);
    }
    form.querySelector("input[name=due_on]").value = isoDate(date);
  });
  // A next step is due in a week unless the officer says otherwise: one tap less on a phone.
  const dueOn = form.querySelector("input[name=due_on]");
  form.querySelector("input[name=next_step]").addEventListener("input", function () {
    if (this.value.trim() && !dueOn.value) {
      const parts = document.getElementById("due-shortcuts").dataset.today.split("-").map(Number);
      dueOn.value = isoDate(new Date(parts[0], parts[1] - 1, parts[2] + 7));
    }
  });

  // Saving: sent with fetch so that a dropped network keeps the typed visit on the phone
  // (localStorage) instead of losing it to the browser's error page. The form's idempotency
  // key makes every resend (a double tap, the banner's "发送") log at most one visit.
  const drafts = window.OutreachDrafts;
  const key = form.querySelector("input[name=idempotency_key]").value;
  const save = form.querySelector("[data-testid=save-visit]");
  const offline = document.getElementById("visit-offline");
  const saveLabel = save.textContent;
  let sending = false;
  if (drafts && form.querySelector(".is-invalid, .invalid-feedback, .alert-danger")) {
    drafts.remove(key); // the answer is on screen, with what was typed: nothing to offer again
  }
  form.addEventListener("submit", function (event) {
    if (!window.fetch || !drafts) return; // the browser's own submit
    event.preventDefault();
    if (sending || document.body.dataset.shrinking) return;
    sending = true;
    save.disabled = true;
    save.textContent = save.dataset.sending;
    drafts.keep(form, chosen.querySelector("strong").textContent.trim());
    fetch(form.action || window.location.href, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        if (response.ok && response.redirected) {
          drafts.remove(key);
          window.location.assign(response.url);
          return;
        }
        // The server answered (form errors, a refusal): show its answer the ordinary way.
        drafts.remove(key);
        HTMLFormElement.prototype.submit.call(form);
      })
      .catch(function () {
        sending = false;
        save.disabled = false;
        save.textContent = save.dataset.resend;
        offline.classList.remove("d-none");
        offline.scrollIntoView({ block: "center" });
      });
  });

  const status = document.getElementById("check-in-status");
  document.getElementById("check-in").addEventListener("click", function () {
    if (!navigator.geolocation) {
      status.textContent = status.dataset.failed;
      return;
    }
    status.textContent = status.dataset.locating;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        form.querySelector("input[name=latitude]").value = position.coords.latitude.toFixed(6);
        form.querySelector("input[name=longitude]").value = position.coords.longitude.toFixed(6);
        const accuracy = Math.round(position.coords.accuracy);
        form.querySelector("input[name=location_accuracy]").value = accuracy;
        status.textContent = status.dataset.located.replace("{n}", accuracy);
      },
      function () {
        status.textContent = status.dataset.failed;
      },
      { enableHighAccuracy: true, timeout: 15000 }
    );
  });
})();
