import Foundation

/// Turns prose HTML with placeholders into page HTML: inline math and numbered references.
struct InlineRenderer {
    let context: RenderContext
    let chapter: Chapter

    /// `html` with every placeholder replaced; `line` locates warnings.
    func render(_ html: String, line: Int) -> String {
        var out = ""
        // Where the formula just written starts (UTF-8 offset in `out`), if the last token was one.
        var mathStart: Int?
        // Inside a tag (an image's alt text, a link's title) a placeholder becomes plain text:
        // markup there would end the attribute.
        var inTag = false
        for token in Placeholder.tokens(in: html) {
            let start = out.utf8.count
            if inTag, let text = attributeText(token) {
                out += HTML.escape(text)
                continue
            }
            switch token {
            case .text(let text):
                var text = Self.rewriteChapterLinks(CJK.joinLines(text))
                // A formula's typeset boxes let a line break before the comma after it: the formula
                // and the punctuation are glued (`$x$,`, `$x$，` never leave the comma to start a line).
                let punctuation = text.prefix { Self.closingPunctuation.contains($0) }
                if let mathStart, !punctuation.isEmpty {
                    let split = out.utf8.index(out.utf8.startIndex, offsetBy: mathStart)
                    out =
                        String(out[..<split]) + "<span class=\"math-glue\">" + String(out[split...]) + punctuation
                        + "</span>"
                    text.removeFirst(punctuation.count)
                }
                out += text
                if let last = text.lastIndex(where: { $0 == "<" || $0 == ">" }) { inTag = text[last] == "<" }
            case .math(let index): out += math(index, line: line)
            // Display math that stood inside a paragraph: the loader gives it `\displaystyle`, in line.
            case .tex(let tex): out += "<span class=\"math inline\">\(HTML.escape(tex))</span>"
            case .reference(let kind, let label, let at): out += reference(kind, label, line: at ?? line)
            case .citation(let kind, let keys): out += citation(kind, keys, line: line)
            case .cell: break  // the chapter renderer puts the cell there
            case .value(let spec, let valueLine): out += value(spec, line: valueLine)
            }
            switch token {
            case .math, .tex: mathStart = start
            default: mathStart = nil
            }
        }
        return out
    }

    /// What a placeholder reads as inside an attribute: the TeX source, a reference's text.
    private func attributeText(_ token: Placeholder.Token) -> String? {
        switch token {
        case .text: return nil
        case .math(let index): return chapter.inlineMath.indices.contains(index) ? chapter.inlineMath[index] : "??"
        case .tex(let tex): return tex
        case .reference(let kind, let label, _): return context.labels[label].map { referenceText(kind, $0) } ?? "??"
        case .citation(_, let keys): return citationText(keys)
        case .cell: return ""
        case .value(let spec, _):
            guard case .success(let reference) = ValueReference.parse(spec),
                let value = context.run(of: chapter)?.values[reference.name]
            else { return "??" }
            return reference.text(of: value)
        }
    }

    /// Punctuation that must not begin a line (after a formula). Not `'`: that is `&#39;` here.
    static let closingPunctuation: Set<Character> = Set(",.;:!?)]}’”，。、；：！？）】』」〉》…")

    /// Plain text of `html` for the search index, math reduced to its letters.
    func plainText(_ html: String) -> String {
        var out = ""
        for token in Placeholder.tokens(in: html) {
            switch token {
            case .text(let text): out += CJK.joinLines(text)
            case .math(let index):
                if chapter.inlineMath.indices.contains(index) {
                    out += Self.searchText(ofTeX: chapter.inlineMath[index])
                }
            case .tex(let tex): out += Self.searchText(ofTeX: tex)
            case .reference(let kind, let label, _):
                out += context.labels[label].map { referenceText(kind, $0) } ?? "??"
            case .citation(_, let keys): out += HTML.escape(citationText(keys))
            case .cell: break
            case .value(let spec, _):
                if case .success(let reference) = ValueReference.parse(spec),
                    let value = context.run(of: chapter)?.values[reference.name]
                {
                    out += HTML.escape(reference.text(of: value))
                }
            }
        }
        return HTML.plainText(out)
    }

    func math(_ index: Int, line: Int) -> String {
        guard chapter.inlineMath.indices.contains(index) else {
            context.warn(chapter.location(line), "inline math \(index) is missing")
            return "<span class=\"ref-missing\">??</span>"
        }
        return "<span class=\"math inline\">\(HTML.escape(chapter.inlineMath[index]))</span>"
    }

    func reference(_ kind: Placeholder.ReferenceKind, _ label: String, line: Int) -> String {
        guard let target = context.labels[label] else {
            context.warn(chapter.location(line), "`:\(kind.rawValue):` to unknown label `\(label)`")
            return "<span class=\"ref ref-missing\" title=\"unknown label: \(HTML.escape(label))\">??</span>"
        }
        if kind == .eqref && target.kind != .equation {
            context.warn(
                chapter.location(line), "`:eqref:` to `\(label)`, which is a \(target.kind.rawValue), not an equation")
        }
        // A figure's title is its caption's HTML; a heading's is plain text already.
        let title: String
        switch target.kind {
        case .equation, .table: title = ""
        case .figure:
            // The caption's math and references are placeholders of the figure's own chapter.
            let owner = context.book.chapter(named: target.chapter) ?? chapter
            title = InlineRenderer(context: context, chapter: owner).plainText(target.title)
        case .chapter, .section: title = target.title
        }
        let titleAttribute = title.isEmpty ? "" : " title=\"\(HTML.escape(title))\""
        return
            "<a class=\"ref ref-\(target.kind.rawValue)\" href=\"\(HTML.escape(href(to: target)))\"\(titleAttribute)>"
            + HTML.escape(referenceText(kind, target)) + "</a>"
    }

    /// Cited works as plain text (`Cho et al. 2014; Elman 1990`), for search and attributes.
    func citationText(_ keys: [String]) -> String {
        keys.compactMap { context.original.bibliography.entries[$0].map { "\($0.authorText) \($0.year)" } }.joined(
            separator: "; ")
    }

    /// `(Cho et al., 2014; Elman, 1990)` for `:cite:`, `Hochreiter and Schmidhuber (1997)` for `:citet:`,
    /// each name linking to its entry on the bibliography page.
    func citation(_ kind: Placeholder.CitationKind, _ keys: [String], line: Int) -> String {
        let links = keys.map { key -> String in
            guard let entry = context.original.bibliography.entries[key] else {
                context.warn(chapter.location(line), "`:\(kind.rawValue):` of unknown BibTeX key `\(key)`")
                return "<span class=\"cite cite-missing\" title=\"unknown key: \(HTML.escape(key))\">??</span>"
            }
            let text = kind == .cite ? "\(entry.authorText), \(entry.year)" : "\(entry.authorText) (\(entry.year))"
            let href = BibliographyPage.pageName + "#" + BibliographyPage.anchor(of: key)
            let title = Bibliography.plainText(entry.fields["title"] ?? "")
            return
                "<a class=\"cite\" href=\"\(HTML.escape(href))\" title=\"\(HTML.escape(title))\">\(HTML.escape(text))</a>"
        }
        return kind == .cite ? "(" + links.joined(separator: "; ") + ")" : links.joined(separator: ", ")
    }

    /// A value the chapter's run recorded, as the prose quotes it; a claim it breaks fails the render.
    func value(_ spec: String, line: Int) -> String {
        let location = chapter.location(line)
        guard case .success(let reference) = ValueReference.parse(spec) else {
            return "<span class=\"value value-missing\">?</span>"  // the loader reported it
        }
        let missing = { (why: String) in
            "<span class=\"value value-missing\" title=\"\(HTML.escape(why))\">?</span>"
        }
        guard let run = context.run(of: chapter) else {
            return missing(context.ui("This chapter has not run, so this value is unknown"))
        }
        guard let value = run.values[reference.name] else {
            if run.failure == nil {
                context.fail(
                    location,
                    "no cell of \(context.sourceChapter(of: chapter).path) recorded the value `\(reference.name)` "
                        + "(record it in a cell with Book.record(\"\(reference.name)\", ...))")
            }
            return missing(context.ui("The run did not record this value"))
        }
        let text = HTML.escape(reference.text(of: value))
        // Claims hold for the chapter's own settings; a quick run (fewer epochs) only shows the value.
        if let range = reference.range, run.record.arguments.isEmpty, !reference.holds(for: value) {
            context.fail(
                location,
                "the prose claims `\(reference.name)` lies in \(Self.number(range.lowerBound))...\(Self.number(range.upperBound)), "
                    + "but this run recorded \(reference.text(of: value)); change the text or the code")
            return
                "<span class=\"value value-broken\" title=\"\(HTML.escape(context.ui("This run breaks the claim the text makes here")))\">\(text)</span>"
        }
        return
            "<span class=\"value\" title=\"\(HTML.escape(context.ui("Recorded by this run of the chapter")))\">\(text)</span>"
    }

    private static func number(_ x: Double) -> String { x.rounded() == x ? String(Int64(x)) : String(x) }

    /// What a reference shows: `Section 4.2`, `Fig. 4.1`, `(4.1)`.
    func referenceText(_ kind: Placeholder.ReferenceKind, _ target: LabelTarget) -> String {
        let number = target.number.isEmpty ? "??" : target.number
        if kind == .eqref { return "(\(number))" }
        let ui = context.ui
        switch target.kind {
        case .chapter: return ui("Chapter {}", number)
        case .section: return ui("Section {}", number)
        case .figure: return ui("Fig. {}", number)
        case .equation: return ui("Eq. ({})", number)
        case .table: return ui("Table {}", number)
        }
    }

    /// A link to `target` from this chapter's page.
    func href(to target: LabelTarget) -> String {
        if target.kind == .chapter && target.chapter != chapter.name {
            return RenderContext.pageName(of: target.chapter)
        }
        let page = target.chapter == chapter.name ? "" : RenderContext.pageName(of: target.chapter)
        return "\(page)#\(target.anchor)"
    }

    /// Links between chapters written as `other.md#x` point at the rendered `other.html#x`.
    static func rewriteChapterLinks(_ html: String) -> String {
        guard html.contains(".md") else { return html }
        var out = ""
        var rest = Substring(html)
        while let start = rest.range(of: "href=\"") {
            out += rest[..<start.upperBound]
            rest = rest[start.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { break }
            var value = String(rest[..<end])
            let path =
                value.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            if path.hasSuffix(".md") && !path.contains(":") {
                let name = (path as NSString).lastPathComponent.dropLast(3)
                value = "\(name).html" + value.dropFirst(path.count)
            }
            out += value
            rest = rest[end...]
        }
        return out + rest
    }

    /// A formula as searchable text: `\mathbf{X}_t \in \mathbb{R}^{n \times d}` gives `X_t ∈ ℝ^n×d`.
    static func searchText(ofTeX source: String) -> String {
        let tex = source.replacingOccurrences(of: "\\mathbb{R}", with: "ℝ")
        var out = ""
        var i = tex.startIndex
        while i < tex.endIndex {
            let c = tex[i]
            if c == "\\" {
                let nameStart = tex.index(after: i)
                var end = nameStart
                while end < tex.endIndex, tex[end].isLetter { end = tex.index(after: end) }
                if end == nameStart, end < tex.endIndex { end = tex.index(after: end) }  // `\,` `\{`
                let name = String(tex[nameStart..<end])
                if let symbol = texSymbols[name] {
                    out += symbol
                } else if ["log", "exp", "tanh", "sin", "cos", "max", "min", "softmax", "argmax"].contains(name) {
                    out += " \(name) "
                } else if name == "{" || name == "}" {
                    out += name
                }
                i = end
                continue
            }
            if c != "{" && c != "}" && c != "$" { out.append(c) }
            i = tex.index(after: i)
        }
        return HTML.escape(HTML.collapseWhitespace(out))
    }

    static let texSymbols: [String: String] = [
        "in": " ∈ ", "times": "×", "cdot": "·", "odot": "⊙", "ldots": "…", "cdots": "…", "dots": "…",
        "sum": "∑", "prod": "∏", "approx": "≈", "leq": "≤", "geq": "≥", "neq": "≠", "to": "→", "rightarrow": "→",
        "infty": "∞", "partial": "∂", "nabla": "∇", "top": "ᵀ", "mathbb": "", "sqrt": "√",
        "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eta": "η", "theta": "θ",
        "lambda": "λ", "mu": "μ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "psi": "ψ",
        "omega": "ω", "Sigma": "Σ", "Delta": "Δ", "Phi": "Φ", "Omega": "Ω",
    ]
}
