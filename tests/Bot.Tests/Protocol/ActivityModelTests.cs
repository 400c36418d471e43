using System.Net;
using System.Text.Json.Nodes;
using Bot.App.Conversations;
using Bot.Protocol;
using Bot.Protocol.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Tests.Protocol;

/// <summary>Activities captured from Microsoft's own clients (Agents Playground, offline Direct Line / Web Chat).</summary>
public sealed class ActivityModelTests
{
    private static JsonObject Body(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", file)))!["body"]!.AsObject();

    public static TheoryData<string> InboundCaptures() =>
        [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Payloads"), "in-*.json")
            .Select(f => Path.GetFileName(f))
            .Where(f => f != "in-invoke-response-from-bot.json")];

    [Theory]
    [MemberData(nameof(InboundCaptures))]
    public void EveryCapturedActivityRoundTripsWithAllItsFields(string file)
    {
        var original = Body(file);
        var activity = ProtocolJson.ParseActivity(original.ToJsonString())!;
        var again = JsonNode.Parse(ProtocolJson.Serialize(activity))!.AsObject();

        Assert.False(string.IsNullOrEmpty(activity.Type));
        Assert.Equal(original.Select(p => p.Key).Order(), again.Select(p => p.Key).Order());
        foreach (var (key, value) in original)
        {
            if (key is "timestamp" or "localTimestamp")
                Assert.Equal(DateTimeOffset.Parse(value!.GetValue<string>()), DateTimeOffset.Parse(again[key]!.GetValue<string>()));
            else
                Assert.True(JsonNode.DeepEquals(value, again[key]), $"{file}: member '{key}' changed in the round trip");
        }
    }

    [Fact]
    public void UnknownMembersAreKeptAtEveryLevel()
    {
        var json = """
            {"type":"message","id":"1","futureField":{"x":[1,2]},"from":{"id":"29:a","userRole":"user"},
             "conversation":{"id":"c","tenantId":"t","futureConv":true},
             "attachments":[{"contentType":"text/html","content":"<p>x</p>","futureAtt":1}]}
            """;
        var activity = ProtocolJson.ParseActivity(json)!;
        var again = JsonNode.Parse(ProtocolJson.Serialize(activity))!;

        Assert.Equal(2, again["futureField"]!["x"]!.AsArray().Count);
        Assert.Equal("user", again["from"]!["userRole"]!.GetValue<string>());
        Assert.True(again["conversation"]!["futureConv"]!.GetValue<bool>());
        Assert.Equal(1, again["attachments"]![0]!["futureAtt"]!.GetValue<int>());
    }

    [Fact]
    public void TenantComesFromConversationOrFromTeamsChannelData()
    {
        Assert.Equal("t1", ProtocolJson.ParseActivity("""{"type":"message","conversation":{"id":"c","tenantId":"t1"}}""")!.TenantId);
        Assert.Equal("t2", ProtocolJson.ParseActivity("""{"type":"message","conversation":{"id":"c"},"channelData":{"tenant":{"id":"t2"}}}""")!.TenantId);
    }

    [Fact]
    public async Task CapturedActivityWithoutRecipientIsAcceptedAndStored()
    {
        using var app = new BotApp();
        var update = Body("in-webchat-offline-directline-conversationUpdate.json");
        Assert.Null(update["recipient"]);

        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(update)).StatusCode);
        Assert.Equal(1, app.WithDb(db => db.Set<ConversationRef>().Count(r => r.ConversationId == "86b49505-81fa-4e5e-ad37-c6392789aea9")));
    }

    [Fact]
    public async Task CapturedPlaygroundSessionRoutesLikeTeams()
    {
        using var app = new BotApp();
        var router = app.Services.GetRequiredService<ActivityRouter>();
        var clicks = new List<CardAction>();
        router.OnCardAction("done", (turn, action, _) =>
        {
            clicks.Add(action);
            return Task.FromResult(CardActionResult.Say("Reminder closed"));
        });

        // Install → welcome card into the personal chat.
        await app.SendAsync(Body("in-installationUpdate.json"));
        Assert.Contains(app.Connector.Posts, c => c.Path == "/_connector/v3/conversations/personal-chat-1/activities"
                                                  && c.Body?["attachments"]?[0]?["contentType"]?.GetValue<string>() == Attachment.AdaptiveCardContentType);
        var reference = app.WithDb(db => db.Set<ConversationRef>().Single(r => r.ConversationId == "personal-chat-1"));
        Assert.Equal("http://127.0.0.1:56160/_connector", reference.ServiceUrl);
        Assert.Equal("00000000-0000-0000-0000-0000000000020", reference.AadObjectId);
        Assert.Equal("00000000-0000-0000-0000-0000000000001", reference.TenantId);

        // Action.Execute click: synchronous invoke response of the same shape the JS SDK bot gave the Playground.
        var response = await app.PostAsync(Body("in-invoke-adaptiveCard-action.json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", "in-invoke-response-from-bot.json")))!["body"]!;
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(await response.Content.ReadAsStringAsync())));
        var click = Assert.Single(clicks);
        Assert.Equal(42, click.Data["reminderId"]!.GetValue<int>());
        Assert.Equal("typed-in-card", click.GetString("note"));
        Assert.Equal("1795640238780", click.CardActivityId);

        // Channel message that @mentions the bot: mention stripped, answered in the thread.
        var channelTurns = new List<string>();
        router.OnText(TextStage.Intent, "probe", (turn, _) => ValueTask.FromResult(turn.Text.StartsWith("hello", StringComparison.Ordinal)),
            (turn, _) =>
            {
                channelTurns.Add(turn.Text);
                return Task.CompletedTask;
            });
        await app.SendAsync(Body("in-message-channel-mention.json"));
        Assert.Equal(["hello channel"], channelTurns);
    }

    [Fact]
    public async Task CapturedActionSubmitWithoutVerbGetsTheExpiredButtonMessage()
    {
        using var app = new BotApp();
        await app.SendAsync(Body("in-message-actionSubmit.json"));
        var reply = Assert.Single(app.Connector.Posts);
        Assert.Contains("按钮已失效", reply.Body!["text"]!.GetValue<string>());
    }
}
