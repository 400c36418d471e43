using System.Collections.Concurrent;

namespace Bot.Protocol.WeCom;

/// <summary>
/// Sliding-window limit per key (WeCom: per app per member ≤30 messages/min and ≤1000/h; the excess is
/// silently dropped, so we wait instead of sending). One instance is shared by every sender of the app.
/// </summary>
public sealed class MemberRateLimiter(TimeProvider time, int perMinute = 30, int perHour = 1000)
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> windows = new(StringComparer.Ordinal);

    public int PerMinute => perMinute;

    /// <summary>Takes a slot now and returns null, or returns how long to wait before one frees up.</summary>
    public TimeSpan? TryAcquire(string key)
    {
        var now = time.GetUtcNow();
        var window = windows.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
        lock (window)
        {
            while (window.Count > 0 && now - window.Peek() >= TimeSpan.FromHours(1))
                window.Dequeue();
            var inLastMinute = window.Count(t => now - t < TimeSpan.FromMinutes(1));
            if (inLastMinute >= perMinute)
                return window.Where(t => now - t < TimeSpan.FromMinutes(1)).Skip(inLastMinute - perMinute).First() + TimeSpan.FromMinutes(1) - now;
            if (window.Count >= perHour)
                return window.Peek() + TimeSpan.FromHours(1) - now;
            window.Enqueue(now);
            return null;
        }
    }

    /// <summary>Waits (on the injected clock) until the key has a free slot, then takes it.</summary>
    public async ValueTask AcquireAsync(string key, CancellationToken ct)
    {
        while (TryAcquire(key) is { } wait)
            await Task.Delay(wait < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : wait, time, ct);
    }
}
