using System.Diagnostics;
using System.Net;
using Bot.Protocol.Routing;
using Bot.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Bot.Tests.Operations;

public sealed class OperationsTests
{
    /// <summary>Start without migrating, as if the database went away after a deploy.</summary>
    private static void WithoutMigration(IServiceCollection services)
    {
        foreach (var d in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "MigrateOnStart").ToList())
            services.Remove(d);
    }

    private static async Task<HttpStatusCode> HealthAsync(BotApp app) => (await app.CreateClient().GetAsync("/healthz")).StatusCode;

    [Fact]
    public async Task HealthIsOkWhenDatabaseAndSchedulerRun()
    {
        using var app = new BotApp();
        Assert.Equal(HttpStatusCode.OK, await HealthAsync(app));
    }

    [Fact]
    public async Task HealthFailsWhenTheSqliteFileDisappears()
    {
        using var app = new BotApp();
        Assert.Equal(HttpStatusCode.OK, await HealthAsync(app));

        File.Delete(Path.Combine(app.DataDirectory, "bot.db"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, await HealthAsync(app));
    }

    [Fact]
    public async Task HealthFailsWhenTheSqlitePathCannotBeOpened()
    {
        using var app = new BotApp(config: new Dictionary<string, string?> { ["ConnectionStrings:Default"] = "Data Source=/proc/no-such-dir/bot.db" },
            services: WithoutMigration);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await HealthAsync(app));
    }

    [Fact]
    public async Task HealthFailsWhenPostgresIsDown()
    {
        using var app = new BotApp(config: new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Default"] = "Host=127.0.0.1;Port=1;Database=bot;Username=bot;Password=x;Timeout=3",
        }, services: WithoutMigration);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await HealthAsync(app));
    }

    [Fact]
    public async Task HealthFailsWhenTheSchedulerIsStopped()
    {
        using var app = new BotApp();
        Assert.Equal(HttpStatusCode.OK, await HealthAsync(app));
        var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

        await scheduler.Standby();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await HealthAsync(app));

        await scheduler.Start();
        Assert.Equal(HttpStatusCode.OK, await HealthAsync(app));

        await scheduler.Shutdown();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await HealthAsync(app));
    }

    [Fact]
    public async Task LogsWrittenDuringATurnCarryActivityAndConversationIds()
    {
        var logs = new CapturingLoggerProvider();
        using var app = new BotApp(services: s => s.AddSingleton<ILoggerProvider>(logs));
        var message = TestUser.Alex.Message("帮助", id: "act-77");

        await app.SendAsync(message);

        var routed = Assert.Single(logs.Entries, e => e.Message.StartsWith("Text routed to help", StringComparison.Ordinal));
        Assert.Equal("act-77", routed.Scope["ActivityId"]);
        Assert.Equal(TestUser.Alex.ConversationId, routed.Scope["ConversationId"]);
        Assert.Equal("msteams", routed.Scope["ChannelId"]);
    }

    [Fact]
    public async Task ShutdownFinishesTurnsAlreadyAccepted()
    {
        var app = new BotApp();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.Services.GetRequiredService<ActivityRouter>().OnCommand("slow", ["慢"], async (turn, ct) =>
        {
            started.SetResult();
            await Task.Delay(TimeSpan.FromSeconds(1.5), CancellationToken.None);
            await turn.SendTextAsync("慢处理完成", ct);
        });

        Assert.Equal(HttpStatusCode.OK, (await app.PostAsync(TestUser.Alex.Message("慢"))).StatusCode);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(app.Connector.Posts, c => c.Body?["text"]?.GetValue<string>() == "慢处理完成");
        var watch = Stopwatch.StartNew();

        await app.DisposeAsync();

        Assert.Contains(app.Connector.Posts, c => c.Body?["text"]?.GetValue<string>() == "慢处理完成");
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1), "shutdown waited for the turn");
    }
}
