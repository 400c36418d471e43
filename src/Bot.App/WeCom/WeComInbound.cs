using System.Text.Json.Nodes;
using Bot.Protocol;
using Bot.Protocol.WeCom;

namespace Bot.App.WeCom;

/// <summary>
/// Turns a decrypted callback into the Bot Framework activity the router already understands:
/// text → message; card button → message with <c>value</c> = verb + data (the Action.Submit path, so the
/// same <c>OnCardAction</c> handler runs) and <c>replyToId</c> = the card's activity id; subscribe/enter_agent
/// → installationUpdate add (welcome once); unsubscribe → installationUpdate remove; menu click → its key as text.
/// </summary>
public static class WeComInbound
{
    public const string ChannelId = "wecom";

    public static async Task<Activity?> ToActivityAsync(CallbackMessage m, WeComOptions options, WeComStore store, CancellationToken ct)
    {
        var activity = new Activity
        {
            Id = m.DedupKey,
            ChannelId = ChannelId,
            ServiceUrl = options.ApiBaseUrl,
            Timestamp = DateTimeOffset.FromUnixTimeSeconds(m.CreateTime),
            Locale = "zh-CN",
            From = new ChannelAccount { Id = m.FromUserName, Name = m.FromUserName },
            Recipient = new ChannelAccount { Id = $"{ChannelId}:{options.AgentId}", Name = "app" },
            Conversation = new ConversationAccount { Id = m.FromUserName, ConversationType = "personal", TenantId = options.CorpId },
            ChannelData = new JsonObject
            {
                [ChannelId] = new JsonObject { ["msgType"] = m.MsgType, ["event"] = m.Event, ["agentId"] = m.AgentId },
            },
        };
        if (!m.IsEvent)
        {
            if (!m.MsgType.Equals("text", StringComparison.OrdinalIgnoreCase))
                return null;
            activity.Type = ActivityTypes.Message;
            activity.Text = m.Content ?? "";
            return activity;
        }
        switch (m.Event?.ToLowerInvariant())
        {
            case "subscribe" or "enter_agent":
                activity.Type = ActivityTypes.InstallationUpdate;
                activity.Action = "add";
                return activity;
            case "unsubscribe":
                activity.Type = ActivityTypes.InstallationUpdate;
                activity.Action = "remove";
                return activity;
            case "click":
                activity.Type = ActivityTypes.Message;
                activity.Text = m.EventKey ?? "";
                return activity;
            case "template_card_event":
                activity.Type = ActivityTypes.Message;
                var card = m.TaskId is { } taskId ? await store.RememberClickAsync(taskId, m.ResponseCode, ct) : null;
                activity.ReplyToId = card?.ActivityId;
                var target = await store.DecodeKeyAsync(m.EventKey, ct);
                if (target?.Text is { } typed)
                {
                    activity.Text = typed;
                    return activity;
                }
                var value = target?.Data?.DeepClone() as JsonObject ?? new JsonObject { ["verb"] = null };
                foreach (var item in m.SelectedItems ?? [])
                    value[item.QuestionKey] = item.OptionIds.Count == 1 ? item.OptionIds[0] : string.Join(',', item.OptionIds);
                activity.Value = value;
                return activity;
            default:
                return null;
        }
    }
}
