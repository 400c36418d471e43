using Bot.Protocol;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bot.App.Conversations;

/// <summary>Where the bot can reach a user or a group later, refreshed from every inbound activity.</summary>
public sealed class ConversationRef
{
    public int Id { get; set; }
    public required string ChannelId { get; set; }
    public required string ConversationId { get; set; }
    public required string ServiceUrl { get; set; }
    public string? ConversationType { get; set; }
    public string? TenantId { get; set; }
    public string? BotId { get; set; }
    /// <summary>Channel user id of the last sender (Teams <c>29:…</c>, WeCom userid).</summary>
    public string? UserId { get; set; }
    public string? UserName { get; set; }
    public string? AadObjectId { get; set; }
    /// <summary>The directory person this chat belongs to, once linked.</summary>
    public int? PersonId { get; set; }
    /// <summary>E-mail or UPN from the connector's get-member call, cached so the call is made once per chat.</summary>
    public string? MemberEmail { get; set; }
    public DateTimeOffset? MemberLookedUpAt { get; set; }
    public bool Installed { get; set; } = true;
    public DateTimeOffset? WelcomedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public bool IsPersonal => ConversationType is null or "personal";

    public ConversationAddress ToAddress() => new(ChannelId, ServiceUrl, ConversationId, TenantId, UserId, BotId);
}

/// <summary>Id of every inbound activity already accepted, so a redelivery is processed once.</summary>
public sealed class ProcessedActivity
{
    public required string Key { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }

    public static string KeyOf(Activity a) => $"{a.ChannelId}|{a.Conversation?.Id}|{a.Id}";
}

internal sealed class ConversationRefConfiguration : IEntityTypeConfiguration<ConversationRef>
{
    public void Configure(EntityTypeBuilder<ConversationRef> b)
    {
        b.HasIndex(x => new { x.ChannelId, x.ConversationId }).IsUnique();
        b.HasIndex(x => x.AadObjectId);
        b.HasIndex(x => x.PersonId);
        b.Property(x => x.ChannelId).HasMaxLength(64);
        b.Property(x => x.ConversationId).HasMaxLength(512);
        b.Property(x => x.ServiceUrl).HasMaxLength(1024);
        b.Ignore(x => x.IsPersonal);
    }
}

internal sealed class ProcessedActivityConfiguration : IEntityTypeConfiguration<ProcessedActivity>
{
    public void Configure(EntityTypeBuilder<ProcessedActivity> b)
    {
        b.HasKey(x => x.Key);
        b.Property(x => x.Key).HasMaxLength(1200);
        b.HasIndex(x => x.ReceivedAt);
    }
}
