using System.Net;
using System.Text.Json.Nodes;
using Bot.Protocol;

namespace Bot.Tests.Protocol;

/// <summary>The whole app talking to Web Chat through offline Direct Line (captured shapes: channel "emulator", no recipient).</summary>
public sealed class WebChatChannelTests
{
    private static JsonObject FromWebChat(JsonObject extra)
    {
        var a = new JsonObject
        {
            ["type"] = ActivityTypes.Message,
            ["id"] = Guid.NewGuid().ToString(),
            ["channelId"] = "emulator",
            ["serviceUrl"] = BotApp.ServiceUrl,
            ["conversation"] = new JsonObject { ["id"] = "86b49505-81fa-4e5e-ad37-c6392789aea9" },
            ["from"] = new JsonObject { ["id"] = "webchat-user", ["name"] = "网页用户", ["role"] = "user" },
            ["locale"] = "zh-CN",
            ["attachments"] = new JsonArray(),
        };
        foreach (var (k, v) in extra)
            a[k] = v?.DeepClone();
        return a;
    }

    private static IEnumerable<JsonObject> Buttons(JsonObject card) => card["actions"]!.AsArray().Select(a => a!.AsObject());

    [Fact]
    public async Task HelpOverDirectLineHasSubmitButtonsAndATopicClickArrivesAsANewCardNotAnUpdate()
    {
        using var app = new BotApp();

        var response = await app.SendAsync(FromWebChat(new() { ["text"] = "帮助" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var help = Assert.Single(app.Connector.Cards);
        Assert.All(Buttons(help), b => Assert.Equal("Action.Submit", b["type"]!.GetValue<string>()));
        var topic = Buttons(help).Single(b => b["data"]?["topic"]?.GetValue<string>() == "填报");
        Assert.Equal("help.topic", topic["data"]!["verb"]!.GetValue<string>());

        // What Web Chat posts for that button: the data as value, postBack, and no replyToId.
        await app.SendAsync(FromWebChat(new()
        {
            ["value"] = topic["data"]!.DeepClone(),
            ["channelData"] = new JsonObject { ["postBack"] = true, ["clientActivityID"] = "afcdaj66n9g" },
        }));

        Assert.Empty(app.Connector.Puts);
        Assert.Equal(2, app.Connector.Posts.Count());
        var expanded = app.Connector.Cards.Last().ToJsonString(ProtocolJson.Options);
        Assert.Contains("谈话要点", expanded);
        Assert.DoesNotContain("Action.Execute", expanded);
    }
}
