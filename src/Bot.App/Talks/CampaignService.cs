using System.Globalization;
using Bot.App.Data;
using Bot.App.Identity;
using Bot.App.Org;
using Microsoft.EntityFrameworkCore;

namespace Bot.App.Talks;

public sealed record CampaignScope(bool All = false, List<string>? Units = null, List<string>? Leaders = null);

/// <summary>What REST, CLI and the chat form hand in to create a campaign.</summary>
public sealed record CampaignRequest(string? Title, string? Kind, string? Description, List<string>? Topics, string? Deadline,
    CampaignScope? Scope, int CascadeDepth = 0, ReminderPolicy? Reminders = null);

public sealed record Unreachable(int PersonId, string Name, string Reason);

public sealed record LaunchResult(Campaign? Campaign, int Assignments, List<Unreachable> Unreachable, List<string> Errors, List<string> Notes)
{
    public bool Ok => Errors.Count == 0;
}

/// <summary>Creates a campaign and its assignments (with the 一级抓一级 cascade) and plans every reminder.</summary>
public sealed class CampaignService(BotDbContext db, WorkCalendar calendar, TimeProvider time, TalkAudience audience, AuditLog audit)
{
    /// <param name="adminScope">Unit path of a scoped admin: the campaign may only reach leaders in that subtree.</param>
    public async Task<LaunchResult> CreateAsync(CampaignRequest request, string actor, CancellationToken ct, string? adminScope = null)
    {
        var errors = new List<string>();
        var notes = new List<string>();
        var title = request.Title?.Trim();
        if (string.IsNullOrEmpty(title))
            errors.Add("请填写任务标题。");
        else if (title.Length > 200)
            errors.Add("任务标题不能超过 200 字。");
        if (request.Kind is null || !TalkKinds.All.Contains(request.Kind))
            errors.Add("约谈类型须为：" + string.Join("、", TalkKinds.All) + "。");
        var today = OrgTime.Today(time);
        if (!DateOnly.TryParseExact(request.Deadline?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var deadline))
            errors.Add("截止日期格式应为 YYYY-MM-DD。");
        else if (deadline < today)
            errors.Add("截止日期不能早于今天。");
        if (request.CascadeDepth is < 0 or > 3)
            errors.Add("逐级传导层级须在 0 到 3 之间。");
        var topics = (request.Topics is { Count: > 0 } t ? t : [.. Campaign.DefaultTopics]).Select(x => x.Trim()).Where(x => x.Length > 0).Distinct().ToList();
        if (topics.Count == 0)
            errors.Add("请至少保留一项约谈主题。");

        if (request.Reminders is { } policy)
        {
            if (policy.Hour is < 8 or > 20)
                errors.Add("提醒时间（hour）须在 8 到 20 点之间。");
            if (policy.DaysBefore.Any(d => d is < 1 or > 60))
                errors.Add("提前提醒天数（daysBefore）须在 1 到 60 之间。");
            if (policy.OverdueEveryWorkdays is < 0 or > 20 || policy.OverdueRepeats is < 0 or > 20)
                errors.Add("逾期提醒间隔与次数须在 0 到 20 之间。");
            if (policy.EscalateAfterWorkdays is < 1 or > 60)
                errors.Add("督办前的逾期工作日数（escalateAfterWorkdays）须在 1 到 60 之间。");
        }
        var leaders = await ResolveScopeAsync(request.Scope, errors, ct);
        if (adminScope is not null)
        {
            var outside = leaders.Where(l => l.Unit is null || !TalkAudience.InSubtree(l.Unit.Path, adminScope)).ToList();
            if (request.Scope?.All == true)
                leaders = leaders.Except(outside).ToList();
            else if (outside.Count > 0)
                errors.Add($"超出您的管理范围（{adminScope}）：{string.Join("、", outside.Select(l => l.Name))}。");
        }
        if (errors.Count > 0)
            return new LaunchResult(null, 0, [], errors, notes);

        var now = time.GetUtcNow();
        var campaign = new Campaign
        {
            Title = title!, Kind = request.Kind!, Description = request.Description?.Trim(), Topics = topics, Deadline = deadline,
            CascadeDepth = request.CascadeDepth, Scope = Describe(request.Scope!), Policy = request.Reminders ?? new ReminderPolicy(),
            CreatedBy = actor, CreatedAt = now,
        };
        var people = await db.Set<Person>().AsNoTracking().ToListAsync(ct);
        var units = await db.Set<OrgUnit>().AsNoTracking().ToDictionaryAsync(u => u.Id, ct);
        var charges = await db.Set<UnitCharge>().AsNoTracking().ToListAsync(ct);

        var assignments = new List<Assignment>();
        var queue = new Queue<(Person Leader, Assignment? Parent, int Depth)>(leaders.Select(l => (l, (Assignment?)null, 0)));
        var seen = new HashSet<int>();
        var parentOf = new Dictionary<Assignment, Assignment?>();
        while (queue.Count > 0)
        {
            var (leader, parent, depth) = queue.Dequeue();
            if (!seen.Add(leader.Id))
                continue;
            var targets = TargetsOf(leader, people, units, charges);
            if (targets.Count == 0)
            {
                notes.Add($"{leader.Name}：没有分管单位的负责人或本单位人员，未分配任务。");
                continue;
            }
            var assignment = new Assignment
            {
                Campaign = campaign, LeaderId = leader.Id, Depth = depth, Status = AssignmentStatus.Pending,
                Targets = targets, Deadline = deadline, CreatedAt = now,
            };
            assignments.Add(assignment);
            parentOf[assignment] = parent;
            if (depth < campaign.CascadeDepth)
                foreach (var target in targets)
                    if (people.FirstOrDefault(p => p.Id == target.PersonId) is { } next && next.Is(Roles.Leader))
                        queue.Enqueue((next, assignment, depth + 1));
        }
        if (assignments.Count == 0)
            return new LaunchResult(null, 0, [], ["范围内没有可分配任务的领导，请检查组织架构或范围。"], notes);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(campaign);
        db.AddRange(assignments);
        await db.SaveChangesAsync(ct);
        foreach (var a in assignments)
        {
            a.ParentAssignmentId = parentOf[a]?.Id;
            foreach (var (kind, due) in ReminderPlanner.Plan(campaign.Policy, calendar, now, deadline, includeLaunch: true))
                db.Add(new Reminder { AssignmentId = a.Id, Kind = kind, DueAt = due });
        }
        audit.Add(actor, "campaign.create", $"campaign:{campaign.Id}", $"{campaign.Title}；{assignments.Count} 项任务");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        if (calendar.FirstUncovered(today, Math.Max(60, deadline.DayNumber - today.DayNumber + 30)) is { } gap)
            notes.Add($"注意：节假日日历没有 {gap.Year} 年的数据，提醒暂按“仅避开周末”安排。请在国务院公布放假安排后更新 holidays.json。");
        var unreachable = new List<Unreachable>();
        foreach (var a in assignments)
            if (await audience.UnreachableReasonAsync(a.LeaderId, ct) is { } reason)
                unreachable.Add(new Unreachable(a.LeaderId, people.First(p => p.Id == a.LeaderId).Name, reason));
        return new LaunchResult(campaign, assignments.Count, unreachable, [], notes);
    }

    private async Task<List<Person>> ResolveScopeAsync(CampaignScope? scope, List<string> errors, CancellationToken ct)
    {
        var people = await db.Set<Person>().AsNoTracking().Include(p => p.Unit).ToListAsync(ct);
        var leaders = people.Where(p => p.Is(Roles.Leader)).ToList();
        if (scope is null || (!scope.All && scope.Units is not { Count: > 0 } && scope.Leaders is not { Count: > 0 }))
        {
            errors.Add("请指定范围：全部领导、指定单位或指定领导。");
            return [];
        }
        if (scope.All)
            return leaders;
        var result = new List<Person>();
        foreach (var path in scope.Units ?? [])
        {
            var p = path.Trim().Trim('/');
            if (!await db.Set<OrgUnit>().AnyAsync(u => u.Path == p, ct))
                errors.Add($"未找到单位“{p}”。");
            else
                result.AddRange(leaders.Where(l => l.Unit is not null && TalkAudience.InSubtree(l.Unit.Path, p)));
        }
        foreach (var email in scope.Leaders ?? [])
        {
            var e = email.Trim().ToLowerInvariant();
            if (leaders.FirstOrDefault(l => l.Email == e) is { } leader)
                result.Add(leader);
            else
                errors.Add($"未找到邮箱为“{email}”的领导。");
        }
        return result.DistinctBy(p => p.Id).OrderBy(p => p.Id).ToList();
    }

    /// <summary>Heads of the leader's 分管 units; without any 分管 unit, the other people of their own unit.</summary>
    internal static List<TalkTarget> TargetsOf(Person leader, List<Person> people, Dictionary<int, OrgUnit> units, List<UnitCharge> charges)
    {
        var targets = new List<TalkTarget>();
        var charged = charges.Where(c => c.PersonId == leader.Id).Select(c => c.UnitId).ToList();
        foreach (var unitId in charged)
        {
            var members = people.Where(p => p.UnitId == unitId && p.Id != leader.Id).ToList();
            var heads = members.Where(p => p.Is(Roles.Leader)).ToList();
            targets.AddRange((heads.Count > 0 ? heads : members).Select(p => new TalkTarget(p.Id, p.Name, units[unitId].Name)));
        }
        if (charged.Count == 0 && leader.UnitId is { } own)
            targets.AddRange(people.Where(p => p.UnitId == own && p.Id != leader.Id).Select(p => new TalkTarget(p.Id, p.Name, units[own].Name)));
        return targets.DistinctBy(t => t.PersonId).ToList();
    }

    private static string Describe(CampaignScope scope) =>
        scope.All ? "all" : scope.Units is { Count: > 0 } u ? "units:" + string.Join('|', u) : "leaders:" + string.Join('|', scope.Leaders ?? []);
}
