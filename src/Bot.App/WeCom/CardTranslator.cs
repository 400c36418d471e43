using System.Text;
using System.Text.Json.Nodes;

namespace Bot.App.WeCom;

/// <summary>An Adaptive Card rendered for WeCom: a message type (template_card or markdown) and its payload.</summary>
public sealed record WeComCard(string MsgType, JsonObject Payload)
{
    public bool IsTemplateCard => MsgType == "template_card";

    public JsonObject ToMessage(string userId) => new() { ["touser"] = userId, ["msgtype"] = MsgType, [MsgType] = Payload.DeepClone() };
}

/// <summary>
/// Translates an expanded Adaptive Card into a WeCom <c>button_interaction</c> template card: the first big
/// TextBlock becomes <c>main_title</c>, other text <c>sub_title_text</c>, FactSets <c>horizontal_content_list</c>
/// and Action.Execute / Action.Submit / Action.OpenUrl buttons <c>button_list</c>. A card without usable buttons
/// becomes markdown. Inputs cannot be shown on WeCom: the form's submit buttons are dropped and a hint asks
/// the member to reply in text. Button keys come from <paramref name="encodeKey"/> (verb + data).
/// </summary>
public static class CardTranslator
{
    public const int MaxButtons = 6;
    public const int MaxFacts = 6;
    public const int MaxTitle = 26;
    public const int MaxSubTitle = 160;
    public const int MaxButtonText = 10;
    public const int MaxKeyName = 5;
    public const string DoneText = "已处理";

    public static WeComCard Translate(JsonObject card, string taskId, Func<ButtonTarget, string> encodeKey, bool forUpdate = false)
    {
        var content = new Content();
        Walk(card["body"] as JsonArray, content);
        if (card["actions"] is JsonArray actions)
            content.Actions.AddRange(actions.OfType<JsonObject>());

        var buttons = new JsonArray();
        foreach (var action in content.Actions)
        {
            if (buttons.Count == MaxButtons)
                break;
            if (ToButton(action, content.Inputs.Count > 0, buttons.Count, encodeKey) is { } button)
                buttons.Add(button);
        }

        var title = content.Title ?? content.Lines.FirstOrDefault();
        var lines = content.Lines.Where(l => !ReferenceEquals(l, title)).ToList();
        var facts = new List<(string Key, string Value)>();
        foreach (var (key, value) in content.Facts)
        {
            if (key.Length <= MaxKeyName && facts.Count < MaxFacts)
                facts.Add((key, value));
            else
                lines.Add($"{key}：{value}");
        }
        if (content.Inputs.Count > 0)
            lines.Add(FormHint(content.Inputs));

        if (buttons.Count == 0 && !forUpdate)
            return new WeComCard("markdown", new JsonObject { ["content"] = Markdown(title, lines, facts) });

        var template = new JsonObject
        {
            ["card_type"] = "button_interaction",
            ["task_id"] = taskId,
            ["main_title"] = new JsonObject { ["title"] = Cut(title ?? "消息", MaxTitle) },
        };
        if (lines.Count > 0)
            template["sub_title_text"] = Cut(string.Join('\n', lines), MaxSubTitle);
        if (facts.Count > 0)
            template["horizontal_content_list"] = new JsonArray([.. facts.Select(f => (JsonNode)new JsonObject { ["keyname"] = f.Key, ["value"] = f.Value })]);
        if (buttons.Count == 0)
        {
            // An updated card without buttons: button_list is required, and replace_text greys it out.
            buttons.Add(new JsonObject { ["type"] = 0, ["text"] = DoneText, ["style"] = 2, ["key"] = "noop" });
            template["replace_text"] = DoneText;
        }
        template["button_list"] = buttons;
        return new WeComCard("template_card", template);
    }

    /// <summary>The hint shown instead of a form's inputs; the member answers through the text dialog.</summary>
    public static string FormHint(IReadOnlyList<string> inputs) =>
        $"请回复文字填写：{string.Join("、", inputs)}（企业微信中无法直接填写表单）";

    private sealed class Content
    {
        public string? Title;
        public List<string> Lines { get; } = [];
        public List<(string Key, string Value)> Facts { get; } = [];
        public List<string> Inputs { get; } = [];
        public List<JsonObject> Actions { get; } = [];
    }

    private static void Walk(JsonArray? elements, Content content)
    {
        foreach (var element in elements?.OfType<JsonObject>() ?? [])
        {
            if (element["isVisible"] is JsonValue visible && visible.TryGetValue<bool>(out var v) && !v)
                continue;
            var type = Str(element, "type") ?? "";
            switch (type)
            {
                case "TextBlock":
                    AddText(content, Str(element, "text"), IsBig(element));
                    break;
                case "RichTextBlock":
                    AddText(content, string.Concat((element["inlines"] as JsonArray ?? []).Select(i => i is JsonObject o ? Str(o, "text") : i?.GetValue<string>())), false);
                    break;
                case "FactSet":
                    foreach (var fact in (element["facts"] as JsonArray ?? []).OfType<JsonObject>())
                        content.Facts.Add((Str(fact, "title") ?? "", Str(fact, "value") ?? ""));
                    break;
                case "ActionSet":
                    content.Actions.AddRange((element["actions"] as JsonArray ?? []).OfType<JsonObject>());
                    break;
                case "Container":
                    Walk(element["items"] as JsonArray, content);
                    break;
                case "ColumnSet":
                    foreach (var column in (element["columns"] as JsonArray ?? []).OfType<JsonObject>())
                        Walk(column["items"] as JsonArray, content);
                    break;
                case "Table":
                    foreach (var row in (element["rows"] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        var cells = (row["cells"] as JsonArray ?? []).OfType<JsonObject>()
                            .Select(c => { var inner = new Content(); Walk(c["items"] as JsonArray, inner); return string.Join(' ', inner.Lines.Prepend(inner.Title ?? "").Where(s => s.Length > 0)); });
                        AddText(content, string.Join(" | ", cells), false);
                    }
                    break;
                default:
                    if (type.StartsWith("Input.", StringComparison.Ordinal))
                        content.Inputs.Add(Str(element, "label") ?? Str(element, "placeholder") ?? Str(element, "id") ?? "内容");
                    break;
            }
        }
    }

    private static void AddText(Content content, string? text, bool big)
    {
        if (string.IsNullOrWhiteSpace(text))
            return;
        text = text.Trim();
        if (big && content.Title is null)
            content.Title = text;
        else
            content.Lines.Add(text);
    }

    private static bool IsBig(JsonObject e) =>
        Str(e, "size") is "Large" or "ExtraLarge" or "large" or "extraLarge" || Str(e, "weight") is "Bolder" or "bolder" || Str(e, "style") == "heading";

    private static JsonObject? ToButton(JsonObject action, bool isForm, int index, Func<ButtonTarget, string> encodeKey)
    {
        var text = Cut(Str(action, "title") ?? "确定", MaxButtonText);
        var style = Str(action, "style") switch
        {
            "destructive" => 3,
            "positive" => 1,
            _ => index == 0 ? 1 : 2,
        };
        switch (Str(action, "type"))
        {
            case "Action.OpenUrl" when Str(action, "url") is { } url:
                return new JsonObject { ["type"] = 1, ["text"] = text, ["style"] = style, ["url"] = url };
            case "Action.Execute" or "Action.Submit":
                // A form's submit needs the input values WeCom cannot collect; the text dialog replaces it.
                if (isForm && Str(action, "associatedInputs") != "none")
                    return null;
                if (Target(action) is not { } target)
                    return null;
                return new JsonObject { ["type"] = 0, ["text"] = text, ["style"] = style, ["key"] = encodeKey(target) };
            default:
                return null; // ShowCard, ToggleVisibility: nothing to show on WeCom
        }
    }

    /// <summary>What pressing the button means: a typed text (Teams imBack/messageBack) or verb + data.</summary>
    private static ButtonTarget? Target(JsonObject action)
    {
        var data = action["data"] as JsonObject;
        if (data?["msteams"] is JsonObject teams)
        {
            var kind = Str(teams, "type");
            if (kind == "imBack" && Str(teams, "value") is { } typed)
                return ButtonTarget.ForText(typed);
            if (kind == "messageBack" && Str(teams, "text") is { Length: > 0 } said && teams["value"] is null)
                return ButtonTarget.ForText(said);
        }
        var payload = (data?.DeepClone() as JsonObject) ?? [];
        payload.Remove("msteams");
        if (Str(action, "verb") is { } verb)
            payload["verb"] = verb;
        return payload.Count == 0 ? null : ButtonTarget.ForData(payload);
    }

    private static string Markdown(string? title, List<string> lines, List<(string Key, string Value)> facts)
    {
        var sb = new StringBuilder();
        if (title is not null)
            sb.Append("**").Append(title).Append("**\n");
        foreach (var line in lines)
            sb.Append(line).Append('\n');
        foreach (var (key, value) in facts)
            sb.Append("> ").Append(key).Append("：").Append(value).Append('\n');
        return sb.ToString().TrimEnd('\n');
    }

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    private static string? Str(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

/// <summary>A button's meaning: either text the member "types" by pressing it, or card-action data incl. the verb.</summary>
public sealed record ButtonTarget(string? Text, JsonObject? Data)
{
    public static ButtonTarget ForText(string text) => new(text, null);
    public static ButtonTarget ForData(JsonObject data) => new(null, data);
}
