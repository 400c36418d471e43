using System.Text.Json.Nodes;
using Bot.App.Cards;
using Bot.Protocol;

namespace Bot.Tests.Cards;

public sealed class CardTemplatesTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("cards-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private sealed record Task(int Id, string Name, bool Done);

    [Fact]
    public void WelcomeCardWithoutUserNameHidesTheGreetingInsteadOfShowingAPlaceholder()
    {
        var cards = new CardTemplates(TemplateDifferentialTests.CardsDirectory);

        var card = cards.Render("welcome", new { botName = "廉政约谈助手", userName = (string?)null });

        var json = card.ToJsonString(ProtocolJson.Options);
        Assert.Contains("欢迎使用廉政约谈助手", json, StringComparison.Ordinal);
        Assert.DoesNotContain("您好", json, StringComparison.Ordinal);
        Assert.Contains("提醒约谈任务", json, StringComparison.Ordinal);
        Assert.DoesNotContain("${", json, StringComparison.Ordinal);
    }

    [Fact]
    public void CSharpObjectsBindWithTheirJsonTypesAndArraysRepeat()
    {
        File.WriteAllText(Path.Combine(directory, "tasks.json"), """
            { "type": "AdaptiveCard", "version": "1.5",
              "body": [ { "type": "TextBlock", "$data": "${tasks}", "$when": "${!done}", "text": "${id}：${name}" } ],
              "actions": [ { "type": "Action.Submit", "title": "全部", "data": { "count": "${count(tasks)}", "ids": "${ids}", "urgent": "${urgent}" } } ] }
            """);
        var cards = new CardTemplates(directory);

        var card = cards.Render("tasks", new
        {
            tasks = new[] { new Task(1, "与财务科约谈", false), new Task(2, "提交报告", true), new Task(3, "与人事科约谈", false) },
            ids = new[] { 1, 2, 3 },
            urgent = true,
        });

        Assert.Equal(["1：与财务科约谈", "3：与人事科约谈"], card["body"]!.AsArray().Select(b => (string)b!["text"]!));
        var data = card["actions"]![0]!["data"]!;
        Assert.Equal(3, (int)data["count"]!);
        Assert.Equal([1, 2, 3], data["ids"]!.AsArray().Select(i => (int)i!));
        Assert.True((bool)data["urgent"]!);
    }

    [Fact]
    public void JsonNodeDataBuiltInCodeWorksLikeParsedJson()
    {
        File.WriteAllText(Path.Combine(directory, "n.json"), """{ "type": "AdaptiveCard", "version": "1.5", "body": [ { "type": "TextBlock", "text": "${n} 项 ${ok}" } ] }""");
        var data = new JsonObject { ["n"] = JsonValue.Create(12), ["ok"] = JsonValue.Create(false) };

        var card = new CardTemplates(directory).Render("n", data);

        Assert.Equal("12 项 false", (string)card["body"]![0]!["text"]!);
    }

    [Fact]
    public void OversizedCardIsRefused()
    {
        File.WriteAllText(Path.Combine(directory, "big.json"), """{ "type": "AdaptiveCard", "version": "1.5", "body": [ { "type": "TextBlock", "text": "${text}" } ] }""");

        var error = Assert.Throws<InvalidOperationException>(() => new CardTemplates(directory).Render("big", new { text = new string('廉', 12_000) }));
        Assert.Contains("budget", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsupportedFunctionIsAClearError()
    {
        File.WriteAllText(Path.Combine(directory, "f.json"), """{ "type": "AdaptiveCard", "version": "1.5", "body": [ { "type": "TextBlock", "text": "${formatDateTime(when, 'yyyy')}" } ] }""");

        var error = Assert.Throws<TemplateException>(() => new CardTemplates(directory).Render("f", new { when = "2026-11-25" }));
        Assert.Contains("formatDateTime", error.Message, StringComparison.Ordinal);
    }
}
