using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ClosedXML.Excel;

namespace Bot.App.Notices;

/// <summary>Per-recipient results as CSV or XLSX, and short-lived signed download links for the chat.</summary>
public sealed class NoticeExport(NoticeOptions options, TimeProvider time, IConfiguration config)
{
    private static readonly string[] Header = ["姓名", "单位", "状态", "原因", "尝试次数", "提醒次数", "发送时间", "已阅时间"];
    // Without a configured key, links are signed with a per-process key: they are short-lived anyway.
    private readonly byte[] key = config["Notices:LinkKey"] is { Length: >= 16 } k ? Encoding.UTF8.GetBytes(k) : RandomNumberGenerator.GetBytes(32);

    public static string StateText(DeliveryState s) => s switch
    {
        DeliveryState.Queued => "待发送",
        DeliveryState.InDoubt => "发送中",
        DeliveryState.Sent => "已送达",
        DeliveryState.Failed => "失败",
        DeliveryState.Blocked => "被屏蔽",
        _ => "未安装",
    };

    private static string[] Row(NoticeDelivery d) =>
    [
        d.Name, d.UnitPath ?? "", StateText(d.State), d.Reason ?? "", d.Attempts.ToString(CultureInfo.InvariantCulture),
        d.Reminders.ToString(CultureInfo.InvariantCulture), d.SentAt is { } s ? NoticeTime.Full(s) : "", d.AckedAt is { } a ? NoticeTime.Full(a) : "",
    ];

    public static byte[] Csv(IEnumerable<NoticeDelivery> rows)
    {
        var sb = new StringBuilder();
        foreach (var line in rows.Select(Row).Prepend(Header))
            sb.Append(string.Join(',', line.Select(Quote))).Append("\r\n");
        // BOM so Excel opens the Chinese text as UTF-8.
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(sb.ToString())];
    }

    public static byte[] Xlsx(Notice notice, IEnumerable<NoticeDelivery> rows)
    {
        using var book = new XLWorkbook();
        var sheet = book.Worksheets.Add("送达情况");
        for (var c = 0; c < Header.Length; c++)
            sheet.Cell(1, c + 1).Value = Header[c];
        sheet.Row(1).Style.Font.Bold = true;
        var r = 2;
        foreach (var row in rows)
        {
            var values = Row(row);
            for (var c = 0; c < values.Length; c++)
                sheet.Cell(r, c + 1).SetValue(values[c]);
            r++;
        }
        // Fixed widths: AdjustToContents needs fonts that a server may not have (and is slow on big sheets).
        double[] widths = [12, 28, 10, 30, 10, 10, 20, 20];
        for (var c = 0; c < widths.Length; c++)
            sheet.Column(c + 1).Width = widths[c];
        book.Worksheets.Add("通知").Cell(1, 1).SetValue(notice.Title);
        using var stream = new MemoryStream();
        book.SaveAs(stream);
        return stream.ToArray();
    }

    private static string Quote(string v)
    {
        // A leading = + - @ would run as a formula in Excel.
        if (v.Length > 0 && "=+-@".Contains(v[0]))
            v = "'" + v;
        return v.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + v.Replace("\"", "\"\"") + "\"" : v;
    }

    public string SignedUrl(int noticeId, string format)
    {
        var expires = time.GetUtcNow().AddMinutes(options.ExportLinkMinutes).ToUnixTimeSeconds();
        return $"{options.PublicBaseUrl.TrimEnd('/')}/api/notices/{noticeId}/export?format={format}&exp={expires}&sig={Sign(noticeId, format, expires)}";
    }

    public bool Verify(int noticeId, string format, long expires, string? signature) =>
        signature is not null && time.GetUtcNow().ToUnixTimeSeconds() <= expires
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(noticeId, format, expires)), Encoding.ASCII.GetBytes(signature));

    private string Sign(int noticeId, string format, long expires) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{noticeId}|{format}|{expires}")));
}
