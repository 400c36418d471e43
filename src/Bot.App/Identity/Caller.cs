using Bot.App.Conversations;
using Bot.App.Data;
using Bot.App.Org;
using Bot.Protocol.Routing;
using Microsoft.EntityFrameworkCore;

namespace Bot.App.Identity;

/// <summary>The person behind a turn, as far as the directory and the bootstrap admin list know them.</summary>
public sealed record Caller(int? PersonId, string Name, Roles Roles, int? AdminScopeUnitId, string Actor)
{
    public bool IsAdmin => (Roles & Roles.Admin) != 0;
    public bool IsLeader => (Roles & Roles.Leader) != 0;
    public bool IsLinked => PersonId is not null;
    /// <summary>Admin over the whole organization (bootstrap admins and unscoped directory admins).</summary>
    public bool IsGlobalAdmin => IsAdmin && AdminScopeUnitId is null;
}

public sealed class CallerResolver(BotDbContext db, IConfiguration config)
{
    public const string TurnItem = "Caller";

    /// <summary>Resolves once per turn and caches the result in <see cref="TurnContext.Items"/>.</summary>
    public async Task<Caller> ResolveAsync(TurnContext turn, CancellationToken ct)
    {
        if (turn.Items.TryGetValue(TurnItem, out var cached))
            return (Caller)cached;
        var from = turn.Activity.From;
        var channel = turn.Activity.ChannelId ?? "";
        Person? person = null;
        if (turn.Items.TryGetValue(nameof(ConversationRef), out var r) && r is ConversationRef { PersonId: { } linked })
            person = await db.Set<Person>().FindAsync([linked], ct);
        if (person is null && from?.AadObjectId is { Length: > 0 } aad)
            person = await db.Set<Person>().FirstOrDefaultAsync(p => p.AadObjectId == aad, ct);
        if (person is null && channel == "wecom" && from?.Id is { Length: > 0 } userId)
            person = await db.Set<Person>().FirstOrDefaultAsync(p => p.WeComUserId == userId, ct);

        var keys = new[] { from?.AadObjectId, person?.Email, person?.AadObjectId, channel == "wecom" ? from?.Id : person?.WeComUserId };
        var bootstrap = IsBootstrapAdmin(keys);
        var roles = (person?.Roles ?? Roles.None) | (bootstrap ? Roles.Admin : Roles.None);
        var caller = new Caller(person?.Id, person?.Name ?? from?.Name ?? "未知用户", roles,
            bootstrap ? null : person?.AdminScopeUnitId,
            person is not null ? $"person:{person.Id}" : $"{channel}:{from?.AadObjectId ?? from?.Id}");
        turn.Items[TurnItem] = caller;
        return caller;
    }

    public bool IsBootstrapAdmin(IEnumerable<string?> keys)
    {
        var admins = config.GetSection("Bot:Admins").Get<string[]>() ?? [];
        return keys.Any(k => !string.IsNullOrWhiteSpace(k) && admins.Contains(k, StringComparer.OrdinalIgnoreCase));
    }
}
