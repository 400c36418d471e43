using Bot.App.Regulations;

namespace Bot.Tests.Regulations;

public sealed class RegulationBenchmarkTests
{
    [Theory]
    [InlineData("中华人民共和国民法典", "民法典")]
    [InlineData("最高人民法院关于适用《中华人民共和国民法典》有关担保制度的解释", "最高人民法院关于适用《民法典》有关担保制度的解释")]
    [InlineData("最高人民法院关于适用《中华人民共和国民事诉讼法》的解释", "最高人民法院关于适用民事诉讼法的解释")]
    public void AGoldTitleMatchesTheCorpusTitleWithOrWithoutTheStateName(string corpusTitle, string goldTitle) =>
        Assert.Equal(RegulationBenchmark.Key(corpusTitle, 54, 0), RegulationBenchmark.Key(goldTitle, 54, 0));

    [Fact]
    public void ArticlesAndTitlesStillDiffer()
    {
        Assert.NotEqual(RegulationBenchmark.Key("民法典", 54, 0), RegulationBenchmark.Key("民法典", 54, 1));
        Assert.NotEqual(RegulationBenchmark.Key("民法典", 54, 0), RegulationBenchmark.Key("刑法", 54, 0));
    }

    [Fact]
    public void OnlyTheBenchmarkSectionOfTheDocumentIsReplaced()
    {
        var first = RegulationBenchmark.ReplaceSection("# Benchmarks\n\n## Notices\n表\n", "新表 1");
        var second = RegulationBenchmark.ReplaceSection(first, "新表 2");

        Assert.Contains("## Notices\n表\n", second);
        Assert.Contains("新表 2", second);
        Assert.DoesNotContain("新表 1", second);
    }
}
