using Bot.App.Regulations;

namespace Bot.Tests.Regulations;

public sealed class RegulationSearchTests : IDisposable
{
    private readonly RegulationSnapshot snapshot;
    private readonly ImportReport report;
    private readonly string folder;
    private readonly RegulationSearch search;

    public RegulationSearchTests()
    {
        (snapshot, report, folder) = Fixtures.Library();
        var lexicon = Fixtures.Lexicon();
        search = new RegulationSearch(lexicon with
        {
            Aliases = [.. lexicon.Aliases, ("接待办法", Fixtures.ReceptionTitle), ("用车规定", Fixtures.CarTitle)],
        });
    }

    public void Dispose()
    {
        search.Dispose();
        snapshot.Dispose();
        try { Directory.Delete(folder, true); } catch (IOException) { }
    }

    [Fact]
    public void VersionsAreRecognisedAndTheNewestIsCurrent()
    {
        var versions = snapshot.ByTitle[Fixtures.CarTitle];
        Assert.Equal([new DateOnly(2023, 6, 1), new DateOnly(2019, 1, 1)], versions.Select(v => v.Version));
        Assert.True(versions[0].IsCurrent);
        Assert.False(versions[1].IsCurrent);
        Assert.Contains(report.Lines(snapshot.ByTitle), l => l.Contains($"{Fixtures.CarTitle}：2 个版本，现行版本 2023-06-01"));
    }

    [Fact]
    public void PartsWithTheSameTitleFormOneDocument()
    {
        var code = Assert.Single(snapshot.ByTitle[Fixtures.CodeTitle]);
        Assert.Equal(["总则", "合同编"], code.Parts.Order().Reverse());
        Assert.Equal([1, 2, 3, 4], code.Articles.Select(a => a.Number));
        Assert.Equal("合同编 / 第一章 一般规定", code.Articles[2].FullPath);
        Assert.Contains(report.Lines(snapshot.ByTitle), l => l.Contains($"{Fixtures.CodeTitle}：由 2 个分编组成"));
    }

    [Fact]
    public void SearchPrefersTheCurrentVersion()
    {
        var hits = search.Search(snapshot, "公务用车怎么派车", 5);
        var car = hits.First(h => h.Article.Title == Fixtures.CarTitle && h.Article.Number == 3);
        Assert.Equal(new DateOnly(2023, 6, 1), car.Article.Version);
        Assert.DoesNotContain(hits, h => h.Article.Version == new DateOnly(2019, 1, 1));
    }

    [Fact]
    public void AYearInTheQuestionAnswersFromThatVersion()
    {
        var hits = search.Search(snapshot, "2019年版用车规定第三条", 3);
        Assert.Equal(new DateOnly(2019, 1, 1), hits[0].Article.Version);
        Assert.Contains("派车单", hits[0].Article.Text);
    }

    [Fact]
    public void ColloquialWordsFindTheFormalArticle()
    {
        // 红包 → 礼金, 请吃饭 → 宴请 via regulations/colloquial.tsv.
        var gift = search.Search(snapshot, "接待时能不能送红包", 3);
        Assert.Equal((Fixtures.ReceptionTitle, "第五条"), (gift[0].Article.Title, gift[0].Article.Label));
        var dinner = search.Search(snapshot, "管理服务对象请吃饭能去吗", 3);
        Assert.Equal("第三条之一", dinner[0].Article.Label);
        var car = search.Search(snapshot, "公车能不能用来办酒", 3);
        Assert.Equal((Fixtures.CarTitle, "第四条"), (car[0].Article.Title, car[0].Article.Label));
    }

    [Fact]
    public void ANamedRegulationIsBoosted()
    {
        // 第一条 of several documents talks about 制定本办法/规定; the name decides.
        var hits = search.Search(snapshot, "用车规定的制定目的", 3);
        Assert.Equal(Fixtures.CarTitle, hits[0].Article.Title);
    }

    [Fact]
    public void NamedRegulationsAreFoundInTheOrderTheyAreWrittenEachOnce()
    {
        var named = search.NamedTitles(snapshot, "用车规定和《某单位公务接待管理办法（示例）》有什么不同？用车规定");

        Assert.Equal([Fixtures.CarTitle, Fixtures.ReceptionTitle], named.Select(n => n.Title));
        Assert.Equal(["用车规定", "某单位公务接待管理办法(示例)"], named.Select(n => n.Variant)); // as written, after the question's normalization
        Assert.Empty(search.NamedTitles(snapshot, "用"));
        Assert.Empty(search.NamedTitles(snapshot, ""));
    }

    [Theory]
    [InlineData("接待办法第三条之一", Fixtures.ReceptionTitle, 3, 1)]
    [InlineData("《某单位公务接待管理办法（示例）》第五条", Fixtures.ReceptionTitle, 5, 0)]
    [InlineData("用车规定第4条", Fixtures.CarTitle, 4, 0)]
    [InlineData("示例法典第三条讲的什么", Fixtures.CodeTitle, 3, 0)]
    public void ExplicitReferencesWithNamesOrAliasesAreLookedUp(string question, string title, int number, int sub)
    {
        var reference = search.ParseReference(snapshot, question);
        Assert.NotNull(reference);
        var found = Assert.IsType<LookupResult.Found>(search.Lookup(snapshot, reference, null));
        Assert.Equal((title, number, sub), (found.Article.Title, found.Article.Number, found.Article.Sub));
        Assert.Equal(found.Article, search.Search(snapshot, question, 1)[0].Article);
    }

    [Fact]
    public void AReferenceWithoutANameUsesTheContextOrAsks()
    {
        var reference = search.ParseReference(snapshot, "第二条")!;
        Assert.Null(reference.Title);
        var ambiguous = Assert.IsType<LookupResult.Ambiguous>(search.Lookup(snapshot, reference, null));
        Assert.Equal(3, ambiguous.Candidates.Count); // 接待办法, 用车规定 (current only) and 示例法典
        var inContext = Assert.IsType<LookupResult.Found>(search.Lookup(snapshot, reference, Fixtures.CarTitle));
        Assert.Equal(Fixtures.CarTitle, inContext.Article.Title);
        var onlyOne = Assert.IsType<LookupResult.Found>(search.Lookup(snapshot, search.ParseReference(snapshot, "6条")!, null));
        Assert.Equal(Fixtures.ReceptionTitle, onlyOne.Article.Title);
        Assert.IsType<LookupResult.Missing>(search.Lookup(snapshot, search.ParseReference(snapshot, "用车规定第九十九条")!, null));
    }

    [Fact]
    public void NumbersThatAreNotReferencesAreIgnored()
    {
        Assert.Null(search.ParseReference(snapshot, "提三条建议"));
        Assert.NotNull(search.ParseReference(snapshot, "383条"));
        Assert.NotNull(search.ParseReference(snapshot, "第八十八条"));
    }

    [Fact]
    public void UnrelatedQuestionsScoreBelowTheThreshold()
    {
        var hits = search.Search(snapshot, "今天天气怎么样", 3);
        Assert.True(hits.Count == 0 || hits[0].Confidence < RegulationQa.MinConfidence);
    }

    [Fact]
    public void ReimportingAFileReplacesItsArticles()
    {
        var index = Path.Combine(folder, "index2");
        var file = Path.Combine(folder, "规章", "公务接待.txt");
        RegulationImporter.Import(index, [file]);
        File.WriteAllText(file, Fixtures.ReceptionText.Replace("第六条　本办法自发布之日起施行。", "第六条　本办法自2025年1月1日起施行。"));
        RegulationImporter.Import(index, [file]);
        using var dir = RegulationIndex.Open(index);
        using var s = new RegulationSnapshot(Lucene.Net.Index.DirectoryReader.Open(dir));
        Assert.Equal(7, s.ArticleCount);
        Assert.Contains("2025年1月1日", s.ByTitle[Fixtures.ReceptionTitle][0].Articles[^1].Text);
    }
}
