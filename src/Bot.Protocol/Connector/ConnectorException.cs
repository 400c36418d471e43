using System.Net;

namespace Bot.Protocol.Connector;

/// <summary>How the bot should react to a failed Connector call (Teams status-code table).</summary>
public enum ConnectorFailure
{
    /// <summary>429: wait for Retry-After, then try again.</summary>
    Throttled,
    /// <summary>412/502/503/504 or a network error: back off and try again.</summary>
    Transient,
    /// <summary>403 blocked by user, bot disabled by admin, bot not in roster: never retry.</summary>
    Blocked,
    /// <summary>413: the message itself is too large.</summary>
    TooLarge,
    /// <summary>404: the conversation or activity no longer exists.</summary>
    NotFound,
    /// <summary>Anything else (400, 401, 500 …): a bug or configuration error, not retried.</summary>
    Permanent,
}

public sealed class ConnectorException(HttpStatusCode status, string? code, string? body, TimeSpan? retryAfter)
    : Exception($"Connector answered {(int)status} {code}")
{
    public HttpStatusCode Status { get; } = status;
    /// <summary>The error code from the body, e.g. <c>ConversationBlockedByUser</c>.</summary>
    public string? Code { get; } = code;
    public string? Body { get; } = body;
    public TimeSpan? RetryAfter { get; } = retryAfter;

    public const string UntrustedServiceUrl = "UntrustedServiceUrl";

    public ConnectorFailure Failure => Classify(Status, Code);

    /// <summary>
    /// 403 means the user cannot be reached (blocked the bot, app not installed, disabled by the admin) —
    /// except <c>InvalidBotApiHost</c> and <c>NotEnoughPermissions</c>, which are configuration errors.
    /// </summary>
    public static ConnectorFailure Classify(HttpStatusCode status, string? code = null) => (int)status switch
    {
        429 => ConnectorFailure.Throttled,
        412 or 502 or 503 or 504 => ConnectorFailure.Transient,
        403 when code is "InvalidBotApiHost" or "NotEnoughPermissions" => ConnectorFailure.Permanent,
        403 => ConnectorFailure.Blocked,
        413 => ConnectorFailure.TooLarge,
        404 => ConnectorFailure.NotFound,
        _ => ConnectorFailure.Permanent,
    };
}
