using System.Text.Json.Nodes;
using Bot.Protocol;
using Bot.Protocol.WeCom;

namespace Bot.App.WeCom;

/// <summary>
/// The WeCom side of <see cref="IActivitySender"/>: text → text (or markdown), Adaptive Card → template_card
/// (markdown when it has no buttons or WeCom refuses the card), update → update_template_card with the
/// latest unused response_code (else a new card), delete → recall. The address's conversation id is the
/// member's userid.
/// </summary>
public sealed partial class WeComSender(WeComApiClient api, IServiceScopeFactory scopes, ILogger<WeComSender> logger) : IActivitySender
{
    public WeComApiClient Api => api;

    public async Task<string?> SendAsync(ConversationAddress to, Activity activity, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<WeComStore>();
        var user = to.ConversationId;
        string? id = null;
        if (!string.IsNullOrWhiteSpace(activity.Text))
        {
            // WeCom cuts text and markdown at 2048 bytes: long answers go out as several messages.
            foreach (var part in SplitUtf8(activity.Text, MaxTextBytes))
            {
                var sent = activity.TextFormat == "markdown"
                    ? await api.SendMarkdownAsync(user, part, ct)
                    : await api.SendTextAsync(user, part, ct);
                id = (await store.AddAsync(user, new SentCard(null, sent.MsgId, null, store.Now), ct)).ActivityId;
            }
        }
        foreach (var card in Cards(activity))
            id = (await store.AddAsync(user, await SendCardAsync(store, user, card, ct), ct)).ActivityId;
        foreach (var attachment in activity.Attachments ?? [])
        {
            if (DataUri(attachment) is not { } file)
                continue;
            var type = file.ContentType.StartsWith("image/", StringComparison.Ordinal) ? "image" : "file";
            var mediaId = await api.UploadMediaAsync(type, attachment.Name ?? (type == "image" ? "image.png" : "file.bin"), file.Bytes, file.ContentType, ct);
            var sent = await api.SendMediaAsync(user, type, mediaId, ct);
            id = (await store.AddAsync(user, new SentCard(null, sent.MsgId, null, store.Now), ct)).ActivityId;
        }
        return id;
    }

    public async Task UpdateAsync(ConversationAddress to, string activityId, Activity activity, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<WeComStore>();
        var row = await store.FindAsync(activityId, ct);
        var card = Cards(activity).FirstOrDefault();
        if (card is null)
        {
            if (!string.IsNullOrWhiteSpace(activity.Text))
                await api.SendTextAsync(to.ConversationId, activity.Text, ct);
            return;
        }
        if (row?.TaskId is { } taskId && await store.TakeResponseCodeAsync(row, ct) is { } code)
        {
            var translated = CardTranslator.Translate(card, taskId, store.EncodeKey, forUpdate: true);
            await store.SaveAsync(ct);
            try
            {
                await api.UpdateTemplateCardAsync([row.UserId], code, translated.Payload, null, ct);
                return;
            }
            catch (WeComApiException ex) when (!ex.IsConfigurationError)
            {
                LogUpdateFallback(logger, activityId, ex.ErrCode);
            }
        }
        // No usable response_code (none yet, used, or older than 72 h): show the new state as a new message
        // and let the old id follow it, so later clicks and updates find the card.
        var sent = await SendCardAsync(store, to.ConversationId, card, ct);
        if (row is null)
        {
            await store.AddAsync(to.ConversationId, sent, ct, activityId);
            return;
        }
        row.TaskId = sent.TaskId;
        row.MsgId = sent.MsgId;
        row.ResponseCode = sent.ResponseCode;
        row.ResponseCodeAt = sent.ResponseCode is null ? null : sent.At;
        row.ResponseCodeUsed = false;
        await store.SaveAsync(ct);
    }

    public async Task DeleteAsync(ConversationAddress to, string activityId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<WeComStore>();
        if (await store.FindAsync(activityId, ct) is { MsgId: { } msgId })
            await api.RecallAsync(msgId, ct);
    }

    private async Task<SentCard> SendCardAsync(WeComStore store, string user, JsonObject card, CancellationToken ct)
    {
        var taskId = NewTaskId();
        var translated = CardTranslator.Translate(card, taskId, store.EncodeKey);
        await store.SaveAsync(ct);
        try
        {
            var sent = await api.SendAsync(translated.ToMessage(user), ct);
            return new SentCard(translated.IsTemplateCard ? taskId : null, sent.MsgId, sent.ResponseCode, store.Now);
        }
        catch (WeComApiException ex) when (ex.IsContentError && translated.IsTemplateCard)
        {
            LogCardRefused(logger, ex.ErrCode, ex.ErrMsg);
            var fallback = new WeComCard("markdown", new JsonObject { ["content"] = MarkdownOf(translated.Payload) });
            var sent = await api.SendAsync(fallback.ToMessage(user), ct);
            return new SentCard(null, sent.MsgId, null, store.Now);
        }
    }

    public const int MaxTextBytes = 2048;

    /// <summary>Pieces of at most <paramref name="maxBytes"/> UTF-8 bytes, cut after a line break where possible.</summary>
    public static IEnumerable<string> SplitUtf8(string text, int maxBytes)
    {
        var rest = text;
        while (System.Text.Encoding.UTF8.GetByteCount(rest) > maxBytes)
        {
            var length = 0;
            var bytes = 0;
            while (length < rest.Length)
            {
                var step = char.IsSurrogatePair(rest, length) ? 2 : 1;
                var size = System.Text.Encoding.UTF8.GetByteCount(rest.AsSpan(length, step));
                if (bytes + size > maxBytes)
                    break;
                bytes += size;
                length += step;
            }
            var newline = rest.LastIndexOf('\n', length - 1);
            var cut = newline > length / 2 ? newline + 1 : length;
            yield return rest[..cut].TrimEnd('\n');
            rest = rest[cut..];
        }
        if (rest.Length > 0)
            yield return rest;
    }

    /// <summary>Files travel as <c>data:</c> URIs in attachments (charts, exports); WeCom needs them uploaded first.</summary>
    private static (string ContentType, byte[] Bytes)? DataUri(Attachment attachment)
    {
        if (attachment.ContentUrl is not { } url || !url.StartsWith("data:", StringComparison.Ordinal))
            return null;
        var comma = url.IndexOf(',', StringComparison.Ordinal);
        var header = comma > 5 ? url[5..comma] : "";
        if (comma < 0 || !header.EndsWith(";base64", StringComparison.Ordinal))
            return null;
        try
        {
            return (attachment.ContentType ?? header[..^7], Convert.FromBase64String(url[(comma + 1)..]));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Unique per app forever, [0-9A-Za-z_-@], ≤128 bytes.</summary>
    public static string NewTaskId() => "t" + Guid.NewGuid().ToString("N");

    internal static string MarkdownOf(JsonObject template)
    {
        var lines = new List<string>();
        if (template["main_title"]?["title"]?.GetValue<string>() is { } title)
            lines.Add($"**{title}**");
        if (template["sub_title_text"]?.GetValue<string>() is { } sub)
            lines.Add(sub);
        foreach (var item in (template["horizontal_content_list"] as JsonArray ?? []).OfType<JsonObject>())
            lines.Add($"> {item["keyname"]}：{item["value"]}");
        var buttons = (template["button_list"] as JsonArray ?? []).OfType<JsonObject>().Select(b => b["text"]?.GetValue<string>()).ToList();
        if (buttons.Count > 0)
            lines.Add("可回复：" + string.Join("、", buttons));
        return string.Join('\n', lines);
    }

    private static IEnumerable<JsonObject> Cards(Activity activity) =>
        (activity.Attachments ?? []).Where(a => a.ContentType == Attachment.AdaptiveCardContentType).Select(a => a.Content).OfType<JsonObject>();

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeCom refused the template card ({ErrCode} {ErrMsg}); sent as markdown")]
    private static partial void LogCardRefused(ILogger logger, int errCode, string? errMsg);

    [LoggerMessage(Level = LogLevel.Warning, Message = "update_template_card for {ActivityId} failed with {ErrCode}; sending a new card")]
    private static partial void LogUpdateFallback(ILogger logger, string activityId, int errCode);
}
