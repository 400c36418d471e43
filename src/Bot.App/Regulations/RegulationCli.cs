using System.Text.Json;
using System.Text.Json.Nodes;
using Bot.App.Data;
using Lucene.Net.Store;

namespace Bot.App.Regulations;

/// <summary><c>regulations import|search|benchmark|list</c>: same configuration and Data:Directory as the bot.</summary>
public static class RegulationCli
{
    private const string Usage = """
        用法：
          regulations import <文件或文件夹>...            导入 .md/.txt/.html/.docx，输出校验报告
          regulations search [--top N] [--json] [--batch] [问题]
                                                       --batch：从标准输入每行读一个问题，每行输出一个 JSON
          regulations list                             列出已导入的规定
          regulations benchmark --corpus <legal-corpus> --stard <stard> [--sample N] [--out docs/benchmarks.md]
          regulations benchmark --train [--keep dir] [--weights regulations/ranker.json]
                                                       训练重排序权重（STARD 训练集），输出训练集与留出集指标
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var rest = args.Skip(1).ToList();
        var verb = rest.Count > 0 ? rest[0] : "";
        var options = rest.Skip(1).ToList();
        var builder = Bot.App.Cli.Cli.CreateBuilder(OptionsOnly(options));
        using var host = builder.Build();
        // Relative Data:Directory resolves against the working directory, as the web host's content root does,
        // so `dotnet run --project src/Bot.App -- regulations import` fills the index the bot reads.
        var data = DataOptions.From(host.Services.GetRequiredService<IConfiguration>(), Environment.CurrentDirectory);
        var config = host.Services.GetRequiredService<IConfiguration>();
        var lexicon = Lexicon.Load(Lexicon.Locate(Environment.CurrentDirectory, config["Regulations:LexiconDirectory"]));
        foreach (var problem in lexicon.Problems)
            Console.Error.WriteLine(problem);
        var folder = Path.Combine(data.Directory, RegulationIndex.FolderName);
        try
        {
            return verb switch
            {
                "import" => Import(folder, Positional(options)),
                "search" => Search(folder, lexicon, options),
                "list" => List(folder),
                "benchmark" => await RegulationBenchmark.RunAsync(lexicon, options),
                _ => Fail(Usage),
            };
        }
        catch (LockObtainFailedException)
        {
            return Fail("另一个导入正在进行（索引已被锁定），请等它结束后再试。");
        }
        catch (FileNotFoundException e)
        {
            return Fail(e.Message);
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }

    /// <summary>Configuration switches (--Data:Directory=…) go to the host; everything else is ours.</summary>
    private static string[] OptionsOnly(List<string> options) => options.Where(o => o.StartsWith("--", StringComparison.Ordinal) && o.Contains(':')).ToArray();

    private static List<string> Positional(List<string> options)
    {
        var list = new List<string>();
        for (var i = 0; i < options.Count; i++)
        {
            if (options[i] is "--top" or "--sample" or "--out" or "--corpus" or "--stard" or "--keep" or "--weights")
                i++;
            else if (!options[i].StartsWith("--", StringComparison.Ordinal))
                list.Add(options[i]);
        }
        return list;
    }

    internal static string? Option(List<string> options, string name) =>
        options.IndexOf(name) is var i and >= 0 && i + 1 < options.Count ? options[i + 1] : null;

    private static int Import(string folder, List<string> paths)
    {
        if (paths.Count == 0)
            return Fail("请指定要导入的文件或文件夹。\n" + Usage);
        var report = RegulationImporter.Import(folder, paths, new ProgressBar());
        using var dir = RegulationIndex.Open(folder);
        using var snapshot = new RegulationSnapshot(Lucene.Net.Index.DirectoryReader.Open(dir));
        foreach (var line in report.Lines(snapshot.ByTitle))
            Console.Out.WriteLine(line);
        Console.Out.WriteLine($"索引中现有 {snapshot.Documents.Count} 个文件版本、{snapshot.ArticleCount} 条。运行中的机器人会在几秒内自动读取新索引。");
        return report.Imported.Any() ? 0 : 1;
    }

    private static int List(string folder)
    {
        using var snapshot = Open(folder);
        foreach (var d in snapshot.Documents)
            Console.Out.WriteLine($"{d.Title}\t{d.Version?.ToString("yyyy-MM-dd") ?? "-"}\t{(d.IsCurrent ? "现行" : "历史版本")}\t{d.Articles.Count} 条");
        return 0;
    }

    private static RegulationSnapshot Open(string folder)
    {
        var dir = RegulationIndex.Open(folder);
        return Lucene.Net.Index.DirectoryReader.IndexExists(dir) ? new RegulationSnapshot(Lucene.Net.Index.DirectoryReader.Open(dir)) : RegulationSnapshot.Empty;
    }

    private static int Search(string folder, Lexicon lexicon, List<string> options)
    {
        var top = int.TryParse(Option(options, "--top"), out var t) && t > 0 ? t : 10;
        var json = options.Contains("--json");
        using var snapshot = Open(folder);
        if (snapshot.Searcher is null)
            return Fail("规定库为空：请先运行 regulations import <文件或文件夹>。");
        using var engine = new RegulationSearch(lexicon);
        if (options.Contains("--batch"))
        {
            var index = 0;
            while (Console.In.ReadLine() is { } line)
                Console.Out.WriteLine(BatchLine(index++, engine.Search(snapshot, line, top)));
            return 0;
        }
        var question = string.Join(' ', Positional(options));
        if (question.Length == 0)
            return Fail("请输入问题，或使用 --batch 从标准输入读取。");
        var hits = engine.Search(snapshot, question, top);
        foreach (var h in hits)
            Console.Out.WriteLine(json
                ? Result(h).ToJsonString(JsonOptions)
                : $"{h.Score,8:0.00} {h.Confidence:0.00}  《{h.Article.Title}》{h.Article.Label}  {h.Article.FullPath}\n          {Preview(h.Article.Text, 80)}");
        return 0;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string BatchLine(int index, IEnumerable<SearchHit> hits) =>
        new JsonObject { ["q"] = index, ["results"] = new JsonArray(hits.Select(h => (JsonNode)Result(h)).ToArray()) }.ToJsonString(JsonOptions);

    private static JsonObject Result(SearchHit h) => new()
    {
        ["title"] = h.Article.Title,
        ["article"] = h.Article.Label,
        ["source"] = h.Article.Source,
        ["version"] = h.Article.Version?.ToString("yyyy-MM-dd"),
        ["score"] = Math.Round(h.Score, 4),
    };

    public static string Preview(string text, int length) => text.Length <= length ? text.Replace('\n', ' ') : text[..length].Replace('\n', ' ') + "…";
}

/// <summary>A one-line progress bar on stderr, redrawn at most once per percent.</summary>
public sealed class ProgressBar : IProgress<(int Done, int Total, string Stage)>
{
    private readonly System.Threading.Lock gate = new();
    private int last = -1;
    private string stage = "";

    public void Report((int Done, int Total, string Stage) value)
    {
        var percent = value.Total == 0 ? 100 : value.Done * 100 / value.Total;
        lock (gate)
        {
            if (percent == last && value.Stage == stage)
                return;
            if (value.Stage != stage && stage.Length > 0)
                Console.Error.WriteLine();
            last = percent;
            stage = value.Stage;
            var filled = percent / 5;
            Console.Error.Write($"\r{value.Stage} [{new string('#', filled)}{new string('.', 20 - filled)}] {percent,3}% {value.Done}/{value.Total}");
            if (value.Done == value.Total)
            {
                Console.Error.WriteLine();
                stage = "";
            }
        }
    }
}
