using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bot.Protocol;

namespace Bot.App.Cards;

/// <summary>
/// Loads the Adaptive Card templates in <c>cards/</c> once and expands them with our templating engine.
/// </summary>
public sealed class CardTemplates
{
    /// <summary>Cards above this size are refused by some Teams paths (connector posts); we stay below it.</summary>
    public const int MaxCardBytes = 28 * 1024;

    private readonly string directory;
    private readonly ConcurrentDictionary<string, JsonNode> cache = new(StringComparer.Ordinal);

    public CardTemplates(IHostEnvironment env) : this(Locate(env.ContentRootPath)) { }

    public CardTemplates(string directory) => this.directory = directory;

    public IEnumerable<string> Names =>
        Directory.EnumerateFiles(directory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal);

    public JsonObject Render(string name, object data)
    {
        var template = cache.GetOrAdd(name, n => JsonNode.Parse(File.ReadAllText(Path.Combine(directory, n + ".json")))!);
        var root = data as JsonNode ?? JsonSerializer.SerializeToNode(data, ProtocolJson.Options) ?? new JsonObject();
        var card = TemplateEngine.Expand(template, root) as JsonObject
                   ?? throw new InvalidOperationException($"Card template '{name}' did not expand to an object.");
        var size = System.Text.Encoding.UTF8.GetByteCount(card.ToJsonString());
        if (size > MaxCardBytes)
            throw new InvalidOperationException($"Card '{name}' is {size} bytes, over the {MaxCardBytes}-byte budget.");
        return card;
    }

    /// <summary>cards/ beside the binary (published) or at the repository root (dotnet run from src/Bot.App).</summary>
    internal static string Locate(string contentRoot) => LocateFolder(contentRoot, "cards");

    /// <summary>A shipped data folder (cards/, regulations/) beside the binary or at the repository root.</summary>
    internal static string LocateFolder(string contentRoot, string name)
    {
        foreach (var candidate in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, name),
                     Path.Combine(contentRoot, name),
                     Path.Combine(contentRoot, "..", "..", name),
                 })
        {
            if (Directory.Exists(candidate))
                return Path.GetFullPath(candidate);
        }
        throw new DirectoryNotFoundException($"{name}/ folder not found next to the app or at the repository root.");
    }
}
