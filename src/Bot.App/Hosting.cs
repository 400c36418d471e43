using Bot.App.Cards;
using Bot.App.Conversations;
using Bot.App.Dialogs;
using Bot.App.Identity;
using Bot.Protocol.Auth;

namespace Bot.App;

/// <summary>Start-up wiring that is not a feature of its own.</summary>
internal static partial class Hosting
{
    public static IServiceCollection AddBotCore(this IServiceCollection services)
    {
        services.AddSingleton<CardTemplates>();
        services.AddScoped<ConversationStore>();
        services.AddSingleton<ChannelSenders>();
        services.AddScoped<CallerResolver>();
        services.AddScoped<AuditLog>();
        services.AddScoped<DialogStore>();
        services.AddProblemDetails();
        services.AddOpenApi();
        return services;
    }

    /// <summary>
    /// Without MicrosoftAppId the bot accepts unsigned activities, and only from loopback in Development.
    /// In any other environment that would let anyone impersonate an admin, so the bot refuses to start.
    /// </summary>
    public static void CheckBotIdentity(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<BotAuthOptions>();
        if (!options.AuthenticationDisabled)
            return;
        if (!app.Environment.IsDevelopment())
            throw new InvalidOperationException(
                "MicrosoftAppId 未配置：生产环境必须配置机器人身份（MicrosoftAppId / MicrosoftAppPassword / MicrosoftAppTenantId）。" +
                " Set MicrosoftAppId, or run with ASPNETCORE_ENVIRONMENT=Development for local testing only.");
        LogAnonymous(app.Logger);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "MicrosoftAppId is not set: accepting UNAUTHENTICATED activities from loopback only (Development). Never expose this instance.")]
    private static partial void LogAnonymous(ILogger logger);
}
