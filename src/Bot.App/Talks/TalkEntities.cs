using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bot.App.Talks;

public static class TalkKinds
{
    public static readonly string[] All = ["集体约谈", "廉政谈话", "提醒谈话"];
}

/// <summary>A 约谈任务 launched by an admin: who must talk with whom about what, by when.</summary>
public sealed class Campaign
{
    public static readonly string[] DefaultTopics =
    [
        "学习《中国共产党纪律处分条例》",
        "通报违纪违法典型案例",
        "中央八项规定及其实施细则精神",
        "形式主义官僚主义新表现",
        "“三本账”（政治账、经济账、家庭账）",
        "一岗双责",
    ];

    public int Id { get; set; }
    public required string Title { get; set; }
    public required string Kind { get; set; }
    public string? Description { get; set; }
    public List<string> Topics { get; set; } = [];
    /// <summary>Last day (Asia/Shanghai); the campaign ends at the end of that day.</summary>
    public DateOnly Deadline { get; set; }
    public int CascadeDepth { get; set; }
    /// <summary>"all", "units:a|b" or "leaders:x@y|…", as given at creation.</summary>
    public required string Scope { get; set; }
    public ReminderPolicy Policy { get; set; } = new();
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public enum AssignmentStatus
{
    Pending = 0,
    ExtensionRequested = 1,
    ExtensionGranted = 2,
    ExtensionDenied = 3,
    Overdue = 4,
    Reported = 5,
    Edited = 6,
}

/// <summary>Someone the leader must talk with: the head of a 分管 unit, or a member of their own unit.</summary>
public sealed record TalkTarget(int PersonId, string Name, string? Unit);

/// <summary>One leader's share of a campaign; cascade sub-assignments point at the assignment that caused them.</summary>
public sealed class Assignment
{
    public int Id { get; set; }
    public int CampaignId { get; set; }
    public Campaign? Campaign { get; set; }
    public int LeaderId { get; set; }
    public int? ParentAssignmentId { get; set; }
    public int Depth { get; set; }
    public AssignmentStatus Status { get; set; }
    public List<TalkTarget> Targets { get; set; } = [];
    /// <summary>The campaign deadline, or a later one after a granted extension.</summary>
    public DateOnly Deadline { get; set; }
    /// <summary>The last reminder card posted to the leader, updated in place by the next reminder.</summary>
    public string? CardActivityId { get; set; }
    public int? CardConversationRefId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public bool IsDone => Status is AssignmentStatus.Reported or AssignmentStatus.Edited;
}

public enum ReminderKind
{
    Launch = 0,
    BeforeDeadline = 1,
    DeadlineDay = 2,
    Overdue = 3,
    Escalation = 4,
    Snooze = 5,
}

/// <summary>A planned push. The schedule lives here, not in Quartz, so restarts neither lose nor repeat one.</summary>
public sealed class Reminder
{
    public long Id { get; set; }
    public int AssignmentId { get; set; }
    public ReminderKind Kind { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    /// <summary>Set when the reminder became pointless (report in, deadline moved, snoozed) or was folded into another one.</summary>
    public DateTimeOffset? CancelledAt { get; set; }
    public string? Outcome { get; set; }
}

/// <summary>Per-campaign reminder policy; the defaults are the issue's.</summary>
public sealed record ReminderPolicy
{
    public bool OnLaunch { get; init; } = true;
    public int[] DaysBefore { get; init; } = [7, 3, 1];
    public bool OnDeadlineDay { get; init; } = true;
    /// <summary>Local time of day of the scheduled pushes.</summary>
    public int Hour { get; init; } = 9;
    public int OverdueEveryWorkdays { get; init; } = 2;
    public int OverdueRepeats { get; init; } = 5;
    public int EscalateAfterWorkdays { get; init; } = 3;
}

public enum ExtensionStatus
{
    Requested = 0,
    Granted = 1,
    Denied = 2,
}

public sealed class ExtensionRequest
{
    public int Id { get; set; }
    public int AssignmentId { get; set; }
    public required string Reason { get; set; }
    public DateOnly RequestedDeadline { get; set; }
    public ExtensionStatus Status { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
}

internal static class JsonColumn
{
    public static PropertyBuilder<T> AsJson<T>(this PropertyBuilder<T> p) where T : class =>
        p.HasConversion(
            v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null),
            v => JsonSerializer.Deserialize<T>(v, (JsonSerializerOptions?)null)!,
            new ValueComparer<T>(
                (a, b) => JsonSerializer.Serialize(a, (JsonSerializerOptions?)null) == JsonSerializer.Serialize(b, (JsonSerializerOptions?)null),
                v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null).GetHashCode(StringComparison.Ordinal),
                v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, (JsonSerializerOptions?)null), (JsonSerializerOptions?)null)!));
}

internal sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaign>
{
    public void Configure(EntityTypeBuilder<Campaign> b)
    {
        b.Property(x => x.Title).HasMaxLength(200);
        b.Property(x => x.Kind).HasMaxLength(32);
        b.Property(x => x.Topics).AsJson();
        b.Property(x => x.Policy).AsJson();
    }
}

internal sealed class AssignmentConfiguration : IEntityTypeConfiguration<Assignment>
{
    public void Configure(EntityTypeBuilder<Assignment> b)
    {
        b.HasIndex(x => new { x.CampaignId, x.LeaderId }).IsUnique();
        b.HasIndex(x => x.LeaderId);
        b.Property(x => x.Targets).AsJson();
        b.HasOne(x => x.Campaign).WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Org.Person>().WithMany().HasForeignKey(x => x.LeaderId).OnDelete(DeleteBehavior.Restrict);
        b.Ignore(x => x.IsDone);
    }
}

internal sealed class ReminderConfiguration : IEntityTypeConfiguration<Reminder>
{
    public void Configure(EntityTypeBuilder<Reminder> b)
    {
        b.HasIndex(x => new { x.SentAt, x.CancelledAt, x.DueAt });
        b.HasIndex(x => x.AssignmentId);
        b.HasOne<Assignment>().WithMany().HasForeignKey(x => x.AssignmentId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.Outcome).HasMaxLength(200);
    }
}

internal sealed class ExtensionRequestConfiguration : IEntityTypeConfiguration<ExtensionRequest>
{
    public void Configure(EntityTypeBuilder<ExtensionRequest> b)
    {
        b.HasIndex(x => x.AssignmentId);
        b.HasOne<Assignment>().WithMany().HasForeignKey(x => x.AssignmentId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.Reason).HasMaxLength(1000);
    }
}
