using System.Text.Json.Nodes;
using Bot.App.Cards;

namespace Bot.Tests.Cards;

/// <summary>
/// Every card, rendered by our app from its sample data, parses with Microsoft's adaptivecards (npm) with zero errors
/// and passes the house lint (version ≤ 1.5, &lt; 28 KB, no leftover ${…}, Action.Execute verb/data/object fallback).
/// </summary>
public sealed class CardValidationTests
{
    [Theory]
    [MemberData(nameof(TemplateDifferentialTests.Templates), MemberType = typeof(TemplateDifferentialTests))]
    public void RenderedCardIsValidForTheOfficialParser(string template)
    {
        var sample = TemplateDifferentialTests.SamplePath(template);
        Assert.True(File.Exists(sample), $"cards/samples/{template}.data.json is missing");
        var card = new CardTemplates(TemplateDifferentialTests.CardsDirectory).Render(template, JsonNode.Parse(File.ReadAllText(sample))!);

        var errors = Validate(card);

        Assert.True(errors.Count == 0, $"{template}: {string.Join("\n", errors)}");
    }

    [Fact]
    public void ValidatorRejectsCardsBreakingTheHouseRules()
    {
        var card = JsonNode.Parse("""
            {
              "type": "AdaptiveCard", "version": "1.6",
              "body": [ { "type": "TextBlok", "text": "${unbound}" } ],
              "actions": [
                { "type": "Action.Execute", "title": "完成", "verb": "talk.done", "data": { "verb": "talk.other" }, "fallback": "drop" },
                { "type": "Action.Execute", "title": "无动词", "data": { "id": 1 },
                  "fallback": { "type": "Action.Submit", "title": "无动词", "data": { "id": 2 } } }
              ]
            }
            """)!.AsObject();

        var errors = Validate(card);

        Assert.Contains(errors, e => e.Contains("UnknownElementType", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("card version 1.6 > 1.5", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("unresolved template expression", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("data.verb \"talk.other\" must equal verb \"talk.done\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("\"fallback\" must be an object Action.Submit", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("无动词\": no \"verb\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("fallback data must equal", StringComparison.Ordinal));
    }

    [Fact]
    public void ValidatorAcceptsAWellFormedExecuteAction()
    {
        var card = JsonNode.Parse("""
            {
              "type": "AdaptiveCard", "version": "1.5", "body": [ { "type": "TextBlock", "text": "约谈" } ],
              "actions": [ { "type": "Action.Execute", "title": "完成", "verb": "talk.done", "data": { "verb": "talk.done", "id": 7 },
                "fallback": { "type": "Action.Submit", "title": "完成", "data": { "id": 7, "verb": "talk.done" } } } ]
            }
            """)!.AsObject();

        Assert.Empty(Validate(card));
    }

    [Fact]
    public void ValidatorRejectsOversizedCards()
    {
        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["version"] = "1.5",
            ["body"] = new JsonArray(new JsonObject { ["type"] = "TextBlock", ["text"] = new string('廉', 10_000) }),
        };

        Assert.Contains(Validate(card), e => e.Contains("Teams rejects messages over ~28 KB", StringComparison.Ordinal));
    }

    private static List<string> Validate(JsonObject card)
    {
        var file = Path.Combine(Path.GetTempPath(), $"card-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(file, card.ToJsonString());
            return NodeScript.Check(Path.Combine("cards", "validate-card.js"), file, "--expanded").Errors;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
