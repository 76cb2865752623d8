// The book's page behaviour: math, copy buttons, the sidebar, the theme toggle, keyboard paging,
// the language switcher.
(function () {
  "use strict";

  // The page's words for scripts (<body data-ui>, absent on English pages).
  var strings = {};
  try { strings = JSON.parse(document.body.getAttribute("data-ui") || "{}"); } catch (e) { strings = {}; }
  function say(name, english) { return strings[name] || english; }

  function renderMath() {
    var nodes = document.querySelectorAll(".math.inline, .math.display");
    if (typeof window.katex === "undefined") {
      for (var k = 0; k < nodes.length; k++) nodes[k].classList.add("math-tex");
      return;
    }
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      var tex = node.textContent;
      try {
        window.katex.render(tex, node, {
          displayMode: node.classList.contains("display"),
          throwOnError: true,
          output: "htmlAndMathml"
        });
      } catch (error) {
        // Leave the TeX readable, and say so where a browser test will see it.
        node.textContent = tex;
        node.classList.add("math-error");
        node.title = String(error && error.message);
        var message = "KaTeX could not render `" + tex + "`: " + (error && error.message);
        console.error(message);
        if (window.bookNoteError) window.bookNoteError(message);
      }
    }
  }

  function copyText(text, done) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(fallbackCopy(text)); });
    } else {
      done(fallbackCopy(text));
    }
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function addCopyButtons() {
    var blocks = document.querySelectorAll(".code-block");
    for (var i = 0; i < blocks.length; i++) {
      (function (block) {
        var header = block.querySelector(".code-header");
        var code = block.querySelector("pre code");
        if (!header || !code) return;
        var button = document.createElement("button");
        button.type = "button";
        button.className = "copy-button";
        button.textContent = say("copy", "Copy");
        button.setAttribute("aria-label", say("copyLabel", "Copy the code"));
        button.addEventListener("click", function () {
          // textContent holds the code alone: line numbers are drawn by CSS.
          copyText(code.textContent, function (ok) {
            button.textContent = ok ? say("copied", "Copied") : say("copyFailed", "Copy failed");
            button.classList.toggle("copied", ok);
            setTimeout(function () { button.textContent = say("copy", "Copy"); button.classList.remove("copied"); }, 1600);
          });
        });
        header.appendChild(button);
      })(blocks[i]);
    }
  }

  var narrow = window.matchMedia ? window.matchMedia("(max-width: 60rem)") : { matches: false };

  function setupSidebar() {
    var body = document.body;
    var toggle = document.querySelector(".sidebar-toggle");
    var sidebar = document.getElementById("page-sidebar");
    if (!toggle || !sidebar) return;
    var overlay = document.createElement("div");
    overlay.className = "nav-overlay";
    body.appendChild(overlay);
    function isOpen() {
      return narrow.matches ? body.classList.contains("nav-open") : !body.classList.contains("nav-hidden");
    }
    function sync() { toggle.setAttribute("aria-expanded", isOpen() ? "true" : "false"); }
    function close() { body.classList.remove("nav-open"); sync(); }
    toggle.addEventListener("click", function () {
      if (narrow.matches) body.classList.toggle("nav-open");
      else body.classList.toggle("nav-hidden");
      sync();
    });
    overlay.addEventListener("click", close);
    sidebar.addEventListener("click", function (event) {
      if (narrow.matches && event.target.closest && event.target.closest("a")) close();
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && body.classList.contains("nav-open")) close();
    });
    if (narrow.addEventListener) narrow.addEventListener("change", sync);
    sync();
    // Keep the current chapter in view in a long sidebar.
    var current = sidebar.querySelector(".toc-chapter.current");
    if (current && current.offsetTop > sidebar.clientHeight * 0.6) sidebar.scrollTop = current.offsetTop - 80;
  }

  function setupThemeToggle() {
    var button = document.querySelector(".theme-toggle");
    if (!button) return;
    button.addEventListener("click", function () {
      var root = document.documentElement;
      var next = root.getAttribute("data-theme") === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { window.localStorage.setItem("book-theme", next); } catch (e) { /* not remembered on file:// */ }
    });
  }

  function setupKeyboard() {
    document.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      var target = event.target;
      var tag = target && target.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || (target && target.isContentEditable)) return;
      if (event.key === "/") {
        var search = document.querySelector(".sidebar .search-form input");
        if (search) { event.preventDefault(); search.focus(); }
        return;
      }
      var rel = event.key === "ArrowLeft" ? "prev" : event.key === "ArrowRight" ? "next" : null;
      if (!rel) return;
      var link = document.querySelector('link[rel="' + rel + '"]');
      if (link) window.location.href = link.getAttribute("href");
    });
  }

  // Highlights the sidebar entry of the section being read.
  function setupScrollSpy() {
    var links = document.querySelectorAll(".toc-sections a");
    if (!links.length || !("IntersectionObserver" in window)) return;
    var byId = {};
    var headings = [];
    for (var i = 0; i < links.length; i++) {
      var id = decodeURIComponent(links[i].getAttribute("href").slice(1));
      var heading = document.getElementById(id);
      if (heading) { byId[id] = links[i]; headings.push(heading); }
    }
    var active = null;
    function activate(id) {
      if (active) active.classList.remove("active");
      active = byId[id] || null;
      if (active) active.classList.add("active");
    }
    var observer = new IntersectionObserver(function () {
      var chosen = null;
      for (var j = 0; j < headings.length; j++) {
        if (headings[j].getBoundingClientRect().top < 120) chosen = headings[j].id;
      }
      activate(chosen);
    }, { rootMargin: "0px 0px -60% 0px", threshold: [0, 1] });
    for (var h = 0; h < headings.length; h++) observer.observe(headings[h]);
  }

  // The language switcher keeps the reader at the section being read: each link to the page in
  // another language lists (data-anchors) the sections both pages have, and gets the one in view.
  function setupLanguageSwitcher() {
    var links = document.querySelectorAll(".language-switcher a[data-anchors]");
    if (!links.length) return;
    var switches = [];
    for (var i = 0; i < links.length; i++) {
      var anchors = {};
      var names = links[i].getAttribute("data-anchors").split(/\s+/);
      for (var n = 0; n < names.length; n++) if (names[n]) anchors[names[n]] = true;
      switches.push({ link: links[i], base: links[i].getAttribute("href").split("#")[0], anchors: anchors });
    }
    var headings = document.querySelectorAll(".content h2[id], .content h3[id], .content h4[id], .content h5[id], .content h6[id]");
    var topbar = document.querySelector(".topbar");

    // The last section (among `anchors`) whose heading has passed the top of the window; at the
    // bottom of the page, the last one in view; the address's #section while it is in view.
    function sectionInView(anchors) {
      var line = (topbar ? topbar.offsetHeight : 0) + 64;
      var atBottom = window.innerHeight + window.pageYOffset >= document.documentElement.scrollHeight - 2;
      var chosen = null;
      for (var h = 0; h < headings.length; h++) {
        if (!anchors[headings[h].id]) continue;
        var top = headings[h].getBoundingClientRect().top;
        if (top < line || (atBottom && top < window.innerHeight)) chosen = headings[h].id;
      }
      var hash = "";
      try { hash = decodeURIComponent(window.location.hash.slice(1)); } catch (e) { hash = ""; }
      if (hash && anchors[hash]) {
        var target = document.getElementById(hash);
        var rect = target && target.getBoundingClientRect();
        if (rect && rect.top >= 0 && rect.top < window.innerHeight) chosen = hash;
      }
      return chosen;
    }

    function update() {
      for (var s = 0; s < switches.length; s++) {
        var id = sectionInView(switches[s].anchors);
        switches[s].link.setAttribute("href", switches[s].base + (id ? "#" + encodeURIComponent(id) : ""));
      }
    }
    var pending = false;
    window.addEventListener("scroll", function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () { pending = false; update(); });
    }, { passive: true });
    window.addEventListener("hashchange", update);
    window.addEventListener("load", update);
    for (var l = 0; l < switches.length; l++) {
      switches[l].link.addEventListener("mousedown", update);
      switches[l].link.addEventListener("focus", update);
    }
    update();
  }

  // d2l's tabs: every tab set of the book shows the tab the reader chose last (remembered in
  // localStorage), or its own first tab when it has no pane for it.
  function setupTabs() {
    var sets = document.querySelectorAll(".tabs");
    if (!sets.length) return;
    function show(name) {
      for (var i = 0; i < sets.length; i++) {
        var names = (sets[i].getAttribute("data-tabs") || "").split(" ");
        var pick = names.indexOf(name) >= 0 ? name : names[0];
        var panes = sets[i].querySelectorAll(":scope > .tab-pane");
        for (var p = 0; p < panes.length; p++) {
          panes[p].hidden = panes[p].getAttribute("data-tab").split(" ").indexOf(pick) < 0;
        }
        var buttons = sets[i].querySelectorAll(":scope > .tab-bar > .tab-button");
        for (var b = 0; b < buttons.length; b++) {
          buttons[b].setAttribute("aria-selected", String(buttons[b].getAttribute("data-tab") === pick));
        }
        sets[i].classList.add("tabs-ready");
      }
    }
    // ?tab=NAME (a link to a tab) wins over the remembered choice, and is remembered.
    var chosen = new URLSearchParams(window.location.search).get("tab");
    try {
      if (chosen) window.localStorage.setItem("book-tab", chosen);
      else chosen = window.localStorage.getItem("book-tab");
    } catch (e) { /* not remembered */ }
    show(chosen);
    document.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest(".tab-button");
      if (!button) return;
      var name = button.getAttribute("data-tab");
      try { window.localStorage.setItem("book-tab", name); } catch (e) { /* this page only */ }
      show(name);
    });
  }

  function start() {
    renderMath();
    setupTabs();
    addCopyButtons();
    setupSidebar();
    setupThemeToggle();
    setupKeyboard();
    setupScrollSpy();
    setupLanguageSwitcher();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
