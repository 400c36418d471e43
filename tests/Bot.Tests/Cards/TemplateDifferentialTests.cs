using System.Text.Json.Nodes;
using Bot.App.Cards;

namespace Bot.Tests.Cards;

/// <summary>
/// Our TemplateEngine must expand exactly like Microsoft's adaptivecards-templating (npm), for every card template
/// with its sample data and for the engine fixtures (arrays, $when, nested paths, missing fields, escaping).
/// </summary>
public sealed class TemplateDifferentialTests
{
    public static string CardsDirectory => Path.Combine(NodeScript.RepoRoot, "cards");
    public static string FixturesDirectory => Path.Combine(NodeScript.RepoRoot, "tests", "Bot.Tests", "Cards", "Fixtures");

    public static IReadOnlyList<string> TemplateNames() =>
        [.. Directory.EnumerateFiles(CardsDirectory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal)];

    public static TheoryData<string> Templates() => [.. TemplateNames()];

    public static TheoryData<string> Fixtures() =>
        [.. Directory.EnumerateFiles(FixturesDirectory, "*.template.json").Select(f => Path.GetFileName(f)[..^".template.json".Length]).Order(StringComparer.Ordinal)];

    public static string SamplePath(string template) => Path.Combine(CardsDirectory, "samples", template + ".data.json");

    [Fact]
    public void EveryTemplateHasSampleData()
    {
        var missing = TemplateNames().Where(t => !File.Exists(SamplePath(t))).ToList();
        Assert.True(missing.Count == 0, $"cards/samples/<name>.data.json is missing for: {string.Join(", ", missing)}");
        Assert.Contains("welcome", TemplateNames());
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void TemplateExpandsLikeTheOfficialLibrary(string template)
    {
        Assert.True(File.Exists(SamplePath(template)), $"cards/samples/{template}.data.json is missing");
        AssertSameAsOfficial(Path.Combine(CardsDirectory, template + ".json"), SamplePath(template));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void FixtureExpandsLikeTheOfficialLibrary(string fixture) =>
        AssertSameAsOfficial(Path.Combine(FixturesDirectory, fixture + ".template.json"), Path.Combine(FixturesDirectory, fixture + ".data.json"));

    /// <summary>Where Microsoft's library throws, our engine must throw too rather than send a half-bound card.</summary>
    [Theory]
    [InlineData("""{"text":"您好 ${name}"}""", """{"name":null}""")]
    [InlineData("""{"text":"${items[5]}"}""", """{"items":[1]}""")]
    [InlineData("""{"text":"${missing[0]}"}""", """{}""")]
    [InlineData("""{"text":"${1 < 'a'}"}""", """{}""")]
    [InlineData("""{"text":"a`b ${x}"}""", """{"x":1}""")]
    [InlineData("""{"text":"${x +}"}""", """{"x":1}""")]
    [InlineData("""{"text":"${姓名}"}""", """{"姓名":"张三"}""")]
    public void FailsWhereTheOfficialLibraryFails(string template, string data)
    {
        var dir = Directory.CreateTempSubdirectory("template-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "t.json"), template);
            File.WriteAllText(Path.Combine(dir, "d.json"), data);
            var (exit, stdout, stderr) = NodeScript.Run(Path.Combine("cards", "expand.js"), Path.Combine(dir, "t.json"), Path.Combine(dir, "d.json"));
            Assert.True(exit == 3, $"expected the official library to throw, got exit {exit}: {stdout}{stderr}");

            Assert.Throws<TemplateException>(() => TemplateEngine.Expand(JsonNode.Parse(template)!, JsonNode.Parse(data)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void AssertSameAsOfficial(string templateFile, string dataFile)
    {
        var (exit, stdout, stderr) = NodeScript.Run(Path.Combine("cards", "expand.js"), templateFile, dataFile);
        Assert.True(exit == 0, $"official expansion failed (exit {exit}): {stderr}");

        var ours = TemplateEngine.Expand(JsonNode.Parse(File.ReadAllText(templateFile))!, JsonNode.Parse(File.ReadAllText(dataFile)));

        Assert.Equal(CanonicalJson.Of(stdout), CanonicalJson.Of(ours));
    }
}
