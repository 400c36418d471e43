using System.Security.Cryptography;
using System.Text;

namespace Bot.App.Identity;

/// <summary>
/// <c>/api/admin</c>: every request carries <c>Authorization: Bearer &lt;key&gt;</c> for one of the named keys in
/// <c>AdminApi:Keys:&lt;name&gt;</c>. No keys configured means the admin API is off.
/// </summary>
public static class AdminApi
{
    public const string KeyNameItem = "AdminKeyName";

    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin").WithTags("Admin");
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var keys = http.RequestServices.GetRequiredService<IConfiguration>().GetSection("AdminApi:Keys").GetChildren()
                .Where(k => !string.IsNullOrWhiteSpace(k.Value)).ToList();
            if (keys.Count == 0)
                return Results.Problem("管理接口未启用：请在配置 AdminApi:Keys:<名称> 中设置密钥。", statusCode: StatusCodes.Status404NotFound);
            var header = http.Request.Headers.Authorization.ToString();
            var presented = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : "";
            var match = keys.FirstOrDefault(k => FixedTimeEquals(k.Value!, presented));
            if (match is null)
                return Results.Problem("缺少或错误的管理密钥。", statusCode: StatusCodes.Status401Unauthorized);
            http.Items[KeyNameItem] = match.Key;
            return await next(context);
        });
        return group;
    }

    /// <summary>The audit actor of an admin API request: <c>apikey:&lt;name&gt;</c>.</summary>
    public static string Actor(HttpContext http) => "apikey:" + (http.Items[KeyNameItem] as string ?? "?");

    private static bool FixedTimeEquals(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));
}
