using System.Collections.Concurrent;
using System.Net;
using Bot.App.Conversations;
using Bot.App.Data;
using Bot.App.WeCom;
using Bot.Protocol;
using Bot.Protocol.Connector;
using Bot.Protocol.WeCom;
using Microsoft.EntityFrameworkCore;

namespace Bot.App.Notices;

/// <summary>
/// Sends queued deliveries within the rate limits, at most <see cref="NoticeOptions.MaxInFlight"/> at a time.
/// Crash safety: a row becomes InDoubt in the database before its HTTP send and Sent (with the activity id)
/// after it; start-up requeues InDoubt rows, so a kill loses nobody and duplicates at most the in-flight sends.
/// One dispatcher per database.
/// </summary>
public sealed partial class NoticeDispatcher(IServiceScopeFactory scopes, ConnectorClient connector, ChannelSenders senders, NoticeCards cards,
    NoticeOptions options, TimeProvider time, ILogger<NoticeDispatcher> logger) : BackgroundService
{
    private readonly RateLimiter limiter = new(time, TimeSpan.FromMilliseconds(options.WindowGuardMs));
    private readonly ThrottleMonitor throttle = new(time, options);
    private readonly SemaphoreSlim wake = new(0);
    private readonly ConcurrentDictionary<int, byte> cancelled = new();
    private readonly ConcurrentDictionary<long, Task> inFlight = new();
    private readonly Random random = new();
    private SemaphoreSlim slots = null!;

    /// <summary>Sends in flight right now (for tests and health).</summary>
    public int InFlight => inFlight.Count;

    public void Wake()
    {
        if (wake.CurrentCount == 0)
            wake.Release();
    }

    /// <summary>No new send of this notice starts after this call; sends already in flight finish.</summary>
    public void Cancel(int noticeId) => cancelled[noticeId] = 0;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        slots = new SemaphoreSlim(Math.Max(1, options.MaxInFlight));
        await Task.Yield();
        try
        {
            var recovered = false;
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (!recovered)
                    {
                        // Retried until the database answers: an outage at start-up must not stop the host.
                        await RecoverAsync(stoppingToken);
                        recovered = true;
                    }
                    var worked = await DispatchBatchAsync(stoppingToken) | await UpdateBatchAsync(stoppingToken);
                    if (!worked)
                    {
                        await CompleteFinishedAsync(stoppingToken);
                        await WaitAsync(TimeSpan.FromSeconds(options.PollSeconds), stoppingToken);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // A database hiccup must not end the dispatcher: rows keep their state and the next round resumes.
                    LogLoopError(logger, ex);
                    await Task.Delay(TimeSpan.FromSeconds(recovered ? 1 : 5), time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // Sends in flight at shutdown stay InDoubt unless they complete now; the next start resends the rest.
        await Task.WhenAll(inFlight.Values.ToArray()).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None)
            .ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>A row left InDoubt by a crash may or may not have reached Teams; resending risks one duplicate, skipping risks a miss.</summary>
    private async Task RecoverAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BotDbContext>();
        if (db.Database.IsSqlite())
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        var now = time.GetUtcNow();
        var requeued = await db.Set<NoticeDelivery>().Where(d => d.State == DeliveryState.InDoubt)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.State, DeliveryState.Queued).SetProperty(d => d.NextAttemptAt, now)
                .SetProperty(d => d.Reason, "重启后重发（发送中断）"), ct);
        if (requeued > 0)
            LogRecovered(logger, requeued);
        foreach (var id in await db.Set<Notice>().Where(n => n.Status == NoticeStatus.Cancelled || n.Status == NoticeStatus.Withdrawn)
                     .Select(n => n.Id).ToListAsync(ct))
            cancelled[id] = 0;
    }

    private async Task<bool> DispatchBatchAsync(CancellationToken ct)
    {
        var pause = throttle.PausedUntil - time.GetUtcNow();
        if (pause > TimeSpan.Zero)
            await Task.Delay(pause, time, ct);

        List<NoticeDelivery> batch;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BotDbContext>();
            var now = time.GetUtcNow();
            batch = await db.Set<NoticeDelivery>().AsNoTracking()
                .Where(d => d.State == DeliveryState.Queued && d.NextAttemptAt <= now
                            && db.Set<Notice>().Any(n => n.Id == d.NoticeId && n.Status == NoticeStatus.Sending))
                .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).Take(64).ToListAsync(ct);
        }
        if (batch.Count == 0)
            return false;
        var notices = new Dictionary<int, Notice>();
        var started = 0;
        foreach (var row in batch)
        {
            if (cancelled.ContainsKey(row.NoticeId) || inFlight.ContainsKey(row.Id))
                continue;
            if (!notices.TryGetValue(row.NoticeId, out var notice))
                notices[row.NoticeId] = notice = await LoadNoticeAsync(row.NoticeId, ct);
            if (notice.Status != NoticeStatus.Sending)
                continue;
            await slots.WaitAsync(ct);
            var task = MarkAndSendAsync(row, notice, ct);
            inFlight[row.Id] = task;
            started++;
            _ = task.ContinueWith(_ => { inFlight.TryRemove(row.Id, out Task? _); slots.Release(); Wake(); }, TaskScheduler.Default);
        }
        // No drain: the next query may see a row whose task has not marked it yet, but the conditional
        // Queued → InDoubt update lets only one task send it.
        return started > 0;
    }

    /// <summary>Waits for the rate limiter; a wait longer than a tenant window means a busy conversation, so the row is deferred instead.</summary>
    private async Task<TimeSpan?> AcquireAsync(NoticeDelivery row, CancellationToken ct, bool yieldToCancel = false)
    {
        var keys = Scopes(row);
        while (true)
        {
            // A first send waiting for its rate token must not outlive a cancel: hand the row back as still pending.
            // (Updates of a withdrawn notice must still go out, so they don't yield.)
            if (yieldToCancel && cancelled.ContainsKey(row.NoticeId))
                return TimeSpan.Zero;
            if (limiter.TryAcquire(keys) is not { } wait)
                return null;
            if (wait > TimeSpan.FromSeconds(1.5))
                return wait;
            await Task.Delay(wait, time, ct);
        }
    }

    /// <summary>The limit scopes of one send; WeCom rows are limited per member instead of per tenant/conversation.</summary>
    private IReadOnlyList<(string, RateRule[])> Scopes(NoticeDelivery row) => row.ChannelId == "wecom"
        ? [("wecom:" + row.UserId, options.WeComMemberLimits)]
        : [("tenant:" + (row.TenantId ?? "-"), options.TenantLimits), ("conv:" + row.ConversationId, options.ConversationLimits)];

    private static ConversationAddress Address(NoticeDelivery row) =>
        new(row.ChannelId ?? "msteams", row.ServiceUrl ?? "", row.ConversationId ?? "", row.TenantId, row.UserId, row.BotId);

    private async Task<Notice> LoadNoticeAsync(int id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<BotDbContext>().Set<Notice>().AsNoTracking().FirstAsync(n => n.Id == id, ct);
    }

    private async Task<bool> MarkInDoubtAsync(long id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = await OpenAsync(scope, ct);
        var now = time.GetUtcNow();
        return await db.Set<NoticeDelivery>()
            .Where(d => d.Id == id && d.State == DeliveryState.Queued
                        && db.Set<Notice>().Any(n => n.Id == d.NoticeId && n.Status == NoticeStatus.Sending))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.State, DeliveryState.InDoubt).SetProperty(d => d.Attempts, d => d.Attempts + 1)
                .SetProperty(d => d.NextAttemptAt, now), ct) == 1;
    }

    private async Task DeferAsync(long id, TimeSpan wait, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var until = time.GetUtcNow() + wait;
        var db = await OpenAsync(scope, CancellationToken.None);
        await db.Set<NoticeDelivery>().Where(d => d.Id == id && d.State == DeliveryState.InDoubt)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.State, DeliveryState.Queued).SetProperty(d => d.NextAttemptAt, until)
                .SetProperty(d => d.Attempts, d => d.Attempts - 1), CancellationToken.None);
    }

    /// <summary>Runs inside an in-flight slot, so rows InDoubt never outnumber <see cref="NoticeOptions.MaxInFlight"/>.</summary>
    private async Task MarkAndSendAsync(NoticeDelivery row, Notice notice, CancellationToken ct)
    {
        if (cancelled.ContainsKey(row.NoticeId) || !await MarkInDoubtAsync(row.Id, ct))
            return;
        // The rate token is taken right before the HTTP call, so database latency cannot bunch sends at Teams.
        if (await AcquireAsync(row, ct, yieldToCancel: true) is { } later)
        {
            await DeferAsync(row.Id, later, ct);
            return;
        }
        await SendAsync(row, notice, ct);
    }

    private async Task SendAsync(NoticeDelivery row, Notice notice, CancellationToken ct)
    {
        var to = Address(row);
        DeliveryOutcome outcome;
        string? activityId = null;
        try
        {
            var activity = cards.Activity(notice, row.AckedAt, row.Reminders);
            // Teams: no retries inside the client, the dispatcher requeues. WeCom: its client applies the error-code
            // policy and the shared per-member limit itself.
            activityId = to.ChannelId == WeComInbound.ChannelId
                ? await senders.For(to).SendAsync(to, activity, ct)
                : await connector.SendToConversationAsync(to, activity, RetryPolicy.None, ct);
            outcome = new DeliveryOutcome(OutcomeKind.Sent);
        }
        catch (ConnectorException ex)
        {
            outcome = DeliveryOutcome.Classify(ex.Status, ex.Code, ex.RetryAfter, row.Attempts + 1 - row.Throttles, row.Throttles, options, random);
        }
        catch (WeComApiException ex)
        {
            outcome = new DeliveryOutcome(OutcomeKind.Failed, $"企业微信错误 {ex.ErrCode}：{ex.ErrMsg}");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return; // shutting down: the row stays InDoubt and is resent on the next start
        }
        catch (TaskCanceledException)
        {
            // HTTP timeout: Teams may have delivered it; resending risks a duplicate, which beats a miss.
            outcome = DeliveryOutcome.Classify(HttpStatusCode.GatewayTimeout, "Timeout", null, row.Attempts + 1 - row.Throttles, row.Throttles, options, random);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.Text.Json.JsonException)
        {
            outcome = new DeliveryOutcome(OutcomeKind.Failed, "内容错误：" + ex.Message);
        }

        if (throttle.Record(outcome.Throttled, outcome.RetryIn))
            LogGlobalPause(logger, outcome.RetryIn.TotalMilliseconds);
        if (outcome.Kind != OutcomeKind.Sent)
            LogAttempt(logger, row.NoticeId, row.Id, outcome.Kind.ToString(), outcome.Reason);
        await RecordAsync(row.Id, notice, outcome, activityId);
    }

    /// <summary>Written without the stopping token: once Teams answered, the answer must reach the database.</summary>
    private async Task RecordAsync(long id, Notice sentVersion, DeliveryOutcome outcome, string? activityId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = await OpenAsync(scope, CancellationToken.None);
        var rows = db.Set<NoticeDelivery>().Where(d => d.Id == id && d.State == DeliveryState.InDoubt);
        var now = time.GetUtcNow();
        switch (outcome.Kind)
        {
            case OutcomeKind.Sent:
                // Corrected or withdrawn while this send was in flight: the new card still has to be PUT.
                var current = await db.Set<Notice>().AsNoTracking().Where(n => n.Id == sentVersion.Id)
                    .Select(n => new { n.Status, n.CorrectedAt }).FirstAsync(CancellationToken.None);
                var stale = current.Status == NoticeStatus.Withdrawn || current.CorrectedAt != sentVersion.CorrectedAt;
                await rows.ExecuteUpdateAsync(s => s.SetProperty(d => d.State, DeliveryState.Sent).SetProperty(d => d.ActivityId, activityId)
                    .SetProperty(d => d.SentAt, now).SetProperty(d => d.Reason, (string?)null).SetProperty(d => d.NeedsUpdate, stale), CancellationToken.None);
                break;
            case OutcomeKind.Requeue:
                var at = now + outcome.RetryIn;
                var throttles = outcome.Throttled ? 1 : 0;
                await rows.ExecuteUpdateAsync(s => s.SetProperty(d => d.State, DeliveryState.Queued).SetProperty(d => d.NextAttemptAt, at)
                    .SetProperty(d => d.Reason, outcome.Reason).SetProperty(d => d.Throttles, d => d.Throttles + throttles), CancellationToken.None);
                break;
            default:
                var state = outcome.Kind == OutcomeKind.Blocked ? DeliveryState.Blocked : DeliveryState.Failed;
                await rows.ExecuteUpdateAsync(s => s.SetProperty(d => d.State, state).SetProperty(d => d.Reason, outcome.Reason), CancellationToken.None);
                break;
        }
    }

    /// <summary>PUTs corrected or withdrawn cards over the ones already sent, under the same limits.</summary>
    private async Task<bool> UpdateBatchAsync(CancellationToken ct)
    {
        List<NoticeDelivery> batch;
        Dictionary<int, Notice> notices;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BotDbContext>();
            batch = await db.Set<NoticeDelivery>().AsNoTracking()
                .Where(d => d.NeedsUpdate && d.State == DeliveryState.Sent && d.ActivityId != null)
                .OrderBy(d => d.Id).Take(128).ToListAsync(ct);
            if (batch.Count == 0)
                return false;
            var ids = batch.Select(d => d.NoticeId).Distinct().ToList();
            notices = await db.Set<Notice>().AsNoTracking().Where(n => ids.Contains(n.Id)).ToDictionaryAsync(n => n.Id, ct);
        }
        var tasks = new List<Task>();
        foreach (var row in batch)
        {
            if (await AcquireAsync(row, ct) is not null)
                continue; // busy conversation: picked up again next round
            await slots.WaitAsync(ct);
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    await UpdateOneAsync(row, notices[row.NoticeId], ct);
                }
                finally
                {
                    slots.Release();
                }
            }, CancellationToken.None));
        }
        await Task.WhenAll(tasks);
        return true;
    }

    private async Task UpdateOneAsync(NoticeDelivery row, Notice notice, CancellationToken ct)
    {
        var to = Address(row);
        string? failure = null;
        try
        {
            await senders.For(to).UpdateAsync(to, row.ActivityId!, cards.Activity(notice, row.AckedAt, row.Reminders), ct);
        }
        catch (ConnectorException ex) when (ex.Failure is ConnectorFailure.Throttled or ConnectorFailure.Transient)
        {
            throttle.Record(ex.Failure == ConnectorFailure.Throttled, ex.RetryAfter);
            return; // NeedsUpdate stays set; the next round tries again
        }
        catch (ConnectorException ex)
        {
            failure = $"更新失败 {(int)ex.Status} {ex.Code}";
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BotDbContext>();
        // Only clear the flag if no newer correction arrived meanwhile.
        await db.Set<NoticeDelivery>().Where(d => d.Id == row.Id
                && db.Set<Notice>().Any(n => n.Id == row.NoticeId && n.CorrectedAt == notice.CorrectedAt && n.Status == notice.Status))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.NeedsUpdate, false).SetProperty(d => d.Reason, d => failure ?? d.Reason), CancellationToken.None);
    }

    /// <summary>
    /// SQLite in WAL mode with synchronous=NORMAL: a commit survives a killed process (only an OS crash or power loss
    /// can drop the last commits), and two commits per send no longer wait for an fsync each.
    /// </summary>
    private static async Task<BotDbContext> OpenAsync(AsyncServiceScope scope, CancellationToken ct)
    {
        var db = scope.ServiceProvider.GetRequiredService<BotDbContext>();
        if (db.Database.IsSqlite())
        {
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=NORMAL;", ct);
        }
        return db;
    }

    private async Task CompleteFinishedAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BotDbContext>();
        var now = time.GetUtcNow();
        await db.Set<Notice>()
            .Where(n => n.Status == NoticeStatus.Sending
                        && !db.Set<NoticeDelivery>().Any(d => d.NoticeId == n.Id && (d.State == DeliveryState.Queued || d.State == DeliveryState.InDoubt)))
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.Status, NoticeStatus.Sent).SetProperty(n => n.CompletedAt, now), ct);
    }

    private Task WaitAsync(TimeSpan poll, CancellationToken ct) => wake.WaitAsync(poll, ct);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notice dispatcher round failed; retrying")]
    private static partial void LogLoopError(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Requeued {Count} in-doubt notice deliveries after a restart")]
    private static partial void LogRecovered(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Throttling clusters: whole notice dispatcher paused for {DelayMs} ms")]
    private static partial void LogGlobalPause(ILogger logger, double delayMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notice {NoticeId} delivery {DeliveryId}: {Outcome} {Reason}")]
    private static partial void LogAttempt(ILogger logger, int noticeId, long deliveryId, string outcome, string? reason);
}
