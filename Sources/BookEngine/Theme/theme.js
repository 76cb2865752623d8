// Chooses the colour theme before the page is drawn, so it never flashes in the wrong one.
// Order: ?theme=light|dark in the address, then the reader's last choice, then the system's.
(function () {
  var root = document.documentElement;
  root.classList.add("js");

  // Script errors and files that fail to load are noted on <html data-errors>, where a test
  // reading the rendered page (and a reader's inspector) can see them.
  window.bookNoteError = function (message) {
    var previous = root.getAttribute("data-errors");
    root.setAttribute("data-errors", (previous ? previous + " | " : "") + message);
  };
  window.addEventListener("error", function (event) {
    var target = event.target;
    if (target && target !== window && (target.src || target.href)) {
      window.bookNoteError("could not load " + (target.src || target.href));
    } else {
      window.bookNoteError(String(event.message || "script error"));
    }
  }, true);
  var theme = null;
  var match = /[?&]theme=(light|dark)(?:&|$)/.exec(window.location.search);
  if (match) {
    theme = match[1];
  } else {
    try {
      theme = window.localStorage.getItem("book-theme");
    } catch (e) {
      // file:// pages may not have storage; the system preference still applies.
    }
  }
  if (theme !== "light" && theme !== "dark") {
    var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    theme = dark ? "dark" : "light";
  }
  root.setAttribute("data-theme", theme);
})();
