using Bot.App.Data;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Bot.App.Regulations;

/// <summary>
/// What one opened index commit holds: the searcher and, per Lucene doc id, the article it stores. Versions
/// and parts are worked out here from titles and dates, so importing a newer version needs no rewrite of older ones.
/// </summary>
public sealed class RegulationSnapshot : IDisposable
{
    public static readonly RegulationSnapshot Empty = new(null);

    private readonly DirectoryReader? reader;
    public IndexSearcher? Searcher { get; }
    /// <summary>By Lucene doc id; null for deleted documents.</summary>
    public IReadOnlyList<ArticleEntry?> Articles { get; }
    public IReadOnlyList<RegulationDocument> Documents { get; }
    public IReadOnlyDictionary<string, RegulationDocument> ByKey { get; }
    /// <summary>Title → versions, newest first.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<RegulationDocument>> ByTitle { get; }
    private readonly HashSet<string> current;

    public RegulationSnapshot(DirectoryReader? reader, Lucene.Net.Search.Similarities.Similarity? similarity = null)
    {
        this.reader = reader;
        var articles = new ArticleEntry?[reader?.MaxDoc ?? 0];
        if (reader is not null)
        {
            // Segments (one per indexing thread) are searched in parallel: a long question's many term clauses are the
            // bulk of a search's time, and a chat question should not wait on one core.
            Searcher = new IndexSearcher(reader, TaskScheduler.Default) { Similarity = similarity ?? RegulationIndex.Similarity() };
            var live = MultiFields.GetLiveDocs(reader);
            for (var i = 0; i < articles.Length; i++)
            {
                if (live is not null && !live.Get(i))
                    continue;
                var d = reader.Document(i);
                articles[i] = new ArticleEntry(
                    d.Get(RegulationIndex.Title),
                    d.Get(RegulationIndex.Part),
                    d.Get(RegulationIndex.VersionDate) is { } v ? DateOnly.ParseExact(v, "yyyy-MM-dd") : null,
                    d.GetField(RegulationIndex.Number).GetInt32Value() ?? 0,
                    d.GetField(RegulationIndex.Sub).GetInt32Value() ?? 0,
                    d.Get(RegulationIndex.Path) ?? "",
                    d.Get(RegulationIndex.Text) ?? "",
                    d.Get(RegulationIndex.Source) ?? "",
                    d.GetField(RegulationIndex.Seq).GetInt32Value() ?? 0);
            }
        }
        Articles = articles;
        var byTitle = articles.OfType<ArticleEntry>()
            .GroupBy(a => a.Title)
            .ToDictionary(t => t.Key, t => (IReadOnlyList<RegulationDocument>)t
                .GroupBy(a => a.Version)
                .OrderByDescending(v => v.Key ?? DateOnly.MinValue)
                .Select((v, i) => new RegulationDocument(t.Key, v.Key,
                    v.OrderBy(a => a.Number).ThenBy(a => a.Sub).ToList(), IsCurrent: i == 0))
                .ToList());
        ByTitle = byTitle;
        Documents = byTitle.Values.SelectMany(v => v).OrderBy(d => d.Title, StringComparer.Ordinal).ToList();
        ByKey = Documents.ToDictionary(d => d.Key);
        current = Documents.Where(d => d.IsCurrent).Select(d => d.Key).ToHashSet();
    }

    public int ArticleCount => Articles.Count(a => a is not null);

    public bool IsCurrent(ArticleEntry a) => current.Contains(a.DocKey);

    public RegulationDocument? Document(ArticleEntry a) => ByKey.GetValueOrDefault(a.DocKey);

    public ArticleEntry? Find(string docKey, int number, int sub) =>
        ByKey.TryGetValue(docKey, out var d) ? d.Articles.FirstOrDefault(a => a.Number == number && a.Sub == sub) : null;

    public void Dispose() => reader?.Dispose();
}

/// <summary>
/// The bot's read-only view of the index. It re-opens the index when an import (CLI or admin API) has
/// committed, checking at most every few seconds, so a running bot picks up imports without a restart.
/// </summary>
public sealed class RegulationLibrary(DataOptions data, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(3);
    private readonly Lock gate = new();
    private LuceneDirectory? directory;
    private DirectoryReader? reader;
    private RegulationSnapshot snapshot = RegulationSnapshot.Empty;
    private RegulationSnapshot? previous;
    private DateTimeOffset checkedAt = DateTimeOffset.MinValue;

    public string IndexFolder { get; } = Path.Combine(data.Directory, RegulationIndex.FolderName);

    public RegulationSnapshot Current
    {
        get
        {
            if (time.GetUtcNow() - checkedAt < CheckEvery)
                return snapshot;
            lock (gate)
            {
                if (time.GetUtcNow() - checkedAt >= CheckEvery)
                    Refresh();
                return snapshot;
            }
        }
    }

    /// <summary>Re-reads the index now (after an import in this process).</summary>
    public void Invalidate()
    {
        lock (gate)
            checkedAt = DateTimeOffset.MinValue;
    }

    private void Refresh()
    {
        checkedAt = time.GetUtcNow();
        directory ??= RegulationIndex.Open(IndexFolder);
        DirectoryReader? next;
        if (reader is null)
            next = DirectoryReader.IndexExists(directory) ? DirectoryReader.Open(directory) : null;
        else
            next = DirectoryReader.OpenIfChanged(reader);
        if (next is null)
            return;
        // The snapshot before the current one may still serve a search that started before the last
        // refresh; it is released one refresh later.
        previous?.Dispose();
        previous = snapshot == RegulationSnapshot.Empty ? null : snapshot;
        reader = next;
        snapshot = new RegulationSnapshot(next);
    }

    public void Dispose()
    {
        previous?.Dispose();
        snapshot.Dispose();
        directory?.Dispose();
    }
}
