// Drag a card to another column: the server records the stage change like any other.
(function () {
  "use strict";
  const board = document.getElementById("board");
  if (!board || typeof Sortable === "undefined") return;
  const csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
  const moveUrl = (id) => board.dataset.moveUrl.replace("/0/", "/" + id + "/");

  function recount() {
    board.querySelectorAll(".board-column").forEach(function (column) {
      column.closest(".card").querySelector("[data-count]").textContent = column.querySelectorAll(".board-card").length;
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
        const body = new URLSearchParams({ to_stage: event.to.dataset.stage });
        fetch(moveUrl(card.dataset.id), {
          method: "POST",
          headers: { "X-CSRFToken": csrf, Accept: "application/json" },
          body: body,
        })
          .then(function (response) {
            if (!response.ok) throw new Error(response.status);
            card.dataset.stage = event.to.dataset.stage;
            board.dataset.lastMove = card.dataset.id + ":" + event.to.dataset.stage;
            recount();
          })
          .catch(function () {
            event.from.insertBefore(card, event.from.children[event.oldIndex] || null);
            recount();
            alert(window.SPONSORS_BOARD_ERROR);
          });
      },
    });
  });
})();
