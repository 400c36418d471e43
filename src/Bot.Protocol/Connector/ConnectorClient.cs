using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bot.Protocol.Auth;
using Microsoft.Extensions.Logging;

namespace Bot.Protocol.Connector;

/// <summary>
/// Bot Connector REST client (v3). URLs are built from the conversation's stored serviceUrl with every
/// id segment escaped (Teams ids contain ':', '@' and ';').
/// </summary>
public sealed partial class ConnectorClient(HttpClient http, IBotTokenProvider tokens, TimeProvider time,
    ILogger<ConnectorClient> logger, BotAuthOptions? options = null) : IActivitySender
{
    public RetryPolicy Retry { get; init; } = new();
    private readonly IReadOnlyList<string> trustedHosts = options?.TrustedServiceUrlHosts ?? [];

    public Task<string?> SendAsync(ConversationAddress to, Activity activity, CancellationToken ct) =>
        SendToConversationAsync(to, activity, Retry, ct);

    public async Task UpdateAsync(ConversationAddress to, string activityId, Activity activity, CancellationToken ct)
    {
        if (!ChannelCapabilities.For(to.ChannelId).MessageUpdates)
        {
            // Direct Line has no update: the new state goes out as a new message rather than a PUT that must fail.
            LogUpdateAsNewMessage(logger, to.ChannelId, activityId);
            await SendToConversationAsync(to, activity, Retry, ct);
            return;
        }
        activity = Outgoing(to, activity);
        activity.Id = activityId;
        activity.Conversation ??= new ConversationAccount { Id = to.ConversationId };
        await CallAsync<ResourceResponse>(HttpMethod.Put, Url(to.ServiceUrl, "v3/conversations", to.ConversationId, "activities", activityId), activity, Retry, ct);
    }

    public Task DeleteAsync(ConversationAddress to, string activityId, CancellationToken ct) =>
        CallAsync<ResourceResponse>(HttpMethod.Delete, Url(to.ServiceUrl, "v3/conversations", to.ConversationId, "activities", activityId), null, Retry, ct);

    /// <summary>POST v3/conversations/{id}/activities. Returns the new message id.</summary>
    public async Task<string?> SendToConversationAsync(ConversationAddress to, Activity activity, RetryPolicy retry, CancellationToken ct)
    {
        activity = Outgoing(to, activity);
        activity.Conversation ??= new ConversationAccount { Id = to.ConversationId };
        var url = activity.ReplyToId is { } replyTo
            ? Url(to.ServiceUrl, "v3/conversations", to.ConversationId, "activities", replyTo)
            : Url(to.ServiceUrl, "v3/conversations", to.ConversationId, "activities");
        return (await CallAsync<ResourceResponse>(HttpMethod.Post, url, activity, retry, ct))?.Id;
    }

    /// <summary>
    /// The one place every outgoing message and update passes: cards are adapted to what the conversation's
    /// channel can render (see <see cref="ChannelCapabilities"/>).
    /// </summary>
    private static Activity Outgoing(ConversationAddress to, Activity activity) =>
        ChannelCapabilities.For(to.ChannelId).Adapt(activity);

    /// <summary>POST v3/conversations: opens (or finds) the 1:1 chat with a user for proactive messages.</summary>
    public async Task<ConversationResourceResponse?> CreateConversationAsync(string serviceUrl, string botId, string userId,
        string? tenantId, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["isGroup"] = false,
            ["bot"] = new JsonObject { ["id"] = botId },
            ["members"] = new JsonArray(new JsonObject { ["id"] = userId }),
        };
        if (tenantId is not null)
        {
            body["tenantId"] = tenantId;
            body["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = tenantId } };
        }
        return await CallAsync<ConversationResourceResponse>(HttpMethod.Post, Url(serviceUrl, "v3/conversations"), body, Retry, ct);
    }

    /// <summary>GET v3/conversations/{id}/members/{memberId}: Teams returns email and userPrincipalName here.</summary>
    public Task<JsonObject?> GetMemberAsync(ConversationAddress conversation, string memberId, CancellationToken ct) =>
        CallAsync<JsonObject>(HttpMethod.Get, Url(conversation.ServiceUrl, "v3/conversations", conversation.ConversationId, "members", memberId), null, Retry, ct);

    internal static string Url(string serviceUrl, string prefix, params string[] segments) =>
        serviceUrl.TrimEnd('/') + "/" + prefix + string.Concat(segments.Select(s => "/" + Uri.EscapeDataString(s)));

    private async Task<T?> CallAsync<T>(HttpMethod method, string url, object? body, RetryPolicy retry, CancellationToken ct)
    {
        if (!IsTrusted(url))
            throw new ConnectorException(HttpStatusCode.BadRequest, ConnectorException.UntrustedServiceUrl,
                "serviceUrl host is not in Bot:TrustedServiceUrlHosts", null);
        var forceRefresh = false;
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, url);
            if (body is not null)
                request.Content = JsonContent.Create(body, body.GetType(), options: ProtocolJson.Options);
            if (await tokens.GetTokenAsync(forceRefresh, ct) is { } token)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

            ConnectorException failure;
            try
            {
                using var response = await http.SendAsync(request, ct);
                if (response.IsSuccessStatusCode)
                {
                    var text = await response.Content.ReadAsStringAsync(ct);
                    return string.IsNullOrWhiteSpace(text) ? default : JsonSerializer.Deserialize<T>(text, ProtocolJson.Options);
                }
                failure = await ToExceptionAsync(response, ct);
            }
            catch (HttpRequestException ex)
            {
                failure = new ConnectorException(HttpStatusCode.ServiceUnavailable, "NetworkError", ex.Message, null);
            }
            catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
            {
                failure = new ConnectorException(HttpStatusCode.GatewayTimeout, "Timeout", ex.Message, null);
            }

            if (failure.Status == HttpStatusCode.Unauthorized && !forceRefresh && attempt < retry.MaxAttempts)
            {
                forceRefresh = true; // token may have been revoked or rotated; MSAL serves from cache otherwise
                continue;
            }
            var delay = retry.DelayAfter(failure.Failure, attempt, failure.RetryAfter, Random.Shared);
            LogFailure(logger, method.Method, (int)failure.Status, failure.Code, attempt, delay?.TotalMilliseconds);
            if (delay is not { } wait)
                throw failure;
            await Task.Delay(wait, time, ct);
        }
    }

    /// <summary>
    /// The bot token goes only to Connector hosts when an allow-list is configured: a stored serviceUrl
    /// is otherwise the only thing deciding where the token is sent.
    /// </summary>
    private bool IsTrusted(string url)
    {
        if (trustedHosts.Count == 0)
            return true;
        var host = new Uri(url).Host;
        return trustedHosts.Any(t => host.Equals(t, StringComparison.OrdinalIgnoreCase)
                                     || host.EndsWith("." + t, StringComparison.OrdinalIgnoreCase));
    }

    private async Task<ConnectorException> ToExceptionAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        return new ConnectorException(response.StatusCode, ErrorCode(body), body, RetryAfter(response.Headers.RetryAfter, time.GetUtcNow()));
    }

    internal static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now) => header switch
    {
        { Delta: { } d } => d,
        { Date: { } date } => date - now is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>Reads <c>error.code</c>, or Teams' <c>{"errorCode":209,"message":"{\"subCode\":…}"}</c> variant.</summary>
    internal static string? ErrorCode(string body)
    {
        try
        {
            var node = JsonNode.Parse(body);
            if (node?["error"]?["code"]?.GetValue<string>() is { } code)
                return code;
            if (node?["message"]?.GetValue<string>() is { } inner && inner.StartsWith('{'))
                return JsonNode.Parse(inner)?["subCode"]?.GetValue<string>();
            return node?["code"]?.GetValue<string>();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel {ChannelId} cannot update messages: activity {ActivityId} is superseded by a new message")]
    private static partial void LogUpdateAsNewMessage(ILogger logger, string channelId, string activityId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connector {Method} failed with {Status} {Code} (attempt {Attempt}); retry in {DelayMs} ms")]
    private static partial void LogFailure(ILogger logger, string method, int status, string? code, int attempt, double? delayMs);
}
