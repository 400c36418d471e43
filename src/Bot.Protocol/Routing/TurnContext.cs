using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Bot.Protocol.Routing;

/// <summary>One inbound activity being handled, with the means to answer in the same conversation.</summary>
public sealed partial class TurnContext(Activity activity, IActivitySender sender, IServiceProvider services)
{
    public Activity Activity { get; } = activity;
    public IServiceProvider Services { get; } = services;
    public IActivitySender Sender { get; } = sender;
    public ConversationAddress? Address { get; } = ConversationAddress.FromActivity(activity);
    public ChannelCapabilities Capabilities { get; } = ChannelCapabilities.For(activity.ChannelId);

    /// <summary>
    /// Text with the bot's own <c>&lt;at&gt;…&lt;/at&gt;</c> mention removed, other mentions reduced to the
    /// mentioned name, and white space trimmed.
    /// </summary>
    public string Text { get; } = StripMentions(activity);

    /// <summary>Values middleware wants to hand to later handlers of the same turn (e.g. the linked person).</summary>
    public Dictionary<string, object> Items { get; } = [];

    public Task<string?> SendAsync(Activity reply, CancellationToken ct) =>
        Address is { } to ? Sender.SendAsync(to, reply, ct) : Task.FromResult<string?>(null);

    public Task<string?> SendTextAsync(string text, CancellationToken ct) => SendAsync(Activity.Message(text), ct);

    public Task<string?> SendCardAsync(JsonObject card, CancellationToken ct, string? summary = null) =>
        SendAsync(Activity.FromCard(card, summary), ct);

    public Task UpdateCardAsync(string activityId, JsonObject card, CancellationToken ct) =>
        Address is { } to ? Sender.UpdateAsync(to, activityId, Activity.FromCard(card), ct) : Task.CompletedTask;

    /// <summary>
    /// Shows <paramref name="card"/> in place of the message <paramref name="cardActivityId"/> where the channel
    /// can update messages, otherwise (Direct Line, or no id known) as a new message.
    /// </summary>
    public Task ReplaceCardAsync(string? cardActivityId, JsonObject card, CancellationToken ct) =>
        cardActivityId is { } id && Capabilities.MessageUpdates
            ? UpdateCardAsync(id, card, ct)
            : SendCardAsync(card, ct);

    public bool MentionsBot()
    {
        var botId = Activity.Recipient?.Id;
        foreach (var e in Activity.Entities ?? [])
        {
            if (e["type"]?.GetValue<string>() == "mention"
                && (botId is null || e["mentioned"]?["id"]?.GetValue<string>() == botId))
                return true;
        }
        return Activity.Text?.Contains("<at>", StringComparison.OrdinalIgnoreCase) == true && botId is null;
    }

    internal static string StripMentions(Activity activity)
    {
        var text = activity.Text;
        if (string.IsNullOrEmpty(text))
            return "";
        var botId = activity.Recipient?.Id;
        var mentions = (activity.Entities ?? []).Where(e => e["type"]?.GetValue<string>() == "mention").ToList();
        if (mentions.Count == 0)
            return MentionPattern().Replace(text, " ").Replace("&nbsp;", " ", StringComparison.Ordinal).Trim(); // cannot tell whose
        foreach (var e in mentions)
        {
            // Teams puts the exact mention markup in the entity's text; remove the bot's wherever it is.
            if (e["text"]?.GetValue<string>() is { Length: > 0 } markup
                && (botId is null || e["mentioned"]?["id"]?.GetValue<string>() == botId))
                text = text.Replace(markup, " ", StringComparison.OrdinalIgnoreCase);
        }
        text = MentionPattern().Replace(text, m => m.Groups[1].Value);
        return text.Replace("&nbsp;", " ", StringComparison.Ordinal).Trim();
    }

    [GeneratedRegex("<at[^>]*>(.*?)</at>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex MentionPattern();
}
