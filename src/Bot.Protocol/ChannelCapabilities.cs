using System.Text.Json.Nodes;
using Bot.Protocol.Routing;

namespace Bot.Protocol;

/// <summary>
/// What a Bot Framework channel can do with what the bot sends. Teams renders Universal Actions
/// (<c>Action.Execute</c> → <c>adaptiveCard/action</c> invoke) and lets the bot update and delete its messages;
/// Web Chat over Direct Line (and the Emulator / offline Direct Line, channel id <c>emulator</c>) does neither:
/// Web Chat 4.18 sends nothing when an <c>Action.Execute</c> is clicked, and Direct Line has no update or delete.
/// </summary>
public sealed record ChannelCapabilities(bool UniversalActions, bool MessageUpdates)
{
    public const string Teams = "msteams";
    public const string WebChat = "webchat";
    public const string DirectLine = "directline";
    public const string Emulator = "emulator";

    private static readonly ChannelCapabilities Full = new(UniversalActions: true, MessageUpdates: true);
    private static readonly ChannelCapabilities DirectLineFamily = new(UniversalActions: false, MessageUpdates: false);
    // Universal Actions exist only in Teams (and Outlook); other channels (Slack, Telegram, …) can edit messages.
    private static readonly ChannelCapabilities Other = new(UniversalActions: false, MessageUpdates: true);

    public static ChannelCapabilities For(string? channelId) => channelId?.ToLowerInvariant() switch
    {
        Teams => Full,
        WebChat or DirectLine or Emulator => DirectLineFamily,
        _ => Other,
    };

    /// <summary>
    /// The activity as this channel can show it: without Universal Actions every <c>Action.Execute</c> of its
    /// Adaptive Cards becomes an <c>Action.Submit</c> with the same data (the verb included), which the router
    /// serves like the Execute. Returns the activity itself when nothing needs changing; never mutates it.
    /// </summary>
    public Activity Adapt(Activity activity)
    {
        if (UniversalActions || activity.Attachments is not { Count: > 0 } attachments
            || !attachments.Any(a => a.Content is JsonObject card && ContainsExecute(card)))
            return activity;
        var copy = activity.Clone();
        copy.Attachments = [.. attachments.Select(a => a.ContentType == Attachment.AdaptiveCardContentType && a.Content is JsonObject card
            ? new Attachment { ContentType = a.ContentType, Name = a.Name, ContentUrl = a.ContentUrl, ThumbnailUrl = a.ThumbnailUrl, Extra = a.Extra, Content = ExecuteToSubmit(card) }
            : a)];
        return copy;
    }

    /// <summary>A copy of the card with every <c>Action.Execute</c> (actions, select actions, show-card bodies) replaced by an <c>Action.Submit</c>.</summary>
    public static JsonObject ExecuteToSubmit(JsonObject card) => (JsonObject)Rewrite(card);

    private static bool ContainsExecute(JsonNode? node) => node switch
    {
        JsonObject o => IsExecute(o) || o.Any(p => ContainsExecute(p.Value)),
        JsonArray a => a.Any(ContainsExecute),
        _ => false,
    };

    private static bool IsExecute(JsonObject o) => o["type"] is JsonValue v && v.TryGetValue<string>(out var t) && t == "Action.Execute";

    private static JsonNode Rewrite(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o when IsExecute(o):
                return ToSubmit(o);
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var (key, value) in o)
                    copy[key] = value is null ? null : Rewrite(value);
                return copy;
            case JsonArray a:
                return new JsonArray([.. a.Select(n => n is null ? null : Rewrite(n))]);
            default:
                return node.DeepClone();
        }
    }

    private static JsonObject ToSubmit(JsonObject execute)
    {
        var submit = new JsonObject { ["type"] = "Action.Submit" };
        foreach (var (key, value) in execute)
        {
            // verb lives in data for Submit; the fallback was only there for clients like this one.
            if (key is "type" or "verb" or "fallback" or "data")
                continue;
            submit[key] = value?.DeepClone();
        }
        var data = execute["data"] is JsonObject d ? (JsonObject)d.DeepClone() : [];
        if (execute["verb"] is JsonValue verb && verb.TryGetValue<string>(out var v) && data[CardAction.VerbKey] is null)
            data[CardAction.VerbKey] = v;
        submit["data"] = data;
        return submit;
    }
}
