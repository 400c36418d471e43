using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bot.Tests.Cards;

/// <summary>Normalized JSON for comparisons: object keys sorted, numbers by value, Chinese unescaped.</summary>
internal static class CanonicalJson
{
    public static string Of(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => JsonSerializer.Serialize(p.Key, Options) + ":" + Of(p.Value))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Of)) + "]",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number =>
            double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture),
        JsonValue v => v.ToJsonString(Options),
        _ => throw new ArgumentOutOfRangeException(nameof(node)),
    };

    public static string Of(string json) => Of(JsonNode.Parse(json));

    private static readonly JsonSerializerOptions Options = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
