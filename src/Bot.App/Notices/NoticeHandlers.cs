using System.Globalization;
using System.Text.Json.Nodes;
using Bot.App.Cards;
using Bot.App.Identity;
using Bot.Protocol.Routing;

namespace Bot.App.Notices;

/// <summary>Chat side: compose → preview → confirm for admins, 已阅 for everyone, the admin report card.</summary>
public static partial class NoticeHandlers
{
    public static readonly string[] ComposeKeywords = ["发通知", "发送通知"];
    public static readonly string[] ReportKeywords = ["通知报告", "通知进度"];
    private const string AdminOnly = "抱歉，只有管理员可以发送和管理通知。如需发布通知，请联系本单位管理员。";

    public static ActivityRouter MapNoticeHandlers(this ActivityRouter router) => router
        .OnCommand("notice.compose", ComposeKeywords, async (turn, ct) =>
        {
            if (!await IsAdminAsync(turn, ct))
            {
                await turn.SendTextAsync(AdminOnly, ct);
                return;
            }
            await turn.SendCardAsync(Compose(turn, new JsonObject(), null), ct, summary: "发送通知");
        })
        .OnCommand("notice.report", ReportKeywords, async (turn, ct) =>
        {
            if (!await IsAdminAsync(turn, ct))
            {
                await turn.SendTextAsync(AdminOnly, ct);
                return;
            }
            var notices = turn.Services.GetRequiredService<NoticeService>();
            var arg = turn.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).FirstOrDefault();
            var notice = int.TryParse(arg, out var id) ? await notices.FindOrNullAsync(id, ct) : await notices.LatestAsync(ct);
            if (notice is null)
            {
                await turn.SendTextAsync("还没有已发送的通知。发送“发通知”开始。", ct);
                return;
            }
            await turn.SendCardAsync(await ReportAsync(turn, notice.Id, ct), ct, summary: "通知报告");
        })
        .OnCardAction("notice.preview", (turn, action, ct) => AdminAsync(turn, ct, () => PreviewAsync(turn, action, ct)))
        .OnCardAction("notice.edit", (turn, action, ct) => AdminAsync(turn, ct, async () =>
        {
            var notices = turn.Services.GetRequiredService<NoticeService>();
            var notice = await notices.FindAsync(NoticeId(action), ct);
            if (notice.Status != NoticeStatus.Draft)
                return CardActionResult.Say($"该通知已{NoticeService.StatusText(notice.Status)}，不能再修改。");
            await notices.DiscardDraftAsync(notice.Id, ct);
            return CardActionResult.ReplaceWith(Compose(turn, FormOf(notice), null));
        }))
        .OnCardAction("notice.confirm", (turn, action, ct) => AdminAsync(turn, ct, async () =>
        {
            var caller = await turn.Services.GetRequiredService<CallerResolver>().ResolveAsync(turn, ct);
            var notice = await turn.Services.GetRequiredService<NoticeService>().StartAsync(NoticeId(action), caller.Actor, ct);
            return CardActionResult.ReplaceWith(await ReportAsync(turn, notice.Id, ct));
        }))
        .OnCardAction("notice.report", (turn, action, ct) => AdminAsync(turn, ct, async () =>
            CardActionResult.ReplaceWith(await ReportAsync(turn, NoticeId(action), ct))))
        .OnCardAction("notice.renotify", (turn, action, ct) => AdminAsync(turn, ct, async () =>
        {
            var caller = await turn.Services.GetRequiredService<CallerResolver>().ResolveAsync(turn, ct);
            var count = await turn.Services.GetRequiredService<NoticeService>().RenotifyAsync(NoticeId(action), caller.Actor, ct);
            return CardActionResult.Say(count == 0 ? "所有已送达人员都已阅，无需提醒。" : $"已向 {count} 位未阅人员再次发送提醒。");
        }))
        .OnCardAction("notice.export", (turn, action, ct) => AdminAsync(turn, ct, async () =>
        {
            var id = NoticeId(action);
            var caller = await turn.Services.GetRequiredService<CallerResolver>().ResolveAsync(turn, ct);
            await turn.Services.GetRequiredService<NoticeService>().FindAsync(id, ct);
            await turn.Services.GetRequiredService<AuditLog>().WriteAsync(caller.Actor, "notice.export", $"notice:{id}", "chat link", ct);
            var export = turn.Services.GetRequiredService<NoticeExport>();
            var minutes = turn.Services.GetRequiredService<NoticeOptions>().ExportLinkMinutes;
            await turn.SendTextAsync($"通知 {id} 的送达与已阅明细（链接 {minutes:0} 分钟内有效）：[下载 Excel]({export.SignedUrl(id, "xlsx")}) · [下载 CSV]({export.SignedUrl(id, "csv")})", ct);
            return CardActionResult.Say("导出链接已发送。");
        }))
        .OnCardAction("notice.ack", async (turn, action, ct) =>
        {
            var notices = turn.Services.GetRequiredService<NoticeService>();
            var id = NoticeId(action);
            var notice = await notices.FindOrNullAsync(id, ct);
            if (notice is null || turn.Activity.Conversation?.Id is not { } conversation)
                return CardActionResult.Refuse("未找到这条通知。");
            var cards = turn.Services.GetRequiredService<NoticeCards>();
            if (notice.Status == NoticeStatus.Withdrawn)
                return CardActionResult.ReplaceWith(cards.Card(notice, null));
            var delivery = await notices.AckAsync(id, conversation, ct);
            if (delivery?.AckedAt is not { } at)
                return CardActionResult.Refuse("您不在这条通知的收件人中。");
            LogAck(turn.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(NoticeHandlers)), id, delivery.Id);
            return CardActionResult.ReplaceWith(cards.Card(notice, at));
        });

    private static async Task<CardActionResult> PreviewAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        var notices = turn.Services.GetRequiredService<NoticeService>();
        var caller = await turn.Services.GetRequiredService<CallerResolver>().ResolveAsync(turn, ct);
        Notice? draft = null;
        try
        {
            var request = RequestOf(action.Data);
            draft = await notices.CreateDraftAsync(request, caller.Actor, ct);
            var recipients = await turn.Services.GetRequiredService<NoticeAudiences>().ResolveAsync(request.Audience!, ct);
            if (recipients.Count == 0)
                throw new NoticeException(422, "受众中没有任何人员，请检查单位或角色。");
            await turn.SendCardAsync(turn.Services.GetRequiredService<NoticeCards>().Card(draft, null), ct, summary: "预览：" + draft.Title);
            var cards = turn.Services.GetRequiredService<CardTemplates>();
            return CardActionResult.ReplaceWith(cards.Render("notice-confirm", new
            {
                noticeId = draft.Id.ToString(CultureInfo.InvariantCulture),
                title = draft.Title,
                audienceLabel = draft.AudienceLabel,
                reachable = recipients.Count(r => r.Chat is not null),
                notInstalled = recipients.Count(r => r.Chat is null),
                requireAckText = draft.RequireAck ? "需要" : "不需要",
                sendText = draft.SendAt is { } at ? NoticeTime.Full(at) + "（北京时间）" : "确认后立即发送",
            }));
        }
        catch (NoticeException ex)
        {
            if (draft is not null)
                await notices.DiscardDraftAsync(draft.Id, ct);
            LogRefused(turn.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(NoticeHandlers)), ex.Message);
            return CardActionResult.ReplaceWith(Compose(turn, action.Data, ex.Message));
        }
    }

    /// <summary>The compose card's inputs as a REST-shaped request, so both paths share one validation.</summary>
    internal static NoticeRequest RequestOf(JsonObject data)
    {
        string S(string key) => data[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s.Trim() : "";
        var links = new List<NoticeLink>();
        foreach (var line in S("links").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bar = line.LastIndexOf('|');
            if (bar <= 0)
                throw new NoticeException(400, $"链接“{line}”格式不正确，应为：按钮文字|https://…");
            links.Add(new NoticeLink(line[..bar].Trim(), line[(bar + 1)..].Trim()));
        }
        static List<string> Split(string s) => s.Split([',', '，', '、', ';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var audience = S("audienceKind") switch
        {
            "units" => new AudienceSpec(Units: Split(S("units"))),
            "roles" => new AudienceSpec(Roles: Split(S("roles"))),
            "all" => new AudienceSpec(All: true),
            _ => throw new NoticeException(400, "请选择受众。"),
        };
        if (audience is { Units.Count: 0 } or { Roles.Count: 0 })
            throw new NoticeException(400, audience.Units is not null ? "请填写至少一个单位。" : "请选择至少一个角色。");
        var sendAt = S("sendDate") is { Length: > 0 } date ? $"{date}T{(S("sendTime") is { Length: > 0 } t ? t : "08:00")}" : null;
        return new NoticeRequest(S("title"), S("body"), audience, S("requireAck") == "true", sendAt, links);
    }

    private static JsonObject FormOf(Notice n)
    {
        var audience = NoticeService.Audience(n);
        var local = n.SendAt is { } at ? TimeZoneInfo.ConvertTime(at, NoticeTime.Zone) : (DateTimeOffset?)null;
        return new JsonObject
        {
            ["title"] = n.Title,
            ["body"] = n.Body,
            ["links"] = string.Join('\n', NoticeService.Links(n).Select(l => $"{l.Title}|{l.Url}")),
            ["audienceKind"] = audience.All == true ? "all" : audience.Units is { Count: > 0 } ? "units" : "roles",
            ["units"] = string.Join(",", audience.Units ?? []),
            ["roles"] = string.Join(",", audience.Roles ?? []),
            ["requireAck"] = n.RequireAck ? "true" : "false",
            ["sendDate"] = local?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
            ["sendTime"] = local?.ToString("HH:mm", CultureInfo.InvariantCulture) ?? "",
        };
    }

    private static JsonObject Compose(TurnContext turn, JsonObject values, string? error)
    {
        string S(string key) => values[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
        return turn.Services.GetRequiredService<CardTemplates>().Render("notice-compose", new
        {
            hasError = error is not null,
            error = error ?? "",
            title = S("title"),
            body = S("body"),
            links = S("links"),
            audienceKind = S("audienceKind") is { Length: > 0 } k ? k : "all",
            units = S("units"),
            roles = S("roles"),
            requireAck = S("requireAck") is { Length: > 0 } r ? r : "true",
            sendDate = S("sendDate"),
            sendTime = S("sendTime"),
        });
    }

    internal static async Task<JsonObject> ReportAsync(TurnContext turn, int id, CancellationToken ct)
    {
        var notices = turn.Services.GetRequiredService<NoticeService>();
        var status = await notices.StatusAsync(id, ct);
        var notice = await notices.FindAsync(id, ct);
        var rows = await notices.DeliveriesAsync(id, ct);
        var delivered = status.Sent;
        var facts = new List<object>
        {
            new { title = "总数", value = status.Total.ToString(CultureInfo.InvariantCulture) },
            new { title = "已送达", value = delivered.ToString(CultureInfo.InvariantCulture) },
            new { title = "待发送", value = (status.Pending + status.InDoubt).ToString(CultureInfo.InvariantCulture) },
            new { title = "未安装", value = status.NotInstalled.ToString(CultureInfo.InvariantCulture) },
            new { title = "被屏蔽", value = status.Blocked.ToString(CultureInfo.InvariantCulture) },
            new { title = "失败", value = status.Failed.ToString(CultureInfo.InvariantCulture) },
        };
        if (notice.RequireAck)
            facts.Insert(2, new { title = "已阅", value = $"{status.Acked} / {delivered}" });
        const int MaxUnits = 20;
        var notAcked = notice.RequireAck
            ? rows.Where(r => r.State == DeliveryState.Sent && r.AckedAt is null)
                .GroupBy(r => r.UnitPath ?? "（未关联单位）").OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList()
            : [];
        var units = notAcked.Take(MaxUnits).Select(g => new
        {
            unit = g.Key,
            count = g.Count().ToString(CultureInfo.InvariantCulture),
            names = string.Join("、", g.Take(15).Select(r => r.Name)) + (g.Count() > 15 ? " 等" : ""),
        }).ToList();
        var time = turn.Services.GetRequiredService<TimeProvider>();
        return turn.Services.GetRequiredService<CardTemplates>().Render("notice-report", new
        {
            noticeId = id.ToString(CultureInfo.InvariantCulture),
            title = notice.Title,
            statusText = $"状态：{NoticeService.StatusText(notice.Status)} · 受众：{notice.AudienceLabel} · 更新于 {NoticeTime.Short(time.GetUtcNow())}",
            facts,
            hasUnits = units.Count > 0,
            units,
            hasMore = notAcked.Count > MaxUnits,
            moreText = $"另有 {notAcked.Count - MaxUnits} 个单位未列出，请导出查看完整名单。",
            canRenotify = notice.RequireAck && notice.Status is NoticeStatus.Sent or NoticeStatus.Sending,
        });
    }

    private static int NoticeId(CardAction action) =>
        int.TryParse(action.GetString("noticeId"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
            ? id : throw new NoticeException(400, "按钮缺少通知编号。");

    private static async Task<bool> IsAdminAsync(TurnContext turn, CancellationToken ct) =>
        (await turn.Services.GetRequiredService<CallerResolver>().ResolveAsync(turn, ct)).IsAdmin;

    private static async Task<CardActionResult> AdminAsync(TurnContext turn, CancellationToken ct, Func<Task<CardActionResult>> action)
    {
        if (!await IsAdminAsync(turn, ct))
            return CardActionResult.Refuse(AdminOnly);
        try
        {
            return await action();
        }
        catch (NoticeException ex)
        {
            LogRefused(turn.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(NoticeHandlers)), ex.Message);
            return CardActionResult.Refuse(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notice {NoticeId} acknowledged (delivery {DeliveryId})")]
    private static partial void LogAck(ILogger logger, int noticeId, long deliveryId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notice request refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);
}
