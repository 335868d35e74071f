// Daily challenge: the share block's Copy button. Without JS the text sits in a read-only
// textarea the player can select and copy by hand, so the button only appears when it can work.
(function () {
  "use strict";

  if (window.quizappDailyShare) return; // evaluated again after an htmx swap
  window.quizappDailyShare = true;

  function setUp() {
    document.querySelectorAll("[data-copy-share]").forEach(function (button) {
      if (navigator.clipboard && window.isSecureContext) button.hidden = false;
    });
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest("[data-copy-share]");
    if (!button) return;
    const block = button.closest('[data-testid="share"]');
    const text = block.querySelector("[data-share-text]");
    const status = block.querySelector("[data-copy-status]");
    navigator.clipboard.writeText(text.value).then(
      function () { status.textContent = "Copied!"; },
      function () {
        text.select();
        status.textContent = "Couldn't copy: the text is selected, copy it by hand.";
      }
    );
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
  document.addEventListener("htmx:afterSettle", setUp);
})();
