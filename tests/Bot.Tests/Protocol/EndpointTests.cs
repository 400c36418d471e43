using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bot.App.Conversations;
using Bot.Protocol;
using Bot.Protocol.Routing;
using Bot.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Protocol;

public sealed class EndpointTests
{
    private static async Task<HttpResponseMessage> PostRawAsync(BotApp app, string body, bool withToken = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (withToken)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", app.Tokens.Mint(BotApp.ServiceUrl));
        return await app.CreateClient().SendAsync(request);
    }

    [Theory]
    [InlineData("""{"id":"1","channelId":"msteams","serviceUrl":"https://smba.test/teams/","conversation":{"id":"a:x"},"text":"帮助"}""")]
    [InlineData("""{"type":"","id":"1","conversation":{"id":"a:x"}}""")]
    [InlineData("""{"type":"message", "text": """)]
    [InlineData("""[1,2,3]""")]
    [InlineData("""null""")]
    [InlineData("""{"type":42}""")]
    public async Task MissingTypeOrUnreadableBodyIs400AndNothingIsStored(string body)
    {
        using var app = new BotApp();
        var response = await PostRawAsync(app, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await app.IdleAsync();
        Assert.Equal(0, app.WithDb(db => db.Set<ProcessedActivity>().Count()));
        Assert.Empty(app.Connector.Calls);
    }

    [Fact]
    public async Task NoTokenIs401()
    {
        using var app = new BotApp();
        var response = await PostRawAsync(app, TestUser.Alex.Message("帮助").ToJsonString(), withToken: false);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ATenantOutsideTheAllowListIs403LoggedAndNotHandled()
    {
        var logs = new CapturingLoggerProvider();
        using var app = new BotApp(config: new Dictionary<string, string?> { ["Bot:AllowedTenants"] = "tenant-9, TENANT-1" },
            services: s => s.AddSingleton<ILoggerProvider>(logs));
        var stranger = TestUser.Alex.Message("帮助", id: "foreign-1");
        SetTenant(stranger, "tenant-other");
        var webChat = new JsonObject { ["type"] = "message", ["id"] = "wc-1", ["channelId"] = "webchat", ["serviceUrl"] = BotApp.ServiceUrl,
            ["from"] = new JsonObject { ["id"] = "dl_user" }, ["conversation"] = new JsonObject { ["id"] = "dl-conv" }, ["text"] = "帮助" };

        Assert.Equal(HttpStatusCode.Forbidden, (await app.PostAsync(stranger)).StatusCode);
        var foreignInvoke = TestUser.Alex.Execute("test.ok", [], "card-1");
        SetTenant(foreignInvoke, "tenant-other");
        Assert.Equal(HttpStatusCode.Forbidden, (await app.PostAsync(foreignInvoke)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync(TestUser.Alex.Message("帮助", id: "own-1"))).StatusCode); // case-insensitive
        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync(webChat)).StatusCode); // no tenant: not tenant-scoped
        await app.IdleAsync();

        Assert.Equal(0, app.WithDb(db => db.Set<ProcessedActivity>().Count(p => p.Key.EndsWith("|foreign-1"))));
        Assert.Equal(2, app.Connector.Posts.Count(c => c.Body?["attachments"] is not null || c.Body?["text"] is not null));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("tenant-other", StringComparison.Ordinal));
    }

    private static void SetTenant(JsonObject activity, string tenant)
    {
        activity["conversation"]!["tenantId"] = tenant;
        activity["channelData"]!["tenant"]!["id"] = tenant;
    }

    [Fact]
    public async Task NonInvokeIsAcknowledgedBeforeTheHandlerFinishes()
    {
        using var app = new BotApp();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.Services.GetRequiredService<ActivityRouter>().OnCommand("slow", ["慢"], async (turn, ct) =>
        {
            started.SetResult();
            await release.Task;
            await turn.SendTextAsync("完成", ct);
        });

        var post = app.PostAsync(TestUser.Alex.Message("慢"));
        var response = await post.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(app.Connector.Posts, c => c.Body?["text"]?.GetValue<string>() == "完成");
        release.SetResult();
        await app.IdleAsync();
        Assert.Contains(app.Connector.Posts, c => c.Body?["text"]?.GetValue<string>() == "完成");
    }

    [Fact]
    public async Task InvokeAnswersSynchronouslyWithTheHandlersBody()
    {
        using var app = new BotApp();
        app.Services.GetRequiredService<ActivityRouter>().OnCardAction("test.ok", (_, action, _) =>
            Task.FromResult(CardActionResult.Say("已收到 " + action.GetString("n"))));

        var response = await app.PostAsync(TestUser.Alex.Execute("test.ok", new JsonObject { ["n"] = "7" }, "card-1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(200, body["statusCode"]!.GetValue<int>());
        Assert.Equal(InvokeResponse.MessageType, body["type"]!.GetValue<string>());
        Assert.Equal("已收到 7", body["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnhandledInvokeIs501()
    {
        using var app = new BotApp();
        var invoke = TestUser.Alex.Activity(ActivityTypes.Invoke);
        invoke["name"] = "composeExtension/query";
        Assert.Equal(HttpStatusCode.NotImplemented, (await app.PostAsync(invoke)).StatusCode);
        Assert.Equal(HttpStatusCode.NotImplemented, (await app.PostAsync(TestUser.Alex.Execute("nobody.handles", [], "c"))).StatusCode);
    }

    [Fact]
    public async Task ConcurrentRedeliveriesAreProcessedOnce()
    {
        using var app = new BotApp();
        var runs = 0;
        app.Services.GetRequiredService<ActivityRouter>().OnCommand("count", ["计数"], (_, _) =>
        {
            Interlocked.Increment(ref runs);
            return Task.CompletedTask;
        });

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => app.PostAsync(TestUser.Alex.Message("计数", id: "dup-1"))));
        await app.IdleAsync();

        Assert.Equal(1, runs);
        Assert.Equal(1, app.WithDb(db => db.Set<ProcessedActivity>().Count(p => p.Key == "msteams|a:alex-personal|dup-1")));
    }

    [Fact]
    public async Task SameActivityIdInAnotherConversationIsNotADuplicate()
    {
        using var app = new BotApp();
        await app.SendAsync(TestUser.Alex.Message("帮助", id: "42"));
        await app.SendAsync(TestUser.Megan.Message("帮助", id: "42"));
        Assert.Equal(2, app.WithDb(db => db.Set<ProcessedActivity>().Count()));
    }

    [Fact]
    public async Task GroupChatTextIsIgnoredUnlessTheBotIsMentionedAndTheMentionIsStripped()
    {
        using var app = new BotApp();
        JsonObject Group(string text, bool mention)
        {
            var a = TestUser.Alex.Message(text);
            a["conversation"] = new JsonObject { ["id"] = "19:group@thread.v2", ["conversationType"] = "groupChat", ["isGroup"] = true, ["tenantId"] = "tenant-1" };
            if (mention)
                a["entities"] = new JsonArray(new JsonObject
                {
                    ["type"] = "mention", ["text"] = "<at>廉政约谈助手</at>",
                    ["mentioned"] = new JsonObject { ["id"] = "28:" + Fakes.TestTokens.AppId, ["name"] = "廉政约谈助手" },
                });
            return a;
        }

        await app.SendAsync(Group("帮助", mention: false));
        Assert.Empty(app.Connector.Calls);

        await app.SendAsync(Group("<at>廉政约谈助手</at> 帮助", mention: true));
        var call = Assert.Single(app.Connector.Posts);
        Assert.Equal("/teams/v3/conversations/19%3Agroup%40thread.v2/activities", call.Path);
        Assert.Contains("使用帮助", call.Body!.ToJsonString(ProtocolJson.Options));
    }

    [Fact]
    public async Task HeadProbeAnswers200()
    {
        using var app = new BotApp();
        var response = await app.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/messages"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
