using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Tests.Notices;

/// <summary>
/// A fake Teams Connector on a real loopback port. Its log of accepted POSTs is the independent count of what
/// recipients received — the bot's own database is never trusted for lost/duplicate counts.
/// </summary>
public sealed class LoopbackConnector : IAsyncDisposable
{
    private readonly WebApplication app;
    private int nextId;

    public ConcurrentQueue<(string Conversation, string Body)> Received { get; } = new();
    public string Url { get; }

    private LoopbackConnector(WebApplication app, string url)
    {
        this.app = app;
        Url = url;
    }

    public static async Task<LoopbackConnector> StartAsync(int maxDelayMs)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        LoopbackConnector? self = null;
        app.MapPost("/v3/conversations/{conversation}/activities", async (string conversation, HttpRequest request) =>
        {
            var body = await new StreamReader(request.Body).ReadToEndAsync();
            // Latency makes kills land while sends are in flight.
            await Task.Delay(Random.Shared.Next(0, maxDelayMs + 1));
            self!.Received.Enqueue((conversation, body));
            return Results.Json(new JsonObject { ["id"] = "m-" + Interlocked.Increment(ref self.nextId) }, statusCode: 201);
        });
        app.MapPut("/v3/conversations/{conversation}/activities/{id}", () => Results.Json(new JsonObject { ["id"] = "x" }));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new LoopbackConnector(app, address.TrimEnd('/') + "/");
        return self;
    }

    public int Count(string marker) => Received.Count(r => r.Body.Contains(marker, StringComparison.Ordinal));

    public int Distinct(string marker) => Received.Where(r => r.Body.Contains(marker, StringComparison.Ordinal)).Select(r => r.Conversation).Distinct().Count();

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
