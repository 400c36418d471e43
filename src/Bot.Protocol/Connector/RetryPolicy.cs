namespace Bot.Protocol.Connector;

/// <summary>
/// Retry rules from the Teams rate-limit guidance: honour Retry-After on 429; exponential backoff with
/// jitter on 412/502/503/504 and network errors; never retry 403/413/other 4xx/500.
/// </summary>
public sealed record RetryPolicy(int MaxAttempts = 4, TimeSpan? BaseDelay = null, TimeSpan? MaxDelay = null)
{
    public static readonly RetryPolicy None = new(1);

    public TimeSpan Base => BaseDelay ?? TimeSpan.FromMilliseconds(500);
    public TimeSpan Max => MaxDelay ?? TimeSpan.FromSeconds(30);

    /// <summary>Delay before attempt <paramref name="attempt"/> + 1, or null when the failure must not be retried.</summary>
    public TimeSpan? DelayAfter(ConnectorFailure failure, int attempt, TimeSpan? retryAfter, Random random)
    {
        if (attempt >= MaxAttempts)
            return null;
        return failure switch
        {
            // A Retry-After longer than MaxDelay is handed back to the caller (it can requeue) instead of holding a lane.
            ConnectorFailure.Throttled when retryAfter > Max => null,
            ConnectorFailure.Throttled => retryAfter ?? Backoff(attempt, random),
            ConnectorFailure.Transient => Backoff(attempt, random),
            _ => null,
        };
    }

    /// <summary>"Full jitter": uniform in [0, min(max, base·2^attempt)], never below a tenth of base.</summary>
    public TimeSpan Backoff(int attempt, Random random)
    {
        var cap = Math.Min(Max.TotalMilliseconds, Base.TotalMilliseconds * Math.Pow(2, attempt));
        return TimeSpan.FromMilliseconds(Math.Max(Base.TotalMilliseconds / 10, random.NextDouble() * cap));
    }
}
