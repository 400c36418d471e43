using Bot.App.Talks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bot.App.Reports;

/// <summary>A leader's completion report for one assignment; edits bump the version and keep the old one.</summary>
public sealed class TalkReport
{
    public int Id { get; set; }
    public int AssignmentId { get; set; }
    public DateOnly TalkDate { get; set; }
    /// <summary>集体 or 个别.</summary>
    public required string Form { get; set; }
    public List<TalkTarget> Covered { get; set; } = [];
    public List<string> Topics { get; set; } = [];
    public required string Summary { get; set; }
    public string? Problems { get; set; }
    public bool FewTopics { get; set; }
    public int Version { get; set; } = 1;
    public required string SubmittedBy { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }
}

/// <summary>A previous version of a report, kept when it is edited.</summary>
public sealed class TalkReportRevision
{
    public int Id { get; set; }
    public int ReportId { get; set; }
    public int Version { get; set; }
    public required string Snapshot { get; set; }
    public DateTimeOffset ReplacedAt { get; set; }
}

internal sealed class TalkReportConfiguration : IEntityTypeConfiguration<TalkReport>
{
    public void Configure(EntityTypeBuilder<TalkReport> b)
    {
        b.HasIndex(x => x.AssignmentId).IsUnique();
        b.HasOne<Assignment>().WithMany().HasForeignKey(x => x.AssignmentId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.Form).HasMaxLength(8);
        b.Property(x => x.Summary).HasMaxLength(2000);
        b.Property(x => x.Problems).HasMaxLength(4000);
        b.Property(x => x.Covered).AsJson();
        b.Property(x => x.Topics).AsJson();
    }
}

internal sealed class TalkReportRevisionConfiguration : IEntityTypeConfiguration<TalkReportRevision>
{
    public void Configure(EntityTypeBuilder<TalkReportRevision> b)
    {
        b.HasIndex(x => x.ReportId);
        b.HasOne<TalkReport>().WithMany().HasForeignKey(x => x.ReportId).OnDelete(DeleteBehavior.Cascade);
    }
}
