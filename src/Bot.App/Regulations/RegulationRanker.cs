using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bot.App.Regulations;

/// <summary>
/// What the re-ranker knows about the question, worked out once per search: its words and CJK bigrams with
/// their idf (a colloquial word may be found through one of its formal equivalents), the regulations it names,
/// and the question text for phrase matches.
/// </summary>
public sealed record QuestionTerms(
    IReadOnlyList<(string Term, float Weight, IReadOnlyList<string> Alternatives)> Words,
    IReadOnlyList<(string Term, float Weight)> Bigrams,
    IReadOnlySet<string> NamedTitles,
    string Text,
    string Full)
{
    public float WordTotal { get; } = Words.Sum(w => w.Weight);
    public float BigramTotal { get; } = Bigrams.Sum(b => b.Weight);

    /// <summary>Word <paramref name="j"/> of the question, or one of its formal equivalents, is in the article's text, path or title.</summary>
    public bool Found(ArticleEntry a, int j) => In(a, Words[j].Term) || Words[j].Alternatives.Any(alt => In(a, alt));

    /// <summary>The idf-weighted share of the question's words (and the regulation it names) found in the article, its path or title.</summary>
    public float Coverage(ArticleEntry a) => Coverage(a.Title, Enumerable.Range(0, Words.Count).Select(j => Found(a, j)).ToArray());

    /// <summary>The same share from per-word results already at hand (<see cref="Found"/> for each word).</summary>
    public float Coverage(string title, bool[] found)
    {
        var total = WordTotal + (NamedTitles.Count > 0 ? 1f : 0f);
        if (total <= 0)
            return 0f;
        var sum = NamedTitles.Contains(title) ? 1f : 0f;
        for (var j = 0; j < Words.Count; j++)
        {
            if (found[j])
                sum += Words[j].Weight;
        }
        return sum / total;
    }

    private static bool In(ArticleEntry a, string term) =>
        a.Text.Contains(term, StringComparison.Ordinal) || a.FullPath.Contains(term, StringComparison.Ordinal) || a.Title.Contains(term, StringComparison.Ordinal);
}

/// <summary>One first-stage result: the article, its Lucene score and the hand-set score of the engine without a ranker.</summary>
public sealed record Candidate(ArticleEntry Article, float Lucene, float HandSet);

/// <summary>
/// A linear re-ranker over the first-stage candidates. Its features are generic (no word lists, nothing about a
/// particular law) and normalized per question, so weights learned on the STARD train split carry over to a
/// library of any size. The weights live in <c>regulations/ranker.json</c> (<c>regulations benchmark --train</c>
/// writes it); without that file the engine keeps its hand-set combination.
/// </summary>
public sealed class RegulationRanker(IReadOnlyList<float> weights)
{
    public const string FileName = "ranker.json";

    /// <summary>
    /// Only the first candidates (hand-set order) are re-ranked, so the bot (5 answers) and the benchmark (100)
    /// see the same features and the cost stays bounded; the rest keep their order below them.
    /// </summary>
    public const int AggregateDepth = 100;

    public static readonly string[] FeatureNames =
    [
        "lucene",          // first-stage score / best first-stage score
        "handset_rank",    // 1 − log(1 + rank in the hand-set order) / log(1 + 100)
        "handset",         // today's hand-set score / its best
        "coverage",        // idf-weighted share of question words in the article, path or title (formal equivalents count)
        "literal_coverage",// the same without formal equivalents
        "bigram_coverage", // idf-weighted share of question bigrams in the article, path or title
        "path_coverage",   // idf-weighted share of question words in the title and 编章节 path alone
        "saturated_tf",    // Σ idf · tf/(tf+1) over question words, / Σ idf
        "phrase",          // longest run of consecutive question characters in the article / question length
        "phrase_long",     // that run is at least 6 characters
        "log_length",      // log(article length) / 7
        "prior_code", "prior_law", "prior_regulation", "prior_rule",
        "doc_top3",        // mean of the document's best three first-stage scores / best first-stage score
        "doc_count",       // log(1 + candidates of the same document) / log(101)
        "doc_coverage",    // idf-weighted share of question words found anywhere among the document's candidates
        "position",        // article's position in its document, 0 = first, 1 = last
        "opening",         // one of the document's first two articles (立法目的/适用范围 …)
        "named",           // the question names this regulation
        "expansion_only",  // coverage gained only through colloquial → formal expansion
        "title_in_question",   // share of the regulation title's bigrams that the question contains
        "heading_in_question", // share of the article's chapter/section heading bigrams that the question contains
        "title_length",    // log(title length) / log(40): long titles are interpretations and notices on one matter
        "doc_size",        // log(1 + articles in the document) / log(1001): comprehensive texts versus narrow ones
        "sentence_coverage", // idf-weighted share of question words found together in one sentence (。；！？) of the article
        "span",            // matched characters / shortest stretch of the article holding every matched question word
        "missing_idf",     // the highest idf among question words the article lacks / the question's highest idf
        "bm25",            // BM25 (k1 1.2, b 0.75, length in characters) of question words in the article text / its best
        "chapter_count",   // log(1 + candidates in the same chapter/section of the same document) / log(101)
        "chapter_coverage",// idf-weighted share of question words found anywhere among that chapter's candidates
        "doc_rank",        // 1 − log(1 + rank of the article's document by its best hand-set score) / log(101)
        "rank_in_doc",     // 1 − log(1 + rank of the article among its document's candidates) / log(101)
        "neighbor_coverage", // idf-weighted share of question words in the article and the articles next to it (among the candidates)
        "defines_asked",   // the article defines a term the question uses ("本法所称作品，是指…"): its length / 4, at most 1
        // Products of the strongest signals: a linear model cannot otherwise say "both at once".
        "x_handset_coverage", "x_handset_bigram", "x_handset_doc", "x_handset_sentence",
        "x_coverage_bigram", "x_coverage_doc", "x_coverage_sentence", "x_bigram_doc", "x_bigram_sentence", "x_doc_sentence",
    ];

    /// <summary>Column of the hand-set score, by which the fit orders a question's negatives.</summary>
    private static readonly int HandSet = Array.IndexOf(FeatureNames, "handset");

    /// <summary>The hand-written features before <c>sentence_coverage</c>, the added text features, the products.</summary>
    internal const int BaseCount = 26, TextCount = 36;

    private static readonly (string A, string B)[] Crosses =
    [
        ("handset", "coverage"), ("handset", "bigram_coverage"), ("handset", "doc_coverage"), ("handset", "sentence_coverage"),
        ("coverage", "bigram_coverage"), ("coverage", "doc_coverage"), ("coverage", "sentence_coverage"),
        ("bigram_coverage", "doc_coverage"), ("bigram_coverage", "sentence_coverage"), ("doc_coverage", "sentence_coverage"),
    ];

    public IReadOnlyList<float> Weights { get; } = weights.Count == FeatureNames.Length
        ? weights
        : throw new ArgumentException($"expected {FeatureNames.Length} weights", nameof(weights));

    public float Score(ReadOnlySpan<float> features)
    {
        var s = 0f;
        for (var i = 0; i < features.Length; i++)
            s += Weights[i] * features[i];
        return s;
    }

    /// <summary>
    /// The weights file, or null with the reason when it is unreadable: a damaged file must not stop the bot, which then
    /// answers with the hand-set combination.
    /// </summary>
    public static RegulationRanker? Load(string folder, out string? problem)
    {
        problem = null;
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            return null;
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path));
            if (root?["weights"] is not JsonObject json)
            {
                problem = $"{FileName} 缺少 \"weights\"，改用手工设定的排序。";
                return null;
            }
            return new RegulationRanker(FeatureNames.Select(n => json[n]?.GetValue<float>() ?? 0f).ToArray());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or IOException)
        {
            problem = $"{FileName} 无法读取（{e.Message}），改用手工设定的排序。";
            return null;
        }
    }

    public string ToJson(string note)
    {
        var weightsNode = new JsonObject();
        for (var i = 0; i < FeatureNames.Length; i++)
            weightsNode[FeatureNames[i]] = Math.Round(Weights[i], 5);
        return new JsonObject { ["note"] = note, ["weights"] = weightsNode }
            .ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    /// <summary>Feature rows for the first <see cref="AggregateDepth"/> candidates, which come best hand-set score first.</summary>
    public static float[][] Features(RegulationSnapshot s, QuestionTerms q, IReadOnlyList<Candidate> candidates)
    {
        if (candidates.Count > AggregateDepth)
            candidates = candidates.Take(AggregateDepth).ToList();
        var rows = new float[candidates.Count][];
        if (candidates.Count == 0)
            return rows;
        var maxLucene = Math.Max(1e-6f, candidates.Max(c => c.Lucene));
        var maxHand = Math.Max(1e-6f, candidates.Max(c => c.HandSet));
        var found = new bool[candidates.Count][];
        var bm25 = new float[candidates.Count];
        var maxIdf = q.Words.Count == 0 ? 0f : q.Words.Max(w => w.Weight);
        var averageLength = candidates.Average(c => (float)c.Article.Text.Length);
        var literal = new float[candidates.Count];
        var coverage = new float[candidates.Count];
        for (var i = 0; i < candidates.Count; i++)
        {
            var a = candidates[i].Article;
            found[i] = new bool[q.Words.Count];
            float lit = 0, path = 0, tf = 0, missing = 0, bm = 0;
            var norm = 1.2f * (0.25f + 0.75f * a.Text.Length / Math.Max(1f, averageLength));
            var inArticle = new string?[q.Words.Count];
            for (var j = 0; j < q.Words.Count; j++)
            {
                var (term, weight, alternatives) = q.Words[j];
                var inText = Count(a.Text, term);
                if (inText > 0)
                    inArticle[j] = term;
                var inPath = Contains(a.FullPath, term) || Contains(a.Title, term);
                var literalHit = inText > 0 || inPath;
                if (literalHit)
                    lit += weight;
                if (inPath)
                    path += weight;
                if (!literalHit)
                {
                    foreach (var alt in alternatives)
                    {
                        var n = Count(a.Text, alt);
                        if (n > inText)
                            (inText, inArticle[j]) = (n, alt);
                    }
                }
                var any = literalHit || q.Found(a, j);
                found[i][j] = any;
                if (!any)
                    missing = Math.Max(missing, weight);
                tf += weight * inText / (inText + 1f);
                bm += weight * inText * 2.2f / (inText + norm);
            }
            bm25[i] = bm;
            var named = q.NamedTitles.Contains(a.Title);
            coverage[i] = q.Coverage(a.Title, found[i]);
            literal[i] = q.WordTotal <= 0 ? 0 : lit / q.WordTotal;
            float big = 0;
            foreach (var (term, weight) in q.Bigrams)
            {
                if (Contains(a.Text, term) || Contains(a.FullPath, term) || Contains(a.Title, term))
                    big += weight;
            }
            var run = LongestRun(q.Text, a.Text);
            var prior = SearchWeights.Rank(a.Title);
            var doc = s.Document(a);
            var index = doc is null ? 0 : IndexIn(doc, a);
            var position = doc is null || doc.Articles.Count <= 1 ? 0f : Math.Clamp(index / (float)(doc.Articles.Count - 1), 0f, 1f);
            rows[i] =
            [
                candidates[i].Lucene / maxLucene,
                1f - MathF.Log(1 + i) / MathF.Log(1 + AggregateDepth),
                candidates[i].HandSet / maxHand,
                coverage[i],
                literal[i],
                q.BigramTotal <= 0 ? 0 : big / q.BigramTotal,
                q.WordTotal <= 0 ? 0 : path / q.WordTotal,
                q.WordTotal <= 0 ? 0 : tf / q.WordTotal,
                q.Text.Length == 0 ? 0 : run / (float)q.Text.Length,
                run >= 6 ? 1f : 0f,
                MathF.Log(Math.Max(1, a.Text.Length)) / 7f,
                prior == 0 ? 1f : 0f, prior == 1 ? 1f : 0f, prior == 2 ? 1f : 0f, prior == 3 ? 1f : 0f,
                0f, 0f, 0f, // document aggregates, below
                position,
                doc is not null && index < 2 ? 1f : 0f,
                named ? 1f : 0f,
                Math.Max(0f, coverage[i] - literal[i]),
                ShareIn(q.Full, TitleCore(a.Title)),
                ShareIn(q.Full, Heading(a.Path)),
                MathF.Log(Math.Max(1, TitleCore(a.Title).Length)) / MathF.Log(40),
                doc is null ? 0f : MathF.Log(1 + doc.Articles.Count) / MathF.Log(1001),
                q.WordTotal <= 0 ? 0 : SentenceCoverage(a.Text, q, inArticle) / q.WordTotal,
                Span(a.Text, inArticle),
                maxIdf <= 0 ? 0 : missing / maxIdf,
                0f, 0f, 0f, 0f, 0f, 0f, // bm25, chapter, document-rank and neighbour aggregates, below
                Math.Min(1f, DefinedTermIn(a.Text, q.Full) / 4f),
                .. new float[Crosses.Length],
            ];
        }
        var docs = new Dictionary<string, List<int>>();
        for (var i = 0; i < candidates.Count; i++)
        {
            var key = candidates[i].Article.DocKey;
            if (!docs.TryGetValue(key, out var list))
                docs[key] = list = [];
            list.Add(i);
        }
        var maxBm25 = Math.Max(1e-6f, bm25.Max());
        var chapters = new Dictionary<(string, string), List<int>>();
        for (var i = 0; i < candidates.Count; i++)
        {
            rows[i][BaseCount + 3] = bm25[i] / maxBm25;
            var key = (candidates[i].Article.DocKey, candidates[i].Article.FullPath);
            if (!chapters.TryGetValue(key, out var list))
                chapters[key] = list = [];
            list.Add(i);
        }
        foreach (var group in chapters.Values)
        {
            var count = MathF.Log(1 + group.Count) / MathF.Log(1 + AggregateDepth);
            var cov = UnionCoverage(q, found, group);
            foreach (var i in group)
            {
                rows[i][BaseCount + 4] = count;
                rows[i][BaseCount + 5] = cov;
            }
        }
        var docOrder = docs.Values.OrderByDescending(g => g.Max(i => candidates[i].HandSet)).ToList();
        var bySeq = new Dictionary<(string, int), int>();
        for (var i = 0; i < candidates.Count; i++)
            bySeq.TryAdd((candidates[i].Article.DocKey, candidates[i].Article.Seq), i);
        for (var d = 0; d < docOrder.Count; d++)
        {
            var inDoc = docOrder[d].OrderByDescending(i => candidates[i].HandSet).ToList();
            for (var r = 0; r < inDoc.Count; r++)
            {
                var i = inDoc[r];
                var a = candidates[i].Article;
                rows[i][BaseCount + 6] = 1f - MathF.Log(1 + d) / MathF.Log(1 + AggregateDepth);
                rows[i][BaseCount + 7] = 1f - MathF.Log(1 + r) / MathF.Log(1 + AggregateDepth);
                var around = new List<int> { i };
                foreach (var seq in new[] { a.Seq - 1, a.Seq + 1 })
                {
                    if (bySeq.TryGetValue((a.DocKey, seq), out var k))
                        around.Add(k);
                }
                rows[i][BaseCount + 8] = UnionCoverage(q, found, around);
            }
        }
        foreach (var group in docs.Values)
        {
            var top3 = group.Select(i => candidates[i].Lucene).OrderDescending().Take(3).Sum() / 3f / maxLucene;
            var count = MathF.Log(1 + group.Count) / MathF.Log(1 + AggregateDepth);
            var docCoverage = UnionCoverage(q, found, group);
            foreach (var i in group)
            {
                rows[i][15] = top3;
                rows[i][16] = count;
                rows[i][17] = docCoverage;
            }
        }
        foreach (var row in rows)
        {
            for (var c = 0; c < Crosses.Length; c++)
                row[TextCount + c] = row[CrossIndex[c].A] * row[CrossIndex[c].B];
        }
        return rows;
    }

    private static readonly (int A, int B)[] CrossIndex =
        Crosses.Select(c => (Array.IndexOf(FeatureNames, c.A), Array.IndexOf(FeatureNames, c.B))).ToArray();

    private static float UnionCoverage(QuestionTerms q, bool[][] found, List<int> group)
    {
        float union = 0;
        for (var j = 0; j < q.Words.Count; j++)
        {
            if (group.Any(i => found[i][j]))
                union += q.Words[j].Weight;
        }
        return q.WordTotal <= 0 ? 0 : union / q.WordTotal;
    }

    private static readonly char[] SentenceEnds = ['。', '；', '！', '？', '\n'];

    /// <summary>The best idf-weighted sum of question words (as found in the article: the word or its formal equivalent) within one sentence.</summary>
    internal static float SentenceCoverage(string text, QuestionTerms q, IReadOnlyList<string?> inArticle)
    {
        float best = 0;
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOfAny(SentenceEnds, start);
            if (end < 0)
                end = text.Length;
            var sentence = text.AsSpan(start, end - start);
            float sum = 0;
            for (var j = 0; j < inArticle.Count; j++)
            {
                if (inArticle[j] is { } t && sentence.IndexOf(t.AsSpan(), StringComparison.Ordinal) >= 0)
                    sum += q.Words[j].Weight;
            }
            best = Math.Max(best, sum);
            start = end + 1;
        }
        return best;
    }

    /// <summary>
    /// Matched characters / the shortest stretch of <paramref name="text"/> that holds one occurrence of every matched
    /// word: 1 when they stand side by side (or one word at most matched), small when they are scattered.
    /// </summary>
    internal static float Span(string text, IReadOnlyList<string?> inArticle)
    {
        var terms = new List<string>(inArticle.Count);
        foreach (var t in inArticle)
        {
            if (t is not null && !terms.Contains(t))
                terms.Add(t);
        }
        if (terms.Count < 2)
            return terms.Count;
        var starts = new List<int>();
        var ids = new List<int>();
        for (var t = 0; t < terms.Count; t++)
        {
            for (var p = text.IndexOf(terms[t], StringComparison.Ordinal); p >= 0; p = text.IndexOf(terms[t], p + 1, StringComparison.Ordinal))
            {
                starts.Add(p);
                ids.Add(t);
            }
        }
        var startArray = starts.ToArray();
        var idArray = ids.ToArray();
        Array.Sort(startArray, idArray);
        var counts = new int[terms.Count];
        int covered = 0, best = int.MaxValue, left = 0, matched = 0;
        foreach (var t in terms)
            matched += t.Length;
        for (var right = 0; right < startArray.Length; right++)
        {
            if (counts[idArray[right]]++ == 0)
                covered++;
            while (covered == terms.Count)
            {
                var end = 0;
                for (var k = left; k <= right; k++)
                    end = Math.Max(end, startArray[k] + terms[idArray[k]].Length);
                best = Math.Min(best, end - startArray[left]);
                if (--counts[idArray[left]] == 0)
                    covered--;
                left++;
            }
        }
        return best == int.MaxValue ? 0f : Math.Min(1f, matched / (float)best);
    }

    /// <summary>
    /// Length of the longest term the text defines ("X是指…", "本法所称X，是指…") that the question contains, 0 when none:
    /// statutes answer "什么是X" / "X算不算Y" in their definition articles.
    /// </summary>
    internal static int DefinedTermIn(string text, string question)
    {
        var best = 0;
        for (var p = text.IndexOf("是指", StringComparison.Ordinal); p > 0; p = text.IndexOf("是指", p + 2, StringComparison.Ordinal))
        {
            var end = text[p - 1] == '，' ? p - 1 : p;
            var start = Math.Max(0, end - 12);
            var cut = text.LastIndexOfAny(ClauseEnds, Math.Max(0, end - 1), end - start);
            if (cut >= 0)
                start = cut + 1;
            var term = text[start..end];
            if (term.LastIndexOf("所称", StringComparison.Ordinal) is var said and >= 0)
                term = term[(said + 2)..].TrimStart('的');
            for (var k = 0; k + 1 < term.Length && term.Length - k > best; k++)
            {
                if (question.Contains(term[k..], StringComparison.Ordinal))
                {
                    best = term.Length - k;
                    break;
                }
            }
        }
        return best;
    }

    private static readonly char[] ClauseEnds = ['。', '；', '，', '：', '\n', '、'];

    /// <summary>The title without the issuing-state prefix and a trailing "（2018年修正）".</summary>
    internal static string TitleCore(string title)
    {
        var t = title.TrimEnd('）', ')');
        var open = t.LastIndexOf('（');
        if (open > 0 && t.Length - open < 12)
            t = t[..open];
        foreach (var prefix in new[] { "中华人民共和国", "中国共产党" })
        {
            if (t.StartsWith(prefix, StringComparison.Ordinal) && t.Length > prefix.Length + 1)
                t = t[prefix.Length..];
        }
        return t;
    }

    /// <summary>"第二编 物权 / 第一章 一般规定" → "一般规定": the innermost heading without its number.</summary>
    internal static string Heading(string path)
    {
        var last = path[(path.LastIndexOf('/') + 1)..].Trim();
        var space = last.IndexOf(' ');
        return last.StartsWith('第') && space > 0 ? last[(space + 1)..].Trim() : last;
    }

    /// <summary>Share of the CJK bigrams of <paramref name="phrase"/> that occur in <paramref name="text"/>.</summary>
    internal static float ShareIn(string text, string phrase)
    {
        int all = 0, found = 0;
        for (var i = 0; i + 1 < phrase.Length; i++)
        {
            if (!char.IsLetterOrDigit(phrase[i]) || !char.IsLetterOrDigit(phrase[i + 1]))
                continue;
            all++;
            if (text.AsSpan().IndexOf(phrase.AsSpan(i, 2), StringComparison.Ordinal) >= 0)
                found++;
        }
        return all == 0 ? 0f : found / (float)all;
    }

    /// <summary>Articles are sorted by number and sub-number.</summary>
    private static int IndexIn(RegulationDocument doc, ArticleEntry a)
    {
        int lo = 0, hi = doc.Articles.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            var m = doc.Articles[mid];
            var c = m.Number != a.Number ? m.Number.CompareTo(a.Number) : m.Sub.CompareTo(a.Sub);
            if (c == 0)
                return mid;
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid - 1;
        }
        return 0;
    }

    private static bool Contains(string text, string term) => text.Contains(term, StringComparison.Ordinal);

    internal static int Count(string text, string term)
    {
        if (term.Length == 0)
            return 0;
        var n = 0;
        for (var i = text.IndexOf(term, StringComparison.Ordinal); i >= 0; i = text.IndexOf(term, i + term.Length, StringComparison.Ordinal))
            n++;
        return n;
    }

    /// <summary>Length of the longest stretch of the question that occurs verbatim in the text (phrase proximity).</summary>
    internal static int LongestRun(string question, string text)
    {
        var best = 0;
        var t = text.AsSpan();
        for (var i = 0; i + best < question.Length; i++)
        {
            while (i + best < question.Length && t.IndexOf(question.AsSpan(i, best + 1), StringComparison.Ordinal) >= 0)
                best++;
        }
        return best;
    }

    /// <summary>
    /// Pairwise logistic loss (RankNet) over (relevant, irrelevant) candidate pairs of each training question,
    /// L2-regularized, full-batch gradient descent from zero: deterministic. Only the first <paramref name="features"/>
    /// features are used (the rest keep weight 0). With <paramref name="topWeight"/> &gt; 1, pairs against the ten
    /// hardest negatives count that many times more (LambdaRank-style emphasis on the first page).
    /// <paramref name="balanced"/>: a question with several relevant articles weighs as much as one with a single one.
    /// </summary>
    public static RegulationRanker Fit(IReadOnlyList<(float[][] Rows, bool[] Relevant)> questions, float l2 = 1e-3f, int iterations = 400, int features = 0, float topWeight = 1f, bool balanced = false)
    {
        var n = FeatureNames.Length;
        var used = features <= 0 ? n : features;
        var pairs = new List<(float[] D, float Weight)>();
        foreach (var (rows, relevant) in questions)
        {
            // Every negative, best hand-set score first: the first ten are the ones topWeight emphasizes.
            var hardest = Enumerable.Range(0, rows.Length).Where(k => !relevant[k])
                .OrderByDescending(k => rows[k][HandSet]).ToList();
            // Balanced: every question weighs the same, however many relevant articles it has.
            var share = balanced ? 1f / Math.Max(1, relevant.Count(r => r)) : 1f;
            for (var p = 0; p < rows.Length; p++)
            {
                if (!relevant[p])
                    continue;
                for (var h = 0; h < hardest.Count; h++)
                {
                    var k = hardest[h];
                    var d = new float[used];
                    for (var f = 0; f < used; f++)
                        d[f] = rows[p][f] - rows[k][f];
                    pairs.Add((d, share * (h < 10 ? topWeight : 1f)));
                }
            }
        }
        var w = new double[n];
        Descend(w, used, pairs, l2, iterations);
        return new RegulationRanker(w.Select(x => (float)x).ToArray());
    }

    /// <summary>Adam on the weighted mean pairwise logistic loss log(1 + e^−w·d) + l2/2·|w|² over the first <paramref name="n"/> weights.</summary>
    private static void Descend(double[] w, int n, List<(float[] D, float Weight)> pairs, float l2, int iterations)
    {
        var m = new double[n];
        var v = new double[n];
        var total = pairs.Sum(p => (double)p.Weight);
        const double rate = 0.05, beta1 = 0.9, beta2 = 0.999;
        for (var it = 1; it <= iterations && pairs.Count > 0; it++)
        {
            var grad = new double[n];
            foreach (var (d, weight) in pairs)
            {
                double z = 0;
                for (var f = 0; f < n; f++)
                    z += w[f] * d[f];
                var g = -weight / (1.0 + Math.Exp(z));
                for (var f = 0; f < n; f++)
                    grad[f] += g * d[f];
            }
            for (var f = 0; f < n; f++)
            {
                var gf = grad[f] / total + l2 * w[f];
                m[f] = beta1 * m[f] + (1 - beta1) * gf;
                v[f] = beta2 * v[f] + (1 - beta2) * gf * gf;
                var mh = m[f] / (1 - Math.Pow(beta1, it));
                var vh = v[f] / (1 - Math.Pow(beta2, it));
                w[f] -= rate * mh / (Math.Sqrt(vh) + 1e-8);
            }
        }
    }

    /// <summary>
    /// Coordinate ascent from <paramref name="start"/> on Hit@5 + MRR@10 of the training questions: each weight in
    /// turn tries a few steps and keeps the best; a step must improve the objective by a margin to be taken.
    /// </summary>
    public static RegulationRanker Refine(RegulationRanker start, IReadOnlyList<(float[][] Rows, bool[] Relevant)> questions, int rounds = 3)
    {
        var w = start.Weights.ToArray();
        var scale = Math.Max(1e-3f, w.Max(Math.Abs));
        var best = Objective(w, questions);
        for (var round = 0; round < rounds; round++)
        {
            var improved = false;
            for (var f = 0; f < w.Length; f++)
            {
                if (w[f] == 0)
                    continue; // a feature left out of the fit stays out
                foreach (var step in new[] { -0.5f, -0.2f, -0.1f, -0.05f, 0.05f, 0.1f, 0.2f, 0.5f })
                {
                    var old = w[f];
                    w[f] = old + step * scale;
                    var o = Objective(w, questions);
                    if (o > best + 1e-4)
                    {
                        best = o;
                        improved = true;
                    }
                    else
                    {
                        w[f] = old;
                    }
                }
            }
            if (!improved)
                break;
        }
        return new RegulationRanker(w);
    }

    private static double Objective(float[] w, IReadOnlyList<(float[][] Rows, bool[] Relevant)> questions)
    {
        var ranker = new RegulationRanker(w);
        double sum = 0;
        foreach (var (rows, relevant) in questions)
        {
            var rank = ranker.RankOfFirstRelevant(rows, relevant);
            sum += (rank < 5 ? 1 : 0) + (rank < 10 ? 1.0 / (rank + 1) : 0);
        }
        return sum / Math.Max(1, questions.Count);
    }

    /// <summary>0-based rank of the best-ranked relevant candidate, int.MaxValue when none is relevant.</summary>
    public int RankOfFirstRelevant(float[][] rows, bool[] relevant)
    {
        var bestRelevant = float.NegativeInfinity;
        var any = false;
        for (var i = 0; i < rows.Length; i++)
        {
            if (relevant[i])
            {
                bestRelevant = Math.Max(bestRelevant, Score(rows[i]));
                any = true;
            }
        }
        if (!any)
            return int.MaxValue;
        var above = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            if (!relevant[i] && Score(rows[i]) > bestRelevant)
                above++;
        }
        return above;
    }

    public override string ToString() => string.Join(", ", FeatureNames.Select((n, i) => string.Create(CultureInfo.InvariantCulture, $"{n}={Weights[i]:0.000}")));
}
