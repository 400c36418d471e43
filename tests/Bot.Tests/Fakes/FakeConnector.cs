using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;

namespace Bot.Tests.Fakes;

/// <summary>Records every Connector call the bot makes and answers like Teams does (201 with a message id).</summary>
public sealed class FakeConnector : HttpMessageHandler
{
    private int nextId = 1000;
    public ConcurrentQueue<Call> Calls { get; } = new();
    /// <summary>Optional override: return a response to simulate throttling or blocking.</summary>
    public Func<HttpRequestMessage, HttpResponseMessage?>? Respond { get; set; }

    /// <summary>Answers of GET v3/conversations/{id}/members/{memberId}, by member id (Teams returns email and userPrincipalName).</summary>
    public ConcurrentDictionary<string, JsonObject> Members { get; } = new();

    public sealed record Call(string Method, string Path, JsonNode? Body);

    public IEnumerable<Call> Posts => Calls.Where(c => c.Method == "POST");
    public IEnumerable<Call> Puts => Calls.Where(c => c.Method == "PUT");

    /// <summary>Adaptive cards sent or updated, in order.</summary>
    public IEnumerable<JsonObject> Cards => Calls
        .Select(c => c.Body?["attachments"]?[0]?["content"] as JsonObject)
        .Where(c => c is not null)!;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var text = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Calls.Enqueue(new Call(request.Method.Method, request.RequestUri!.AbsolutePath, string.IsNullOrEmpty(text) ? null : JsonNode.Parse(text)));
        if (Respond?.Invoke(request) is { } custom)
            return custom;
        if (request.Method == HttpMethod.Get && Members.TryGetValue(Uri.UnescapeDataString(request.RequestUri.AbsolutePath.Split('/')[^1]), out var member)
            && request.RequestUri.AbsolutePath.Contains("/members/", StringComparison.Ordinal))
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(member.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
            };
        var id = Interlocked.Increment(ref nextId).ToString();
        var body = request.RequestUri.AbsolutePath.EndsWith("/v3/conversations", StringComparison.Ordinal)
            ? new JsonObject { ["id"] = "a:created-" + id }
            : new JsonObject { ["id"] = id };
        return new HttpResponseMessage(request.Method == HttpMethod.Put ? HttpStatusCode.OK : HttpStatusCode.Created)
        {
            Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
    }
}

/// <summary>Serves the OpenID metadata and JWKS of <see cref="TestTokens"/> to the bot's key cache.</summary>
public sealed class FakeOpenIdServer(TestTokens tokens) : HttpMessageHandler
{
    public const string MetadataUrl = "https://login.test/v1/.well-known/openidconfiguration";
    public const string JwksUrl = "https://login.test/v1/.well-known/keys";
    public int Fetches;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Fetches);
        var body = request.RequestUri!.ToString() == MetadataUrl ? TestTokens.Metadata(JwksUrl) : tokens.Jwks();
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        });
    }
}
