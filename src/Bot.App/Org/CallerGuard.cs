using Bot.App.Identity;
using Bot.Protocol.Routing;

namespace Bot.App.Org;

/// <summary>
/// The checks in front of leader and admin features. Each returns the caller when allowed; otherwise it answers
/// the user politely in Chinese and returns null. <see cref="DenyReason"/> gives the same text for card actions.
/// Q&amp;A and help need no check: they work for unlinked users.
/// </summary>
public static class CallerGuard
{
    public const string NotLinkedMessage = "您的账号尚未关联到组织名单，请联系管理员。";
    public const string AdminOnlyMessage = "抱歉，该功能仅限管理员使用。";
    public const string LeaderOnlyMessage = "抱歉，该功能仅限领导使用。";

    /// <summary>Null when the caller has <paramref name="required"/> (None = merely linked); else the message to show.</summary>
    public static string? DenyReason(Caller caller, Roles required)
    {
        if (required.HasFlag(Roles.Admin))
            return caller.IsAdmin ? null : caller.IsLinked ? AdminOnlyMessage : NotLinkedMessage;
        if (!caller.IsLinked)
            return NotLinkedMessage;
        if (required.HasFlag(Roles.Leader) && !caller.IsLeader)
            return LeaderOnlyMessage;
        return null;
    }

    public static Task<Caller?> RequireLinkedAsync(this TurnContext turn, CancellationToken ct) => RequireAsync(turn, Roles.None, ct);

    public static Task<Caller?> RequireLeaderAsync(this TurnContext turn, CancellationToken ct) => RequireAsync(turn, Roles.Leader, ct);

    /// <summary>Bootstrap admins (Bot:Admins) pass even when not linked to a person.</summary>
    public static Task<Caller?> RequireAdminAsync(this TurnContext turn, CancellationToken ct) => RequireAsync(turn, Roles.Admin, ct);

    public static async Task<Caller?> RequireAsync(this TurnContext turn, Roles required, CancellationToken ct)
    {
        var caller = await turn.Services.GetRequiredService<CallerResolver>().ResolveAsync(turn, ct);
        if (DenyReason(caller, required) is not { } reason)
            return caller;
        await turn.SendTextAsync(reason, ct);
        return null;
    }
}
