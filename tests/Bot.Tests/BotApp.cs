using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bot.App.Data;
using Bot.Protocol;
using Bot.Protocol.Auth;
using Bot.Protocol.Connector;
using Bot.Protocol.Routing;
using Bot.Tests.Fakes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests;

/// <summary>
/// The real app on a test host: its own temporary data folder (SQLite file, migrated at start), signed
/// tokens through the real auth path, a recording fake Connector and, when given, a fake clock.
/// </summary>
public sealed class BotApp : WebApplicationFactory<Program>
{
    public const string ServiceUrl = "https://smba.test/teams/";

    public TestTokens Tokens { get; } = new();
    public FakeConnector Connector { get; } = new();
    public FakeTimeProvider? Clock { get; }
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "bot-tests-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> settings = new();
    private readonly Action<IServiceCollection>? services;

    /// <param name="services">Runs after the test doubles are installed, so it can replace them (e.g. real HTTP).</param>
    public BotApp(FakeTimeProvider? clock = null, IDictionary<string, string?>? config = null, Action<IServiceCollection>? services = null)
    {
        Clock = clock;
        this.services = services;
        settings["MicrosoftAppId"] = TestTokens.AppId;
        settings["MicrosoftAppPassword"] = "unused";
        settings["ToBotFromChannelOpenIdMetadataUrl"] = FakeOpenIdServer.MetadataUrl;
        settings["Data:Directory"] = DataDirectory;
        settings["AdminApi:Keys:test"] = "test-admin-key";
        foreach (var (k, v) in config ?? new Dictionary<string, string?>())
            settings[k] = v;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings));
        builder.ConfigureServices(services =>
        {
            if (Clock is not null)
                services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
            services.AddHttpClient<SigningKeyCache>().ConfigurePrimaryHttpMessageHandler(() => new FakeOpenIdServer(Tokens));
            services.AddHttpClient<ConnectorClient>().ConfigurePrimaryHttpMessageHandler(() => Connector);
            services.Replace(ServiceDescriptor.Singleton<IBotTokenProvider>(new NoToken()));
            this.services?.Invoke(services);
        });
    }

    private sealed class NoToken : IBotTokenProvider
    {
        public Task<string?> GetTokenAsync(bool forceRefresh, CancellationToken ct) => Task.FromResult<string?>("bot-token");
    }

    /// <summary>POSTs an activity with a valid channel token.</summary>
    public async Task<HttpResponseMessage> PostAsync(JsonObject activity, string? token = null)
    {
        activity["serviceUrl"] ??= ServiceUrl;
        activity["channelId"] ??= "msteams";
        var client = CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer",
            token ?? Tokens.Mint(activity["serviceUrl"]!.GetValue<string>(), now: Clock?.GetUtcNow().UtcDateTime));
        return await client.SendAsync(request);
    }

    /// <summary>Posts and waits until the background turn has finished.</summary>
    public async Task<HttpResponseMessage> SendAsync(JsonObject activity, string? token = null)
    {
        var response = await PostAsync(activity, token);
        await IdleAsync();
        return response;
    }

    public async Task IdleAsync()
    {
        var turns = Services.GetRequiredService<TurnProcessor>();
        for (var i = 0; i < 500 && turns.Pending > 0; i++)
            await Task.Delay(10);
        Assert.Equal(0, turns.Pending);
    }

    public HttpClient AdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-admin-key");
        return client;
    }

    public T WithDb<T>(Func<BotDbContext, T> query)
    {
        using var scope = Services.CreateScope();
        return query(scope.ServiceProvider.GetRequiredService<BotDbContext>());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Builds Teams-shaped activities for one user in a personal chat.</summary>
public sealed record TestUser(string Id, string Name, string AadObjectId, string ConversationId)
{
    public static TestUser Alex { get; } = new("29:alex", "Alex Wilber", "00000000-0000-0000-0000-000000000020", "a:alex-personal");
    public static TestUser Megan { get; } = new("29:megan", "Megan Bowen", "00000000-0000-0000-0000-000000000021", "a:megan-personal");

    public JsonObject Activity(string type, string? id = null) => new()
    {
        ["type"] = type,
        ["id"] = id ?? Guid.NewGuid().ToString(),
        ["timestamp"] = "2026-11-25T01:00:00Z",
        ["serviceUrl"] = BotApp.ServiceUrl,
        ["channelId"] = "msteams",
        ["from"] = new JsonObject { ["id"] = Id, ["name"] = Name, ["aadObjectId"] = AadObjectId },
        ["conversation"] = new JsonObject { ["conversationType"] = "personal", ["tenantId"] = "tenant-1", ["id"] = ConversationId },
        ["recipient"] = new JsonObject { ["id"] = "28:" + TestTokens.AppId, ["name"] = "廉政约谈助手" },
        ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = "tenant-1" } },
    };

    public JsonObject Message(string text, string? id = null)
    {
        var a = Activity(ActivityTypes.Message, id);
        a["text"] = text;
        return a;
    }

    public JsonObject Install()
    {
        var a = Activity(ActivityTypes.InstallationUpdate);
        a["action"] = "add";
        return a;
    }

    public JsonObject Execute(string verb, JsonObject data, string replyToId)
    {
        var a = Activity(ActivityTypes.Invoke);
        a["name"] = InvokeNames.AdaptiveCardAction;
        a["replyToId"] = replyToId;
        a["value"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = verb, ["data"] = data } };
        return a;
    }

    public JsonObject Submit(JsonObject value, string replyToId)
    {
        var a = Activity(ActivityTypes.Message);
        a["replyToId"] = replyToId;
        a["value"] = value;
        return a;
    }
}
