using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using ClosedXML.Excel;

namespace Bot.App.Org;

/// <summary>A directory file as a table of strings: the header line and the data rows with their sheet row numbers.</summary>
public sealed record DirectoryTable(IReadOnlyList<string> Header, IReadOnlyList<(int Row, string[] Cells)> Rows);

/// <summary>
/// Reads and writes the directory file: CSV in UTF-8 (with or without BOM), UTF-16 with BOM or GBK/GB18030 as
/// Excel in China saves it, tab- or comma-separated text pasted into chat, and .xlsx.
/// </summary>
public static partial class DirectoryFile
{
    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static readonly string[] Columns = ["姓名", "职务", "单位", "角色", "分管单位", "上级领导", "Entra对象ID", "邮箱", "手机", "企业微信账号", "管理范围"];

    private static readonly string[] ExampleRow =
        ["张三", "副部长", "县委组织部", "领导", "县委组织部/干部科、县委组织部/组织科", "buzhang@example.gov.cn", "", "zhangsan@example.gov.cn", "13800000000", "zhangsan", ""];

    static DirectoryFile() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Parses an uploaded file: .xlsx by its zip signature, otherwise text in the detected encoding.</summary>
    /// <exception cref="FormatException">The file cannot be read at all; the message is Chinese and shown to the user.</exception>
    public static DirectoryTable Read(byte[] content, string? charset = null)
    {
        if (content.Length == 0)
            throw new FormatException("文件为空。");
        return IsXlsx(content) ? ReadXlsx(content) : ReadText(Decode(content, charset));
    }

    public static bool IsXlsx(byte[] content) => content.Length > 4 && content[0] == 'P' && content[1] == 'K' && content[2] == 3 && content[3] == 4;

    /// <summary>
    /// BOM first; else a declared charset; else strict UTF-8, falling back to GB18030 (a superset of GBK) because a
    /// GBK file almost never happens to be valid UTF-8 while UTF-8 text always is.
    /// </summary>
    public static string Decode(byte[] bytes, string? charset = null)
    {
        if (bytes is [0xEF, 0xBB, 0xBF, ..])
            return new UTF8Encoding(false).GetString(bytes, 3, bytes.Length - 3);
        if (bytes is [0xFF, 0xFE, ..])
            return Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2);
        if (bytes is [0xFE, 0xFF, ..])
            return Encoding.BigEndianUnicode.GetString(bytes, 2, bytes.Length - 2);
        if (charset is { Length: > 0 } && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return Encoding.GetEncoding(charset.Trim('"')).GetString(bytes);
            }
            catch (ArgumentException)
            {
                // Unknown charset label: detect instead.
            }
        }
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding("GB18030").GetString(bytes);
        }
    }

    /// <summary>CSV per RFC 4180 (quotes, doubled quotes, line breaks inside quotes); the delimiter is taken from the header line.</summary>
    public static DirectoryTable ReadText(string text)
    {
        text = text.TrimStart('\uFEFF');
        var firstLine = text.Split('\n', 2)[0];
        var delimiter = firstLine.Contains('\t') ? '\t' : firstLine.Contains(',') ? ',' : firstLine.Contains('，') ? '，' : ',';
        var records = ParseCsv(text, delimiter);
        var header = records.Count > 0 ? records[0].Cells.Select(c => c.Trim()).ToArray() : [];
        var rows = records.Skip(1).Where(r => r.Cells.Any(c => c.Trim().Length > 0)).ToList();
        return new DirectoryTable(header, rows);
    }

    private static List<(int Row, string[] Cells)> ParseCsv(string text, char delimiter)
    {
        var records = new List<(int, string[])>();
        var cells = new List<string>();
        var cell = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                    quoted = false;
                else
                {
                    if (c == '\n')
                        line++;
                    cell.Append(c);
                }
            }
            else if (c == '"' && cell.Length == 0)
                quoted = true;
            else if (c == delimiter)
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                    i++;
                cells.Add(cell.ToString());
                cell.Clear();
                records.Add((recordLine, cells.ToArray()));
                cells.Clear();
                line++;
                recordLine = line;
            }
            else
                cell.Append(c);
        }
        if (cell.Length > 0 || cells.Count > 0)
        {
            cells.Add(cell.ToString());
            records.Add((recordLine, cells.ToArray()));
        }
        return records;
    }

    private static DirectoryTable ReadXlsx(byte[] content)
    {
        try
        {
            using var stream = new MemoryStream(content);
            using var workbook = new XLWorkbook(stream);
            var sheet = workbook.Worksheets.First();
            var lastRow = sheet.LastRowUsed()?.RowNumber() ?? 0;
            var lastColumn = sheet.LastColumnUsed()?.ColumnNumber() ?? 0;
            if (lastRow == 0)
                return new DirectoryTable([], []);
            string[] RowCells(int r) => Enumerable.Range(1, lastColumn).Select(c => CellText(sheet.Cell(r, c))).ToArray();
            var header = RowCells(1).Select(h => h.Trim()).ToArray();
            var rows = Enumerable.Range(2, Math.Max(0, lastRow - 1))
                .Select(r => (r, RowCells(r)))
                .Where(r => r.Item2.Any(c => c.Trim().Length > 0))
                .ToList();
            return new DirectoryTable(header, rows);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or FormatException or InvalidOperationException
                                       or DocumentFormat.OpenXml.Packaging.OpenXmlPackageException)
        {
            throw new FormatException("无法读取 Excel 文件（.xlsx），请确认文件未损坏。", ex);
        }
    }

    /// <summary>Numbers as plain digits: a mobile number typed into Excel is a number and must not become 1.39E+10.</summary>
    private static string CellText(IXLCell cell) => cell.Value switch
    {
        double d => d.ToString("0.##########", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        null => "",
        var v => v.ToString() ?? "",
    };

    /// <summary>The CSV template: UTF-8 with BOM so that Excel opens the Chinese headers correctly.</summary>
    public static byte[] CsvTemplate() =>
        [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(ToCsv([Columns, ExampleRow]))];

    public static string ToCsv(IEnumerable<IReadOnlyList<string>> rows) =>
        string.Concat(rows.Select(r => string.Join(',', r.Select(Quote)) + "\r\n"));

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;

    public static byte[] XlsxTemplate() => ToXlsx([Columns, ExampleRow]);

    /// <summary>Every cell as text, so mobile numbers and ids keep their digits; fixed widths (AdjustToContents needs GDI+).</summary>
    public static byte[] ToXlsx(IEnumerable<IReadOnlyList<string>> rows)
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.Worksheets.Add("名单");
        var r = 1;
        foreach (var row in rows)
        {
            for (var c = 0; c < row.Count; c++)
                sheet.Cell(r, c + 1).SetValue(row[c]).DataType = XLDataType.Text;
            r++;
        }
        sheet.Row(1).Style.Font.Bold = true;
        for (var c = 1; c <= Columns.Length; c++)
            sheet.Column(c).Width = c is 5 or 7 ? 40 : 20;
        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }

    /// <summary>Chat clients send pasted text as HTML (<c>&lt;p&gt;</c>, <c>&lt;br&gt;</c>); turn it back into lines.</summary>
    public static string PlainText(string text)
    {
        if (!text.Contains('<'))
            return WebUtility.HtmlDecode(text);
        var lines = LineBreakTag().Replace(text, "\n");
        return WebUtility.HtmlDecode(AnyTag().Replace(lines, ""));
    }

    [GeneratedRegex(@"<br\s*/?>|</p>|</div>", RegexOptions.IgnoreCase)]
    private static partial Regex LineBreakTag();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex AnyTag();
}
