using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bot.App.Data;

public sealed record DataOptions(string Directory, string Provider, string ConnectionString)
{
    public bool IsPostgres => Provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase);

    public static DataOptions From(IConfiguration config, string contentRoot)
    {
        var dir = config["Data:Directory"] is { Length: > 0 } d ? d : "data";
        dir = Path.GetFullPath(Path.IsPathRooted(dir) ? dir : Path.Combine(contentRoot, dir));
        var provider = config["Database:Provider"] is { Length: > 0 } p ? p : "Sqlite";
        var connection = config.GetConnectionString("Default") is { Length: > 0 } c
            ? c
            : $"Data Source={Path.Combine(dir, "bot.db")}";
        return new DataOptions(dir, provider, connection);
    }
}

public static class DataSetup
{
    /// <summary>SQLite under <c>Data:Directory</c> by default; PostgreSQL when <c>Database:Provider=Postgres</c>.</summary>
    public static IServiceCollection AddBotData(this IServiceCollection services)
    {
        // Resolved lazily: test hosts and the CLI add configuration after Program's registrations run.
        services.AddSingleton(sp =>
        {
            var data = DataOptions.From(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>().ContentRootPath);
            Directory.CreateDirectory(data.Directory);
            return data;
        });
        services.AddDbContext<PostgresBotDbContext>((sp, o) => o.UseNpgsql(sp.GetRequiredService<DataOptions>().ConnectionString));
        services.AddDbContext<SqliteBotDbContext>((sp, o) => o.UseSqlite(sp.GetRequiredService<DataOptions>().ConnectionString));
        services.AddScoped<BotDbContext>(sp => sp.GetRequiredService<DataOptions>().IsPostgres
            ? sp.GetRequiredService<PostgresBotDbContext>()
            : sp.GetRequiredService<SqliteBotDbContext>());
        services.AddHostedService<MigrateOnStart>();
        return services;
    }

    /// <summary>Same database for CLI commands; they migrate explicitly with <see cref="MigrateAsync"/>.</summary>
    public static IServiceCollection AddBotDataForCli(this IServiceCollection services)
    {
        services.AddBotData();
        services.RemoveAll<IHostedService>();
        // The CLI reads appsettings from beside the binary, but a relative Data:Directory must mean the same folder
        // the bot uses: the web host resolves it against its content root, the working directory.
        services.AddSingleton(sp =>
        {
            var data = DataOptions.From(sp.GetRequiredService<IConfiguration>(), Environment.CurrentDirectory);
            Directory.CreateDirectory(data.Directory);
            return data;
        });
        return services;
    }

    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<BotDbContext>().Database.MigrateAsync(ct);
    }

    /// <summary>Applies pending migrations before the bot takes traffic.</summary>
    private sealed class MigrateOnStart(IServiceScopeFactory scopes) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<BotDbContext>().Database.MigrateAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>Design-time factories for <c>dotnet ef</c>; connection strings here are never used at run time.</summary>
public sealed class SqliteDesignFactory : IDesignTimeDbContextFactory<SqliteBotDbContext>
{
    public SqliteBotDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteBotDbContext>().UseSqlite("Data Source=design.db").Options);
}

public sealed class PostgresDesignFactory : IDesignTimeDbContextFactory<PostgresBotDbContext>
{
    public PostgresBotDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresBotDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
