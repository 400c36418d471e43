using System.Text.Json.Nodes;
using Bot.App.Cards;
using Bot.App.Conversations;
using Bot.App.Data;
using Bot.App.Org;
using Bot.Protocol;
using Bot.Protocol.Connector;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace Bot.App.Talks;

/// <summary>
/// Sends the reminders that are due. Each row is claimed with a conditional update before anything is sent, so
/// two runs (or two instances) never send one twice; rows that came due while the bot was down are folded into
/// one push per assignment.
/// </summary>
public sealed partial class ReminderRunner(IServiceScopeFactory scopes, TimeProvider time, WorkCalendar calendar, ILogger<ReminderRunner> logger)
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            var now = time.GetUtcNow();
            if (!calendar.IsPushAllowed(now))
                return 0;
            await using var scope = scopes.CreateAsyncScope();
            var sp = scope.ServiceProvider;
            var db = sp.GetRequiredService<BotDbContext>();
            var due = await db.Set<Reminder>().AsNoTracking()
                .Where(r => r.SentAt == null && r.CancelledAt == null && r.DueAt <= now)
                .OrderBy(r => r.DueAt).ToListAsync(ct);
            var sent = 0;
            foreach (var group in due.GroupBy(r => (r.AssignmentId, r.Kind == ReminderKind.Escalation)))
            {
                var ids = group.Select(r => r.Id).ToList();
                var latest = group.Last();
                var claimed = await db.Set<Reminder>().Where(r => ids.Contains(r.Id) && r.SentAt == null && r.CancelledAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(r => r.SentAt, now), ct);
                if (claimed == 0)
                    continue;
                string outcome;
                try
                {
                    outcome = latest.Kind == ReminderKind.Escalation
                        ? await EscalateAsync(sp, latest.AssignmentId, ct)
                        : await RemindAsync(sp, latest.AssignmentId, ct);
                    sent++;
                }
                catch (ConnectorException ex)
                {
                    outcome = "发送失败：" + ex.Message;
                    LogSendFailed(logger, latest.Id, ex.Message);
                }
                var folded = ids.Where(id => id != latest.Id).ToList();
                await db.Set<Reminder>().Where(r => r.Id == latest.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Outcome, Truncate(outcome)), ct);
                if (folded.Count > 0)
                    await db.Set<Reminder>().Where(r => folded.Contains(r.Id)).ExecuteUpdateAsync(s => s.SetProperty(r => r.Outcome, "合并到 #" + latest.Id), ct);
            }
            return sent;
        }
        finally
        {
            gate.Release();
        }
    }

    private static string Truncate(string s) => s.Length <= 200 ? s : s[..200];

    private async Task<string> RemindAsync(IServiceProvider sp, int assignmentId, CancellationToken ct)
    {
        var db = sp.GetRequiredService<BotDbContext>();
        var assignment = await db.Set<Assignment>().Include(a => a.Campaign).FirstAsync(a => a.Id == assignmentId, ct);
        if (assignment.IsDone)
            return "已填报，不再提醒";
        var now = time.GetUtcNow();
        if (now >= OrgTime.EndOf(assignment.Deadline) && assignment.Status is AssignmentStatus.Pending or AssignmentStatus.ExtensionDenied or AssignmentStatus.ExtensionGranted)
            assignment.Status = AssignmentStatus.Overdue;
        var chat = await sp.GetRequiredService<TalkAudience>().PersonalChatAsync(assignment.LeaderId, ct);
        if (chat is not { Installed: true })
        {
            await db.SaveChangesAsync(ct);
            return "无法送达：未建立会话";
        }
        var cards = sp.GetRequiredService<TalkCards>();
        var card = await cards.ReminderAsync(assignment, ct);
        var sender = sp.GetRequiredService<ChannelSenders>().For(chat);
        var activity = Activity.FromCard(card, $"约谈提醒：{assignment.Campaign!.Title}");
        var updated = false;
        if (assignment.CardActivityId is { } previous && assignment.CardConversationRefId == chat.Id)
        {
            try
            {
                await sender.UpdateAsync(chat.ToAddress(), previous, activity, ct);
                updated = true;
            }
            catch (ConnectorException ex)
            {
                LogUpdateFailed(logger, assignment.Id, ex.Message);
            }
        }
        if (!updated)
        {
            assignment.CardActivityId = await sender.SendAsync(chat.ToAddress(), Activity.FromCard(card, $"约谈提醒：{assignment.Campaign.Title}"), ct);
            assignment.CardConversationRefId = chat.Id;
        }
        await db.SaveChangesAsync(ct);
        return updated ? "已更新提醒卡片" : "已发送提醒卡片";
    }

    private async Task<string> EscalateAsync(IServiceProvider sp, int assignmentId, CancellationToken ct)
    {
        var db = sp.GetRequiredService<BotDbContext>();
        var assignment = await db.Set<Assignment>().Include(a => a.Campaign).AsNoTracking().FirstAsync(a => a.Id == assignmentId, ct);
        if (assignment.IsDone)
            return "已填报，不再督办";
        var leader = await db.Set<Person>().AsNoTracking().FirstAsync(p => p.Id == assignment.LeaderId, ct);
        var audience = sp.GetRequiredService<TalkAudience>();
        var recipients = await audience.AdminChatsAsync(leader.UnitId, ct);
        if (leader.SupervisorId is { } supervisor && await audience.PersonalChatAsync(supervisor, ct) is { Installed: true } chat)
            recipients.Insert(0, chat);
        var card = sp.GetRequiredService<TalkCards>().Escalation(assignment, leader, calendar.WorkdaysBetween(assignment.Deadline, OrgTime.Today(time)));
        var senders = sp.GetRequiredService<ChannelSenders>();
        foreach (var to in recipients.DistinctBy(r => r.Id))
            await senders.For(to).SendAsync(to.ToAddress(), Activity.FromCard(card.DeepClone().AsObject(), $"督办：{leader.Name}逾期未完成约谈"), ct);
        return $"已督办 {recipients.Count} 人";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reminder {ReminderId} could not be sent: {Error}")]
    private static partial void LogSendFailed(ILogger logger, long reminderId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Updating the reminder card of assignment {AssignmentId} failed ({Error}); posting a new one")]
    private static partial void LogUpdateFailed(ILogger logger, int assignmentId, string error);
}

/// <summary>Quartz only ticks; which reminder is due is decided from the database.</summary>
[DisallowConcurrentExecution]
internal sealed class ReminderJob(ReminderRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await runner.RunDueAsync(cancellationToken);
}
