import Foundation

/// The small script `book serve` adds to the pages it serves (never to the files in site/): it
/// long-polls `/__livereload`, reloads the page when it changed (keeping the scroll position),
/// marks the outputs stale while the chapter re-runs, and shows the last render's errors.
public enum LiveReloadScript {
    /// The endpoint the script polls.
    public static let endpoint = "/__livereload"

    /// `html` with the script added before `</body>` (or at the end), primed with `state`.
    public static func inject(into html: String, page: String, state: ReloadState.Snapshot) -> String {
        let tag = script(page: page, state: state)
        guard let body = html.range(of: "</body>", options: .backwards) else { return html + tag }
        return html.replacingCharacters(in: body.lowerBound..<body.lowerBound, with: tag)
    }

    static func script(page: String, state: ReloadState.Snapshot) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let stateJSON = (try? encoder.encode(state)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let pageJSON = (try? encoder.encode([page])).map { String(decoding: $0, as: UTF8.self) } ?? "[\"\"]"
        // `</` cannot close the script early: JSON of the errors may hold any text.
        let safe = { (s: String) in s.replacingOccurrences(of: "</", with: "<\\/") }
        return """
            <style id="livereload-style">
            #livereload-banner { position: fixed; left: 0; right: 0; bottom: 0; z-index: 1000; margin: 0; padding: 0.6em 1em;
              font: 13px/1.4 ui-monospace, monospace; white-space: pre-wrap; max-height: 40vh; overflow: auto;
              box-shadow: 0 -2px 6px rgba(0,0,0,.2); }
            #livereload-banner.stale { background: #fff4d6; color: #5a4300; }
            #livereload-banner.error { background: #ffe3e3; color: #7a0010; }
            .livereload-stale .output { opacity: 0.45; outline: 2px dashed #d9a400; outline-offset: 2px; }
            </style>
            <script id="livereload">
            (function () {
              var state = \(safe(stateJSON)), page = \(safe(pageJSON))[0], since = state.version;
              var key = "book-serve-scroll:" + page, chapter = page.split("/").pop().replace(/\\.html$/, "");
              var saved = sessionStorage.getItem(key);
              if (saved !== null) {
                sessionStorage.removeItem(key);
                var restore = function () { window.scrollTo(0, Number(saved)); };
                restore(); window.addEventListener("load", restore); setTimeout(restore, 300);
              }
              var banner = document.createElement("pre");
              banner.id = "livereload-banner"; banner.hidden = true; banner.setAttribute("role", "status");
              document.body.appendChild(banner);
              function show(s) {
                var stale = s.running.indexOf(chapter) >= 0, lines = [];
                document.body.classList.toggle("livereload-stale", stale);
                if (stale) lines.push("Running " + chapter + ": the outputs below, if any, are from the previous run (stale); the new ones replace them when it ends.");
                lines = lines.concat(s.errors);
                banner.textContent = lines.join("\\n");
                banner.className = s.errors.length ? "error" : "stale";
                banner.hidden = lines.length === 0;
              }
              function poll() {
                fetch("\(endpoint)?since=" + since + "&page=" + encodeURIComponent("/" + page), { cache: "no-store" })
                  .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
                  .then(function (s) {
                    if (s.reload) { sessionStorage.setItem(key, String(window.scrollY)); location.reload(); return; }
                    since = s.version; show(s); poll();
                  })
                  .catch(function () { setTimeout(poll, 1000); });
              }
              show(state); poll();
            })();
            </script>

            """
    }
}
