using System.Collections.Concurrent;
using System.Diagnostics;
using Lucene.Net.Index;

namespace Bot.App.Regulations;

public sealed record ImportedFile(string Source, ParsedDocument? Document, string? Error);

public sealed record ImportReport(IReadOnlyList<ImportedFile> Files, TimeSpan Elapsed)
{
    public IEnumerable<ParsedDocument> Imported => Files.Select(f => f.Document).OfType<ParsedDocument>().Where(d => d.Articles.Count > 0);
    public int ArticleCount => Imported.Sum(d => d.Articles.Count);
    public IEnumerable<ImportedFile> Skipped => Files.Where(f => f.Error is not null || f.Document is { Articles.Count: 0 });

    /// <summary>The validation report: one block per file with problems, then versions and parts found.</summary>
    public IEnumerable<string> Lines(IReadOnlyDictionary<string, IReadOnlyList<RegulationDocument>> byTitle)
    {
        yield return $"导入 {Imported.Count()} 个文件，共 {ArticleCount} 条；跳过 {Skipped.Count()} 个文件；用时 {Elapsed.TotalSeconds:0.0} 秒。";
        foreach (var f in Files.Where(f => f.Error is not null || f.Document!.Problems.Count > 0).OrderBy(f => f.Source, StringComparer.Ordinal))
        {
            var problems = f.Error is not null ? [f.Error] : f.Document!.Problems;
            var what = f.Document is { Articles.Count: 0 } || f.Error is not null ? "已跳过" : "已导入，需核对";
            yield return $"- {f.Source}（{what}）：{string.Join("；", problems.Take(8))}{(problems.Count > 8 ? $"；等 {problems.Count} 处" : "")}";
        }
        foreach (var title in Imported.Select(d => d.Title).Distinct().Order(StringComparer.Ordinal))
        {
            if (!byTitle.TryGetValue(title, out var versions))
                continue;
            if (versions.Count > 1)
                yield return $"* {title}：{versions.Count} 个版本，现行版本 {versions[0].Version:yyyy-MM-dd}，其余作为历史版本保留";
            var parts = versions[0].Parts.ToList();
            if (parts.Count > 1)
                yield return $"* {title}：由 {parts.Count} 个分编组成（{string.Join("、", parts)}）";
        }
    }
}

/// <summary>
/// Parses files in parallel, then writes them into the index in one commit: a reader sees either none or
/// all of an import, and a file imported again replaces its previous articles.
/// </summary>
public static class RegulationImporter
{
    public static IEnumerable<(string Path, string Source)> Enumerate(IEnumerable<string> roots)
    {
        foreach (var root in roots)
        {
            if (File.Exists(root))
            {
                yield return (root, Path.GetFileName(root));
                continue;
            }
            if (!Directory.Exists(root))
                throw new FileNotFoundException($"找不到文件或文件夹：{root}", root);
            foreach (var f in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                         .Where(f => RegulationParser.Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                         .Order(StringComparer.Ordinal))
                yield return (f, Path.GetRelativePath(root, f).Replace('\\', '/'));
        }
    }

    public static ImportReport Import(string indexFolder, IEnumerable<string> roots, IProgress<(int Done, int Total, string Stage)>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var files = Enumerate(roots).ToList();
        var parsed = new ImportedFile[files.Count];
        var done = 0;
        Parallel.For(0, files.Count, i =>
        {
            var (path, source) = files[i];
            try
            {
                parsed[i] = new ImportedFile(source, RegulationParser.ParseFile(path, source), null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException
                                          or FormatException or DocumentFormat.OpenXml.Packaging.OpenXmlPackageException)
            {
                parsed[i] = new ImportedFile(source, null, "无法读取：" + e.Message);
            }
            progress?.Report((Interlocked.Increment(ref done), files.Count, "解析"));
        });

        var documents = parsed.Select(f => f.Document).OfType<ParsedDocument>().Where(d => d.Articles.Count > 0).ToList();
        using (var dir = RegulationIndex.Open(indexFolder))
        using (var analyzer = RegulationIndex.Analyzer())
        using (var writer = RegulationIndex.Writer(dir, analyzer))
        {
            foreach (var d in documents)
                writer.DeleteDocuments(new Term(RegulationIndex.Unit, RegulationIndex.UnitKey(d)));
            var queue = new ConcurrentQueue<ParsedDocument>(documents.OrderByDescending(d => d.Articles.Count));
            done = 0;
            // IndexWriter is thread-safe and analyses on the calling thread: one thread per core in parallel.
            var workers = Enumerable.Range(0, Math.Max(1, Environment.ProcessorCount)).Select(_ => Task.Run(() =>
            {
                while (queue.TryDequeue(out var d))
                {
                    writer.AddDocuments(RegulationIndex.Documents(d));
                    progress?.Report((Interlocked.Increment(ref done), documents.Count, "索引"));
                }
            })).ToArray();
            Task.WaitAll(workers);
            writer.Commit();
        }
        return new ImportReport(parsed, clock.Elapsed);
    }
}
