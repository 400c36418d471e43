using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bot.App.Cards;
using Bot.App.WeCom;

namespace Bot.Tests.WeCom;

/// <summary>
/// Every template in cards/, expanded with its cards/samples/&lt;name&gt;.data.json and translated for WeCom,
/// must equal tests/Bot.Tests/WeCom/Snapshots/&lt;name&gt;.wecom.json. After adding or changing a card, regenerate
/// the snapshots and review the diff:
/// <code>WECOM_SNAPSHOTS=update dotnet test tests/Bot.Tests --filter "FullyQualifiedName~WeCom.CardSnapshotTests"</code>
/// </summary>
public sealed class CardSnapshotTests
{
    private static readonly string CardsDirectory = Path.Combine(WeComPeer.RepoRoot, "cards");
    private static readonly string SnapshotDirectory = Path.Combine(WeComPeer.RepoRoot, "tests", "Bot.Tests", "WeCom", "Snapshots");
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static bool Update => Environment.GetEnvironmentVariable("WECOM_SNAPSHOTS") == "update";

    public static TheoryData<string> Templates() =>
        [.. new CardTemplates(CardsDirectory).Names];

    [Theory]
    [MemberData(nameof(Templates))]
    public void TemplateTranslatesToItsSnapshot(string name)
    {
        var actual = Translate(name);
        var path = Path.Combine(SnapshotDirectory, name + ".wecom.json");
        if (Update)
        {
            Directory.CreateDirectory(SnapshotDirectory);
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path),
            $"No WeCom snapshot for cards/{name}.json. Create it with: WECOM_SNAPSHOTS=update dotnet test tests/Bot.Tests --filter \"FullyQualifiedName~WeCom.CardSnapshotTests\" and review {path}.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual);
    }

    [Fact]
    public void EverySnapshotStillHasItsTemplate()
    {
        var templates = new CardTemplates(CardsDirectory).Names.ToHashSet();
        var orphans = Directory.Exists(SnapshotDirectory)
            ? Directory.EnumerateFiles(SnapshotDirectory, "*.wecom.json").Select(f => Path.GetFileName(f)[..^".wecom.json".Length]).Where(n => !templates.Contains(n)).ToList()
            : [];
        Assert.True(orphans.Count == 0, "Snapshots without a template (delete them): " + string.Join(", ", orphans));
    }

    /// <summary>The translation with a fixed task id and key store, so the output only depends on the card.</summary>
    internal static string Translate(string name)
    {
        var templates = new CardTemplates(CardsDirectory);
        var samplePath = Path.Combine(CardsDirectory, "samples", name + ".data.json");
        Assert.True(File.Exists(samplePath), $"cards/samples/{name}.data.json is missing (every template needs a sample).");
        var data = JsonNode.Parse(File.ReadAllText(samplePath)) ?? new JsonObject();
        var card = templates.Render(name, data);
        var stored = 0;
        var translated = CardTranslator.Translate(card, "TASK_ID", target => WeComStore.Encode(target, _ => "stored-" + ++stored));
        var snapshot = new JsonObject { ["msgtype"] = translated.MsgType, [translated.MsgType] = translated.Payload.DeepClone() };
        if (translated.IsTemplateCard)
        {
            // Decoded keys make the snapshot reviewable: what each button does on WeCom.
            snapshot["button_meaning"] = new JsonArray([.. (translated.Payload["button_list"] as JsonArray ?? [])
                .OfType<JsonObject>()
                .Select(b => (JsonNode)new JsonObject { ["text"] = b["text"]?.DeepClone(), ["means"] = Meaning(b) })]);
        }
        return snapshot.ToJsonString(Pretty).ReplaceLineEndings("\n") + "\n";
    }

    private static JsonNode? Meaning(JsonObject button)
    {
        if (button["url"] is { } url)
            return "open " + url;
        var key = button["key"]?.GetValue<string>() ?? "";
        return key[0] switch
        {
            't' => "types " + key[2..],
            'j' => JsonNode.Parse(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(
                key[2..].Replace('-', '+').Replace('_', '/') + new string('=', (4 - (key.Length - 2) % 4) % 4)))),
            _ => "stored data " + key[2..],
        };
    }
}
