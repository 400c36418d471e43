using Bot.App.Data;
using Bot.App.Identity;

namespace Bot.App.Regulations;

public static partial class RegulationSetup
{
    public static IServiceCollection AddRegulations(this IServiceCollection services)
    {
        services.AddSingleton<RegulationLibrary>();
        services.AddSingleton(sp =>
        {
            var lexicon = Lexicon.Load(LexiconFolder(sp));
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Lexicon));
            foreach (var problem in lexicon.Problems)
                LogLexiconProblem(logger, problem);
            return lexicon;
        });
        services.AddSingleton(sp => new RegulationSearch(sp.GetRequiredService<Lexicon>()));
        services.AddScoped<RegulationQa>();
        services.AddHostedService<SampleImport>();
        return services;
    }

    private static string LexiconFolder(IServiceProvider sp) => Lexicon.Locate(
        sp.GetRequiredService<IHostEnvironment>().ContentRootPath, sp.GetRequiredService<IConfiguration>()["Regulations:LexiconDirectory"]);

    /// <summary>
    /// /api/admin/regulations: the library, a search, the 常见问题 statistics and an upload that imports a file
    /// into the running bot (the same importer as the CLI; one Lucene commit).
    /// </summary>
    public static void MapRegulationApi(this WebApplication app)
    {
        var group = app.MapAdminApi().MapGroup("/regulations");
        group.MapGet("/", (RegulationLibrary library) => library.Current.Documents.Select(d => new
        {
            d.Title,
            version = d.Version?.ToString("yyyy-MM-dd"),
            current = d.IsCurrent,
            parts = d.Parts.ToList(),
            articles = d.Articles.Count,
        }));
        group.MapGet("/search", (string q, int? top, RegulationLibrary library, RegulationSearch search) =>
            search.Search(library.Current, q, Math.Clamp(top ?? 10, 1, 100)).Select(h => new
            {
                title = h.Article.Title,
                article = h.Article.Label,
                path = h.Article.FullPath,
                source = h.Article.Source,
                version = h.Article.Version?.ToString("yyyy-MM-dd"),
                score = h.Score,
                text = h.Article.Text,
            }));
        group.MapGet("/questions", async (int? days, RegulationQa qa, CancellationToken ct) =>
            await qa.StatsAsync(Math.Clamp(days ?? 30, 1, 3650), ct));
        group.MapPost("/import", async (HttpRequest request, string name, RegulationLibrary library, DataOptions data, AuditLog audit, CancellationToken ct) =>
        {
            var fileName = Path.GetFileName(name);
            if (fileName.Length == 0 || !RegulationParser.Extensions.Contains(Path.GetExtension(fileName).ToLowerInvariant()))
                return Results.Problem($"请用 ?name= 给出文件名，支持 {string.Join(" ", RegulationParser.Extensions)}。", statusCode: 400);
            var folder = Path.Combine(data.Directory, "regulations-uploads");
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, fileName);
            await using (var file = File.Create(path))
                await request.Body.CopyToAsync(file, ct);
            var report = RegulationImporter.Import(library.IndexFolder, [path]);
            library.Invalidate();
            await audit.WriteAsync(AdminApi.Actor(request.HttpContext), "regulations.import", fileName, $"{report.ArticleCount} 条", ct);
            return report.Imported.Any()
                ? Results.Ok(new { imported = report.ArticleCount, report = report.Lines(library.Current.ByTitle).ToList() })
                : Results.UnprocessableEntity(new { imported = 0, report = report.Lines(library.Current.ByTitle).ToList() });
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Regulation word lists: {Problem}")]
    private static partial void LogLexiconProblem(ILogger logger, string problem);

    /// <summary>On a fresh install the library is empty; the shipped （示例） document lets the bot answer right away.</summary>
    private sealed partial class SampleImport(RegulationLibrary library, IServiceProvider services, IConfiguration config, ILogger<SampleImport> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (!config.GetValue("Regulations:ImportSampleWhenEmpty", true) || library.Current.Searcher is not null)
                return Task.CompletedTask;
            var samples = Directory.EnumerateFiles(LexiconFolder(services), "*（示例）.md").ToList();
            if (samples.Count == 0)
                return Task.CompletedTask;
            var report = RegulationImporter.Import(library.IndexFolder, samples);
            library.Invalidate();
            LogSample(logger, report.ArticleCount, string.Join(", ", samples.Select(Path.GetFileName)));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Information, Message = "Regulation library was empty: imported the sample document ({Articles} articles from {Files})")]
        private static partial void LogSample(ILogger logger, int articles, string files);
    }
}
