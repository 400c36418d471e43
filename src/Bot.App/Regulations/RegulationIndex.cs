using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.Cn.Smart;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Bot.App.Regulations;

/// <summary>
/// The on-disk article index under <c>Data:Directory/regulations-index</c>. One Lucene document per article;
/// the stored fields are the only copy of the imported text, so answers can only ever quote imported text.
/// </summary>
public static class RegulationIndex
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;
    public const string FolderName = "regulations-index";

    // Indexed fields.
    public const string Words = "w";      // article text, SmartCn words
    public const string Bigrams = "b";    // article text, CJK bigrams (robust to segmentation differences)
    public const string Context = "c";    // title + part + 编/章/节 path, CJK bigrams
    public const string TitleKey = "tk";  // exact title, for boosting a named regulation
    public const string Unit = "unit";    // title|version|part: re-importing a file replaces exactly its articles

    // Stored fields.
    public const string Title = "title";
    public const string Part = "part";
    public const string VersionDate = "version";
    public const string Number = "num";
    public const string Sub = "sub";
    public const string Path = "path";
    public const string Text = "text";
    public const string Source = "source";
    public const string Issuer = "issuer";
    public const string Seq = "seq";

    /// <summary>
    /// BM25 on writer and searcher (Lucene 4.8 defaults to TF-IDF). k1 = 0.9, b = 0.4 were chosen on the STARD train
    /// split: articles differ a lot in length and a long article is not less relevant for being long.
    /// </summary>
    public static Similarity Similarity() => new BM25Similarity(0.9f, 0.4f);

    public static Analyzer Analyzer() => new PerFieldAnalyzerWrapper(
        new SmartChineseAnalyzer(Version),
        new Dictionary<string, Analyzer> { [Bigrams] = new CJKAnalyzer(Version), [Context] = new CJKAnalyzer(Version) });

    public static string UnitKey(ParsedDocument d) => $"{d.Title}|{d.Version:yyyy-MM-dd}|{d.Part}";

    public static IEnumerable<Document> Documents(ParsedDocument d)
    {
        var unit = UnitKey(d);
        var context = string.Join(' ', new[] { d.Title, d.Part }.Where(s => s is not null));
        var seq = 0;
        foreach (var a in d.Articles)
        {
            var doc = new Document
            {
                new StringField(Unit, unit, Field.Store.NO),
                new StringField(TitleKey, d.Title, Field.Store.NO),
                new TextField(Words, a.Text, Field.Store.NO),
                new TextField(Bigrams, a.Text, Field.Store.NO),
                new TextField(Context, context + " " + a.Path, Field.Store.NO),
                new StoredField(Title, d.Title),
                new StoredField(Number, a.Number),
                new StoredField(Sub, a.Sub),
                new StoredField(Path, a.Path),
                new StoredField(Text, a.Text),
                new StoredField(Source, d.Source),
                new StoredField(Seq, seq++),
            };
            if (d.Part is not null)
                doc.Add(new StoredField(Part, d.Part));
            if (d.Version is { } v)
                doc.Add(new StoredField(VersionDate, v.ToString("yyyy-MM-dd")));
            if (d.Issuer is not null)
                doc.Add(new StoredField(Issuer, d.Issuer));
            yield return doc;
        }
    }

    public static LuceneDirectory Open(string folder)
    {
        System.IO.Directory.CreateDirectory(folder);
        return FSDirectory.Open(folder);
    }

    public static IndexWriter Writer(LuceneDirectory dir, Analyzer analyzer, Similarity? similarity = null) => new(dir,
        new IndexWriterConfig(Version, analyzer)
        {
            OpenMode = OpenMode.CREATE_OR_APPEND,
            Similarity = similarity ?? Similarity(),
            RAMBufferSizeMB = 96,
        });
}

public sealed record ArticleEntry(
    string Title, string? Part, DateOnly? Version, int Number, int Sub, string Path, string Text, string Source, int Seq)
{
    public string Label => ChineseNumerals.ArticleLabel(Number, Sub);
    // Computed once: the search checks both for every candidate article of every question.
    public string DocKey { get; } = $"{Title}|{Version:yyyy-MM-dd}";
    /// <summary>"第二编 物权 / 第一章 一般规定" with the part name in front when the document is split into parts.</summary>
    public string FullPath { get; } = Part is null ? Path : Path.Length == 0 ? Part : Part + " / " + Path;
    public string Reference => $"《{Title}》{Label}";
}

/// <summary>All articles of one document (all its parts) in one version.</summary>
public sealed record RegulationDocument(string Title, DateOnly? Version, IReadOnlyList<ArticleEntry> Articles, bool IsCurrent)
{
    public string Key => $"{Title}|{Version:yyyy-MM-dd}";
    public IEnumerable<string> Parts => Articles.Select(a => a.Part).OfType<string>().Distinct();
}
