// The visit form: pick the merchant from the search results, quick due dates, location check-in.
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
