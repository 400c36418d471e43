using Bot.App.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bot.App.Identity;

/// <summary>Who read, wrote or exported what. Written in the same unit of work as the change it records.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>"person:12", "apikey:ops", "wecom:zhangsan" …</summary>
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public string? Target { get; set; }
    public string? Detail { get; set; }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.HasIndex(x => x.At);
        b.Property(x => x.Actor).HasMaxLength(128);
        b.Property(x => x.Action).HasMaxLength(64);
    }
}

public sealed class AuditLog(BotDbContext db, TimeProvider time)
{
    /// <summary>Adds an entry to the current unit of work; the caller's SaveChanges stores it with the change.</summary>
    public void Add(string actor, string action, string? target = null, string? detail = null) =>
        db.Add(new AuditEntry { At = time.GetUtcNow(), Actor = actor, Action = action, Target = target, Detail = detail });

    /// <summary>Records a read or export that has no change of its own.</summary>
    public async Task WriteAsync(string actor, string action, string? target, string? detail, CancellationToken ct)
    {
        Add(actor, action, target, detail);
        await db.SaveChangesAsync(ct);
    }

    public Task<List<AuditEntry>> RecentAsync(int count, CancellationToken ct) =>
        db.Set<AuditEntry>().OrderByDescending(e => e.Id).Take(count).ToListAsync(ct);
}
