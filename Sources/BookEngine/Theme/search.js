// The search page: finds the sections holding every word of ?q= in the generated index.
(function () {
  "use strict";

  // The page's words (<body data-ui>, absent on English pages); `{}` takes the next argument.
  var strings = {};
  try { strings = JSON.parse(document.body.getAttribute("data-ui") || "{}"); } catch (e) { strings = {}; }
  function say(name, english) {
    var parts = (strings[name] || english).split("{}");
    var text = parts[0];
    for (var p = 1; p < parts.length; p++) {
      text += (p + 1 < arguments.length ? String(arguments[p + 1]) : "{}") + parts[p];
    }
    return text;
  }

  function words(query) {
    return query.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
  }

  function count(haystack, needle) {
    var n = 0;
    var at = haystack.indexOf(needle);
    while (at !== -1 && n < 50) { n++; at = haystack.indexOf(needle, at + needle.length); }
    return n;
  }

  // A title's initials, so that "gru" finds "Gated Recurrent Units" by its title.
  function initials(title) {
    var words = title.replace(/^[\d.]+\s*/, "").split(/[\s\-]+/);
    var letters = "";
    for (var w = 0; w < words.length; w++) if (/^[A-Z]/.test(words[w])) letters += words[w][0];
    return letters.length > 1 ? " " + letters.toLowerCase() : "";
  }

  // Sections whose title (or its initials) holds every word come first (a chapter's own entry
  // before its sections), then those whose title holds some of the words; within each, the
  // most mentions.
  function search(index, terms) {
    var results = [];
    for (var i = 0; i < index.length; i++) {
      var entry = index[i];
      var title = entry.title.toLowerCase() + initials(entry.title);
      var text = entry.text.toLowerCase();
      var score = 0;
      var inTitles = 0;
      var all = true;
      for (var t = 0; t < terms.length; t++) {
        var inTitle = count(title, terms[t]);
        var inText = count(text, terms[t]);
        if (inTitle + inText === 0) { all = false; break; }
        if (inTitle > 0) inTitles++;
        score += inText;
      }
      if (!all) continue;
      var rank = inTitles === terms.length ? (entry.chapter ? 2 : 3) : inTitles > 0 ? 1 : 0;
      results.push({ entry: entry, rank: rank, score: score, order: i });
    }
    results.sort(function (a, b) { return b.rank - a.rank || b.score - a.score || a.order - b.order; });
    return results;
  }

  // Where a snippet may start or end: at a space, or anywhere in text without spaces (Chinese).
  function wordStart(text, at) {
    if (at <= 0) return 0;
    var space = text.lastIndexOf(" ", at);
    if (space !== -1 && at - space <= 24) return space + 1;
    var next = text.indexOf(" ", at);
    return next !== -1 && next - at <= 24 ? next + 1 : at;
  }

  function wordEnd(text, at) {
    if (at >= text.length) return text.length;
    var space = text.lastIndexOf(" ", at);
    return space !== -1 && at - space <= 24 ? space : at;
  }

  // A piece of text around the first match, with the matched words marked.
  function snippet(text, terms) {
    var lower = text.toLowerCase();
    var first = -1;
    for (var t = 0; t < terms.length; t++) {
      var at = lower.indexOf(terms[t]);
      if (at !== -1 && (first === -1 || at < first)) first = at;
    }
    var start = wordStart(text, Math.max(0, first - 80));
    if (first !== -1 && start > first) start = first;
    var end = wordEnd(text, Math.min(text.length, start + 240));
    if (end <= start) end = Math.min(text.length, start + 240);
    var piece = text.slice(start, end);
    var fragment = document.createDocumentFragment();
    if (start > 0) fragment.appendChild(document.createTextNode("… "));
    var pieceLower = piece.toLowerCase();
    var pos = 0;
    while (pos < piece.length) {
      var next = -1, length = 0;
      for (var k = 0; k < terms.length; k++) {
        var found = pieceLower.indexOf(terms[k], pos);
        if (found !== -1 && (next === -1 || found < next)) { next = found; length = terms[k].length; }
      }
      if (next === -1) { fragment.appendChild(document.createTextNode(piece.slice(pos))); break; }
      if (next > pos) fragment.appendChild(document.createTextNode(piece.slice(pos, next)));
      var mark = document.createElement("mark");
      mark.textContent = piece.slice(next, next + length);
      fragment.appendChild(mark);
      pos = next + length;
    }
    if (end < text.length) fragment.appendChild(document.createTextNode(" …"));
    return fragment;
  }

  function show() {
    var params = new URLSearchParams(window.location.search);
    var query = (params.get("q") || "").trim();
    var inputs = document.querySelectorAll('input[name="q"]');
    for (var i = 0; i < inputs.length; i++) inputs[i].value = query;
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    if (!status || !list) return;
    var index = window.BOOK_SEARCH_INDEX;
    if (!index) { status.textContent = say("indexMissing", "The search index is missing."); return; }
    var terms = words(query);
    if (!terms.length) {
      status.textContent = say("prompt", "Type a word or two to search all {} sections of the book.", index.length);
      var box = document.getElementById("search-query");
      if (box) box.focus();
      return;
    }
    var results = search(index, terms);
    status.textContent = results.length === 0
      ? say("none", "No section contains “{}”.", query)
      : results.length === 1
        ? say("one", "{} section contains “{}”.", 1, query)
        : say("many", "{} sections contain “{}”.", results.length, query);
    for (var r = 0; r < results.length && r < 100; r++) {
      var entry = results[r].entry;
      var item = document.createElement("li");
      item.className = "search-result";
      var link = document.createElement("a");
      link.href = entry.url;
      link.className = "search-result-title";
      link.textContent = entry.title;
      item.appendChild(link);
      if (entry.chapter) {
        var chapter = document.createElement("span");
        chapter.className = "search-result-chapter";
        chapter.textContent = entry.chapter;
        item.appendChild(chapter);
      }
      var text = document.createElement("p");
      text.className = "search-result-snippet";
      text.appendChild(snippet(entry.text, terms));
      item.appendChild(text);
      list.appendChild(item);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", show);
  else show();
})();
