namespace Bot.App.Notices;

/// <summary>One sliding-window rule: at most <see cref="Count"/> requests in any <see cref="Seconds"/>-second window.</summary>
public sealed record RateRule(int Count, double Seconds)
{
    public TimeSpan Window => TimeSpan.FromSeconds(Seconds);
}

/// <summary><c>Notices:*</c> configuration. Defaults follow the Teams rate-limit page and WeCom's per-member limit.</summary>
public sealed class NoticeOptions
{
    /// <summary>Per app per tenant (Teams: 50 RPS).</summary>
    public RateRule[] TenantLimits { get; set; } = [new(50, 1)];
    /// <summary>Per bot per conversation (Teams: 7/1 s, 8/2 s, 60/30 s).</summary>
    public RateRule[] ConversationLimits { get; set; } = [new(7, 1), new(8, 2), new(60, 30)];
    /// <summary>WeCom application messages: 30 per minute per member.</summary>
    public RateRule[] WeComMemberLimits { get; set; } = [new(30, 60)];
    /// <summary>Added to every window so network jitter cannot push a burst over the server's own window.</summary>
    public double WindowGuardMs { get; set; } = 25;
    /// <summary>Sends in flight at once; also the upper bound on duplicates after a crash.</summary>
    public int MaxInFlight { get; set; } = 16;
    /// <summary>Attempts for transient failures (412/502/503/504/network) before the row is failed.</summary>
    public int MaxAttempts { get; set; } = 6;
    /// <summary>Throttled requeues of one recipient before it is failed.</summary>
    public int MaxThrottles { get; set; } = 20;
    public double BackoffBaseMs { get; set; } = 500;
    public double BackoffMaxMs { get; set; } = 30_000;
    /// <summary>The whole dispatcher pauses only when at least this many 429s …</summary>
    public int ClusterThrottles { get; set; } = 5;
    /// <summary>… make up at least this share of the requests …</summary>
    public double ClusterShare { get; set; } = 0.2;
    /// <summary>… within this window.</summary>
    public double ClusterWindowSeconds { get; set; } = 5;
    public string QuietStart { get; set; } = "21:00";
    public string QuietEnd { get; set; } = "08:00";
    /// <summary>Base URL of this bot for signed export links in chat.</summary>
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:3978";
    public double ExportLinkMinutes { get; set; } = 10;
    public double PollSeconds { get; set; } = 1;
}
