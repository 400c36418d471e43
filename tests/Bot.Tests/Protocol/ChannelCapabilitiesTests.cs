using System.Text.Json.Nodes;
using Bot.Protocol;
using Bot.Protocol.Connector;
using Bot.Protocol.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bot.Tests.Protocol;

public sealed class ChannelCapabilitiesTests
{
    private static JsonObject CardWithExecutes() => JsonNode.Parse("""
        {
          "type": "AdaptiveCard", "version": "1.5",
          "body": [
            { "type": "TextBlock", "text": "条款" },
            { "type": "Container", "selectAction": { "type": "Action.Execute", "verb": "reg.open", "data": { "verb": "reg.open", "id": 7 } },
              "items": [ { "type": "ActionSet", "actions": [
                { "type": "Action.Execute", "title": "相关条款", "verb": "reg.article", "data": { "article": "第十二条" }, "style": "positive" } ] } ] }
          ],
          "actions": [
            { "type": "Action.Execute", "title": "已阅", "verb": "notice.ack", "data": { "verb": "notice.ack", "noticeId": 3 },
              "fallback": { "type": "Action.Submit", "title": "已阅", "data": { "verb": "notice.ack", "noticeId": 3 } } },
            { "type": "Action.Submit", "title": "提交", "data": { "verb": "talk.report" } },
            { "type": "Action.ShowCard", "title": "更多", "card": { "type": "AdaptiveCard", "actions": [
              { "type": "Action.Execute", "title": "延期", "verb": "talk.extend" } ] } }
          ]
        }
        """)!.AsObject();

    private static IEnumerable<JsonObject> Actions(JsonNode? node) => node switch
    {
        JsonObject o when o["type"]?.GetValue<string>()?.StartsWith("Action.", StringComparison.Ordinal) == true => [o, .. o.SelectMany(p => Actions(p.Value))],
        JsonObject o => o.SelectMany(p => Actions(p.Value)),
        JsonArray a => a.SelectMany(Actions),
        _ => [],
    };

    [Theory]
    [InlineData("msteams", true, true)]
    [InlineData("emulator", false, false)]
    [InlineData("webchat", false, false)]
    [InlineData("directline", false, false)]
    [InlineData("slack", false, true)]
    [InlineData(null, false, true)]
    public void OnlyTeamsHasUniversalActionsAndDirectLineCannotUpdateMessages(string? channel, bool universalActions, bool updates)
    {
        var c = ChannelCapabilities.For(channel);
        Assert.Equal((universalActions, updates), (c.UniversalActions, c.MessageUpdates));
    }

    [Fact]
    public void EveryActionExecuteBecomesAnActionSubmitCarryingTheSameDataAndTheVerb()
    {
        var card = CardWithExecutes();
        var before = card.ToJsonString();

        var adapted = ChannelCapabilities.ExecuteToSubmit(card);

        Assert.Equal(before, card.ToJsonString()); // the caller's card is untouched
        var actions = Actions(adapted).ToList();
        Assert.DoesNotContain(actions, a => a["type"]!.GetValue<string>() == "Action.Execute");
        var submits = actions.Where(a => a["type"]!.GetValue<string>() == "Action.Submit").ToList();
        Assert.Equal(5, submits.Count);
        Assert.All(submits, s => Assert.Null(s["verb"]));
        Assert.All(submits, s => Assert.Null(s["fallback"]));
        Assert.Equal(["reg.open", "reg.article", "notice.ack", "talk.report", "talk.extend"],
            submits.Select(s => s["data"]!["verb"]!.GetValue<string>()));
        var article = submits[1];
        Assert.Equal(("相关条款", "第十二条", "positive"),
            (article["title"]!.GetValue<string>(), article["data"]!["article"]!.GetValue<string>(), article["style"]!.GetValue<string>()));
        Assert.Equal(3, submits[2]["data"]!["noticeId"]!.GetValue<int>());
        Assert.Equal("Action.ShowCard", adapted["actions"]![2]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void TeamsGetsTheActivityUnchanged()
    {
        var activity = Activity.FromCard(CardWithExecutes());
        Assert.Same(activity, ChannelCapabilities.For("msteams").Adapt(activity));
    }

    private static ConnectorClient Client() =>
        new(new HttpClient(), new NoTokens(), TimeProvider.System, NullLogger<ConnectorClient>.Instance);

    private sealed class NoTokens : IBotTokenProvider
    {
        public Task<string?> GetTokenAsync(bool forceRefresh, CancellationToken ct) => Task.FromResult<string?>(null);
    }

    [Fact]
    public async Task TheConnectorSendsSubmitButtonsToDirectLineAndExecuteButtonsToTeams()
    {
        await using var server = await FakeConnectorServer.StartAsync();
        var client = Client();
        var card = CardWithExecutes();

        await client.SendAsync(new ConversationAddress("emulator", server.ServiceUrl, "dl-1"), Activity.FromCard(card), default);
        await client.SendToConversationAsync(new ConversationAddress("webchat", server.ServiceUrl, "dl-2"), Activity.FromCard(card), RetryPolicy.None, default);
        await client.SendAsync(new ConversationAddress("msteams", server.ServiceUrl, "a:1"), Activity.FromCard(card), default);

        var r = server.Requests.ToArray();
        string[] Types(int i) => [.. Actions(r[i].Body!["attachments"]![0]!["content"]).Select(a => a["type"]!.GetValue<string>())];
        Assert.DoesNotContain("Action.Execute", Types(0));
        Assert.DoesNotContain("Action.Execute", Types(1));
        Assert.Equal(4, Types(2).Count(t => t == "Action.Execute"));
    }

    [Fact]
    public async Task AnUpdateOnDirectLineGoesOutAsANewMessageAndAnEmptyReplyBodyIsNoError()
    {
        // offline-directline answers the bot's posts with 200 and no body at all.
        await using var server = await FakeConnectorServer.StartAsync(new FakeConnectorServer.Reply(200), new FakeConnectorServer.Reply(200));
        var client = Client();
        var to = new ConversationAddress("emulator", server.ServiceUrl, "dl-1");

        Assert.Null(await client.SendAsync(to, Activity.Message("你好"), default));
        await client.UpdateAsync(to, "old-card", Activity.FromCard(CardWithExecutes()), default);

        var r = server.Requests.ToArray();
        Assert.Equal(["POST", "POST"], r.Select(x => x.Method));
        Assert.Equal("/teams/v3/conversations/dl-1/activities", r[1].RawTarget);
        Assert.Null(r[1].Body!["id"]);
        Assert.DoesNotContain(Actions(r[1].Body!["attachments"]![0]!["content"]), a => a["type"]!.GetValue<string>() == "Action.Execute");
    }

    private sealed class RecordingSender : IActivitySender
    {
        public List<string> Ops { get; } = [];

        public Task<string?> SendAsync(ConversationAddress to, Activity activity, CancellationToken ct)
        {
            Ops.Add("send");
            return Task.FromResult<string?>(null);
        }

        public Task UpdateAsync(ConversationAddress to, string activityId, Activity activity, CancellationToken ct)
        {
            Ops.Add("update:" + activityId);
            return Task.CompletedTask;
        }

        public Task DeleteAsync(ConversationAddress to, string activityId, CancellationToken ct) => Task.CompletedTask;
    }

    // What Web Chat sends through offline-directline when an Action.Submit is clicked: no recipient, no replyToId
    // (a replyToId is added here to prove the router does not try to update on Direct Line even when it knows one).
    private static Activity WebChatSubmit(string? replyToId) => ProtocolJson.ParseActivity($$"""
        { "type": "message", "channelId": "emulator", "serviceUrl": "http://127.0.0.1:3000", "id": "e2d4",
          "conversation": { "id": "86b4" }, "from": { "id": "user-1", "name": "Tester", "role": "user" },
          "channelData": { "postBack": true, "clientActivityID": "afc" }, "attachments": [],
          {{(replyToId is null ? "" : $"\"replyToId\": \"{replyToId}\",")}}
          "value": { "verb": "reg.article", "article": "第十二条" } }
        """)!;

    [Theory]
    [InlineData(null)]
    [InlineData("card-1")]
    public async Task OnDirectLineASubmitWhoseHandlerReplacesTheCardGetsTheCardAsANewMessage(string? replyToId)
    {
        var sender = new RecordingSender();
        var router = new ActivityRouter(NullLogger<ActivityRouter>.Instance);
        router.OnCardAction("reg.article", (_, action, _) =>
            Task.FromResult(CardActionResult.ReplaceWith(new JsonObject { ["type"] = "AdaptiveCard", ["title"] = action.GetString("article") })));
        var turn = new TurnContext(WebChatSubmit(replyToId), sender, new ServiceCollection().BuildServiceProvider());

        await router.RouteAsync(turn, default);

        Assert.Null(turn.Activity.Recipient);
        Assert.Equal(["send"], sender.Ops);
    }

    [Fact]
    public async Task AnExecuteInvokeOnAChannelWithoutUpdatesIsAnsweredWithoutAPut()
    {
        var sender = new RecordingSender();
        var router = new ActivityRouter(NullLogger<ActivityRouter>.Instance);
        router.OnCardAction("reg.article", (_, _, _) => Task.FromResult(CardActionResult.ReplaceWith(new JsonObject { ["type"] = "AdaptiveCard" })));
        var invoke = TestUser.Alex.Execute("reg.article", new JsonObject { ["verb"] = "reg.article" }, "card-1");
        invoke["channelId"] = "emulator";

        var response = await router.RouteAsync(new TurnContext(ProtocolJson.ParseActivity(invoke.ToJsonString())!, sender, new ServiceCollection().BuildServiceProvider()), default);

        Assert.Equal(InvokeResponse.CardType, Assert.IsType<AdaptiveCardInvokeResponse>(response!.Body).Type);
        Assert.Empty(sender.Ops);
    }
}
