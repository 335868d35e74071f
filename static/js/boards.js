// Leaderboards: refresh the board's table every 15 s while the page is on screen.
// The table carries hx-trigger="refresh"; htmx fetches and swaps it. Without JS it is a plain page.
(function () {
  "use strict";

  const PERIOD_MS = 15000;

  function refresh() {
    const board = document.querySelector("[data-board-refresh]");
    if (board && window.htmx && document.visibilityState === "visible") {
      window.htmx.trigger(board, "refresh");
    }
  }

  // One timer per document, even if the script is evaluated again.
  if (window.quizappBoardsTimer) return;
  window.quizappBoardsTimer = window.setInterval(refresh, PERIOD_MS);
  // Coming back to the tab shows the current standings at once rather than up to 15 s later.
  document.addEventListener("visibilitychange", refresh);
})();
