/// The words the renderer itself puts on the pages (Contents, Previous, Output, ...), in the
/// language of the pages. English is the key; a language without a table, or a string missing
/// from its table, shows the English.
struct UIText {
    /// The table's language (`zh`, `id`), from a code such as `zh-CN`.
    let language: String
    private let table: [String: String]

    init(language code: String) {
        language = code.split(separator: "-").first.map { $0.lowercased() } ?? code.lowercased()
        table = Self.tables[language] ?? [:]
    }

    /// Whether the pages use other words than the English ones.
    var isTranslated: Bool { !table.isEmpty }

    /// `english` in the page language; each `{}` is replaced by the next of `arguments`.
    func callAsFunction(_ english: String, _ arguments: String...) -> String {
        var text = table[english] ?? english
        for argument in arguments {
            guard let slot = text.range(of: "{}") else { break }
            text.replaceSubrange(slot, with: argument)
        }
        return text
    }

    /// The strings the theme's scripts show (copy buttons, search), by the names the scripts use.
    /// English is the scripts' own fallback, so English pages carry none.
    var scriptStrings: [String: String] {
        guard isTranslated else { return [:] }
        var strings: [String: String] = [:]
        for (name, english) in Self.scriptKeys { strings[name] = self(english) }
        return strings
    }

    static let scriptKeys: [(String, String)] = [
        ("copy", "Copy"), ("copied", "Copied"), ("copyFailed", "Copy failed"), ("copyLabel", "Copy the code"),
        ("indexMissing", "The search index is missing."),
        ("prompt", "Type a word or two to search all {} sections of the book."),
        ("none", "No section contains “{}”."),
        ("one", "{} section contains “{}”."),
        ("many", "{} sections contain “{}”."),
    ]

    /// Every table, by language. Keep the keys in step with the English strings of the renderer
    /// (`RenderUITextTests` checks that each key is used).
    static let tables: [String: [String: String]] = ["zh": chinese, "id": indonesian]

    static let chinese: [String: String] = [
        // Page frame
        "Skip to content": "跳到正文",
        "Show or hide the table of contents": "显示或隐藏目录",
        "Switch between light and dark theme": "切换浅色与深色主题",
        "Table of contents": "目录",
        "Search the book…": "搜索本书…",
        "Search the book": "搜索本书",
        "Previous and next pages": "上一页与下一页",
        "Previous": "上一页",
        "Next": "下一页",
        "Language": "语言",
        "{} · rendered from the book's Markdown chapters; every output was produced by running the chapter's code.":
            "{} · 由本书的 Markdown 章节生成；每一项输出都来自实际运行该章的代码。",
        // Title page and search
        "A runnable book: every Swift cell is compiled and run, and what you see under it is what it printed or drew.":
            "一本可以运行的书：每个 Swift 代码单元都经过编译和运行，其下方显示的正是它实际打印或绘制的内容。",
        "Contents": "目录",
        "contents": "目录",
        "not run": "未运行",
        "run failed": "运行失败",
        "Outputs produced {}": "输出生成于 {}",
        "ran in {}": "运行耗时 {}",
        "Search": "搜索",
        "Searching needs JavaScript. The {} list every section.": "搜索需要 JavaScript。{}列出了所有小节。",
        // Chapter pages
        "Link to this section": "链接到本节",
        "Figure {}:": "图 {}",
        "This chapter as a Swift package to run (zip)": "本章的可运行 Swift 包（zip）",
        "Package": "Swift 包",
        "The whole book as a PDF": "整本书的 PDF",
        "This chapter has not been run: its outputs are missing.": "本章尚未运行，缺少输出。",
        "seed {}": "随机种子 {}",
        "Produced": "生成时间",
        "Seed": "随机种子",
        "Arguments": "参数",
        "(none)": "（无）",
        "Toolchain": "工具链",
        "Total time": "总耗时",
        "{} cell timed; each cell's time is shown above its code": "{} 个单元计时；每个单元的耗时显示在其代码上方",
        "{} cells timed; each cell's time is shown above its code": "{} 个单元计时；每个单元的耗时显示在其代码上方",
        "Inputs hash": "输入哈希",
        "This chapter's program did not compile": "本章程序未能编译",
        "This chapter's program stopped with a runtime error": "本章程序因运行时错误而停止",
        "This chapter's program timed out": "本章程序运行超时",
        "This chapter's program exited with an error": "本章程序以错误状态退出",
        " at {}": "，位置 {}",
        ". ": "。",
        "None of its outputs could be produced.": "因此没有任何输出。",
        "Outputs after the failing cell are missing.": "出错单元之后的输出缺失。",
        "Outputs after that point are missing.": "此后的输出缺失。",
        "Go to the failing cell": "转到出错的单元",
        "The error is in {}, whose library code this chapter uses.": "错误位于{}，本章使用了其中的库代码。",
        // Cells
        "library": "库",
        "This code is also part of the {} library": "这段代码也属于 {} 库",
        "must not compile": "应编译失败",
        "This cell is meant to fail to compile": "此单元本应编译失败",
        "must trap": "应触发运行时错误",
        "This cell is meant to stop with a runtime error": "此单元本应因运行时错误而停止",
        "This cell is shown but never compiled or run": "此单元仅作展示，不会编译或运行",
        "The chapter's program did not compile": "本章程序未能编译",
        "not reached": "未执行到",
        "The program stopped before this cell": "程序在此单元之前已停止",
        "Run time of this cell": "此单元的运行时间",
        "Output": "输出",
        "restored": "已恢复",
        "Restored from the checkpoint “{}” made on {}; computing it took {}": "从检查点“{}”恢复（保存于 {}；原先计算耗时 {}）",
        "Output of an earlier run ({})": "较早一次运行的输出（{}）",
        "Outputs marked “earlier run” come from the last good run, of {}; they are not this run's.":
            "标为“较早一次运行”的输出来自 {} 那次成功的运行，而非本次运行。",
        "Runtime error (as expected)": "运行时错误（符合预期）",
        "Compile error (as expected)": "编译错误（符合预期）",
        "The cell finished normally": "该单元正常结束",
        "The cell compiled": "该单元编译通过",
        "Differs from the output written in the chapter": "与章节中写明的输出不同",
        "This run's output differs from the output written in the chapter": "本次运行的输出与章节中写明的输出不同",
        "✗ differs from the chapter": "✗ 与章节不符",
        "This chapter has not run, so this value is unknown": "本章尚未运行，此数值未知",
        "The run did not record this value": "本次运行没有记录此数值",
        "This run breaks the claim the text makes here": "本次运行的结果与此处文字的说法不符",
        "Recorded by this run of the chapter": "由本章的这次运行记录",
        "✓ checked by doctest": "✓ 已由 doctest 检查",
        "The doctest compares this with what the cell produces": "doctest 会将此内容与该单元的实际输出进行比较",
        "Compile error": "编译错误",
        "Runtime error": "运行时错误",
        "Timed out": "超时",
        "The program exited with an error": "程序以错误状态退出",
        // References
        "Chapter {}": "第 {} 章",
        "Section {}": "第 {} 节",
        "Fig. {}": "图 {}",
        "Table {}": "表 {}",
        "Bibliography": "参考文献",
        "Eq. ({})": "式 ({})",
        // Scripts
        "Copy": "复制",
        "Copied": "已复制",
        "Copy failed": "复制失败",
        "Copy the code": "复制代码",
        "The search index is missing.": "缺少搜索索引。",
        "Type a word or two to search all {} sections of the book.": "输入一两个词，在本书全部 {} 个小节中搜索。",
        "No section contains “{}”.": "没有小节包含“{}”。",
        "{} section contains “{}”.": "有 {} 个小节包含“{}”。",
        "{} sections contain “{}”.": "有 {} 个小节包含“{}”。",
    ]

    static let indonesian: [String: String] = [
        // Page frame
        "Skip to content": "Langsung ke isi",
        "Show or hide the table of contents": "Tampilkan atau sembunyikan daftar isi",
        "Switch between light and dark theme": "Beralih antara tema terang dan gelap",
        "Table of contents": "Daftar isi",
        "Search the book…": "Cari di buku ini…",
        "Search the book": "Cari di buku ini",
        "Previous and next pages": "Halaman sebelumnya dan berikutnya",
        "Previous": "Sebelumnya",
        "Next": "Berikutnya",
        "Language": "Bahasa",
        "{} · rendered from the book's Markdown chapters; every output was produced by running the chapter's code.":
            "{} · dibuat dari bab-bab Markdown buku ini; setiap keluaran dihasilkan dengan menjalankan kode bab tersebut.",
        // Title page and search
        "A runnable book: every Swift cell is compiled and run, and what you see under it is what it printed or drew.":
            "Buku yang dapat dijalankan: setiap sel Swift dikompilasi dan dijalankan, dan yang tampil di bawahnya adalah apa yang dicetak atau digambarnya.",
        "Contents": "Daftar Isi",
        "contents": "Daftar isi",
        "not run": "belum dijalankan",
        "run failed": "gagal dijalankan",
        "Outputs produced {}": "Keluaran dihasilkan {}",
        "ran in {}": "berjalan {}",
        "Search": "Cari",
        "Searching needs JavaScript. The {} list every section.":
            "Pencarian memerlukan JavaScript. {} memuat setiap bagian.",
        // Chapter pages
        "Link to this section": "Tautan ke bagian ini",
        "Figure {}:": "Gambar {}:",
        "This chapter as a Swift package to run (zip)": "Bab ini sebagai paket Swift yang dapat dijalankan (zip)",
        "Package": "Paket",
        "The whole book as a PDF": "Seluruh buku sebagai PDF",
        "This chapter has not been run: its outputs are missing.": "Bab ini belum dijalankan: keluarannya belum ada.",
        "seed {}": "seed {}",
        "Produced": "Dihasilkan",
        "Seed": "Seed",
        "Arguments": "Argumen",
        "(none)": "(tidak ada)",
        "Toolchain": "Toolchain",
        "Total time": "Waktu total",
        "{} cell timed; each cell's time is shown above its code":
            "{} sel diukur waktunya; waktu setiap sel tertera di atas kodenya",
        "{} cells timed; each cell's time is shown above its code":
            "{} sel diukur waktunya; waktu setiap sel tertera di atas kodenya",
        "Inputs hash": "Hash masukan",
        "This chapter's program did not compile": "Program bab ini gagal dikompilasi",
        "This chapter's program stopped with a runtime error": "Program bab ini berhenti karena galat saat berjalan",
        "This chapter's program timed out": "Program bab ini melewati batas waktu",
        "This chapter's program exited with an error": "Program bab ini keluar dengan galat",
        " at {}": " di {}",
        "None of its outputs could be produced.": "Tidak ada keluaran yang dapat dihasilkan.",
        "Outputs after the failing cell are missing.": "Keluaran setelah sel yang gagal tidak ada.",
        "Outputs after that point are missing.": "Keluaran setelah titik itu tidak ada.",
        "Go to the failing cell": "Ke sel yang gagal",
        "The error is in {}, whose library code this chapter uses.":
            "Galatnya ada di {}, yang kode pustakanya dipakai bab ini.",
        // Cells
        "library": "pustaka",
        "This code is also part of the {} library": "Kode ini juga bagian dari pustaka {}",
        "must not compile": "harus gagal dikompilasi",
        "This cell is meant to fail to compile": "Sel ini memang dimaksudkan gagal dikompilasi",
        "must trap": "harus berhenti dengan galat",
        "This cell is meant to stop with a runtime error":
            "Sel ini memang dimaksudkan berhenti dengan galat saat berjalan",
        "This cell is shown but never compiled or run":
            "Sel ini hanya ditampilkan, tidak pernah dikompilasi atau dijalankan",
        "The chapter's program did not compile": "Program bab ini gagal dikompilasi",
        "not reached": "tidak tercapai",
        "The program stopped before this cell": "Program berhenti sebelum sel ini",
        "Run time of this cell": "Waktu jalan sel ini",
        "Output": "Keluaran",
        "restored": "dipulihkan",
        "Restored from the checkpoint “{}” made on {}; computing it took {}":
            "Dipulihkan dari titik simpan “{}” yang dibuat pada {}; menghitungnya dulu memakan {}",
        "Output of an earlier run ({})": "Keluaran dari jalannya sebelumnya ({})",
        "Outputs marked “earlier run” come from the last good run, of {}; they are not this run's.":
            "Keluaran yang ditandai “jalannya sebelumnya” berasal dari jalannya terakhir yang berhasil, pada {}; bukan dari jalannya kali ini.",
        "Runtime error (as expected)": "Galat saat berjalan (sesuai harapan)",
        "Compile error (as expected)": "Galat kompilasi (sesuai harapan)",
        "The cell finished normally": "Sel ini selesai dengan normal",
        "The cell compiled": "Sel ini berhasil dikompilasi",
        "Differs from the output written in the chapter": "Berbeda dari keluaran yang tertulis di bab",
        "This run's output differs from the output written in the chapter":
            "Keluaran jalannya kali ini berbeda dari yang tertulis di bab",
        "✗ differs from the chapter": "✗ berbeda dari bab",
        "This chapter has not run, so this value is unknown":
            "Bab ini belum dijalankan, jadi nilai ini belum diketahui",
        "The run did not record this value": "Jalannya program tidak mencatat nilai ini",
        "This run breaks the claim the text makes here": "Hasil jalannya kali ini menyalahi klaim teks di sini",
        "Recorded by this run of the chapter": "Dicatat oleh jalannya bab ini",
        "✓ checked by doctest": "✓ diperiksa oleh doctest",
        "The doctest compares this with what the cell produces": "Doctest membandingkan ini dengan keluaran sel",
        "Compile error": "Galat kompilasi",
        "Runtime error": "Galat saat berjalan",
        "Timed out": "Melewati batas waktu",
        "The program exited with an error": "Program keluar dengan galat",
        // References
        "Chapter {}": "Bab {}",
        "Section {}": "Bagian {}",
        "Fig. {}": "Gambar {}",
        "Table {}": "Tabel {}",
        "Bibliography": "Daftar Pustaka",
        "Eq. ({})": "Persamaan ({})",
        // Scripts
        "Copy": "Salin",
        "Copied": "Tersalin",
        "Copy failed": "Gagal menyalin",
        "Copy the code": "Salin kode",
        "The search index is missing.": "Indeks pencarian tidak ada.",
        "Type a word or two to search all {} sections of the book.":
            "Ketik satu atau dua kata untuk mencari di {} bagian buku ini.",
        "No section contains “{}”.": "Tidak ada bagian yang memuat “{}”.",
        "{} section contains “{}”.": "{} bagian memuat “{}”.",
        "{} sections contain “{}”.": "{} bagian memuat “{}”.",
    ]
}
