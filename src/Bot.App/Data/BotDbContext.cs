using Microsoft.EntityFrameworkCore;

namespace Bot.App.Data;

/// <summary>
/// The bot's database. Entities live in their feature folders with an <see cref="IEntityTypeConfiguration{T}"/>
/// beside them; this context only collects them. One migration set per provider:
/// <c>scripts/add-migration.sh &lt;Name&gt;</c> runs
/// <c>dotnet ef migrations add &lt;Name&gt; --context SqliteBotDbContext -o Data/Migrations/Sqlite</c> and the same for Postgres.
/// </summary>
public class BotDbContext(DbContextOptions options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(BotDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot order or compare DateTimeOffset; store UTC ticks there, native timestamptz on Postgres.
        if (Database.IsSqlite())
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToUtcTicks>();
    }
}

public sealed class SqliteBotDbContext(DbContextOptions<SqliteBotDbContext> options) : BotDbContext(options);

public sealed class PostgresBotDbContext(DbContextOptions<PostgresBotDbContext> options) : BotDbContext(options);

internal sealed class DateTimeOffsetToUtcTicks() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, long>(
    v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
