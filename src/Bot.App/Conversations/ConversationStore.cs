using Bot.App.Data;
using Bot.Protocol;
using Microsoft.EntityFrameworkCore;

namespace Bot.App.Conversations;

public sealed partial class ConversationStore(BotDbContext db, TimeProvider time, ILogger<ConversationStore> logger)
{
    /// <summary>Records the activity id; false when it was seen before (a redelivery).</summary>
    public async Task<bool> TryMarkProcessedAsync(Activity activity, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(activity.Id))
            return true; // nothing to de-duplicate on
        var key = ProcessedActivity.KeyOf(activity);
        if (await db.Set<ProcessedActivity>().AnyAsync(p => p.Key == key, ct))
            return false;
        db.Add(new ProcessedActivity { Key = key, ReceivedAt = time.GetUtcNow() });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            // A concurrent redelivery won the insert race.
            db.ChangeTracker.Clear();
            LogDuplicate(logger, key);
            return false;
        }
    }

    /// <summary>Creates or refreshes the reference for the activity's conversation.</summary>
    public async Task<ConversationRef?> UpsertAsync(Activity a, CancellationToken ct)
    {
        if (a.ChannelId is not { } channel || a.Conversation?.Id is not { } conversationId)
            return null;
        var existing = await db.Set<ConversationRef>()
            .FirstOrDefaultAsync(r => r.ChannelId == channel && r.ConversationId == conversationId, ct);
        var entry = existing ?? new ConversationRef { ChannelId = channel, ConversationId = conversationId, ServiceUrl = a.ServiceUrl ?? "" };
        if (!string.IsNullOrEmpty(a.ServiceUrl))
            entry.ServiceUrl = a.ServiceUrl;
        entry.ConversationType = a.Conversation.ConversationType ?? (a.Conversation.IsGroup == true ? "groupChat" : "personal");
        entry.TenantId = a.TenantId ?? entry.TenantId;
        entry.BotId = a.Recipient?.Id ?? entry.BotId;
        if (entry.IsPersonal && a.From?.Id is { } userId && userId != a.Recipient?.Id)
        {
            entry.UserId = userId;
            entry.UserName = a.From.Name ?? entry.UserName;
            entry.AadObjectId = a.From.AadObjectId ?? entry.AadObjectId;
        }
        entry.UpdatedAt = time.GetUtcNow();
        if (existing is null)
            db.Add(entry);
        await db.SaveChangesAsync(ct);
        return entry;
    }

    public Task<ConversationRef?> FindPersonalAsync(int personId, CancellationToken ct) =>
        db.Set<ConversationRef>()
            .Where(r => r.PersonId == personId && r.Installed && (r.ConversationType == null || r.ConversationType == "personal"))
            .OrderByDescending(r => r.UpdatedAt)
            .FirstOrDefaultAsync(ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redelivered activity {Key} ignored")]
    private static partial void LogDuplicate(ILogger logger, string key);
}
