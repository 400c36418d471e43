using System.Text.Json.Nodes;

namespace Bot.Protocol.Routing;

/// <summary>
/// A button press on a card, whether it came as an Action.Execute invoke or as an Action.Submit message:
/// the verb and the data merged with the card's input values.
/// </summary>
public sealed record CardAction(string Verb, JsonObject Data, string? CardActivityId)
{
    /// <summary>Key under which cards put the verb into <c>data</c>, so the Action.Submit fallback carries it too.</summary>
    public const string VerbKey = "verb";

    public string? GetString(string key) => Data[key] switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };
}

/// <summary>What a card action handler answers: a card that replaces the pressed one, or a short message.</summary>
public sealed record CardActionResult(JsonObject? Card, string? Message, bool Refused = false)
{
    public static CardActionResult ReplaceWith(JsonObject card) => new(card, null);
    public static CardActionResult Say(string message) => new(null, message);
    /// <summary>Refused input (validation, authorization): nothing stored, message shown to the user.</summary>
    public static CardActionResult Refuse(string message) => new(null, message, Refused: true);
}
