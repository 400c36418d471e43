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
            var sent = activity.TextFormat == "markdown"
                ? await api.SendMarkdownAsync(user, activity.Text, ct)
                : await api.SendTextAsync(user, activity.Text, ct);
            id = (await store.AddAsync(user, new SentCard(null, sent.MsgId, null, store.Now), ct)).ActivityId;
        }
        foreach (var card in Cards(activity))
            id = (await store.AddAsync(user, await SendCardAsync(store, user, card, ct), ct)).ActivityId;
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
