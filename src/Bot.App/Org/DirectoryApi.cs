using System.Net.Http.Headers;
using Bot.App.Data;
using Bot.App.Identity;
using Microsoft.EntityFrameworkCore;

namespace Bot.App.Org;

/// <summary><c>/api/admin/directory</c>: import, templates, the people list and linking chat accounts. API keys are global admins.</summary>
public static class DirectoryApi
{
    private const int MaxUploadBytes = 20 << 20;

    public sealed record LinkRequest(int ConversationRefId, string Person);

    public static RouteGroupBuilder MapDirectoryApi(this RouteGroupBuilder admin)
    {
        var group = admin.MapGroup("/directory");
        group.MapPost("/import", ImportAsync)
            .Accepts<byte[]>("text/csv", DirectoryFile.XlsxContentType, "text/plain", "application/octet-stream")
            .WithSummary("导入名单：text/csv（UTF-8 或 GBK）或 .xlsx；全部通过才写入，200 返回报告，422 返回逐行问题。");
        group.MapGet("/template", Template).WithSummary("下载名单模板：format=csv（默认）或 xlsx。");
        group.MapGet("/people", PeopleAsync).WithSummary("名单中的全部人员。");
        group.MapGet("/unlinked", async (AccountLinker linker, CancellationToken ct) => Results.Ok(await linker.RecentUnlinkedAsync(50, ct)))
            .WithSummary("最近尚未关联到名单的个人聊天。");
        group.MapPost("/link", LinkAsync).WithSummary("把一个个人聊天（conversationRefId）关联到名单中的人（邮箱，或唯一的姓名）。");
        return admin;
    }

    private static async Task<IResult> ImportAsync(HttpContext http, DirectoryImporter importer, CancellationToken ct)
    {
        if (http.Request.ContentLength > MaxUploadBytes)
            return Results.Problem("文件过大（最多 20 MB）。", statusCode: StatusCodes.Status413PayloadTooLarge);
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > MaxUploadBytes)
            return Results.Problem("文件过大（最多 20 MB）。", statusCode: StatusCodes.Status413PayloadTooLarge);
        var charset = MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) ? type.CharSet : null;
        var report = await importer.ImportAsync(buffer.ToArray(), charset, AdminApi.Actor(http), scopePath: null, null, ct);
        var body = new
        {
            applied = report.Applied,
            summary = report.Summary,
            rows = report.Rows,
            created = report.Created,
            updated = report.Updated,
            unitsCreated = report.UnitsCreated,
            problems = report.Problems.Select(p => new { row = p.Row, column = p.Column, message = p.Message }),
        };
        return report.Applied ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status422UnprocessableEntity);
    }

    private static IResult Template(string? format) => format?.ToLowerInvariant() switch
    {
        null or "" or "csv" => Results.File(DirectoryFile.CsvTemplate(), "text/csv; charset=utf-8", "名单模板.csv"),
        "xlsx" => Results.File(DirectoryFile.XlsxTemplate(), DirectoryFile.XlsxContentType, "名单模板.xlsx"),
        _ => Results.Problem("format 只能是 csv 或 xlsx。", statusCode: StatusCodes.Status400BadRequest),
    };

    private static async Task<IResult> PeopleAsync(HttpContext http, BotDbContext db, AuditLog audit, CancellationToken ct)
    {
        var units = await db.Set<OrgUnit>().AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.Path, ct);
        var people = await db.Set<Person>().AsNoTracking().OrderBy(p => p.Id).ToListAsync(ct);
        var names = people.ToDictionary(p => p.Id, p => p.Name);
        var charges = (await db.Set<UnitCharge>().AsNoTracking().ToListAsync(ct)).ToLookup(c => c.PersonId, c => units.GetValueOrDefault(c.UnitId));
        var linked = (await db.Set<Conversations.ConversationRef>().AsNoTracking().Where(r => r.PersonId != null)
            .Select(r => r.PersonId!.Value).Distinct().ToListAsync(ct)).ToHashSet();
        await audit.WriteAsync(AdminApi.Actor(http), "directory.list", null, $"{people.Count} 人", ct);
        return Results.Ok(people.Select(p => new
        {
            id = p.Id,
            name = p.Name,
            title = p.Title,
            unit = p.UnitId is { } u ? units.GetValueOrDefault(u) : null,
            roles = RoleNames(p.Roles),
            chargedUnits = charges[p.Id].ToList(),
            supervisor = p.SupervisorId is { } s ? names.GetValueOrDefault(s) : null,
            adminScope = p.AdminScopeUnitId is { } a ? units.GetValueOrDefault(a) : null,
            aadObjectId = p.AadObjectId,
            email = p.Email,
            mobile = p.Mobile,
            weComUserId = p.WeComUserId,
            linked = linked.Contains(p.Id),
        }));
    }

    private static async Task<IResult> LinkAsync(HttpContext http, LinkRequest request, AccountLinker linker, CancellationToken ct)
    {
        var admin = new Caller(null, "API", Roles.Admin, null, AdminApi.Actor(http));
        var (ok, message) = await linker.LinkAsync(admin, request.ConversationRefId, request.Person ?? "", ct);
        return ok ? Results.Ok(new { message }) : Results.Problem(message, statusCode: StatusCodes.Status422UnprocessableEntity);
    }

    public static List<string> RoleNames(Roles roles) =>
        [.. new[] { (Roles.Admin, "管理员"), (Roles.Leader, "领导"), (Roles.Member, "成员") }.Where(r => roles.HasFlag(r.Item1)).Select(r => r.Item2)];
}
