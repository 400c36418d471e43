using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Bot.Protocol;

/// <summary>
/// One Bot Framework activity. Typed fields cover what the bot reads and writes; every other member
/// is kept in <see cref="Extra"/> so unknown fields survive a round trip (spec A2005).
/// </summary>
public sealed class Activity
{
    public string? Type { get; set; }
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Action { get; set; }
    public DateTimeOffset? Timestamp { get; set; }
    public DateTimeOffset? LocalTimestamp { get; set; }
    public string? LocalTimezone { get; set; }
    public string? ServiceUrl { get; set; }
    public string? ChannelId { get; set; }
    public ChannelAccount? From { get; set; }
    public ConversationAccount? Conversation { get; set; }
    public ChannelAccount? Recipient { get; set; }
    public string? ReplyToId { get; set; }
    public string? Text { get; set; }
    public string? TextFormat { get; set; }
    public string? Summary { get; set; }
    public string? Locale { get; set; }
    public string? AttachmentLayout { get; set; }
    public List<Attachment>? Attachments { get; set; }
    public List<JsonObject>? Entities { get; set; }
    public List<ChannelAccount>? MembersAdded { get; set; }
    public List<ChannelAccount>? MembersRemoved { get; set; }
    public JsonNode? Value { get; set; }
    public JsonObject? ChannelData { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>Tenant id from <c>conversation.tenantId</c>, falling back to Teams' <c>channelData.tenant.id</c>.</summary>
    [JsonIgnore]
    public string? TenantId =>
        Conversation?.TenantId ?? ChannelData?["tenant"]?["id"]?.GetValue<string>();

    [JsonIgnore]
    public bool IsGroup =>
        Conversation is { } c && (c.IsGroup == true || c.ConversationType is "groupChat" or "channel");

    /// <summary>A shallow copy, for senders that change an outgoing activity without touching the caller's.</summary>
    public Activity Clone() => (Activity)MemberwiseClone();

    public static Activity Message(string text) => new() { Type = ActivityTypes.Message, Text = text };

    public static Activity FromCard(JsonObject card, string? summary = null) => new()
    {
        Type = ActivityTypes.Message,
        Summary = summary,
        Attachments = [Attachment.AdaptiveCard(card)],
    };
}

public sealed class ChannelAccount
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? AadObjectId { get; set; }
    public string? Role { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class ConversationAccount
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? ConversationType { get; set; }
    public string? TenantId { get; set; }
    public bool? IsGroup { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class Attachment
{
    public const string AdaptiveCardContentType = "application/vnd.microsoft.card.adaptive";

    public string? ContentType { get; set; }
    public string? ContentUrl { get; set; }
    public JsonNode? Content { get; set; }
    public string? Name { get; set; }
    public string? ThumbnailUrl { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }

    public static Attachment AdaptiveCard(JsonObject card) => new() { ContentType = AdaptiveCardContentType, Content = card };
}

/// <summary>Answer of the Connector to send/reply/update: the id of the created message.</summary>
public sealed record ResourceResponse(string? Id);

/// <summary>Answer of create-conversation.</summary>
public sealed record ConversationResourceResponse(string? Id, string? ActivityId, string? ServiceUrl);
