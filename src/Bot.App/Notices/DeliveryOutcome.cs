using System.Net;
using Bot.Protocol.Connector;

namespace Bot.App.Notices;

public enum OutcomeKind
{
    Sent,
    /// <summary>Try this recipient again at <see cref="DeliveryOutcome.RetryIn"/>.</summary>
    Requeue,
    Failed,
    Blocked,
}

/// <summary>What one send attempt means for its delivery row.</summary>
public sealed record DeliveryOutcome(OutcomeKind Kind, string? Reason = null, TimeSpan RetryIn = default, bool Throttled = false)
{
    /// <summary>Teams status-code table: 429 → Retry-After; 412/5xx-transient → backoff with jitter; 403 never retried; 413 content error.</summary>
    public static DeliveryOutcome Classify(HttpStatusCode status, string? code, TimeSpan? retryAfter, int attempts, int throttles,
        NoticeOptions options, Random random)
    {
        var reason = code is { Length: > 0 } ? $"{(int)status} {code}" : $"{(int)status}";
        switch (ConnectorException.Classify(status))
        {
            case ConnectorFailure.Throttled:
                return throttles >= options.MaxThrottles
                    ? new DeliveryOutcome(OutcomeKind.Failed, "限流重试次数用尽 " + reason, Throttled: true)
                    : new DeliveryOutcome(OutcomeKind.Requeue, reason, retryAfter ?? Backoff(throttles, options, random), Throttled: true);
            case ConnectorFailure.Transient:
                return attempts >= options.MaxAttempts
                    ? new DeliveryOutcome(OutcomeKind.Failed, "重试次数用尽 " + reason)
                    : new DeliveryOutcome(OutcomeKind.Requeue, reason, Backoff(attempts, options, random));
            case ConnectorFailure.Blocked:
                return new DeliveryOutcome(OutcomeKind.Blocked, reason);
            case ConnectorFailure.TooLarge:
                return new DeliveryOutcome(OutcomeKind.Failed, "内容过大 " + reason);
            case ConnectorFailure.NotFound:
                return new DeliveryOutcome(OutcomeKind.Failed, "会话不存在 " + reason);
            default:
                return new DeliveryOutcome(OutcomeKind.Failed, reason);
        }
    }

    /// <summary>Full jitter in [base/10, min(max, base·2^attempt)].</summary>
    public static TimeSpan Backoff(int attempt, NoticeOptions options, Random random)
    {
        var cap = Math.Min(options.BackoffMaxMs, options.BackoffBaseMs * Math.Pow(2, Math.Max(0, attempt - 1)));
        return TimeSpan.FromMilliseconds(Math.Max(options.BackoffBaseMs / 10, random.NextDouble() * cap));
    }
}
