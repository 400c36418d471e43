namespace Bot.Protocol;

/// <summary>Everything needed to post into one conversation later (a "conversation reference").</summary>
public sealed record ConversationAddress(
    string ChannelId,
    string ServiceUrl,
    string ConversationId,
    string? TenantId = null,
    string? UserId = null,
    string? BotId = null)
{
    public static ConversationAddress? FromActivity(Activity a) =>
        a.ChannelId is { } ch && a.Conversation?.Id is { } conv
            ? new ConversationAddress(ch, a.ServiceUrl ?? "", conv, a.TenantId, a.From?.Id, a.Recipient?.Id)
            : null;
}

/// <summary>
/// Outbound side of one channel. The Bot Framework connector is one implementation; other channels
/// (WeCom) translate the same activities into their own API.
/// </summary>
public interface IActivitySender
{
    /// <summary>Posts an activity; returns the created message id (null when the channel gives none).</summary>
    Task<string?> SendAsync(ConversationAddress to, Activity activity, CancellationToken ct);

    Task UpdateAsync(ConversationAddress to, string activityId, Activity activity, CancellationToken ct);

    Task DeleteAsync(ConversationAddress to, string activityId, CancellationToken ct);
}
