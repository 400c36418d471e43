using System.IO.Compression;
using System.Text.Json.Nodes;
using Bot.Tests.Cards;

namespace Bot.Tests.Manifest;

/// <summary>
/// manifest/package.sh builds the Teams app zip; the filled manifest is validated offline against the official v1.25
/// schema bundled in Microsoft's @microsoft/app-manifest (npm), and the icons are checked pixel by pixel.
/// </summary>
public sealed class ManifestPackageTests : IDisposable
{
    private const string BotId = "0b5e0c1d-2f3a-4b5c-8d9e-0123456789ab";
    private const string AppId = "7f3c2a10-4d5e-4f60-9a7b-abcdefabcdef";
    private readonly string temp = Directory.CreateTempSubdirectory("manifest-test-").FullName;

    public void Dispose() => Directory.Delete(temp, recursive: true);

    [Fact]
    public void PackageContainsFilledValidManifestAndIconsAtTheRoot()
    {
        var dir = BuildAndExtract();

        Assert.Equal(["color.png", "manifest.json", "outline.png"], Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var (errors, warnings) = Validate(Path.Combine(dir, "manifest.json"));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Assert.True(warnings.Count == 0, string.Join("\n", warnings));

        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "manifest.json")))!;
        Assert.Equal("1.25", (string?)manifest["manifestVersion"]);
        Assert.Equal("https://developer.microsoft.com/json-schemas/teams/v1.25/MicrosoftTeams.schema.json", (string?)manifest["$schema"]);
        Assert.Equal(AppId, (string?)manifest["id"]);
        var bot = manifest["bots"]![0]!;
        Assert.Equal(BotId, (string?)bot["botId"]);
        Assert.Equal(["personal", "team", "groupChat"], bot["scopes"]!.AsArray().Select(s => (string)s!));
        var personal = bot["commandLists"]!.AsArray().Single(l => l!["scopes"]!.AsArray().Any(s => (string?)s == "personal"))!;
        Assert.Equal(["帮助", "我的任务", "填报", "进度", "问答", "发通知"], personal["commands"]!.AsArray().Select(c => (string)c!["title"]!));
        Assert.DoesNotContain("${{", File.ReadAllText(Path.Combine(dir, "manifest.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void IconsHaveTeamsSizesAndTheOutlineIsWhiteOnTransparent()
    {
        var dir = BuildAndExtract();

        var color = Png.Read(Path.Combine(dir, "color.png"));
        Assert.Equal((192, 192), (color.Width, color.Height));
        var colors = Enumerable.Range(0, 192 * 192).Select(i => color.Pixel(i % 192, i / 192)).Distinct().Count();
        Assert.True(colors > 2, "color.png is (nearly) blank");

        var outline = Png.Read(Path.Combine(dir, "outline.png"));
        Assert.Equal((32, 32, 6), (outline.Width, outline.Height, outline.ColorType));
        var pixels = Enumerable.Range(0, 32 * 32).Select(i => outline.Pixel(i % 32, i / 32)).ToList();
        Assert.All(new[] { (0, 0), (31, 0), (0, 31), (31, 31) }, p => Assert.Equal(0, outline.Pixel(p.Item1, p.Item2).A));
        Assert.All(pixels.Where(p => p.A > 0), p => Assert.Equal((255, 255, 255), (p.R, p.G, p.B)));
        var opaque = pixels.Count(p => p.A == 255);
        Assert.InRange(opaque, 32, 32 * 32 / 2);
    }

    [Fact]
    public void ValidatorRejectsABrokenManifest()
    {
        var dir = BuildAndExtract();
        var file = Path.Combine(dir, "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(file))!;
        manifest["developer"]!.AsObject().Remove("privacyUrl");
        manifest["name"]!["short"] = new string('廉', 31);
        manifest["bots"]![0]!["scopes"] = new JsonArray("personal", "channel");
        manifest["bots"]![0]!["botId"] = "${{BOT_ID}}";
        File.WriteAllText(file, manifest.ToJsonString());

        var (errors, _) = Validate(file);

        Assert.Contains(errors, e => e.Contains("must have required property 'privacyUrl'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("/name/short must NOT have more than 30 characters", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("/bots/0/scopes/1 must be equal to one of the allowed values", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("unfilled placeholders: ${{BOT_ID}}", StringComparison.Ordinal));
    }

    [Fact]
    public void PackagingRefusesABotIdThatIsNotAGuid()
    {
        var (exit, _, stderr) = NodeScript.Run("bash", [Path.Combine(NodeScript.RepoRoot, "manifest", "package.sh"), "not-a-guid", AppId, Path.Combine(temp, "x.zip")],
            "bash is required to run manifest/package.sh");

        Assert.Equal(2, exit);
        Assert.Contains("is not a GUID", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(temp, "x.zip")));
    }

    private string BuildAndExtract()
    {
        var zip = Path.Combine(temp, "package.zip");
        var (exit, stdout, stderr) = NodeScript.Run("bash", [Path.Combine(NodeScript.RepoRoot, "manifest", "package.sh"), BotId, AppId, zip],
            "bash is required to run manifest/package.sh");
        Assert.True(exit == 0, $"package.sh failed (exit {exit}): {stderr} — `zip` missing? run tests/run.sh, which installs it");
        Assert.Equal(zip, stdout.Trim());
        var dir = Path.Combine(temp, "extracted");
        ZipFile.ExtractToDirectory(zip, dir);
        return dir;
    }

    private static (List<string> Errors, List<string> Warnings) Validate(string manifestFile) =>
        NodeScript.Check(Path.Combine("manifest", "validate-manifest.js"), manifestFile);
}
