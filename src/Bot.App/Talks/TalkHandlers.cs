using System.Globalization;
using Bot.App.Conversations;
using Bot.App.Data;
using Bot.App.Identity;
using Bot.App.Org;
using Bot.Protocol;
using Bot.Protocol.Routing;
using Microsoft.EntityFrameworkCore;

namespace Bot.App.Talks;

/// <summary>Chat side of campaigns: the admin's launch form, snooze, extension requests and their review.</summary>
public static class TalkHandlers
{
    public static readonly string[] LaunchKeywords = ["发起约谈", "新建约谈", "发起任务"];

    public static ActivityRouter MapTalkHandlers(this ActivityRouter router)
    {
        router.OnCommand("campaign-form", LaunchKeywords, async (turn, ct) =>
        {
            var caller = await turn.Services.GetRequiredService<CallerResolver>().ResolveAsync(turn, ct);
            if (!caller.IsAdmin)
            {
                await turn.SendTextAsync("只有管理员可以发起约谈任务。", ct);
                return;
            }
            await turn.SendCardAsync(turn.Services.GetRequiredService<TalkCards>().CampaignForm(null, []), ct, summary: "发起约谈任务");
        });
        router.OnCardAction("campaign.create", CreateCampaignAsync);
        router.OnCardAction("talk.snooze", SnoozeAsync);
        router.OnCardAction("talk.extend", OpenExtensionAsync);
        router.OnCardAction("talk.extend.submit", SubmitExtensionAsync);
        router.OnCardAction("talk.extend.decide", DecideExtensionAsync);
        return router;
    }

    private static async Task<CardActionResult> CreateCampaignAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        var caller = await turn.Services.GetRequiredService<CallerResolver>().ResolveAsync(turn, ct);
        if (!caller.IsAdmin)
            return CardActionResult.Refuse("只有管理员可以发起约谈任务。");
        var cards = turn.Services.GetRequiredService<TalkCards>();
        var items = (action.GetString("scopeItems") ?? "").Split(['、', ',', '，', '\n', ';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var scope = action.GetString("scope") switch
        {
            "units" => new CampaignScope(Units: items),
            "leaders" => new CampaignScope(Leaders: items),
            _ => new CampaignScope(All: true),
        };
        var topicIndices = (action.GetString("topics") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(x => int.TryParse(x, CultureInfo.InvariantCulture, out var i) ? i : -1).ToList();
        var errors = new List<string>();
        if (topicIndices.Count == 0 || topicIndices.Any(i => i < 0 || i >= Campaign.DefaultTopics.Length))
            errors.Add("请至少勾选一项必谈主题。");
        if (!int.TryParse(action.GetString("cascadeDepth") ?? "0", CultureInfo.InvariantCulture, out var depth))
            errors.Add("逐级传导层级无效。");
        if (errors.Count > 0)
            return CardActionResult.ReplaceWith(cards.CampaignForm(action.Data, errors));
        var request = new CampaignRequest(action.GetString("title"), action.GetString("kind"), action.GetString("description"),
            topicIndices.Select(i => Campaign.DefaultTopics[i]).ToList(), action.GetString("deadline"), scope, depth);
        var result = await turn.Services.GetRequiredService<CampaignService>().CreateAsync(request, caller.Actor, ct,
            await Reports.ProgressHandlers.ScopePathAsync(turn.Services, caller, ct));
        return CardActionResult.ReplaceWith(result.Ok ? cards.Launched(result) : cards.CampaignForm(action.Data, result.Errors));
    }

    private static async Task<(Assignment? Assignment, string? Refusal, Caller Caller)> OwnAssignmentAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        var caller = await turn.Services.GetRequiredService<CallerResolver>().ResolveAsync(turn, ct);
        var (assignment, refusal) = await turn.Services.GetRequiredService<Reports.ReportService>().AuthorizeAsync(action.GetString("assignmentId"), caller, action.Verb, ct);
        return (assignment, refusal, caller);
    }

    private static async Task<CardActionResult> SnoozeAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        var (assignment, refusal, caller) = await OwnAssignmentAsync(turn, action, ct);
        if (assignment is null)
            return CardActionResult.Refuse(refusal!);
        if (assignment.IsDone)
            return CardActionResult.Say("该任务已填报，无需再提醒。");
        var sp = turn.Services;
        var time = sp.GetRequiredService<TimeProvider>();
        var calendar = sp.GetRequiredService<WorkCalendar>();
        var at = OrgTime.At(calendar.NextWorkday(OrgTime.Today(time)), assignment.Campaign!.Policy.Hour);
        var db = sp.GetRequiredService<BotDbContext>();
        var now = time.GetUtcNow();
        await db.Set<Reminder>()
            .Where(r => r.AssignmentId == assignment.Id && r.SentAt == null && r.CancelledAt == null && r.Kind != ReminderKind.Escalation && r.DueAt < at)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.CancelledAt, now).SetProperty(r => r.Outcome, "稍后提醒"), ct);
        db.Add(new Reminder { AssignmentId = assignment.Id, Kind = ReminderKind.Snooze, DueAt = at });
        sp.GetRequiredService<AuditLog>().Add(caller.Actor, "talk.snooze", $"assignment:{assignment.Id}", OrgTime.FormatTime(at));
        await db.SaveChangesAsync(ct);
        return CardActionResult.Say($"好的，将于 {OrgTime.FormatTime(at)} 再提醒您。");
    }

    private static async Task<CardActionResult> OpenExtensionAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        var (assignment, refusal, _) = await OwnAssignmentAsync(turn, action, ct);
        if (assignment is null)
            return CardActionResult.Refuse(refusal!);
        if (assignment.IsDone)
            return CardActionResult.Say("该任务已填报，无需延期。");
        return CardActionResult.ReplaceWith(turn.Services.GetRequiredService<TalkCards>().ExtensionForm(assignment, null, null, []));
    }

    private static async Task<CardActionResult> SubmitExtensionAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        var (assignment, refusal, caller) = await OwnAssignmentAsync(turn, action, ct);
        if (assignment is null)
            return CardActionResult.Refuse(refusal!);
        var sp = turn.Services;
        var cards = sp.GetRequiredService<TalkCards>();
        var reason = action.GetString("reason")?.Trim() ?? "";
        var dateText = action.GetString("newDeadline");
        var errors = new List<string>();
        if (reason.Length == 0)
            errors.Add("请填写延期原因。");
        else if (reason.Length > 300)
            errors.Add("延期原因不能超过 300 字。");
        if (!DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var newDeadline))
            errors.Add("请选择延期后的日期。");
        else if (newDeadline <= assignment.Deadline)
            errors.Add("延期后的日期须晚于当前截止日期。");
        else if (newDeadline > assignment.Deadline.AddDays(60))
            errors.Add("单次延期不能超过 60 天。");
        var db = sp.GetRequiredService<BotDbContext>();
        if (await db.Set<ExtensionRequest>().AnyAsync(e => e.AssignmentId == assignment.Id && e.Status == ExtensionStatus.Requested, ct))
            errors.Add("已有一项延期申请在审批中，请耐心等待。");
        if (assignment.IsDone)
            errors.Add("该任务已填报，无需延期。");
        if (errors.Count > 0)
            return CardActionResult.ReplaceWith(cards.ExtensionForm(assignment, dateText, reason, errors));

        var request = new ExtensionRequest
        {
            AssignmentId = assignment.Id, Reason = reason, RequestedDeadline = newDeadline, Status = ExtensionStatus.Requested,
            RequestedAt = sp.GetRequiredService<TimeProvider>().GetUtcNow(),
        };
        db.Add(request);
        assignment.Status = AssignmentStatus.ExtensionRequested;
        sp.GetRequiredService<AuditLog>().Add(caller.Actor, "talk.extension.request", $"assignment:{assignment.Id}", $"{newDeadline:yyyy-MM-dd} {reason}");
        await db.SaveChangesAsync(ct);

        var leader = await db.Set<Person>().AsNoTracking().FirstAsync(p => p.Id == assignment.LeaderId, ct);
        var senders = sp.GetRequiredService<ChannelSenders>();
        var admins = await sp.GetRequiredService<TalkAudience>().AdminChatsAsync(leader.UnitId, ct);
        foreach (var chat in admins)
            await senders.For(chat).SendAsync(chat.ToAddress(), Activity.FromCard(cards.ExtensionReview(request, assignment, leader.Name), $"延期申请：{leader.Name}"), ct);
        var card = await cards.ReminderAsync(assignment, ct);
        await turn.SendTextAsync(admins.Count > 0
            ? "延期申请已提交，管理员审批后会通知您。"
            : "延期申请已记录，但暂时没有可以联系的管理员，请电话联系组织部门。", ct);
        return CardActionResult.ReplaceWith(card);
    }

    private static async Task<CardActionResult> DecideExtensionAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        var sp = turn.Services;
        var caller = await sp.GetRequiredService<CallerResolver>().ResolveAsync(turn, ct);
        if (!caller.IsAdmin)
            return CardActionResult.Refuse("只有管理员可以审批延期申请。");
        var db = sp.GetRequiredService<BotDbContext>();
        var id = int.TryParse(action.GetString("requestId"), CultureInfo.InvariantCulture, out var n) ? n : -1;
        if (await db.Set<ExtensionRequest>().FirstOrDefaultAsync(e => e.Id == id, ct) is not { } request)
            return CardActionResult.Refuse("未找到该延期申请。");
        var assignment = await db.Set<Assignment>().Include(a => a.Campaign).FirstAsync(a => a.Id == request.AssignmentId, ct);
        var leader = await db.Set<Person>().AsNoTracking().FirstAsync(p => p.Id == assignment.LeaderId, ct);
        var cards = sp.GetRequiredService<TalkCards>();
        if (request.Status != ExtensionStatus.Requested)
            return CardActionResult.ReplaceWith(cards.ExtensionReview(request, assignment, leader.Name));
        var grant = action.GetString("decision") == "grant";
        var time = sp.GetRequiredService<TimeProvider>();
        var now = time.GetUtcNow();
        request.Status = grant ? ExtensionStatus.Granted : ExtensionStatus.Denied;
        request.DecidedBy = caller.Name;
        request.DecidedAt = now;
        if (!assignment.IsDone)
            assignment.Status = grant ? AssignmentStatus.ExtensionGranted : AssignmentStatus.ExtensionDenied;
        sp.GetRequiredService<AuditLog>().Add(caller.Actor, grant ? "talk.extension.grant" : "talk.extension.deny", $"assignment:{assignment.Id}", request.RequestedDeadline.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (grant)
        {
            assignment.Deadline = request.RequestedDeadline;
            await db.Set<Reminder>().Where(r => r.AssignmentId == assignment.Id && r.SentAt == null && r.CancelledAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.CancelledAt, now).SetProperty(r => r.Outcome, "已延期"), ct);
            foreach (var (kind, due) in ReminderPlanner.Plan(assignment.Campaign!.Policy, sp.GetRequiredService<WorkCalendar>(), now, assignment.Deadline, includeLaunch: false))
                db.Add(new Reminder { AssignmentId = assignment.Id, Kind = kind, DueAt = due });
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        if (await sp.GetRequiredService<TalkAudience>().PersonalChatAsync(assignment.LeaderId, ct) is { Installed: true } chat)
        {
            var text = grant
                ? $"您的延期申请已同意：“{assignment.Campaign!.Title}”截止日期延至 {OrgTime.Format(assignment.Deadline)}。"
                : $"您的延期申请未获同意：“{assignment.Campaign!.Title}”仍须在 {OrgTime.Format(assignment.Deadline)} 前完成。";
            await sp.GetRequiredService<ChannelSenders>().For(chat).SendAsync(chat.ToAddress(), Activity.Message(text), ct);
        }
        return CardActionResult.ReplaceWith(cards.ExtensionReview(request, assignment, leader.Name));
    }
}
