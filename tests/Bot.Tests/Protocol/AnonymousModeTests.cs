using System.Net;
using System.Net.Http.Headers;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using Bot.Protocol;
using Bot.Tests.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bot.Tests.Protocol;

/// <summary>
/// Unsigned activities are accepted only when ALL hold: no MicrosoftAppId, Development, and a loopback
/// socket peer. These run on real Kestrel so the socket address is real.
/// </summary>
public sealed class AnonymousModeTests
{
    private static readonly Dictionary<string, string?> NoAppId = new() { ["MicrosoftAppId"] = "", ["MicrosoftAppPassword"] = "" };

    private static WebApplicationFactory<Program> Kestrel(BotApp app, string environment, Action<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>? listen = null)
    {
        var factory = app.WithWebHostBuilder(b => b.UseEnvironment(environment));
        if (listen is null)
            factory.UseKestrel(0);
        else
            factory.UseKestrel(listen);
        return factory;
    }

    private static async Task<HttpStatusCode> PostUnsignedAsync(HttpClient client, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(TestUser.Alex.Message("帮助").ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (forwardedFor is not null)
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        return (await client.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task DevelopmentWithoutAppIdAcceptsUnsignedActivitiesFromLoopbackAndWarnsAtStartUp()
    {
        var logs = new CapturingLoggerProvider();
        using var app = new BotApp(config: NoAppId, services: s => s.AddSingleton<ILoggerProvider>(logs));
        await using var factory = Kestrel(app, "Development");
        var client = factory.CreateClient();

        Assert.StartsWith("http://", client.BaseAddress!.ToString());
        Assert.Equal(HttpStatusCode.OK, await PostUnsignedAsync(client));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("MicrosoftAppId is not set", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ATokenIsStillRejectedInAnonymousModeBecauseItCannotBeValidated()
    {
        using var app = new BotApp(config: NoAppId);
        await using var factory = Kestrel(app, "Development");
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.Tokens.Mint(BotApp.ServiceUrl));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostUnsignedAsync(client));
    }

    [Fact]
    public async Task ForwardedForFromAKnownProxyDoesNotChangeTheDecisionOnTheLoopbackSocket()
    {
        using var app = new BotApp(config: new Dictionary<string, string?>(NoAppId) { ["ForwardedHeaders:KnownProxies"] = "127.0.0.1,::1" });
        await using var factory = Kestrel(app, "Development");
        Assert.Equal(HttpStatusCode.OK, await PostUnsignedAsync(factory.CreateClient(), forwardedFor: "203.0.113.9"));
    }

    [Fact]
    public async Task NonLoopbackSocketIsRejectedEvenWhenAKnownProxyForwardsLoopback()
    {
        var ip = NonLoopbackAddress();
        using var app = new BotApp(config: new Dictionary<string, string?>(NoAppId) { ["ForwardedHeaders:KnownProxies"] = ip.ToString() });
        await using var factory = Kestrel(app, "Development", k => k.Listen(ip, 0));
        var client = factory.CreateClient();

        Assert.Equal(ip.ToString(), client.BaseAddress!.Host);
        Assert.Equal(HttpStatusCode.Unauthorized, await PostUnsignedAsync(client, forwardedFor: "127.0.0.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostUnsignedAsync(client));
    }

    [Fact]
    public async Task DevelopmentOnLoopbackStillNeedsATokenOnceAnAppIdIsConfigured()
    {
        using var app = new BotApp();
        await using var factory = Kestrel(app, "Development");
        Assert.Equal(HttpStatusCode.Unauthorized, await PostUnsignedAsync(factory.CreateClient()));
    }

    [Fact]
    public void ProductionWithoutAppIdRefusesToStartWithAClearMessage()
    {
        using var app = new BotApp(config: NoAppId);
        using var factory = app.WithWebHostBuilder(b => b.UseEnvironment("Production"));
        var ex = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        var message = Flatten(ex);
        Assert.Contains("MicrosoftAppId", message);
        Assert.Contains("生产环境", message);
    }

    [Fact]
    public async Task SocketAddressIsCapturedBeforeForwardedHeadersRewriteIt()
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse("10.1.2.3");
        http.Request.Headers["X-Forwarded-For"] = "127.0.0.1";
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor };
        options.KnownProxies.Add(IPAddress.Parse("10.1.2.3"));
        IPAddress? seen = null;
        var pipeline = new ApplicationBuilder(new ServiceCollection().AddLogging().BuildServiceProvider());
        pipeline.UseSocketAddressCapture();
        pipeline.UseMiddleware<ForwardedHeadersMiddleware>(Options.Create(options));
        pipeline.Run(ctx =>
        {
            seen = PeerAddress.Of(ctx);
            return Task.CompletedTask;
        });

        await pipeline.Build()(http);

        Assert.Equal(IPAddress.Loopback, http.Connection.RemoteIpAddress);
        Assert.Equal(IPAddress.Parse("10.1.2.3"), seen);
    }

    private static string Flatten(Exception ex) => ex.InnerException is null ? ex.Message : ex.Message + " | " + Flatten(ex.InnerException);

    private static IPAddress NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? throw new InvalidOperationException("This test needs a non-loopback IPv4 interface (any container or VM has one).");
}
