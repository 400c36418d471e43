using Bot.App.Conversations;
using Bot.App.Data;
using Bot.App.Identity;
using Bot.App.Org;
using Microsoft.EntityFrameworkCore;

namespace Bot.App.Talks;

/// <summary>Where to reach directory people and the admins responsible for a unit.</summary>
public sealed class TalkAudience(BotDbContext db, CallerResolver callers)
{
    /// <summary>The person's installed 1:1 chat: linked by the directory, else matched on the Entra object id.</summary>
    public async Task<ConversationRef?> PersonalChatAsync(int personId, CancellationToken ct)
    {
        var personal = db.Set<ConversationRef>().Where(r => r.ConversationType == null || r.ConversationType == "personal");
        var linked = await personal.Where(r => r.PersonId == personId).OrderByDescending(r => r.Installed).ThenByDescending(r => r.UpdatedAt).FirstOrDefaultAsync(ct);
        if (linked is not null)
            return linked;
        var aad = await db.Set<Person>().Where(p => p.Id == personId).Select(p => p.AadObjectId).FirstOrDefaultAsync(ct);
        return aad is null ? null
            : await personal.Where(r => r.AadObjectId == aad).OrderByDescending(r => r.Installed).ThenByDescending(r => r.UpdatedAt).FirstOrDefaultAsync(ct);
    }

    /// <summary>Why a person cannot be reached proactively, or null when they can.</summary>
    public async Task<string?> UnreachableReasonAsync(int personId, CancellationToken ct) =>
        await PersonalChatAsync(personId, ct) switch
        {
            null => "尚未与机器人建立会话（未安装应用或未关联账号）",
            { Installed: false } => "已卸载应用",
            _ => null,
        };

    /// <summary>Installed chats of admins over the unit: global and scoped directory admins and the bootstrap admins.</summary>
    public async Task<List<ConversationRef>> AdminChatsAsync(int? unitId, CancellationToken ct)
    {
        var unitPath = unitId is null ? null : await db.Set<OrgUnit>().Where(u => u.Id == unitId).Select(u => u.Path).FirstOrDefaultAsync(ct);
        var scopes = await db.Set<OrgUnit>().ToDictionaryAsync(u => u.Id, u => u.Path, ct);
        var admins = (await db.Set<Person>().Where(p => (p.Roles & Roles.Admin) != 0).ToListAsync(ct))
            .Where(p => p.AdminScopeUnitId is null || (unitPath is not null && scopes.TryGetValue(p.AdminScopeUnitId.Value, out var s) && InSubtree(unitPath, s)))
            .ToList();
        var result = new List<ConversationRef>();
        foreach (var admin in admins)
            if (await PersonalChatAsync(admin.Id, ct) is { Installed: true } chat)
                result.Add(chat);
        var personal = await db.Set<ConversationRef>()
            .Where(r => r.Installed && (r.ConversationType == null || r.ConversationType == "personal") && r.AadObjectId != null)
            .ToListAsync(ct);
        result.AddRange(personal.Where(r => callers.IsBootstrapAdmin([r.AadObjectId])));
        return result.DistinctBy(r => r.Id).ToList();
    }

    public static bool InSubtree(string path, string root) =>
        path == root || path.StartsWith(root + "/", StringComparison.Ordinal);
}
