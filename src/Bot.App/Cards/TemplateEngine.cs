using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;

namespace Bot.App.Cards;

/// <summary>
/// Adaptive Cards Templating (<c>${expr}</c>, <c>$data</c>, <c>$when</c>, <c>$root</c>, <c>$index</c>) with the exact
/// expansion rules of the official npm <c>adaptivecards-templating</c> 2.3.1 (Template.internalExpand): an unbound
/// <c>${x}</c> stays literal, a string that is one expression keeps the value's type, <c>$data</c> over an array
/// repeats the object, <c>$when</c> keeps the object only for a boolean true. The supported expression subset is in
/// <see cref="TemplateExpression"/>; tests/Bot.Tests/Cards compares every template with the official library.
/// </summary>
public static class TemplateEngine
{
    private static readonly string[] ReservedKeys = ["$data", "$when", "$root", "$index", "$host", "$_acTemplateVersion"];
    private static readonly ConcurrentDictionary<string, TemplateExpression?> Prepared = new(StringComparer.Ordinal);

    /// <summary>Expands <paramref name="template"/> with <paramref name="data"/> as <c>$root</c>. Returns null when the
    /// root object is removed by its own <c>$when</c>.</summary>
    public static JsonNode? Expand(JsonNode template, JsonNode? data)
    {
        var result = ExpandNode(template, new TemplateScope(Js.FromNode(data), Undefined.Value, Undefined.Value));
        return result as JsonNode;
    }

    private static object? ExpandNode(JsonNode? node, TemplateScope scope)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array)
                {
                    switch (ExpandNode(item, scope))
                    {
                        case null:
                            break;
                        case JsonArray many:
                            foreach (var element in many.ToList())
                            {
                                many.Remove(element);
                                items.Add(element);
                            }
                            break;
                        case Undefined:
                            items.Add(null);
                            break;
                        case JsonNode one:
                            items.Add(one);
                            break;
                    }
                }
                return items;
            case JsonObject obj:
                return ExpandObject(obj, scope);
            case JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String:
                var text = value.GetValue<string>();
                var expression = Prepare(text);
                return expression is null ? JsonValue.Create(text) : ToOutput(EvaluateSubstituting(expression, scope));
            default:
                return node.DeepClone();
        }
    }

    private static object? ToOutput(object? value) => value is Undefined ? value : Js.ToNode(value);

    private static object? ExpandObject(JsonObject obj, TemplateScope scope)
    {
        var hasWhen = obj.TryGetPropertyValue("$when", out var when);
        List<object?> contexts = [Undefined.Value];
        var repeat = false;
        if (obj.TryGetPropertyValue("$data", out var dataSpec))
        {
            var value = DataContext(dataSpec, scope);
            if (value is JsonArray array)
            {
                contexts = [.. array.Select(Js.FromNode)];
                repeat = true;
            }
            else
            {
                contexts = [value];
            }
        }

        var results = new List<JsonObject>();
        for (var i = 0; i < contexts.Count; i++)
        {
            var itemScope = scope;
            if (repeat)
                itemScope = itemScope with { Index = (double)i };
            if (contexts[i] is not Undefined)
                itemScope = itemScope with { Data = contexts[i] };
            if (hasWhen && !WhenHolds(when, itemScope))
                continue;
            results.Add(ExpandSingleObject(obj, itemScope));
        }
        return results.Count switch
        {
            0 => null,
            1 => results[0],
            _ => new JsonArray([.. results]),
        };
    }

    private static JsonObject ExpandSingleObject(JsonObject obj, TemplateScope scope)
    {
        var result = new JsonObject();
        foreach (var (key, value) in obj)
        {
            if (ReservedKeys.Contains(key, StringComparer.Ordinal))
                continue;
            var expanded = ExpandNode(value, scope);
            if (expanded is not Undefined)
                result[key] = (JsonNode?)expanded;
        }
        return result;
    }

    private static object? DataContext(JsonNode? spec, TemplateScope scope)
    {
        if (spec is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String)
        {
            var text = v.GetValue<string>();
            var expression = Prepare(text);
            return expression is null ? text : EvaluateSubstituting(expression, scope);
        }
        if (spec is JsonObject or JsonArray && spec.ToJsonString().Contains("${", StringComparison.Ordinal))
            throw new TemplateException("an inline $data object/array must not contain ${...} expressions (the official library does not evaluate them)");
        return Js.FromNode(spec);
    }

    /// <summary>
    /// A <c>$when</c> string with an expression keeps the object only if it evaluates to boolean true (errors and
    /// non-booleans drop it); any other truthy value (e.g. the JSON literal true or a plain string) drops the object,
    /// a falsy one keeps it — the official library's behaviour, surprising as it is.
    /// </summary>
    private static bool WhenHolds(JsonNode? when, TemplateScope scope)
    {
        var value = Js.FromNode(when);
        if (value is string s && Prepare(s) is { } expression)
        {
            var (result, error) = expression.Evaluate(scope, substitute: false);
            return error is null && result is true;
        }
        return !Js.IsTruthy(value);
    }

    /// <summary>Template.internalTryEvaluateExpression with substitutions: a missing path becomes "${path}".</summary>
    private static object? EvaluateSubstituting(TemplateExpression expression, TemplateScope scope)
    {
        if (expression.Type != TemplateExpression.ConcatType)
        {
            var (value, error) = expression.Evaluate(scope, substitute: true);
            return error is null ? value : throw new TemplateException(error);
        }
        var sb = new StringBuilder();
        foreach (var child in expression.Children)
        {
            var (value, error) = child.Evaluate(scope, substitute: true);
            if (error is not null)
            {
                sb.Append("${").Append(child).Append('}');
                continue;
            }
            try
            {
                sb.Append(Js.ToDisplayString(value));
            }
            catch (JsError e)
            {
                throw new TemplateException(e.Message);
            }
        }
        return sb.ToString();
    }

    /// <summary>Template.parseInterpolatedString: null for a plain string (no "${"), otherwise the expression.</summary>
    internal static TemplateExpression? Prepare(string text) =>
        text.Contains("${", StringComparison.Ordinal) ? Prepared.GetOrAdd(text, ParseInterpolated) : null;

    // The official library parses "`" + text + "`" as an AEL string interpolation (lexer mode STRING_INTERPOLATION_MODE).
    private static TemplateExpression ParseInterpolated(string text)
    {
        var children = new List<TemplateExpression> { TemplateExpression.Const("") };
        var literal = new StringBuilder();
        void Flush()
        {
            if (literal.Length > 0)
                children.Add(TemplateExpression.Const(literal.ToString()));
            literal.Clear();
        }

        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '`')
                throw new TemplateException($"a backtick in a string with ${{...}} is a syntax error in the official library: {text}");
            if (c == '\\' && i + 1 < text.Length && text[i + 1] is '`' or '$')
            {
                Flush();
                children.Add(TemplateExpression.Const(text[i + 1].ToString()));
                i += 2;
                continue;
            }
            if (c == '$' && i + 1 < text.Length && text[i + 1] == '{' && MatchTemplate(text, i) is { } end)
            {
                Flush();
                children.Add(TemplateExpression.Parse(TrimExpression(text[i..(end + 1)])));
                i = end + 1;
                continue;
            }
            literal.Append(c);
            i++;
        }
        Flush();
        return children.Count == 2 && children[1].Type != TemplateExpression.ConstantType
            ? children[1]
            : TemplateExpression.Concat(children);
    }

    /// <summary>Lexer rule TEMPLATE: '$' '{' (STRING | ~[\r\n{}'"`])+ '}'. Returns the index of the closing brace.</summary>
    private static int? MatchTemplate(string text, int start)
    {
        var j = start + 2;
        var count = 0;
        while (j < text.Length)
        {
            var ch = text[j];
            switch (ch)
            {
                case '}':
                    return count > 0 ? j : null;
                case '\'' or '"':
                    var k = j + 1;
                    while (k < text.Length && text[k] != ch)
                        k += text[k] == '\\' && k + 1 < text.Length && (text[k + 1] == ch || text[k + 1] == '\\') ? 2 : 1;
                    if (k >= text.Length)
                        return null;
                    j = k + 1;
                    break;
                case '{':
                    if (LooksLikeObjectDefinition(text, j))
                        throw new TemplateException($"object literals inside ${{...}} are not supported by the card template engine: {text}");
                    return null; // a '{' that starts no OBJECT_DEFINITION ends the TEMPLATE token: "${" stays literal text
                case '\r' or '\n' or '`':
                    return null;
                default:
                    j++;
                    break;
            }
            count++;
        }
        return null;
    }

    // OBJECT_DEFINITION: '{' (WHITESPACE | (IDENTIFIER | STRING) ':' …)* '}' — we only need to recognise its start.
    private static bool LooksLikeObjectDefinition(string text, int open)
    {
        var k = open + 1;
        while (k < text.Length && text[k] is ' ' or '\t')
            k++;
        if (k < text.Length && text[k] == '}')
            return true;
        var keyStart = k;
        while (k < text.Length && (char.IsAsciiLetterOrDigit(text[k]) || text[k] is '_' or '$' or '@' or '#' or '\'' or '"'))
            k++;
        return k > keyStart && k < text.Length && text[k] == ':';
    }

    private static string TrimExpression(string expression)
    {
        var result = JsTrim(expression);
        if (result.StartsWith('$'))
            result = result[1..];
        result = JsTrim(result);
        if (result.StartsWith('{') && result.EndsWith('}'))
            result = result[1..^1];
        return JsTrim(result);
    }

    private static string JsTrim(string s) => s.Trim().Trim('\ufeff').Trim();
}
