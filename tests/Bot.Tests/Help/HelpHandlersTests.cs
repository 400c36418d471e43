using System.Net;
using System.Text.Json.Nodes;
using Bot.Protocol;

namespace Bot.Tests.Help;

public sealed class HelpHandlersTests
{
    private static string Json(JsonNode? node) => node?.ToJsonString(ProtocolJson.Options) ?? "";

    private static JsonObject TopicButton(JsonObject card, string topic) =>
        card["actions"]!.AsArray().Select(a => a!.AsObject()).Single(a => a["data"]?["topic"]?.GetValue<string>() == topic);

    [Fact]
    public async Task HelpCommandSendsHelpCardWithOneExecuteButtonPerTopic()
    {
        using var app = new BotApp();

        await app.SendAsync(TestUser.Alex.Message("帮助"));

        var card = Assert.Single(app.Connector.Cards);
        Assert.Contains("使用帮助", Json(card));
        Assert.Equal("1.5", card["version"]!.GetValue<string>());
        foreach (var topic in new[] { "任务", "填报", "进度", "问答", "通知" })
        {
            var button = TopicButton(card, topic);
            Assert.Equal("Action.Execute", button["type"]!.GetValue<string>());
            Assert.Equal("help.topic", button["verb"]!.GetValue<string>());
            Assert.Equal("help.topic", button["data"]!["verb"]!.GetValue<string>());
            var fallback = Assert.IsType<JsonObject>(button["fallback"]);
            Assert.Equal("Action.Submit", fallback["type"]!.GetValue<string>());
            Assert.True(JsonNode.DeepEquals(button["data"], fallback["data"]));
        }
        Assert.DoesNotContain("谈话要点", Json(card)); // no topic is expanded yet
    }

    [Fact]
    public async Task ExecuteTopicAnswersWithExpandedCardAndUpdatesTheMessage()
    {
        using var app = new BotApp();
        await app.SendAsync(TestUser.Alex.Message("帮助"));
        var data = TopicButton(app.Connector.Cards.Single(), "填报")["data"]!.AsObject().DeepClone().AsObject();

        var response = await app.SendAsync(TestUser.Alex.Execute("help.topic", data, replyToId: "1001"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(200, body["statusCode"]!.GetValue<int>());
        Assert.Equal("application/vnd.microsoft.card.adaptive", body["type"]!.GetValue<string>());
        Assert.Contains("填报约谈完成情况", Json(body["value"]));
        Assert.Contains("谈话要点", Json(body["value"]));
        var put = Assert.Single(app.Connector.Puts);
        Assert.EndsWith("/activities/1001", put.Path);
        Assert.Contains("谈话要点", Json(put.Body));
    }

    [Fact]
    public async Task SubmitFallbackUpdatesTheCardInPlace()
    {
        using var app = new BotApp();
        await app.SendAsync(TestUser.Alex.Message("帮助"));
        var fallback = TopicButton(app.Connector.Cards.Single(), "问答")["fallback"]!["data"]!.AsObject().DeepClone().AsObject();

        await app.SendAsync(TestUser.Alex.Submit(fallback, replyToId: "1001"));

        var put = Assert.Single(app.Connector.Puts);
        Assert.EndsWith("/activities/1001", put.Path);
        Assert.Contains("党规党纪问答", Json(put.Body));
        Assert.Contains("处分条例第八十八条", Json(put.Body));
        Assert.Single(app.Connector.Posts); // only the original help card, no extra message
    }

    [Fact]
    public async Task UnknownTopicIsRefusedWithAChineseMessage()
    {
        using var app = new BotApp();

        var response = await app.SendAsync(TestUser.Alex.Execute("help.topic",
            new JsonObject { ["verb"] = "help.topic", ["topic"] = "不存在" }, replyToId: "1001"));

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("application/vnd.microsoft.activity.message", body["type"]!.GetValue<string>());
        Assert.Contains("没有这个帮助主题", Json(body["value"]));
        Assert.Empty(app.Connector.Puts);
    }

    [Fact]
    public async Task HelpWithTopicWordOpensThatTopic()
    {
        using var app = new BotApp();

        await app.SendAsync(TestUser.Alex.Message("帮助 通知"));

        var card = Json(Assert.Single(app.Connector.Cards));
        Assert.Contains("通知与已阅", card);
        Assert.DoesNotContain("点击下方按钮", card);
    }
}
