using System.Text.Json;
using Bot.Protocol.Auth;
using Bot.Protocol.Connector;
using Bot.Protocol.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Protocol;

public static partial class BotEndpoint
{
    private const int MaxBodyBytes = 1 << 20;

    /// <summary>Inbound auth, the Connector client, the router and the turn processor.</summary>
    public static IServiceCollection AddBotProtocol(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => BotAuthOptions.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        services.AddHttpClient<SigningKeyCache>();
        services.AddSingleton<BotAuthenticator>();
        services.AddHttpClient(MsalTokenProvider.HttpClientName);
        services.AddSingleton<IBotTokenProvider, MsalTokenProvider>();
        services.AddHttpClient<ConnectorClient>(c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<ActivityRouter>();
        services.AddSingleton<TurnProcessor>();
        services.AddHostedService(sp => sp.GetRequiredService<TurnProcessor>());
        return services;
    }

    /// <summary>
    /// POST: 400 without <c>type</c>, 401 for any authentication failure, 403 for a tenant outside
    /// <c>Bot:AllowedTenants</c>, 200 at once for non-invokes
    /// (handled in the background), the invoke response for invokes. HEAD answers the Playground's probe.
    /// </summary>
    public static IEndpointConventionBuilder MapBotEndpoint(this IEndpointRouteBuilder app, string pattern = "/api/messages")
    {
        app.MapMethods(pattern, ["HEAD"], () => Results.Ok());
        return app.MapPost(pattern, HandleAsync);
    }

    private static async Task<IResult> HandleAsync(HttpContext http, BotAuthenticator auth, BotAuthOptions options,
        ConnectorClient connector, TurnProcessor turns, IHostEnvironment env, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(BotEndpoint).FullName!);
        var ct = http.RequestAborted;
        Activity? activity;
        try
        {
            if (http.Request.ContentLength > MaxBodyBytes)
                return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            activity = await JsonSerializer.DeserializeAsync<Activity>(http.Request.Body, ProtocolJson.Options, ct);
        }
        catch (JsonException ex)
        {
            LogBadBody(logger, ex.Message);
            return Results.BadRequest();
        }
        if (activity is null || string.IsNullOrWhiteSpace(activity.Type))
            return Results.BadRequest();

        var allowAnonymous = options.AuthenticationDisabled && env.IsDevelopment()
                             && BotAuthenticator.IsLoopback(PeerAddress.Of(http));
        var result = await auth.AuthenticateAsync(http.Request.Headers.Authorization.ToString(), activity, allowAnonymous, ct);
        if (!result.Ok)
            return Results.Unauthorized();
        if (!options.IsTenantAllowed(activity.TenantId))
        {
            LogForeignTenant(logger, activity.TenantId!, activity.ChannelId ?? "");
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        if (activity.Type == ActivityTypes.Invoke)
        {
            var response = await turns.RunAsync(activity, connector, ct) ?? InvokeResponse.NotImplemented;
            return response.Body is null
                ? Results.StatusCode(response.Status)
                : Results.Json(response.Body, ProtocolJson.Options, statusCode: response.Status);
        }
        if (!turns.Enqueue(activity, connector))
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        return Results.Ok();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Activity from tenant {TenantId} on {ChannelId} refused: not in Bot:AllowedTenants", EventName = "ForeignTenant")]
    private static partial void LogForeignTenant(ILogger logger, string tenantId, string channelId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable activity body: {Error}", EventName = "BadActivityBody")]
    private static partial void LogBadBody(ILogger logger, string error);
}
