using Bot.App.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bot.App.Org;

public static partial class DirectorySetup
{
    public const string DemoFile = "Org/demo-directory.csv";

    /// <summary>Importer, queries, account linking and, with the demo switch on, the demo directory at start-up.</summary>
    public static IServiceCollection AddDirectory(this IServiceCollection services)
    {
        services.AddDirectoryCore();
        services.AddScoped<AccountLinker>();
        services.AddHostedService<DemoDirectoryLoader>();
        return services;
    }

    /// <summary>What the CLI needs too.</summary>
    public static IServiceCollection AddDirectoryCore(this IServiceCollection services)
    {
        services.TryAddScoped<AuditLog>();
        services.AddScoped<OrgQueries>();
        services.AddScoped<DirectoryImporter>();
        return services;
    }

    public static WebApplication MapDirectoryApi(this WebApplication app)
    {
        app.MapAdminApi().MapDirectoryApi();
        return app;
    }

    /// <summary><c>Demo:Enabled=true</c> (env <c>Demo__Enabled=true</c>) or <c>DEMO=1</c>.</summary>
    public static bool DemoEnabled(IConfiguration config) =>
        config.GetValue<bool>("Demo:Enabled") || config["DEMO"] is "1" or "true" or "True";

    /// <summary>
    /// Imports the demo directory on every start; re-import matches people by e-mail, so it is idempotent. Registered
    /// after the database migration (hosted services start in registration order).
    /// </summary>
    private sealed partial class DemoDirectoryLoader(IServiceScopeFactory scopes, IConfiguration config, ILogger<DemoDirectoryLoader> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (!DemoEnabled(config))
                return;
            await using var scope = scopes.CreateAsyncScope();
            var file = Path.Combine(AppContext.BaseDirectory, DemoFile);
            var report = await scope.ServiceProvider.GetRequiredService<DirectoryImporter>()
                .ImportAsync(await File.ReadAllBytesAsync(file, cancellationToken), null, "system:demo", null, null, cancellationToken);
            if (report.Applied)
                LogDemoLoaded(logger, report.Rows);
            else
                LogDemoFailed(logger, report.ToText());
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Information, Message = "Demo directory loaded: {Rows} people")]
        private static partial void LogDemoLoaded(ILogger logger, int rows);

        [LoggerMessage(Level = LogLevel.Error, Message = "Demo directory could not be imported: {Report}")]
        private static partial void LogDemoFailed(ILogger logger, string report);
    }
}
