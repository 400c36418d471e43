using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bot.App.Regulations;

/// <summary>One question asked in chat and what the bot answered, with the asker's feedback: the 常见问题 view for admins.</summary>
public sealed class RegulationQuestion
{
    public int Id { get; set; }
    public DateTimeOffset AskedAt { get; set; }
    /// <summary>channel|conversation: the context for "第八十八条" without a regulation name.</summary>
    public required string ConversationKey { get; set; }
    public string? UserName { get; set; }
    public required string Question { get; set; }
    public string? Title { get; set; }
    public string? Article { get; set; }
    public float Score { get; set; }
    public bool Found { get; set; }
    /// <summary>"useful" or "notfound" once the asker pressed a feedback button.</summary>
    public string? Feedback { get; set; }
    public DateTimeOffset? FeedbackAt { get; set; }
}

internal sealed class RegulationQuestionConfiguration : IEntityTypeConfiguration<RegulationQuestion>
{
    public void Configure(EntityTypeBuilder<RegulationQuestion> b)
    {
        b.Property(x => x.ConversationKey).HasMaxLength(600);
        b.Property(x => x.UserName).HasMaxLength(200);
        b.Property(x => x.Question).HasMaxLength(500);
        b.Property(x => x.Title).HasMaxLength(300);
        b.Property(x => x.Article).HasMaxLength(40);
        b.Property(x => x.Feedback).HasMaxLength(20);
        b.HasIndex(x => new { x.ConversationKey, x.AskedAt });
        b.HasIndex(x => x.AskedAt);
    }
}
