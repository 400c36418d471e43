using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Bot.App.Regulations;

/// <summary>
/// <paramref name="Confidence"/> is the share of the question's words, weighted by their idf, that occur in the
/// article (or its title/path): 0–1 and comparable across libraries of any size, unlike the raw BM25 score.
/// </summary>
public sealed record SearchHit(ArticleEntry Article, float Score, float Confidence = 1f);

/// <summary>Weights of the query parts; the defaults were chosen on the STARD train split (see docs/benchmarks.md).</summary>
public sealed record SearchWeights(
    float Words = 1.0f,
    float Bigrams = 0.8f,
    float Context = 0.1f,
    float NamedTitle = 4f,
    float Expansion = 0.6f,
    float CodeOrConstitution = 1.5f,
    float Law = 1.25f,
    float Regulation = 1.0f,
    float Rule = 0.85f,
    float DocumentContext = 0.3f,
    float Superseded = 0f,
    float Coordination = 0.5f,
    int PoolFactor = 10)
{
    /// <summary>
    /// The rank of a text in the legal hierarchy, read from how its title ends (宪法/法典 › 法 › 条例/准则 ›
    /// 规定/办法/解释 …). A general question is more often answered by a higher-ranking text; the factors are
    /// learned on the train split.
    /// </summary>
    public float Prior(string title) => Rank(title) switch
    {
        0 => CodeOrConstitution,
        1 => Law,
        2 => Regulation,
        _ => Rule,
    };

    /// <summary>0 = 法典/宪法/党章, 1 = 法, 2 = 条例/准则/规则, 3 = everything else.</summary>
    public static int Rank(string title)
    {
        var t = title.TrimEnd('）', ')');
        var close = t.LastIndexOf('（');
        if (close > 0 && t.Length - close < 12)
            t = t[..close]; // "（2018年修正）", "（示例）"
        if (t.EndsWith("法典", StringComparison.Ordinal) || t.EndsWith("宪法", StringComparison.Ordinal) || t.EndsWith("党章", StringComparison.Ordinal))
            return 0;
        if (t.EndsWith('法') && !t.EndsWith("办法", StringComparison.Ordinal)) // 办法 is a rule, not a law
            return 1;
        if (t.EndsWith("条例", StringComparison.Ordinal) || t.EndsWith("准则", StringComparison.Ordinal) || t.EndsWith("规则", StringComparison.Ordinal))
            return 2;
        return 3;
    }
}

/// <summary>"处分条例第23条" → optional regulation name, number 23, sub 0.</summary>
public sealed record ArticleReference(int Number, int Sub, string? Title, bool Explicit);

public abstract record LookupResult
{
    public sealed record Found(ArticleEntry Article) : LookupResult;
    /// <summary>The number exists in several regulations and nothing says which one.</summary>
    public sealed record Ambiguous(ArticleReference Reference, IReadOnlyList<ArticleEntry> Candidates) : LookupResult;
    public sealed record Missing(string Message) : LookupResult;
}

/// <summary>
/// Our engine: explicit article references first, then BM25 over words, CJK bigrams and the chapter/title
/// context, with regulation names in the question boosting that regulation and colloquial words expanded.
/// Only current versions are answered unless the question names a year ("2018年版").
/// </summary>
public sealed partial class RegulationSearch(Lexicon lexicon, SearchWeights? weights = null) : IDisposable
{
    private readonly SearchWeights w = weights ?? new SearchWeights();
    private readonly ThreadLocal<Analyzer> analyzers = new(RegulationIndex.Analyzer, trackAllValues: true);
    private readonly ConditionalWeakTable<RegulationSnapshot, TitleMatcher> matchers = new();

    public Lexicon Lexicon => lexicon;

    public IReadOnlyList<SearchHit> Search(RegulationSnapshot s, string question, int top = 10)
    {
        if (Retrieve(s, question, top) is not { } r)
            return [];
        var hits = r.Leading.ToList();
        var onPage = hits.Select(h => (h.Article.Title, h.Article.Number, h.Article.Sub)).ToHashSet();
        hits.AddRange(Rank(s, r)
            .Where(h => onPage.Add((h.Article.Title, h.Article.Number, h.Article.Sub))) // one version of an article per page
            .Take(top - hits.Count)
            .Select(h => h with { Confidence = r.Terms.Coverage(h.Article) }));
        // The looked-up article leads with a score just above the best text match.
        if (hits.Count > 0 && hits[0].Score == float.MaxValue)
            hits[0] = hits[0] with { Score = (hits.Count > 1 ? hits[1].Score : 0f) + 1f };
        return hits;
    }

    /// <summary>The hook between first stage and page: candidates in, ordered hits out (learned ranker, else the hand-set score).</summary>
    private IEnumerable<SearchHit> Rank(RegulationSnapshot s, Retrieval r)
    {
        if (lexicon.Ranker is not { } ranker)
            return r.Candidates.Select(c => new SearchHit(c.Article, c.HandSet));
        var rows = RegulationRanker.Features(s, r.Terms, r.Candidates);
        var reranked = rows.Select((f, i) => new SearchHit(r.Candidates[i].Article, ranker.Score(f))).OrderByDescending(h => h.Score).ToList();
        var floor = reranked.Count > 0 ? reranked[^1].Score : 0f;
        return reranked.Concat(r.Candidates.Skip(rows.Length).Select((c, i) => new SearchHit(c.Article, floor - 1f - i * 1e-3f)));
    }

    /// <summary>The head of the candidate list whose coverage is always computed: enough to refill the page after superseded versions are dropped.</summary>
    internal static int Fetch(int top) => Math.Max(top * 3, top + 100);

    /// <summary>The first-stage candidates of a question (best hand-set score first) and their re-ranker features (for training the ranker).</summary>
    internal (IReadOnlyList<Candidate> Candidates, float[][] Rows) Candidates(RegulationSnapshot s, string question, int top)
    {
        if (Retrieve(s, question, top) is not { } r)
            return ([], []);
        var rows = RegulationRanker.Features(s, r.Terms, r.Candidates);
        return (r.Candidates.Take(rows.Length).ToList(), rows);
    }

    private sealed record Retrieval(IReadOnlyList<SearchHit> Leading, IReadOnlyList<Candidate> Candidates, QuestionTerms Terms);

    private Retrieval? Retrieve(RegulationSnapshot s, string question, int top)
    {
        if (s.Searcher is null || string.IsNullOrWhiteSpace(question))
            return null;
        var q = Normalize(question);
        var named = Titles(s).Find(q);
        var year = VersionYear().Match(q) is { Success: true } y ? int.Parse(y.Groups[1].Value) : (int?)null;

        var leading = new List<SearchHit>();
        if (ParseReference(s, q) is { } reference && Lookup(s, reference, null, year) is LookupResult.Found found)
            leading.Add(new SearchHit(found.Article, float.MaxValue));

        var text = q;
        foreach (var name in named)
            text = text.Replace(name.Variant, " ");
        var query = new BooleanQuery(disableCoord: true);
        var terms = new Dictionary<(string Field, string Term), float>();
        void AddTerms(string field, List<string> tokens, float weight)
        {
            if (weight <= 0)
                return;
            foreach (var t in tokens)
            {
                if (lexicon.Filler.Contains(t))
                    continue;
                terms[(field, t)] = terms.GetValueOrDefault((field, t)) + weight;
            }
        }
        // Each text is analysed once per analyzer (SmartCn's segmentation is the costly part of preparing a query).
        var stripped = StripFiller(text);
        var wordTokens = Tokens(RegulationIndex.Words, text);
        var bigramTokens = Tokens(RegulationIndex.Bigrams, stripped);
        AddTerms(RegulationIndex.Words, wordTokens, w.Words);
        AddTerms(RegulationIndex.Bigrams, bigramTokens, w.Bigrams);
        AddTerms(RegulationIndex.Context, Tokens(RegulationIndex.Context, text), w.Context);
        var colloquial = lexicon.Matches(q);
        var expansion = string.Join(' ', colloquial.SelectMany(c => c.Formal));
        if (expansion.Length > 0)
        {
            AddTerms(RegulationIndex.Words, Tokens(RegulationIndex.Words, expansion), w.Words * w.Expansion);
            AddTerms(RegulationIndex.Bigrams, Tokens(RegulationIndex.Bigrams, expansion), w.Bigrams * w.Expansion);
        }
        foreach (var ((field, term), weight) in terms.Take(BooleanQuery.MaxClauseCount - 10))
            query.Add(new TermQuery(new Term(field, term)) { Boost = weight }, Occur.SHOULD);
        foreach (var name in named.Select(n => n.Title).Distinct())
            query.Add(new ConstantScoreQuery(new TermQuery(new Term(RegulationIndex.TitleKey, name))) { Boost = w.NamedTitle }, Occur.SHOULD);
        var reader = s.Searcher.IndexReader;
        // Coverage counts the asker's own words (digits are case facts, not clause words); a colloquial word
        // counts as found when one of its formal equivalents is in the article.
        var words = wordTokens.Where(t => !lexicon.Filler.Contains(t) && !t.All(char.IsAsciiDigit)).Distinct()
            .Select(t => (Term: t, Weight: Idf(reader.DocFreq(new Term(RegulationIndex.Words, t)), reader.MaxDoc),
                Alternatives: (IReadOnlyList<string>)colloquial.Where(c => c.Colloquial.Contains(t, StringComparison.Ordinal)).SelectMany(c => c.Formal).ToList()))
            .ToList();
        var bigrams = bigramTokens.Where(t => t.Length == 2 && !lexicon.Filler.Contains(t)).Distinct()
            .Select(t => (Term: t, Weight: Idf(reader.DocFreq(new Term(RegulationIndex.Bigrams, t)), reader.MaxDoc)))
            .ToList();
        var questionTerms = new QuestionTerms(words, bigrams, named.Select(n => n.Title).ToHashSet(),
            new string(stripped.Where(char.IsLetterOrDigit).ToArray()), new string(q.Where(char.IsLetterOrDigit).ToArray()));
        if (query.Clauses.Count == 0)
            return new Retrieval(leading.Select(h => h with { Score = 1f }).ToList(), [], questionTerms);

        // Coordination: an article that holds more of the question's (idf-weighted) words is preferred over one
        // that repeats a single word often — BM25 alone rewards the latter. Exponent chosen on the train split.
        var docs = s.Searcher.Search(query, CandidateCount(top)).ScoreDocs;
        var ranked = new List<Candidate>(docs.Length);
        // Beyond the head, the word check (the costly part) runs only for an article whose score could still reach
        // the page if it held every word of the question.
        var head = Fetch(top);
        var bar = float.MinValue;
        for (var i = 0; i < docs.Length; i++)
        {
            var d = docs[i];
            if (i == head && ranked.Count >= top)
                bar = ranked.Select(h => h.HandSet).OrderDescending().ElementAt(top - 1);
            if (s.Articles[d.Doc] is not { } a || leading.Any(h => h.Article == a))
                continue;
            var wanted = year is { } yr ? a.Version?.Year == yr || !s.ByTitle[a.Title].Any(v => v.Version?.Year == yr) && s.IsCurrent(a) : s.IsCurrent(a);
            // Older versions stay findable below the current text: revisions renumber articles, and people
            // quote the numbers they learned.
            var factor = wanted ? 1f : year is null ? w.Superseded : 0f;
            if (factor > 0 && d.Score * factor * w.Prior(a.Title) > bar)
                ranked.Add(new Candidate(a, d.Score * factor, d.Score * factor * w.Prior(a.Title) * (w.Coordination > 0 ? MathF.Pow(Math.Max(questionTerms.Coverage(a), 0.05f), w.Coordination) : 1f)));
        }
        // A regulation with several matching articles is more likely the one the question is about: each article
        // gets a share of the mean of its document's best three scores.
        if (w.DocumentContext > 0)
        {
            var byDoc = ranked.GroupBy(h => h.Article.DocKey)
                .ToDictionary(g => g.Key, g => g.Select(h => h.HandSet).OrderDescending().Take(3).Sum() / 3f);
            ranked = ranked.Select(h => h with { HandSet = h.HandSet + w.DocumentContext * byDoc[h.Article.DocKey] }).ToList();
        }
        return new Retrieval(leading, ranked.OrderByDescending(c => c.HandSet).ToList(), questionTerms);
    }


    /// <summary>
    /// How many BM25 hits the first stage hands to the re-scoring: enough to refill the page after superseded versions
    /// are dropped, and for a long page (the benchmark's 100, a re-ranker's candidates) deep enough that articles the
    /// coordination, prior and document factors lift from far below still make the page. `regulations benchmark --tune`
    /// on the train split (with the re-ranker): Recall@100 0.737 (×3) → 0.757 (×10), Hit@5 0.626 → 0.636.
    /// </summary>
    internal int CandidateCount(int top) => Math.Max(top + 100, top * Math.Max(3, w.PoolFactor));

    /// <summary>Lucene's BM25 idf.</summary>
    private static float Idf(long docFreq, long docCount) => (float)Math.Log(1 + (docCount - docFreq + 0.5) / (docFreq + 0.5));

    /// <summary>An explicit article number in the question, with the regulation it names if any.</summary>
    public ArticleReference? ParseReference(RegulationSnapshot s, string question)
    {
        var q = Normalize(question);
        var m = ArticlePattern().Match(q);
        if (!m.Success || ChineseNumerals.Parse(m.Groups[2].Value) is not { } n || n <= 0)
            return null;
        var hasDi = m.Groups[1].Success;
        var isArabic = char.IsAsciiDigit(m.Groups[2].Value[0]);
        if (!hasDi && !isArabic)
            return null; // "三条建议" is not a reference; "第三条" and "383条" are
        var sub = m.Groups[3].Success ? ChineseNumerals.Parse(m.Groups[3].Value) ?? 0 : 0;
        var named = Titles(s).Find(q[..m.Index]);
        return new ArticleReference(n, sub, named.Count > 0 ? named[^1].Title : null, true);
    }

    /// <summary>Resolves a reference: the named regulation, else the conversation's last one, else the only one that has it.</summary>
    public LookupResult Lookup(RegulationSnapshot s, ArticleReference r, string? contextTitle, int? year = null)
    {
        RegulationDocument? Pick(string title) =>
            s.ByTitle.TryGetValue(title, out var versions)
                ? versions.FirstOrDefault(v => year is { } y && v.Version?.Year == y) ?? versions[0]
                : null;

        var label = ChineseNumerals.ArticleLabel(r.Number, r.Sub);
        if (r.Title is { } title && Pick(title) is { } doc)
        {
            return doc.Articles.FirstOrDefault(a => a.Number == r.Number && a.Sub == r.Sub) is { } a
                ? new LookupResult.Found(a)
                : new LookupResult.Missing($"《{title}》中没有{label}（共 {doc.Articles.Count} 条）。");
        }
        if (contextTitle is not null && Pick(contextTitle)?.Articles.FirstOrDefault(a => a.Number == r.Number && a.Sub == r.Sub) is { } inContext)
            return new LookupResult.Found(inContext);
        var candidates = s.Documents.Where(d => d.IsCurrent)
            .Select(d => d.Articles.FirstOrDefault(a => a.Number == r.Number && a.Sub == r.Sub))
            .OfType<ArticleEntry>()
            .ToList();
        return candidates.Count switch
        {
            0 => new LookupResult.Missing($"已导入的规定中都没有{label}。"),
            1 => new LookupResult.Found(candidates[0]),
            _ => new LookupResult.Ambiguous(r, candidates),
        };
    }

    public IReadOnlyList<(string Variant, string Title)> NamedTitles(RegulationSnapshot s, string question) => Titles(s).Find(Normalize(question));

    private TitleMatcher Titles(RegulationSnapshot s) => matchers.GetValue(s, snap => new TitleMatcher(snap, lexicon));

    private List<string> Tokens(string field, string text)
    {
        var analyzer = analyzers.Value!;
        using var stream = analyzer.GetTokenStream(field, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        var list = new List<string>();
        while (stream.IncrementToken())
            list.Add(term.ToString());
        stream.End();
        return list;
    }

    private string StripFiller(string text)
    {
        foreach (var f in lexicon.Filler.Where(f => f.Length > 1))
            text = text.Replace(f, " ");
        return text;
    }

    /// <summary>Full-width letters/digits to ASCII, punctuation to spaces: users type both.</summary>
    public static string Normalize(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            var ch = c is >= '！' and <= '～' ? (char)(c - 0xFEE0) : c == '\u3000' ? ' ' : c;
            sb.Append(ch);
        }
        return sb.ToString().Trim();
    }

    public void Dispose()
    {
        foreach (var a in analyzers.Values)
            a.Dispose();
        analyzers.Dispose();
    }

    [GeneratedRegex(@"(第)?\s*([零〇一二两三四五六七八九十百千0-9]+)\s*条(?:之([一二三四五六七八九十]+))?")]
    private static partial Regex ArticlePattern();

    [GeneratedRegex(@"((?:19|20)\d{2})\s*年\s*(?:版|修订|修正|的)")]
    private static partial Regex VersionYear();

    /// <summary>Names of the imported regulations as people write them: full title, without 中华人民共和国, aliases.</summary>
    private sealed class TitleMatcher
    {
        private readonly List<(string Variant, string Title)> variants;

        public TitleMatcher(RegulationSnapshot s, Lexicon lexicon)
        {
            var list = new List<(string, string)>();
            foreach (var title in s.ByTitle.Keys)
            {
                list.Add((title, title));
                if (title.StartsWith("中华人民共和国", StringComparison.Ordinal) && title.Length > 9)
                    list.Add((title[7..], title));
                if (title.StartsWith("中国共产党", StringComparison.Ordinal) && title.Length > 7)
                    list.Add((title[5..], title));
            }
            foreach (var (alias, title) in lexicon.Aliases)
            {
                if (s.ByTitle.ContainsKey(title))
                    list.Add((alias, title));
            }
            // Questions are normalized (full-width "（试行）" becomes "(试行)"), so the names are too.
            variants = list.Select(v => (Variant: Normalize(v.Item1), Title: v.Item2)).Where(v => v.Variant.Length >= 2)
                .DistinctBy(v => v.Variant).OrderByDescending(v => v.Variant.Length).ToList();
            byStart = variants.Select((v, order) => (v.Variant, order)).GroupBy(v => v.Variant[..2])
                .ToDictionary(g => g.Key, g => g.ToList());
        }

        /// <summary>Variants (with their place in <see cref="variants"/>) by their first two characters: a question is checked only against names that start somewhere in it.</summary>
        private readonly Dictionary<string, List<(string Variant, int Order)>> byStart;

        /// <summary>Longest names first; a name inside an already matched longer one does not count again.</summary>
        public List<(string Variant, string Title)> Find(string text)
        {
            var first = new Dictionary<int, int>(); // place in variants → first occurrence in the text
            for (var i = 0; i + 1 < text.Length; i++)
            {
                if (!byStart.TryGetValue(text.Substring(i, 2), out var starting))
                    continue;
                foreach (var (variant, order) in starting)
                {
                    if (!first.ContainsKey(order) && string.CompareOrdinal(text, i, variant, 0, variant.Length) == 0)
                        first[order] = i;
                }
            }
            var found = new List<(string, string, int)>();
            var covered = new List<(int Start, int End)>();
            foreach (var (order, i) in first.OrderBy(f => f.Key))
            {
                if (covered.Any(c => i >= c.Start && i < c.End))
                    continue;
                var (variant, title) = variants[order];
                covered.Add((i, i + variant.Length));
                found.Add((variant, title, i));
            }
            return found.OrderBy(f => f.Item3).Select(f => (f.Item1, f.Item2)).ToList();
        }
    }
}
