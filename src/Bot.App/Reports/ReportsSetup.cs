using Bot.App.Identity;

namespace Bot.App.Reports;

public static class ReportsSetup
{
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.AddScoped<ReportService>();
        services.AddScoped<ReportCards>();
        services.AddScoped<ProgressService>();
        services.AddScoped<ReportExport>();
        services.AddSingleton<ExportLinks>();
        return services;
    }

    /// <summary>Progress and export under <c>/api/admin</c>, plus the signed chat download link.</summary>
    public static RouteGroupBuilder MapReportsApi(this RouteGroupBuilder admin)
    {
        admin.MapGet("/campaigns/{id:int}/progress", async (int id, HttpContext http, ProgressService progress, AuditLog audit, CancellationToken ct) =>
        {
            if (await progress.FindAsync(id, ct) is not { } campaign)
                return Results.Problem($"未找到约谈任务 {id}。", statusCode: StatusCodes.Status404NotFound);
            await audit.WriteAsync(AdminApi.Actor(http), "report.progress", $"campaign:{id}", "api", ct);
            return Results.Json(await progress.BuildAsync(campaign, null, ct), Talks.TalksSetup.Json);
        }).WithSummary("约谈任务进度（按单位、按领导）");
        admin.MapGet("/campaigns/{id:int}/reports", async (int id, string? format, HttpContext http, ProgressService progress, ReportExport export, AuditLog audit, CancellationToken ct) =>
            await ExportAsync(id, format ?? "csv", AdminApi.Actor(http), progress, export, audit, ct))
            .WithSummary("导出约谈报告（format=csv|xlsx）");
        return admin;
    }

    public static IEndpointRouteBuilder MapExportLinks(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/talks/export/{id:int}.{format}", async (int id, string format, long exp, string? sig, ExportLinks links,
            ProgressService progress, ReportExport export, AuditLog audit, CancellationToken ct) =>
            links.IsValid(id, format, exp, sig)
                ? await ExportAsync(id, format, "link", progress, export, audit, ct)
                : Results.Problem("下载链接无效或已过期，请在聊天中重新发送“导出”。", statusCode: StatusCodes.Status403Forbidden))
            .ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ExportAsync(int id, string format, string actor, ProgressService progress, ReportExport export, AuditLog audit, CancellationToken ct)
    {
        if (format is not ("csv" or "xlsx"))
            return Results.Problem("format 须为 csv 或 xlsx。", statusCode: StatusCodes.Status400BadRequest);
        if (await progress.FindAsync(id, ct) is not { } campaign)
            return Results.Problem($"未找到约谈任务 {id}。", statusCode: StatusCodes.Status404NotFound);
        var rows = await export.RowsAsync(campaign, ct);
        await audit.WriteAsync(actor, "report.export", $"campaign:{id}", $"{format}，{rows.Count} 行", ct);
        var name = $"campaign-{id}-reports.{format}";
        return format == "csv"
            ? Results.File(ReportExport.Csv(rows), "text/csv; charset=utf-8", name)
            : Results.File(ReportExport.Xlsx(campaign.Title, rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name);
    }
}
