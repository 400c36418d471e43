using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using DocumentFormat.OpenXml.Packaging;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace Bot.App.Regulations;

public sealed record ParsedArticle(int Number, int Sub, string Path, string Text)
{
    public string Label => ChineseNumerals.ArticleLabel(Number, Sub);
}

/// <summary>One imported file: a whole regulation, one version of it, or one part (民法典 总则, 物权编 …).</summary>
public sealed record ParsedDocument(
    string Title,
    string? Part,
    DateOnly? Version,
    string? Issuer,
    IReadOnlyList<string> History,
    IReadOnlyList<ParsedArticle> Articles,
    string Source,
    IReadOnlyList<string> Problems);

/// <summary>A line of a source with its heading level (0 = body text), whatever the file format was.</summary>
public readonly record struct SourceLine(int Heading, string Text);

/// <summary>
/// Turns Markdown, plain text, HTML and .docx into articles with their 编/章/节 path. All formats are first
/// reduced to lines; the article grammar (第X条, 第X条之一, 款 paragraphs, （一） items, 1. sub-items) is the same.
/// </summary>
public static partial class RegulationParser
{
    public static readonly string[] Extensions = [".md", ".markdown", ".txt", ".html", ".htm", ".docx"];

    public static ParsedDocument ParseFile(string path, string source)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        var lines = ext switch
        {
            ".docx" => DocxLines(path),
            ".html" or ".htm" => HtmlLines(ReadText(path)),
            ".md" or ".markdown" => MarkdownLines(ReadText(path)),
            _ => TextLines(ReadText(path)),
        };
        return Parse(lines, source, DateFromFileName(path));
    }

    /// <summary>UTF-8 (with or without BOM); texts saved from older Chinese sites are often GB18030.</summary>
    public static string ReadText(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return Encoding.GetEncoding("GB18030").GetString(bytes);
        }
    }

    public static DateOnly? DateFromFileName(string path) =>
        FileDate().Match(Path.GetFileNameWithoutExtension(path)) is { Success: true } m
        && DateOnly.TryParseExact(m.Groups[1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : null;

    public static IEnumerable<SourceLine> MarkdownLines(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            // Converted law files close their title/issuer block with an HTML comment line; any comment ends the
            // header (later ones mark tables and breaks, where the header is long over).
            if (line.StartsWith("<!--", StringComparison.Ordinal))
            {
                yield return new SourceLine(-1, "");
                continue;
            }
            var level = 0;
            while (level < line.Length && line[level] == '#')
                level++;
            if (level > 0 && level < line.Length && line[level] == ' ')
                yield return new SourceLine(level, line[(level + 1)..]);
            else
                yield return new SourceLine(0, line);
        }
    }

    public static IEnumerable<SourceLine> TextLines(string text) =>
        text.Split('\n').Select(l => new SourceLine(0, l.TrimEnd('\r')));

    public static IEnumerable<SourceLine> HtmlLines(string html)
    {
        var doc = new HtmlParser().ParseDocument(html);
        var lines = new List<SourceLine>();
        var h1 = doc.QuerySelector("h1")?.TextContent;
        var title = string.IsNullOrWhiteSpace(h1) ? doc.Title : h1;
        if (!string.IsNullOrWhiteSpace(title))
            lines.Add(new SourceLine(1, title.Trim()));
        // Block elements become lines; <br> splits lines inside a block.
        foreach (var el in doc.Body?.QuerySelectorAll("p, div, li, h2, h3, h4, h5, h6, td") ?? Enumerable.Empty<AngleSharp.Dom.IElement>())
        {
            if (el.QuerySelector("p, div, li, h2, h3, h4, h5, h6, table") is not null)
                continue; // a container: its children are visited themselves
            foreach (var br in el.QuerySelectorAll("br").ToList())
                br.Replace(doc.CreateTextNode("\n"));
            foreach (var part in el.TextContent.Split('\n'))
                lines.Add(new SourceLine(0, part));
        }
        if (lines.Count <= 1 && doc.Body is { } body)
            lines.AddRange(TextLines(body.TextContent));
        return lines;
    }

    public static IEnumerable<SourceLine> DocxLines(string path)
    {
        using var word = WordprocessingDocument.Open(path, false);
        var body = word.MainDocumentPart?.Document?.Body;
        if (body is null)
            yield break;
        var first = true;
        foreach (var p in body.Descendants<W.Paragraph>())
        {
            var text = string.Concat(p.Descendants<W.Text>().Select(t => t.Text));
            if (string.IsNullOrWhiteSpace(text))
                continue;
            var style = p.ParagraphProperties?.ParagraphStyleId?.Val?.Value ?? "";
            // The first paragraph of an official document is its title, styled or not.
            yield return new SourceLine(first || style.Equals("Title", StringComparison.OrdinalIgnoreCase) ? 1 : 0, text);
            first = false;
        }
    }

    public static ParsedDocument Parse(IEnumerable<SourceLine> lines, string source, DateOnly? fileDate = null)
    {
        string? title = null, part = null, issuer = null;
        var history = new List<string>();
        var articles = new List<ParsedArticle>();
        var problems = new List<string>();
        var path = new string?[4];
        var inHeader = true;
        int number = 0, sub = 0;
        string articlePath = "";
        StringBuilder? text = null;

        void Flush()
        {
            if (text is null)
                return;
            articles.Add(new ParsedArticle(number, sub, articlePath, text.ToString().Trim()));
            text = null;
        }

        foreach (var (heading, raw) in lines)
        {
            if (heading < 0)
            {
                inHeader = false;
                continue;
            }
            var line = Normalize(raw);
            if (line.Length == 0)
                continue;
            if (title is null)
            {
                title = CollapseSpaces(line);
                continue;
            }
            if (heading == 1 && inHeader && part is null && articles.Count == 0)
            {
                part = CollapseSpaces(line);
                continue;
            }
            if (Structure().Match(line) is { Success: true } s && line.Length <= 60)
            {
                Flush();
                inHeader = false;
                var level = s.Groups[2].Value switch { "编" => 0, "分编" => 1, "章" => 2, _ => 3 };
                path[level] = "第" + s.Groups[1].Value + s.Groups[2].Value + (s.Groups[3].Value.Length > 0 ? " " + CollapseSpaces(s.Groups[3].Value) : "");
                for (var i = level + 1; i < path.Length; i++)
                    path[i] = null;
                continue;
            }
            if (heading >= 2)
            {
                inHeader = false;
                // A heading without 第X章 (附则, 目录 …) replaces the chapter level.
                Flush();
                path[2] = CollapseSpaces(line);
                path[3] = null;
                continue;
            }
            if (Article().Match(line) is { Success: true } a && ChineseNumerals.Parse(a.Groups[1].Value) is { } n and > 0)
            {
                Flush();
                inHeader = false;
                number = n;
                sub = a.Groups[2].Success ? ChineseNumerals.Parse(a.Groups[2].Value) ?? 0 : 0;
                articlePath = string.Join(" / ", path.Where(p => p is not null));
                text = new StringBuilder(line[a.Length..].Trim());
                continue;
            }
            if (text is not null)
            {
                text.Append('\n').Append(line);
                continue;
            }
            if (inHeader && HistoryLine().IsMatch(line))
            {
                history.Add(line);
                if (issuer is null && IssuerPattern().Match(line) is { Success: true } m)
                    issuer = m.Groups[1].Value.Trim();
            }
            else if (inHeader && issuer is null && line.Length < 40 && IssuerOnly().IsMatch(line))
                issuer = line;
        }
        Flush();

        title ??= Path.GetFileNameWithoutExtension(source);
        var version = fileDate ?? history.Select(HistoryDate).Where(d => d is not null).Max();
        Validate(articles, part is not null, problems);
        return new ParsedDocument(title, part, version, issuer, history, articles, source, problems);
    }

    private static void Validate(List<ParsedArticle> articles, bool isPart, List<string> problems)
    {
        if (articles.Count == 0)
        {
            problems.Add("没有识别到任何条文（第X条）");
            return;
        }
        if (!isPart && articles[0].Number != 1)
            problems.Add($"条文从{articles[0].Label}开始，而不是第一条");
        var seen = new HashSet<(int, int)>();
        ParsedArticle? prev = null;
        foreach (var a in articles)
        {
            if (!seen.Add((a.Number, a.Sub)))
                problems.Add($"{a.Label}重复");
            else if (prev is not null && a.Sub == 0 && a.Number > prev.Number + 1)
                problems.Add(a.Number == prev.Number + 2
                    ? $"缺少{ChineseNumerals.ArticleLabel(prev.Number + 1, 0)}"
                    : $"缺少{ChineseNumerals.ArticleLabel(prev.Number + 1, 0)}至{ChineseNumerals.ArticleLabel(a.Number - 1, 0)}");
            else if (prev is not null && (a.Number < prev.Number || a.Number == prev.Number && a.Sub <= prev.Sub))
                problems.Add($"{a.Label}编号顺序倒退（前一条是{prev.Label}）");
            if (a.Text.Length == 0)
                problems.Add($"{a.Label}内容为空");
            prev = a;
        }
    }

    /// <summary>Full-width and no-break spaces become plain spaces; runs of spaces collapse.</summary>
    public static string Normalize(string line) =>
        Spaces().Replace(line.Replace('\u3000', ' ').Replace('\u00A0', ' ').Replace('\t', ' '), " ").Trim();

    /// <summary>"总　则" → "总则": official texts space out short headings; spaces between Chinese characters carry no meaning.</summary>
    public static string CollapseSpaces(string s) => CjkSpace().Replace(s.Trim(), "$1");

    private static DateOnly? HistoryDate(string line) =>
        HistoryLine().Match(line) is { Success: true } m
        && int.TryParse(m.Groups[1].Value, out var y) && int.TryParse(m.Groups[2].Value, out var mo) && int.TryParse(m.Groups[3].Value, out var d)
        && mo is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, mo)
            ? new DateOnly(y, mo, d)
            : null;

    [GeneratedRegex(@"^第([零〇一二两三四五六七八九十百千0-9０-９]+)(编|分编|章|节)(?:\s+(.*)|$)")]
    private static partial Regex Structure();

    [GeneratedRegex(@"^第\s*([零〇一二两三四五六七八九十百千0-9０-９]+)\s*条(?:之([一二三四五六七八九十]+))?(?=\s|$|[：:]|(?<=\s条))[：:]?")]
    private static partial Regex Article();

    [GeneratedRegex(@"^[（(]?(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")]
    private static partial Regex HistoryLine();

    [GeneratedRegex(@"日\s*[（(]?\s*(.{2,40}?)(?:第.{1,8}次会议)?(?:通过|发布|印发|公布|修订|修正)")]
    private static partial Regex IssuerPattern();

    [GeneratedRegex(@"(委员会|人民政府|部|院|办公厅|中央|组织部|纪委|监委)$")]
    private static partial Regex IssuerOnly();

    [GeneratedRegex(@"\((\d{4}-\d{2}-\d{2})\)\s*$")]
    private static partial Regex FileDate();

    [GeneratedRegex(@" {2,}")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"(\p{IsCJKUnifiedIdeographs}) +(?=(\p{IsCJKUnifiedIdeographs}))")]
    private static partial Regex CjkSpace();
}
