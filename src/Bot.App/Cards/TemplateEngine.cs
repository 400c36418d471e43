using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Bot.App.Cards;

/// <summary>
/// A subset of the Adaptive Cards Templating language: <c>${path}</c>, <c>$data</c>, <c>$when</c>, <c>$root</c>.
/// The differential test in tests/ compares it with the official npm package on every template.
/// </summary>
public static partial class TemplateEngine
{
    public static JsonNode? Expand(JsonNode template, JsonNode data) => ExpandNode(template, data, data);

    private static JsonNode? ExpandNode(JsonNode? node, JsonNode? scope, JsonNode root) => node switch
    {
        JsonObject o => ExpandObject(o, scope, root),
        JsonArray a => ExpandArray(a, scope, root),
        JsonValue v when v.TryGetValue<string>(out var s) => ExpandString(s, scope, root),
        _ => node?.DeepClone(),
    };

    private static JsonNode? ExpandObject(JsonObject o, JsonNode? scope, JsonNode root)
    {
        var result = new JsonObject();
        foreach (var (key, value) in o)
        {
            if (key is "$data" or "$when")
                continue;
            result[key] = ExpandNode(value, scope, root);
        }
        return result;
    }

    private static JsonArray ExpandArray(JsonArray a, JsonNode? scope, JsonNode root)
    {
        var result = new JsonArray();
        foreach (var item in a)
        {
            var itemScope = scope;
            if (item is JsonObject o && o.TryGetPropertyValue("$data", out var dataSpec))
            {
                itemScope = dataSpec is JsonValue dv && dv.TryGetValue<string>(out var expr) ? Evaluate(Unwrap(expr), scope, root) : dataSpec;
                if (itemScope is JsonArray many)
                {
                    foreach (var element in many)
                        if (When(o, element, root))
                            result.Add(ExpandObject(o, element, root));
                    continue;
                }
            }
            if (item is JsonObject obj && !When(obj, itemScope, root))
                continue;
            result.Add(ExpandNode(item, itemScope, root));
        }
        return result;
    }

    private static bool When(JsonObject o, JsonNode? scope, JsonNode root) =>
        !o.TryGetPropertyValue("$when", out var when) || when is not JsonValue wv || !wv.TryGetValue<string>(out var expr)
        || Truthy(Evaluate(Unwrap(expr), scope, root));

    private static string Unwrap(string s) => s.StartsWith("${", StringComparison.Ordinal) && s.EndsWith('}') ? s[2..^1] : s;

    private static JsonNode? ExpandString(string s, JsonNode? scope, JsonNode root)
    {
        var whole = WholeExpression().Match(s);
        if (whole.Success)
            return Evaluate(whole.Groups[1].Value, scope, root)?.DeepClone() ?? JsonValue.Create(s);
        return JsonValue.Create(Expression().Replace(s, m => Evaluate(m.Groups[1].Value, scope, root) switch
        {
            null => m.Value,
            JsonValue v when v.TryGetValue<string>(out var str) => str,
            var other => other.ToJsonString(),
        }));
    }

    private static JsonNode? Evaluate(string path, JsonNode? scope, JsonNode root)
    {
        path = path.Trim();
        JsonNode? current = scope;
        var parts = path.Split('.');
        var start = 0;
        if (parts[0] == "$root") { current = root; start = 1; }
        else if (parts[0] == "$data") { start = 1; }
        for (var i = start; i < parts.Length; i++)
        {
            if (current is not JsonObject obj || !obj.TryGetPropertyValue(parts[i], out current))
                return null;
        }
        return current;
    }

    private static bool Truthy(JsonNode? n) => n switch
    {
        null => false,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length > 0,
        _ => true,
    };

    [GeneratedRegex(@"^\$\{([^{}]+)\}$")]
    private static partial Regex WholeExpression();

    [GeneratedRegex(@"\$\{([^{}]+)\}")]
    private static partial Regex Expression();
}
