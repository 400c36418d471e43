using System.Globalization;
using System.Text.Json;
using Bot.App.Data;
using Bot.App.Dialogs;
using Bot.App.Identity;
using Bot.App.Talks;
using Bot.Protocol.Routing;
using Microsoft.EntityFrameworkCore;

namespace Bot.App.Reports;

/// <summary>Completion reports in chat: the card form, the 填报 dialog and the one-line draft.</summary>
public static class ReportHandlers
{
    public const string Dialog = "report";
    public static readonly string[] Keywords = ["填报", "填报完成情况"];

    public static ActivityRouter MapReportHandlers(this ActivityRouter router)
    {
        router.OnCardAction("report.open", OpenFormAsync);
        router.OnCardAction("report.edit", OpenFormAsync);
        router.OnCardAction("report.submit", SubmitAsync);
        router.OnCommand("report", Keywords, StartDialogAsync);
        router.OnDialog(Dialog, ContinueDialogAsync);
        router.OnText(TextStage.Intent, "report-one-liner", MatchesOneLinerAsync, DraftFromOneLinerAsync);
        return router;
    }

    private static async Task<CardActionResult> OpenFormAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        var (service, caller) = await ServicesAsync(turn, ct);
        var (assignment, refusal) = await service.AuthorizeAsync(action.GetString("assignmentId"), caller, action.Verb, ct);
        if (assignment is null)
            return CardActionResult.Refuse(refusal!);
        var cards = turn.Services.GetRequiredService<ReportCards>();
        var existing = await service.FindAsync(assignment.Id, ct);
        await turn.Services.GetRequiredService<AuditLog>().WriteAsync(caller.Actor, "report.read", $"assignment:{assignment.Id}", action.Verb, ct);
        var closed = turn.Services.GetRequiredService<TimeProvider>().GetUtcNow() >= OrgTime.EndOf(assignment.Deadline);
        if (existing is not null && closed)
            return CardActionResult.ReplaceWith(cards.Receipt(existing, assignment));
        return CardActionResult.ReplaceWith(cards.Form(assignment, existing is null ? null : ReportCards.ValuesOf(existing, assignment), []));
    }

    private static async Task<CardActionResult> SubmitAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        var (service, caller) = await ServicesAsync(turn, ct);
        var (assignment, refusal) = await service.AuthorizeAsync(action.GetString("assignmentId"), caller, action.Verb, ct);
        if (assignment is null)
            return CardActionResult.Refuse(refusal!);
        var cards = turn.Services.GetRequiredService<ReportCards>();
        var input = ReportInput.FromCard(action.Data);
        var outcome = await service.SubmitAsync(assignment, input, caller, ct);
        return CardActionResult.ReplaceWith(outcome.Report is { } report
            ? cards.Receipt(report, assignment)
            : cards.Form(assignment, input, outcome.Errors));
    }

    private static async Task<(ReportService, Caller)> ServicesAsync(TurnContext turn, CancellationToken ct) =>
        (turn.Services.GetRequiredService<ReportService>(), await turn.Services.GetRequiredService<CallerResolver>().ResolveAsync(turn, ct));

    private static async Task<List<Assignment>> OpenAssignmentsAsync(TurnContext turn, CancellationToken ct)
    {
        var caller = await turn.Services.GetRequiredService<CallerResolver>().ResolveAsync(turn, ct);
        if (caller.PersonId is not { } me)
            return [];
        var db = turn.Services.GetRequiredService<BotDbContext>();
        var mine = await db.Set<Assignment>().Include(a => a.Campaign).Where(a => a.LeaderId == me).OrderByDescending(a => a.Id).ToListAsync(ct);
        return mine.Where(a => !a.IsDone).ToList();
    }

    // ---- one-line draft ----

    private static async ValueTask<bool> MatchesOneLinerAsync(TurnContext turn, CancellationToken ct) =>
        OneLinerParser.LooksLikeReport(turn.Text) && (await OpenAssignmentsAsync(turn, ct)).Count > 0;

    private static async Task DraftFromOneLinerAsync(TurnContext turn, CancellationToken ct)
    {
        var today = OrgTime.Today(turn.Services.GetRequiredService<TimeProvider>());
        var open = await OpenAssignmentsAsync(turn, ct);
        var best = open.Select(a => (Assignment: a, Draft: OneLinerParser.Parse(turn.Text, today, a.Targets)))
            .OrderByDescending(x => x.Draft.TargetIds.Count).First();
        var draft = best.Draft;
        var values = new ReportInput(draft.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), draft.Form, draft.TargetIds, [], null, null);
        var missing = new List<string>();
        if (draft.Date is null) missing.Add("约谈日期");
        if (draft.Form is null) missing.Add("约谈形式");
        if (draft.TargetIds.Count == 0) missing.Add("约谈对象");
        var note = "已根据您的消息生成填报草稿，请勾选涉及的主题、填写摘要后提交。" + (missing.Count > 0 ? $"未能识别：{string.Join("、", missing)}，请补充。" : "");
        var card = turn.Services.GetRequiredService<ReportCards>().Form(best.Assignment, values, [], note);
        await turn.SendCardAsync(card, ct, summary: "约谈完成情况草稿");
    }

    // ---- step-by-step text dialog ----

    private sealed record DialogData(int AssignmentId, string? Date = null, string? Form = null, List<int>? Targets = null, List<int>? Topics = null, string? Summary = null);

    private static async Task StartDialogAsync(TurnContext turn, CancellationToken ct)
    {
        var open = await OpenAssignmentsAsync(turn, ct);
        if (open.Count == 0)
        {
            await turn.SendTextAsync("您当前没有待填报的约谈任务。发送“进度”可查看任务情况。", ct);
            return;
        }
        var assignment = open[0];
        await SaveAsync(turn, 1, new DialogData(assignment.Id), ct);
        await turn.SendTextAsync($"开始填报“{assignment.Campaign!.Title}”（随时回复“取消”退出）。\n第 1 步：约谈日期是哪天？（如：11月20日、昨天、上周五）", ct);
    }

    private static Task SaveAsync(TurnContext turn, int step, DialogData data, CancellationToken ct) =>
        turn.Services.GetRequiredService<DialogStore>().SetAsync(turn, Dialog, step, JsonSerializer.Serialize(data), ct);

    private static async Task ContinueDialogAsync(TurnContext turn, DialogState state, CancellationToken ct)
    {
        var data = JsonSerializer.Deserialize<DialogData>(state.State)!;
        var (service, caller) = await ServicesAsync(turn, ct);
        var (assignment, refusal) = await service.AuthorizeAsync(data.AssignmentId.ToString(CultureInfo.InvariantCulture), caller, "dialog", ct);
        if (assignment is null)
        {
            await turn.Services.GetRequiredService<DialogStore>().ClearAsync(turn, ct);
            await turn.SendTextAsync(refusal!, ct);
            return;
        }
        var text = turn.Text.Trim();
        var today = OrgTime.Today(turn.Services.GetRequiredService<TimeProvider>());
        switch (state.Step)
        {
            case 1:
                var date = OneLinerParser.Parse(text, today, []).Date
                           ?? (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null);
                if (date is null || date > today)
                {
                    await turn.SendTextAsync("没能识别日期，请换种说法，如“11月20日”或“昨天”（不能晚于今天）。", ct);
                    return;
                }
                await SaveAsync(turn, 2, data with { Date = date.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }, ct);
                await turn.SendTextAsync("第 2 步：集体约谈还是个别约谈？请回复“集体”或“个别”。", ct);
                return;
            case 2:
                var form = text.Contains("集体", StringComparison.Ordinal) ? "集体" : text.Contains("个别", StringComparison.Ordinal) ? "个别" : null;
                if (form is null)
                {
                    await turn.SendTextAsync("请回复“集体”或“个别”。", ct);
                    return;
                }
                await SaveAsync(turn, 3, data with { Form = form }, ct);
                await turn.SendTextAsync("第 3 步：与哪些对象谈了？回复序号（如“1 3”）或“全部”：\n"
                    + string.Join("\n", assignment.Targets.Select((t, i) => $"{i + 1}. {t.Name}（{t.Unit}）")), ct);
                return;
            case 3:
                var targets = PickNumbers(text, assignment.Targets.Count);
                if (targets is null)
                {
                    await turn.SendTextAsync($"请回复 1 到 {assignment.Targets.Count} 之间的序号，或“全部”。", ct);
                    return;
                }
                await SaveAsync(turn, 4, data with { Targets = targets.Select(i => assignment.Targets[i].PersonId).ToList() }, ct);
                await turn.SendTextAsync("第 4 步：谈话涉及了哪些主题？回复序号或“全部”：\n"
                    + string.Join("\n", assignment.Campaign!.Topics.Select((t, i) => $"{i + 1}. {t}")), ct);
                return;
            case 4:
                var topics = PickNumbers(text, assignment.Campaign!.Topics.Count);
                if (topics is null)
                {
                    await turn.SendTextAsync($"请回复 1 到 {assignment.Campaign.Topics.Count} 之间的序号，或“全部”。", ct);
                    return;
                }
                await SaveAsync(turn, 5, data with { Topics = topics }, ct);
                await turn.SendTextAsync($"第 5 步：请简要描述谈话内容（{ReportService.MaxSummary} 字以内）。", ct);
                return;
            case 5:
                if (text.Length is 0 or > ReportService.MaxSummary)
                {
                    await turn.SendTextAsync($"摘要需在 1 到 {ReportService.MaxSummary} 字之间（当前 {text.Length} 字），请重新输入。", ct);
                    return;
                }
                await SaveAsync(turn, 6, data with { Summary = text }, ct);
                await turn.SendTextAsync("最后一步：发现的问题及后续措施？没有请回复“无”。", ct);
                return;
            default:
                var problems = text is "无" or "没有" ? null : text;
                var input = new ReportInput(data.Date, data.Form, data.Targets ?? [], data.Topics ?? [], data.Summary, problems);
                var outcome = await service.SubmitAsync(assignment, input, caller, ct);
                await turn.Services.GetRequiredService<DialogStore>().ClearAsync(turn, ct);
                if (outcome.Report is null)
                {
                    await turn.SendTextAsync("填报未成功：" + string.Join("；", outcome.Errors) + " 请发送“填报”重新开始。", ct);
                    return;
                }
                var receipt = turn.Services.GetRequiredService<ReportCards>().Receipt(outcome.Report, assignment);
                await turn.SendCardAsync(receipt, ct, summary: "已收到约谈完成情况");
                return;
        }
    }

    /// <summary>Zero-based indices from "1 3"/"1、3"/"全部"; null when any number is out of range.</summary>
    private static List<int>? PickNumbers(string text, int count)
    {
        if (text.Contains("全部", StringComparison.Ordinal) || text.Contains("所有", StringComparison.Ordinal))
            return Enumerable.Range(0, count).ToList();
        var numbers = ReportInput.Numbers(text.Replace("，", ",", StringComparison.Ordinal));
        return numbers.Count == 0 || numbers.Any(n => n < 1 || n > count) ? null : numbers.Distinct().Select(n => n - 1).ToList();
    }
}
