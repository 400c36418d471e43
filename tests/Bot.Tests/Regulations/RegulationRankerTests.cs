using Bot.App.Regulations;

namespace Bot.Tests.Regulations;

public sealed class RegulationRankerTests : IDisposable
{
    private readonly RegulationSnapshot snapshot;
    private readonly string folder;

    public RegulationRankerTests() => (snapshot, _, folder) = Fixtures.Library();

    public void Dispose()
    {
        snapshot.Dispose();
        try { Directory.Delete(folder, true); } catch (IOException) { }
    }

    private static int F(string name) => Array.IndexOf(RegulationRanker.FeatureNames, name);

    private static RegulationRanker Only(string feature, float weight)
    {
        var w = new float[RegulationRanker.FeatureNames.Length];
        w[F(feature)] = weight;
        return new RegulationRanker(w);
    }

    private ArticleEntry Reception(int number, int sub = 0) => snapshot.Find(
        snapshot.ByTitle[Fixtures.ReceptionTitle][0].Key, number, sub)!;

    /// <summary>"工作餐能不能饮酒" with 红包 (formal equivalent 现金) thrown in: idf 2, 1, 1.</summary>
    private static QuestionTerms MealQuestion() => new(
        [("工作餐", 2f, []), ("饮酒", 1f, []), ("红包", 1f, ["现金"])],
        [("工作", 1f), ("饮酒", 1f)],
        new HashSet<string>(), "工作餐能不能饮酒", "工作餐能不能饮酒");

    [Theory]
    [InlineData("本办法所称廉政谈话，是指党组织负责人与党员干部进行的谈话。", "什么是廉政谈话", 4)]
    [InlineData("公务接待是指出席会议、考察调研等公务活动。", "接待标准是多少", 2)] // the longest defined stretch the question holds
    [InlineData("本法所称的作品，是指文学、艺术和科学领域内具有独创性的智力成果。", "游戏画面是作品吗", 2)]
    [InlineData("工作餐不得提供香烟，是指任何情况下都不得提供。", "可以喝酒吗", 0)]
    [InlineData("接待单位应当严格执行标准。", "什么是接待标准", 0)] // no definition in the text
    public void DefinedTermInFindsTheTermADefinitionArticleExplainsWhenTheQuestionUsesIt(string text, string question, int length) =>
        Assert.Equal(length, RegulationRanker.DefinedTermIn(text, question));

    [Fact]
    public void LongestRunFindsTheLongestVerbatimStretchOfTheQuestion()
    {
        Assert.Equal(4, RegulationRanker.LongestRun("公务接待标准是什么", "严格执行接待标准，不得超标准安排"));
        Assert.Equal(0, RegulationRanker.LongestRun("车辆", "住宿标准"));
        Assert.Equal(2, RegulationRanker.Count("不得饮酒，不得宴请", "不得"));
    }

    [Fact]
    public void HeadingsTitlesAndBigramSharesAreReadGenerically()
    {
        Assert.Equal("一般规定", RegulationRanker.Heading("第二编 物权 / 第一章 一般规定"));
        Assert.Equal("住宿和交通", RegulationRanker.Heading("第二章 接待标准 / 第二节 住宿和交通"));
        Assert.Equal("公务接待管理办法", RegulationRanker.TitleCore("中华人民共和国公务接待管理办法（2018年修正）"));
        Assert.Equal(1f / 3f, RegulationRanker.ShareIn("接待怎么安排", "接待标准"), 3); // 接待 found, 待标 and 标准 not
    }

    [Fact]
    public void CoverageAndPhraseFeaturesFollowTheArticleText()
    {
        var terms = MealQuestion();
        var meal = Reception(3);  // 工作餐 … 不得饮酒
        var gifts = Reception(5); // 赠送现金红包
        var rows = RegulationRanker.Features(snapshot, terms, [new Candidate(meal, 2f, 2f), new Candidate(gifts, 1f, 1f)]);

        Assert.Equal(3f / 4f, rows[0][F("coverage")], 3);
        Assert.Equal(1f / 4f, rows[1][F("coverage")], 3);               // only 红包
        Assert.Equal(3f / 4f, rows[0][F("literal_coverage")], 3);
        Assert.Equal(1f, rows[0][F("bigram_coverage")], 3);
        Assert.Equal(3f / 8f, rows[0][F("phrase")], 3);                 // "工作餐"
        Assert.Equal(1f, rows[0][F("lucene")]);
        Assert.Equal(0.5f, rows[1][F("lucene")]);
        Assert.Equal(1f, rows[0][F("prior_rule")]);
        Assert.Equal(1f, rows[0][F("doc_coverage")], 3);                // the two articles together hold every word
        Assert.Equal(MathF.Log(3) / MathF.Log(101), rows[0][F("doc_count")], 3);
    }

    [Fact]
    public void ARankerFileIsLoadedByFeatureName()
    {
        var dir = Path.Combine(folder, "lexicon");
        Directory.CreateDirectory(dir);
        Assert.Null(Lexicon.Load(dir).Ranker); // no file: the hand-set combination

        File.WriteAllText(Path.Combine(dir, RegulationRanker.FileName), """{ "weights": { "coverage": 2.5, "position": -1, "unknown": 7 } }""");
        var ranker = Lexicon.Load(dir).Ranker;

        Assert.NotNull(ranker);
        Assert.Equal(2.5f, ranker.Weights[F("coverage")]);
        Assert.Equal(-1f, ranker.Weights[F("position")]);
        Assert.Equal(0f, ranker.Weights[F("lucene")]);
        var roundTrip = Path.Combine(dir, "copy");
        Directory.CreateDirectory(roundTrip);
        File.WriteAllText(Path.Combine(roundTrip, RegulationRanker.FileName), ranker.ToJson("test"));
        Assert.Equal(ranker.Weights, Lexicon.Load(roundTrip).Ranker!.Weights);
    }

    [Theory]
    [InlineData("{ \"weights\": { \"coverage\": ")]
    [InlineData("{ \"note\": \"no weights\" }")]
    [InlineData("{ \"weights\": { \"coverage\": \"high\" } }")]
    public void ADamagedRankerFileFallsBackToTheHandSetOrderAndSaysWhy(string content)
    {
        var dir = Path.Combine(folder, "damaged-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, RegulationRanker.FileName), content);

        var lexicon = Lexicon.Load(dir);

        Assert.Null(lexicon.Ranker);
        Assert.Contains(lexicon.Problems, p => p.Contains(RegulationRanker.FileName) && p.Contains("手工设定"));
    }

    [Fact]
    public void TheRankerOrdersTheCandidatesAsItsWeightsSay()
    {
        const string question = "公务接待";
        var plain = Fixtures.Lexicon() with { Ranker = null };
        using var handSet = new RegulationSearch(plain);
        using var earlyFirst = new RegulationSearch(plain with { Ranker = Only("position", -1f) });
        using var lateFirst = new RegulationSearch(plain with { Ranker = Only("position", 1f) });

        var a = earlyFirst.Search(snapshot, question, 20).Where(h => h.Article.Title == Fixtures.ReceptionTitle).Select(h => h.Article.Seq).ToList();
        var b = lateFirst.Search(snapshot, question, 20).Where(h => h.Article.Title == Fixtures.ReceptionTitle).Select(h => h.Article.Seq).ToList();

        Assert.True(a.Count >= 3);
        Assert.Equal(a.Order(), a);
        Assert.Equal(b.OrderDescending(), b);
        // Without a ranker the engine keeps the hand-set order of the first stage.
        var (candidates, _) = handSet.Candidates(snapshot, question, 20);
        Assert.Equal(candidates.Take(20).Select(c => c.Article), handSet.Search(snapshot, question, 20).Select(h => h.Article));
    }

    [Fact]
    public void FittingLearnsWhichFeatureSeparatesTheRelevantCandidatesDeterministically()
    {
        // Ten questions of five candidates: the relevant one has the highest phrase run but a low first-stage score.
        var questions = Enumerable.Range(0, 10).Select(q =>
        {
            var rows = Enumerable.Range(0, 5).Select(i =>
            {
                var f = new float[RegulationRanker.FeatureNames.Length];
                f[F("lucene")] = 1f - i * 0.2f;
                f[F("handset")] = 1f - i * 0.2f;
                f[F("phrase")] = i == 3 ? 0.9f : 0.1f * ((q + i) % 3);
                return f;
            }).ToArray();
            return (rows, Enumerable.Range(0, 5).Select(i => i == 3).ToArray());
        }).ToList();

        var ranker = RegulationRanker.Fit(questions, iterations: 200);

        Assert.True(ranker.Weights[F("phrase")] > ranker.Weights[F("lucene")]);
        Assert.All(questions, q => Assert.Equal(0, ranker.RankOfFirstRelevant(q.rows, q.Item2)));
        Assert.Equal(ranker.Weights, RegulationRanker.Fit(questions, iterations: 200).Weights);
        var refined = RegulationRanker.Refine(ranker, questions);
        Assert.All(questions, q => Assert.Equal(0, refined.RankOfFirstRelevant(q.rows, q.Item2)));
    }

    [Fact]
    public void SpanMeasuresHowCloseTogetherTheMatchedWordsStand()
    {
        Assert.Equal(5f / 7f, RegulationRanker.Span("甲乙丙丁工作餐不得饮酒", ["工作餐", "饮酒"]), 3);
        Assert.Equal(5f / 7f, RegulationRanker.Span("工作餐，很远很远很远，工作餐不得饮酒", ["工作餐", null, "饮酒"]), 3); // the closest pair counts
        Assert.Equal(1f, RegulationRanker.Span("不得饮酒", [null, "饮酒"]));
        Assert.Equal(0f, RegulationRanker.Span("不得饮酒", [null, null]));
    }

    [Fact]
    public void SentenceAndAggregateFeaturesFollowTheArticleText()
    {
        var terms = MealQuestion();
        var meal = Reception(3);  // "工作餐不得提供高档菜肴和香烟，不得饮酒。" holds both words in one sentence
        var gifts = Reception(5); // 赠送现金红包
        var rows = RegulationRanker.Features(snapshot, terms, [new Candidate(meal, 2f, 2f), new Candidate(gifts, 1f, 1f)]);

        Assert.Equal(3f / 4f, rows[0][F("sentence_coverage")], 3);
        Assert.Equal(1f / 4f, rows[1][F("sentence_coverage")], 3);
        Assert.Equal(0.5f, rows[0][F("missing_idf")], 3);     // lacks 红包 (idf 1 of the highest 2)
        Assert.Equal(1f, rows[1][F("missing_idf")], 3);       // lacks 工作餐
        Assert.Equal(1f, rows[0][F("bm25")], 3);
        Assert.InRange(rows[1][F("bm25")], 0.01f, 0.99f);
        Assert.Equal(1f, rows[1][F("doc_rank")]);              // one document, ranked first
        Assert.Equal(1f, rows[0][F("rank_in_doc")]);
        Assert.Equal(1f - MathF.Log(2) / MathF.Log(101), rows[1][F("rank_in_doc")], 3);
        Assert.Equal(MathF.Log(2) / MathF.Log(101), rows[0][F("chapter_count")], 3); // 用餐 and 住宿和交通 are different sections
        Assert.Equal(rows[0][F("coverage")], rows[0][F("chapter_coverage")], 3);
        Assert.Equal(rows[0][F("coverage")], rows[0][F("neighbor_coverage")], 3);    // 第三条 and 第五条 are not neighbours
        Assert.Equal(rows[0][F("coverage")] * rows[0][F("sentence_coverage")], rows[0][F("x_coverage_sentence")], 4);
        Assert.Equal(rows[1][F("handset")] * rows[1][F("doc_coverage")], rows[1][F("x_handset_doc")], 4);
    }
}
