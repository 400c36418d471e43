using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bot.App.Notices;

public enum NoticeStatus
{
    Draft,
    Scheduled,
    Sending,
    Sent,
    Cancelled,
    Withdrawn,
}

public enum DeliveryState
{
    Queued,
    /// <summary>Marked before the HTTP send; a crash leaves it here and start-up resends it.</summary>
    InDoubt,
    Sent,
    Failed,
    Blocked,
    NotInstalled,
}

/// <summary>A broadcast to an audience, with its content and lifecycle.</summary>
public sealed class Notice
{
    public int Id { get; set; }
    public required string Title { get; set; }
    public required string Body { get; set; }
    /// <summary>JSON array of {title,url}.</summary>
    public string LinksJson { get; set; } = "[]";
    /// <summary>The audience as requested (JSON), kept for the report and the audit.</summary>
    public required string AudienceJson { get; set; }
    public string AudienceLabel { get; set; } = "";
    public bool RequireAck { get; set; }
    public NoticeStatus Status { get; set; }
    /// <summary>When sending starts (after quiet-hour adjustment); null = at once.</summary>
    public DateTimeOffset? SendAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CorrectedAt { get; set; }
    public DateTimeOffset? WithdrawnAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>One recipient of a notice: where to send, what happened, and the message id for later updates.</summary>
public sealed class NoticeDelivery
{
    public long Id { get; set; }
    public int NoticeId { get; set; }
    public int? PersonId { get; set; }
    public int? ConversationRefId { get; set; }
    public required string Name { get; set; }
    public string? UnitPath { get; set; }
    public string? ChannelId { get; set; }
    public string? ServiceUrl { get; set; }
    public string? ConversationId { get; set; }
    public string? TenantId { get; set; }
    public string? UserId { get; set; }
    public string? BotId { get; set; }
    public DeliveryState State { get; set; }
    public string? Reason { get; set; }
    public int Attempts { get; set; }
    public int Throttles { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public string? ActivityId { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public DateTimeOffset? AckedAt { get; set; }
    public int Reminders { get; set; }
    /// <summary>The sent card must be PUT again (correction or withdrawal); PUT is idempotent, so a crash just repeats it.</summary>
    public bool NeedsUpdate { get; set; }
}

internal sealed class NoticeConfiguration : IEntityTypeConfiguration<Notice>
{
    public void Configure(EntityTypeBuilder<Notice> b)
    {
        b.Property(x => x.Title).HasMaxLength(200);
        b.Property(x => x.Body).HasMaxLength(8000);
        b.Property(x => x.CreatedBy).HasMaxLength(128);
        b.Property(x => x.AudienceLabel).HasMaxLength(500);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(x => x.Status);
    }
}

internal sealed class NoticeDeliveryConfiguration : IEntityTypeConfiguration<NoticeDelivery>
{
    public void Configure(EntityTypeBuilder<NoticeDelivery> b)
    {
        b.Property(x => x.State).HasConversion<string>().HasMaxLength(16);
        b.Property(x => x.Name).HasMaxLength(128);
        b.Property(x => x.UnitPath).HasMaxLength(512);
        b.Property(x => x.Reason).HasMaxLength(256);
        b.Property(x => x.ConversationId).HasMaxLength(512);
        b.Property(x => x.ServiceUrl).HasMaxLength(1024);
        b.HasOne<Notice>().WithMany().HasForeignKey(x => x.NoticeId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.State, x.NextAttemptAt });
        b.HasIndex(x => new { x.NoticeId, x.ConversationId });
        b.HasIndex(x => x.NeedsUpdate);
    }
}
