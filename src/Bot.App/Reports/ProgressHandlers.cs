using System.Globalization;
using Bot.App.Cards;
using Bot.App.Identity;
using Bot.App.Talks;
using Bot.Protocol;
using Bot.Protocol.Routing;
using Microsoft.EntityFrameworkCore;

namespace Bot.App.Reports;

/// <summary>"进度" (admins: a campaign's tree, overdue list, chart and export links; leaders: their own and their cascade).</summary>
public static class ProgressHandlers
{
    public static readonly string[] Keywords = ["进度", "我的任务", "导出"];
    private const int MaxRows = 40;

    public static ActivityRouter MapProgressHandlers(this ActivityRouter router) =>
        router.OnCommand("progress", Keywords, ShowAsync);

    private static async Task ShowAsync(TurnContext turn, CancellationToken ct)
    {
        var sp = turn.Services;
        var caller = await sp.GetRequiredService<CallerResolver>().ResolveAsync(turn, ct);
        var progress = sp.GetRequiredService<ProgressService>();
        var audit = sp.GetRequiredService<AuditLog>();
        var arg = turn.Text.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries).Skip(1).FirstOrDefault();
        var wantsAll = caller.IsAdmin && !turn.Text.StartsWith("我的任务", StringComparison.Ordinal);
        if (wantsAll)
        {
            var campaign = arg is not null && int.TryParse(arg, CultureInfo.InvariantCulture, out var id)
                ? await progress.FindAsync(id, ct)
                : await progress.LatestAsync(ct);
            if (campaign is null)
            {
                await turn.SendTextAsync(arg is null ? "还没有约谈任务。发送“发起约谈”新建一个。" : $"未找到编号为 {arg} 的约谈任务。", ct);
                return;
            }
            var scope = await ScopePathAsync(sp, caller, ct);
            var all = await progress.BuildAsync(campaign, null, ct, scope);
            var links = sp.GetRequiredService<ExportLinks>();
            await audit.WriteAsync(caller.Actor, "report.progress", $"campaign:{campaign.Id}", scope ?? "全部", ct);
            // Export links carry the whole campaign, so only admins of the whole organization get them.
            var global = scope is null;
            await turn.SendCardAsync(Card(sp, all, $"约谈进度：{all.Title}" + (global ? "" : $"（{scope}）"),
                global ? links.Create(campaign.Id, "xlsx") : null, global ? links.Create(campaign.Id, "csv") : null, showUnits: true), ct, summary: "约谈进度");
            var png = ProgressChart.Render(all);
            var image = new Activity
            {
                Type = ActivityTypes.Message,
                Attachments = [new Attachment { ContentType = "image/png", ContentUrl = "data:image/png;base64," + Convert.ToBase64String(png), Name = $"progress-{campaign.Id}.png" }],
            };
            await turn.SendAsync(image, ct);
            return;
        }
        if (caller.PersonId is not { } me)
        {
            await turn.SendTextAsync("您的账号尚未关联到组织架构，暂时无法查看约谈任务。请联系管理员。", ct);
            return;
        }
        var db = sp.GetRequiredService<Data.BotDbContext>();
        var campaignIds = db.Set<Assignment>().Where(a => a.LeaderId == me).Select(a => a.CampaignId).Distinct().OrderByDescending(x => x).Take(3).ToList();
        if (campaignIds.Count == 0)
        {
            await turn.SendTextAsync("您当前没有约谈任务。", ct);
            return;
        }
        foreach (var campaignId in campaignIds)
        {
            var campaign = (await progress.FindAsync(campaignId, ct))!;
            var mine = await progress.BuildAsync(campaign, me, ct);
            await audit.WriteAsync(caller.Actor, "report.progress", $"campaign:{campaign.Id}", "本人及下级", ct);
            await turn.SendCardAsync(Card(sp, mine, $"我的约谈任务：{mine.Title}", null, null, showUnits: false), ct, summary: "约谈进度");
        }
    }

    public static async Task<string?> ScopePathAsync(IServiceProvider sp, Caller caller, CancellationToken ct) =>
        caller.IsGlobalAdmin ? null
            : await sp.GetRequiredService<Data.BotDbContext>().Set<Org.OrgUnit>().Where(u => u.Id == caller.AdminScopeUnitId)
                .Select(u => u.Path).FirstOrDefaultAsync(ct) ?? "（无效的管理范围）";

    private static System.Text.Json.Nodes.JsonObject Card(IServiceProvider sp, CampaignProgress p, string heading, string? xlsx, string? csv, bool showUnits)
    {
        var leaders = p.Leaders.Take(MaxRows).Select(l => new
        {
            label = new string('　', l.Depth) + l.Leader,
            value = $"{l.Status}｜{l.Unit}" + (l.ReportedAt is null ? "" : $"｜{l.ReportedAt}"),
        });
        var sections = new List<object>();
        if (showUnits)
            sections.Add(new { title = "各单位完成情况", rows = p.Units.Take(MaxRows).Select(u => new { label = u.Unit, value = $"{u.Done}/{u.Total}" }) });
        sections.Add(new { title = p.Leaders.Count > MaxRows ? $"责任领导（前 {MaxRows} 位，完整名单请下载报表）" : "责任领导", rows = leaders });
        var overdue = p.OverdueLeaders.Select(l => l.Leader).ToList();
        return sp.GetRequiredService<CardTemplates>().Render("talk-progress", new
        {
            heading,
            summary = $"{p.Kind} · 截止 {p.Deadline} · 已完成 {p.Done}/{p.Total}",
            sections,
            hasOverdue = overdue.Count > 0,
            overdueText = string.Join("、", overdue),
            hasExport = xlsx is not null,
            xlsxUrl = xlsx ?? "",
            csvUrl = csv ?? "",
        });
    }
}
