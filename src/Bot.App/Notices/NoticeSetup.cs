using Quartz;

namespace Bot.App.Notices;

public static class NoticeSetup
{
    public static IServiceCollection AddNotices(this IServiceCollection services)
    {
        services.AddSingleton(sp => sp.GetRequiredService<IConfiguration>().GetSection("Notices").Get<NoticeOptions>() ?? new NoticeOptions());
        services.AddSingleton<NoticeCards>();
        services.AddSingleton<NoticeExport>();
        services.AddSingleton<NoticeScheduler>();
        services.AddScoped<NoticeAudiences>();
        services.AddScoped<NoticeService>();
        services.AddSingleton<NoticeDispatcher>();
        services.AddHostedService<NoticeScheduleRestore>();
        services.AddHostedService(sp => sp.GetRequiredService<NoticeDispatcher>());
        services.AddQuartz(q => q.AddJob<NoticeSendJob>(j => j.WithIdentity(NoticeScheduler.Job).StoreDurably()));
        return services;
    }
}
