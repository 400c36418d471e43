using System.Text.Json;
using Bot.App.Conversations;
using Bot.App.Data;
using Bot.App.Org;
using Microsoft.EntityFrameworkCore;

namespace Bot.App.Notices;

/// <summary>
/// The audience as the REST API and the compose card state it: exactly one of all / units / roles /
/// (campaignId + notCompleted).
/// </summary>
public sealed record AudienceSpec(bool? All = null, List<string>? Units = null, List<string>? Roles = null,
    JsonElement? CampaignId = null, bool? NotCompleted = null)
{
    public string? CampaignKey => CampaignId is { } c && c.ValueKind is JsonValueKind.String or JsonValueKind.Number ? c.ToString() : null;

    public string Label => this switch
    {
        { All: true } => "全体人员",
        { Units.Count: > 0 } => "单位：" + string.Join("、", Units),
        { Roles.Count: > 0 } => "角色：" + string.Join("、", Roles),
        _ => $"活动 {CampaignKey} 未完成人员",
    };
}

/// <summary>A resolved recipient: a directory person and/or a personal chat; no chat means not installed.</summary>
public sealed record Recipient(int? PersonId, string Name, string? UnitPath, ConversationRef? Chat, string? NotReachableReason);

public sealed class NoticeAudiences(BotDbContext db)
{
    private static readonly Dictionary<string, Roles> RoleNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["领导"] = Roles.Leader, ["leader"] = Roles.Leader,
        ["管理员"] = Roles.Admin, ["admin"] = Roles.Admin,
        ["成员"] = Roles.Member, ["干部"] = Roles.Member, ["member"] = Roles.Member,
    };

    public static IReadOnlyCollection<string> KnownRoles => ["领导", "管理员", "成员"];

    /// <summary>Checks the shape: exactly one audience kind, known role names.</summary>
    public static void Validate(AudienceSpec? spec)
    {
        if (spec is null)
            throw new NoticeException(400, "请指定受众 audience：{\"all\":true}、{\"units\":[…]}、{\"roles\":[…]} 或 {\"campaignId\":…,\"notCompleted\":true}。");
        var kinds = (spec.All == true ? 1 : 0) + (spec.Units is { Count: > 0 } ? 1 : 0) + (spec.Roles is { Count: > 0 } ? 1 : 0)
                    + (spec.CampaignId is not null ? 1 : 0);
        if (kinds != 1)
            throw new NoticeException(400, "受众只能选择一种：全体、单位、角色或活动未完成人员。");
        if (spec.CampaignId is not null && (spec.CampaignKey is null || spec.NotCompleted != true))
            throw new NoticeException(400, "活动受众须写成 {\"campaignId\":…,\"notCompleted\":true}。");
        if (spec.Roles?.FirstOrDefault(r => !RoleNames.ContainsKey(r.Trim())) is { } unknown)
            throw new NoticeException(400, $"未知角色“{unknown}”，可选：{string.Join("、", KnownRoles)}。");
    }

    public async Task<List<Recipient>> ResolveAsync(AudienceSpec spec, CancellationToken ct)
    {
        Validate(spec);
        var chats = await db.Set<ConversationRef>().AsNoTracking()
            .Where(r => (r.ConversationType == null || r.ConversationType == "personal") && r.UserId != null)
            .ToListAsync(ct);
        var people = await PeopleAsync(spec, ct);

        var byPerson = chats.Where(c => c.PersonId != null).GroupBy(c => c.PersonId!.Value)
            .ToDictionary(g => g.Key, g => Best(g));
        var byAad = chats.Where(c => c.AadObjectId != null).GroupBy(c => c.AadObjectId!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => Best(g), StringComparer.OrdinalIgnoreCase);
        var used = new HashSet<int>();
        var result = new List<Recipient>();
        foreach (var p in people)
        {
            var chat = byPerson.GetValueOrDefault(p.Id) ?? (p.AadObjectId is { } aad ? byAad.GetValueOrDefault(aad) : null);
            if (chat is not null && used.Contains(chat.Id))
                chat = null;
            if (chat is not null)
                used.Add(chat.Id);
            var reason = chat is null ? "未安装机器人" : chat.Installed ? null : "已卸载机器人";
            result.Add(new Recipient(p.Id, p.Name, p.Unit?.Path, reason is null ? chat : null, reason));
        }
        if (spec.All == true)
        {
            var linkedPeople = people.Select(p => p.Id).ToHashSet();
            foreach (var chat in chats.Where(c => !used.Contains(c.Id)).GroupBy(c => c.ChannelId + "|" + c.UserId).Select(Best))
            {
                // A chat linked to a directory person was already covered by that person.
                if (chat.PersonId is { } pid && linkedPeople.Contains(pid))
                    continue;
                result.Add(new Recipient(chat.PersonId, chat.UserName ?? chat.UserId ?? "?", null, chat.Installed ? chat : null,
                    chat.Installed ? null : "已卸载机器人"));
            }
        }
        return result;
    }

    /// <summary>
    /// People of a campaign who have not completed it. Campaigns are built separately; until they are wired in,
    /// this is the single place that says so.
    /// </summary>
    public Task<List<int>> CampaignNotCompletedAsync(string campaignId, CancellationToken ct) =>
        throw new NoticeException(422, "活动受众暂不可用");

    private async Task<List<Person>> PeopleAsync(AudienceSpec spec, CancellationToken ct)
    {
        var query = db.Set<Person>().AsNoTracking().Include(p => p.Unit).AsQueryable();
        if (spec.All == true)
            return await query.ToListAsync(ct);
        if (spec.Units is { Count: > 0 } units)
        {
            var paths = units.Select(u => u.Trim().Trim('/')).Where(u => u.Length > 0).Distinct().ToList();
            var known = await db.Set<OrgUnit>().AsNoTracking().Select(u => u.Path).ToListAsync(ct);
            if (paths.FirstOrDefault(p => !known.Contains(p)) is { } missing)
                throw new NoticeException(422, $"未找到单位“{missing}”，请使用完整路径，如“县委组织部/干部科”。");
            var all = await query.Where(p => p.Unit != null).ToListAsync(ct);
            return all.Where(p => paths.Any(path => p.Unit!.Path == path || p.Unit.Path.StartsWith(path + "/", StringComparison.Ordinal))).ToList();
        }
        if (spec.Roles is { Count: > 0 } roles)
        {
            var mask = roles.Aggregate(Roles.None, (m, r) => m | RoleNames[r.Trim()]);
            var all = await query.ToListAsync(ct);
            return all.Where(p => (p.Roles & mask) != 0).ToList();
        }
        var ids = await CampaignNotCompletedAsync(spec.CampaignKey!, ct);
        return await query.Where(p => ids.Contains(p.Id)).ToListAsync(ct);
    }

    private static ConversationRef Best(IEnumerable<ConversationRef> chats) =>
        chats.OrderByDescending(c => c.Installed).ThenByDescending(c => c.UpdatedAt).First();
}

/// <summary>Refused input or state, with the HTTP status the REST API answers and a message for people.</summary>
public sealed class NoticeException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
