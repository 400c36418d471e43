using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bot.App.Conversations;
using Bot.App.Data;
using Bot.App.Identity;
using Bot.App.Org;
using Bot.App.Talks;
using Bot.Protocol;
using Microsoft.EntityFrameworkCore;

namespace Bot.App.Reports;

/// <summary>The completion report as entered on the card form or in the text dialog; targets are person ids, topics indices.</summary>
public sealed record ReportInput(string? TalkDate, string? Form, IReadOnlyList<int> Targets, IReadOnlyList<int> Topics, string? Summary, string? Problems)
{
    public static ReportInput FromCard(JsonObject data)
    {
        string? S(string key) => data[key] switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonValue v => v.ToJsonString(),
            _ => null,
        };
        return new ReportInput(S("talkDate"), S("form"), Numbers(S("targets")), Numbers(S("topics")), S("summary"), S("problems"));
    }

    /// <summary>Numbers in a choice-set value ("1,3"); anything else makes the whole value invalid (-1).</summary>
    public static List<int> Numbers(string? value) =>
        (value ?? "").Split([',', '，', ' ', '、'], StringSplitOptions.RemoveEmptyEntries)
            .Select(x => int.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1).ToList();
}

public sealed record SubmitOutcome(TalkReport? Report, IReadOnlyList<string> Errors);

/// <summary>Authorization, validation and storage of completion reports; every read and write is audited.</summary>
public sealed partial class ReportService(BotDbContext db, TimeProvider time, AuditLog audit, TalkAudience audience,
    ChannelSenders senders, ILogger<ReportService> logger)
{
    public const int MaxSummary = 500;

    /// <summary>The caller's own assignment, or a refusal text (unknown id, someone else's) — refusals are audited.</summary>
    public async Task<(Assignment? Assignment, string? Refusal)> AuthorizeAsync(string? assignmentId, Caller caller, string action, CancellationToken ct)
    {
        if (!int.TryParse(assignmentId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || await db.Set<Assignment>().Include(a => a.Campaign).FirstOrDefaultAsync(a => a.Id == id, ct) is not { } assignment)
        {
            await audit.WriteAsync(caller.Actor, "report.refused", $"assignment:{assignmentId}", action + "：任务不存在", ct);
            LogRefused(logger, caller.Actor, assignmentId ?? "(none)", "unknown");
            return (null, "未找到这项约谈任务，按钮可能已失效。请发送“进度”查看您的任务。");
        }
        if (caller.PersonId != assignment.LeaderId)
        {
            await audit.WriteAsync(caller.Actor, "report.refused", $"assignment:{id}", action + "：非本人任务", ct);
            LogRefused(logger, caller.Actor, assignmentId!, "not own");
            return (null, "这不是您的约谈任务，无法查看或填报。");
        }
        return (assignment, null);
    }

    public Task<TalkReport?> FindAsync(int assignmentId, CancellationToken ct) =>
        db.Set<TalkReport>().FirstOrDefaultAsync(r => r.AssignmentId == assignmentId, ct);

    public List<string> Validate(Assignment assignment, ReportInput input, bool isEdit)
    {
        var errors = new List<string>();
        var today = OrgTime.Today(time);
        var campaign = assignment.Campaign!;
        if (isEdit && time.GetUtcNow() >= OrgTime.EndOf(assignment.Deadline))
            errors.Add("已过截止时间，报告不能再修改。");
        if (!DateOnly.TryParseExact(input.TalkDate?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            errors.Add("请选择约谈日期。");
        else if (date > today)
            errors.Add("约谈日期不能晚于今天。");
        else if (date < DateOnly.FromDateTime(OrgTime.Local(campaign.CreatedAt).DateTime).AddDays(-30))
            errors.Add("约谈日期早于任务发起时间太多，请核对。");
        if (input.Form is not ("集体" or "个别"))
            errors.Add("请选择约谈形式（集体或个别）。");
        if (input.Targets.Count == 0)
            errors.Add("请至少选择一名已约谈的对象。");
        else if (input.Targets.Any(t => assignment.Targets.All(x => x.PersonId != t)))
            errors.Add("所选约谈对象不在本任务范围内。");
        if (input.Topics.Any(i => i < 0 || i >= campaign.Topics.Count))
            errors.Add("所选主题无效，请重新勾选。");
        var summary = input.Summary?.Trim() ?? "";
        if (summary.Length == 0)
            errors.Add("请填写谈话内容摘要。");
        else if (summary.Length > MaxSummary)
            errors.Add($"谈话内容摘要不能超过 {MaxSummary} 字（当前 {summary.Length} 字）。");
        if ((input.Problems?.Length ?? 0) > 1000)
            errors.Add("问题及后续措施不能超过 1000 字。");
        return errors;
    }

    public async Task<SubmitOutcome> SubmitAsync(Assignment assignment, ReportInput input, Caller caller, CancellationToken ct)
    {
        var existing = await FindAsync(assignment.Id, ct);
        var errors = Validate(assignment, input, existing is not null);
        if (errors.Count > 0)
        {
            LogInvalid(logger, caller.Actor, assignment.Id, errors.Count);
            return new SubmitOutcome(null, errors);
        }
        var now = time.GetUtcNow();
        var campaign = assignment.Campaign!;
        var topics = input.Topics.Distinct().Order().Select(i => campaign.Topics[i]).ToList();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var report = existing ?? new TalkReport { AssignmentId = assignment.Id, Form = "", Summary = "", SubmittedBy = caller.Actor };
        if (existing is not null)
        {
            db.Add(new TalkReportRevision
            {
                ReportId = existing.Id, Version = existing.Version, ReplacedAt = now,
                Snapshot = JsonSerializer.Serialize(new { existing.TalkDate, existing.Form, existing.Covered, existing.Topics, existing.Summary, existing.Problems, existing.SubmittedBy, existing.SubmittedAt }),
            });
            report.Version++;
        }
        else
        {
            db.Add(report);
        }
        report.TalkDate = DateOnly.ParseExact(input.TalkDate!.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture);
        report.Form = input.Form!;
        report.Covered = assignment.Targets.Where(t => input.Targets.Contains(t.PersonId)).ToList();
        report.Topics = topics;
        report.Summary = input.Summary!.Trim();
        report.Problems = string.IsNullOrWhiteSpace(input.Problems) ? null : input.Problems.Trim();
        report.FewTopics = topics.Count * 2 < campaign.Topics.Count;
        report.SubmittedBy = caller.Actor;
        report.SubmittedAt = now;
        assignment.Status = existing is null ? AssignmentStatus.Reported : AssignmentStatus.Edited;
        audit.Add(caller.Actor, existing is null ? "report.submit" : "report.edit", $"assignment:{assignment.Id}", $"v{report.Version}");
        await db.SaveChangesAsync(ct);
        await db.Set<Reminder>().Where(r => r.AssignmentId == assignment.Id && r.SentAt == null && r.CancelledAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.CancelledAt, now).SetProperty(r => r.Outcome, "已填报"), ct);
        await tx.CommitAsync(ct);
        if (report.FewTopics && existing is null)
            await FlagAsync(assignment, report, ct);
        return new SubmitOutcome(report, []);
    }

    /// <summary>Tells the admins about a report that touched few of the required topics ("谈业务多、谈廉政少").</summary>
    private async Task FlagAsync(Assignment assignment, TalkReport report, CancellationToken ct)
    {
        var leader = await db.Set<Person>().AsNoTracking().FirstAsync(p => p.Id == assignment.LeaderId, ct);
        var missing = assignment.Campaign!.Topics.Except(report.Topics).ToList();
        var text = $"【关注】{leader.Name}的约谈报告（{assignment.Campaign.Title}）只涉及 {report.Topics.Count}/{assignment.Campaign.Topics.Count} 项必谈主题，"
                   + $"可能存在“谈业务多、谈廉政少”的情况。未涉及：{string.Join("；", missing)}。";
        foreach (var chat in await audience.AdminChatsAsync(leader.UnitId, ct))
            await senders.For(chat).SendAsync(chat.ToAddress(), Activity.Message(text), ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report action by {Actor} on assignment {AssignmentId} refused ({Reason})")]
    private static partial void LogRefused(ILogger logger, string actor, string assignmentId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Report by {Actor} for assignment {AssignmentId} rejected with {Count} validation errors")]
    private static partial void LogInvalid(ILogger logger, string actor, int assignmentId, int count);
}
