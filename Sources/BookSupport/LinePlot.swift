import Foundation

/// A line chart drawn as a self-contained SVG: axes with ticks, grid, legend.
public struct LinePlot {
    public var xLabel: String
    public var yLabel: String
    public var title: String?
    public var logY: Bool
    public private(set) var series: [(name: String, x: [Double], y: [Double])] = []

    public init(xLabel: String, yLabel: String, title: String? = nil, logY: Bool = false) {
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.title = title
        self.logY = logY
    }

    /// Adds a line; `x` and `y` must have the same length.
    public mutating func add(_ name: String, x: [Double], y: [Double]) {
        precondition(x.count == y.count, "LinePlot.add: \(x.count) x values but \(y.count) y values")
        series.append((name, x, y))
    }

    // Colours that stay distinct for readers with the common colour-vision deficiencies.
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]

    /// The chart as SVG markup.
    public func svg(width: Double = 480, height: Double = 320) -> String {
        let left = 62.0, right = 16.0, top = title == nil ? 16.0 : 34.0, bottom = 48.0
        let plotW = width - left - right, plotH = height - top - bottom
        let xs = series.flatMap(\.x).filter(\.isFinite)
        let ys = series.flatMap(\.y).filter { $0.isFinite && (!logY || $0 > 0) }
        let xTicks = Self.ticks(xs.min() ?? 0, xs.max() ?? 1)
        let yTicks = logY ? Self.logTicks(ys.min() ?? 1, ys.max() ?? 10) : Self.ticks(ys.min() ?? 0, ys.max() ?? 1)
        let (x0, x1) = (xTicks.first!, xTicks.last!)
        let (y0, y1) = (yTicks.first!, yTicks.last!)
        func tx(_ v: Double) -> Double { left + (v - x0) / max(x1 - x0, 1e-12) * plotW }
        func ty(_ v: Double) -> Double {
            let t =
                logY
                ? (log10(v) - log10(y0)) / max(log10(y1) - log10(y0), 1e-12)
                : (v - y0) / max(y1 - y0, 1e-12)
            return top + plotH - t * plotH
        }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(fmt(width))" height="\(fmt(height))" \
            viewBox="0 0 \(fmt(width)) \(fmt(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>

            """
        if let title {
            out +=
                "<text x=\"\(fmt(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">\(escapeXML(title))</text>\n"
        }
        for v in xTicks {
            let x = tx(v)
            out +=
                "<line x1=\"\(fmt(x))\" y1=\"\(fmt(top))\" x2=\"\(fmt(x))\" y2=\"\(fmt(top + plotH))\" stroke=\"#e5e5e5\"/>"
            out +=
                "<line x1=\"\(fmt(x))\" y1=\"\(fmt(top + plotH))\" x2=\"\(fmt(x))\" y2=\"\(fmt(top + plotH + 5))\" stroke=\"black\"/>"
            out +=
                "<text x=\"\(fmt(x))\" y=\"\(fmt(top + plotH + 18))\" text-anchor=\"middle\">\(Self.label(v))</text>\n"
        }
        for v in yTicks {
            let y = ty(v)
            out +=
                "<line x1=\"\(fmt(left))\" y1=\"\(fmt(y))\" x2=\"\(fmt(left + plotW))\" y2=\"\(fmt(y))\" stroke=\"#e5e5e5\"/>"
            out +=
                "<line x1=\"\(fmt(left - 5))\" y1=\"\(fmt(y))\" x2=\"\(fmt(left))\" y2=\"\(fmt(y))\" stroke=\"black\"/>"
            out += "<text x=\"\(fmt(left - 8))\" y=\"\(fmt(y + 4))\" text-anchor=\"end\">\(Self.label(v))</text>\n"
        }
        out +=
            "<rect x=\"\(fmt(left))\" y=\"\(fmt(top))\" width=\"\(fmt(plotW))\" height=\"\(fmt(plotH))\" fill=\"none\" stroke=\"black\"/>\n"
        out +=
            "<text x=\"\(fmt(left + plotW / 2))\" y=\"\(fmt(height - 10))\" text-anchor=\"middle\">\(escapeXML(xLabel))</text>\n"
        out +=
            "<text transform=\"translate(16 \(fmt(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(escapeXML(yLabel))</text>\n"
        for (i, s) in series.enumerated() {
            let colour = Self.palette[i % Self.palette.count]
            let dash = i % 2 == 1 ? " stroke-dasharray=\"6 3\"" : ""
            let points = zip(s.x, s.y).filter { $0.0.isFinite && $0.1.isFinite && (!logY || $0.1 > 0) }
                .map { "\(fmt(tx($0.0))),\(fmt(ty($0.1)))" }.joined(separator: " ")
            out += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"\(dash)/>\n"
            let ly = top + 10 + Double(i) * 18
            let lx = left + plotW - 130
            out +=
                "<line x1=\"\(fmt(lx))\" y1=\"\(fmt(ly))\" x2=\"\(fmt(lx + 24))\" y2=\"\(fmt(ly))\" stroke=\"\(colour)\" stroke-width=\"2\"\(dash)/>"
            out += "<text x=\"\(fmt(lx + 30))\" y=\"\(fmt(ly + 4))\">\(escapeXML(s.name))</text>\n"
        }
        return out + "</svg>\n"
    }

    /// "Nice" tick values (steps of 1, 2 or 5 times a power of ten) covering lo...hi.
    static func ticks(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
        var (lo, hi) = (lo, hi)
        if hi - lo < 1e-12 {
            lo -= 0.5
            hi += 0.5
        }
        let raw = (hi - lo) / Double(count)
        let power = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power
        let first = floor(lo / step) * step, last = ceil(hi / step) * step
        return stride(from: first, through: last + step / 2, by: step).map { $0 }
    }

    /// Powers of ten (and 2x, 5x between them when the range is narrow) covering lo...hi.
    static func logTicks(_ lo: Double, _ hi: Double) -> [Double] {
        let a = floor(log10(lo)), b = max(ceil(log10(hi)), a + 1)
        var values: [Double] = []
        for e in stride(from: a, through: b, by: 1) {
            for m in (b - a <= 2 ? [1.0, 2, 5] : [1.0]) where m * pow(10, e) <= pow(10, b) {
                values.append(m * pow(10, e))
            }
        }
        return values
    }

    static func label(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e6 { return String(Int(v)) }
        return String(format: "%g", v)
    }
}

private func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

/// Escapes text for XML/HTML.
public func escapeXML(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.count)
    for c in s {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.append(c)
        }
    }
    return out
}
