using System.Net;
using Bot.App.Notices;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.Notices;

public sealed class RateLimiterTests
{
    private static readonly NoticeOptions Options = new();

    private static (string, RateRule[])[] Teams(string conversation) =>
        [("tenant:t", Options.TenantLimits), ("conv:" + conversation, Options.ConversationLimits)];

    [Fact]
    public void TenantAllowsFiftyRequestsPerSecondAcrossConversations()
    {
        var clock = new FakeTimeProvider();
        var limiter = new RateLimiter(clock, TimeSpan.Zero);

        for (var i = 0; i < 50; i++)
            Assert.Null(limiter.TryAcquire(Teams("c" + i)));
        var wait = limiter.TryAcquire(Teams("c50"));

        Assert.Equal(TimeSpan.FromSeconds(1), wait);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(limiter.TryAcquire(Teams("c50")));
    }

    [Fact]
    public void OneConversationGetsSevenPerSecondEightPerTwoSecondsSixtyPerThirtySeconds()
    {
        var clock = new FakeTimeProvider();
        var limiter = new RateLimiter(clock, TimeSpan.Zero);

        for (var i = 0; i < 7; i++)
            Assert.Null(limiter.TryAcquire(Teams("a")));
        Assert.NotNull(limiter.TryAcquire(Teams("a")));
        Assert.Null(limiter.TryAcquire(Teams("b"))); // other conversations are not affected

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(limiter.TryAcquire(Teams("a")));  // 8th within 2 s
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.TryAcquire(Teams("a")));

        var sent = 8;
        for (var second = 2; second < 30 && sent < 60; second++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            while (sent < 60 && limiter.TryAcquire(Teams("a")) is null)
                sent++;
        }
        Assert.Equal(60, sent);
        Assert.NotNull(limiter.TryAcquire(Teams("a")));
    }

    [Fact]
    public void RefusedRequestDoesNotConsumeTheOtherScope()
    {
        var clock = new FakeTimeProvider();
        var limiter = new RateLimiter(clock, TimeSpan.Zero);
        for (var i = 0; i < 7; i++)
            limiter.TryAcquire(Teams("busy"));
        for (var i = 0; i < 100; i++)
            Assert.NotNull(limiter.TryAcquire(Teams("busy")));

        // Only 7 tenant slots are used, so 43 other conversations still fit into this second.
        for (var i = 0; i < 43; i++)
            Assert.Null(limiter.TryAcquire(Teams("other" + i)));
        Assert.NotNull(limiter.TryAcquire(Teams("last")));
    }

    [Fact]
    public void WeComMemberKeyAllowsThirtyPerMinute()
    {
        var clock = new FakeTimeProvider();
        var limiter = new RateLimiter(clock, TimeSpan.Zero);
        (string, RateRule[])[] member = [("wecom:zhangsan", Options.WeComMemberLimits)];
        for (var i = 0; i < 30; i++)
        {
            Assert.Null(limiter.TryAcquire(member));
            clock.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.Equal(TimeSpan.FromSeconds(30), limiter.TryAcquire(member));
    }

    [Fact]
    public void IsolatedThrottleDoesNotPauseTheDispatcher()
    {
        var clock = new FakeTimeProvider();
        var monitor = new ThrottleMonitor(clock, Options);
        for (var i = 0; i < 500; i++)
        {
            Assert.False(monitor.Record(throttled: i % 100 == 0, TimeSpan.FromSeconds(2)));
            clock.Advance(TimeSpan.FromMilliseconds(20));
        }
        Assert.True(monitor.PausedUntil < clock.GetUtcNow());
    }

    [Fact]
    public void ClusteredThrottlingPausesTheWholeDispatcherForRetryAfter()
    {
        var clock = new FakeTimeProvider();
        var monitor = new ThrottleMonitor(clock, Options);
        for (var i = 0; i < 10; i++)
            monitor.Record(false, null);
        var paused = false;
        for (var i = 0; i < 5; i++)
            paused |= monitor.Record(true, TimeSpan.FromSeconds(3));

        Assert.True(paused);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromSeconds(3), monitor.PausedUntil);
    }

    [Theory]
    [InlineData(429, OutcomeKind.Requeue)]
    [InlineData(412, OutcomeKind.Requeue)]
    [InlineData(502, OutcomeKind.Requeue)]
    [InlineData(503, OutcomeKind.Requeue)]
    [InlineData(504, OutcomeKind.Requeue)]
    [InlineData(403, OutcomeKind.Blocked)]
    [InlineData(413, OutcomeKind.Failed)]
    [InlineData(404, OutcomeKind.Failed)]
    [InlineData(400, OutcomeKind.Failed)]
    [InlineData(500, OutcomeKind.Failed)]
    public void StatusCodesAreClassifiedLikeTheTeamsTable(int status, OutcomeKind expected)
    {
        var outcome = DeliveryOutcome.Classify((HttpStatusCode)status, "X", null, 1, 0, Options, new Random(1));
        Assert.Equal(expected, outcome.Kind);
        Assert.Equal(status == 429, outcome.Throttled);
    }

    [Fact]
    public void ThrottleHonoursRetryAfterAndTransientBacksOffWithJitterUntilAttemptsRunOut()
    {
        var random = new Random(7);
        var throttled = DeliveryOutcome.Classify(HttpStatusCode.TooManyRequests, null, TimeSpan.FromSeconds(2), 1, 0, Options, random);
        Assert.Equal(TimeSpan.FromSeconds(2), throttled.RetryIn);

        var delays = Enumerable.Range(1, 5)
            .Select(a => DeliveryOutcome.Classify(HttpStatusCode.ServiceUnavailable, null, null, a, 0, Options, random).RetryIn).ToList();
        Assert.All(delays, d => Assert.InRange(d.TotalMilliseconds, Options.BackoffBaseMs / 10, Options.BackoffMaxMs));
        Assert.True(delays.Distinct().Count() > 1, "jitter should vary the delays");

        Assert.Equal(OutcomeKind.Failed, DeliveryOutcome.Classify(HttpStatusCode.ServiceUnavailable, null, null, Options.MaxAttempts, 0, Options, random).Kind);
        Assert.Equal(OutcomeKind.Failed, DeliveryOutcome.Classify(HttpStatusCode.TooManyRequests, null, null, 1, Options.MaxThrottles, Options, random).Kind);
    }

    [Fact]
    public void QuietHoursMoveScheduledTimeToEightOClockShanghai()
    {
        var start = new TimeOnly(21, 0);
        var end = new TimeOnly(8, 0);
        var late = NoticeTime.ParseSendAt("2026-12-03T22:30")!.Value;
        var early = NoticeTime.ParseSendAt("2026-12-04T06:00+08:00")!.Value;
        var day = NoticeTime.ParseSendAt("2026-12-04T09:00")!.Value;

        Assert.Equal(NoticeTime.ParseSendAt("2026-12-04T08:00"), NoticeTime.OutsideQuietHours(late, start, end));
        Assert.Equal(NoticeTime.ParseSendAt("2026-12-04T08:00"), NoticeTime.OutsideQuietHours(early, start, end));
        Assert.Equal(day, NoticeTime.OutsideQuietHours(day, start, end));
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 1, 0, 0, TimeSpan.Zero), day); // no offset = Asia/Shanghai
    }
}
