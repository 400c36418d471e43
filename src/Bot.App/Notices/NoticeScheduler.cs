using Bot.App.Data;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace Bot.App.Notices;

/// <summary>Scheduled notices fire through Quartz; the in-memory schedule is rebuilt from the database at start-up.</summary>
public sealed class NoticeScheduler(ISchedulerFactory schedulers)
{
    public static readonly JobKey Job = new("notice-send", "notices");

    public async Task ScheduleAsync(int noticeId, DateTimeOffset at, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var trigger = TriggerBuilder.Create()
            .WithIdentity(Key(noticeId))
            .ForJob(Job)
            .UsingJobData("noticeId", noticeId)
            .StartAt(at)
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        await scheduler.UnscheduleJob(trigger.Key, ct);
        await scheduler.ScheduleJob(trigger, cancellationToken: ct);
    }

    public async Task UnscheduleAsync(int noticeId, CancellationToken ct) =>
        await (await schedulers.GetScheduler(ct)).UnscheduleJob(Key(noticeId), ct);

    private static TriggerKey Key(int noticeId) => new($"notice-{noticeId}", "notices");
}

/// <summary>Flips a scheduled notice to sending at its time and wakes the dispatcher.</summary>
[DisallowConcurrentExecution]
public sealed partial class NoticeSendJob(BotDbContext db, NoticeDispatcher dispatcher, ILogger<NoticeSendJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var id = context.MergedJobDataMap.GetInt("noticeId");
        var started = await db.Set<Notice>().Where(n => n.Id == id && n.Status == NoticeStatus.Scheduled)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.Status, NoticeStatus.Sending), cancellationToken);
        if (started == 1)
        {
            LogStarted(logger, id);
            dispatcher.Wake();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled notice {NoticeId} is now sending")]
    private static partial void LogStarted(ILogger logger, int noticeId);
}

/// <summary>Re-registers the Quartz triggers of notices still scheduled (the Quartz store is in memory).</summary>
internal sealed class NoticeScheduleRestore(IServiceScopeFactory scopes, TimeProvider time) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BotDbContext>();
        var scheduler = scope.ServiceProvider.GetRequiredService<NoticeScheduler>();
        var pending = await db.Set<Notice>().AsNoTracking().Where(n => n.Status == NoticeStatus.Scheduled).ToListAsync(cancellationToken);
        foreach (var n in pending)
            await scheduler.ScheduleAsync(n.Id, n.SendAt ?? time.GetUtcNow(), cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
