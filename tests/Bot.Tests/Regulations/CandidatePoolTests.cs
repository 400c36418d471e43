using System.Text;
using Bot.App.Regulations;
using Lucene.Net.Index;

namespace Bot.Tests.Regulations;

public sealed class CandidatePoolTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "reg-pool-" + Guid.NewGuid().ToString("N"));
    private readonly Lexicon lexicon = Fixtures.Lexicon();

    public void Dispose()
    {
        try { Directory.Delete(folder, true); } catch (IOException) { }
    }

    private static string Markdown(string title, string chapter, IEnumerable<string> articles) =>
        $"# {title}\n\n2024年1月1日 施行\n\n<!-- 文件信息结束 -->\n\n## 第一章 {chapter}\n\n"
        + string.Concat(articles.Select((text, i) => $"第{ChineseNumerals.Format(i + 1)}条 {text}\n\n"));

    /// <summary>
    /// 130 short articles that say 考勤 and nothing else of the question outscore, in plain BM25, one long article
    /// of the 工资 code whose chapter is 加班费 and which says 考勤 once; 1,000 unrelated articles keep 考勤 a moderately rare word.
    /// </summary>
    private RegulationSnapshot Library()
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "考勤.md"), Markdown("某单位考勤记录办法（示例）", "记录", Enumerable.Repeat("考勤记录每日汇总。", 130)), Encoding.UTF8);
        File.WriteAllText(Path.Combine(folder, "档案.md"), Markdown("某单位档案保管办法（示例）", "保管", Enumerable.Repeat("档案应当妥善保管，定期检查。", 1000)), Encoding.UTF8);
        var longText = "按照考勤结果核定，" + string.Concat(Enumerable.Repeat("工作人员应当按照规定执行，", 20)) + "由人事部门负责。";
        File.WriteAllText(Path.Combine(folder, "工资.md"), Markdown("某单位工资法典（示例）", "加班费", [longText]), Encoding.UTF8);
        var index = Path.Combine(folder, "index");
        RegulationImporter.Import(index, [folder]);
        return new RegulationSnapshot(DirectoryReader.Open(RegulationIndex.Open(index)));
    }

    [Fact]
    public void AShortPageKeepsItsCandidateCountAndALongPageDrawsTenTimesAsMany()
    {
        using var search = new RegulationSearch(lexicon);
        Assert.Equal(110, search.CandidateCount(10));
        Assert.Equal(1000, search.CandidateCount(100));
        using var shallow = new RegulationSearch(lexicon, new SearchWeights { PoolFactor = 3 });
        Assert.Equal(300, shallow.CandidateCount(100));
    }

    [Fact]
    public void AnArticleFarDownTheBm25ListReachesTheLongPageWhenItHoldsEveryWord()
    {
        using var snapshot = Library();
        const string question = "考勤 加班费 工资";
        bool Found(IReadOnlyList<SearchHit> hits) => hits.Any(h => h.Article.Title == "某单位工资法典（示例）");

        using var shallow = new RegulationSearch(lexicon, new SearchWeights { PoolFactor = 3 });
        Assert.False(Found(shallow.Search(snapshot, question, 20)), "the article should lie below the shallow pool in plain BM25");

        using var search = new RegulationSearch(lexicon);
        var hits = search.Search(snapshot, question, 20);
        Assert.True(Found(hits));
        Assert.Equal("某单位工资法典（示例）", hits[0].Article.Title);
        Assert.Equal(1f, hits[0].Confidence);
    }
}
