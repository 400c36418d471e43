using Bot.Protocol;
using Bot.Protocol.Routing;
using Bot.Protocol.WeCom;

namespace Bot.App.WeCom;

public static partial class WeComSetup
{
    public const string CallbackPath = "/api/wecom";
    private const int MaxBodyBytes = 64 * 1024;

    public static IServiceCollection AddWeCom(this IServiceCollection services)
    {
        services.AddSingleton(sp => WeComOptions.From(sp.GetRequiredService<IConfiguration>()));
        // Shared with every sender of the app (notices dispatcher included): the per-member limit is per app.
        services.AddSingleton(sp => new MemberRateLimiter(sp.GetRequiredService<TimeProvider>()));
        services.AddHttpClient(nameof(WeComApiClient), c => c.Timeout = TimeSpan.FromSeconds(20));
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<WeComOptions>();
            return new WeComApiClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(WeComApiClient)),
                new WeComApiOptions(o.CorpId ?? "", o.Secret ?? "", o.AgentId, o.ApiBaseUrl),
                sp.GetRequiredService<MemberRateLimiter>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<WeComApiClient>>());
        });
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<WeComOptions>();
            return new WeComCrypto(o.Token ?? "", o.EncodingAESKey ?? "", o.CorpId ?? "");
        });
        services.AddSingleton<WeComSender>();
        services.AddScoped<WeComStore>();
        return services;
    }

    /// <summary>Maps <c>/api/wecom</c> when the <c>WeCom</c> section is complete; otherwise the channel stays off.</summary>
    public static WebApplication MapWeCom(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<WeComOptions>();
        if (!options.IsConfigured)
        {
            LogDisabled(app.Logger);
            return app;
        }
        app.Services.GetRequiredService<WeComCrypto>(); // a malformed EncodingAESKey fails at start-up, not on the first callback
        app.MapGet(CallbackPath, VerifyUrl);
        app.MapPost(CallbackPath, ReceiveAsync);
        return app;
    }

    /// <summary>GET: answer the decrypted echostr exactly (no quotes, BOM or newline) within WeCom's 1 s.</summary>
    private static IResult VerifyUrl(HttpContext http, WeComCrypto crypto, ILoggerFactory loggers)
    {
        var q = http.Request.Query;
        try
        {
            // The query is decoded once by ASP.NET; a raw '+' would have become a space, which base64 never has.
            var echo = crypto.VerifyUrl(q["msg_signature"], q["timestamp"].ToString(), q["nonce"].ToString(),
                q["echostr"].ToString().Replace(' ', '+'));
            return Results.Text(echo, "text/plain; charset=utf-8");
        }
        catch (WeComCryptoException ex)
        {
            LogRejected(loggers.CreateLogger(typeof(WeComSetup)), "GET", (int)ex.Error, ex.Message);
            return Reject(ex);
        }
    }

    /// <summary>
    /// POST: verify + decrypt, then answer 200 with an empty body at once (no passive reply, so WeCom does not
    /// retry); the turn runs in the background. Forged or foreign callbacks: 401 bad signature, 403 wrong
    /// CorpID or undecryptable, 400 malformed — none of them reach the router.
    /// </summary>
    private static async Task<IResult> ReceiveAsync(HttpContext http, WeComCrypto crypto, WeComOptions options,
        WeComSender sender, TurnProcessor turns, WeComStore store, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(WeComSetup));
        var ct = http.RequestAborted;
        if (http.Request.ContentLength > MaxBodyBytes)
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        string body;
        using (var reader = new StreamReader(http.Request.Body))
        {
            var buffer = new char[MaxBodyBytes + 1];
            var read = await reader.ReadBlockAsync(buffer, ct);
            if (read > MaxBodyBytes)
                return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            body = new string(buffer, 0, read);
        }
        var q = http.Request.Query;
        CallbackMessage message;
        try
        {
            var plain = crypto.DecryptMessage(q["msg_signature"], q["timestamp"].ToString(), q["nonce"].ToString(), body);
            message = CallbackMessage.Parse(plain);
        }
        catch (WeComCryptoException ex)
        {
            LogRejected(logger, "POST", (int)ex.Error, ex.Message);
            return Reject(ex);
        }
        if (message.AgentId is { Length: > 0 } agent && agent != options.AgentId.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            LogOtherAgent(logger, agent);
            return Results.Ok();
        }
        var activity = await WeComInbound.ToActivityAsync(message, options, store, ct);
        if (activity is null)
        {
            LogIgnored(logger, message.MsgType, message.Event);
            return Results.Ok();
        }
        if (!turns.Enqueue(activity, sender))
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        return Results.Ok();
    }

    private static IResult Reject(WeComCryptoException ex) => ex.Error switch
    {
        WeComCryptoError.SignatureInvalid => Results.StatusCode(StatusCodes.Status401Unauthorized),
        WeComCryptoError.ParseXml => Results.BadRequest(),
        _ => Results.StatusCode(StatusCodes.Status403Forbidden),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "WeCom channel off: the WeCom configuration section is incomplete")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeCom {Method} callback rejected ({Code}): {Reason}")]
    private static partial void LogRejected(ILogger logger, string method, int code, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WeCom callback for another agent {AgentId} dropped")]
    private static partial void LogOtherAgent(ILogger logger, string agentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "WeCom callback {MsgType}/{Event} not handled")]
    private static partial void LogIgnored(ILogger logger, string msgType, string? @event);
}
