// quizapp: the countdown, keyboard shortcuts, focus and announcements.
// Everything here is an enhancement: the game works as plain forms without it.
(function () {
  "use strict";

  let ticker = null;

  function announce(message) {
    const region = document.getElementById("announcer");
    if (region) {
      region.textContent = "";
      window.setTimeout(function () { region.textContent = message; }, 50);
    }
  }

  function stopTimer() {
    if (ticker !== null) {
      window.clearInterval(ticker);
      ticker = null;
    }
  }

  function submitTimeout(form) {
    if (!form || !form.isConnected) return;
    form.querySelector("[data-timeout-field]").value = "1";
    form.requestSubmit();
  }

  function startTimer(card) {
    const timer = card.querySelector('[data-testid="timer"]');
    if (!timer) return;
    const form = card.querySelector("[data-answer-form]");
    const bar = timer.querySelector(".timer-bar");
    const text = card.querySelector("[data-timer-text]");
    const limit = parseFloat(timer.dataset.limit);
    const secondsLeft = parseFloat(timer.dataset.secondsLeft);
    const deadline = performance.now() + secondsLeft * 1000;
    const stepped = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    bar.style.setProperty("--left", (secondsLeft / limit).toFixed(4));
    if (!stepped) {
      // One linear transition to empty for the whole countdown: smooth, and run by the compositor.
      bar.getBoundingClientRect();
      bar.style.transitionDuration = secondsLeft + "s";
      bar.style.setProperty("--left", "0");
    }
    let spoken = null;
    function tick() {
      const left = Math.max(0, (deadline - performance.now()) / 1000);
      const whole = Math.ceil(left);
      if (stepped) bar.style.setProperty("--left", (left / limit).toFixed(3));
      if (text) text.textContent = String(whole);
      timer.classList.toggle("is-low", whole <= 5);
      // Spoken twice at most (10 and 5 seconds left), never every second.
      if ((whole === 10 || whole === 5) && spoken !== whole) {
        spoken = whole;
        announce(whole + " seconds left");
      }
      if (left <= 0) {
        stopTimer();
        submitTimeout(form);
      }
    }
    tick();
    ticker = window.setInterval(tick, 200);
  }

  function setUpCard() {
    stopTimer();
    const card = document.getElementById("card");
    if (!card) return;
    const next = card.querySelector('[data-testid="next"]');
    const feedback = card.querySelector("[data-announce]");
    if (feedback) {
      announce(feedback.innerText.replace(/\s+/g, " ").trim());
    }
    if (next) {
      next.focus();
    } else {
      card.focus({ preventScroll: true });
      startTimer(card);
    }
  }

  function typing(target) {
    if (!(target instanceof HTMLElement)) return false;
    if (target.tagName === "INPUT") return !["checkbox", "radio"].includes(target.type);
    return target.isContentEditable || ["TEXTAREA", "SELECT"].includes(target.tagName);
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    const card = document.getElementById("card");
    if (!card) return;
    if (/^[1-9]$/.test(event.key)) {
      const choice = card.querySelector('[data-testid="choice"][data-key="' + event.key + '"]');
      if (choice) {
        event.preventDefault();
        choice.click();
      }
    } else if (event.key === "Enter") {
      // Enter moves on after feedback, and sends a multi-select once its boxes are ticked.
      const next = card.querySelector('[data-testid="next"]');
      const submit = card.querySelector('[data-testid="submit-answer"]');
      const target = next || (card.dataset.type === "multi" ? submit : null);
      if (target && event.target !== target && !(event.target instanceof HTMLButtonElement)) {
        event.preventDefault();
        target.click();
      }
    }
  });

  document.addEventListener("DOMContentLoaded", setUpCard);
  document.addEventListener("htmx:afterSettle", setUpCard);
  document.addEventListener("htmx:beforeRequest", function (event) {
    // A countdown must not fire while its card is being replaced.
    if (event.target.closest && event.target.closest("#card")) stopTimer();
  });
})();
