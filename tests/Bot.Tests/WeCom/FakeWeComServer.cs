using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.WeCom;

/// <summary>
/// The WeCom server API on real loopback HTTP (Kestrel, 127.0.0.1, random port): gettoken, message/send,
/// message/update_template_card, message/recall, media/upload. Errors are scripted with <see cref="FailNext"/>;
/// <see cref="ExpireTokens"/> makes every issued token answer 42001. response_codes work once, like WeCom's.
/// </summary>
public sealed class FakeWeComServer : IAsyncDisposable
{
    public const string CorpId = "wx5823bf96d3bd56c7";
    public const string Secret = "app-secret";

    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> failures = new();
    private readonly ConcurrentDictionary<string, bool> validTokens = new();
    private readonly ConcurrentDictionary<string, bool> usedCodes = new();
    private int counter;

    public sealed record Call(string Path, string? Token, JsonObject? Body, string? Query);

    public ConcurrentQueue<Call> Calls { get; } = new();
    public string BaseUrl { get; private set; } = "";
    public int TokensIssued;

    public IEnumerable<Call> Sends => Calls.Where(c => c.Path == "message/send");
    public IEnumerable<Call> Updates => Calls.Where(c => c.Path == "message/update_template_card");

    /// <summary>Template cards sent, in order.</summary>
    public IEnumerable<JsonObject> SentCards => Sends.Select(c => c.Body?["template_card"] as JsonObject).OfType<JsonObject>();

    private FakeWeComServer(WebApplication app) => this.app = app;

    public static async Task<FakeWeComServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeWeComServer(app);
        app.MapGet("/cgi-bin/gettoken", server.GetToken);
        app.MapPost("/cgi-bin/{**path}", server.HandleAsync);
        await app.StartAsync();
        server.BaseUrl = app.Urls.First();
        return server;
    }

    /// <summary>The next <paramref name="times"/> calls to <paramref name="path"/> answer <paramref name="errcode"/>.</summary>
    public void FailNext(string path, int errcode, int times = 1)
    {
        var queue = failures.GetOrAdd(path, _ => new ConcurrentQueue<int>());
        for (var i = 0; i < times; i++)
            queue.Enqueue(errcode);
    }

    public void ExpireTokens()
    {
        foreach (var token in validTokens.Keys)
            validTokens[token] = false;
    }

    public void Clear() => Calls.Clear();

    private IResult GetToken(HttpContext http)
    {
        var q = http.Request.Query;
        Calls.Enqueue(new Call("gettoken", null, null, http.Request.QueryString.Value));
        if (q["corpid"] != CorpId || q["corpsecret"] != Secret)
            return Results.Json(new { errcode = 40001, errmsg = "invalid credential" });
        var token = "tok-" + Interlocked.Increment(ref TokensIssued);
        validTokens[token] = true;
        return Results.Json(new { errcode = 0, errmsg = "ok", access_token = token, expires_in = 7200 });
    }

    private async Task<IResult> HandleAsync(HttpContext http, string path)
    {
        var token = http.Request.Query["access_token"].ToString();
        JsonObject? body = null;
        if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync();
            var file = form.Files["media"];
            body = new JsonObject { ["filename"] = file?.FileName, ["length"] = file?.Length ?? 0, ["contentType"] = file?.ContentType };
        }
        else
        {
            using var reader = new StreamReader(http.Request.Body);
            body = JsonNode.Parse(await reader.ReadToEndAsync()) as JsonObject;
        }
        Calls.Enqueue(new Call(path, token, body, http.Request.QueryString.Value));
        if (!validTokens.TryGetValue(token, out var valid))
            return Error(40014, "invalid access_token");
        if (!valid)
            return Error(42001, "access_token expired");
        if (failures.TryGetValue(path, out var queue) && queue.TryDequeue(out var code))
            return Error(code, "scripted failure");
        var n = Interlocked.Increment(ref counter);
        switch (path)
        {
            case "message/send":
                var result = new JsonObject { ["errcode"] = 0, ["errmsg"] = "ok", ["invaliduser"] = "", ["msgid"] = "msg-" + n };
                if (body?["template_card"]?["card_type"]?.GetValue<string>() == "button_interaction")
                    result["response_code"] = "send-rc-" + n;
                return Results.Json(result);
            case "message/update_template_card":
                var responseCode = body?["response_code"]?.GetValue<string>() ?? "";
                if (!usedCodes.TryAdd(responseCode, true))
                    return Error(40099, "fake: response_code already used");
                return Results.Json(new { errcode = 0, errmsg = "ok", invaliduser = new string[0] });
            case "message/recall":
                return Results.Json(new { errcode = 0, errmsg = "ok" });
            case "media/upload":
                return Results.Json(new { errcode = 0, errmsg = "ok", type = http.Request.Query["type"].ToString(), media_id = "media-" + n, created_at = "1380000000" });
            default:
                return Error(404, "fake: unknown api " + path);
        }
    }

    private static IResult Error(int code, string message) => Results.Json(new { errcode = code, errmsg = message });

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
