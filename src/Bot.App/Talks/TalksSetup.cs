using System.Text.Json;
using Bot.App.Conversations;
using Bot.App.Data;
using Bot.App.Identity;
using Bot.App.Reports;
using Quartz;

namespace Bot.App.Talks;

public static class TalksSetup
{
    /// <summary>Campaigns, reminders (Quartz ticks, the database decides) and the holiday calendar.</summary>
    public static IServiceCollection AddTalks(this IServiceCollection services)
    {
        services.AddSingleton<ChannelSenders>();
        services.AddSingleton(sp => WorkCalendar.Load(sp.GetRequiredService<DataOptions>()));
        services.AddScoped<TalkAudience>();
        services.AddScoped<CampaignService>();
        services.AddScoped<TalkCards>();
        services.AddSingleton<ReminderRunner>();
        services.AddHealthChecks().AddCheck<HolidayCalendarHealthCheck>("holiday-calendar");
        services.AddQuartz(q =>
        {
            q.ScheduleJob<ReminderJob>(
                t => t.WithIdentity("talk-reminders").StartNow()
                    .WithSchedule(SimpleScheduleBuilder.Create().WithInterval(TimeSpan.FromMinutes(1)).RepeatForever()),
                j => j.WithIdentity("talk-reminders").DisallowConcurrentExecution());
        });
        return services;
    }

    /// <summary><c>POST /api/admin/campaigns</c>.</summary>
    public static RouteGroupBuilder MapTalksApi(this RouteGroupBuilder admin)
    {
        admin.MapPost("/campaigns", async (HttpContext http, CampaignService campaigns, CancellationToken ct) =>
        {
            CampaignRequest? request;
            try
            {
                request = await JsonSerializer.DeserializeAsync<CampaignRequest>(http.Request.Body, Json, ct);
            }
            catch (JsonException)
            {
                return Results.Problem("请求体不是有效的 JSON。", statusCode: StatusCodes.Status400BadRequest);
            }
            if (request is null)
                return Results.Problem("请求体为空。", statusCode: StatusCodes.Status400BadRequest);
            var result = await campaigns.CreateAsync(request, AdminApi.Actor(http), ct);
            if (!result.Ok)
                return Results.Json(new { errors = result.Errors }, statusCode: StatusCodes.Status422UnprocessableEntity);
            return Results.Json(new
            {
                id = result.Campaign!.Id,
                assignments = result.Assignments,
                unreachable = result.Unreachable.Select(u => new { u.PersonId, u.Name, u.Reason }),
                notes = result.Notes,
            }, statusCode: StatusCodes.Status201Created);
        }).WithSummary("发起约谈任务");
        return admin;
    }

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
