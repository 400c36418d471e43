using System.Text.Json.Nodes;

namespace Bot.Protocol;

/// <summary>HTTP status plus JSON body returned synchronously for an invoke activity.</summary>
public sealed record InvokeResponse(int Status, object? Body)
{
    public const string CardType = "application/vnd.microsoft.card.adaptive";
    public const string MessageType = "application/vnd.microsoft.activity.message";
    public const string ErrorType = "application/vnd.microsoft.error";

    public static InvokeResponse Card(JsonObject card) =>
        new(200, new AdaptiveCardInvokeResponse(200, CardType, card));

    public static InvokeResponse Message(string text) =>
        new(200, new AdaptiveCardInvokeResponse(200, MessageType, JsonValue.Create(text)));

    /// <summary>Processed but refused: HTTP 200 with the error in the body, as the Universal Actions docs ask.</summary>
    public static InvokeResponse Error(int statusCode, string code, string message) =>
        new(200, new AdaptiveCardInvokeResponse(statusCode, ErrorType, new JsonObject { ["code"] = code, ["message"] = message }));

    public static readonly InvokeResponse NotImplemented = new(501, null);
}

public sealed record AdaptiveCardInvokeResponse(int StatusCode, string Type, JsonNode? Value);
