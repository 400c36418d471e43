using Bot.App.Data;
using Bot.App.Identity;
using Microsoft.EntityFrameworkCore;

namespace Bot.App.Org;

/// <summary>
/// Questions about the organization tree that every feature asks: which units lie under a unit, and whether a caller
/// may manage a unit or a person (global admins everything, scoped admins their 管理范围 subtree, others nothing).
/// </summary>
public sealed class OrgQueries(BotDbContext db)
{
    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or lies below it.</summary>
    public static bool IsInSubtree(string path, string root) =>
        path == root || path.StartsWith(root + "/", StringComparison.Ordinal);

    /// <summary>Ids of the unit and all units below it (empty when the unit does not exist).</summary>
    public async Task<List<int>> SubtreeUnitIdsAsync(int unitId, CancellationToken ct)
    {
        var root = await db.Set<OrgUnit>().AsNoTracking().Where(u => u.Id == unitId).Select(u => u.Path).FirstOrDefaultAsync(ct);
        if (root is null)
            return [];
        var prefix = root + "/";
        return await db.Set<OrgUnit>().AsNoTracking()
            .Where(u => u.Path == root || u.Path.StartsWith(prefix))
            .Select(u => u.Id).ToListAsync(ct);
    }

    public Task<OrgUnit?> FindUnitByPathAsync(string path, CancellationToken ct) =>
        db.Set<OrgUnit>().FirstOrDefaultAsync(u => u.Path == NormalizePath(path), ct);

    public async Task<bool> CanManageUnitAsync(Caller caller, int unitId, CancellationToken ct)
    {
        if (!caller.IsAdmin)
            return false;
        if (caller.AdminScopeUnitId is not { } scope)
            return true;
        return (await SubtreeUnitIdsAsync(scope, ct)).Contains(unitId);
    }

    /// <summary>A scoped admin manages the people whose unit lies in the scope; people without a unit only global admins.</summary>
    public async Task<bool> CanManagePersonAsync(Caller caller, Person person, CancellationToken ct) =>
        caller.IsGlobalAdmin || (caller.IsAdmin && person.UnitId is { } unit && await CanManageUnitAsync(caller, unit, ct));

    /// <summary>The path of the caller's admin scope; null for global admins and non-admins.</summary>
    public async Task<string?> ScopePathAsync(Caller caller, CancellationToken ct) =>
        caller.AdminScopeUnitId is { } id
            ? await db.Set<OrgUnit>().AsNoTracking().Where(u => u.Id == id).Select(u => u.Path).FirstOrDefaultAsync(ct)
            : null;

    /// <summary>Trims each segment and the separators: " 县委组织部 / 干部科/ " → "县委组织部/干部科".</summary>
    public static string NormalizePath(string path) =>
        string.Join('/', path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
