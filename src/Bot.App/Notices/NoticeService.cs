using System.Text.Json;
using Bot.App.Data;
using Bot.App.Identity;
using Bot.Protocol;
using Microsoft.EntityFrameworkCore;

namespace Bot.App.Notices;

public sealed record NoticeLink(string Title, string Url);

/// <summary>Body of <c>POST /api/admin/notices</c> (and what the compose card produces).</summary>
public sealed record NoticeRequest(string? Title, string? Body, AudienceSpec? Audience, bool RequireAck = false,
    string? SendAt = null, List<NoticeLink>? Links = null);

/// <summary>Body of <c>PUT /api/admin/notices/{id}</c>: the corrected content; omitted fields stay.</summary>
public sealed record NoticeCorrection(string? Title, string? Body, List<NoticeLink>? Links);

public sealed record NoticeStatusResponse(int Id, string Status, int Total, int Sent, int Failed, int Blocked, int NotInstalled,
    int InDoubt, int Acked, int Pending, string Title, bool RequireAck, DateTimeOffset? SendAt);

/// <summary>Creating, starting, tracking and changing notices; the dispatcher does the sending.</summary>
public sealed partial class NoticeService(BotDbContext db, NoticeAudiences audiences, AuditLog audit, TimeProvider time,
    NoticeOptions options, NoticeScheduler scheduler, NoticeDispatcher dispatcher, ILogger<NoticeService> logger)
{
    public static string StatusName(NoticeStatus s) => s.ToString().ToLowerInvariant();

    public static string StatusText(NoticeStatus s) => s switch
    {
        NoticeStatus.Draft => "草稿",
        NoticeStatus.Scheduled => "定时待发",
        NoticeStatus.Sending => "发送中",
        NoticeStatus.Sent => "已发送",
        NoticeStatus.Cancelled => "已取消",
        _ => "已撤回",
    };

    /// <summary>Validates and stores a draft (no recipients yet).</summary>
    public async Task<Notice> CreateDraftAsync(NoticeRequest request, string actor, CancellationToken ct)
    {
        var title = request.Title?.Trim() ?? "";
        var body = request.Body?.Trim() ?? "";
        if (title.Length == 0 || body.Length == 0)
            throw new NoticeException(400, "标题和正文都不能为空。");
        if (title.Length > 200)
            throw new NoticeException(400, "标题不能超过 200 字。");
        if (body.Length > 8000)
            throw new NoticeException(413, "正文不能超过 8000 字（卡片大小有限）。");
        var links = CheckLinks(request.Links);
        NoticeAudiences.Validate(request.Audience);
        var sendAt = NoticeTime.ParseSendAt(request.SendAt);
        if (sendAt is { } at && at > time.GetUtcNow())
            sendAt = NoticeTime.OutsideQuietHours(at, TimeOnly.Parse(options.QuietStart), TimeOnly.Parse(options.QuietEnd));
        else
            sendAt = null;
        var notice = new Notice
        {
            Title = title,
            Body = body,
            LinksJson = JsonSerializer.Serialize(links, ProtocolJson.Options),
            AudienceJson = JsonSerializer.Serialize(request.Audience, ProtocolJson.Options),
            AudienceLabel = request.Audience!.Label,
            RequireAck = request.RequireAck,
            SendAt = sendAt,
            Status = NoticeStatus.Draft,
            CreatedBy = actor,
            CreatedAt = time.GetUtcNow(),
        };
        db.Add(notice);
        await db.SaveChangesAsync(ct);
        return notice;
    }

    /// <summary>Removes a draft whose start was refused, so a failed request leaves nothing behind.</summary>
    public Task DiscardDraftAsync(int id, CancellationToken ct) =>
        db.Set<Notice>().Where(n => n.Id == id && n.Status == NoticeStatus.Draft).ExecuteDeleteAsync(ct);

    public static AudienceSpec Audience(Notice n) => JsonSerializer.Deserialize<AudienceSpec>(n.AudienceJson, ProtocolJson.Options)!;

    public static List<NoticeLink> Links(Notice n) => JsonSerializer.Deserialize<List<NoticeLink>>(n.LinksJson, ProtocolJson.Options) ?? [];

    /// <summary>Resolves the audience into delivery rows and hands the notice to the scheduler or the dispatcher.</summary>
    public async Task<Notice> StartAsync(int id, string actor, CancellationToken ct)
    {
        var notice = await FindAsync(id, ct);
        if (notice.Status != NoticeStatus.Draft)
            throw new NoticeException(409, $"通知已{StatusText(notice.Status)}，不能重复发送。");
        var recipients = await audiences.ResolveAsync(Audience(notice), ct);
        if (recipients.Count == 0)
            throw new NoticeException(422, "受众中没有任何人员，请检查单位或角色。");
        var now = time.GetUtcNow();
        foreach (var r in recipients)
        {
            db.Add(new NoticeDelivery
            {
                NoticeId = notice.Id,
                PersonId = r.PersonId,
                ConversationRefId = r.Chat?.Id,
                Name = r.Name,
                UnitPath = r.UnitPath,
                ChannelId = r.Chat?.ChannelId,
                ServiceUrl = r.Chat?.ServiceUrl,
                ConversationId = r.Chat?.ConversationId,
                TenantId = r.Chat?.TenantId,
                UserId = r.Chat?.UserId,
                BotId = r.Chat?.BotId,
                State = r.Chat is null ? DeliveryState.NotInstalled : DeliveryState.Queued,
                Reason = r.NotReachableReason,
                NextAttemptAt = now,
            });
        }
        var scheduled = notice.SendAt is { } at && at > now;
        notice.Status = scheduled ? NoticeStatus.Scheduled : NoticeStatus.Sending;
        audit.Add(actor, "notice.send", $"notice:{notice.Id}", $"{notice.AudienceLabel}; {recipients.Count} 人");
        await db.SaveChangesAsync(ct);
        LogStarted(logger, notice.Id, recipients.Count, notice.Status.ToString());
        if (scheduled)
            await scheduler.ScheduleAsync(notice.Id, notice.SendAt!.Value, ct);
        else
            dispatcher.Wake();
        return notice;
    }

    public async Task<Notice> FindAsync(int id, CancellationToken ct) =>
        await db.Set<Notice>().FirstOrDefaultAsync(n => n.Id == id, ct) ?? throw new NoticeException(404, $"未找到通知 {id}。");

    public Task<Notice?> FindOrNullAsync(int id, CancellationToken ct) => db.Set<Notice>().FirstOrDefaultAsync(n => n.Id == id, ct);

    public async Task<NoticeStatusResponse> StatusAsync(int id, CancellationToken ct)
    {
        var notice = await FindAsync(id, ct);
        var counts = await db.Set<NoticeDelivery>().Where(d => d.NoticeId == id)
            .GroupBy(d => d.State).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        int Of(DeliveryState s) => counts.FirstOrDefault(c => c.Key == s)?.Count ?? 0;
        var acked = await db.Set<NoticeDelivery>().CountAsync(d => d.NoticeId == id && d.AckedAt != null, ct);
        return new NoticeStatusResponse(id, StatusName(notice.Status), counts.Sum(c => c.Count), Of(DeliveryState.Sent),
            Of(DeliveryState.Failed), Of(DeliveryState.Blocked), Of(DeliveryState.NotInstalled), Of(DeliveryState.InDoubt), acked,
            Of(DeliveryState.Queued), notice.Title, notice.RequireAck, notice.SendAt);
    }

    public async Task CancelAsync(int id, string actor, CancellationToken ct)
    {
        var notice = await FindAsync(id, ct);
        if (notice.Status is not (NoticeStatus.Draft or NoticeStatus.Scheduled or NoticeStatus.Sending))
            throw new NoticeException(409, $"通知已{StatusText(notice.Status)}，无法取消。");
        // Conditional so a send that finished meanwhile is not overwritten; the dispatcher re-checks the status before every send.
        await db.Set<Notice>().Where(n => n.Id == id && (n.Status == NoticeStatus.Draft || n.Status == NoticeStatus.Scheduled || n.Status == NoticeStatus.Sending))
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.Status, NoticeStatus.Cancelled).SetProperty(n => n.CompletedAt, time.GetUtcNow()), ct);
        dispatcher.Cancel(id);
        await scheduler.UnscheduleAsync(id, ct);
        await audit.WriteAsync(actor, "notice.cancel", $"notice:{id}", null, ct);
    }

    /// <summary>Sends the notice again to recipients who received it but have not acknowledged.</summary>
    public async Task<int> RenotifyAsync(int id, string actor, CancellationToken ct)
    {
        var notice = await FindAsync(id, ct);
        if (!notice.RequireAck)
            throw new NoticeException(409, "该通知未要求“已阅”，无法按未阅人员再次提醒。");
        if (notice.Status is not (NoticeStatus.Sent or NoticeStatus.Sending))
            throw new NoticeException(409, $"通知{StatusText(notice.Status)}，无法再次提醒。");
        var now = time.GetUtcNow();
        var count = await db.Set<NoticeDelivery>()
            .Where(d => d.NoticeId == id && d.State == DeliveryState.Sent && d.AckedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.State, DeliveryState.Queued).SetProperty(d => d.NextAttemptAt, now)
                .SetProperty(d => d.Attempts, 0).SetProperty(d => d.Throttles, 0).SetProperty(d => d.Reminders, d => d.Reminders + 1)
                .SetProperty(d => d.NeedsUpdate, false), ct);
        if (count > 0)
            await db.Set<Notice>().Where(n => n.Id == id).ExecuteUpdateAsync(s => s.SetProperty(n => n.Status, NoticeStatus.Sending), ct);
        await audit.WriteAsync(actor, "notice.renotify", $"notice:{id}", $"{count} 人", ct);
        dispatcher.Wake();
        return count;
    }

    /// <summary>Changes the content; cards already sent are PUT-updated in place by the dispatcher.</summary>
    public async Task<int> CorrectAsync(int id, NoticeCorrection correction, string actor, CancellationToken ct)
    {
        var notice = await FindAsync(id, ct);
        if (notice.Status is NoticeStatus.Withdrawn or NoticeStatus.Cancelled)
            throw new NoticeException(409, $"通知已{StatusText(notice.Status)}，无法更正。");
        if (correction.Title is { } t)
            notice.Title = t.Trim().Length is > 0 and <= 200 ? t.Trim() : throw new NoticeException(400, "标题须为 1–200 字。");
        if (correction.Body is { } b)
            notice.Body = b.Trim().Length is > 0 and <= 8000 ? b.Trim() : throw new NoticeException(400, "正文须为 1–8000 字。");
        if (correction.Links is { } l)
            notice.LinksJson = JsonSerializer.Serialize(CheckLinks(l), ProtocolJson.Options);
        notice.CorrectedAt = time.GetUtcNow();
        audit.Add(actor, "notice.correct", $"notice:{id}");
        await db.SaveChangesAsync(ct);
        return await MarkForUpdateAsync(id, ct);
    }

    /// <summary>Stops sending and replaces every sent card with "本通知已撤回".</summary>
    public async Task<int> WithdrawAsync(int id, string actor, CancellationToken ct)
    {
        var notice = await FindAsync(id, ct);
        if (notice.Status == NoticeStatus.Withdrawn)
            return 0;
        notice.Status = NoticeStatus.Withdrawn;
        notice.WithdrawnAt = time.GetUtcNow();
        audit.Add(actor, "notice.withdraw", $"notice:{id}");
        await db.SaveChangesAsync(ct);
        dispatcher.Cancel(id);
        await scheduler.UnscheduleAsync(id, ct);
        return await MarkForUpdateAsync(id, ct);
    }

    private async Task<int> MarkForUpdateAsync(int id, CancellationToken ct)
    {
        var count = await db.Set<NoticeDelivery>()
            .Where(d => d.NoticeId == id && d.State == DeliveryState.Sent && d.ActivityId != null)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.NeedsUpdate, true), ct);
        dispatcher.Wake();
        return count;
    }

    /// <summary>Records the first 已阅 of the recipient in this conversation; later clicks change nothing.</summary>
    public async Task<NoticeDelivery?> AckAsync(int noticeId, string conversationId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await db.Set<NoticeDelivery>()
            .Where(d => d.NoticeId == noticeId && d.ConversationId == conversationId && d.AckedAt == null
                        && (d.State == DeliveryState.Sent || d.State == DeliveryState.InDoubt || d.State == DeliveryState.Queued))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.AckedAt, now), ct);
        return await db.Set<NoticeDelivery>().AsNoTracking()
            .Where(d => d.NoticeId == noticeId && d.ConversationId == conversationId)
            .OrderBy(d => d.AckedAt == null).ThenBy(d => d.Id).FirstOrDefaultAsync(ct);
    }

    public Task<List<NoticeDelivery>> DeliveriesAsync(int id, CancellationToken ct) =>
        db.Set<NoticeDelivery>().AsNoTracking().Where(d => d.NoticeId == id).OrderBy(d => d.UnitPath).ThenBy(d => d.Name).ToListAsync(ct);

    public Task<Notice?> LatestAsync(CancellationToken ct) =>
        db.Set<Notice>().Where(n => n.Status != NoticeStatus.Draft).OrderByDescending(n => n.Id).FirstOrDefaultAsync(ct);

    private static List<NoticeLink> CheckLinks(List<NoticeLink>? links)
    {
        var result = new List<NoticeLink>();
        foreach (var link in links ?? [])
        {
            if (string.IsNullOrWhiteSpace(link.Title) || !Uri.TryCreate(link.Url?.Trim(), UriKind.Absolute, out var uri)
                || uri.Scheme is not ("https" or "http"))
                throw new NoticeException(400, $"链接“{link.Title}”无效：须为“文字 + http(s) 地址”。");
            result.Add(new NoticeLink(link.Title.Trim(), uri.ToString()));
        }
        if (result.Count > 5)
            throw new NoticeException(400, "链接按钮最多 5 个。");
        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notice {NoticeId} started: {Recipients} recipients, status {Status}")]
    private static partial void LogStarted(ILogger logger, int noticeId, int recipients, string status);
}
