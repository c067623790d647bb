// Behaviour the pages ask for with data- attributes: the Content-Security-Policy allows no
// inline script or style, so handlers and computed widths live here.
(function () {
  "use strict";
  // <select data-autosubmit>: choosing an option submits its form (the language, the semester).
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]") && event.target.form) {
      event.target.form.submit();
    }
  });
  // <form data-confirm="…">: ask before a destructive submit.
  document.addEventListener("submit", function (event) {
    const message = event.target.dataset && event.target.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // <div data-width="42">: a progress bar's filled part, in percent.
  function applyWidths(root) {
    root.querySelectorAll("[data-width]").forEach(function (element) {
      element.style.width = Math.max(0, Math.min(100, Number(element.dataset.width) || 0)) + "%";
    });
  }
  applyWidths(document);
  // A table wider than the phone scrolls in its .table-responsive box: keyboard users must be
  // able to reach it to scroll it (WCAG 2.1.1), so a box that scrolls takes the focus.
  function focusableScrollers(root) {
    root.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) {
        box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }
  focusableScrollers(document);
  window.addEventListener("resize", function () {
    focusableScrollers(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    applyWidths(event.target);
    focusableScrollers(event.target);
  });
  // <div data-picker> (sponsors.widgets.SearchPicker): a result button chosen from the search
  // fills the hidden input; "换一个" empties it and goes back to the search box.
  document.addEventListener("click", function (event) {
    const picker = event.target.closest("[data-picker]");
    if (!picker) return;
    const option = event.target.closest("[data-picker-results] [data-id]");
    const clear = event.target.closest("[data-picker-clear]");
    if (!option && !clear) return;
    const search = picker.querySelector("[data-picker-search]");
    const chosen = picker.querySelector("[data-picker-chosen]");
    const input = search.querySelector("input");
    picker.querySelector("[data-picker-value]").value = option ? option.dataset.id : "";
    chosen.querySelector("[data-picker-label]").textContent = option ? option.dataset.name : "";
    chosen.classList.toggle("d-none", !option);
    search.classList.toggle("d-none", Boolean(option));
    picker.querySelector("[data-picker-results]").innerHTML = "";
    if (clear) {
      input.value = "";
      input.focus();
    }
  });
  // <div data-picker-multiple> (sponsors.widgets.SearchPickerMultiple): a result button adds a
  // chip holding a hidden input (unless that row is already chosen); a chip's × removes it.
  document.addEventListener("click", function (event) {
    const picker = event.target.closest("[data-picker-multiple]");
    if (!picker) return;
    const remove = event.target.closest("[data-picker-remove]");
    if (remove) {
      remove.closest("[data-picker-chip]").remove();
      picker.querySelector("input[type=search]").focus();
      return;
    }
    const option = event.target.closest("[data-picker-results] [data-id]");
    if (!option) return;
    const chips = picker.querySelector("[data-picker-chips]");
    const taken = Array.from(chips.querySelectorAll("input[type=hidden]")).some(function (input) {
      return input.value === option.dataset.id;
    });
    if (!taken) {
      const chip = document.createElement("span");
      chip.className = "badge text-bg-primary d-inline-flex align-items-center gap-1 fs-6 fw-normal";
      chip.setAttribute("data-picker-chip", "");
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = picker.dataset.name;
      input.value = option.dataset.id;
      const label = document.createElement("span");
      label.className = "text-break";
      label.textContent = option.dataset.name;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn-close btn-close-white btn-sm";
      button.setAttribute("aria-label", picker.dataset.removeLabel + " " + option.dataset.name);
      button.setAttribute("data-picker-remove", "");
      chip.append(input, label, button);
      chips.append(chip);
    }
    picker.querySelector("[data-picker-results]").innerHTML = "";
    const search = picker.querySelector("input[type=search]");
    search.value = "";
    search.focus();
  });
})();
