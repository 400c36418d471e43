namespace Bot.App.Notices;

/// <summary>
/// Sliding-window limits keyed by scope ("tenant:…", "conv:…", "wecom:…"). A send acquires all its keys at once
/// or none, so a refused request never eats another scope's budget. Time comes from <see cref="TimeProvider"/>.
/// </summary>
public sealed class RateLimiter(TimeProvider time, TimeSpan guard)
{
    private readonly Dictionary<string, Queue<DateTimeOffset>> history = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>Acquires every (key, rules) pair; returns null when granted, else how long to wait before asking again.</summary>
    public TimeSpan? TryAcquire(IReadOnlyList<(string Key, RateRule[] Rules)> scopes)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            var wait = TimeSpan.Zero;
            foreach (var (key, rules) in scopes)
            {
                if (!history.TryGetValue(key, out var stamps))
                    continue;
                var longest = rules.Max(r => r.Window) + guard;
                while (stamps.Count > 0 && now - stamps.Peek() >= longest)
                    stamps.Dequeue();
                foreach (var rule in rules)
                {
                    var window = rule.Window + guard;
                    var inWindow = stamps.Where(s => now - s < window).ToList();
                    if (inWindow.Count >= rule.Count)
                    {
                        // Free again once the oldest request that fills the window has left it.
                        var until = inWindow[inWindow.Count - rule.Count] + window - now;
                        if (until > wait)
                            wait = until;
                    }
                }
            }
            if (wait > TimeSpan.Zero)
                return wait;
            foreach (var (key, _) in scopes)
            {
                if (!history.TryGetValue(key, out var stamps))
                    history[key] = stamps = new Queue<DateTimeOffset>();
                stamps.Enqueue(now);
            }
            if (history.Count > 50_000)
                Prune(now);
            return null;
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var key in history.Where(h => h.Value.Count == 0 || now - h.Value.Last() > TimeSpan.FromMinutes(2)).Select(h => h.Key).ToList())
            history.Remove(key);
    }
}

/// <summary>
/// Decides when throttling is a real global limit: many 429s that are also a large share of recent requests.
/// An isolated 429 only requeues its own recipient.
/// </summary>
public sealed class ThrottleMonitor(TimeProvider time, NoticeOptions options)
{
    private readonly Queue<(DateTimeOffset At, bool Throttled)> recent = new();
    private readonly Lock gate = new();
    private DateTimeOffset pausedUntil = DateTimeOffset.MinValue;

    public DateTimeOffset PausedUntil
    {
        get { lock (gate) return pausedUntil; }
    }

    /// <summary>Records a response; returns true when this one started a global pause.</summary>
    public bool Record(bool throttled, TimeSpan? retryAfter)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            recent.Enqueue((now, throttled));
            var window = TimeSpan.FromSeconds(options.ClusterWindowSeconds);
            while (recent.Count > 0 && now - recent.Peek().At > window)
                recent.Dequeue();
            if (!throttled)
                return false;
            var count = recent.Count(r => r.Throttled);
            if (count < options.ClusterThrottles || count < options.ClusterShare * recent.Count)
                return false;
            var until = now + (retryAfter ?? TimeSpan.FromSeconds(1));
            if (until <= pausedUntil)
                return false;
            pausedUntil = until;
            recent.Clear();
            return true;
        }
    }
}
