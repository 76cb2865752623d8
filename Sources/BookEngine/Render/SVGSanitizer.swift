import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Makes SVG markup the engine did not write (a cell's figures, `Chapters/img/*.svg`) safe
/// to show: the text is parsed as XML and written out again keeping only allowlisted
/// elements and attributes.
///
/// Anything not on the lists goes with its content: scripts, `foreignObject`, `style`
/// sheets (`@import`, page-wide rules), animation (it can retarget `href`), links, images,
/// event attributes. References must stay inside the figure (`#id`, `url(#id)`). Comments,
/// processing instructions and the doctype are dropped. Malformed XML is refused, never
/// passed through; what comes out is escaped text the HTML parser reads the same way.
enum SVGSanitizer {
    struct Malformed: LocalizedError, CustomStringConvertible {
        var line: Int
        var reason: String
        var description: String { "the SVG is not well-formed XML (line \(line)): \(reason)" }
        var errorDescription: String? { description }
    }

    /// Elements kept: shapes, text, grouping, paint servers, clipping; nothing that runs,
    /// loads or animates.
    static let elements: Set<String> = [
        "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata",
        "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
        "text", "tspan", "textPath",
        "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
    ]

    /// Elements dropped but whose content is kept: a link's text stays, the link goes.
    static let unwrapped: Set<String> = ["a", "switch"]

    /// Attributes kept (geometry and presentation); `href` only as a reference inside the figure.
    static let attributes: Set<String> = [
        "id", "class", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy",
        "width", "height", "d", "points", "pathLength", "transform", "viewBox", "preserveAspectRatio",
        "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-dasharray",
        "stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "opacity",
        "color", "visibility", "display", "shape-rendering", "text-rendering", "vector-effect",
        "font-family", "font-size", "font-weight", "font-style", "font-variant", "text-anchor",
        "dominant-baseline", "alignment-baseline", "baseline-shift", "letter-spacing", "word-spacing",
        "text-decoration", "dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset", "xml:space",
        "clip-path", "clip-rule", "clipPathUnits", "mask", "maskUnits", "maskContentUnits",
        "marker-start", "marker-mid", "marker-end", "markerWidth", "markerHeight", "markerUnits",
        "refX", "refY", "orient", "offset", "stop-color", "stop-opacity", "gradientUnits",
        "gradientTransform", "spreadMethod", "patternUnits", "patternContentUnits", "patternTransform",
        "version", "role", "aria-label", "aria-hidden", "aria-labelledby", "aria-describedby",
        "href", "xlink:href", "xmlns", "xmlns:xlink", "style",
    ]

    static let svgNamespace = "http://www.w3.org/2000/svg"
    static let xlinkNamespace = "http://www.w3.org/1999/xlink"
    /// Deeper trees are refused (no real figure nests this far; it bounds the recursion).
    static let maximumDepth = 200

    /// The figure made safe, or a short error box in its place if it cannot be read.
    static func sanitize(_ svg: String) -> String {
        switch clean(svg) {
        case .success(let markup): return markup
        case .failure(let problem):
            return "<p class=\"figure-error\">Figure not shown: \(HTML.escape(problem.description))</p>"
        }
    }

    /// The allowlisted markup of `svg`, or why it is not well-formed.
    static func clean(_ svg: String) -> Result<String, Malformed> {
        let reader = TreeReader()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = reader
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        let ok = parser.parse()
        if !ok || reader.failure != nil {
            let code = (parser.parserError as NSError?)?.code
            let reason =
                reader.failure.map { $0.contains("could not be completed") ? "" : $0 }.flatMap { $0.isEmpty ? nil : $0 }
                ?? "the XML parser stopped at column \(parser.columnNumber)\(code.map { " (libxml2 error \($0))" } ?? "")"
            return .failure(Malformed(line: max(1, parser.lineNumber), reason: reason))
        }
        guard let root = reader.root, root.name == "svg" else {
            return .failure(Malformed(line: 1, reason: "the root element must be <svg>"))
        }
        var out = ""
        write(root, to: &out)
        return .success(out)
    }

    // MARK: - Writing

    private static func write(_ element: Element, to out: inout String) {
        out += "<\(element.name)"
        for (name, value) in element.attributes where isSafe(attribute: name, value: value, on: element.name) {
            out += " \(name)=\"\(HTML.escape(value))\""
        }
        let children = kept(element.children)
        if children.isEmpty {
            out += "/>"
            return
        }
        out += ">"
        for child in children {
            switch child {
            case .text(let text): out += HTML.escape(text)
            case .element(let e): write(e, to: &out)
            }
        }
        out += "</\(element.name)>"
    }

    /// The allowlisted children, with unwrapped elements replaced by their own kept children.
    private static func kept(_ nodes: [Node]) -> [Node] {
        nodes.flatMap { node -> [Node] in
            guard case .element(let e) = node else { return [node] }
            if elements.contains(e.name) { return [node] }
            return unwrapped.contains(e.name) ? kept(e.children) : []
        }
    }

    static func isSafe(attribute name: String, value: String, on element: String) -> Bool {
        guard attributes.contains(name) else { return false }
        let squeezed = value.lowercased().filter { !$0.isWhitespace && !$0.isASCIIControl }
        if squeezed.contains("javascript:") || squeezed.contains("data:") || squeezed.contains("vbscript:") {
            return false
        }
        switch name {
        case "href", "xlink:href": return squeezed.hasPrefix("#")  // a fragment of this figure, never a link out
        case "xmlns": return value == svgNamespace
        case "xmlns:xlink": return value == xlinkNamespace
        case "style":
            // No escapes to hide words in, no rules, no loads.
            return !squeezed.contains("\\") && !squeezed.contains("@") && !squeezed.contains("expression(")
                && !squeezed.contains("behavior") && !squeezed.contains("binding") && localURLsOnly(squeezed)
        default: return localURLsOnly(squeezed)
        }
    }

    /// Every `url(...)` in a value points inside the figure (`url(#id)`).
    private static func localURLsOnly(_ value: String) -> Bool {
        var rest = Substring(value)
        while let range = rest.range(of: "url(") {
            let target = rest[range.upperBound...].drop { $0 == "\"" || $0 == "'" }
            if !target.hasPrefix("#") { return false }
            rest = rest[range.upperBound...]
        }
        return true
    }

    // MARK: - The tree

    final class Element {
        let name: String
        let attributes: [(String, String)]
        var children: [Node] = []
        init(name: String, attributes: [(String, String)]) {
            self.name = name
            self.attributes = attributes
        }
    }

    enum Node {
        case element(Element)
        case text(String)
    }

    /// Builds the element tree from XMLParser's events; comments, processing instructions
    /// and the doctype produce no nodes.
    final class TreeReader: NSObject, XMLParserDelegate {
        var root: Element?
        var stack: [Element] = []
        var failure: String?

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
            qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            guard stack.count < SVGSanitizer.maximumDepth else {
                failure = "elements nested deeper than \(SVGSanitizer.maximumDepth)"
                parser.abortParsing()
                return
            }
            let element = Element(
                name: name, attributes: attributes.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
            if let parent = stack.last {
                parent.children.append(.element(element))
            } else if root == nil {
                root = element
            }
            stack.append(element)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            _ = stack.popLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.children.append(.text(string))
        }

        func parser(_ parser: XMLParser, foundCDATA data: Data) {
            stack.last?.children.append(.text(String(decoding: data, as: UTF8.self)))
        }

        // libxml2 may recover from an error and go on; a figure with any error is refused.
        // (A namespace slip, libxml2's 200s, such as an undeclared `xlink:`, is not: names are
        // allowlisted as written.)
        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            let code = (parseError as NSError).code
            if failure == nil, !(200..<300).contains(code) { failure = (parseError as NSError).localizedDescription }
        }

        func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
            // Entity definitions are how "billion laughs" blows up; figures need none.
            failure = "entity declarations are not allowed"
            parser.abortParsing()
        }
    }
}

extension Character {
    fileprivate var isASCIIControl: Bool { asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false }
}
