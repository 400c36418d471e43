using System.Net;
using System.Text.Json.Nodes;
using Bot.App.Conversations;
using Bot.App.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Bot.Tests.Data;

/// <summary>
/// Runs the Postgres migrations and a turn through the app against a real PostgreSQL. tests/run.sh starts a
/// throwaway cluster and exports BOT_TEST_POSTGRES; each test works in its own fresh database.
/// </summary>
public sealed class PostgresSmokeTests : IAsyncLifetime
{
    private string server = "";
    private string database = "";

    private string ConnectionString => new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;

    public async Task InitializeAsync()
    {
        server = Environment.GetEnvironmentVariable("BOT_TEST_POSTGRES") ?? "";
        if (server.Length == 0)
            return;
        database = "bot_smoke_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
        await create.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        if (database.Length == 0)
            return;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private BotApp App() =>
        server.Length == 0
            ? throw new InvalidOperationException(
                "BOT_TEST_POSTGRES is not set. Run tests/run.sh, which starts a throwaway PostgreSQL cluster and exports it " +
                "(or export BOT_TEST_POSTGRES=\"Host=…;Port=…;Database=postgres;Username=…\" yourself).")
            : new BotApp(config: new Dictionary<string, string?>
            {
                ["Database:Provider"] = "Postgres",
                ["ConnectionStrings:Default"] = ConnectionString,
            });

    [Fact]
    public void MigrationsApplyCleanlyAtStartUp()
    {
        using var app = App();
        app.CreateClient().Dispose();

        app.WithDb(db =>
        {
            Assert.IsType<PostgresBotDbContext>(db);
            Assert.Equal("Npgsql.EntityFrameworkCore.PostgreSQL", db.Database.ProviderName);
            Assert.NotEmpty(db.Database.GetMigrations());
            Assert.Equal(db.Database.GetMigrations(), db.Database.GetAppliedMigrations());
            return 0;
        });
    }

    [Fact]
    public async Task InstallAndMessageRoundTripThroughPostgres()
    {
        using var app = App();
        var user = TestUser.Alex;

        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(user.Install())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.SendAsync(user.Message("帮助", id: "pg-1"))).StatusCode);
        await app.SendAsync(user.Message("帮助", id: "pg-1"));

        var reference = app.WithDb(db => db.Set<ConversationRef>().AsNoTracking().Single());
        Assert.Equal(user.ConversationId, reference.ConversationId);
        Assert.Equal(user.AadObjectId, reference.AadObjectId);
        Assert.Equal("tenant-1", reference.TenantId);
        Assert.NotNull(reference.WelcomedAt);
        Assert.Equal(1, app.WithDb(db => db.Set<ProcessedActivity>().Count(p => p.Key.EndsWith("|pg-1"))));
        Assert.Single(app.Connector.Cards, c => c.ToJsonString(Bot.Protocol.ProtocolJson.Options).Contains("使用帮助"));
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/healthz")).StatusCode);
    }
}
