using Bot.App.Data;
using Bot.App.Org;
using Bot.App.Talks;
using Microsoft.EntityFrameworkCore;

namespace Bot.App.Reports;

public sealed record LeaderProgress(int AssignmentId, int? ParentAssignmentId, int Depth, int LeaderId, string Leader, string Unit,
    string Status, bool Done, bool Overdue, string Deadline, string Targets, string? ReportedAt);

public sealed record UnitProgress(string Unit, int Done, int Total);

public sealed record CampaignProgress(int Id, string Title, string Kind, string Deadline, int Done, int Total,
    IReadOnlyList<UnitProgress> Units, IReadOnlyList<LeaderProgress> Leaders)
{
    public IEnumerable<LeaderProgress> OverdueLeaders => Leaders.Where(l => l.Overdue);
}

/// <summary>Per-unit and per-leader completion of a campaign (the tree of assignments with their cascade).</summary>
public sealed class ProgressService(BotDbContext db, TimeProvider time)
{
    public static string StatusText(AssignmentStatus s) => s switch
    {
        AssignmentStatus.Pending => "待完成",
        AssignmentStatus.ExtensionRequested => "申请延期中",
        AssignmentStatus.ExtensionGranted => "已延期",
        AssignmentStatus.ExtensionDenied => "延期未批准",
        AssignmentStatus.Overdue => "已逾期",
        AssignmentStatus.Reported => "已填报",
        AssignmentStatus.Edited => "已填报（修改过）",
        _ => s.ToString(),
    };

    public Task<Campaign?> FindAsync(int id, CancellationToken ct) => db.Set<Campaign>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);

    public Task<Campaign?> LatestAsync(CancellationToken ct) => db.Set<Campaign>().AsNoTracking().OrderByDescending(c => c.Id).FirstOrDefaultAsync(ct);

    /// <summary>
    /// The whole campaign, only the given leader's assignments with their cascade (a leader's own view), or only the
    /// leaders in a unit subtree (an admin scoped to that unit).
    /// </summary>
    public async Task<CampaignProgress> BuildAsync(Campaign campaign, int? onlyLeaderId, CancellationToken ct, string? unitScope = null)
    {
        var assignments = await db.Set<Assignment>().AsNoTracking().Where(a => a.CampaignId == campaign.Id).OrderBy(a => a.Depth).ThenBy(a => a.Id).ToListAsync(ct);
        if (onlyLeaderId is { } leaderId)
        {
            var visible = new HashSet<int>();
            foreach (var own in assignments.Where(a => a.LeaderId == leaderId))
                visible.UnionWith(Talks.TalkCards.Subtree(assignments.Select(a => (a.Id, a.ParentAssignmentId)), own.Id));
            assignments = assignments.Where(a => visible.Contains(a.Id)).ToList();
        }
        var leaderIds = assignments.Select(a => a.LeaderId).ToList();
        var people = await db.Set<Person>().AsNoTracking().Include(p => p.Unit).Where(p => leaderIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var ids = assignments.Select(a => a.Id).ToList();
        var reports = await db.Set<TalkReport>().AsNoTracking().Where(r => ids.Contains(r.AssignmentId)).ToDictionaryAsync(r => r.AssignmentId, ct);
        var now = time.GetUtcNow();
        if (unitScope is not null)
            assignments = assignments.Where(a => people[a.LeaderId].Unit is { } u && TalkAudience.InSubtree(u.Path, unitScope)).ToList();
        var leaders = assignments.Select(a =>
        {
            var p = people[a.LeaderId];
            return new LeaderProgress(a.Id, a.ParentAssignmentId, a.Depth, a.LeaderId, p.Name, p.Unit?.Path ?? "（未分配单位）",
                StatusText(a.Status), a.IsDone, !a.IsDone && now >= OrgTime.EndOf(a.Deadline), a.Deadline.ToString("yyyy-MM-dd"),
                TalkCards.TargetsText(a.Targets), reports.TryGetValue(a.Id, out var r) ? OrgTime.FormatTime(r.SubmittedAt) : null);
        }).ToList();
        var units = leaders.GroupBy(l => l.Unit).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new UnitProgress(g.Key, g.Count(l => l.Done), g.Count())).ToList();
        return new CampaignProgress(campaign.Id, campaign.Title, campaign.Kind, campaign.Deadline.ToString("yyyy-MM-dd"),
            leaders.Count(l => l.Done), leaders.Count, units, leaders);
    }
}
