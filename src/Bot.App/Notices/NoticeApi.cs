using Bot.App.Identity;

namespace Bot.App.Notices;

/// <summary><c>/api/admin/notices</c> (admin key) and the signed export link used from chat.</summary>
public static class NoticeApi
{
    public static IEndpointRouteBuilder MapNoticeApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapAdminApi().MapGroup("/notices").WithTags("Notices");

        group.MapPost("", async (NoticeRequest request, NoticeService notices, HttpContext http, CancellationToken ct) =>
            await Guard(async () =>
            {
                var draft = await notices.CreateDraftAsync(request, AdminApi.Actor(http), ct);
                try
                {
                    await notices.StartAsync(draft.Id, AdminApi.Actor(http), ct);
                }
                catch (NoticeException)
                {
                    await notices.DiscardDraftAsync(draft.Id, ct);
                    throw;
                }
                return Results.Accepted($"/api/admin/notices/{draft.Id}", new { id = draft.Id });
            }))
            .WithSummary("Create and send (or schedule) a notice")
            .WithDescription("audience: {\"all\":true} | {\"units\":[\"县委组织部/干部科\"]} (sub-units included) | {\"roles\":[\"领导\"]} | {\"campaignId\":…,\"notCompleted\":true}. sendAt: ISO-8601, no offset = Asia/Shanghai; scheduled sends avoid 21:00–08:00.")
            .Produces(StatusCodes.Status202Accepted).ProducesProblem(400).ProducesProblem(422);

        group.MapGet("/{id:int}", async (int id, NoticeService notices, CancellationToken ct) =>
                await Guard(async () => Results.Ok(await notices.StatusAsync(id, ct))))
            .WithSummary("Delivery status: total = sent + failed + blocked + notInstalled + inDoubt + pending")
            .Produces<NoticeStatusResponse>().ProducesProblem(404);

        group.MapPut("/{id:int}", async (int id, NoticeCorrection correction, NoticeService notices, HttpContext http, CancellationToken ct) =>
                await Guard(async () => Results.Ok(new { id, updating = await notices.CorrectAsync(id, correction, AdminApi.Actor(http), ct) })))
            .WithSummary("Correct a notice; cards already sent are updated in place");

        group.MapPost("/{id:int}/cancel", async (int id, NoticeService notices, HttpContext http, CancellationToken ct) =>
                await Guard(async () =>
                {
                    await notices.CancelAsync(id, AdminApi.Actor(http), ct);
                    return Results.Ok(await notices.StatusAsync(id, ct));
                }))
            .WithSummary("Stop sending (within a second); recipients not yet sent stay pending");

        group.MapPost("/{id:int}/withdraw", async (int id, NoticeService notices, HttpContext http, CancellationToken ct) =>
                await Guard(async () => Results.Ok(new { id, updating = await notices.WithdrawAsync(id, AdminApi.Actor(http), ct) })))
            .WithSummary("Withdraw: sent cards are replaced by 本通知已撤回");

        group.MapPost("/{id:int}/renotify", async (int id, NoticeService notices, HttpContext http, CancellationToken ct) =>
                await Guard(async () => Results.Ok(new { id, renotified = await notices.RenotifyAsync(id, AdminApi.Actor(http), ct) })))
            .WithSummary("Send again to recipients who have not acknowledged (已阅)");

        group.MapGet("/{id:int}/recipients", async (int id, string? format, NoticeService notices, AuditLog audit, HttpContext http, CancellationToken ct) =>
                await Guard(async () =>
                {
                    await audit.WriteAsync(AdminApi.Actor(http), "notice.export", $"notice:{id}", format, ct);
                    return await FileAsync(id, format, notices, ct);
                }))
            .WithSummary("Per-recipient results, format=csv (default) or xlsx");

        app.MapGet("/api/notices/{id:int}/export", async (int id, string? format, long exp, string? sig, NoticeExport export,
                NoticeService notices, CancellationToken ct) =>
            !export.Verify(id, format ?? "csv", exp, sig)
                ? Results.Problem("下载链接无效或已过期，请在通知报告中重新点击“导出”。", statusCode: StatusCodes.Status403Forbidden)
                : await Guard(() => FileAsync(id, format, notices, ct)))
            .WithTags("Notices").WithSummary("Signed, short-lived download link handed out in chat").ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> FileAsync(int id, string? format, NoticeService notices, CancellationToken ct)
    {
        var notice = await notices.FindAsync(id, ct);
        var rows = await notices.DeliveriesAsync(id, ct);
        return (format ?? "csv").ToLowerInvariant() switch
        {
            "csv" => Results.File(NoticeExport.Csv(rows), "text/csv; charset=utf-8", $"notice-{id}.csv"),
            "xlsx" => Results.File(NoticeExport.Xlsx(notice, rows), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"notice-{id}.xlsx"),
            _ => throw new NoticeException(400, "format 只能是 csv 或 xlsx。"),
        };
    }

    private static async Task<IResult> Guard(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (NoticeException ex)
        {
            return Results.Problem(ex.Message, statusCode: ex.Status);
        }
    }
}
