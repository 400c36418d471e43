using Bot.Protocol;

namespace Bot.Tests.Help;

public sealed class WelcomeCardTests
{
    [Fact]
    public async Task WelcomeExplainsTheBotEvenWhenTheInstallHasNoName()
    {
        using var app = new BotApp();
        var install = TestUser.Alex.Install();
        install["from"]!.AsObject().Remove("name"); // the Agents Playground's installationUpdate has no from.name

        await app.SendAsync(install);

        var card = Assert.Single(app.Connector.Cards);
        var json = card.ToJsonString(ProtocolJson.Options);
        Assert.Contains("欢迎使用廉政约谈助手", json);
        Assert.Contains("我协助落实党风廉政建设主体责任", json);
        var action = card["actions"]![0]!;
        Assert.Equal("Action.Submit", action["type"]!.GetValue<string>());
        Assert.Equal("帮助", action["data"]!["msteams"]!["value"]!.GetValue<string>());
    }
}
