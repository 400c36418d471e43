using Bot.App.Conversations;
using Bot.App.Data;
using Bot.App.Identity;
using Bot.Protocol.Connector;
using Bot.Protocol.Routing;
using Microsoft.EntityFrameworkCore;

namespace Bot.App.Org;

/// <summary>
/// Links a personal chat (<see cref="ConversationRef"/>) to a directory person: automatically on first contact
/// (Teams aadObjectId, else the e-mail/UPN of the connector's get-member call; WeCom userid), or by an admin.
/// </summary>
public sealed partial class AccountLinker(BotDbContext db, ConnectorClient connector, OrgQueries org, AuditLog audit,
    TimeProvider time, ILogger<AccountLinker> logger)
{
    public const string WeComChannel = "wecom";

    public async Task LinkOnContactAsync(TurnContext turn, ConversationRef reference, CancellationToken ct)
    {
        var from = turn.Activity.From;
        if (reference.PersonId is not null || !reference.IsPersonal || from?.Id is not { Length: > 0 } userId || userId == turn.Activity.Recipient?.Id)
            return;
        var people = db.Set<Person>();
        Person? person;
        if (reference.ChannelId == WeComChannel)
            person = await people.FirstOrDefaultAsync(p => p.WeComUserId == userId, ct);
        else
        {
            var aad = from.AadObjectId;
            person = aad is { Length: > 0 } ? await people.FirstOrDefaultAsync(p => p.AadObjectId == aad, ct) : null;
            // Asking Teams for the e-mail only helps when some directory entry can be matched by e-mail.
            if (person is null && reference.MemberLookedUpAt is null && reference.ChannelId == "msteams"
                && await people.AnyAsync(p => p.Email != null, ct))
                await LookUpMemberAsync(reference, userId, ct);
            if (person is null && reference.MemberEmail is { } email)
                person = await people.FirstOrDefaultAsync(p => p.Email == email, ct);
            if (person is not null && person.AadObjectId is null && aad is { Length: > 0 })
                person.AadObjectId = aad;
        }
        if (person is not null)
        {
            reference.PersonId = person.Id;
            audit.Add($"{reference.ChannelId}:{userId}", "directory.link.auto", $"person:{person.Id}", reference.ChannelId);
            LogLinked(logger, reference.Id, person.Id);
        }
        await db.SaveChangesAsync(ct);
    }

    private async Task LookUpMemberAsync(ConversationRef reference, string userId, CancellationToken ct)
    {
        reference.MemberLookedUpAt = time.GetUtcNow();
        try
        {
            var member = await connector.GetMemberAsync(reference.ToAddress(), userId, ct);
            var email = member?["email"]?.GetValue<string>() ?? member?["userPrincipalName"]?.GetValue<string>();
            reference.MemberEmail = email is { Length: > 0 } ? email.Trim().ToLowerInvariant() : null;
        }
        catch (Exception ex) when (ex is ConnectorException or InvalidOperationException or System.Text.Json.JsonException)
        {
            // The chat keeps working unlinked; an admin can still link it by hand.
            LogLookupFailed(logger, reference.Id, ex.Message);
        }
    }

    public sealed record UnlinkedAccount(int Id, string ChannelId, string? UserName, string? Email, DateTimeOffset LastSeen);

    /// <summary>Personal chats not linked yet, most recent first.</summary>
    public Task<List<UnlinkedAccount>> RecentUnlinkedAsync(int count, CancellationToken ct) =>
        db.Set<ConversationRef>().AsNoTracking()
            .Where(r => r.PersonId == null && r.UserId != null && (r.ConversationType == null || r.ConversationType == "personal"))
            .OrderByDescending(r => r.UpdatedAt).Take(count)
            .Select(r => new UnlinkedAccount(r.Id, r.ChannelId, r.UserName, r.MemberEmail, r.UpdatedAt))
            .ToListAsync(ct);

    /// <summary>Finds one person by e-mail, or by name when unique; else a Chinese explanation.</summary>
    public async Task<(Person? Person, string? Error)> FindPersonAsync(string nameOrEmail, CancellationToken ct)
    {
        var key = nameOrEmail.Trim();
        var matches = key.Contains('@')
            ? await db.Set<Person>().Where(p => p.Email == key.ToLower()).Take(2).ToListAsync(ct)
            : await db.Set<Person>().Where(p => p.Name == key).Take(10).ToListAsync(ct);
        return matches.Count switch
        {
            0 => (null, $"名单中找不到“{key}”。"),
            1 => (matches[0], null),
            _ => (null, $"名单中有 {matches.Count} 人名为“{key}”，请改用邮箱。"),
        };
    }

    /// <summary>An admin links a chat to a person; the chat's keys are copied to the person so later chats link by themselves.</summary>
    public async Task<(bool Ok, string Message)> LinkAsync(Caller admin, int conversationRefId, string nameOrEmail, CancellationToken ct)
    {
        var reference = await db.Set<ConversationRef>().FirstOrDefaultAsync(r => r.Id == conversationRefId, ct);
        if (reference is null || !reference.IsPersonal)
            return (false, $"找不到编号为 {conversationRefId} 的个人聊天。");
        var (person, error) = await FindPersonAsync(nameOrEmail, ct);
        if (person is null)
            return (false, error!);
        if (!await org.CanManagePersonAsync(admin, person, ct))
            return (false, $"{person.Name}不在您的管理范围内。");
        reference.PersonId = person.Id;
        if (reference.ChannelId == WeComChannel)
            person.WeComUserId ??= reference.UserId;
        else if (reference.AadObjectId is { Length: > 0 } aad && person.AadObjectId is null
                 && !await db.Set<Person>().AnyAsync(p => p.AadObjectId == aad, ct))
            person.AadObjectId = aad;
        audit.Add(admin.Actor, "directory.link", $"person:{person.Id}", $"conversation:{reference.Id} {reference.UserName}");
        await db.SaveChangesAsync(ct);
        LogLinked(logger, reference.Id, person.Id);
        return (true, $"已将 {reference.UserName ?? "该账号"} 的聊天账号关联到 {person.Name}。");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Conversation {ConversationRefId} linked to person {PersonId}")]
    private static partial void LogLinked(ILogger logger, int conversationRefId, int personId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Get-member lookup for conversation {ConversationRefId} failed: {Error}")]
    private static partial void LogLookupFailed(ILogger logger, int conversationRefId, string error);
}
