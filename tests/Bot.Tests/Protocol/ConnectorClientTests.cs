using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Bot.Protocol;
using Bot.Protocol.Auth;
using Bot.Protocol.Connector;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bot.Tests.Protocol;

/// <summary>A Bot Connector stand-in on real loopback HTTP: records raw requests, answers from a script.</summary>
public sealed class FakeConnectorServer : IAsyncDisposable
{
    public sealed record Request(string Method, string RawTarget, string? Authorization, JsonNode? Body);
    public sealed record Reply(int Status, string? Body = null, string? RetryAfter = null);

    public ConcurrentQueue<Request> Requests { get; } = new();
    public ConcurrentQueue<Reply> Script { get; } = new();
    public LoopbackServer Server { get; private set; } = null!;
    public string ServiceUrl => Server.Url + "/teams/";
    public TaskCompletionSource FirstRequest { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<FakeConnectorServer> StartAsync(params Reply[] script)
    {
        var fake = new FakeConnectorServer();
        foreach (var r in script)
            fake.Script.Enqueue(r);
        fake.Server = await LoopbackServer.StartAsync(fake.HandleAsync);
        return fake;
    }

    private async Task HandleAsync(HttpContext http)
    {
        var text = await new StreamReader(http.Request.Body).ReadToEndAsync();
        Requests.Enqueue(new Request(http.Request.Method, http.Features.Get<IHttpRequestFeature>()!.RawTarget,
            http.Request.Headers.Authorization.FirstOrDefault(), text.Length == 0 ? null : JsonNode.Parse(text)));
        FirstRequest.TrySetResult();
        var reply = Script.TryDequeue(out var r) ? r : new Reply(201, """{"id":"m-1"}""");
        http.Response.StatusCode = reply.Status;
        if (reply.RetryAfter is not null)
            http.Response.Headers.RetryAfter = reply.RetryAfter;
        if (reply.Body is not null)
        {
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(reply.Body);
        }
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

public sealed class ConnectorClientTests
{
    private sealed class CountingTokens : IBotTokenProvider
    {
        public List<bool> Calls { get; } = [];

        public Task<string?> GetTokenAsync(bool forceRefresh, CancellationToken ct)
        {
            Calls.Add(forceRefresh);
            return Task.FromResult<string?>(forceRefresh ? "token-fresh" : "token-1");
        }
    }

    private readonly CountingTokens tokens = new();
    private static readonly RetryPolicy Fast = new(MaxAttempts: 4, BaseDelay: TimeSpan.FromMilliseconds(2), MaxDelay: TimeSpan.FromMilliseconds(20));

    private ConnectorClient Client(TimeProvider? time = null, RetryPolicy? retry = null, BotAuthOptions? options = null, IBotTokenProvider? tokenProvider = null) =>
        new(new HttpClient(), tokenProvider ?? tokens, time ?? TimeProvider.System, NullLogger<ConnectorClient>.Instance, options)
        { Retry = retry ?? Fast };

    private static ConversationAddress To(FakeConnectorServer s, string conversation = "19:abc@thread.tacv2;messageid=123") =>
        new("msteams", s.ServiceUrl, conversation, "tenant-1");

    [Fact]
    public async Task EveryOperationUsesTheRightMethodPathAndEscapedIds()
    {
        await using var server = await FakeConnectorServer.StartAsync(
            new(201, """{"id":"sent-1"}"""), new(200, """{"id":"reply-1"}"""), new(200, """{"id":"sent-1"}"""), new(200),
            new(201, """{"id":"a:new-chat"}"""), new(200, """{"id":"29:u","email":"u@x.cn","userPrincipalName":"u@x.cn"}"""), new(202));
        var client = Client();
        var to = To(server);

        Assert.Equal("sent-1", await client.SendAsync(to, Activity.Message("你好"), default));
        Assert.Equal("reply-1", await client.SendAsync(to, new Activity { Type = "message", Text = "回复", ReplyToId = "1:2" }, default));
        await client.UpdateAsync(to, "sent-1", Activity.Message("已更正"), default);
        await client.DeleteAsync(to, "sent-1", default);
        var created = await client.CreateConversationAsync(server.ServiceUrl, "28:bot", "29:u", "tenant-1", default);
        var member = await client.GetMemberAsync(to, "29:u", default);
        Assert.Null(await client.SendAsync(to, new Activity { Type = ActivityTypes.Typing }, default));

        Assert.Equal("a:new-chat", created!.Id);
        Assert.Equal("u@x.cn", member!["userPrincipalName"]!.GetValue<string>());
        var r = server.Requests.ToArray();
        const string conv = "/teams/v3/conversations/19%3Aabc%40thread.tacv2%3Bmessageid%3D123";
        Assert.Equal(("POST", conv + "/activities"), (r[0].Method, r[0].RawTarget));
        Assert.Equal(("POST", conv + "/activities/1%3A2"), (r[1].Method, r[1].RawTarget));
        Assert.Equal(("PUT", conv + "/activities/sent-1"), (r[2].Method, r[2].RawTarget));
        Assert.Equal(("DELETE", conv + "/activities/sent-1"), (r[3].Method, r[3].RawTarget));
        Assert.Equal(("POST", "/teams/v3/conversations"), (r[4].Method, r[4].RawTarget));
        Assert.Equal(("GET", conv + "/members/29%3Au"), (r[5].Method, r[5].RawTarget));
        Assert.All(r, x => Assert.Equal("Bearer token-1", x.Authorization));

        Assert.Equal("你好", r[0].Body!["text"]!.GetValue<string>());
        Assert.Equal("sent-1", r[2].Body!["id"]!.GetValue<string>());
        Assert.Equal("message", r[2].Body!["type"]!.GetValue<string>());
        Assert.Null(r[3].Body);
        var create = r[4].Body!;
        Assert.False(create["isGroup"]!.GetValue<bool>());
        Assert.Equal("28:bot", create["bot"]!["id"]!.GetValue<string>());
        Assert.Equal("29:u", create["members"]![0]!["id"]!.GetValue<string>());
        Assert.Equal("tenant-1", create["tenantId"]!.GetValue<string>());
        Assert.Equal("tenant-1", create["channelData"]!["tenant"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task NoAuthorizationHeaderWithoutAnAppId()
    {
        await using var server = await FakeConnectorServer.StartAsync();
        var noAppId = new BotAuthOptions();
        var client = Client(tokenProvider: new MsalTokenProvider(noAppId, new NoHttp()), options: noAppId);

        await client.SendAsync(To(server), Activity.Message("x"), default);

        Assert.Null(Assert.Single(server.Requests).Authorization);
    }

    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no HTTP expected");
    }

    [Fact]
    public async Task ThrottlingHonoursRetryAfter()
    {
        await using var server = await FakeConnectorServer.StartAsync(new FakeConnectorServer.Reply(429, """{"error":{"code":"Throttled"}}""", RetryAfter: "1"));
        // Backoff alone would wait at most 2 ms here; only Retry-After explains a pause of a second.
        var policy = new RetryPolicy(MaxAttempts: 3, BaseDelay: TimeSpan.FromMilliseconds(1), MaxDelay: TimeSpan.FromSeconds(60));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        Assert.Equal("m-1", await Client(retry: policy).SendAsync(To(server), Activity.Message("x"), default));

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(950), $"waited only {watch.ElapsedMilliseconds} ms");
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public void RetryAfterAsADateIsMeasuredOnTheInjectedClock()
    {
        var now = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
        var header = new System.Net.Http.Headers.RetryConditionHeaderValue(now.AddSeconds(30));
        Assert.Equal(TimeSpan.FromSeconds(30), ConnectorClient.RetryAfter(header, now));
        Assert.Equal(TimeSpan.Zero, ConnectorClient.RetryAfter(header, now.AddMinutes(5)));
    }

    [Fact]
    public async Task ThrottlingWithRetryPolicyNoneSurfacesTheRetryAfterToTheCaller()
    {
        await using var server = await FakeConnectorServer.StartAsync(new FakeConnectorServer.Reply(429, """{"error":{"code":"Throttled"}}""", RetryAfter: "12"));
        var ex = await Assert.ThrowsAsync<ConnectorException>(() =>
            Client().SendToConversationAsync(To(server), Activity.Message("x"), RetryPolicy.None, default));

        Assert.Equal(ConnectorFailure.Throttled, ex.Failure);
        Assert.Equal(TimeSpan.FromSeconds(12), ex.RetryAfter);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task RetryAfterLongerThanMaxDelayIsHandedBackInsteadOfWaiting()
    {
        await using var server = await FakeConnectorServer.StartAsync(new FakeConnectorServer.Reply(429, null, RetryAfter: "600"));
        var ex = await Assert.ThrowsAsync<ConnectorException>(() => Client(retry: new RetryPolicy()).SendAsync(To(server), Activity.Message("x"), default));
        Assert.Equal(TimeSpan.FromSeconds(600), ex.RetryAfter);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData(412)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task TransientFailuresAreRetriedWithBackoff(int status)
    {
        await using var server = await FakeConnectorServer.StartAsync(new FakeConnectorServer.Reply(status), new(status), new(201, """{"id":"ok"}"""));
        Assert.Equal("ok", await Client().SendAsync(To(server), Activity.Message("x"), default));
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task TransientFailuresGiveUpAfterMaxAttempts()
    {
        await using var server = await FakeConnectorServer.StartAsync(new FakeConnectorServer.Reply(503), new(503), new(503), new(503), new(503));
        var ex = await Assert.ThrowsAsync<ConnectorException>(() => Client().SendAsync(To(server), Activity.Message("x"), default));
        Assert.Equal(ConnectorFailure.Transient, ex.Failure);
        Assert.Equal(4, server.Requests.Count);
    }

    [Fact]
    public void BackoffIsExponentialCappedAndJittered()
    {
        var policy = new RetryPolicy(BaseDelay: TimeSpan.FromMilliseconds(500), MaxDelay: TimeSpan.FromSeconds(30));
        var random = new Random(7);
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            var samples = Enumerable.Range(0, 50).Select(_ => policy.Backoff(attempt, random).TotalMilliseconds).ToList();
            var cap = Math.Min(30_000, 500 * Math.Pow(2, attempt));
            Assert.All(samples, d => Assert.InRange(d, 50, cap));
            Assert.True(samples.Distinct().Count() > 40, "jitter spreads the retries");
        }
        Assert.Null(policy.DelayAfter(ConnectorFailure.Transient, attempt: 4, null, random));
    }

    [Theory]
    [InlineData("""{"error":{"code":"ConversationBlockedByUser","message":"User blocked the conversation with the bot."}}""", "ConversationBlockedByUser")]
    [InlineData("""{"error":{"code":"BotNotInConversationRoster","message":"The bot is not part of the conversation roster."}}""", "BotNotInConversationRoster")]
    [InlineData("""{"error":{"code":"BotDisabledByAdmin","message":"The tenant admin disabled this bot"}}""", "BotDisabledByAdmin")]
    [InlineData("""{"errorCode":209,"message":"{\"subCode\":\"MessageWritesBlocked\",\"details\":\"Thread is blocked\"}"}""", "MessageWritesBlocked")]
    public async Task ForbiddenIsClassifiedAsBlockedAndNeverRetried(string body, string code)
    {
        await using var server = await FakeConnectorServer.StartAsync(new FakeConnectorServer.Reply(403, body), new(201, """{"id":"never"}"""));
        var ex = await Assert.ThrowsAsync<ConnectorException>(() => Client().SendAsync(To(server), Activity.Message("x"), default));

        Assert.Equal(ConnectorFailure.Blocked, ex.Failure);
        Assert.Equal(code, ex.Code);
        Assert.Equal(HttpStatusCode.Forbidden, ex.Status);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task ForbiddenForAWrongApiHostIsAConfigurationErrorNotABlock()
    {
        await using var server = await FakeConnectorServer.StartAsync(new FakeConnectorServer.Reply(403, """{"error":{"code":"InvalidBotApiHost"}}"""));
        var ex = await Assert.ThrowsAsync<ConnectorException>(() => Client().SendAsync(To(server), Activity.Message("x"), default));
        Assert.Equal(ConnectorFailure.Permanent, ex.Failure);
    }

    [Theory]
    [InlineData(413, ConnectorFailure.TooLarge)]
    [InlineData(404, ConnectorFailure.NotFound)]
    [InlineData(400, ConnectorFailure.Permanent)]
    [InlineData(500, ConnectorFailure.Permanent)]
    public async Task OtherFailuresAreClassifiedAndNotRetried(int status, ConnectorFailure expected)
    {
        await using var server = await FakeConnectorServer.StartAsync(new FakeConnectorServer.Reply(status, """{"error":{"code":"MessageSizeTooBig"}}"""));
        var ex = await Assert.ThrowsAsync<ConnectorException>(() => Client().SendAsync(To(server), Activity.Message("x"), default));
        Assert.Equal(expected, ex.Failure);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task UnauthorizedRefreshesTheTokenOnce()
    {
        await using var server = await FakeConnectorServer.StartAsync(new FakeConnectorServer.Reply(401), new(201, """{"id":"ok"}"""));
        Assert.Equal("ok", await Client().SendAsync(To(server), Activity.Message("x"), default));
        Assert.Equal([false, true], tokens.Calls);
        Assert.Equal(["Bearer token-1", "Bearer token-fresh"], server.Requests.Select(r => r.Authorization));
    }

    [Fact]
    public async Task NetworkErrorsAreTransient()
    {
        var server = await FakeConnectorServer.StartAsync();
        var to = To(server);
        await server.DisposeAsync();
        var ex = await Assert.ThrowsAsync<ConnectorException>(() => Client().SendAsync(to, Activity.Message("x"), default));
        Assert.Equal(ConnectorFailure.Transient, ex.Failure);
        Assert.Equal("NetworkError", ex.Code);
    }

    [Fact]
    public async Task WithAnAllowListTheTokenGoesOnlyToTrustedHosts()
    {
        await using var server = await FakeConnectorServer.StartAsync();
        var options = new BotAuthOptions { AppId = "x", TrustedServiceUrlHosts = ["smba.trafficmanager.net"] };

        var ex = await Assert.ThrowsAsync<ConnectorException>(() => Client(options: options).SendAsync(To(server), Activity.Message("x"), default));

        Assert.Equal(ConnectorException.UntrustedServiceUrl, ex.Code);
        Assert.Empty(server.Requests);
        Assert.Empty(tokens.Calls);
        var trusted = Client(options: options with { TrustedServiceUrlHosts = ["127.0.0.1"] });
        Assert.Equal("m-1", await trusted.SendAsync(To(server), Activity.Message("x"), default));
    }

    [Fact]
    public async Task TheAppsConnectorHonoursTheConfiguredAllowList()
    {
        using var app = new BotApp(config: new Dictionary<string, string?> { ["Bot:TrustedServiceUrlHosts"] = "smba.trafficmanager.net" });
        await app.SendAsync(TestUser.Alex.Message("帮助"));
        Assert.Empty(app.Connector.Calls); // smba.test is not on the list: no call, no token sent

        using var trusting = new BotApp(config: new Dictionary<string, string?> { ["Bot:TrustedServiceUrlHosts"] = "smba.test" });
        await trusting.SendAsync(TestUser.Alex.Message("帮助"));
        Assert.Single(trusting.Connector.Posts);
    }
}
