// Chooses the colour theme before the page is drawn, so it never flashes in the wrong one.
// Order: ?theme=light|dark in the address, then the reader's last choice, then the system's.
(function () {
  var root = document.documentElement;
  root.classList.add("js");
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
