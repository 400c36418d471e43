using Bot.App.Cards;
using Bot.Protocol;
using Bot.Protocol.Routing;
using Microsoft.EntityFrameworkCore;
using Bot.App.Data;

namespace Bot.App.Conversations;

/// <summary>
/// First in the pipeline: drops redelivered activities, keeps conversation references fresh, tracks
/// installs, and welcomes each user once (the Playground re-sends install events on every page load).
/// </summary>
public static partial class ConversationHandlers
{
    public static ActivityRouter MapConversationHandlers(this ActivityRouter router)
    {
        router.Use(async (turn, next, ct) =>
        {
            var store = turn.Services.GetRequiredService<ConversationStore>();
            if (!await store.TryMarkProcessedAsync(turn.Activity, ct))
                return;
            if (await store.UpsertAsync(turn.Activity, ct) is { } reference)
                turn.Items[nameof(ConversationRef)] = reference;
            await next();
        });
        router.OnActivity(ActivityTypes.InstallationUpdate, OnInstallationUpdateAsync);
        router.OnActivity(ActivityTypes.ConversationUpdate, OnConversationUpdateAsync);
        return router;
    }

    private static async Task OnInstallationUpdateAsync(TurnContext turn, CancellationToken ct)
    {
        if (turn.Items.GetValueOrDefault(nameof(ConversationRef)) is not ConversationRef reference)
            return;
        var db = turn.Services.GetRequiredService<BotDbContext>();
        var removed = turn.Activity.Action?.StartsWith("remove", StringComparison.OrdinalIgnoreCase) == true;
        reference.Installed = !removed;
        await db.SaveChangesAsync(ct);
        LogInstall(turn.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConversationHandlers)),
            turn.Activity.Action ?? "?", reference.ConversationId);
        if (!removed)
            await WelcomeOnceAsync(turn, reference, ct);
    }

    private static async Task OnConversationUpdateAsync(TurnContext turn, CancellationToken ct)
    {
        if (turn.Items.GetValueOrDefault(nameof(ConversationRef)) is not ConversationRef reference)
            return;
        var botId = turn.Activity.Recipient?.Id;
        var added = turn.Activity.MembersAdded ?? [];
        var removed = turn.Activity.MembersRemoved ?? [];
        if (removed.Any(m => m.Id == botId))
        {
            reference.Installed = false;
            await turn.Services.GetRequiredService<BotDbContext>().SaveChangesAsync(ct);
            return;
        }
        // Personal chat: the user or the bot joined. Group: only when the bot itself was added.
        if (added.Any(m => m.Id == botId) || (reference.IsPersonal && added.Count > 0))
        {
            reference.Installed = true;
            await WelcomeOnceAsync(turn, reference, ct);
        }
    }

    private static async Task WelcomeOnceAsync(TurnContext turn, ConversationRef reference, CancellationToken ct)
    {
        var db = turn.Services.GetRequiredService<BotDbContext>();
        // Claim the welcome with a conditional update so two install events cannot both send it.
        var claimed = await db.Set<ConversationRef>()
            .Where(r => r.Id == reference.Id && r.WelcomedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.WelcomedAt, turn.Services.GetRequiredService<TimeProvider>().GetUtcNow()), ct);
        if (claimed == 0)
            return;
        var cards = turn.Services.GetRequiredService<CardTemplates>();
        var name = turn.Services.GetRequiredService<IConfiguration>()["Bot:Name"] ?? "廉政约谈助手";
        await turn.SendCardAsync(cards.Render("welcome", new { botName = name, userName = turn.Activity.From?.Name }), ct,
            summary: $"欢迎使用{name}");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "installationUpdate {Action} for conversation {ConversationId}")]
    private static partial void LogInstall(ILogger logger, string action, string conversationId);
}
