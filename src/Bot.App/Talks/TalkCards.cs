using System.Text.Json.Nodes;
using Bot.App.Cards;
using Bot.App.Data;
using Bot.App.Org;
using Microsoft.EntityFrameworkCore;

namespace Bot.App.Talks;

/// <summary>Pre-computes the strings of the talk cards (the templates stay free of logic).</summary>
public sealed class TalkCards(CardTemplates templates, BotDbContext db, TimeProvider time)
{
    public async Task<JsonObject> ReminderAsync(Assignment assignment, CancellationToken ct)
    {
        var campaign = assignment.Campaign ?? await db.Set<Campaign>().FirstAsync(c => c.Id == assignment.CampaignId, ct);
        var all = await db.Set<Assignment>().AsNoTracking().Where(a => a.CampaignId == campaign.Id)
            .Select(a => new { a.Id, a.ParentAssignmentId, a.Status }).ToListAsync(ct);
        var subtree = Subtree(all.Select(a => (a.Id, a.ParentAssignmentId)), assignment.Id);
        var inTree = all.Where(a => subtree.Contains(a.Id)).ToList();
        var done = inTree.Count(a => a.Status is AssignmentStatus.Reported or AssignmentStatus.Edited);
        var leaderName = await db.Set<Person>().Where(p => p.Id == assignment.LeaderId).Select(p => p.Name).FirstAsync(ct);
        var daysLeft = assignment.Deadline.DayNumber - OrgTime.Today(time).DayNumber;
        return templates.Render("talk-reminder", new
        {
            assignmentId = assignment.Id,
            headline = daysLeft < 0 ? $"{leaderName}同志，约谈任务已逾期，请尽快完成" : $"{leaderName}同志，请按时完成廉政约谈",
            campaignTitle = campaign.Title,
            kind = campaign.Kind,
            description = campaign.Description ?? "",
            hasDescription = !string.IsNullOrWhiteSpace(campaign.Description),
            targetsText = TargetsText(assignment.Targets),
            unitsText = string.Join("、", assignment.Targets.Select(t => t.Unit).Where(u => u is not null).Distinct()),
            deadlineText = OrgTime.Format(assignment.Deadline) + " 24:00",
            daysLeftText = daysLeft switch { > 0 => $"还剩 {daysLeft} 天", 0 => "今天截止", _ => $"已逾期 {-daysLeft} 天" },
            progressText = inTree.Count > 1 ? $"已完成 {done}/{inTree.Count}（含下级）" : $"已完成 {done}/1",
            topicsText = string.Join("；", campaign.Topics),
        });
    }

    public JsonObject Escalation(Assignment assignment, Person leader, int overdueWorkdays) =>
        templates.Render("talk-escalation", new
        {
            leaderName = leader.Name,
            leaderUnit = leader.Unit?.Path ?? db.Set<OrgUnit>().Where(u => u.Id == leader.UnitId).Select(u => u.Path).FirstOrDefault() ?? "",
            campaignTitle = assignment.Campaign!.Title,
            deadlineText = OrgTime.Format(assignment.Deadline),
            overdueText = $"{overdueWorkdays} 个工作日",
            targetsText = TargetsText(assignment.Targets),
        });

    public JsonObject ExtensionForm(Assignment assignment, string? newDeadline, string? reason, IReadOnlyList<string> errors) =>
        templates.Render("talk-extension-form", new
        {
            assignmentId = assignment.Id,
            campaignTitle = assignment.Campaign!.Title,
            deadlineText = OrgTime.Format(assignment.Deadline),
            newDeadline = newDeadline ?? assignment.Deadline.AddDays(7).ToString("yyyy-MM-dd"),
            reason = reason ?? "",
            hasErrors = errors.Count > 0,
            errorText = string.Join("\n", errors),
        });

    public JsonObject ExtensionReview(ExtensionRequest request, Assignment assignment, string leaderName) =>
        templates.Render("talk-extension-review", new
        {
            requestId = request.Id,
            leaderName,
            campaignTitle = assignment.Campaign!.Title,
            deadlineText = OrgTime.Format(assignment.Deadline),
            requestedText = OrgTime.Format(request.RequestedDeadline),
            reason = request.Reason,
            pending = request.Status == ExtensionStatus.Requested,
            decided = request.Status != ExtensionStatus.Requested,
            decidedText = request.Status switch
            {
                ExtensionStatus.Granted => $"已同意（{request.DecidedBy}），截止日期延至 {OrgTime.Format(request.RequestedDeadline)}",
                ExtensionStatus.Denied => $"未同意（{request.DecidedBy}），仍按原截止日期执行",
                _ => "",
            },
        });

    public JsonObject CampaignForm(JsonObject? values, IReadOnlyList<string> errors)
    {
        string V(string key, string fallback) => values?[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : fallback;
        return templates.Render("campaign-form", new
        {
            title = V("title", ""),
            kind = V("kind", TalkKinds.All[0]),
            kinds = TalkKinds.All.Select(k => new { title = k, value = k }),
            description = V("description", ""),
            deadline = V("deadline", OrgTime.Today(time).AddDays(14).ToString("yyyy-MM-dd")),
            scope = V("scope", "all"),
            scopeItems = V("scopeItems", ""),
            topicsValue = V("topics", string.Join(",", Enumerable.Range(0, Campaign.DefaultTopics.Length))),
            topicChoices = Campaign.DefaultTopics.Select((t, i) => new { title = t, value = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
            cascadeDepth = V("cascadeDepth", "0"),
            hasErrors = errors.Count > 0,
            errorText = string.Join("\n", errors),
        });
    }

    public JsonObject Launched(LaunchResult result) =>
        templates.Render("campaign-launched", new
        {
            id = result.Campaign!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            title = result.Campaign.Title,
            kind = result.Campaign.Kind,
            deadlineText = OrgTime.Format(result.Campaign.Deadline) + " 24:00",
            assignmentsText = $"{result.Assignments} 项（{result.Unreachable.Count} 人暂无法送达）",
            hasUnreachable = result.Unreachable.Count > 0,
            unreachable = result.Unreachable.Select(u => new { name = u.Name, reason = u.Reason }),
            hasNotes = result.Notes.Count > 0,
            notesText = string.Join("\n", result.Notes),
        });

    /// <summary>The assignment and every cascade assignment below it.</summary>
    public static HashSet<int> Subtree(IEnumerable<(int Id, int? Parent)> assignments, int root)
    {
        var list = assignments.ToList();
        var result = new HashSet<int> { root };
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var (id, parent) in list)
                if (parent is { } p && result.Contains(p) && result.Add(id))
                    changed = true;
        }
        return result;
    }

    public static string TargetsText(IEnumerable<TalkTarget> targets) =>
        string.Join("、", targets.Select(t => t.Unit is null ? t.Name : $"{t.Name}（{t.Unit}）"));
}
