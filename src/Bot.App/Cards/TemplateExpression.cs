using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bot.App.Cards;

/// <summary>Thrown when a template cannot be parsed or expanded (the official library throws in the same cases).</summary>
public sealed class TemplateException(string message) : InvalidOperationException(message);

/// <summary>JavaScript's <c>undefined</c>, distinct from JSON null: a missing field is undefined, an explicit null is null.</summary>
internal sealed class Undefined
{
    public static readonly Undefined Value = new();
    private Undefined() { }
}

/// <summary>
/// The subset of Adaptive Expressions (npm <c>adaptive-expressions</c> 4.23, as driven by <c>adaptivecards-templating</c> 2.3)
/// our templates may use. Values are JavaScript-shaped: <see cref="Undefined"/>, null, bool, double, string,
/// <see cref="JsonArray"/>, <see cref="JsonObject"/>. Semantics (case-insensitive property lookup, null substitution
/// switched off inside comparisons/logic, errors turning comparisons false) follow the library source, because the
/// differential test requires byte-for-byte equal cards.
/// </summary>
internal sealed class TemplateExpression
{
    private TemplateExpression(string type, object? constant, params TemplateExpression[] children)
    {
        Type = type;
        Constant = constant;
        Children = children;
    }

    public string Type { get; }
    public object? Constant { get; }
    public TemplateExpression[] Children { get; }

    public const string ConstantType = "Constant";
    public const string AccessorType = "Accessor";
    public const string ElementType = "Element";
    public const string ConcatType = "concat";

    private static readonly Dictionary<string, (string Type, int Min, int Max)> Functions = new(StringComparer.Ordinal)
    {
        ["count"] = ("count", 1, 1),
        ["empty"] = ("empty", 1, 1),
        ["exists"] = ("exists", 1, 1),
        ["length"] = ("length", 1, 1),
        ["string"] = ("string", 1, 1),
        ["concat"] = ("concat", 1, int.MaxValue),
        ["if"] = ("if", 3, 3),
        ["not"] = ("!", 1, 1),
        ["and"] = ("&&", 1, int.MaxValue),
        ["or"] = ("||", 1, int.MaxValue),
    };

    public static TemplateExpression Const(object? value) => new(ConstantType, value);

    public static TemplateExpression Concat(IReadOnlyList<TemplateExpression> children) => new(ConcatType, null, [.. children]);

    // ---------------------------------------------------------------- parsing (ExpressionAntlrParser.g4)

    public static TemplateExpression Parse(string text)
    {
        var parser = new Parser(text);
        if (parser.AtEnd)
            return Const("");
        var result = parser.ParseTernary();
        if (!parser.AtEnd)
            throw new TemplateException($"syntax error in expression '{text}'");
        return result;
    }

    private sealed class Parser(string text)
    {
        private int pos;

        public bool AtEnd { get { SkipSpace(); return pos >= text.Length; } }

        private void SkipSpace()
        {
            while (pos < text.Length && text[pos] is ' ' or '\t' or '\ufeff' or '\u00a0' or '\n'
                   || pos + 1 < text.Length && text[pos] == '\r' && text[pos + 1] == '\n')
                pos++;
        }

        private bool Peek(string op)
        {
            SkipSpace();
            return string.CompareOrdinal(text, pos, op, 0, op.Length) == 0;
        }

        private bool Take(string op)
        {
            if (!Peek(op))
                return false;
            pos += op.Length;
            return true;
        }

        private void Expect(string op)
        {
            if (!Take(op))
                throw new TemplateException($"syntax error in expression '{text}': expected '{op}' at {pos}");
        }

        public TemplateExpression ParseTernary()
        {
            var left = ParseBinary(0);
            while (Take("?"))
            {
                var middle = ParseTernary();
                Expect(":");
                var right = ParseBinary(0);
                left = Function("if", [left, middle, right]);
            }
            return left;
        }

        // lowest to highest precedence, as listed (in reverse) in the grammar
        private static readonly string[][] Levels =
        [
            ["??"], ["||"], ["&&"], ["<=", ">=", "<", ">"], ["&"], ["==", "!="], ["+", "-"], ["*", "/", "%"],
        ];

        private TemplateExpression ParseBinary(int level)
        {
            if (level == Levels.Length)
                return ParsePower();
            var left = ParseBinary(level + 1);
            while (true)
            {
                var op = Levels[level].FirstOrDefault(o => Peek(o) && !IsLongerOperator(o));
                if (op is null)
                    return left;
                pos += op.Length;
                var right = ParseBinary(level + 1);
                left = Operator(op, left, right);
            }
        }

        // "&" must not match "&&"; "<" must not match "<>" (AEL's other not-equal, which has no evaluator).
        private bool IsLongerOperator(string op) => op switch
        {
            "&" => Peek("&&"),
            "<" => Peek("<>"),
            _ => false,
        };

        private TemplateExpression ParsePower()
        {
            var left = ParseUnary();
            if (Take("^"))
                throw new TemplateException($"operator '^' is not supported by the card template engine ('{text}')");
            return left;
        }

        private TemplateExpression ParseUnary()
        {
            if (Take("!"))
                return Function("not", [ParseUnary()]);
            if (Take("-"))
                return Operator("-", Const(0d), ParseUnary());
            if (Take("+"))
                throw new TemplateException($"unary '+' is not supported by the card template engine ('{text}')");
            return ParsePrimary();
        }

        private TemplateExpression ParsePrimary()
        {
            SkipSpace();
            if (pos >= text.Length)
                throw new TemplateException($"syntax error in expression '{text}': unexpected end");
            var start = pos;
            TemplateExpression result;
            var c = text[pos];
            if (c == '(')
            {
                pos++;
                result = ParseTernary();
                Expect(")");
            }
            else if (char.IsAsciiDigit(c))
            {
                while (pos < text.Length && char.IsAsciiDigit(text[pos])) pos++;
                if (pos + 1 < text.Length && text[pos] == '.' && char.IsAsciiDigit(text[pos + 1]))
                {
                    pos++;
                    while (pos < text.Length && char.IsAsciiDigit(text[pos])) pos++;
                }
                result = Const(double.Parse(text.AsSpan(start, pos - start), CultureInfo.InvariantCulture));
            }
            else if (c is '\'' or '"')
            {
                result = Const(ReadString(c));
            }
            else if (IsIdentifierStart(c))
            {
                var name = ReadIdentifier();
                result = name switch
                {
                    "true" => Const(true),
                    "false" => Const(false),
                    "null" => Const(null),
                    "undefined" => Const(Undefined.Value),
                    _ => new TemplateExpression(AccessorType, null, Const(name)),
                };
            }
            else
            {
                throw new TemplateException(c is '[' or '{' or '`'
                    ? $"array/object literals and nested interpolation are not supported by the card template engine ('{text}')"
                    : $"syntax error in expression '{text}' at {pos}");
            }

            while (true)
            {
                if (Take("."))
                {
                    SkipSpace();
                    if (pos >= text.Length || !IsIdentifierStart(text[pos]))
                        throw new TemplateException($"syntax error in expression '{text}': identifier expected after '.'");
                    result = new TemplateExpression(AccessorType, null, Const(ReadIdentifier()), result);
                }
                else if (Peek("("))
                {
                    var name = text[start..pos].Trim();
                    pos++;
                    var args = new List<TemplateExpression>();
                    if (!Take(")"))
                    {
                        do args.Add(ParseTernary()); while (Take(","));
                        Expect(")");
                    }
                    result = Function(name, args);
                }
                else if (Take("["))
                {
                    var index = ParseTernary();
                    Expect("]");
                    result = new TemplateExpression(ElementType, null, result, index);
                }
                else
                {
                    return result;
                }
            }
        }

        private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c is '_' or '#' or '@' or '$' or '%';

        private string ReadIdentifier()
        {
            var start = pos;
            if (text[pos] == '%' && (pos + 1 >= text.Length || !(char.IsAsciiLetterOrDigit(text[pos + 1]) || text[pos + 1] == '_')))
                throw new TemplateException($"operator '%' is not supported by the card template engine ('{text}')");
            pos += text[pos] == '@' && pos + 1 < text.Length && text[pos + 1] == '@' ? 2 : 1;
            while (pos < text.Length && (char.IsAsciiLetterOrDigit(text[pos]) || text[pos] == '_')) pos++;
            return text[start..pos];
        }

        private string ReadString(char quote)
        {
            var start = pos++;
            while (pos < text.Length && text[pos] != quote)
                pos += text[pos] == '\\' && pos + 1 < text.Length && (text[pos + 1] == quote || text[pos + 1] == '\\') ? 2 : 1;
            if (pos >= text.Length)
                throw new TemplateException($"syntax error in expression '{text}': unterminated string");
            pos++;
            var raw = text[(start + 1)..(pos - 1)].Replace("\\" + quote, quote.ToString(), StringComparison.Ordinal);
            return EvalEscape(raw);
        }

        private static string EvalEscape(string s)
        {
            var sb = new StringBuilder(s.Length);
            for (var i = 0; i < s.Length; i++)
            {
                if (s[i] != '\\' || i + 1 >= s.Length || s[i + 1] is '\r' or '\n')
                {
                    sb.Append(s[i]);
                    continue;
                }
                var next = s[i + 1];
                sb.Append(next switch { 'r' => "\r", 'n' => "\n", 't' => "\t", '\\' => "\\", _ => "\\" + next });
                i++;
            }
            return sb.ToString();
        }

        private TemplateExpression Operator(string op, TemplateExpression left, TemplateExpression right) => op switch
        {
            "==" or "!=" or "<" or ">" or "<=" or ">=" => new TemplateExpression(op, null, left, right),
            "&&" => Function("and", [left, right]),
            "||" => Function("or", [left, right]),
            "&" => Function("concat", [left, right]),
            "-" => new TemplateExpression("-", null, left, right),
            _ => throw new TemplateException($"operator '{op}' is not supported by the card template engine ('{text}')"),
        };

        private TemplateExpression Function(string name, List<TemplateExpression> args)
        {
            if (!Functions.TryGetValue(name, out var f))
                throw new TemplateException($"function '{name}' is not supported by the card template engine ('{text}'); pre-compute the value in C#");
            if (args.Count < f.Min || args.Count > f.Max)
                throw new TemplateException($"{name} has the wrong number of arguments in '{text}'");
            return new TemplateExpression(f.Type, null, [.. args]);
        }
    }

    // ---------------------------------------------------------------- toString (used when a failed part of a string is kept as "${...}")

    public override string ToString()
    {
        switch (Type)
        {
            case ConstantType:
                return Constant switch
                {
                    Undefined => "undefined",
                    null => "null",
                    string s => "'" + EscapeQuotes(s.Replace("\\", "\\\\", StringComparison.Ordinal)) + "'",
                    double d => Js.NumberToString(d),
                    bool b => b ? "true" : "false",
                    var other => Js.Stringify(other),
                };
            case AccessorType:
                var name = (string)Children[0].Constant!;
                return Children.Length == 1 ? name : Children[1] + "." + name;
            case ElementType:
                return $"{Children[0]}[{Children[1]}]";
        }
        var infix = !char.IsAsciiLetter(Type[0]) && Children.Length >= 2;
        var separator = infix ? $" {Type} " : ", ";
        return (infix ? "" : Type) + "(" + string.Join(separator, Children.Select(c => c.ToString())) + ")";
    }

    // AEL escapes a single quote unless a backslash already precedes it.
    private static string EscapeQuotes(string s)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\'' && (i == 0 || s[i - 1] != '\\'))
                sb.Append('\\');
            sb.Append(s[i]);
        }
        return sb.ToString();
    }

    // ---------------------------------------------------------------- evaluation

    /// <summary>Evaluates with or without "null substitution" (a missing path becomes the text <c>${path}</c>).</summary>
    public (object? Value, string? Error) Evaluate(TemplateScope scope, bool substitute)
    {
        try
        {
            return Eval(scope, substitute);
        }
        catch (JsError e)
        {
            return (null, e.Message);
        }
    }

    private (object? Value, string? Error) Eval(TemplateScope scope, bool substitute)
    {
        switch (Type)
        {
            case ConstantType:
                return (Constant, null);
            case AccessorType:
                return EvalAccessor(scope, substitute);
            case ElementType:
                return EvalElement(scope, substitute);
            case "==":
            case "!=":
            case "<":
            case ">":
            case "<=":
            case ">=":
            case "empty":
            case "exists":
                return Compare(scope);
            case "!":
            {
                var (v, err) = Children[0].Eval(scope, false);
                return (err is not null || !Js.IsLogicTrue(v), null);
            }
            case "&&":
                foreach (var child in Children)
                {
                    var (v, err) = child.Eval(scope, false);
                    if (err is not null || !Js.IsLogicTrue(v))
                        return (false, null);
                }
                return (true, null);
            case "||":
                foreach (var child in Children)
                {
                    var (v, err) = child.Eval(scope, false);
                    if (err is null && Js.IsLogicTrue(v))
                        return (true, null);
                }
                return (false, null);
            case "if":
            {
                var (c, err) = Children[0].Eval(scope, false);
                return (err is null && Js.IsLogicTrue(c) ? Children[1] : Children[2]).Eval(scope, substitute);
            }
        }

        var args = new object?[Children.Length];
        for (var i = 0; i < Children.Length; i++)
        {
            var (v, err) = Children[i].Eval(scope, substitute);
            if (err is not null)
                return (null, err);
            args[i] = v;
        }
        return Type switch
        {
            "count" => args[0] switch
            {
                string s => ((double)s.Length, null),
                JsonArray a => ((double)a.Count, null),
                JsonObject o => ((double)o.Count, null),
                null => (null, "Cannot convert undefined or null to object"),
                _ => (null, $"{Children[0]} must be a string, list, map or object."),
            },
            "length" => args[0] switch
            {
                string s => ((double)s.Length, null),
                Undefined => (0d, null),
                _ => (null, $"{Children[0]} is neither a string nor a null object."),
            },
            "string" => (args[0] switch
            {
                string s => s,
                double d => Js.FormatNumberGrouped(d),
                _ => Js.CommonStringify(args[0]),
            }, null),
            "concat" => (args.Skip(1).Aggregate(args[0], ConcatPair), null),
            "-" => args[0] is double a && args[1] is double b
                ? (a - b, null)
                : (null, $"{Children[args[0] is double ? 1 : 0]} is not a number."),
            _ => throw new TemplateException($"internal: no evaluator for {Type}"),
        };
    }

    private static object? ConcatPair(object? first, object? second)
    {
        var firstNull = first is null or Undefined;
        var secondNull = second is null or Undefined;
        if (firstNull && secondNull)
            return Undefined.Value;
        if (firstNull && second is JsonArray)
            return second;
        if (secondNull && first is JsonArray)
            return first;
        if (first is JsonArray a && second is JsonArray b)
            return new JsonArray([.. a.Select(x => x?.DeepClone()), .. b.Select(x => x?.DeepClone())]);
        return Js.CommonStringify(first) + Js.CommonStringify(second);
    }

    // ComparisonEvaluator: an error in an argument makes the comparison false, but incomparable values are an error.
    private (object? Value, string? Error) Compare(TemplateScope scope)
    {
        var args = new object?[Children.Length];
        for (var i = 0; i < Children.Length; i++)
        {
            var (v, err) = Children[i].Eval(scope, false);
            if (err is not null)
                return (false, null);
            var isNull = v is null or Undefined;
            if (isNull && Type is "<" or ">" or "<=" or ">=" or "exists")
                return (false, null);
            if (Type == "empty" && !(isNull || v is string or JsonArray or JsonObject))
                return (false, null);
            args[i] = v;
        }
        switch (Type)
        {
            case "==": return (Js.CommonEquals(args[0], args[1]), null);
            case "!=": return (!Js.CommonEquals(args[0], args[1]), null);
            case "exists": return (true, null);
            case "empty":
                return (args[0] switch
                {
                    null or Undefined => true,
                    string text => text.Length == 0,
                    JsonArray list => list.Count == 0,
                    JsonObject map => map.Count == 0,
                    _ => false,
                }, null);
        }
        int order;
        if (args[0] is double a && args[1] is double b)
        {
            if (double.IsNaN(a) || double.IsNaN(b))
                return (false, null);
            order = a.CompareTo(b);
        }
        else if (args[0] is string s && args[1] is string t)
        {
            order = string.CompareOrdinal(s, t);
        }
        else
        {
            return (false, $"{Js.ToDisplayString(args[0])} and {Js.ToDisplayString(args[1])} must be comparable.");
        }
        return (Type switch { "<" => order < 0, ">" => order > 0, "<=" => order <= 0, _ => order >= 0 }, null);
    }

    // FunctionUtils.tryAccumulatePath + Accessor evaluator
    private (object? Value, string? Error) EvalAccessor(TemplateScope scope, bool substitute)
    {
        var path = "";
        TemplateExpression? node = this;
        while (node is not null)
        {
            if (node.Type == AccessorType)
            {
                path = (string)node.Children[0].Constant! + "." + path;
                node = node.Children.Length == 2 ? node.Children[1] : null;
            }
            else if (node.Type == ElementType)
            {
                var (index, err) = node.Children[1].Eval(scope, substitute);
                if (err is not null)
                    return (null, err);
                // AEL tests isNumber(parseInt(index)): numbers and numeric strings become "[i]", other strings "['key']"
                var indexText = index switch { string text => text, double number => Js.NumberToString(number), _ => null };
                if (Js.ParseInt(indexText) is not null)
                    path = $"[{indexText}]." + path;
                else if (index is string s)
                    path = $"['{s}']." + path;
                else
                    return (null, $"{node.Children[1]} doesn't return an int or string");
                node = node.Children[0];
            }
            else
            {
                break;
            }
        }
        path = path.TrimEnd('.').Replace(".[", "[", StringComparison.Ordinal);

        object? value;
        if (node is null)
        {
            value = scope.GetValue(path.Length > 0 && path[0] != '$' ? "$data." + path : path);
        }
        else
        {
            var (left, err) = node.Eval(scope, substitute);
            if (err is not null)
                return (null, err);
            value = TemplateScope.GetPath(left, path);
        }
        if (value is Undefined && substitute)
            value = "${" + path + "}";
        return (value, null);
    }

    private (object? Value, string? Error) EvalElement(TemplateScope scope, bool substitute)
    {
        var (instance, err) = Children[0].Eval(scope, substitute);
        if (err is not null)
            return (null, err);
        var (index, indexErr) = Children[1].Eval(scope, false);
        if (indexErr is not null)
            return (null, indexErr);
        if (index is double d && double.IsInteger(d))
            return TemplateScope.AccessIndex(instance, d);
        if (index is string s)
            return (TemplateScope.AccessProperty(instance, s), null);
        return (null, $"Could not coerce {Children[1]} to an int or string.");
    }
}

/// <summary>The memory an expression reads: <c>$root</c>, the current <c>$data</c> and <c>$index</c>.</summary>
internal sealed record TemplateScope(object? Root, object? Data, object? Index)
{
    private static readonly JsonObject TemplateVersion = new() { ["major"] = 2, ["minor"] = 3, ["patch"] = 1, ["suffix"] = "" };

    /// <summary>SimpleObjectMemory.getValue over the template memory object.</summary>
    public object? GetValue(string path)
    {
        var parts = SplitPath(path);
        if (parts.Count == 0)
            return Undefined.Value;
        var first = parts[0];
        object? current = first.ToLowerInvariant() switch
        {
            "$root" => Root,
            "$data" => Data is Undefined ? Root : Data,
            "$index" => Index,
            "$_actemplateversion" => TemplateVersion,
            _ => Undefined.Value,
        };
        return Walk(current, parts, 1);
    }

    public static object? GetPath(object? instance, string path)
    {
        if (instance is Undefined || path.Length == 0)
            return Undefined.Value;
        return Walk(instance, SplitPath(path), 0);
    }

    private static List<string> SplitPath(string path) =>
        [.. path.Split(['.', '[', ']'], StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Length >= 2 && (p[0] == '"' && p[^1] == '"' || p[0] == '\'' && p[^1] == '\'') ? p[1..^1] : p)];

    private static object? Walk(object? current, List<string> parts, int start)
    {
        object? value = current;
        for (var i = start; i < parts.Count; i++)
        {
            if (Js.ParseInt(parts[i]) is { } idx && current is JsonArray)
            {
                var (v, err) = AccessIndex(current, idx);
                if (err is not null)
                    return Undefined.Value;
                value = v;
            }
            else
            {
                value = AccessProperty(current, parts[i]);
            }
            current = value;
        }
        return value;
    }

    public static (object? Value, string? Error) AccessIndex(object? instance, double index)
    {
        if (instance is null or Undefined)
            return (Undefined.Value, null);
        if (instance is not JsonArray array)
            return (null, $"{Js.ToDisplayString(instance)} is not a collection.");
        if (index < 0 || index >= array.Count)
            return (null, $"{Js.NumberToString(index)} is out of range for {Js.ToDisplayString(array)}");
        return (Js.FromNode(array[(int)index]), null);
    }

    /// <summary>InternalFunctionUtils.accessProperty: case-insensitive, undefined on a falsy or non-object instance.</summary>
    public static object? AccessProperty(object? instance, string property)
    {
        if (!Js.IsTruthy(instance))
            return Undefined.Value;
        switch (instance)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                    if (string.Equals(key, property, StringComparison.OrdinalIgnoreCase))
                        return Js.FromNode(value);
                return Undefined.Value;
            case JsonArray a when Js.IsArrayIndex(property, a.Count, out var i):
                return Js.FromNode(a[i]);
            case string s when Js.IsArrayIndex(property, s.Length, out var j):
                return s[j].ToString();
            default:
                return Undefined.Value;
        }
    }
}

internal sealed class JsError(string message) : Exception(message);

/// <summary>The JavaScript conversions the official library applies implicitly (toString, JSON.stringify, parseInt…).</summary>
internal static class Js
{
    public static object? FromNode(JsonNode? node) => node switch
    {
        null => null,
        JsonObject or JsonArray => (object)node,
        JsonValue v => v.GetValueKind() switch
        {
            // the casts matter: without them the switch is typed JsonNode and strings convert back implicitly
            JsonValueKind.String => (object)v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture),
            _ => null,
        },
        _ => null,
    };

    public static JsonNode? ToNode(object? value) => value switch
    {
        null or Undefined => null,
        JsonNode n => n.DeepClone(),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        // parsed rather than JsonValue.Create(d): a JsonElement-backed number reads back as int, long or double alike
        double d => double.IsFinite(d) ? JsonNode.Parse(NumberToString(d)) : null,
        _ => throw new TemplateException($"internal: unexpected value {value.GetType().Name}"),
    };

    public static bool IsTruthy(object? v) => v switch
    {
        null or Undefined => false,
        bool b => b,
        double d => d != 0 && !double.IsNaN(d),
        string s => s.Length > 0,
        _ => true,
    };

    public static bool IsLogicTrue(object? v) => v switch
    {
        bool b => b,
        null or Undefined => false,
        _ => true,
    };

    public static bool IsArrayIndex(string s, int count, out int index)
    {
        index = -1;
        if (s.Length == 0 || s.Length > 10 || (s.Length > 1 && s[0] == '0') || !s.All(char.IsAsciiDigit))
            return false;
        var n = long.Parse(s, CultureInfo.InvariantCulture);
        if (n >= count)
            return false;
        index = (int)n;
        return true;
    }

    /// <summary>JavaScript parseInt(s): leading whitespace, optional sign, leading digits; null for NaN.</summary>
    public static double? ParseInt(string? s)
    {
        if (s is null)
            return null;
        var i = 0;
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
        var sign = 1;
        if (i < s.Length && s[i] is '+' or '-')
        {
            sign = s[i] == '-' ? -1 : 1;
            i++;
        }
        var start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        if (i == start)
            return null;
        return sign * double.Parse(s.AsSpan(start, i - start), CultureInfo.InvariantCulture);
    }

    public static bool CommonEquals(object? a, object? b)
    {
        if (a is null or Undefined || b is null or Undefined)
            return a is null or Undefined && b is null or Undefined;
        if (a is JsonArray x && b is JsonArray y)
            return x.Count == y.Count && x.Select((e, i) => CommonEquals(FromNode(e), FromNode(y[i]))).All(r => r);
        if (a is JsonObject o && b is JsonObject p)
            return o.Count == p.Count && JsonNode.DeepEquals(o, p);
        if (a is double d && b is double e && Math.Abs(d - e) < 2.220446049250313e-16 /* Number.EPSILON */)
            return true;
        return a switch
        {
            string s => b is string t && s == t,
            bool c => b is bool f && c == f,
            double g => b is double h && g == h,
            _ => ReferenceEquals(a, b),
        };
    }

    /// <summary>Value.toString() as the template engine appends it to an interpolated string.</summary>
    public static string ToDisplayString(object? value) => value switch
    {
        null or Undefined => throw new JsError("Cannot read properties of null (reading 'toString')"),
        string s => s,
        bool b => b ? "true" : "false",
        double d => NumberToString(d),
        JsonArray a => string.Join(",", a.Select(e => FromNode(e) is var v && v is null or Undefined ? "" : ToDisplayString(v))),
        _ => "[object Object]",
    };

    /// <summary>InternalFunctionUtils.commonStringify.</summary>
    public static string CommonStringify(object? value) => value switch
    {
        null or Undefined => "",
        JsonNode n => Stringify(n).TrimStart('\'', '"').TrimEnd('\'', '"'),
        _ => ToDisplayString(value),
    };

    /// <summary>JSON.stringify (compact, non-ASCII kept, JavaScript number formatting).</summary>
    public static string Stringify(object? value)
    {
        var sb = new StringBuilder();
        Write(sb, value is JsonNode n ? n : ToNode(value));
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject o:
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in o)
                {
                    if (!first) sb.Append(',');
                    first = false;
                    WriteString(sb, k);
                    sb.Append(':');
                    Write(sb, v);
                }
                sb.Append('}');
                break;
            case JsonArray a:
                sb.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    Write(sb, a[i]);
                }
                sb.Append(']');
                break;
            default:
                switch (FromNode(node))
                {
                    case string s: WriteString(sb, s); break;
                    case double d: sb.Append(double.IsFinite(d) ? NumberToString(d) : "null"); break;
                    case bool b: sb.Append(b ? "true" : "false"); break;
                    default: sb.Append("null"); break;
                }
                break;
        }
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }

    /// <summary>Number.prototype.toString() (ECMA-262 Number::toString with the shortest round-trip digits).</summary>
    public static string NumberToString(double d)
    {
        if (double.IsNaN(d)) return "NaN";
        if (double.IsPositiveInfinity(d)) return "Infinity";
        if (double.IsNegativeInfinity(d)) return "-Infinity";
        if (d == 0) return "0";
        var sign = d < 0 ? "-" : "";
        var shortest = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        string digits;
        int exponent; // value = 0.digits * 10^exponent
        var ePos = shortest.IndexOf('E');
        var mantissa = ePos >= 0 ? shortest[..ePos] : shortest;
        var exp10 = ePos >= 0 ? int.Parse(shortest[(ePos + 1)..], CultureInfo.InvariantCulture) : 0;
        var dot = mantissa.IndexOf('.');
        var intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        var fracPart = dot >= 0 ? mantissa[(dot + 1)..] : "";
        digits = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - digits.Length;
        exponent = intPart.Length - leadingZeros + exp10;
        digits = digits.TrimEnd('0');
        var k = digits.Length;
        var n = exponent;
        string body;
        if (k <= n && n <= 21)
            body = digits + new string('0', n - k);
        else if (0 < n && n <= 21)
            body = digits[..n] + "." + digits[n..];
        else if (-6 < n && n <= 0)
            body = "0." + new string('0', -n) + digits;
        else
        {
            var e = n - 1;
            var expText = (e >= 0 ? "+" : "-") + Math.Abs(e).ToString(CultureInfo.InvariantCulture);
            body = (k == 1 ? digits : digits[..1] + "." + digits[1..]) + "e" + expText;
        }
        return sign + body;
    }

    /// <summary>string(number): d3-format ",.Nf" with N = the decimals of the number's own text, en-US grouping, "−" sign.</summary>
    public static string FormatNumberGrouped(double d)
    {
        var text = NumberToString(Math.Abs(d));
        var dot = text.IndexOf('.');
        var precision = dot >= 0 ? text.Length - dot - 1 : 0;
        if (text.Contains('e') && Math.Abs(d) < 1e21) // toFixed keeps the exponent form from 1e21 on
            text = Math.Abs(d).ToString("F" + precision, CultureInfo.InvariantCulture);
        if (text.Contains('e'))
            return (d < 0 ? "\u2212" : "") + text;
        dot = text.IndexOf('.');
        var intPart = dot >= 0 ? text[..dot] : text;
        var frac = dot >= 0 ? text[dot..] : "";
        var grouped = new StringBuilder();
        for (var i = 0; i < intPart.Length; i++)
        {
            if (i > 0 && (intPart.Length - i) % 3 == 0) grouped.Append(',');
            grouped.Append(intPart[i]);
        }
        var negative = d < 0 && (grouped.ToString() + frac).Any(c => c is >= '1' and <= '9');
        return (negative ? "\u2212" : "") + grouped + frac;
    }
}
