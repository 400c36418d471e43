using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Bot.App.Data;
using Bot.App.Org;
using Bot.App.Talks;
using ClosedXML.Excel;
using Microsoft.EntityFrameworkCore;

namespace Bot.App.Reports;

/// <summary>All reports of a campaign, one row per assignment (reported or not), as CSV (UTF-8 with BOM for Excel) or .xlsx.</summary>
public sealed class ReportExport(BotDbContext db)
{
    public static readonly string[] Headers =
        ["任务", "责任领导", "单位", "层级", "状态", "截止日期", "约谈日期", "形式", "约谈对象", "涉及主题", "主题覆盖", "谈话摘要", "问题及后续措施", "提交时间", "版本"];

    public async Task<List<string[]>> RowsAsync(Campaign campaign, CancellationToken ct)
    {
        var assignments = await db.Set<Assignment>().AsNoTracking().Where(a => a.CampaignId == campaign.Id).OrderBy(a => a.Depth).ThenBy(a => a.Id).ToListAsync(ct);
        var ids = assignments.Select(a => a.Id).ToList();
        var reports = await db.Set<TalkReport>().AsNoTracking().Where(r => ids.Contains(r.AssignmentId)).ToDictionaryAsync(r => r.AssignmentId, ct);
        var leaderIds = assignments.Select(a => a.LeaderId).ToList();
        var people = await db.Set<Person>().AsNoTracking().Include(p => p.Unit).Where(p => leaderIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        return assignments.Select(a =>
        {
            reports.TryGetValue(a.Id, out var r);
            var p = people[a.LeaderId];
            return new[]
            {
                campaign.Title, p.Name, p.Unit?.Path ?? "", (a.Depth + 1).ToString(CultureInfo.InvariantCulture), ProgressService.StatusText(a.Status),
                a.Deadline.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r?.TalkDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
                r?.Form ?? "", r is null ? "" : TalkCards.TargetsText(r.Covered), r is null ? "" : string.Join("；", r.Topics),
                r is null ? "" : $"{r.Topics.Count}/{campaign.Topics.Count}", r?.Summary ?? "", r?.Problems ?? "",
                r is null ? "" : OrgTime.FormatTime(r.SubmittedAt), r?.Version.ToString(CultureInfo.InvariantCulture) ?? "",
            };
        }).ToList();
    }

    public static byte[] Csv(IEnumerable<string[]> rows)
    {
        var sb = new StringBuilder();
        foreach (var row in new[] { Headers }.Concat(rows))
            sb.Append(string.Join(',', row.Select(Quote))).Append("\r\n");
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(sb.ToString())];
    }

    private static string Quote(string v)
    {
        // A leading = + - @ would be run as a formula by Excel.
        if (v.Length > 0 && "=+-@".Contains(v[0], StringComparison.Ordinal))
            v = "'" + v;
        return v.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v;
    }

    public static byte[] Xlsx(string sheetTitle, IEnumerable<string[]> rows)
    {
        using var workbook = new XLWorkbook();
        var sheet = workbook.Worksheets.Add("约谈报告");
        for (var c = 0; c < Headers.Length; c++)
        {
            sheet.Cell(1, c + 1).Value = Headers[c];
            sheet.Cell(1, c + 1).Style.Font.Bold = true;
        }
        var r = 2;
        foreach (var row in rows)
        {
            for (var c = 0; c < row.Length; c++)
                sheet.Cell(r, c + 1).SetValue(row[c]);
            r++;
        }
        // Fixed widths: AdjustToContents needs GDI+, which the server does not have.
        for (var c = 1; c <= Headers.Length; c++)
            sheet.Column(c).Width = c is 9 or 10 or 12 or 13 ? 40 : 14;
        sheet.SheetView.FreezeRows(1);
        workbook.Properties.Title = sheetTitle;
        using var stream = new MemoryStream();
        workbook.SaveAs(stream);
        return stream.ToArray();
    }
}

/// <summary>Short-lived download links for exports in chat: HMAC over campaign, format and expiry.</summary>
public sealed class ExportLinks(IConfiguration config, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);
    private readonly byte[] key = config["Talks:LinkKey"] is { Length: >= 16 } k ? Encoding.UTF8.GetBytes(k) : RandomNumberGenerator.GetBytes(32);

    public string Create(int campaignId, string format)
    {
        var exp = time.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds();
        var baseUrl = (config["Bot:PublicUrl"] is { Length: > 0 } u ? u : "http://localhost:3978").TrimEnd('/');
        return $"{baseUrl}/api/talks/export/{campaignId}.{format}?exp={exp}&sig={Sign(campaignId, format, exp)}";
    }

    public bool IsValid(int campaignId, string format, long exp, string? sig) =>
        sig is not null && exp >= time.GetUtcNow().ToUnixTimeSeconds()
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(campaignId, format, exp)), Encoding.ASCII.GetBytes(sig));

    private string Sign(int campaignId, string format, long exp) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{campaignId}|{format}|{exp}")));
}
