// Drag a card to another column: the server records the stage change like any other.
(function () {
  "use strict";
  const board = document.getElementById("board");
  if (!board || typeof Sortable === "undefined") return;
  const csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  const moveUrl = (id) => board.dataset.moveUrl.replace("/0/", "/" + id + "/");

  // A column shows only its most recently active cards, so its badge holds the stage's
  // total from the server: a move takes one from a column and gives one to the other.
  function shift(from, to) {
    [[from, -1], [to, 1]].forEach(function ([column, delta]) {
      const badge = column.closest(".card").querySelector("[data-count]");
      badge.textContent = Number(badge.textContent) + delta;
    });
  }

  board.querySelectorAll(".board-column").forEach(function (column) {
    Sortable.create(column, {
      group: "board",
      animation: 150,
      filter: "a, button, .dropdown-menu",
      preventOnFilter: false,
      onEnd: function (event) {
        if (event.from === event.to) return;
        const card = event.item;
        // from_stage: a card someone else moved meanwhile is refused (409), not moved back.
        const move = function (reason) {
          const body = new URLSearchParams({
            to_stage: event.to.dataset.stage,
            from_stage: event.from.dataset.stage,
            reason: reason,
          });
          return fetch(moveUrl(card.dataset.id), {
            method: "POST",
            headers: { "X-CSRFToken": csrf, Accept: "application/json" },
            body: body,
          });
        };
        move("")
          .then(function (response) {
            if (response.status !== 400) return response;
            // A step back (or to 已流失) needs a reason: ask for it, then move again.
            return response.json().then(function (data) {
              const reason = data.needs_reason ? window.prompt(data.error) : null;
              if (!reason || !reason.trim()) throw { refused: data.error };
              return move(reason.trim());
            });
          })
          .then(function (response) {
            if (response.status === 409 || response.status === 400) {
              return response.json().then(function (data) {
                throw { refused: data.error };
              });
            }
            if (!response.ok) throw new Error(response.status);
            card.dataset.stage = event.to.dataset.stage;
            board.dataset.lastMove = card.dataset.id + ":" + event.to.dataset.stage;
            shift(event.from, event.to);
          })
          .catch(function (error) {
            event.from.insertBefore(card, event.from.children[event.oldIndex] || null);
            alert((error && error.refused) || board.dataset.errorMessage);
          });
      },
    });
  });
})();
